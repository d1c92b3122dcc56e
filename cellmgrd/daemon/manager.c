// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: the manager, the daemon's view of the hypervisor and its cells, rebuilt from
 * the backend at start and after every notification; its D-Bus object is manager-dbus.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "cellconf.h"
#include "cellmgrd.h"

struct cell *manager_find_cell(struct manager *m, const char *name)
{
	for (struct cell *c = m->cells; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

struct cell *manager_find_cell_id(struct manager *m, uint32_t id)
{
	for (struct cell *c = m->cells; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

void manager_update_status(struct manager *m)
{
	char *s = NULL;
	unsigned n = 0, running = 0, failed = 0;

	for (struct cell *c = m->cells; c; c = c->next) {
		if (!c->id)
			continue;
		n++;
		running += c->state == CELL_RUNNING || c->state == CELL_RUNNING_LOCKED;
		failed += c->state == CELL_FAILED;
	}
	if (m->exiting)
		xasprintf(&s, "Stopping: waiting for %u operation(s) to finish", m->jobs);
	else if (!m->info.enabled)
		xasprintf(&s, "Hypervisor not enabled%s", m->jobs ? ", operation in progress" : "");
	else
		xasprintf(&s, "Hypervisor enabled; %u cell(s): %u running, %u failed%s", n, running,
			  failed, m->jobs ? "; operation in progress" : "");
	if (!s)
		return;
	if (m->status && !strcmp(m->status, s)) {
		free(s);
		return;
	}
	free(m->status);
	m->status = s;
	if (m->ready)
		sd_notifyf(0, "STATUS=%s", s);
}

static void emit_manager_changes(struct manager *m, const struct hv_info *old)
{
	const char *names[16];
	int n = 0;
	char **strv = (char **)names;

	if (!m->bus)
		return;
#define CHG(field, name) \
	if (old->field != m->info.field) \
		names[n++] = name
	CHG(enabled, "Enabled");
	CHG(driver_api, "DriverAPIVersion");
	CHG(hv_abi, "HypervisorABI");
	CHG(mem_pool_size, "MemPoolSize");
	CHG(mem_pool_used, "MemPoolUsed");
	CHG(remap_pool_size, "RemapPoolSize");
	CHG(remap_pool_used, "RemapPoolUsed");
	CHG(num_cells, "NumCells");
#undef CHG
	if (old->enabled != m->info.enabled) {
		names[n++] = "SystemConfigPath";
		names[n++] = "EnableTimestamp";
		names[n++] = "EnableTimestampMonotonic";
	}
	names[n] = NULL;
	if (n)
		sd_bus_emit_properties_changed_strv(m->bus, CV_BUS_MANAGER_PATH, CV_BUS_MANAGER_IFACE, strv);
}

static void remove_cell(struct manager *m, struct cell *c)
{
	struct cell **pp;

	for (pp = &m->cells; *pp != c; pp = &(*pp)->next)
		;
	if (m->bus) {
		sd_bus_emit_signal(m->bus, CV_BUS_MANAGER_PATH, CV_BUS_MANAGER_IFACE, "CellRemoved", "so",
				   c->name, c->path);
		sd_bus_emit_object_removed(m->bus, c->path);
	}
	*pp = c->next;
	log_full(LOG_INFO, MID_CELL_DESTROYED, c->name, "Cell \"%s\" (id %u) is gone", c->name,
		 c->id);
	state_remove_cell(m, c->name);
	cell_free(c);
}

/* The hypervisor is disabled: forget its configuration, here and in the state directory. */
void manager_forget_system(struct manager *m)
{
	free(m->system_config_path);
	m->system_config_path = NULL;
	free(m->system_blob);
	m->system_blob = NULL;
	m->system_blob_size = 0;
	cc_free(m->system_config);
	m->system_config = NULL;
	m->enabled_ts = (struct dual_ts){ 0, 0 };
	state_save_system(m);
}

void manager_refresh(struct manager *m)
{
	struct hv_info info, old = m->info;
	struct be_cell *bc = NULL;
	size_t n = 0;
	int r;

	r = m->backend->ops->get_info(m->backend, &info);
	if (r < 0) {
		log_error(NULL, "cannot read the hypervisor's state from the %s backend: %s",
			  m->backend->ops->name, strerror(-r));
		return;
	}
	m->info = info;
	if (!info.enabled && m->system_config_path) {
		/* Disabled by someone else (or before we started): forget the config. */
		manager_forget_system(m);
	}
	if (info.enabled && !m->enabled_ts.realtime) {
		dual_ts_now(&m->enabled_ts);
		state_save_system(m);
	}
	if (m->info_valid)
		emit_manager_changes(m, &old);
	m->info_valid = true;

	r = info.enabled ? m->backend->ops->list_cells(m->backend, &bc, &n) : 0;
	if (r < 0) {
		log_error(NULL, "cannot list the cells from the %s backend: %s",
			  m->backend->ops->name, strerror(-r));
		return;
	}
	/* Gone, or replaced by another cell with the same id. */
	for (struct cell *c = m->cells, *next; c; c = next) {
		bool found = false;

		next = c->next;
		for (size_t i = 0; i < n; i++)
			if (bc[i].id == c->id && !strncmp(bc[i].name, c->name, sizeof(c->name)))
				found = true;
		if (!found)
			remove_cell(m, c);
	}
	for (size_t i = 0; i < n; i++) {
		struct cell *c = manager_find_cell_id(m, bc[i].id);

		bc[i].name[sizeof(bc[i].name) - 1] = 0;
		if (c) {
			cell_update(c, &bc[i]);
			continue;
		}
		/* A CreateCell in flight: its job adds the object, with what it knows. */
		if (m->creating)
			continue;
		c = cell_new(m, &bc[i]);
		if (!c) {
			log_error(bc[i].name, "out of memory for cell \"%s\"", bc[i].name);
			continue;
		}
		/* Keep the list in id order. */
		{
			struct cell **pp = &m->cells;

			while (*pp && (*pp)->id < c->id)
				pp = &(*pp)->next;
			c->next = *pp;
			*pp = c;
		}
		if (m->bus) {
			sd_bus_emit_object_added(m->bus, c->path);
			sd_bus_emit_signal(m->bus, CV_BUS_MANAGER_PATH, CV_BUS_MANAGER_IFACE, "CellNew", "so",
					   c->name, c->path);
		}
	}
	free(bc);
	manager_update_status(m);
	links_refresh(m);
}

static int on_refresh(sd_event_source *s, void *userdata)
{
	(void)s;
	/*
	 * Consoles first: the driver fetched what a cell said before it told its new state,
	 * so a follower that sees "shut down" or "failed" finds the cell's last words.
	 */
	manager_read_consoles(userdata);
	manager_refresh(userdata);
	return 0;
}

void manager_schedule_refresh(struct manager *m)
{
	sd_event_source_set_enabled(m->refresh_source, SD_EVENT_ONESHOT);
}

static void backend_notify(void *userdata)
{
	manager_schedule_refresh(userdata);
}

static int on_console(sd_event_source *s, void *userdata)
{
	(void)s;
	manager_read_consoles(userdata);
	return 0;
}

static void backend_console_notify(void *userdata)
{
	struct manager *m = userdata;

	sd_event_source_set_enabled(m->console_source, SD_EVENT_ONESHOT);
}

void manager_read_consoles(struct manager *m)
{
	char buf[4096];
	struct backend *b = m->backend;

	for (int pass = 0; pass < 64; pass++) {
		uint64_t lost = 0;
		ssize_t k = b->ops->console_read(b, 0, buf, sizeof(buf), &lost);

		if (lost)
			console_lost(&m->hv_console, lost);
		if (k <= 0)
			break;
		console_append(&m->hv_console, buf, k);
	}
	for (struct cell *c = m->cells; c; c = c->next) {
		if (!c->id)
			continue;
		for (int pass = 0; pass < 64; pass++) {
			uint64_t lost = 0;
			ssize_t k = b->ops->console_read(b, c->id, buf, sizeof(buf), &lost);

			if (lost)
				console_lost(&c->console, lost);
			if (k <= 0)
				break;
			console_append(&c->console, buf, k);
		}
	}
}

int manager_new(struct manager **ret, sd_event *event, struct backend *backend,
		const char *state_dir)
{
	struct manager *m = calloc(1, sizeof(*m));
	int r;

	if (!m)
		return -ENOMEM;
	m->event = sd_event_ref(event);
	m->backend = backend;
	m->job_pipe[0] = m->job_pipe[1] = -1;
	m->state_dir = strdup(state_dir);
	if (!m->state_dir) {
		free(m);
		return -ENOMEM;
	}
	console_init(&m->hv_console, m);
	backend->notify = backend_notify;
	backend->console_notify = backend_console_notify;
	backend->userdata = m;
	r = sd_event_add_defer(event, &m->refresh_source, on_refresh, m);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->refresh_source, SD_EVENT_OFF);
	if (r >= 0)
		r = sd_event_add_defer(event, &m->console_source, on_console, m);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->console_source, SD_EVENT_OFF);
	if (r >= 0)
		r = jobs_init(m);
	if (r >= 0)
		r = links_init(m);
	if (r < 0) {
		manager_free(m);
		return r;
	}
	state_load_system(m);
	*ret = m;
	return 0;
}

void manager_free(struct manager *m)
{
	if (!m)
		return;
	polkit_free_queries(m);
	caller_forget();
	while (m->cells) {
		struct cell *c = m->cells;

		m->cells = c->next;
		cell_free(c);
	}
	console_done(&m->hv_console);
	jobs_done(m);
	links_done(m);
	sd_event_source_disable_unref(m->refresh_source);
	sd_event_source_disable_unref(m->console_source);
	sd_bus_flush_close_unref(m->bus);
	sd_event_unref(m->event);
	cc_free(m->system_config);
	free(m->system_blob);
	free(m->system_config_path);
	free(m->state_dir);
	free(m->status);
	free(m);
}
