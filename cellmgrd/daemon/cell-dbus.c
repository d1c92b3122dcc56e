// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: org.cellvisor.cell1.Cell, the D-Bus object of a cell (cell.c) at
 * /org/cellvisor/cell1/cell/<sd_bus_path_encode(name)>: its properties, served from the
 * struct cell by offset or by a getter of their own, and one function per method.  A
 * mutating method checks what needs no privilege, asks polkit (polkit.c), prepares and
 * submits a job (job.c) whose run() calls the backend in a worker thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cellvisor/names.h>

#include "cellmgrd.h"

/* ---- properties ---- */

/* A char array of the object (the cell's name). */
static int prop_char_array(sd_bus *bus, const char *path, const char *iface,
			   const char *property, sd_bus_message *reply, void *userdata,
			   sd_bus_error *error)
{
	(void)bus, (void)path, (void)iface, (void)property, (void)error;
	return sd_bus_message_append(reply, "s", (const char *)userdata);
}

/* A char * of the object that may be NULL (""). */
static int prop_string(sd_bus *bus, const char *path, const char *iface, const char *property,
		       sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	const char *s = *(const char **)userdata;

	(void)bus, (void)path, (void)iface, (void)property, (void)error;
	return sd_bus_message_append(reply, "s", s ? s : "");
}

static int prop_state(sd_bus *bus, const char *path, const char *iface, const char *property,
		      sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	(void)bus, (void)path, (void)iface, (void)property, (void)error;
	return sd_bus_message_append(reply, "s",
				     cell_state_to_string(*(const enum cell_state *)userdata));
}

/* A uint64_t CPU set of the object, as the array of its CPU numbers. */
static int prop_cpu_set(sd_bus *bus, const char *path, const char *iface, const char *property,
			sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	uint64_t set = *(const uint64_t *)userdata;
	int r;

	(void)bus, (void)path, (void)iface, (void)property, (void)error;
	r = sd_bus_message_open_container(reply, 'a', "u");
	for (unsigned i = 0; r >= 0 && i < 64; i++)
		if (set >> i & 1)
			r = sd_bus_message_append(reply, "u", i);
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static const struct {
	uint64_t flag;
	const char *name;
} mem_flags[] = { CV_MEM_FLAG_NAMES };

static int prop_memory_regions(sd_bus *bus, const char *path, const char *iface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error)
{
	struct cell *c = userdata;
	const struct cv_cell_config *cc = cell_config(c);
	const struct cv_mem_region *mr;
	uint32_t n = 0;
	int r;

	(void)bus, (void)path, (void)iface, (void)property, (void)error;
	mr = cc ? cell_config_array(c, &cc->mem_regions, sizeof(*mr), &n) : NULL;
	r = sd_bus_message_open_container(reply, 'a', "(tttas)");
	for (uint32_t i = 0; r >= 0 && mr && i < n; i++) {
		r = sd_bus_message_open_container(reply, 'r', "tttas");
		if (r >= 0)
			r = sd_bus_message_append(reply, "ttt", mr[i].phys_start, mr[i].virt_start,
						  mr[i].size);
		if (r >= 0)
			r = sd_bus_message_open_container(reply, 'a', "s");
		for (size_t f = 0; r >= 0 && f < sizeof(mem_flags) / sizeof(*mem_flags); f++)
			if (mr[i].flags & mem_flags[f].flag)
				r = sd_bus_message_append(reply, "s", mem_flags[f].name);
		if (r >= 0)
			r = sd_bus_message_close_container(reply);
		if (r >= 0)
			r = sd_bus_message_close_container(reply);
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int prop_interrupts(sd_bus *bus, const char *path, const char *iface,
			   const char *property, sd_bus_message *reply, void *userdata,
			   sd_bus_error *error)
{
	struct cell *c = userdata;
	const struct cv_cell_config *cc = cell_config(c);
	const struct cv_irq_range *ir;
	uint32_t n = 0;
	int r;

	(void)bus, (void)path, (void)iface, (void)property, (void)error;
	ir = cc ? cell_config_array(c, &cc->irq_ranges, sizeof(*ir), &n) : NULL;
	r = sd_bus_message_open_container(reply, 'a', "(uu)");
	for (uint32_t i = 0; r >= 0 && ir && i < n; i++)
		r = sd_bus_message_append(reply, "(uu)", ir[i].first, ir[i].count);
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int prop_devices(sd_bus *bus, const char *path, const char *iface, const char *property,
			sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	struct cell *c = userdata;
	const struct cv_cell_config *cc = cell_config(c);
	const struct cv_pci_device *pd;
	uint32_t n = 0;
	int r;

	(void)bus, (void)path, (void)iface, (void)property, (void)error;
	pd = cc ? cell_config_array(c, &cc->pci_devices, sizeof(*pd), &n) : NULL;
	r = sd_bus_message_open_container(reply, 'a', "(su)");
	for (uint32_t i = 0; r >= 0 && pd && i < n; i++) {
		char bdf[16];

		snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%u", pd[i].domain, pd[i].bus,
			 pd[i].devfn >> 3, pd[i].devfn & 7);
		r = sd_bus_message_append(reply, "(su)", bdf, pd[i].intx_irq);
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int prop_images(sd_bus *bus, const char *path, const char *iface, const char *property,
		       sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	struct cell *c = userdata;
	int r;

	(void)bus, (void)path, (void)iface, (void)property, (void)error;
	r = sd_bus_message_open_container(reply, 'a', "(st)");
	for (size_t i = 0; r >= 0 && i < c->n_images; i++)
		r = sd_bus_message_append(reply, "(st)", c->images[i].path, c->images[i].address);
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static const char *const stat_names[CV_NUM_STATS] = CV_STAT_NAMES("");

static int prop_statistics(sd_bus *bus, const char *path, const char *iface,
			   const char *property, sd_bus_message *reply, void *userdata,
			   sd_bus_error *error)
{
	struct cell *c = userdata;
	struct backend *b = c->m->backend;
	uint64_t st[CV_NUM_STATS] = { 0 };
	int r;

	(void)bus, (void)path, (void)iface, (void)property;
	r = b->ops->get_stats(b, c->id, st);
	if (r < 0)
		return sd_bus_error_set_errnof(error, -r,
					       "cannot read the statistics of cell \"%s\": %m",
					       c->name);
	r = sd_bus_message_open_container(reply, 'a', "{st}");
	for (int i = 0; r >= 0 && i < CV_NUM_STATS; i++)
		r = sd_bus_message_append(reply, "{st}", stat_names[i], st[i]);
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* ---- methods ---- */

/* What every mutating call on a cell needs first: a daemon that stays, not the root cell,
 * no other call on the cell in progress.  'what' completes "it cannot be ...". */
static int check_cell_call(struct cell *c, const char *what, sd_bus_error *error)
{
	if (c->m->exiting)
		return sd_bus_error_set(error, CV_BUS_ERROR_SHUTTING_DOWN,
					"cellmgrd is stopping; try again when it is back");
	if (c->id == 0)
		return sd_bus_error_setf(error, CV_BUS_ERROR_INVALID_STATE,
					 "\"%s\" is the root cell: it cannot be %s", c->name, what);
	if (c->busy)
		return sd_bus_error_setf(error, CV_BUS_ERROR_BUSY,
					 "%s of cell \"%s\" is still in progress", c->busy,
					 c->name);
	return 0;
}

static void free_specs(struct image_spec *specs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(specs[i].path);
	free(specs);
}

/* Load's argument a(st): absolute paths and addresses. */
static int read_images_arg(sd_bus_message *msg, struct image_spec **specs, size_t *n,
			   sd_bus_error *error)
{
	const char *path;
	uint64_t addr;
	int r;

	r = sd_bus_message_enter_container(msg, 'a', "(st)");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_read(msg, "(st)", &path, &addr)) > 0) {
		struct image_spec *more = realloc(*specs, (*n + 1) * sizeof(*more));

		if (!more)
			return -ENOMEM;
		*specs = more;
		if (path[0] != '/')
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
						 "image path \"%s\" is not absolute", path);
		(*specs)[*n].path = strdup(path);
		(*specs)[*n].address = addr;
		if (!(*specs)[*n].path)
			return -ENOMEM;
		(*n)++;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(msg);
}

/*
 * Give the job the images to read: 'specs', or without any the images of the cell's
 * configuration; the worker reads them (read_images()), so that a big image over a slow
 * file system does not hold up the event loop.  Returns 0, or 1 when the call has been
 * answered with an error.
 */
static int job_take_images(struct job *j, struct cell *c, const struct image_spec *specs,
			   size_t n)
{
	if (!n) {
		if (!c->n_images) {
			reply_error(j->msg, &j->who, c->name, CV_BUS_ERROR_INVALID_IMAGE,
				    "cell \"%s\" has no images in its configuration (%s); name "
				    "them in the Load() call", c->name,
				    c->config_path ? c->config_path : "unknown");
			return 1;
		}
		specs = c->images;
		n = c->n_images;
	}
	j->image_specs = calloc(n, sizeof(*j->image_specs));
	for (size_t i = 0; j->image_specs && i < n; i++) {
		j->image_specs[i].path = strdup(specs[i].path);
		if (!j->image_specs[i].path)
			break;
		j->image_specs[i].address = specs[i].address;
		j->n_image_specs++;
	}
	if (j->n_image_specs != n) {
		reply_error(j->msg, &j->who, c->name, SD_BUS_ERROR_NO_MEMORY, "out of memory");
		return 1;
	}
	return 0;
}

/* Worker: read the images the job was given; a failure is the call's named error. */
static int read_images(struct job *j)
{
	j->images = calloc(j->n_image_specs, sizeof(*j->images));
	if (!j->images)
		return job_error(j, SD_BUS_ERROR_NO_MEMORY, -ENOMEM, "out of memory");
	for (size_t i = 0; i < j->n_image_specs; i++) {
		const char *path = j->image_specs[i].path;
		char *data = NULL;
		long size = read_file(path, &data, 1L << 30);

		if (size <= 0) {
			free(data);
			return size ? job_error(j, CV_BUS_ERROR_INVALID_IMAGE, (int)size,
						"cannot read image %s for cell \"%s\": %s", path,
						j->cell_name, strerror((int)-size)) :
				      job_error(j, CV_BUS_ERROR_INVALID_IMAGE, -EINVAL,
						"image %s for cell \"%s\" is empty", path,
						j->cell_name);
		}
		j->images[i] = (struct be_image){ data, size, j->image_specs[i].address };
		j->n_images++;
	}
	return 0;
}

static struct backend *backend_of(struct job *j)
{
	return j->m->backend;
}

/* The cell of a finished job, if it is still the same. */
static struct cell *job_cell(struct job *j)
{
	struct cell *c = manager_find_cell_id(j->m, j->cell_id);

	return c && !strcmp(c->name, j->cell_name) ? c : NULL;
}

/* Load(a(st) images) */

static int run_load(struct job *j)
{
	int r = read_images(j);

	return r ? r : backend_of(j)->ops->cell_load(backend_of(j), j->cell_id, j->images,
						     j->n_images, &j->why);
}

static void reply_load(struct job *j)
{
	struct cell *c = job_cell(j);

	log_full(LOG_INFO, MID_CELL_LOADED, j->cell_name,
		 "Cell \"%s\": %zu image(s) loaded, requested by %s", j->cell_name, j->n_images,
		 j->who.text);
	if (c)
		cell_loaded(c);
	sd_bus_reply_method_return(j->msg, "");
}

static int method_load(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct cell *c = userdata;
	struct image_spec *specs = NULL;
	size_t n = 0;
	struct job *j;
	int r;

	r = read_images_arg(msg, &specs, &n, error);
	if (r >= 0)
		r = check_cell_call(c, "loaded", error);
	if (r >= 0 && cell_state_is_running(c->state))
		r = sd_bus_error_setf(error, CV_BUS_ERROR_INVALID_STATE,
				      "cell \"%s\" is running; shut it down before loading images",
				      c->name);
	if (r >= 0)
		r = polkit_check(c->m, msg, CV_BUS_ACTION_CELLS, "cell", c->name, method_load,
				 error);
	if (r <= 0) {
		r = r < 0 ? r : 1;	/* 1: polkit's answer calls it again */
		goto out;
	}
	r = 1;
	j = job_new(c->m, msg, c);
	if (!j) {
		r = -ENOMEM;
		goto out;
	}
	if (job_take_images(j, c, specs, n)) {
		job_free(j);
		goto out;
	}
	j->run = run_load;
	j->reply = reply_load;
	job_submit(j);
out:
	free_specs(specs, n);
	return r;
}

/* Start() */

static int run_start(struct job *j)
{
	return backend_of(j)->ops->cell_start(backend_of(j), j->cell_id, &j->why);
}

static void record_done(struct job *j)
{
	log_full(LOG_INFO, NULL, j->cell_name, "%s of cell \"%s\" done, requested by %s",
		 j->method, j->cell_name, j->who.text);
}

static int method_start(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct cell *c = userdata;
	struct job *j;
	int r;

	r = check_cell_call(c, "started", error);
	if (r >= 0 && cell_state_is_running(c->state))
		r = sd_bus_error_setf(error, CV_BUS_ERROR_INVALID_STATE,
				      "cell \"%s\" is already running", c->name);
	if (r >= 0)
		r = polkit_check(c->m, msg, CV_BUS_ACTION_CELLS, "cell", c->name, method_start,
				 error);
	if (r <= 0)
		return r < 0 ? r : 1;	/* 1: polkit's answer calls it again */
	j = job_new(c->m, msg, c);
	if (!j)
		return -ENOMEM;
	j->run = run_start;
	j->record = record_done;
	return job_submit(j);
}

/* Shutdown() */

static int run_shutdown(struct job *j)
{
	return backend_of(j)->ops->cell_shutdown(backend_of(j), j->cell_id, &j->why);
}

static void reply_shutdown(struct job *j)
{
	struct cell *c = job_cell(j);

	/*
	 * The hypervisor answers a shutdown of a cell that does not run with success and leaves
	 * it as it is: a cell that was failed already did not time out now.
	 */
	if (j->was_running && c && c->state == CELL_FAILED) {
		reply_error(j->msg, &j->who, j->cell_name, CV_BUS_ERROR_SHUTDOWN_TIMEOUT,
			    "cell \"%s\" did not answer the shutdown request in time and was "
			    "marked failed; destroy it to get its resources back", j->cell_name);
		return;
	}
	sd_bus_reply_method_return(j->msg, "");
}

static int method_shutdown(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct cell *c = userdata;
	struct job *j;
	int r;

	r = check_cell_call(c, "shut down", error);
	if (r >= 0)
		r = polkit_check(c->m, msg, CV_BUS_ACTION_CELLS, "cell", c->name, method_shutdown,
				 error);
	if (r <= 0)
		return r < 0 ? r : 1;	/* 1: polkit's answer calls it again */
	j = job_new(c->m, msg, c);
	if (!j)
		return -ENOMEM;
	j->run = run_shutdown;
	j->record = record_done;
	j->reply = reply_shutdown;
	return job_submit(j);
}

/* Destroy() and Terminate(): the hypervisor asks a running cell first, or does not. */

static int run_destroy(struct job *j)
{
	return backend_of(j)->ops->cell_destroy(backend_of(j), j->cell_id, false, &j->why);
}

static int run_terminate(struct job *j)
{
	return backend_of(j)->ops->cell_destroy(backend_of(j), j->cell_id, true, &j->why);
}

static void record_destroy(struct job *j)
{
	log_full(LOG_NOTICE, MID_CELL_DESTROYED, j->cell_name, "Cell \"%s\" %s, requested by %s",
		 j->cell_name, j->run == run_terminate ? "terminated" : "destroyed", j->who.text);
}

static int method_destroy(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct cell *c = userdata;
	struct job *j;
	int r;

	r = check_cell_call(c, "destroyed", error);
	if (r >= 0)
		r = polkit_check(c->m, msg, CV_BUS_ACTION_CELLS, "cell", c->name, method_destroy,
				 error);
	if (r <= 0)
		return r < 0 ? r : 1;	/* 1: polkit's answer calls it again */
	j = job_new(c->m, msg, c);
	if (!j)
		return -ENOMEM;
	j->run = run_destroy;
	j->record = record_destroy;
	return job_submit(j);
}

static int method_terminate(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct cell *c = userdata;
	struct job *j;
	int r;

	r = check_cell_call(c, "terminated", error);
	if (r >= 0)
		r = polkit_check(c->m, msg, CV_BUS_ACTION_TERMINATE, "cell", c->name,
				 method_terminate, error);
	if (r <= 0)
		return r < 0 ? r : 1;	/* 1: polkit's answer calls it again */
	j = job_new(c->m, msg, c);
	if (!j)
		return -ENOMEM;
	j->run = run_terminate;
	j->record = record_destroy;
	return job_submit(j);
}

/* Restart(): shut down if it runs, load the configuration's images again, start. */

static int run_restart(struct job *j)
{
	struct backend *b = backend_of(j);
	int r;

	/* A cell that does not run is left as it is by a shutdown (created, shut down, failed). */
	r = read_images(j);
	if (!r)
		r = b->ops->cell_shutdown(b, j->cell_id, &j->why);
	if (!r)
		r = b->ops->cell_load(b, j->cell_id, j->images, j->n_images, &j->why);
	if (!r)
		r = b->ops->cell_start(b, j->cell_id, &j->why);
	return r;
}

static void reply_restart(struct job *j)
{
	struct cell *c = job_cell(j);

	log_full(LOG_NOTICE, MID_CELL_LOADED, j->cell_name,
		 "Cell \"%s\" restarted (%s, %zu image(s) loaded again), requested by %s",
		 j->cell_name, j->was_running ? "shut down" : "it did not run", j->n_images,
		 j->who.text);
	/*
	 * Its steps were not taken up: the state may read as before (running, or shut down
	 * for a cell that stopped itself again at once), but it was loaded and started now.
	 */
	if (c)
		cell_restarted(c);
	sd_bus_reply_method_return(j->msg, "");
}

static int method_restart(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct cell *c = userdata;
	struct job *j;
	int r;

	r = check_cell_call(c, "restarted", error);
	if (r >= 0 && !c->n_images)
		r = sd_bus_error_setf(error, CV_BUS_ERROR_INVALID_IMAGE,
				      "cell \"%s\" has no images in its configuration (%s); "
				      "Restart() loads them from there, so Load() and Start() it "
				      "instead", c->name,
				      c->config_path ? c->config_path : "unknown");
	if (r >= 0)
		r = polkit_check(c->m, msg, CV_BUS_ACTION_CELLS, "cell", c->name, method_restart,
				 error);
	if (r <= 0)
		return r < 0 ? r : 1;	/* 1: polkit's answer calls it again */
	j = job_new(c->m, msg, c);
	if (!j)
		return -ENOMEM;
	if (job_take_images(j, c, NULL, 0)) {
		job_free(j);
		return 1;
	}
	j->run = run_restart;
	j->reply = reply_restart;
	j->quiet_steps = true;
	return job_submit(j);
}

/* ---- the object ---- */

#define CONST SD_BUS_VTABLE_PROPERTY_CONST
#define CHANGE SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE
#define TS(name, field, flags) \
	SD_BUS_PROPERTY(name, "t", NULL, offsetof(struct cell, field.realtime), flags), \
	SD_BUS_PROPERTY(name "Monotonic", "t", NULL, offsetof(struct cell, field.monotonic), flags)
#define UNPRIV SD_BUS_VTABLE_UNPRIVILEGED

const sd_bus_vtable cell_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Name", "s", prop_char_array, offsetof(struct cell, name), CONST),
	SD_BUS_PROPERTY("Id", "u", NULL, offsetof(struct cell, id), CONST),
	SD_BUS_PROPERTY("State", "s", prop_state, offsetof(struct cell, state), CHANGE),
	SD_BUS_PROPERTY("CPUs", "au", prop_cpu_set, offsetof(struct cell, cpus), CHANGE),
	SD_BUS_PROPERTY("FailedCPUs", "au", prop_cpu_set, offsetof(struct cell, failed_cpus),
			CHANGE),
	SD_BUS_PROPERTY("MemoryRegions", "a(tttas)", prop_memory_regions, 0, CONST),
	SD_BUS_PROPERTY("Interrupts", "a(uu)", prop_interrupts, 0, CONST),
	SD_BUS_PROPERTY("Devices", "a(su)", prop_devices, 0, CONST),
	SD_BUS_PROPERTY("ConfigPath", "s", prop_string, offsetof(struct cell, config_path), CONST),
	SD_BUS_PROPERTY("Images", "a(st)", prop_images, 0, CONST),
	SD_BUS_PROPERTY("Statistics", "a{st}", prop_statistics, 0, 0),
	TS("CreationTimestamp", created, CONST),
	TS("LoadTimestamp", loaded, CHANGE),
	TS("StartTimestamp", started, CHANGE),
	TS("ShutdownTimestamp", shut_down, CHANGE),
	TS("StateChangeTimestamp", changed, CHANGE),
	SD_BUS_METHOD_WITH_ARGS("Load", SD_BUS_ARGS("a(st)", images), SD_BUS_NO_RESULT,
				method_load, UNPRIV),
	SD_BUS_METHOD_WITH_ARGS("Start", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_start,
				UNPRIV),
	SD_BUS_METHOD_WITH_ARGS("Shutdown", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_shutdown,
				UNPRIV),
	SD_BUS_METHOD_WITH_ARGS("Destroy", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_destroy,
				UNPRIV),
	SD_BUS_METHOD_WITH_ARGS("Restart", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_restart,
				UNPRIV),
	SD_BUS_METHOD_WITH_ARGS("Terminate", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_terminate,
				UNPRIV),
	SD_BUS_METHOD_WITH_ARGS_OFFSET("GetConsole", SD_BUS_NO_ARGS, SD_BUS_RESULT("ay", output),
				       method_get_console, offsetof(struct cell, console),
				       SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS_OFFSET("OpenConsole", SD_BUS_ARGS("b", follow),
				       SD_BUS_RESULT("h", fd), method_open_console,
				       offsetof(struct cell, console), SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END
};

int cell_object_find(sd_bus *bus, const char *path, const char *iface, void *userdata,
		     void **found, sd_bus_error *error)
{
	struct manager *m = userdata;
	char *name = NULL;
	struct cell *c;
	int r;

	(void)bus;
	(void)iface;
	(void)error;
	r = sd_bus_path_decode(path, CV_BUS_CELL_PATH_PREFIX, &name);
	if (r <= 0)
		return r;
	c = manager_find_cell(m, name);
	free(name);
	if (!c)
		return 0;
	*found = c;
	return 1;
}

int cell_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes,
			 sd_bus_error *error)
{
	struct manager *m = userdata;
	size_t n = 0, k = 0;
	char **v;

	(void)bus;
	(void)path;
	(void)error;
	for (struct cell *c = m->cells; c; c = c->next)
		n++;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (struct cell *c = m->cells; c; c = c->next) {
		v[k] = strdup(c->path);
		if (!v[k]) {
			while (k)
				free(v[--k]);
			free(v);
			return -ENOMEM;
		}
		k++;
	}
	*nodes = v;
	return 0;
}
