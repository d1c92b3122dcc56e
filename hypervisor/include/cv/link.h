/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cellvisor: inter-cell links (include/cellvisor/link.h), core/link.c.  The lifecycle calls
 * come from core/control.c with the control lock held (and from setup for the root cell).
 */
#ifndef _CV_LINK_H
#define _CV_LINK_H

#include <cv/types.h>

struct cell;
struct per_cpu;
struct cv_cell_config;

/* At enable, after the root cell is built: forget all, scrub, map and attach the root. */
int link_init(void);
/* Create: may the (checked) config become the peers its name makes it?  Refuses if not. */
int link_check_create(const struct cv_cell_config *cfg);
/* The link memory of the cell's links into its stage 2, or out of it. */
int link_map(struct cell *c);
void link_unmap(struct cell *c);
/* The cell becomes the peers its name makes it (created), or stops being them (destroy). */
void link_attach(struct cell *c);
void link_detach(struct cell *c);
/* The cell's CPUs stopped (shut down, failed, destroyed): its peers' states go DOWN. */
void link_cell_stopped(struct cell *c);
/* Does [phys, phys + size) touch the memory of a link? */
bool link_overlaps(u64 phys, u64 size);

/*
 * An interrupt exit of any CPU: raise the doorbells the rate limit deferred, if their time
 * came (nothing when none waits; skipped when the link lock is taken).
 */
void link_poll(void);

long link_get_info(struct per_cpu *cpu, u64 link, u64 what, u64 peer);
long link_ring(struct per_cpu *cpu, u64 link, u64 peer);
long link_set_state(struct per_cpu *cpu, u64 link, u64 state);

#endif
