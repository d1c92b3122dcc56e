// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: org.cellvisor.cell1.Manager at /org/cellvisor/cell1, the D-Bus object of the
 * manager (manager.c): its properties, served from struct manager by offset or by a getter
 * of their own, one function per method, and the publication of every object.  Enable,
 * Disable and CreateCell go through polkit.c and job.c like the cell's methods
 * (cell-dbus.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cellconf.h"
#include "cellmgrd.h"

#ifndef CELLVISOR_VERSION
#error "CELLVISOR_VERSION is set by the build, from debian/changelog"
#endif

/* ---- properties ---- */

static int prop_version(sd_bus *bus, const char *path, const char *iface,
			const char *property, sd_bus_message *reply, void *userdata,
			sd_bus_error *error)
{
	(void)bus, (void)path, (void)iface, (void)property, (void)userdata, (void)error;
	return sd_bus_message_append(reply, "s", CELLVISOR_VERSION);
}

/* A bool of the object (sd-bus's own "b" reads an int). */
static int prop_bool(sd_bus *bus, const char *path, const char *iface, const char *property,
		     sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	(void)bus, (void)path, (void)iface, (void)property, (void)error;
	return sd_bus_message_append(reply, "b", (int)*(const bool *)userdata);
}

/* A char * of the object that may be NULL (""). */
static int prop_string(sd_bus *bus, const char *path, const char *iface, const char *property,
		       sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	const char *s = *(const char **)userdata;

	(void)bus, (void)path, (void)iface, (void)property, (void)error;
	return sd_bus_message_append(reply, "s", s ? s : "");
}

/* ---- methods ---- */

static int check_manager_call(struct manager *m, sd_bus_error *error)
{
	if (m->exiting)
		return sd_bus_error_set(error, CV_BUS_ERROR_SHUTTING_DOWN,
					"cellmgrd is stopping; try again when it is back");
	return 0;
}

static int read_config_arg(sd_bus_message *msg, const char **path, sd_bus_error *error)
{
	int r = sd_bus_message_read(msg, "s", path);

	if (r < 0)
		return r;
	if ((*path)[0] != '/')
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "configuration path \"%s\" is not absolute", *path);
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

/*
 * Load and validate the configuration file of the job ('kind'), into j->cfg.  Returns 0, or
 * 1 when the call has been answered with an error.
 */
static int job_load_config(struct job *j, enum cc_kind kind)
{
	struct cc_diags d;
	char *text;

	cc_diags_init(&d);
	j->cfg = cc_load_file(j->config_path, &d);
	if (j->cfg && j->cfg->kind != kind)
		cc_report(&d, CC_ERROR, j->config_path, NULL,
			  kind == CC_KIND_SYSTEM ? "Enable() takes a system configuration" :
						   "CreateCell() takes a cell configuration",
			  "this is a %s configuration",
			  j->cfg->kind == CC_KIND_SYSTEM ? "system" : "cell");
	else if (j->cfg)
		cc_validate(j->cfg, kind == CC_KIND_CELL ? j->m->system_config : NULL,
			    CC_CHECK_FILES, &d);
	if (j->cfg && !d.errors) {
		cc_diags_free(&d);
		return 0;
	}
	text = diags_text(&d, "the configuration cannot be used");
	cc_diags_free(&d);
	reply_error(j->msg, &j->who, NULL, CV_BUS_ERROR_INVALID_CONFIGURATION, "%s",
		    text ? text : j->config_path);
	free(text);
	return 1;
}

/* A job on the manager for the configuration at 'path', or NULL without memory. */
static struct job *config_job(struct manager *m, sd_bus_message *msg, const char *path)
{
	struct job *j = job_new(m, msg, NULL);

	if (j)
		j->config_path = strdup(path);
	if (j && !j->config_path) {
		job_free(j);
		return NULL;
	}
	return j;
}

/* Enable(s system_config_path) */

static int run_enable(struct job *j)
{
	struct backend *b = j->m->backend;

	return b->ops->enable(b, j->cfg->blob, j->cfg->blob_size, &j->why);
}

static void record_enable(struct job *j)
{
	struct manager *m = j->m;

	free(m->system_config_path);
	m->system_config_path = strdup(j->config_path);
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
	log_full(LOG_NOTICE, MID_ENABLED, NULL, "Hypervisor enabled with %s, requested by %s",
		 m->system_config_path, j->who.text);
}

static int method_enable(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct manager *m = userdata;
	const char *path = NULL;
	struct job *j;
	int r;

	r = check_manager_call(m, error);
	if (r >= 0)
		r = read_config_arg(msg, &path, error);
	if (r >= 0 && m->info.enabled)
		r = sd_bus_error_setf(error, CV_BUS_ERROR_ALREADY_ENABLED,
				      "the hypervisor is already enabled (with %s); disable it "
				      "first",
				      m->system_config_path ? m->system_config_path :
							      "an unknown configuration");
	if (r >= 0 && m->busy)
		r = sd_bus_error_setf(error, CV_BUS_ERROR_BUSY,
				      "%s of the hypervisor is still in progress", m->busy);
	if (r >= 0)
		r = polkit_check(m, msg, CV_BUS_ACTION_HYPERVISOR, "config", path, method_enable,
				 error);
	if (r <= 0)
		return r < 0 ? r : 1;	/* 1: polkit's answer calls it again */
	j = config_job(m, msg, path);
	if (!j)
		return -ENOMEM;
	if (job_load_config(j, CC_KIND_SYSTEM)) {
		job_free(j);
		return 1;
	}
	j->holds = JOB_HOLDS_MANAGER;
	j->run = run_enable;
	j->record = record_enable;
	return job_submit(j);
}

/* Disable() */

static int run_disable(struct job *j)
{
	struct backend *b = j->m->backend;

	return b->ops->disable(b, &j->why);
}

static void record_disable(struct job *j)
{
	manager_forget_system(j->m);
	log_full(LOG_NOTICE, MID_DISABLED, NULL, "Hypervisor disabled, requested by %s",
		 j->who.text);
}

static int method_disable(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct manager *m = userdata;
	struct job *j;
	int r;

	r = check_manager_call(m, error);
	if (r >= 0 && !m->info.enabled)
		r = sd_bus_error_set(error, CV_BUS_ERROR_NOT_ENABLED,
				     "the hypervisor is not enabled");
	if (r >= 0 && m->busy)
		r = sd_bus_error_setf(error, CV_BUS_ERROR_BUSY,
				      "%s of the hypervisor is still in progress", m->busy);
	if (r >= 0)
		r = polkit_check(m, msg, CV_BUS_ACTION_HYPERVISOR, NULL, NULL, method_disable,
				 error);
	if (r <= 0)
		return r < 0 ? r : 1;	/* 1: polkit's answer calls it again */
	j = job_new(m, msg, NULL);
	if (!j)
		return -ENOMEM;
	j->holds = JOB_HOLDS_MANAGER;
	j->run = run_disable;
	j->record = record_disable;
	return job_submit(j);
}

/* CreateCell(s config_path) -> o */

static int run_create(struct job *j)
{
	struct backend *b = j->m->backend;

	return b->ops->cell_create(b, j->cfg->blob, j->cfg->blob_size, &j->new_id, &j->why);
}

/* Record what the driver does not keep, before the object appears in the refresh. */
static void record_create(struct job *j)
{
	const struct cc_config *cfg = j->cfg;
	struct cell tmp = { .id = j->new_id, .config_path = j->config_path,
			    .state = CELL_STATE_INVALID, .blob = cfg->blob,
			    .blob_size = cfg->blob_size };
	size_t nl = j->n_linux_specs;
	struct image_spec *specs = calloc(nl + cfg->num_images + 1, sizeof(*specs));
	char *page_file = NULL;
	bool params;

	memcpy(tmp.name, j->cell_name, sizeof(tmp.name));
	dual_ts_now(&tmp.created);
	/* A Linux cell: boot stub, kernel, device tree and initrd first, then its images. */
	for (size_t i = 0; specs && i < nl; i++)
		specs[i] = j->linux_specs[i];
	for (size_t i = 0; specs && i < cfg->num_images; i++)
		specs[nl + i] = (struct image_spec){ cfg->images[i].path, cfg->images[i].address };
	/* The parameters load after the images: a file, or the page of their text. */
	if (cfg->has_params && cfg->params_text) {
		void *page = cc_params_page(cfg->params_text);

		if (page)
			page_file = state_save_params(j->m, j->cell_name, page,
						      CC_PARAMS_PAGE_SIZE);
		free(page);
	}
	params = cfg->has_params && (page_file || cfg->params_file);
	if (specs && params)
		specs[nl + cfg->num_images] = (struct image_spec){
			page_file ? page_file : cfg->params_file, cfg->params_address };
	tmp.images = specs;
	tmp.n_images = specs ? nl + cfg->num_images + params : 0;
	state_save_cell(j->m, &tmp);
	free(specs);
	free(page_file);
	log_full(LOG_NOTICE, MID_CELL_CREATED, j->cell_name,
		 "Cell \"%s\" created with id %u from %s, requested by %s", j->cell_name,
		 j->new_id, j->config_path, j->who.text);
}

/* A creation that failed: the files prepared for it go, unless a cell of that name exists. */
static void fail_create(struct job *j)
{
	if (!manager_find_cell(j->m, j->cell_name))
		state_remove_linux(j->m, j->cell_name);
}

/*
 * A Linux cell: plan its payload (cellconf's linux.c), write its boot stub and device tree to
 * the state directory and list what to load.  Returns 0, or 1 when the call has been
 * answered with an error (nothing was created, no file is left).
 */
static int prepare_linux(struct job *j)
{
	const char *name = j->cell_name;
	struct cc_linux_payload p;
	struct cc_diags d;
	char *boot = NULL, *dtb = NULL, *kernel = NULL, *initrd = NULL, *text;
	int e = 0;

	cc_diags_init(&d);
	if (!cc_linux_plan(j->cfg, j->m->system_config, CC_CHECK_FILES, &p, &d) ||
	    !p.complete) {
		text = diags_text(&d, "the device tree is generated from the system configuration "
				  "the hypervisor was enabled with, which cellmgrd does not have: "
				  "disable and enable the hypervisor again");
		reply_error(j->msg, &j->who, name, CV_BUS_ERROR_INVALID_IMAGE,
			    "cell \"%s\": its Linux payload cannot be prepared: %s", name,
			    text ? text : j->config_path);
		free(text);
		cc_diags_free(&d);
		cc_linux_payload_free(&p);
		return 1;
	}
	cc_diags_free(&d);
	boot = state_save_image(j->m, name, ".boot", p.stub, sizeof(p.stub), &e);
	if (boot)
		dtb = state_save_image(j->m, name, ".dtb", p.dtb, p.dtb_size, &e);
	kernel = strdup(j->cfg->linux_cfg->kernel);
	if (j->cfg->linux_cfg->initrd)
		initrd = strdup(j->cfg->linux_cfg->initrd);
	j->linux_specs = calloc(4, sizeof(*j->linux_specs));
	if (!dtb || !kernel || (j->cfg->linux_cfg->initrd && !initrd) || !j->linux_specs) {
		reply_error(j->msg, &j->who, name, CV_BUS_ERROR_NO_RESOURCES,
			    "cell \"%s\": cannot write its boot stub and device tree to %s/cells/: "
			    "%s; check that the state directory is writable and has room", name,
			    j->m->state_dir, strerror(e < 0 ? -e : ENOMEM));
		state_remove_linux(j->m, name);
		free(boot);
		free(dtb);
		free(kernel);
		free(initrd);
		cc_linux_payload_free(&p);
		return 1;
	}
	j->linux_specs[0] = (struct image_spec){ boot, p.stub_address };
	j->linux_specs[1] = (struct image_spec){ kernel, p.kernel_address };
	j->linux_specs[2] = (struct image_spec){ dtb, p.dtb_address };
	if (initrd)
		j->linux_specs[3] = (struct image_spec){ initrd, p.initrd_address };
	j->n_linux_specs = initrd ? 4 : 3;
	j->fail = fail_create;
	cc_linux_payload_free(&p);
	return 0;
}

static void reply_create(struct job *j)
{
	struct cell *c = manager_find_cell_id(j->m, j->new_id);

	if (!c) {
		reply_error(j->msg, &j->who, j->cell_name, CV_BUS_ERROR_NO_SUCH_CELL,
			    "cell \"%s\" was created with id %u but vanished at once",
			    j->cell_name, j->new_id);
		return;
	}
	sd_bus_reply_method_return(j->msg, "o", c->path);
}

static int method_create_cell(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct manager *m = userdata;
	const char *path = NULL;
	struct job *j;
	int r;

	r = check_manager_call(m, error);
	if (r >= 0)
		r = read_config_arg(msg, &path, error);
	if (r >= 0 && !m->info.enabled)
		r = sd_bus_error_set(error, CV_BUS_ERROR_NOT_ENABLED,
				     "the hypervisor is not enabled; enable it first "
				     "(systemctl start cellvisor.service)");
	if (r >= 0 && m->busy)
		r = sd_bus_error_setf(error, CV_BUS_ERROR_BUSY,
				      "%s of the hypervisor is still in progress", m->busy);
	if (r >= 0)
		r = polkit_check(m, msg, CV_BUS_ACTION_CELLS, "config", path, method_create_cell,
				 error);
	if (r <= 0)
		return r < 0 ? r : 1;	/* 1: polkit's answer calls it again */
	j = config_job(m, msg, path);
	if (!j)
		return -ENOMEM;
	if (job_load_config(j, CC_KIND_CELL)) {
		job_free(j);
		return 1;
	}
	memcpy(j->cell_name, cc_cell(j->cfg)->name, sizeof(j->cell_name));
	j->cell_name[sizeof(j->cell_name) - 1] = 0;
	if (manager_find_cell(m, j->cell_name)) {
		reply_error(msg, &j->who, j->cell_name, CV_BUS_ERROR_CELL_EXISTS,
			    "a cell named \"%s\" already exists; destroy it first or rename "
			    "the cell in %s", j->cell_name, path);
		job_free(j);
		return 1;
	}
	if (j->cfg->linux_cfg && prepare_linux(j)) {
		job_free(j);
		return 1;
	}
	j->holds = JOB_CREATES_CELL;
	j->run = run_create;
	j->record = record_create;
	j->reply = reply_create;
	return job_submit(j);
}

static int method_get_cell(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct manager *m = userdata;
	const char *name;
	struct cell *c;
	int r;

	r = sd_bus_message_read(msg, "s", &name);
	if (r < 0)
		return r;
	c = manager_find_cell(m, name);
	if (!c)
		return sd_bus_error_setf(error, CV_BUS_ERROR_NO_SUCH_CELL,
					 "no cell named \"%s\"%s", name,
					 m->info.enabled ? " (ListCells() shows the cells)" :
					 ": the hypervisor is not enabled");
	return sd_bus_reply_method_return(msg, "o", c->path);
}

static int method_get_cell_by_id(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct manager *m = userdata;
	uint32_t id;
	struct cell *c;
	int r;

	r = sd_bus_message_read(msg, "u", &id);
	if (r < 0)
		return r;
	c = manager_find_cell_id(m, id);
	if (!c)
		return sd_bus_error_setf(error, CV_BUS_ERROR_NO_SUCH_CELL, "no cell with id %u", id);
	return sd_bus_reply_method_return(msg, "o", c->path);
}

static int method_list_cells(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct manager *m = userdata;
	sd_bus_message *reply = NULL;
	int r;

	(void)error;
	r = sd_bus_message_new_method_return(msg, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', "(ssou)");
	for (struct cell *c = m->cells; r >= 0 && c; c = c->next)
		r = sd_bus_message_append(reply, "(ssou)", c->name, cell_state_to_string(c->state),
					  c->path, c->id);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

/*
 * ListLinks: the links the root cell is a peer of, fresh from the backend (the module's
 * counters move with every doorbell: they are read when asked, not followed).
 */
static int method_list_links(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct manager *m = userdata;
	sd_bus_message *reply = NULL;
	struct be_link *links = NULL;
	size_t n = 0;
	int r = 0;

	if (m->backend->ops->list_links)
		r = m->backend->ops->list_links(m->backend, &links, &n);
	if (r < 0)
		return sd_bus_error_set_errnof(error, -r, "cannot read the links from %s: %m",
					       m->backend->ops->name);
	r = sd_bus_message_new_method_return(msg, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', "(sttubta(siuuuu))");
	for (size_t i = 0; r >= 0 && i < n; i++) {
		const struct be_link *l = &links[i];

		r = sd_bus_message_open_container(reply, 'r', "sttubta(siuuuu)");
		if (r >= 0)
			r = sd_bus_message_append(reply, "sttubt", l->name, l->size, l->address,
						  l->doorbell_irq, (int)l->writable, l->events);
		if (r >= 0)
			r = sd_bus_message_open_container(reply, 'a', "(siuuuu)");
		for (uint32_t p = 0; r >= 0 && p < l->num_peers; p++)
			r = sd_bus_message_append(reply, "(siuuuu)", l->peers[p].cell,
						  l->peers[p].cell_id, l->peers[p].state,
						  l->peers[p].received, l->peers[p].sent,
						  l->peers[p].coalesced);
		if (r >= 0)
			r = sd_bus_message_close_container(reply);
		if (r >= 0)
			r = sd_bus_message_close_container(reply);
	}
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	free(links);
	return r;
}

/*
 * GetConsole and OpenConsole of the manager and of each cell: the vtables point userdata at
 * the object's console (SD_BUS_METHOD_WITH_ARGS_OFFSET).
 */
int method_get_console(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct console *con = userdata;
	sd_bus_message *reply = NULL;
	char *data = NULL;
	size_t n = console_snapshot(con, &data);
	int r;

	(void)error;
	r = sd_bus_message_new_method_return(msg, &reply);
	if (r >= 0)
		r = sd_bus_message_append_array(reply, 'y', data ? data : "", data ? n : 0);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	free(data);
	return r;
}

int method_open_console(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct console *con = userdata;
	int follow, fd, r;

	r = sd_bus_message_read(msg, "b", &follow);
	if (r < 0)
		return r;
	fd = console_open(con, follow);
	if (fd < 0)
		return sd_bus_error_set_errnof(error, -fd, "cannot open a console stream: %m");
	r = sd_bus_reply_method_return(msg, "h", fd);
	close(fd);
	return r;
}

#define CHANGE SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE
#define INFO(name, sig, field) \
	SD_BUS_PROPERTY(name, sig, NULL, offsetof(struct manager, info.field), CHANGE)

const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Version", "s", prop_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Enabled", "b", prop_bool, offsetof(struct manager, info.enabled), CHANGE),
	SD_BUS_PROPERTY("SystemConfigPath", "s", prop_string,
			offsetof(struct manager, system_config_path), CHANGE),
	INFO("DriverAPIVersion", "u", driver_api),
	INFO("HypervisorABI", "u", hv_abi),
	INFO("MemPoolSize", "t", mem_pool_size),
	INFO("MemPoolUsed", "t", mem_pool_used),
	INFO("RemapPoolSize", "t", remap_pool_size),
	INFO("RemapPoolUsed", "t", remap_pool_used),
	INFO("NumCells", "u", num_cells),
	SD_BUS_PROPERTY("EnableTimestamp", "t", NULL,
			offsetof(struct manager, enabled_ts.realtime), CHANGE),
	SD_BUS_PROPERTY("EnableTimestampMonotonic", "t", NULL,
			offsetof(struct manager, enabled_ts.monotonic), CHANGE),
	SD_BUS_METHOD_WITH_ARGS("Enable", SD_BUS_ARGS("s", system_config_path), SD_BUS_NO_RESULT,
				method_enable, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Disable", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_disable,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("CreateCell", SD_BUS_ARGS("s", config_path),
				SD_BUS_RESULT("o", cell), method_create_cell,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetCell", SD_BUS_ARGS("s", name), SD_BUS_RESULT("o", cell),
				method_get_cell, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetCellById", SD_BUS_ARGS("u", id), SD_BUS_RESULT("o", cell),
				method_get_cell_by_id, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ListCells", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(ssou)", cells),
				method_list_cells, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS_OFFSET("GetConsole", SD_BUS_NO_ARGS, SD_BUS_RESULT("ay", output),
				       method_get_console, offsetof(struct manager, hv_console),
				       SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ListLinks", SD_BUS_NO_ARGS,
				SD_BUS_RESULT("a(sttubta(siuuuu))", links), method_list_links,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS_OFFSET("OpenConsole", SD_BUS_ARGS("b", follow),
				       SD_BUS_RESULT("h", fd), method_open_console,
				       offsetof(struct manager, hv_console),
				       SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_ARGS("CellNew", SD_BUS_ARGS("s", name, "o", cell), 0),
	SD_BUS_SIGNAL_WITH_ARGS("CellRemoved", SD_BUS_ARGS("s", name, "o", cell), 0),
	SD_BUS_SIGNAL_WITH_ARGS("LinkChanged", SD_BUS_ARGS("s", name, "a(siu)", peers), 0),
	SD_BUS_VTABLE_END
};

int manager_start_bus(struct manager *m)
{
	int r;

	r = sd_bus_default_system(&m->bus);
	if (r < 0) {
		log_error(NULL, "cannot connect to the system bus: %s", strerror(-r));
		return r;
	}
	r = sd_bus_add_object_vtable(m->bus, NULL, CV_BUS_MANAGER_PATH, CV_BUS_MANAGER_IFACE,
				     manager_vtable, m);
	if (r >= 0)
		r = sd_bus_add_fallback_vtable(m->bus, NULL, CV_BUS_CELL_PATH_PREFIX, CV_BUS_CELL_IFACE,
					       cell_vtable, cell_object_find, m);
	if (r >= 0)
		r = sd_bus_add_node_enumerator(m->bus, NULL, CV_BUS_CELL_PATH_PREFIX,
					       cell_node_enumerator, m);
	if (r >= 0)
		r = sd_bus_add_object_manager(m->bus, NULL, CV_BUS_MANAGER_PATH);
	if (r >= 0 && m->backend->ops->publish)
		r = m->backend->ops->publish(m->backend, m->bus);
	if (r >= 0)
		r = sd_bus_attach_event(m->bus, m->event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0) {
		log_error(NULL, "cannot publish the D-Bus objects: %s", strerror(-r));
		return r;
	}
	return 0;
}

void *manager_object_at(struct manager *m, const char *path)
{
	void *found = NULL;

	if (!path)
		return NULL;
	if (!strcmp(path, CV_BUS_MANAGER_PATH))
		return m;
	if (cell_object_find(m->bus, path, CV_BUS_CELL_IFACE, m, &found, NULL) <= 0)
		return NULL;
	return found;
}
