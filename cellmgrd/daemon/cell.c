// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: the model of a cell: what the driver says of it (state, CPUs), what the daemon
 * keeps of it (configuration, images, timestamps, console), and its transitions, logged and
 * announced.  Its D-Bus object is cell-dbus.c.
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

const void *cell_config_array(const struct cell *c, const struct cv_array *a, size_t elem,
			      uint32_t *n)
{
	uint64_t end = (uint64_t)a->offset + (uint64_t)a->count * elem;

	*n = 0;
	if (!a->count || a->offset % 8 || end > c->blob_size)
		return NULL;
	*n = a->count;
	return (const char *)c->blob + a->offset;
}

const struct cv_cell_config *cell_config(const struct cell *c)
{
	const struct cv_cell_config *cc = c->blob;

	if (c->blob_size < sizeof(*cc) || cc->hdr.magic != CV_CELL_MAGIC ||
	    cc->hdr.total_size != c->blob_size)
		return NULL;
	return cc;
}

bool cell_state_is_running(enum cell_state s)
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
	if (cell_state_is_running(to) && !cell_state_is_running(from)) {
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

	/*
	 * A Restart passes through "shut down" and "loadable": a follower (cell@.service's
	 * cellctl) must not take that for the end of the cell.  The refresh after the job
	 * publishes where it ended.
	 */
	if (c->quiet_steps)
		return;

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

void cell_loaded(struct cell *c)
{
	dual_ts_now(&c->loaded);
	state_save_cell(c->m, c);
	if (c->m->bus)
		sd_bus_emit_properties_changed(c->m->bus, c->path, CV_BUS_CELL_IFACE,
					       "LoadTimestamp", "LoadTimestampMonotonic", NULL);
}

void cell_restarted(struct cell *c)
{
	dual_ts_now(&c->changed);
	c->loaded = c->started = c->changed;
	state_save_cell(c->m, c);
	log_full(LOG_INFO, MID_CELL_STATE, c->name, "Cell \"%s\" restarted, now %s", c->name,
		 cell_state_to_string(c->state));
	if (c->m->bus)
		sd_bus_emit_properties_changed(c->m->bus, c->path, CV_BUS_CELL_IFACE,
					       "LoadTimestamp", "LoadTimestampMonotonic",
					       "StartTimestamp", "StartTimestampMonotonic",
					       "StateChangeTimestamp",
					       "StateChangeTimestampMonotonic", NULL);
}
