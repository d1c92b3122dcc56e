/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor: emulated MMIO regions, registered per cell and dispatched on stage-2 faults. */
#ifndef _CV_MMIO_H
#define _CV_MMIO_H

#include <cv/types.h>

struct cell;

struct mmio_access {
	u64 addr;		/* offset from the start of the region */
	u64 value;		/* written value, or the value read back */
	unsigned int size;	/* 1, 2, 4 or 8 bytes */
	bool write;
};

enum mmio_result {
	MMIO_HANDLED,
	MMIO_UNHANDLED,		/* the handler refuses the access: the cell gets stopped */
};

typedef enum mmio_result (*mmio_handler_t)(void *arg, struct mmio_access *a);

struct mmio_region {
	u64 start;
	u64 size;
	mmio_handler_t handler;
	void *arg;
};

#define CELL_MAX_MMIO		16

/* -CV_EBUSY when the region overlaps one already there, -CV_ENOSPC-like -CV_ENOMEM when full. */
int mmio_register(struct cell *c, u64 start, u64 size, mmio_handler_t handler, void *arg);
void mmio_unregister(struct cell *c, u64 start);
/* a->addr is the guest physical address on entry; MMIO_UNHANDLED when nobody takes it. */
enum mmio_result mmio_dispatch(struct cell *c, struct mmio_access *a);

#endif
