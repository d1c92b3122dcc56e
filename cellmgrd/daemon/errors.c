// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: error replies.  Every failed call gets one named error (org.cellvisor.cell1(5))
 * with a message that says what failed, on which object, why and what to do, and the
 * journal gets the same line.  A call the driver refused comes back with an errno and a
 * reason value (include/cellvisor/reason.h, from the hypervisor or the module); refusals[]
 * below turns (method, errno, reason) into the error, in one table.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cellvisor/names.h>

#include "cellmgrd.h"

/*
 * Who sent 'msg'.  Asking costs a call to the bus (GetConnectionCredentials), and a method
 * asks twice (polkit_check(), then job_new()): the answer for the last message is kept, with
 * a reference to it, so that its address cannot come back as another message's.
 */
static sd_bus_message *caller_msg;
static struct caller caller_last;

void caller_of(sd_bus_message *msg, struct caller *who)
{
	sd_bus_creds *creds = NULL;

	if (msg && msg == caller_msg) {
		*who = caller_last;
		return;
	}
	who->uid = (uid_t)-1;
	who->pid = 0;
	if (sd_bus_query_sender_creds(msg, SD_BUS_CREDS_EUID | SD_BUS_CREDS_PID, &creds) >= 0) {
		if (sd_bus_creds_get_euid(creds, &who->uid) < 0)
			who->uid = (uid_t)-1;
		if (sd_bus_creds_get_pid(creds, &who->pid) < 0)
			who->pid = 0;
		sd_bus_creds_unref(creds);
	}
	snprintf(who->text, sizeof(who->text), "uid %u (pid %u)", (unsigned)who->uid,
		 (unsigned)who->pid);
	sd_bus_message_unref(caller_msg);
	caller_msg = sd_bus_message_ref(msg);
	caller_last = *who;
}

void caller_forget(void)
{
	caller_msg = sd_bus_message_unref(caller_msg);
}

static int vreply_error(sd_bus_message *msg, const struct caller *who, const char *cell,
			const char *name, const char *fmt, va_list ap)
{
	const char *method = sd_bus_message_get_member(msg);
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char *text = NULL;
	int r;

	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	log_full(LOG_WARNING, MID_OP_FAILED, cell && cell[0] ? cell : NULL,
		 "%s by %s failed: %s: %s", method, who->text, name,
		 text ? text : "(out of memory)");
	sd_bus_error_set(&e, name, text ? text : "out of memory");
	r = sd_bus_reply_method_error(msg, &e);
	if (r < 0)
		log_error(NULL, "cannot send the reply to %s: %s", method, strerror(-r));
	sd_bus_error_free(&e);
	free(text);
	return 0;
}

int reply_error(sd_bus_message *msg, const struct caller *who, const char *cell,
		   const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreply_error(msg, who, cell, name, fmt, ap);
	va_end(ap);
	return 0;
}

/* ---- refusals: (call, errno, reason) to a named D-Bus error, in one table ---- */

/*
 * What a refused driver call answers on the bus.  The first entry that matches the call
 * ('method', its D-Bus member name, or NULL for any) and the refusal reason of
 * include/cellvisor/reason.h wins; a refusal
 * without a reason (CV_REASON_NONE) is matched on its errno.  In 'text', {cell} is the cell
 * of the call, {config} the configuration file given, {call} the method, {object} the
 * reason's object as a number, {bdf} and {dev}/{bar} the object as a PCI function or as a
 * device index and BAR, {holder} the name of the cell that holds the object and {errno}
 * the errno's text.  cellmgrd(8) documents the result, ERRORS.
 */
static const struct refusal_text {
	const char *method;	/* NULL: any */
	uint32_t reason;
	int err;		/* for CV_REASON_NONE */
	const char *error;	/* CV_BUS_ERROR_* */
	const char *text;
} refusals[] = {
	{ NULL, CV_REASON_LOCKED, 0, CV_BUS_ERROR_HYPERVISOR_LOCKED,
	  "{call} refused: cell \"{holder}\" holds the hypervisor locked (state \""
	  CV_CELL_STATE_NAME_RUNNING_LOCKED "\"); it must unlock first, or be shut down" },
	{ NULL, CV_REASON_NO_SUCH_CELL, 0, CV_BUS_ERROR_NO_SUCH_CELL,
	  "cell \"{cell}\" does not exist any more" },
	{ NULL, CV_REASON_NOT_ENABLED, 0, CV_BUS_ERROR_NOT_ENABLED,
	  "the hypervisor is not enabled" },
	/* Enable */
	{ NULL, CV_REASON_ALREADY_ENABLED, 0, CV_BUS_ERROR_ALREADY_ENABLED,
	  "the hypervisor is already enabled" },
	{ "Enable", CV_REASON_CONFIG_INVALID, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the driver rejected the system configuration; the kernel log "
	  "(journalctl -k) says why" },
	{ "Enable", CV_REASON_VERSION_MISMATCH, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "/lib/firmware/cellvisor.bin, cellvisor.ko and the configuration are not of the same "
	  "version; reinstall them together" },
	{ NULL, CV_REASON_ROOT_CPUS, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the root cell's CPUs are not exactly the CPUs Linux has online; bring CPUs "
	  "online or fix \"cpus\" of the root cell" },
	{ NULL, CV_REASON_HV_MEM_IN_USE, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the hypervisor memory overlaps Linux RAM or another driver's region; reserve "
	  "it (mem= on the kernel command line) or move \"hypervisor_memory\"" },
	{ NULL, CV_REASON_HV_MEM_TOO_SMALL, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: cellvisor.bin, the configuration and the per-CPU data do not fit in the "
	  "hypervisor memory; make it larger" },
	{ NULL, CV_REASON_NO_FIRMWARE, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "cellvisor.bin is missing: install it in /lib/firmware" },
	{ NULL, CV_REASON_BAD_FIRMWARE, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "/lib/firmware/cellvisor.bin is malformed or of another version than cellvisor.ko; "
	  "reinstall both" },
	{ NULL, CV_REASON_NO_EL2, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "the CPUs cannot be entered at EL2 (no hyp stub): boot Linux at EL2 with "
	  "kvm-arm.mode=none" },
	{ NULL, CV_REASON_CPU_HOTPLUG, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "a CPU went online or offline during enable; try again" },
	{ NULL, CV_REASON_GIC_TOO_SMALL, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the GIC implements {object} interrupts (GICD_TYPER), fewer than "
	  "\"platform.gic.num_irqs\" says; correct it" },
	{ NULL, CV_REASON_IOMMU, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the IOMMU at address {object} named by \"platform.iommu\" cannot be set up "
	  "(absent, already in use by Linux, or lacking a feature); the hypervisor console "
	  "says why" },
	{ NULL, CV_REASON_SYSTEM_REJECTED, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the hypervisor refused the system configuration when it started "
	  "({errno}); its console says why (cellctl console, or journalctl -k)" },
	/* Disable */
	{ NULL, CV_REASON_CELLS_EXIST, 0, CV_BUS_ERROR_CELLS_REMAINING,
	  "cannot disable the hypervisor while {object} cells other than the root cell exist; "
	  "stop their units (systemctl stop cells.target) or destroy them first" },
	/* CreateCell */
	{ "CreateCell", CV_REASON_CONFIG_INVALID, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the driver rejected the cell configuration; the kernel log (journalctl -k) "
	  "says why" },
	{ "CreateCell", CV_REASON_VERSION_MISMATCH, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: the cell configuration's revision is not the driver's; compile it with "
	  "this version's cellctl" },
	{ "CreateCell", CV_REASON_BAD_ARGUMENT, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: a cell configuration of {object} bytes is impossible" },
	{ NULL, CV_REASON_CPU_BUSY, 0, CV_BUS_ERROR_CPU_BUSY,
	  "cell \"{cell}\" wants CPU {object}, but cell \"{holder}\" holds it; destroy that cell "
	  "first or change \"cpus\" in {config}" },
	{ NULL, CV_REASON_CPUS_EMPTY_OR_ALL, 0, CV_BUS_ERROR_CPU_BUSY,
	  "cell \"{cell}\" would take every CPU of the root cell, which keeps at least one; "
	  "change \"cpus\" in {config}" },
	{ NULL, CV_REASON_CPU_ONLINE, 0, CV_BUS_ERROR_CPU_BUSY,
	  "Linux could not give up a CPU for cell \"{cell}\" (a CPU that is offline or in use "
	  "cannot move); change \"cpus\" in {config}" },
	{ NULL, CV_REASON_CPU_WOKEN, 0, CV_BUS_ERROR_CPU_BUSY,
	  "CPU {object} was brought up in Linux while cell \"{cell}\" was being created; try again" },
	{ NULL, CV_REASON_MEM_BUSY, 0, CV_BUS_ERROR_MEMORY_BUSY,
	  "memory region {object} of cell \"{cell}\" belongs to cell \"{holder}\"; destroy that "
	  "cell first or change \"memory_regions\" in {config}" },
	{ NULL, CV_REASON_MEM_NOT_ROOT_RAM, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: memory region {object} is not RAM of the root cell" },
	{ NULL, CV_REASON_MEM_RESERVED, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: device region {object} covers RAM, the hypervisor or the interrupt "
	  "controller" },
	{ NULL, CV_REASON_MEM_LINUX_RAM, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: memory region {object} is System RAM of the root Linux; give a cell only "
	  "memory reserved with mem=" },
	{ NULL, CV_REASON_IRQ_BUSY, 0, CV_BUS_ERROR_DEVICE_BUSY,
	  "interrupt {object} of cell \"{cell}\" belongs to cell \"{holder}\"; destroy that cell "
	  "first or change \"irqs\" in {config}" },
	{ NULL, CV_REASON_PCI_BUSY, 0, CV_BUS_ERROR_DEVICE_BUSY,
	  "PCI function {bdf} of cell \"{cell}\" belongs to cell \"{holder}\"; destroy that cell "
	  "first or change \"pci_devices\" in {config}" },
	{ NULL, CV_REASON_BAR_BUSY, 0, CV_BUS_ERROR_DEVICE_BUSY,
	  "BAR {bar} of PCI device {dev} of cell \"{cell}\" overlaps what cell \"{holder}\" "
	  "holds; destroy that cell first or change {config}" },
	{ NULL, CV_REASON_BAR_RESERVED, 0, CV_BUS_ERROR_INVALID_CONFIGURATION,
	  "{config}: BAR {bar} of PCI device {dev} covers RAM, the hypervisor or the interrupt "
	  "controller" },
	{ NULL, CV_REASON_NO_CELL_SLOT, 0, CV_BUS_ERROR_NO_RESOURCES,
	  "the hypervisor has no room for cell \"{cell}\": it holds {object} cells at most" },
	{ NULL, CV_REASON_NO_MEMORY, 0, CV_BUS_ERROR_NO_RESOURCES,
	  "the hypervisor's memory pool has no room for cell \"{cell}\"; destroy a cell or make "
	  "\"hypervisor_memory\" larger" },
	{ NULL, CV_REASON_BUILD_FAILED, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "the hypervisor could not build cell \"{cell}\" (error {object})" },
	/* Load, Start, Shutdown, Destroy */
	{ NULL, CV_REASON_CELL_RUNNING, 0, CV_BUS_ERROR_INVALID_STATE,
	  "cell \"{cell}\" is running; shut it down before loading images" },
	{ NULL, CV_REASON_IMAGE_OUTSIDE, 0, CV_BUS_ERROR_INVALID_IMAGE,
	  "image {object} for cell \"{cell}\" does not lie inside one loadable memory region of "
	  "the cell" },
	{ "Load", CV_REASON_BAD_ARGUMENT, 0, CV_BUS_ERROR_INVALID_IMAGE,
	  "the driver refused the images for cell \"{cell}\": each must be non-empty, 1 to 64 of "
	  "them" },
	{ "Restart", CV_REASON_BAD_ARGUMENT, 0, CV_BUS_ERROR_INVALID_IMAGE,
	  "the driver refused the images of the configuration of cell \"{cell}\": each must be "
	  "non-empty, 1 to 64 of them" },
	{ NULL, CV_REASON_NOT_LOADED, 0, CV_BUS_ERROR_INVALID_STATE,
	  "cell \"{cell}\" cannot be started: it was not loaded since it was created, shut down "
	  "or failed; load it first" },
	{ "Restart", CV_REASON_SHUTDOWN_DENIED, 0, CV_BUS_ERROR_SHUTDOWN_REFUSED,
	  "cell \"{cell}\" refused to shut down, so it was not restarted; it keeps running "
	  "(Terminate stops it regardless)" },
	{ "Restart", CV_REASON_SHUTDOWN_TIMEOUT, 0, CV_BUS_ERROR_SHUTDOWN_TIMEOUT,
	  "cell \"{cell}\" did not answer the shutdown request in {object} ms and was marked "
	  "failed, so it was not restarted; Restart again starts it from there" },
	{ "Terminate", CV_REASON_CPUS_DO_NOT_STOP, 0, CV_BUS_ERROR_TERMINATE_FAILED,
	  "the CPUs of cell \"{cell}\" did not stop, so it could not be terminated; the "
	  "hypervisor's console (cellctl console --hypervisor) tells more" },
	{ NULL, CV_REASON_SHUTDOWN_DENIED, 0, CV_BUS_ERROR_SHUTDOWN_REFUSED,
	  "cell \"{cell}\" refused to shut down; it keeps running" },
	{ NULL, CV_REASON_SHUTDOWN_TIMEOUT, 0, CV_BUS_ERROR_SHUTDOWN_TIMEOUT,
	  "cell \"{cell}\" did not answer the shutdown request in {object} ms and was marked "
	  "failed; destroy it to get its resources back" },
	{ NULL, CV_REASON_CPUS_DO_NOT_STOP, 0, CV_BUS_ERROR_DRIVER_ERROR,
	  "the CPUs of cell \"{cell}\" did not stop; it is marked failed" },
	/* Errnos that came without a reason. */
	{ "CreateCell", CV_REASON_NONE, EEXIST, CV_BUS_ERROR_CELL_EXISTS,
	  "a cell named \"{cell}\" already exists" },
	{ NULL, CV_REASON_NONE, ENOMEM, CV_BUS_ERROR_NO_RESOURCES,
	  "{call}: out of memory ({errno})" },
	{ NULL, CV_REASON_NONE, ENOSYS, CV_BUS_ERROR_NOT_SUPPORTED,
	  "{call}: the hypervisor does not implement this call" },
	{ NULL, CV_REASON_NONE, ENODEV, CV_BUS_ERROR_NOT_ENABLED,
	  "the hypervisor is not enabled" },
	{ NULL, CV_REASON_NONE, ENOENT, CV_BUS_ERROR_NO_SUCH_CELL,
	  "cell \"{cell}\" does not exist any more" },
};

/* The table's entry for the job's refusal, or NULL: a DriverError naming the errno. */
static const struct refusal_text *refusal_text(const struct job *j)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal_text *t = &refusals[i];

		if ((!t->method || !strcmp(t->method, j->method)) && t->reason == j->why.reason &&
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
			v = j->config_path ? j->config_path : "the configuration";
		else if (k == 6 && !strncmp(p, "{call}", k))
			v = j->method;
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

void job_reply_refusal(struct job *j)
{
	const struct refusal_text *t = refusal_text(j);
	char *msg = t ? refusal_message(j, t->text) : NULL;

	if (!t) {
		reply_error(j->msg, &j->who, j->cell_name, CV_BUS_ERROR_DRIVER_ERROR,
			    "%s%s%s failed in the driver: %s (reason %u)",
			    j->method, j->cell_name[0] ? " of cell " : "", j->cell_name,
			    strerror(-j->r), (unsigned)j->why.reason);
		return;
	}
	reply_error(j->msg, &j->who, j->cell_name, t->error, "%s", msg ? msg : "out of memory");
	free(msg);
}

