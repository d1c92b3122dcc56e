/* SPDX-License-Identifier: GPL-2.0-only */
/* cellmgrd: the daemon's objects. */
#ifndef CELLMGRD_H
#define CELLMGRD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "backend.h"
#include "cellvisor-bus.h"
#include "util.h"

#define CONSOLE_RING_SIZE	(64 * 1024)

struct cc_config;
struct job;

/* The last CONSOLE_RING_SIZE bytes of a console, and the clients that read it. */
struct console_client;
struct console {
	char *buf;
	uint64_t written;		/* bytes ever appended; buf holds the tail */
	struct console_client *clients;
	struct manager *m;
	char line[1024];		/* partial line, for the hypervisor's journal copy */
	size_t line_len;
};

struct image_spec {
	char *path;
	uint64_t address;
};

struct cell {
	struct cell *next;
	struct manager *m;
	uint32_t id;
	char name[CV_CELL_NAME_LEN];
	char *path;			/* object path */
	enum cell_state state;
	uint64_t cpus, failed_cpus;
	/* from CreateCell, kept in the state directory across restarts */
	char *config_path;
	void *blob;
	size_t blob_size;
	struct image_spec *images;
	size_t n_images;
	struct dual_ts created, loaded, started, shut_down, changed;
	struct console console;
	const char *busy;		/* the operation in progress, or NULL */
};

struct manager {
	sd_event *event;
	sd_bus *bus;
	struct backend *backend;
	char *state_dir;
	struct hv_info info;
	bool info_valid;
	char *system_config_path;
	void *system_blob;
	size_t system_blob_size;
	struct cc_config *system_config;
	struct dual_ts enabled_ts;
	struct cell *cells;
	struct console hv_console;
	const char *busy;		/* Enable or Disable in progress */
	sd_event_source *refresh_source;
	sd_event_source *console_source;
	int job_pipe[2];
	sd_event_source *job_source;
	unsigned jobs;			/* in worker threads */
	unsigned creating;		/* CreateCell jobs among them */
	struct job *auth_jobs;		/* waiting for polkit */
	bool exiting;
	bool ready;
	char *status;
};

/* manager.c */
int manager_new(struct manager **ret, sd_event *event, struct backend *backend,
		const char *state_dir);
void manager_free(struct manager *m);
int manager_start_bus(struct manager *m);
void manager_refresh(struct manager *m);
void manager_forget_system(struct manager *m);
void manager_schedule_refresh(struct manager *m);
struct cell *manager_find_cell(struct manager *m, const char *name);
struct cell *manager_find_cell_id(struct manager *m, uint32_t id);
void manager_update_status(struct manager *m);
int method_get_console(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_open_console(sd_bus_message *msg, void *userdata, sd_bus_error *error);

/* cell.c */
extern const sd_bus_vtable cell_vtable[];
int cell_object_find(sd_bus *bus, const char *path, const char *iface, void *userdata,
		     void **found, sd_bus_error *error);
int cell_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes,
			 sd_bus_error *error);
struct cell *cell_new(struct manager *m, const struct be_cell *bc);
void cell_free(struct cell *c);
void cell_update(struct cell *c, const struct be_cell *bc);

/* manager.c */
extern const sd_bus_vtable manager_vtable[];

/* state.c: what the driver does not know, kept in the state directory */
void state_save_system(struct manager *m);
void state_load_system(struct manager *m);
void state_save_cell(struct manager *m, const struct cell *c);
void state_load_cell(struct manager *m, struct cell *c);
/* The page of "parameters": {"text": ...}, as a file to load: returns its path (malloc'ed). */
char *state_save_params(struct manager *m, const char *name, const void *page, size_t n);
void state_remove_cell(struct manager *m, const char *name);

/* console.c */
void console_init(struct console *con, struct manager *m);
void console_done(struct console *con);
void console_append(struct console *con, const char *data, size_t n);
void console_lost(struct console *con, uint64_t lost);
/* The buffered output (malloc'ed). */
size_t console_snapshot(struct console *con, char **out);
/* A new reader: returns the fd to hand to the caller. */
int console_open(struct console *con, bool follow);
void manager_read_consoles(struct manager *m);

/* ops.c: mutating calls (authorization, worker threads, replies) */
enum op {
	OP_ENABLE, OP_DISABLE, OP_CREATE, OP_LOAD, OP_START, OP_SHUTDOWN, OP_DESTROY,
};
int op_begin(struct manager *m, sd_bus_message *msg, enum op op, struct cell *c,
	     sd_bus_error *error);
int jobs_init(struct manager *m);
void jobs_done(struct manager *m);
void ops_free_pending(struct manager *m);

#endif
