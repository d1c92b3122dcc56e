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
struct polkit_query;

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
	bool quiet_steps;		/* ... a Restart: its steps are not published */
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
	struct polkit_query *polkit_queries;	/* waiting for polkit's answer */
	sd_bus_message *authorized_msg;	/* being called again, authorized (polkit.c) */
	bool exiting;
	bool ready;
	char *status;
	struct be_link *links;		/* as LinkChanged last told them (links.c) */
	size_t num_links;
	sd_event_source *links_source;
	struct sd_device_monitor *link_monitor;
};

/* manager.c: the daemon's view of the hypervisor, rebuilt from the backend */
int manager_new(struct manager **ret, sd_event *event, struct backend *backend,
		const char *state_dir);
void manager_free(struct manager *m);
void manager_refresh(struct manager *m);
void manager_forget_system(struct manager *m);
void manager_schedule_refresh(struct manager *m);
void manager_read_consoles(struct manager *m);
struct cell *manager_find_cell(struct manager *m, const char *name);
struct cell *manager_find_cell_id(struct manager *m, uint32_t id);
void manager_update_status(struct manager *m);

/* links.c: the LinkChanged signal, after a refresh and after a link device's uevent */
int links_init(struct manager *m);
void links_refresh(struct manager *m);
void links_done(struct manager *m);

/* manager-dbus.c: org.cellvisor.cell1.Manager, and the objects on the bus */
extern const sd_bus_vtable manager_vtable[];
int manager_start_bus(struct manager *m);
/* The object (manager or cell) at a path of ours, or NULL. */
void *manager_object_at(struct manager *m, const char *path);
/* GetConsole and OpenConsole, of the manager and of each cell (userdata: the console). */
int method_get_console(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_open_console(sd_bus_message *msg, void *userdata, sd_bus_error *error);

/* cell.c: a cell's model (state, configuration, lifecycle records) */
struct cell *cell_new(struct manager *m, const struct be_cell *bc);
void cell_free(struct cell *c);
void cell_update(struct cell *c, const struct be_cell *bc);
bool cell_state_is_running(enum cell_state s);
/* The cell's configuration blob, if it is one; an array inside it, if it lies inside. */
const struct cv_cell_config *cell_config(const struct cell *c);
const void *cell_config_array(const struct cell *c, const struct cv_array *a, size_t elem,
			      uint32_t *n);
/* Record a Load: LoadTimestamp now, saved and announced. */
void cell_loaded(struct cell *c);
/* Record a Restart: loaded and started now, saved and announced (its steps were not). */
void cell_restarted(struct cell *c);

/* cell-dbus.c: org.cellvisor.cell1.Cell at CV_BUS_CELL_PATH_PREFIX/<encoded name> */
extern const sd_bus_vtable cell_vtable[];
int cell_object_find(sd_bus *bus, const char *path, const char *iface, void *userdata,
		     void **found, sd_bus_error *error);
int cell_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes,
			 sd_bus_error *error);

/* state.c: what the driver does not know, kept in the state directory */
void state_save_system(struct manager *m);
void state_load_system(struct manager *m);
void state_save_cell(struct manager *m, const struct cell *c);
void state_load_cell(struct manager *m, struct cell *c);
/* The page of "parameters": {"text": ...}, as a file to load: returns its path (malloc'ed). */
char *state_save_params(struct manager *m, const char *name, const void *page, size_t n);
/*
 * A generated file to load into the cell NAME (".boot": the boot stub of a Linux cell,
 * ".dtb": its device tree): its path (malloc'ed), or NULL with *err a negative errno.
 */
char *state_save_image(struct manager *m, const char *name, const char *suffix,
		       const void *data, size_t n, int *err);
/* Remove the .boot and .dtb files of NAME (a creation that failed). */
void state_remove_linux(struct manager *m, const char *name);
/* Remove every file of NAME. */
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

/*
 * polkit.c: the generic asynchronous authorization of a method call.  Returns 1 when the
 * caller may go on (root, or polkit said yes and the method is being called again), 0 when
 * polkit was asked: the answer calls 'method' again with the same message and the object
 * now at its path (or replies NotAuthorized); < 0 (with 'error' set) when it cannot ask.
 * 'detail' ("cell", "config" or NULL for none) is shown to polkit with 'value'.
 */
int polkit_check(struct manager *m, sd_bus_message *msg, const char *action,
		 const char *detail, const char *value, sd_bus_message_handler_t method,
		 sd_bus_error *error);
void polkit_free_queries(struct manager *m);

/* errors.c: replies that are errors, logged; refused driver calls to named errors */
struct caller {
	uid_t uid;
	pid_t pid;
	char text[48];			/* "uid U (pid P)" */
};
void caller_of(sd_bus_message *msg, struct caller *who);
void caller_forget(void);		/* drops the message caller_of() keeps */
/* Reply to 'msg' of 'who' with the named error, and log it (MID_OP_FAILED) with the cell's
 * name; returns 0. */
int reply_error(sd_bus_message *msg, const struct caller *who, const char *cell,
		   const char *name, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * job.c: the generic job runner.  A method that calls the driver fills in a job and submits
 * it: 'run' makes the driver calls in a worker thread of its own (a shutdown may take as
 * long as the cell's timeout) and returns 0 or a negative errno with 'why' filled in; back
 * in the main thread the consoles are read, then 'record' (if any) keeps what the driver
 * does not, the states are refreshed from the driver, and 'reply' (if any; otherwise an
 * empty return) answers the call.  A refusal goes through refusals[] in errors.c instead.
 */
enum job_holds {
	JOB_HOLDS_NOTHING,
	JOB_HOLDS_CELL,			/* cell->busy while it runs */
	JOB_HOLDS_MANAGER,		/* manager->busy while it runs */
	JOB_CREATES_CELL,		/* manager->creating while it runs */
};

struct job {
	struct manager *m;
	sd_bus_message *msg;		/* the call to answer */
	const char *method;		/* its member name */
	struct caller who;
	enum job_holds holds;
	uint32_t cell_id;
	char cell_name[CV_CELL_NAME_LEN];
	int (*run)(struct job *j);		/* worker thread */
	void (*record)(struct job *j);		/* main thread, before the refresh */
	void (*reply)(struct job *j);		/* main thread, after the refresh */
	void (*fail)(struct job *j);		/* main thread, after the refresh, when run()
						   failed (before the error reply) */
	/* what the method prepared */
	char *config_path;		/* Enable, CreateCell: the file given */
	struct cc_config *cfg;		/* ... loaded and validated */
	struct image_spec *image_specs;	/* Load, Restart: the images to read (paths malloc'ed) */
	size_t n_image_specs;
	struct be_image *images;	/* ... read from the files by the worker */
	size_t n_images;
	struct image_spec *linux_specs;	/* CreateCell of a Linux cell: boot stub, kernel,
					   device tree, initrd (paths malloc'ed) */
	size_t n_linux_specs;
	bool was_running;		/* the cell ran when the job was submitted */
	bool quiet_steps;		/* JOB_HOLDS_CELL: the cell's states in between are
					   not taken up (one Restart, not its steps) */
	/* result */
	int r;
	uint32_t new_id;		/* CreateCell */
	struct cv_ioctl_refusal why;	/* on failure: the reason (include/cellvisor/reason.h) */
	const char *error_name;		/* on a failure before the driver: the named error */
	char *error_text;		/* ... and its message (job_error()) */
};

/* A job for a call on 'c' (NULL: on the manager), or NULL without memory. */
struct job *job_new(struct manager *m, sd_bus_message *msg, struct cell *c);
void job_free(struct job *j);
/* Hand the job to a worker thread; the job is the runner's afterwards, which replies.
 * Returns 1, for a method handler to return: the reply is sent, or will be. */
int job_submit(struct job *j);
/* Worker: fail the job with a named error of its own, not a driver refusal; returns r. */
int job_error(struct job *j, const char *name, int r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A refused driver call: the named error of refusals[] (errors.c). */
void job_reply_refusal(struct job *j);
int jobs_init(struct manager *m);
void jobs_done(struct manager *m);

#endif
