// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: cell objects, org.cellvisor.cell1.Cell at
 * /org/cellvisor/cell1/cell/<sd_bus_path_encode(name)>.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cellvisor/names.h>

#include "cellmgrd.h"

static const char *const state_names[CELL_STATE_MAX] = CV_CELL_STATE_NAMES;

const char *cell_state_to_string(enum cell_state s)
{
	return s >= 0 && s < CELL_STATE_MAX ? state_names[s] : "unknown";
}

enum cell_state cell_state_from_string(const char *s)
{
	for (int i = 0; i < CELL_STATE_MAX; i++)
		if (!strcmp(s, state_names[i]))
			return i;
	return CELL_STATE_INVALID;
}

static const char *const stat_names[CV_NUM_STATS] = CV_STAT_NAMES("");

static const struct {
	uint64_t flag;
	const char *name;
} mem_flags[] = { CV_MEM_FLAG_NAMES };

/* An array of the cell's blob, if it lies inside the blob. */
static const void *blob_array(const struct cell *c, const struct cv_array *a, size_t elem,
			      uint32_t *n)
{
	uint64_t end = (uint64_t)a->offset + (uint64_t)a->count * elem;

	*n = 0;
	if (!a->count || a->offset % 8 || end > c->blob_size)
		return NULL;
	*n = a->count;
	return (const char *)c->blob + a->offset;
}

static const struct cv_cell_config *cell_cfg(const struct cell *c)
{
	const struct cv_cell_config *cc = c->blob;

	if (c->blob_size < sizeof(*cc) || cc->hdr.magic != CV_CELL_MAGIC ||
	    cc->hdr.total_size != c->blob_size)
		return NULL;
	return cc;
}

static int append_cpus(sd_bus_message *reply, uint64_t set)
{
	int r = sd_bus_message_open_container(reply, 'a', "u");

	for (unsigned i = 0; r >= 0 && i < 64; i++)
		if (set >> i & 1)
			r = sd_bus_message_append(reply, "u", i);
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int prop_get(sd_bus *bus, const char *path, const char *iface, const char *property,
		    sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	struct cell *c = userdata;
	const struct cv_cell_config *cc = cell_cfg(c);
	const struct dual_ts *ts = NULL;
	bool mono = false;
	uint32_t n;
	int r;

	(void)bus;
	(void)path;
	(void)iface;
	if (!strcmp(property, "Name"))
		return sd_bus_message_append(reply, "s", c->name);
	if (!strcmp(property, "Id"))
		return sd_bus_message_append(reply, "u", c->id);
	if (!strcmp(property, "State"))
		return sd_bus_message_append(reply, "s", cell_state_to_string(c->state));
	if (!strcmp(property, "CPUs"))
		return append_cpus(reply, c->cpus);
	if (!strcmp(property, "FailedCPUs"))
		return append_cpus(reply, c->failed_cpus);
	if (!strcmp(property, "ConfigPath"))
		return sd_bus_message_append(reply, "s", c->config_path ? c->config_path : "");
	if (!strcmp(property, "MemoryRegions")) {
		const struct cv_mem_region *mr = cc ? blob_array(c, &cc->mem_regions,
								 sizeof(*mr), &n) : NULL;

		r = sd_bus_message_open_container(reply, 'a', "(tttas)");
		for (uint32_t i = 0; r >= 0 && mr && i < n; i++) {
			r = sd_bus_message_open_container(reply, 'r', "tttas");
			if (r >= 0)
				r = sd_bus_message_append(reply, "ttt", mr[i].phys_start,
							  mr[i].virt_start, mr[i].size);
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
	if (!strcmp(property, "Interrupts")) {
		const struct cv_irq_range *ir = cc ? blob_array(c, &cc->irq_ranges, sizeof(*ir),
								&n) : NULL;

		r = sd_bus_message_open_container(reply, 'a', "(uu)");
		for (uint32_t i = 0; r >= 0 && ir && i < n; i++)
			r = sd_bus_message_append(reply, "(uu)", ir[i].first, ir[i].count);
		return r < 0 ? r : sd_bus_message_close_container(reply);
	}
	if (!strcmp(property, "Devices")) {
		const struct cv_pci_device *pd = cc ? blob_array(c, &cc->pci_devices,
								 sizeof(*pd), &n) : NULL;

		r = sd_bus_message_open_container(reply, 'a', "(su)");
		for (uint32_t i = 0; r >= 0 && pd && i < n; i++) {
			char bdf[16];

			snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%u", pd[i].domain, pd[i].bus,
				 pd[i].devfn >> 3, pd[i].devfn & 7);
			r = sd_bus_message_append(reply, "(su)", bdf, pd[i].intx_irq);
		}
		return r < 0 ? r : sd_bus_message_close_container(reply);
	}
	if (!strcmp(property, "Images")) {
		r = sd_bus_message_open_container(reply, 'a', "(st)");
		for (size_t i = 0; r >= 0 && i < c->n_images; i++)
			r = sd_bus_message_append(reply, "(st)", c->images[i].path,
						  c->images[i].address);
		return r < 0 ? r : sd_bus_message_close_container(reply);
	}
	if (!strcmp(property, "Statistics")) {
		uint64_t st[CV_NUM_STATS] = { 0 };
		struct backend *b = c->m->backend;

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
	mono = strstr(property, "Monotonic") != NULL;
	if (!strncmp(property, "CreationTimestamp", 17))
		ts = &c->created;
	else if (!strncmp(property, "LoadTimestamp", 13))
		ts = &c->loaded;
	else if (!strncmp(property, "StartTimestamp", 14))
		ts = &c->started;
	else if (!strncmp(property, "ShutdownTimestamp", 17))
		ts = &c->shut_down;
	else if (!strncmp(property, "StateChangeTimestamp", 20))
		ts = &c->changed;
	if (ts)
		return sd_bus_message_append(reply, "t", mono ? ts->monotonic : ts->realtime);
	return -ENOENT;
}

static int method_load(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct cell *c = userdata;

	return op_begin(c->m, msg, OP_LOAD, c, error);
}

static int method_start(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct cell *c = userdata;

	return op_begin(c->m, msg, OP_START, c, error);
}

static int method_shutdown(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct cell *c = userdata;

	return op_begin(c->m, msg, OP_SHUTDOWN, c, error);
}

static int method_destroy(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct cell *c = userdata;

	return op_begin(c->m, msg, OP_DESTROY, c, error);
}

#define CPROP(name, sig, flags) SD_BUS_PROPERTY(name, sig, prop_get, 0, flags)
#define CONST SD_BUS_VTABLE_PROPERTY_CONST
#define CHANGE SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE

const sd_bus_vtable cell_vtable[] = {
	SD_BUS_VTABLE_START(0),
	CPROP("Name", "s", CONST),
	CPROP("Id", "u", CONST),
	CPROP("State", "s", CHANGE),
	CPROP("CPUs", "au", CHANGE),
	CPROP("FailedCPUs", "au", CHANGE),
	CPROP("MemoryRegions", "a(tttas)", CONST),
	CPROP("Interrupts", "a(uu)", CONST),
	CPROP("Devices", "a(su)", CONST),
	CPROP("ConfigPath", "s", CONST),
	CPROP("Images", "a(st)", CONST),
	CPROP("Statistics", "a{st}", 0),
	CPROP("CreationTimestamp", "t", CONST),
	CPROP("CreationTimestampMonotonic", "t", CONST),
	CPROP("LoadTimestamp", "t", CHANGE),
	CPROP("LoadTimestampMonotonic", "t", CHANGE),
	CPROP("StartTimestamp", "t", CHANGE),
	CPROP("StartTimestampMonotonic", "t", CHANGE),
	CPROP("ShutdownTimestamp", "t", CHANGE),
	CPROP("ShutdownTimestampMonotonic", "t", CHANGE),
	CPROP("StateChangeTimestamp", "t", CHANGE),
	CPROP("StateChangeTimestampMonotonic", "t", CHANGE),
	SD_BUS_METHOD_WITH_ARGS("Load", SD_BUS_ARGS("a(st)", images), SD_BUS_NO_RESULT,
				method_load, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Start", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_start,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Shutdown", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_shutdown,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Destroy", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_destroy,
				SD_BUS_VTABLE_UNPRIVILEGED),
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

static bool running(enum cell_state s)
{
	return s == CELL_RUNNING || s == CELL_RUNNING_LOCKED;
}

/* Record a transition into 'to' from 'from' (CELL_STATE_INVALID: not known before). */
static void note_transition(struct cell *c, enum cell_state from, enum cell_state to,
			    const char **names, int *n)
{
	dual_ts_now(&c->changed);
	names[(*n)++] = "StateChangeTimestamp";
	names[(*n)++] = "StateChangeTimestampMonotonic";
	if (running(to) && !running(from)) {
		c->started = c->changed;
		names[(*n)++] = "StartTimestamp";
		names[(*n)++] = "StartTimestampMonotonic";
	}
	if (to == CELL_SHUT_DOWN) {
		c->shut_down = c->changed;
		names[(*n)++] = "ShutdownTimestamp";
		names[(*n)++] = "ShutdownTimestampMonotonic";
	}
	if (to == CELL_FAILED)
		log_full(LOG_ERR, MID_CELL_FAILED, c->name,
			 "Cell \"%s\" failed (was %s); failed CPUs: %#llx; its console and "
			 "the hypervisor's (cellctl console --hypervisor) tell why", c->name,
			 from == CELL_STATE_INVALID ? "unknown" : cell_state_to_string(from),
			 (unsigned long long)c->failed_cpus);
	else
		log_full(LOG_INFO, MID_CELL_STATE, c->name, "Cell \"%s\": %s -> %s", c->name,
			 from == CELL_STATE_INVALID ? "unknown" : cell_state_to_string(from),
			 cell_state_to_string(to));
}

struct cell *cell_new(struct manager *m, const struct be_cell *bc)
{
	struct cell *c = calloc(1, sizeof(*c));
	enum cell_state known;

	if (!c)
		return NULL;
	c->m = m;
	c->id = bc->id;
	memcpy(c->name, bc->name, sizeof(c->name));
	c->name[sizeof(c->name) - 1] = 0;
	if (sd_bus_path_encode(CV_BUS_CELL_PATH_PREFIX, c->name, &c->path) < 0) {
		free(c);
		return NULL;
	}
	console_init(&c->console, m);
	c->state = CELL_STATE_INVALID;
	state_load_cell(m, c);		/* may set state to the last one recorded */
	known = c->state;
	if (!c->created.realtime)
		dual_ts_now(&c->created);
	c->cpus = bc->cpus;
	c->failed_cpus = bc->failed_cpus;
	c->state = bc->state;
	if (known != bc->state) {
		const char *names[12];
		int n = 0;

		note_transition(c, known, bc->state, names, &n);
	} else {
		log_info(c->name, "Cell \"%s\" (id %u) found in state \"%s\"", c->name, c->id,
			 cell_state_to_string(c->state));
	}
	state_save_cell(m, c);
	return c;
}

void cell_update(struct cell *c, const struct be_cell *bc)
{
	const char *names[16];
	int n = 0;

	if (bc->cpus != c->cpus) {
		c->cpus = bc->cpus;
		names[n++] = "CPUs";
	}
	if (bc->failed_cpus != c->failed_cpus) {
		c->failed_cpus = bc->failed_cpus;
		names[n++] = "FailedCPUs";
	}
	if (bc->state != c->state) {
		enum cell_state from = c->state;

		c->state = bc->state;
		names[n++] = "State";
		note_transition(c, from, bc->state, names, &n);
	}
	names[n] = NULL;
	if (!n)
		return;
	state_save_cell(c->m, c);
	if (c->m->bus)
		sd_bus_emit_properties_changed_strv(c->m->bus, c->path, CV_BUS_CELL_IFACE,
						    (char **)names);
}

void cell_free(struct cell *c)
{
	if (!c)
		return;
	console_done(&c->console);
	free(c->path);
	free(c->config_path);
	free(c->blob);
	for (size_t i = 0; i < c->n_images; i++)
		free(c->images[i].path);
	free(c->images);
	free(c);
}
