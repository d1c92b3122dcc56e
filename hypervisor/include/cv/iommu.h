/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cellvisor: DMA isolation with the platform's IOMMU (cv_platform.iommu).
 *
 * Each cell has a DMA map: translation tables from the addresses its devices use (the
 * cell's guest physical addresses, which for the root are the physical ones) to host
 * physical memory, holding exactly the RAM regions flagged 'dma' that the cell owns now.
 * The root's map follows its stage 2: what a cell takes leaves it, what comes back returns;
 * the hypervisor's memory is never in it.  A PCI function's stream (stream ID = requester
 * ID) translates through the map of the cell that lists it, every other stream of the
 * stream table through the root's; a stream beyond the table is aborted.
 *
 * Every change of a map or of a stream's owner is invalidated in the IOMMU and synced
 * before the call returns: after it, no device uses the old translation.  Faults (a device
 * touching what its cell does not own) are read from the IOMMU's event queue on hypervisor
 * entries and printed, rate-limited per cell, naming the device, the address, the access
 * and the cell.
 *
 * The generic part (core/iommu.c) decides what is mapped where and who owns which stream;
 * the arch layer drives the IOMMU (arm64: the SMMUv3 with stage-1 tables).
 */
#ifndef _CV_IOMMU_H
#define _CV_IOMMU_H

#include <cellvisor/config.h>
#include <cv/types.h>

struct cell;
struct pt_format;

/* Does a region belong in its cell's DMA map?  RAM flagged 'dma' (never IO, never comm). */
bool iommu_dma_region(const struct cv_mem_region *r);
/* The stream ID of a PCI function. */
static inline u32 iommu_stream_id(u8 bus, u8 devfn)
{
	return (u32)bus << 8 | devfn;
}

/* Enable: the root's map, every stream through it, the IOMMU on.  0 without an IOMMU. */
int iommu_enable(void);
/* Disable (or a failed enable): the IOMMU back as the hypervisor found it. */
void iommu_disable(void);
/* A new cell with PCI functions: its map, their streams through it. */
int iommu_cell_create(struct cell *c);
/* The cell's streams back to the root's map, its map freed.  Again: nothing. */
void iommu_cell_destroy(struct cell *c);
/* Add or remove [iova, iova + size) -> pa in the cell's map, invalidated and synced. */
int iommu_map(struct cell *c, u64 iova, u64 pa, u64 size, unsigned int flags);
int iommu_unmap(struct cell *c, u64 iova, u64 size);
/* Read and report what the IOMMU recorded (any CPU, on hypervisor entry). */
void iommu_poll(void);

/* A fault the IOMMU recorded, decoded by the arch layer. */
struct iommu_fault {
	u32 stream;		/* stream ID */
	u32 type;		/* the IOMMU's event code */
	const char *what;	/* what the code means */
	u64 addr;		/* the address the device used (0: none recorded) */
	bool has_addr;
	bool write;
};

/* The arch layer's IOMMU driver. */
extern const struct pt_format iommu_format;	/* descriptors of the DMA maps */
/* Probe and take the IOMMU: stream table with every stream through the root's tables. */
int arch_iommu_init(const struct cv_iommu *cfg, u64 root_tables);
void arch_iommu_exit(void);
/* The cell's translation context over its tables (cell id: its context and tag). */
int arch_iommu_context(unsigned int cell_id, u64 tables);
/* Stream 'stream' through the context of cell 'cell_id'; invalidated, not yet synced. */
void arch_iommu_stream(u32 stream, unsigned int cell_id);
/* Forget cached translations of the cell's context and wait until done: 0, or an error. */
int arch_iommu_flush(unsigned int cell_id);
/* Has the IOMMU recorded anything new?  Lock-free, cheap: asked on every poll. */
bool arch_iommu_pending(void);
/* The next recorded fault, false when there is none. */
bool arch_iommu_next_fault(struct iommu_fault *f);

#endif
