/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cellmgrd backends: how the daemon reaches the hypervisor.
 *
 * "driver" talks to cellvisor.ko (ioctls on /dev/cellvisor, sysfs under
 * /sys/devices/cellvisor), and is the only backend of the installed cellmgrd.  Which
 * backends a binary has is decided when it is linked: backend_types[] comes from
 * backends.c in cellmgrd, and from tests/host/daemon/backend-test.c in the host tests'
 * cellmgrd-test, which adds an in-process model of the driver.
 *
 * Threading: the mutating calls (enable .. cell_destroy) may block (a shutdown waits for the
 * cell's answer) and are made from worker threads, several at a time; everything else is
 * called from the main thread.  Implementations serialise internally.  Every call returns 0
 * or a negative errno; a refused mutating call also fills in 'why' (the module's struct
 * cv_ioctl_refusal: reason, object, holder of include/cellvisor/reason.h).  errors.c turns
 * (call, errno, reason) into the D-Bus error documented in cellmgrd(8).
 */
#ifndef CELLMGRD_BACKEND_H
#define CELLMGRD_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include <cellvisor/config.h>
#include <cellvisor/hypercall.h>
#include <cellvisor/ioctl.h>

enum cell_state {
	CELL_CREATED = CV_CELL_STATE_CREATED,
	CELL_LOADABLE = CV_CELL_STATE_LOADABLE,
	CELL_RUNNING = CV_CELL_STATE_RUNNING,
	CELL_RUNNING_LOCKED = CV_CELL_STATE_RUNNING_LOCKED,
	CELL_SHUT_DOWN = CV_CELL_STATE_SHUT_DOWN,
	CELL_FAILED = CV_CELL_STATE_FAILED,
	CELL_STATE_MAX,
	CELL_STATE_INVALID = -1,
};

/* The documented strings (same as the driver's sysfs "state"). */
const char *cell_state_to_string(enum cell_state s);
enum cell_state cell_state_from_string(const char *s);

struct hv_info {
	bool enabled;
	uint32_t driver_api;		/* API version of the module */
	uint32_t hv_abi;		/* ABI revision of the running hypervisor, 0 if disabled */
	uint64_t mem_pool_size;		/* bytes */
	uint64_t mem_pool_used;
	uint64_t remap_pool_size;
	uint64_t remap_pool_used;
	uint32_t num_cells;		/* the root cell included */
};

struct be_cell {
	uint32_t id;
	char name[CV_CELL_NAME_LEN];
	enum cell_state state;
	uint64_t cpus;			/* bit n: CPU n */
	uint64_t failed_cpus;
};

/* An inter-cell link the root cell is a peer of (include/cellvisor/link.h). */
struct be_link_peer {
	char cell[CV_CELL_NAME_LEN];	/* the peer's cell name */
	int32_t cell_id;		/* -1: no such cell now */
	uint32_t state;			/* 0: down, else what the peer set */
	uint32_t received;		/* doorbells it was rung */
	uint32_t sent;			/* doorbells it rang */
	uint32_t coalesced;		/* rings at it merged into another's doorbell */
};

struct be_link {
	char name[CV_CELL_NAME_LEN];
	uint64_t size;			/* bytes */
	uint64_t address;		/* the root's physical address of it */
	uint32_t doorbell_irq;		/* the root's doorbell */
	bool writable;			/* by the root */
	uint64_t events;		/* doorbell interrupts the root took */
	uint32_t num_peers;
	struct be_link_peer peers[4];	/* CV_LINK_MAX_PEERS */
};

struct be_image {
	const void *data;
	size_t size;
	uint64_t address;		/* guest physical */
};

struct backend;

struct backend_ops {
	const char *name;
	int (*get_info)(struct backend *b, struct hv_info *info);
	/* All cells the hypervisor knows, the root cell included (malloc'ed array). */
	int (*list_cells)(struct backend *b, struct be_cell **cells, size_t *n);
	/* Optional: the links the root cell is a peer of (malloc'ed array; none if disabled). */
	int (*list_links)(struct backend *b, struct be_link **links, size_t *n);
	/* Exit counters summed over the cell's CPUs, indexed by CV_STAT_*. */
	int (*get_stats)(struct backend *b, uint32_t id, uint64_t stats[CV_NUM_STATS]);

	int (*enable)(struct backend *b, const void *blob, size_t size,
		      struct cv_ioctl_refusal *why);
	int (*disable)(struct backend *b, struct cv_ioctl_refusal *why);
	int (*cell_create)(struct backend *b, const void *blob, size_t size, uint32_t *id,
			   struct cv_ioctl_refusal *why);
	int (*cell_load)(struct backend *b, uint32_t id, const struct be_image *images, size_t n,
			 struct cv_ioctl_refusal *why);
	int (*cell_start)(struct backend *b, uint32_t id, struct cv_ioctl_refusal *why);
	int (*cell_shutdown)(struct backend *b, uint32_t id, struct cv_ioctl_refusal *why);
	/* force: do not ask a running cell to shut down, stop it (CV_CELL_DESTROY_FORCE) */
	int (*cell_destroy)(struct backend *b, uint32_t id, bool force,
			    struct cv_ioctl_refusal *why);

	/*
	 * New console output of cell 'id' (0: the hypervisor's own console) since the last
	 * call for that id: at most 'len' bytes into 'buf'; returns the byte count, 0 when
	 * there is nothing new, or a negative errno.  '*lost' gets the bytes that were
	 * overwritten before they could be read.
	 */
	ssize_t (*console_read)(struct backend *b, uint32_t id, void *buf, size_t len,
				uint64_t *lost);

	/*
	 * Optional: publish the backend's own objects on the daemon's bus connection, once,
	 * after the daemon's objects and before it takes its name.  Objects added without a
	 * slot live as long as the connection, which the daemon closes before free().
	 */
	int (*publish)(struct backend *b, sd_bus *bus);

	void (*free)(struct backend *b);
};

/* Called by a backend from the main loop when the hypervisor's state may have changed. */
typedef void (*backend_notify_t)(void *userdata);

struct backend {
	const struct backend_ops *ops;
	sd_event *event;
	backend_notify_t notify;	/* state changed: re-read everything */
	backend_notify_t console_notify;	/* new console output may be available */
	void *userdata;
};

/* A kind of backend, chosen with --backend=NAME[:ARG]. */
struct backend_type {
	const char *name;
	const char *syntax;		/* NAME[:ARG] as --help shows it */
	const char *help;		/* one line for --help */
	/*
	 * Create a backend and attach its event sources to 'event'; 'arg' is NULL when the
	 * option has none.  On failure, *errmsg may say why (malloc'ed).
	 */
	int (*new)(sd_event *event, const char *arg, struct backend **ret, char **errmsg);
};

/* The backends linked into this binary, NULL-terminated; the first is the default. */
extern const struct backend_type *const backend_types[];

/* cellvisor.ko: 'arg' is the device node (default /dev/cellvisor; $CELLMGRD_SYSFS overrides
 * the sysfs root). */
extern const struct backend_type backend_driver;

#endif /* CELLMGRD_BACKEND_H */
