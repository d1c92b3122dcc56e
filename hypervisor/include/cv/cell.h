/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cellvisor: cells.  The root cell (id 0) is the Linux that loaded the hypervisor; the other
 * cells (issue 5's create/start/destroy) take CPUs, memory and devices from it.
 */
#ifndef _CV_CELL_H
#define _CV_CELL_H

#include <asm/cell.h>
#include <cellvisor/config.h>
#include <cv/mmio.h>
#include <cv/types.h>

#define CV_MAX_CELLS		16	/* the root cell included */

struct cell {
	unsigned int id;
	u32 state;			/* CV_CELL_STATE_* */
	u64 cpu_set;			/* CPUs the cell owns now */
	const struct cv_cell_config *config;	/* a checked copy in hypervisor memory */
	struct mmio_region mmio[CELL_MAX_MMIO];
	unsigned int num_mmio;
	struct arch_cell arch;		/* stage-2 tables, VMID */
};

extern struct cell root_cell;

/* The cell with this id, or NULL. */
struct cell *cell_find(unsigned int id);
unsigned int cell_count(void);
int cell_add(struct cell *c);
void cell_remove(struct cell *c);

/* Does the cell own this SPI (its interrupt ranges)?  SGIs and PPIs belong to no cell. */
bool cell_owns_irq(const struct cell *c, u32 irq);

/* Map the cell's memory regions (all but the communication region) into its stage 2. */
int cell_map_regions(struct cell *c);
/* Translate a guest physical range of cell RAM (not IO) to host physical; 0 if it is not. */
u64 cell_ram_to_phys(const struct cell *c, u64 ipa, u64 size, bool write);
/* Copy between the hypervisor and cell RAM; -CV_EFAULT when the range is not cell RAM. */
int cell_copy_to(struct cell *c, u64 ipa, const void *src, u64 len);
int cell_copy_from(struct cell *c, void *dst, u64 ipa, u64 len);

#endif
