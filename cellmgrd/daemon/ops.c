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
 *      cell's timeout), which hands the job back through a pipe; just before, the main thread
 *      drains the consoles and notes where the hypervisor console stands;
 *   5. in the main thread again: state refreshed from the driver (PropertiesChanged,
 *      CellNew ...), then exactly one reply, success or a named error.  When the call failed,
 *      the error's message ends with the hypervisor's own reason if it printed one since
 *      step 4 (the driver has it in the hypervisor console when the ioctl returns).
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
	uint64_t hv_mark;		/* m->hv_console.written when the driver call began */
	char *hv_reason;		/* on failure: what the hypervisor said, or NULL */
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
	free(j->hv_reason);
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

/* Send the named error and log it; the hypervisor's reason, if there is one, ends it. */
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
	if (msg && j->hv_reason) {
		char *full = NULL;

		if (asprintf(&full, "%s: the hypervisor says \"%s\"", msg, j->hv_reason) >= 0) {
			free(msg);
			msg = full;
		}
	}
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

/* ---- the hypervisor's reason for a refusal ---- */

#define HV_PREFIX	"Cellvisor: "
#define HV_REASON_MAX	300		/* bytes of the quoted reason, at most */

static bool cell_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* Whether a line names, the way the hypervisor quotes names ('NAME'), a cell other than 'name'. */
static bool names_other_cell(const char *line, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = strchr(line, '\''); p; p = strchr(p + 1, '\'')) {
		const char *q = p + 1;

		while (cell_name_char(*q))
			q++;
		if (*q != '\'' || q == p + 1)
			continue;	/* an apostrophe ("the root cell's"), not a name */
		if ((size_t)(q - p - 1) != len || memcmp(p + 1, name, len))
			return true;
		p = q;
	}
	return false;
}

/*
 * Called in the main thread when the driver call failed: drain the consoles and pick, among
 * the hypervisor's lines printed since the call began, the one that says why.  That is the
 * first "Cellvisor: " line that is not the summary of a failed enable and, for a job about a
 * cell, that does not name only other cells (those are other jobs' lines, printed meanwhile).
 * Returns it without the prefix, printable ASCII, at most HV_REASON_MAX bytes (malloc'ed), or
 * NULL when the hypervisor said nothing.
 */
static char *hypervisor_reason(struct job *j)
{
	struct manager *m = j->m;
	const char *name = j->cell_name[0] ? j->cell_name : NULL;
	char quoted[CV_CELL_NAME_LEN + 3], *text, *line, *end, *next, *pick = NULL, *out = NULL;
	bool clipped, cut;
	size_t n, k;

	manager_read_consoles(m);
	n = console_since(&m->hv_console, j->hv_mark, &text, &clipped);
	if (!n)
		return NULL;
	if (name)
		snprintf(quoted, sizeof(quoted), "'%s'", name);
	end = text + n;
	line = text;
	if (clipped) {
		/* The ring overtook the mark: the first line is a fragment. */
		line = memchr(text, '\n', n);
		line = line ? line + 1 : end;
	}
	for (; line < end && !pick; line = next) {
		char *nl = memchr(line, '\n', end - line);

		/* text[n] is a NUL: a last line without its newline ends there. */
		next = nl ? nl + 1 : end;
		if (!nl)
			nl = end;
		*nl = 0;
		while (nl > line && nl[-1] == '\r')
			*--nl = 0;
		if (strncmp(line, HV_PREFIX, strlen(HV_PREFIX)))
			continue;
		line += strlen(HV_PREFIX);
		if (!*line || !strncmp(line, "enable failed (error ", 21))
			continue;
		if (!name || strstr(line, quoted) || !names_other_cell(line, name))
			pick = line;
	}
	k = pick ? strlen(pick) : 0;
	while (k && pick[k - 1] == ' ')
		k--;
	cut = k > HV_REASON_MAX;
	if (cut)
		k = HV_REASON_MAX - 3;
	if (k)
		out = malloc(HV_REASON_MAX + 1);
	if (out) {
		/* One line of printable ASCII (valid UTF-8 on the bus): anything else is '?'. */
		for (size_t i = 0; i < k; i++) {
			unsigned char ch = pick[i];

			out[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
		}
		strcpy(out + k, cut ? "..." : "");
	}
	free(text);
	return out;
}

/* ---- the worker threads ---- */

static void *job_thread(void *arg)
{
	struct job *j = arg;
	struct backend *b = j->m->backend;

	switch (j->op) {
	case OP_ENABLE:
		j->r = b->ops->enable(b, j->cfg->blob, j->cfg->blob_size);
		break;
	case OP_DISABLE:
		j->r = b->ops->disable(b);
		break;
	case OP_CREATE:
		j->r = b->ops->cell_create(b, j->cfg->blob, j->cfg->blob_size, &j->new_id);
		break;
	case OP_LOAD:
		j->r = b->ops->cell_load(b, j->cell_id, j->images, j->n_images);
		break;
	case OP_START:
		j->r = b->ops->cell_start(b, j->cell_id);
		break;
	case OP_SHUTDOWN:
		j->r = b->ops->cell_shutdown(b, j->cell_id);
		break;
	case OP_DESTROY:
		j->r = b->ops->cell_destroy(b, j->cell_id);
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

/* ---- errors of the driver calls, by operation (see cellmgrd(8), ERRORS) ---- */

static void cpu_list(uint64_t set, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = 0;
	for (int i = 0; i < 64 && k + 4 < len; i++)
		if (set >> i & 1)
			k += snprintf(buf + k, len - k, "%s%d", k ? "," : "", i);
}

static bool regions_overlap(const void *a, size_t as, const void *b, size_t bs)
{
	const struct cv_cell_config *ca = a, *cb = b;
	const struct cv_mem_region *ra, *rb;

	if (as < sizeof(*ca) || bs < sizeof(*cb) ||
	    (uint64_t)ca->mem_regions.offset + (uint64_t)ca->mem_regions.count * sizeof(*ra) > as ||
	    (uint64_t)cb->mem_regions.offset + (uint64_t)cb->mem_regions.count * sizeof(*rb) > bs)
		return false;
	ra = (const void *)((const char *)a + ca->mem_regions.offset);
	rb = (const void *)((const char *)b + cb->mem_regions.offset);
	for (uint32_t i = 0; i < ca->mem_regions.count; i++)
		for (uint32_t k = 0; k < cb->mem_regions.count; k++) {
			if ((ra[i].flags | rb[k].flags) & (CV_MEM_COMM_REGION | CV_MEM_ROOTSHARED))
				continue;
			if (ra[i].phys_start < rb[k].phys_start + rb[k].size &&
			    rb[k].phys_start < ra[i].phys_start + ra[i].size)
				return true;
		}
	return false;
}

/*
 * The driver says EBUSY for any resource the root cannot give away: tell which kind from
 * what we know of the other cells.
 */
static void reply_busy(struct job *j)
{
	const struct cv_cell_config *cc = cc_cell(j->cfg);
	struct manager *m = j->m;
	struct cell *root = manager_find_cell_id(m, 0);
	char want[200];

	cpu_list(cc->cpu_set, want, sizeof(want));
	for (struct cell *c = m->cells; c; c = c->next)
		if (c->id && (c->cpus & cc->cpu_set)) {
			reply_error(j, ERR "CPUBusy",
				    "cell \"%s\" wants CPUs %s, but cell \"%s\" holds some of them; "
				    "destroy that cell first or change \"cpus\" in %s",
				    j->cell_name, want, c->name, j->arg);
			return;
		}
	if (root && (cc->cpu_set & ~root->cpus || !(root->cpus & ~cc->cpu_set))) {
		reply_error(j, ERR "CPUBusy",
			    "cell \"%s\" wants CPUs %s, which the root cell cannot give away "
			    "(it must keep at least one, and CPUs that are offline cannot move); "
			    "change \"cpus\" in %s", j->cell_name, want, j->arg);
		return;
	}
	for (struct cell *c = m->cells; c; c = c->next)
		if (c->id && c->blob &&
		    regions_overlap(j->cfg->blob, j->cfg->blob_size, c->blob, c->blob_size)) {
			reply_error(j, ERR "MemoryBusy",
				    "a memory region of cell \"%s\" overlaps memory of cell \"%s\"; "
				    "destroy that cell first or change \"memory_regions\" in %s",
				    j->cell_name, c->name, j->arg);
			return;
		}
	reply_error(j, ERR "DeviceBusy",
		    "the hypervisor cannot give cell \"%s\" one of its resources (memory, "
		    "interrupt or PCI device: another cell has it); the kernel log "
		    "(journalctl -k) and the hypervisor console say which", j->cell_name);
}

static void reply_backend_error(struct job *j)
{
	struct manager *m = j->m;
	const char *locker = NULL, *op = op_names[j->op];
	const char *cell = j->cell_name;
	int e = -j->r;

	/* The hypervisor checks the lock for all but shutdown: there EPERM is the cell's no. */
	if (e == EPERM && j->op != OP_SHUTDOWN && manager_locked_by(m, j->cell_id, &locker)) {
		reply_error(j, ERR "HypervisorLocked",
			    "%s of %s%s%s refused: cell \"%s\" holds the hypervisor locked "
			    "(state \"running/locked\"); it must unlock first, or be shut down",
			    op, cell[0] ? "cell \"" : "the hypervisor", cell, cell[0] ? "\"" : "",
			    locker);
		return;
	}
	switch (j->op) {
	case OP_ENABLE:
		switch (e) {
		case EBUSY:
			reply_error(j, ERR "AlreadyEnabled", "the hypervisor is already enabled");
			return;
		case EINVAL:
		case EPROTO:
			reply_error(j, ERR "InvalidConfiguration",
				    "%s: the driver rejected the system configuration (%s); "
				    "the kernel log (journalctl -k) says why", j->arg, strerror(e));
			return;
		case ENXIO:
			reply_error(j, ERR "InvalidConfiguration",
				    "%s: the root cell's CPUs are not exactly the CPUs Linux has "
				    "online; bring CPUs online or fix \"cpus\" of the root cell",
				    j->arg);
			return;
		case EADDRINUSE:
			reply_error(j, ERR "InvalidConfiguration",
				    "%s: the hypervisor memory overlaps Linux RAM or another "
				    "driver's region; reserve it (mem= on the kernel command line) "
				    "or move \"hypervisor_memory\"", j->arg);
			return;
		case EFBIG:
			reply_error(j, ERR "InvalidConfiguration",
				    "%s: cellvisor.bin, the configuration and the per-CPU data do "
				    "not fit in the hypervisor memory; make it larger", j->arg);
			return;
		case ENOENT:
			reply_error(j, ERR "DriverError",
				    "cellvisor.bin is missing: install it in /lib/firmware");
			return;
		case ENOEXEC:
			reply_error(j, ERR "DriverError",
				    "/lib/firmware/cellvisor.bin is malformed or of another "
				    "version than cellvisor.ko; reinstall both");
			return;
		case ENODEV:
			reply_error(j, ERR "DriverError",
				    "the CPUs cannot be entered at EL2 (no hyp stub): boot Linux at "
				    "EL2 with kvm-arm.mode=none");
			return;
		case EAGAIN:
			reply_error(j, ERR "DriverError",
				    "a CPU went online or offline during enable; try again");
			return;
		}
		break;
	case OP_DISABLE:
		if (e == EINVAL || e == ENODEV) {
			reply_error(j, ERR "NotEnabled", "the hypervisor is not enabled");
			return;
		}
		if (e == EBUSY) {
			reply_error(j, ERR "CellsRemaining",
				    "cannot disable the hypervisor while cells other than the root "
				    "cell exist; stop their units (systemctl stop cells.target) or "
				    "destroy them first");
			return;
		}
		break;
	case OP_CREATE:
		if (e == EBUSY) {
			reply_busy(j);
			return;
		}
		if (e == EEXIST) {
			reply_error(j, ERR "CellExists", "a cell named \"%s\" already exists", cell);
			return;
		}
		if (e == EINVAL || e == EPROTO) {
			reply_error(j, ERR "InvalidConfiguration",
				    "%s: the driver rejected the cell configuration (%s); the "
				    "kernel log (journalctl -k) says why", j->arg, strerror(e));
			return;
		}
		if (e == ENOSPC || e == ENOMEM) {
			reply_error(j, ERR "NoResources",
				    "the hypervisor has no room for cell \"%s\" (%s)", cell,
				    strerror(e));
			return;
		}
		break;
	case OP_LOAD:
		if (e == EBUSY) {
			/* The hypervisor's set-loadable: the cell runs (it started meanwhile). */
			reply_error(j, ERR "InvalidState",
				    "cell \"%s\" is running; shut it down before loading images",
				    cell);
			return;
		}
		if (e == ERANGE || e == EINVAL) {
			reply_error(j, ERR "InvalidImage",
				    "the driver refused the images for cell \"%s\" (%s): each must "
				    "be non-empty and lie inside one loadable memory region of the cell",
				    cell, strerror(e));
			return;
		}
		break;
	case OP_START:
		if (e == EINVAL) {
			/* The hypervisor starts only a loadable cell. */
			reply_error(j, ERR "InvalidState",
				    "cell \"%s\" cannot be started: it was not loaded since it was "
				    "created, shut down or failed; load it first", cell);
			return;
		}
		break;
	case OP_SHUTDOWN:
	case OP_DESTROY:
		if (e == EPERM) {
			reply_error(j, ERR "ShutdownRefused",
				    "cell \"%s\" refused to shut down; it keeps running", cell);
			return;
		}
		if (e == ETIMEDOUT) {
			reply_error(j, ERR "ShutdownTimeout",
				    "cell \"%s\" did not answer the shutdown request in time and "
				    "was marked failed; destroy it to get its resources back", cell);
			return;
		}
		break;
	}
	if (e == ENOSYS) {
		reply_error(j, ERR "NotSupported",
			    "%s: the hypervisor does not implement this call yet", op);
		return;
	}
	if (e == ENODEV) {
		reply_error(j, ERR "NotEnabled", "the hypervisor is not enabled");
		return;
	}
	if (e == ENOENT) {
		reply_error(j, ERR "NoSuchCell", "cell \"%s\" does not exist any more", cell);
		return;
	}
	reply_error(j, ERR "DriverError", "%s%s%s failed in the driver: %s", op,
		    cell[0] ? " of cell " : "", cell, strerror(e));
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

	if (j->r < 0) {
		j->hv_reason = hypervisor_reason(j);
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
		if (specs && j->cfg->has_params && j->cfg->params_file)
			specs[j->cfg->num_images] = (struct image_spec){
				j->cfg->params_file, j->cfg->params_address };
		tmp.images = specs;
		tmp.n_images = specs ? j->cfg->num_images +
			       (j->cfg->has_params && j->cfg->params_file) : 0;
		state_save_cell(m, &tmp);
		free(specs);
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
		sd_bus_emit_properties_changed(m->bus, c->path, CELL_IFACE, "LoadTimestamp",
					       "LoadTimestampMonotonic", NULL);
	}
	/*
	 * The hypervisor answers a shutdown of a cell that does not run with success and leaves
	 * it as it is: a cell that was failed already did not time out now.
	 */
	if (j->op == OP_SHUTDOWN && j->was_running && c && c->state == CELL_FAILED) {
		reply_error(j, ERR "ShutdownTimeout",
			    "cell \"%s\" did not answer the shutdown request in time and was "
			    "marked failed; destroy it to get its resources back", j->cell_name);
		return;
	}
	if (j->op == OP_CREATE) {
		if (!c) {
			reply_error(j, ERR "NoSuchCell",
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
			return reply_error(j, ERR "InvalidImage",
					   "cannot read image %s for cell \"%s\": %s",
					   j->specs[i].path, j->cell_name, strerror((int)-n));
		if (n == 0) {
			free(data);
			return reply_error(j, ERR "InvalidImage", "image %s for cell \"%s\" is empty",
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
			return reply_error(j, ERR "NoSuchCell", "cell \"%s\" does not exist any more",
					   j->cell_name);
		if (c->busy)
			return reply_error(j, ERR "Busy", "%s of cell \"%s\" is still in progress",
					   c->busy, j->cell_name);
	} else if (m->busy) {
		return reply_error(j, ERR "Busy", "%s of the hypervisor is still in progress",
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
			reply_error(j, ERR "InvalidConfiguration", "%s", text ? text : j->arg);
			free(text);
			return 0;
		}
		cc_diags_free(&d);
		if (j->op == OP_CREATE) {
			memcpy(j->cell_name, cc_cell(j->cfg)->name, sizeof(j->cell_name));
			j->cell_name[sizeof(j->cell_name) - 1] = 0;
			if (manager_find_cell(m, j->cell_name))
				return reply_error(j, ERR "CellExists",
						   "a cell named \"%s\" already exists; destroy it "
						   "first or rename the cell in %s",
						   j->cell_name, j->arg);
		}
		break;
	case OP_LOAD:
		if (!j->n_specs) {
			/* The images named in the cell's configuration. */
			if (!c->n_images)
				return reply_error(j, ERR "InvalidImage",
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
	/* What the hypervisor prints from here on may explain a refusal: hypervisor_reason(). */
	manager_read_consoles(m);
	j->hv_mark = m->hv_console.written;
	r = job_submit(j);
	if (r >= 0 && j->op == OP_CREATE)
		m->creating++;
	if (r < 0) {
		if (c)
			c->busy = NULL;
		else
			m->busy = NULL;
		return reply_error(j, ERR "DriverError", "cannot start a worker thread: %s",
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
		reply_error(j, ERR "NotAuthorized",
			    "%s needs authorization (%s), but polkit could not be asked: %s",
			    op_names[j->op], j->op <= OP_DISABLE ? ACTION_HYPERVISOR : ACTION_CELLS,
			    e->message ? e->message : e->name);
		job_free(j);
		return 0;
	}
	r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
	if (r >= 0)
		r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
	if (r < 0) {
		reply_error(j, ERR "NotAuthorized", "polkit sent an unreadable answer: %s",
			    strerror(-r));
		job_free(j);
		return 0;
	}
	if (!authorized) {
		log_full(LOG_NOTICE, MID_DENIED, j->cell_name[0] ? j->cell_name : NULL,
			 "%s refused to %s: polkit said no%s", op_names[j->op],
			 who(j, w, sizeof(w)), challenge ? " without authentication" : "");
		reply_error(j, ERR "NotAuthorized",
			    "%s%s%s is not allowed for %s: it needs the polkit action %s%s",
			    op_names[j->op], j->cell_name[0] ? " of cell " : "", j->cell_name,
			    who(j, w, sizeof(w)),
			    j->op <= OP_DISABLE ? ACTION_HYPERVISOR : ACTION_CELLS,
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
	const char *action = j->op <= OP_DISABLE ? ACTION_HYPERVISOR : ACTION_CELLS;
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
		return reply_error(j, ERR "NotAuthorized",
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
		return sd_bus_error_set(error, ERR "ShuttingDown",
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
			r = sd_bus_error_setf(error, ERR "AlreadyEnabled",
					      "the hypervisor is already enabled (with %s); "
					      "disable it first",
					      m->system_config_path ? m->system_config_path :
								      "an unknown configuration");
			goto fail;
		}
		if (op == OP_CREATE && !m->info.enabled) {
			r = sd_bus_error_set(error, ERR "NotEnabled",
					     "the hypervisor is not enabled; enable it first "
					     "(systemctl start cellvisor.service)");
			goto fail;
		}
		break;
	case OP_DISABLE:
		if (!m->info.enabled) {
			r = sd_bus_error_set(error, ERR "NotEnabled", "the hypervisor is not enabled");
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
			r = sd_bus_error_setf(error, ERR "InvalidState",
					      "\"%s\" is the root cell: it cannot be %s", c->name,
					      op == OP_LOAD ? "loaded" : op == OP_START ? "started" :
					      op == OP_SHUTDOWN ? "shut down" : "destroyed");
			goto fail;
		}
		if (op == OP_START && (c->state == CELL_RUNNING || c->state == CELL_RUNNING_LOCKED)) {
			r = sd_bus_error_setf(error, ERR "InvalidState",
					      "cell \"%s\" is already running", c->name);
			goto fail;
		}
		if (op == OP_LOAD && (c->state == CELL_RUNNING || c->state == CELL_RUNNING_LOCKED)) {
			r = sd_bus_error_setf(error, ERR "InvalidState",
					      "cell \"%s\" is running; shut it down before loading "
					      "images", c->name);
			goto fail;
		}
		if (c->busy) {
			r = sd_bus_error_setf(error, ERR "Busy",
					      "%s of cell \"%s\" is still in progress", c->busy,
					      c->name);
			goto fail;
		}
		break;
	}
	if ((op == OP_ENABLE || op == OP_DISABLE) && m->busy) {
		r = sd_bus_error_setf(error, ERR "Busy", "%s of the hypervisor is still in progress",
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
