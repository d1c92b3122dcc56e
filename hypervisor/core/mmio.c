// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor: per-cell registry of emulated MMIO regions. */
#include <cv/cell.h>
#include <cv/errno.h>
#include <cv/mmio.h>

int mmio_register(struct cell *c, u64 start, u64 size, mmio_handler_t handler, void *arg)
{
	unsigned int i;

	if (!size || start + size < start || !handler)
		return -CV_EINVAL;
	for (i = 0; i < c->num_mmio; i++)
		if (ranges_overlap(start, size, c->mmio[i].start, c->mmio[i].size))
			return -CV_EBUSY;
	if (c->num_mmio == CELL_MAX_MMIO)
		return -CV_ENOMEM;
	c->mmio[c->num_mmio++] = (struct mmio_region){ start, size, handler, arg };
	return 0;
}

void mmio_unregister(struct cell *c, u64 start)
{
	unsigned int i;

	for (i = 0; i < c->num_mmio; i++) {
		if (c->mmio[i].start == start) {
			c->mmio[i] = c->mmio[--c->num_mmio];
			return;
		}
	}
}

enum mmio_result mmio_dispatch(struct cell *c, struct mmio_access *a)
{
	unsigned int i;

	for (i = 0; i < c->num_mmio; i++) {
		struct mmio_region *r = &c->mmio[i];

		if (range_within(a->addr, a->size, r->start, r->size)) {
			a->addr -= r->start;
			return r->handler(r->arg, a);
		}
	}
	return MMIO_UNHANDLED;
}
