/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cellvisor: cells.  The root cell (id 0) is the Linux that loaded the hypervisor; the other
 * cells (issue 5's create/start/destroy) take CPUs, memory and devices from it.
 */
#ifndef _CV_CELL_H
#define _CV_CELL_H

#include <asm/cell.h>
#include <cellvisor/comm.h>
#include <cellvisor/config.h>
#include <cv/console.h>
#include <cv/mmio.h>
#include <cv/paging.h>
#include <cv/spinlock.h>
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
	spinlock_t mem_lock;		/* the stage 2 against walks of it (cell_copy_*) */
	/* Non-root cells (core/control.c). */
	unsigned int blob_pages;	/* pages holding the config copy */
	bool has_stage2;		/* arch_cell_init() succeeded */
	struct cv_comm_region *comm;	/* the communication region page */
	struct cell_console console;	/* CV_HC_DEBUG_CONSOLE_PUTC output */
	struct ratelimit msg_rl;	/* hypervisor lines about what the cell does */
	struct paging dma;		/* its devices' DMA map (cv/iommu.h); root 0: none */
	struct ratelimit dma_rl;	/* lines about its devices' blocked DMA */
	u32 faulted;			/* a CPU failed while a management call held the
					   lock (cell_cpu_failed): the call ends it failed */
	struct pci_bar_view *bars;	/* its functions' BAR registers as it sees them
					   (core/pci.c), CV_PCI_NUM_BARS per function */
	unsigned int bar_pages;
};

extern struct cell root_cell;

/*
 * The registry of cells (core/cell.c), indexed by id.  cell_find(): the cell with this id, or
 * NULL.  Outside the control lock (core/control.c), hold the registry lock while using what
 * it returns: a cell may be destroyed and freed at any time once the lock is released.
 */
struct cell *cell_find(u64 id);
void cells_lock(void);
void cells_unlock(void);
unsigned int cell_count(void);
/*
 * Under the control lock: the zeroed storage of a new non-root cell, with the lowest id no
 * cell has (NULL when CV_MAX_CELLS - 1 exist).  It is not found until cell_add().
 */
struct cell *cell_new(void);
/* Enter a cell into the registry under its id (-CV_EEXIST if taken), or take it out. */
int cell_add(struct cell *c);
void cell_remove(struct cell *c);

/*
 * Raise the platform's notification SPI in the root cell (new console output, a cell
 * failed), once until the root looks (reads a console: cell_root_looks()).
 */
void cell_notify_root(void);
void cell_root_looks(void);

/* Does the cell own this SPI (its interrupt ranges)?  SGIs and PPIs belong to no cell. */
bool cell_owns_irq(const struct cell *c, u32 irq);

/* Map the cell's memory regions (all but the communication region) into its stage 2. */
int cell_map_regions(struct cell *c);
/* Remove them again (the communication region included). */
void cell_unmap_regions(struct cell *c);
/* PT_* flags of a region. */
unsigned int cell_region_flags(const struct cv_mem_region *r);
/*
 * Translate a guest physical range of cell RAM (not IO) to host physical; 0 if it is not.
 * The range must be RAM in the cell's configuration and mapped in its stage 2 now, with
 * the access needed: what the cell owns at this moment, not what its configuration once
 * listed (the root's RAM given to a running cell is not the root's).
 */
u64 cell_ram_to_phys(struct cell *c, u64 ipa, u64 size, bool write);
/* Copy between the hypervisor and cell RAM; -CV_EFAULT when the range is not cell RAM. */
int cell_copy_to(struct cell *c, u64 ipa, const void *src, u64 len);
int cell_copy_from(struct cell *c, void *dst, u64 ipa, u64 len);
/* Zero the physical range [phys, phys + size), page by page (what a cell or link left). */
void scrub_memory(u64 phys, u64 size);

/*
 * A BAR register of a non-root cell's function as the cell sees it: 'value' reads back,
 * a write changes the bits of 'mask' (the real BAR's size), 'home' is where the
 * configuration puts it (the value at each start).
 */
struct pci_bar_view {
	u32 value, mask, home;
};

/* PCI (core/pci.c): does the configuration list function 'd'? */
bool pci_listed(const struct cv_cell_config *cfg, const struct cv_pci_device *d);
/* Trap the ECAM window for the cell: its view of configuration space. */
int pci_cell_init(struct cell *c);
/* Decoding, bus mastering and INTx of the cell's functions off, as they change hands. */
void pci_cell_quiesce(const struct cell *c);
/* A new cell's functions, quiesced: size their BARs for the cell's view of them. */
void pci_cell_bars(struct cell *c);
/* Its BARs where its configuration puts them again, as the cell (re)starts. */
void pci_cell_reset_bars(struct cell *c);
void pci_cell_free(struct cell *c);

/* The lifecycle (core/control.c): the hypercalls of the root cell, ids checked there. */
long cell_create(u64 blob_ipa, u64 size);
long cell_set_loadable(u64 id);
long cell_start(u64 id);
long cell_shutdown(u64 id);
long cell_destroy(u64 id, u64 flags);	/* CV_DESTROY_* */
/* CV_CELL_STATE_*, RUNNING_LOCKED when the cell says so in its communication region. */
u32 cell_state_of(const struct cell *c);
/* A CPU of cell 'c' met something it may not do: the whole cell stops, state failed. */
void cell_failed(struct cell *c);
/*
 * The same, from that CPU: a management call may hold the lock while it stops this very
 * cell (then it has set cpu->stop, and the CPU returns without touching the cell, which may
 * be gone by the time the lock is free; it has set cell->faulted first, so that a shutdown
 * under way ends failed, not shut down).  The caller parks the CPU afterwards.
 */
struct per_cpu;
void cell_cpu_failed(struct per_cpu *cpu);
/*
 * A CPU of a cell has parked itself: PSCI CPU_OFF of this CPU, or SYSTEM_OFF or SYSTEM_RESET
 * of the whole cell.  A cell whose last running CPU went off, or that asked for SYSTEM_OFF,
 * has shut itself down: state shut down, as if the root had shut it down.  SYSTEM_RESET
 * stops it the same way and starts it again at its entry, its memory as it is.  Called
 * from that CPU after it is parked (psci.c), before it waits.
 */
enum cell_off { CELL_CPU_OFF, CELL_SYSTEM_OFF, CELL_SYSTEM_RESET };
void cell_cpu_off(struct per_cpu *cpu, enum cell_off how);
/*
 * Hand a parked CPU from one cell to another, atomically against PSCI CPU_ON of the cell
 * it leaves; false when it is not parked in 'from' with no wake-up pending.
 */
bool arch_cpu_move(struct per_cpu *cpu, struct cell *from, struct cell *to);

#endif
