// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: the mutating calls.
 *
 * Every mutating method goes through the same steps, none of which blocks the event loop:
 *   1. checks that need no privilege (hypervisor enabled, cell not busy, arguments);
 *   2. authorization: root passes, anyone else is asked about through polkit's
 *      CheckAuthorization, asynchronously;
 *   3. preparation in the main thread (reading and validating configuration files, reading
 *      images);
 *   4. the driver call in a worker thread of its own (a shutdown may take as long as the
 *      cell's timeout), which hands the job back through a pipe;
 *   5. in the main thread again: state refreshed from the driver (PropertiesChanged,
 *      CellNew ...), then exactly one reply, success or a named error.  A refused call
 *      comes back with an errno and a reason value (include/cellvisor/reason.h, from the
 *      hypervisor or the module); refusals[] below turns them into the D-Bus error.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cellvisor/names.h>

#include "cellconf.h"
#include "cellmgrd.h"

static const char *const op_names[] = {
	[OP_ENABLE] = "Enable", [OP_DISABLE] = "Disable", [OP_CREATE] = "CreateCell",
	[OP_LOAD] = "Load", [OP_START] = "Start", [OP_SHUTDOWN] = "Shutdown",
	[OP_DESTROY] = "Destroy",
};

struct job {
	struct job *next, *prev;	/* jobs waiting for polkit */
	struct manager *m;
	enum op op;
	sd_bus_message *msg;
	uint32_t cell_id;
	char cell_name[CV_CELL_NAME_LEN];
	bool was_running;		/* the cell ran when the call was accepted */
	uid_t uid;
	pid_t pid;
	sd_bus_slot *polkit_slot;
	char *arg;			/* the path argument of Enable and CreateCell */
	struct image_spec *specs;	/* Load: what to load */
	size_t n_specs;
	/* prepared in the main thread */
	struct cc_config *cfg;
	struct be_image *images;
	size_t n_images;
	/* result */
	int r;
	uint32_t new_id;
	struct cv_ioctl_refusal why;	/* on failure: the reason (include/cellvisor/reason.h) */
};

static void auth_unlink(struct job *j)
{
	if (j->polkit_slot) {
		if (j->prev)
			j->prev->next = j->next;
		else
			j->m->auth_jobs = j->next;
		if (j->next)
			j->next->prev = j->prev;
		j->next = j->prev = NULL;
	}
}

static void job_free(struct job *j)
{
	if (!j)
		return;
	auth_unlink(j);
	sd_bus_slot_unref(j->polkit_slot);
	sd_bus_message_unref(j->msg);
	free(j->arg);
	for (size_t i = 0; i < j->n_specs; i++)
		free(j->specs[i].path);
	free(j->specs);
	for (size_t i = 0; i < j->n_images; i++)
		free((void *)j->images[i].data);
	free(j->images);
	cc_free(j->cfg);
	free(j);
}

static const char *who(struct job *j, char *buf, size_t len)
{
	snprintf(buf, len, "uid %u (pid %u)", (unsigned)j->uid, (unsigned)j->pid);
	return buf;
}

static int reply_error(struct job *j, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Send the named error and log it. */
static int reply_error(struct job *j, const char *name, const char *fmt, ...)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char *msg = NULL, w[64];
	va_list ap;
	int r;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	log_full(LOG_WARNING, MID_OP_FAILED, j->cell_name[0] ? j->cell_name : NULL,
		 "%s by %s failed: %s: %s", op_names[j->op], who(j, w, sizeof(w)), name,
		 msg ? msg : "(out of memory)");
	sd_bus_error_set(&e, name, msg ? msg : "out of memory");
	r = sd_bus_reply_method_error(j->msg, &e);
	if (r < 0)
		log_error(NULL, "cannot send the reply to %s: %s", op_names[j->op], strerror(-r));
	sd_bus_error_free(&e);
	free(msg);
	return 0;
}

static char *diags_text(const struct cc_diags *d, const char *fallback)
{
	size_t len = 0;
	char *s;

	for (size_t i = 0; i < d->count; i++)
		if (d->items[i].severity == CC_ERROR)
			len += strlen(d->items[i].text) + 1;
	if (!len)
		return strdup(fallback);
	s = malloc(len + 1);
	if (!s)
		return NULL;
	s[0] = 0;
	for (size_t i = 0; i < d->count; i++)
		if (d->items[i].severity == CC_ERROR) {
			if (s[0])
				strcat(s, "\n");
			strcat(s, d->items[i].text);
		}
	return s;
}

/* ---- the worker threads ---- */

static void *job_thread(void *arg)
{
	struct job *j = arg;
	struct backend *b = j->m->backend;

	switch (j->op) {
	case OP_ENABLE:
		j->r = b->ops->enable(b, j->cfg->blob, j->cfg->blob_size, &j->why);
		break;
	case OP_DISABLE:
		j->r = b->ops->disable(b, &j->why);
		break;
	case OP_CREATE:
		j->r = b->ops->cell_create(b, j->cfg->blob, j->cfg->blob_size, &j->new_id,
					   &j->why);
		break;
	case OP_LOAD:
		j->r = b->ops->cell_load(b, j->cell_id, j->images, j->n_images, &j->why);
		break;
	case OP_START:
		j->r = b->ops->cell_start(b, j->cell_id, &j->why);
		break;
	case OP_SHUTDOWN:
		j->r = b->ops->cell_shutdown(b, j->cell_id, &j->why);
		break;
	case OP_DESTROY:
		j->r = b->ops->cell_destroy(b, j->cell_id, &j->why);
		break;
	}
	/* A pointer is smaller than PIPE_BUF: the write is atomic. */
	if (write(j->m->job_pipe[1], &j, sizeof(j)) != sizeof(j))
		abort();
	return NULL;
}

static int job_submit(struct job *j)
{
	pthread_attr_t attr;
	pthread_t t;
	int r;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &attr, job_thread, j);
	pthread_attr_destroy(&attr);
	if (r)
		return -r;
	j->m->jobs++;
	manager_update_status(j->m);
	return 0;
}

/* ---- refusals: (call, errno, reason) to a named D-Bus error, in one table ---- */

#define ANY_OP	(-1)

/*
 * What a refused driver call answers on the bus.  The first entry that matches the call
 * ('op', or ANY_OP) and the refusal reason of include/cellvisor/reason.h wins; a refusal
 * without a reason (CV_REASON_NONE) is matched on its errno.  In 'text', {cell} is the cell
 * of the call, {config} the configuration file given, {call} the method, {object} the
 * reason's object as a number, {bdf} and {dev}/{bar} the object as a PCI function or as a
 * device index and BAR, {holder} the name of the cell that holds the object and {errno}
 * the errno's text.  cellmgrd(8) documents the result, ERRORS.
 */
static const struct refusal_text {
	int op;
	uint32_t reason;
	int err;		/* for CV_REASON_NONE */
	const char *error;	/* CV_BUS_ERROR_* */
	const char *text;
} refusals[] = {
	{ ANY_OP, CV_REASON_LOCKED, 0, CV_BUS_ERROR_HYPERVISOR_LOCKED,
	  "{call} refused: cell \"{holder}\" holds the hypervisor locked (state \""
	  CV_CELL_STATE_NAME_RUNNING_LOCKED "\"); it must unlock first, or be shut down" },
	{ ANY_OP, CV_REASON_NO_SUCH_CELL, 0, CV_BUS_ERROR_NO_SUCH_CELL,
	  "cell \"{cell}\" does not exist any more" },
	{ ANY_OP, CV_REASON_NOT_ENABLED, 0, CV_BUS_ERROR_NOT_ENABLED,
	  "the hypervisor is not enabled" },
	/* Enable */
	{ ANY_OP, CV_REASON_ALREADY_ENABLED, 0, CV_BUS_ERROR_ALREADY_ENABLED,
	  "the hypervisor is already enabled" },
	{ OP_ENABLE, CV_REASON_CONFIG_INVALID, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the driver rejected the system configuration; the kernel log "
	  "(journalctl -k) says why" },
	{ OP_ENABLE, CV_REASON_VERSION_MISMATCH, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "/lib/firmware/cellvisor.bin, cellvisor.ko and the configuration are not of the same "
	  "version; reinstall them together" },
	{ ANY_OP, CV_REASON_ROOT_CPUS, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the root cell's CPUs are not exactly the CPUs Linux has online; bring CPUs "
	  "online or fix \"cpus\" of the root cell" },
	{ ANY_OP, CV_REASON_HV_MEM_IN_USE, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the hypervisor memory overlaps Linux RAM or another driver's region; reserve "
	  "it (mem= on the kernel command line) or move \"hypervisor_memory\"" },
	{ ANY_OP, CV_REASON_HV_MEM_TOO_SMALL, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: cellvisor.bin, the configuration and the per-CPU data do not fit in the "
	  "hypervisor memory; make it larger" },
	{ ANY_OP, CV_REASON_NO_FIRMWARE, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "cellvisor.bin is missing: install it in /lib/firmware" },
	{ ANY_OP, CV_REASON_BAD_FIRMWARE, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "/lib/firmware/cellvisor.bin is malformed or of another version than cellvisor.ko; "
	  "reinstall both" },
	{ ANY_OP, CV_REASON_NO_EL2, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "the CPUs cannot be entered at EL2 (no hyp stub): boot Linux at EL2 with "
	  "kvm-arm.mode=none" },
	{ ANY_OP, CV_REASON_CPU_HOTPLUG, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "a CPU went online or offline during enable; try again" },
	{ ANY_OP, CV_REASON_GIC_TOO_SMALL, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the GIC implements {object} interrupts (GICD_TYPER), fewer than "
	  "\"platform.gic.num_irqs\" says; correct it" },
	{ ANY_OP, CV_REASON_IOMMU, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the IOMMU at address {object} named by \"platform.iommu\" cannot be set up "
	  "(absent, already in use by Linux, or lacking a feature); the hypervisor console "
	  "says why" },
	{ ANY_OP, CV_REASON_SYSTEM_REJECTED, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the hypervisor refused the system configuration when it started "
	  "({errno}); its console says why (cellctl console, or journalctl -k)" },
	/* Disable */
	{ ANY_OP, CV_REASON_CELLS_EXIST, 0, CV_BUS_ERROR_CELLS_REMAINING,
	  "cannot disable the hypervisor while {object} cells other than the root cell exist; "
	  "stop their units (systemctl stop cells.target) or destroy them first" },
	/* CreateCell */
	{ OP_CREATE, CV_REASON_CONFIG_INVALID, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the driver rejected the cell configuration; the kernel log (journalctl -k) "
	  "says why" },
	{ OP_CREATE, CV_REASON_VERSION_MISMATCH, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the cell configuration's revision is not the driver's; compile it with "
	  "this version's cellctl" },
	{ OP_CREATE, CV_REASON_BAD_ARGUMENT, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: a cell configuration of {object} bytes is impossible" },
	{ ANY_OP, CV_REASON_CPU_BUSY, 0, CV_BUS_ERROR_CPU_BUSY,
	  "cell \"{cell}\" wants CPU {object}, but cell \"{holder}\" holds it; destroy that cell "
	  "first or change \"cpus\" in {config}" },
	{ ANY_OP, CV_REASON_CPUS_EMPTY_OR_ALL, 0, CV_BUS_ERROR_CPU_BUSY,
	  "cell \"{cell}\" would take every CPU of the root cell, which keeps at least one; "
	  "change \"cpus\" in {config}" },
	{ ANY_OP, CV_REASON_CPU_ONLINE, 0, CV_BUS_ERROR_CPU_BUSY,
	  "Linux could not give up a CPU for cell \"{cell}\" (a CPU that is offline or in use "
	  "cannot move); change \"cpus\" in {config}" },
	{ ANY_OP, CV_REASON_CPU_WOKEN, 0, CV_BUS_ERROR_CPU_BUSY,
	  "CPU {object} was brought up in Linux while cell \"{cell}\" was being created; try again" },
	{ ANY_OP, CV_REASON_MEM_BUSY, 0, CV_BUS_ERROR_MEMORY_BUSY,
	  "memory region {object} of cell \"{cell}\" belongs to cell \"{holder}\"; destroy that "
	  "cell first or change \"memory_regions\" in {config}" },
	{ ANY_OP, CV_REASON_MEM_NOT_ROOT_RAM, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: memory region {object} is not RAM of the root cell" },
	{ ANY_OP, CV_REASON_MEM_RESERVED, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: device region {object} covers RAM, the hypervisor or the interrupt "
	  "controller" },
	{ ANY_OP, CV_REASON_MEM_LINUX_RAM, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: memory region {object} is System RAM of the root Linux; give a cell only "
	  "memory reserved with mem=" },
	{ ANY_OP, CV_REASON_IRQ_BUSY, 0, CV_BUS_ERROR_DEVICE_BUSY,
	  "interrupt {object} of cell \"{cell}\" belongs to cell \"{holder}\"; destroy that cell "
	  "first or change \"irqs\" in {config}" },
	{ ANY_OP, CV_REASON_PCI_BUSY, 0, CV_BUS_ERROR_DEVICE_BUSY,
	  "PCI function {bdf} of cell \"{cell}\" belongs to cell \"{holder}\"; destroy that cell "
	  "first or change \"pci_devices\" in {config}" },
	{ ANY_OP, CV_REASON_BAR_BUSY, 0, CV_BUS_ERROR_DEVICE_BUSY,
	  "BAR {bar} of PCI device {dev} of cell \"{cell}\" overlaps what cell \"{holder}\" "
	  "holds; destroy that cell first or change {config}" },
	{ ANY_OP, CV_REASON_BAR_RESERVED, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: BAR {bar} of PCI device {dev} covers RAM, the hypervisor or the interrupt "
	  "controller" },
	{ ANY_OP, CV_REASON_NO_CELL_SLOT, 0, CV_BUS_ERROR_NO_RESOURCES,
	  "the hypervisor has no room for cell \"{cell}\": it holds {object} cells at most" },
	{ ANY_OP, CV_REASON_NO_MEMORY, 0, CV_BUS_ERROR_NO_RESOURCES,
	  "the hypervisor's memory pool has no room for cell \"{cell}\"; destroy a cell or make "
	  "\"hypervisor_memory\" larger" },
	{ ANY_OP, CV_REASON_BUILD_FAILED, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "the hypervisor could not build cell \"{cell}\" (error {object})" },
	/* Load, Start, Shutdown, Destroy */
	{ ANY_OP, CV_REASON_CELL_RUNNING, 0, CV_BUS_ERROR_INVALID_STATE,
	  "cell \"{cell}\" is running; shut it down before loading images" },
	{ ANY_OP, CV_REASON_IMAGE_OUTSIDE, 0, CV_BUS_ERROR_INVALID_IMAGE,
	  "image {object} for cell \"{cell}\" does not lie inside one loadable memory region of "
	  "the cell" },
	{ OP_LOAD, CV_REASON_BAD_ARGUMENT, 0, CV_BUS_ERROR_INVALID_IMAGE,
	  "the driver refused the images for cell \"{cell}\": each must be non-empty, 1 to 64 of "
	  "them" },
	{ ANY_OP, CV_REASON_NOT_LOADED, 0, CV_BUS_ERROR_INVALID_STATE,
	  "cell \"{cell}\" cannot be started: it was not loaded since it was created, shut down "
	  "or failed; load it first" },
	{ ANY_OP, CV_REASON_SHUTDOWN_DENIED, 0, CV_BUS_ERROR_SHUTDOWN_REFUSED,
	  "cell \"{cell}\" refused to shut down; it keeps running" },
	{ ANY_OP, CV_REASON_SHUTDOWN_TIMEOUT, 0, CV_BUS_ERROR_SHUTDOWN_TIMEOUT,
	  "cell \"{cell}\" did not answer the shutdown request in {object} ms and was marked "
	  "failed; destroy it to get its resources back" },
	{ ANY_OP, CV_REASON_CPUS_DO_NOT_STOP, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "the CPUs of cell \"{cell}\" did not stop; it is marked failed" },
	/* Errnos that came without a reason. */
	{ OP_CREATE, CV_REASON_NONE, EEXIST, CV_BUS_ERROR_CELL_EXISTS,
	  "a cell named \"{cell}\" already exists" },
	{ ANY_OP, CV_REASON_NONE, ENOMEM, CV_BUS_ERROR_NO_RESOURCES,
	  "{call}: out of memory ({errno})" },
	{ ANY_OP, CV_REASON_NONE, ENOSYS, CV_BUS_ERROR_NOT_SUPPORTED,
	  "{call}: the hypervisor does not implement this call" },
	{ ANY_OP, CV_REASON_NONE, ENODEV, CV_BUS_ERROR_NOT_ENABLED,
	  "the hypervisor is not enabled" },
	{ ANY_OP, CV_REASON_NONE, ENOENT, CV_BUS_ERROR_NO_SUCH_CELL,
	  "cell \"{cell}\" does not exist any more" },
};

/* The table's entry for the job's refusal, or NULL: a DriverError naming the errno. */
static const struct refusal_text *refusal_text(const struct job *j)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal_text *t = &refusals[i];

		if ((t->op == ANY_OP || t->op == (int)j->op) && t->reason == j->why.reason &&
		    (t->reason != CV_REASON_NONE || t->err == -j->r))
			return t;
	}
	return NULL;
}

/* Expand the placeholders of a refusal_text (see there) for job j into a new string. */
static char *refusal_message(const struct job *j, const char *text)
{
	const struct cell *holder = manager_find_cell_id(j->m, (uint32_t)j->why.holder);
	uint64_t o = j->why.object;
	char *out = NULL, num[32];
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	for (const char *p = text; *p; p++) {
		const char *v = NULL, *close = *p == '{' ? strchr(p, '}') : NULL;
		size_t k = close ? (size_t)(close - p + 1) : 0;

		num[0] = 0;
		if (k == 6 && !strncmp(p, "{cell}", k))
			v = j->cell_name;
		else if (k == 8 && !strncmp(p, "{config}", k))
			v = j->arg ? j->arg : "the configuration";
		else if (k == 6 && !strncmp(p, "{call}", k))
			v = op_names[j->op];
		else if (k == 8 && !strncmp(p, "{holder}", k))
			v = j->why.holder == 0 ? "root" : holder ? holder->name : "?";
		else if (k == 7 && !strncmp(p, "{errno}", k))
			v = strerror(-j->r);
		else if (k == 8 && !strncmp(p, "{object}", k))
			snprintf(num, sizeof(num), "%" PRIu64, o);
		else if (k == 5 && !strncmp(p, "{bdf}", k))
			snprintf(num, sizeof(num), "%02x:%02x.%x", (unsigned)(o >> 8 & 0xff),
				 (unsigned)(o >> 3 & 0x1f), (unsigned)(o & 7));
		else if (k == 5 && !strncmp(p, "{dev}", k))
			snprintf(num, sizeof(num), "%" PRIu64, o >> 8);
		else if (k == 5 && !strncmp(p, "{bar}", k))
			snprintf(num, sizeof(num), "%" PRIu64, o & 0xff);
		if (!v && !num[0]) {
			fputc(*p, f);
			continue;
		}
		fputs(v ? v : num, f);
		p += k - 1;
	}
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

static void reply_backend_error(struct job *j)
{
	const struct refusal_text *t = refusal_text(j);
	char *msg = t ? refusal_message(j, t->text) : NULL;

	if (!t) {
		reply_error(j, CV_BUS_ERROR_DRIVER_ERROR, "%s%s%s failed in the driver: %s (reason %u)",
			    op_names[j->op], j->cell_name[0] ? " of cell " : "", j->cell_name,
			    strerror(-j->r), (unsigned)j->why.reason);
		return;
	}
	reply_error(j, t->error, "%s", msg ? msg : "out of memory");
	free(msg);
}

/* ---- completion, in the main thread ---- */

static void job_finish(struct job *j)
{
	struct manager *m = j->m;
	struct cell *c = manager_find_cell_id(m, j->cell_id);
	char w[64];

	if (j->op == OP_CREATE)
		m->creating--;
	if (j->op == OP_ENABLE || j->op == OP_DISABLE)
		m->busy = NULL;
	else if (c && !strcmp(c->name, j->cell_name))
		c->busy = NULL;

	manager_read_consoles(m);	/* before the states: see on_refresh() */
	if (j->r < 0) {
		manager_refresh(m);
		reply_backend_error(j);
		return;
	}
	switch (j->op) {
	case OP_ENABLE:
		free(m->system_config_path);
		m->system_config_path = strdup(j->arg);
		free(m->system_blob);
		m->system_blob = malloc(j->cfg->blob_size);
		if (m->system_blob) {
			memcpy(m->system_blob, j->cfg->blob, j->cfg->blob_size);
			m->system_blob_size = j->cfg->blob_size;
		}
		cc_free(m->system_config);
		m->system_config = j->cfg;
		j->cfg = NULL;
		dual_ts_now(&m->enabled_ts);
		state_save_system(m);
		log_full(LOG_NOTICE, MID_ENABLED, NULL,
			 "Hypervisor enabled with %s, requested by %s", m->system_config_path,
			 who(j, w, sizeof(w)));
		break;
	case OP_DISABLE:
		manager_forget_system(m);
		log_full(LOG_NOTICE, MID_DISABLED, NULL, "Hypervisor disabled, requested by %s",
			 who(j, w, sizeof(w)));
		break;
	case OP_CREATE: {
		/* Record what the driver does not keep, before the object appears. */
		struct cell tmp = { .id = j->new_id, .config_path = j->arg,
				    .state = CELL_STATE_INVALID,
				    .blob = j->cfg->blob, .blob_size = j->cfg->blob_size };
		struct image_spec *specs = calloc(j->cfg->num_images + 1, sizeof(*specs));

		memcpy(tmp.name, j->cell_name, sizeof(tmp.name));
		dual_ts_now(&tmp.created);
		for (size_t i = 0; specs && i < j->cfg->num_images; i++) {
			specs[i].path = j->cfg->images[i].path;
			specs[i].address = j->cfg->images[i].address;
		}
		char *params = NULL;

		/* The parameters load after the images: a file, or the page of their text. */
		if (j->cfg->has_params && j->cfg->params_text) {
			void *page = cc_params_page(j->cfg->params_text);

			if (page)
				params = state_save_params(m, j->cell_name, page,
							   CC_PARAMS_PAGE_SIZE);
			free(page);
		}
		if (specs && j->cfg->has_params && (params || j->cfg->params_file))
			specs[j->cfg->num_images] = (struct image_spec){
				params ? params : j->cfg->params_file, j->cfg->params_address };
		tmp.images = specs;
		tmp.n_images = specs ? j->cfg->num_images +
			       (j->cfg->has_params && (params || j->cfg->params_file)) : 0;
		state_save_cell(m, &tmp);
		free(specs);
		free(params);
		log_full(LOG_NOTICE, MID_CELL_CREATED, j->cell_name,
			 "Cell \"%s\" created with id %u from %s, requested by %s", j->cell_name,
			 j->new_id, j->arg, who(j, w, sizeof(w)));
		break;
	}
	case OP_LOAD:
		log_full(LOG_INFO, MID_CELL_LOADED, j->cell_name,
			 "Cell \"%s\": %zu image(s) loaded, requested by %s", j->cell_name,
			 j->n_images, who(j, w, sizeof(w)));
		break;
	case OP_DESTROY:
		log_full(LOG_NOTICE, MID_CELL_DESTROYED, j->cell_name,
			 "Cell \"%s\" destroyed, requested by %s", j->cell_name,
			 who(j, w, sizeof(w)));
		break;
	default:
		log_full(LOG_INFO, NULL, j->cell_name, "%s of cell \"%s\" done, requested by %s",
			 op_names[j->op], j->cell_name, who(j, w, sizeof(w)));
		break;
	}
	manager_refresh(m);
	c = manager_find_cell_id(m, j->op == OP_CREATE ? j->new_id : j->cell_id);
	if (j->op == OP_LOAD && c) {
		dual_ts_now(&c->loaded);
		state_save_cell(m, c);
		sd_bus_emit_properties_changed(m->bus, c->path, CV_BUS_CELL_IFACE, "LoadTimestamp",
					       "LoadTimestampMonotonic", NULL);
	}
	/*
	 * The hypervisor answers a shutdown of a cell that does not run with success and leaves
	 * it as it is: a cell that was failed already did not time out now.
	 */
	if (j->op == OP_SHUTDOWN && j->was_running && c && c->state == CELL_FAILED) {
		reply_error(j, CV_BUS_ERROR_SHUTDOWN_TIMEOUT,
			    "cell \"%s\" did not answer the shutdown request in time and was "
			    "marked failed; destroy it to get its resources back", j->cell_name);
		return;
	}
	if (j->op == OP_CREATE) {
		if (!c) {
			reply_error(j, CV_BUS_ERROR_NO_SUCH_CELL,
				    "cell \"%s\" was created with id %u but vanished at once",
				    j->cell_name, j->new_id);
			return;
		}
		sd_bus_reply_method_return(j->msg, "o", c->path);
		return;
	}
	sd_bus_reply_method_return(j->msg, "");
}

static int on_job_done(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct manager *m = userdata;
	struct job *j;

	(void)s;
	(void)revents;
	while (read(fd, &j, sizeof(j)) == sizeof(j)) {
		job_finish(j);
		job_free(j);
		m->jobs--;
		manager_update_status(m);
	}
	if (m->exiting && !m->jobs)
		sd_event_exit(m->event, 0);
	return 0;
}

void ops_free_pending(struct manager *m)
{
	while (m->auth_jobs)
		job_free(m->auth_jobs);
}

int jobs_init(struct manager *m)
{
	if (pipe2(m->job_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	return sd_event_add_io(m->event, &m->job_source, m->job_pipe[0], EPOLLIN, on_job_done, m);
}

void jobs_done(struct manager *m)
{
	sd_event_source_disable_unref(m->job_source);
	m->job_source = NULL;
	if (m->job_pipe[0] >= 0) {
		close(m->job_pipe[0]);
		close(m->job_pipe[1]);
	}
}

/* ---- step 3: preparation, once authorized ---- */

static int load_images(struct job *j)
{
	j->images = calloc(j->n_specs ? j->n_specs : 1, sizeof(*j->images));
	if (!j->images)
		return reply_error(j, "org.freedesktop.DBus.Error.NoMemory", "out of memory");
	for (size_t i = 0; i < j->n_specs; i++) {
		char *data = NULL;
		long n = read_file(j->specs[i].path, &data, 1L << 30);

		if (n < 0)
			return reply_error(j, CV_BUS_ERROR_INVALID_IMAGE,
					   "cannot read image %s for cell \"%s\": %s",
					   j->specs[i].path, j->cell_name, strerror((int)-n));
		if (n == 0) {
			free(data);
			return reply_error(j, CV_BUS_ERROR_INVALID_IMAGE, "image %s for cell \"%s\" is empty",
					   j->specs[i].path, j->cell_name);
		}
		j->images[i].data = data;
		j->images[i].size = n;
		j->images[i].address = j->specs[i].address;
		j->n_images++;
	}
	return 0;
}

/* Returns 1 when the job went to a worker thread, otherwise the reply has been sent. */
static int job_authorized(struct job *j)
{
	struct manager *m = j->m;
	struct cc_diags d;
	struct cell *c = NULL;
	int r;

	if (j->op >= OP_LOAD) {
		c = manager_find_cell_id(m, j->cell_id);
		if (!c || strcmp(c->name, j->cell_name))
			return reply_error(j, CV_BUS_ERROR_NO_SUCH_CELL, "cell \"%s\" does not exist any more",
					   j->cell_name);
		if (c->busy)
			return reply_error(j, CV_BUS_ERROR_BUSY, "%s of cell \"%s\" is still in progress",
					   c->busy, j->cell_name);
	} else if (m->busy) {
		return reply_error(j, CV_BUS_ERROR_BUSY, "%s of the hypervisor is still in progress",
				   m->busy);
	}

	switch (j->op) {
	case OP_ENABLE:
	case OP_CREATE:
		cc_diags_init(&d);
		j->cfg = cc_load_file(j->arg, &d);
		if (j->cfg && j->cfg->kind != (j->op == OP_ENABLE ? CC_KIND_SYSTEM : CC_KIND_CELL))
			cc_report(&d, CC_ERROR, j->arg, NULL,
				  j->op == OP_ENABLE ? "Enable() takes a system configuration" :
						       "CreateCell() takes a cell configuration",
				  "this is a %s configuration",
				  j->cfg->kind == CC_KIND_SYSTEM ? "system" : "cell");
		else if (j->cfg)
			cc_validate(j->cfg, j->op == OP_CREATE ? m->system_config : NULL,
				    CC_CHECK_FILES, &d);
		if (!j->cfg || d.errors) {
			char *text = diags_text(&d, "the configuration cannot be used");

			cc_diags_free(&d);
			reply_error(j, CV_BUS_ERROR_INVALID_CONFIGURATION, "%s", text ? text : j->arg);
			free(text);
			return 0;
		}
		cc_diags_free(&d);
		if (j->op == OP_CREATE) {
			memcpy(j->cell_name, cc_cell(j->cfg)->name, sizeof(j->cell_name));
			j->cell_name[sizeof(j->cell_name) - 1] = 0;
			if (manager_find_cell(m, j->cell_name))
				return reply_error(j, CV_BUS_ERROR_CELL_EXISTS,
						   "a cell named \"%s\" already exists; destroy it "
						   "first or rename the cell in %s",
						   j->cell_name, j->arg);
		}
		break;
	case OP_LOAD:
		if (!j->n_specs) {
			/* The images named in the cell's configuration. */
			if (!c->n_images)
				return reply_error(j, CV_BUS_ERROR_INVALID_IMAGE,
						   "cell \"%s\" has no images in its configuration "
						   "(%s); name them in the Load() call",
						   j->cell_name,
						   c->config_path ? c->config_path : "unknown");
			j->specs = calloc(c->n_images, sizeof(*j->specs));
			if (!j->specs)
				return reply_error(j, "org.freedesktop.DBus.Error.NoMemory",
						   "out of memory");
			for (size_t i = 0; i < c->n_images; i++) {
				j->specs[i].path = strdup(c->images[i].path);
				j->specs[i].address = c->images[i].address;
				j->n_specs++;
				if (!j->specs[i].path)
					return reply_error(j, "org.freedesktop.DBus.Error.NoMemory",
							   "out of memory");
			}
		}
		r = load_images(j);
		if (r)
			return r;
		break;
	default:
		break;
	}

	if (c)
		c->busy = op_names[j->op];
	else if (j->op != OP_CREATE)
		m->busy = op_names[j->op];
	r = job_submit(j);
	if (r >= 0 && j->op == OP_CREATE)
		m->creating++;
	if (r < 0) {
		if (c)
			c->busy = NULL;
		else
			m->busy = NULL;
		return reply_error(j, CV_BUS_ERROR_DRIVER_ERROR, "cannot start a worker thread: %s",
				   strerror(-r));
	}
	return 1;
}

/* ---- step 2: authorization ---- */

static int polkit_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
	struct job *j = userdata;
	const sd_bus_error *e;
	int authorized = 0, challenge = 0, r;
	char w[64];

	(void)ret_error;
	auth_unlink(j);
	j->polkit_slot = sd_bus_slot_unref(j->polkit_slot);
	e = sd_bus_message_get_error(reply);
	if (e) {
		reply_error(j, CV_BUS_ERROR_NOT_AUTHORIZED,
			    "%s needs authorization (%s), but polkit could not be asked: %s",
			    op_names[j->op], j->op <= OP_DISABLE ? CV_BUS_ACTION_HYPERVISOR : CV_BUS_ACTION_CELLS,
			    e->message ? e->message : e->name);
		job_free(j);
		return 0;
	}
	r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
	if (r >= 0)
		r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
	if (r < 0) {
		reply_error(j, CV_BUS_ERROR_NOT_AUTHORIZED, "polkit sent an unreadable answer: %s",
			    strerror(-r));
		job_free(j);
		return 0;
	}
	if (!authorized) {
		log_full(LOG_NOTICE, MID_DENIED, j->cell_name[0] ? j->cell_name : NULL,
			 "%s refused to %s: polkit said no%s", op_names[j->op],
			 who(j, w, sizeof(w)), challenge ? " without authentication" : "");
		reply_error(j, CV_BUS_ERROR_NOT_AUTHORIZED,
			    "%s%s%s is not allowed for %s: it needs the polkit action %s%s",
			    op_names[j->op], j->cell_name[0] ? " of cell " : "", j->cell_name,
			    who(j, w, sizeof(w)),
			    j->op <= OP_DISABLE ? CV_BUS_ACTION_HYPERVISOR : CV_BUS_ACTION_CELLS,
			    challenge ? " and authentication (run it as root, or allow "
					"interactive authorization, e.g. without --no-ask-password)"
				      : " (run it as root, or ask the administrator to grant it)");
		job_free(j);
		return 0;
	}
	if (job_authorized(j) != 1)
		job_free(j);
	return 0;
}

static int authorize(struct job *j)
{
	struct manager *m = j->m;
	const char *action = j->op <= OP_DISABLE ? CV_BUS_ACTION_HYPERVISOR : CV_BUS_ACTION_CELLS;
	sd_bus_message *req = NULL;
	uint32_t flags;
	int r;

	if (j->uid == 0)
		return job_authorized(j);

	flags = sd_bus_message_get_allow_interactive_authorization(j->msg) ? 1 : 0;
	r = sd_bus_message_new_method_call(m->bus, &req, "org.freedesktop.PolicyKit1",
					   "/org/freedesktop/PolicyKit1/Authority",
					   "org.freedesktop.PolicyKit1.Authority",
					   "CheckAuthorization");
	if (r >= 0)
		r = sd_bus_message_append(req, "(sa{sv})s", "system-bus-name", 1, "name", "s",
					  sd_bus_message_get_sender(j->msg), action);
	if (r >= 0) {
		if (j->cell_name[0])
			r = sd_bus_message_append(req, "a{ss}", 1, "cell", j->cell_name);
		else if (j->arg)
			r = sd_bus_message_append(req, "a{ss}", 1, "config", j->arg);
		else
			r = sd_bus_message_append(req, "a{ss}", 0);
	}
	if (r >= 0)
		r = sd_bus_message_append(req, "us", flags, "");
	if (r >= 0)
		r = sd_bus_call_async(m->bus, &j->polkit_slot, req, polkit_reply, j,
				      flags ? 5 * 60 * 1000000ULL : 0);
	sd_bus_message_unref(req);
	if (r >= 0) {
		j->next = m->auth_jobs;
		if (j->next)
			j->next->prev = j;
		m->auth_jobs = j;
	}
	if (r < 0)
		return reply_error(j, CV_BUS_ERROR_NOT_AUTHORIZED,
				   "%s needs authorization (%s), but polkit could not be asked: %s",
				   op_names[j->op], action, strerror(-r));
	return 1;
}

/* ---- step 1 ---- */

static int read_images_arg(struct job *j, sd_bus_message *msg, sd_bus_error *error)
{
	const char *path;
	uint64_t addr;
	int r;

	r = sd_bus_message_enter_container(msg, 'a', "(st)");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_read(msg, "(st)", &path, &addr)) > 0) {
		struct image_spec *n = realloc(j->specs, (j->n_specs + 1) * sizeof(*n));

		if (!n)
			return -ENOMEM;
		j->specs = n;
		if (path[0] != '/')
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
						 "image path \"%s\" is not absolute", path);
		j->specs[j->n_specs].path = strdup(path);
		j->specs[j->n_specs].address = addr;
		if (!j->specs[j->n_specs].path)
			return -ENOMEM;
		j->n_specs++;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(msg);
}

int op_begin(struct manager *m, sd_bus_message *msg, enum op op, struct cell *c,
	     sd_bus_error *error)
{
	sd_bus_creds *creds = NULL;
	struct job *j;
	const char *arg;
	int r;

	if (m->exiting)
		return sd_bus_error_set(error, CV_BUS_ERROR_SHUTTING_DOWN,
					"cellmgrd is stopping; try again when it is back");
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->m = m;
	j->op = op;
	j->msg = sd_bus_message_ref(msg);
	j->uid = (uid_t)-1;
	if (c) {
		j->cell_id = c->id;
		memcpy(j->cell_name, c->name, sizeof(j->cell_name));
		j->was_running = c->state == CELL_RUNNING || c->state == CELL_RUNNING_LOCKED;
	}

	r = sd_bus_query_sender_creds(msg, SD_BUS_CREDS_EUID | SD_BUS_CREDS_PID, &creds);
	if (r >= 0) {
		if (sd_bus_creds_get_euid(creds, &j->uid) < 0)
			j->uid = (uid_t)-1;
		if (sd_bus_creds_get_pid(creds, &j->pid) < 0)
			j->pid = 0;
		sd_bus_creds_unref(creds);
	}

	switch (op) {
	case OP_ENABLE:
	case OP_CREATE:
		r = sd_bus_message_read(msg, "s", &arg);
		if (r < 0)
			goto fail;
		if (arg[0] != '/') {
			r = sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					      "configuration path \"%s\" is not absolute", arg);
			goto fail;
		}
		j->arg = strdup(arg);
		if (!j->arg) {
			r = -ENOMEM;
			goto fail;
		}
		if (op == OP_ENABLE && m->info.enabled) {
			r = sd_bus_error_setf(error, CV_BUS_ERROR_ALREADY_ENABLED,
					      "the hypervisor is already enabled (with %s); "
					      "disable it first",
					      m->system_config_path ? m->system_config_path :
								      "an unknown configuration");
			goto fail;
		}
		if (op == OP_CREATE && !m->info.enabled) {
			r = sd_bus_error_set(error, CV_BUS_ERROR_NOT_ENABLED,
					     "the hypervisor is not enabled; enable it first "
					     "(systemctl start cellvisor.service)");
			goto fail;
		}
		break;
	case OP_DISABLE:
		if (!m->info.enabled) {
			r = sd_bus_error_set(error, CV_BUS_ERROR_NOT_ENABLED, "the hypervisor is not enabled");
			goto fail;
		}
		break;
	case OP_LOAD:
		r = read_images_arg(j, msg, error);
		if (r < 0)
			goto fail;
		/* fall through */
	default:
		if (c->id == 0) {
			r = sd_bus_error_setf(error, CV_BUS_ERROR_INVALID_STATE,
					      "\"%s\" is the root cell: it cannot be %s", c->name,
					      op == OP_LOAD ? "loaded" : op == OP_START ? "started" :
					      op == OP_SHUTDOWN ? "shut down" : "destroyed");
			goto fail;
		}
		if (op == OP_START && (c->state == CELL_RUNNING || c->state == CELL_RUNNING_LOCKED)) {
			r = sd_bus_error_setf(error, CV_BUS_ERROR_INVALID_STATE,
					      "cell \"%s\" is already running", c->name);
			goto fail;
		}
		if (op == OP_LOAD && (c->state == CELL_RUNNING || c->state == CELL_RUNNING_LOCKED)) {
			r = sd_bus_error_setf(error, CV_BUS_ERROR_INVALID_STATE,
					      "cell \"%s\" is running; shut it down before loading "
					      "images", c->name);
			goto fail;
		}
		if (c->busy) {
			r = sd_bus_error_setf(error, CV_BUS_ERROR_BUSY,
					      "%s of cell \"%s\" is still in progress", c->busy,
					      c->name);
			goto fail;
		}
		break;
	}
	if ((op == OP_ENABLE || op == OP_DISABLE) && m->busy) {
		r = sd_bus_error_setf(error, CV_BUS_ERROR_BUSY, "%s of the hypervisor is still in progress",
				      m->busy);
		goto fail;
	}

	r = authorize(j);
	if (r != 1)
		job_free(j);
	/* The reply is sent (or will be): tell sd-bus not to send one. */
	return 1;
fail:
	job_free(j);
	return r;
}
