/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cellvisor: multi-level translation tables with 4 KiB granules, 512 entries per table.
 *
 * The walk is generic; the descriptor format is data (struct pt_format), so that the tables
 * can be built before the MMU is on, when pointers stored in data would point nowhere.  A
 * mapping uses the largest blocks alignment allows; unmapping part of a block splits it, and
 * a table that a mapping leaves mapping its whole range as one block would becomes that
 * block again (its table freed), as a table that maps nothing any more is freed.  TLB
 * maintenance is the caller's business.
 */
#ifndef _CV_PAGING_H
#define _CV_PAGING_H

#include <cv/types.h>

/* Generic access flags of a mapping. */
#define PT_READ		(1U << 0)
#define PT_WRITE	(1U << 1)
#define PT_EXEC		(1U << 2)
#define PT_DEVICE	(1U << 3)

struct pt_format {
	unsigned int start_level;	/* level of the root table (0..2; level 3 maps pages) */
	unsigned int root_pages;	/* concatenated root tables, a power of two */
	unsigned int block_level;	/* the highest level where blocks may be used */
	u64 addr_mask;			/* output address bits of a descriptor */
	u64 type_mask;			/* bits telling invalid/block/table/page apart */
	u64 table;			/* type of a table descriptor (levels < 3) */
	u64 block;			/* type of a block (levels < 3) */
	u64 page;			/* type of a page (level 3) */
	u64 normal;			/* attributes of normal memory */
	u64 device;			/* attributes of device memory */
	u64 read;			/* added for PT_READ */
	u64 write;			/* added for PT_WRITE */
	u64 read_only;			/* added without PT_WRITE */
	u64 no_exec;			/* added without PT_EXEC */
};

struct paging {
	const struct pt_format *fmt;
	u64 virt_offset;		/* the hypervisor sees a table at phys + virt_offset */
	/* 'pages' zeroed pages aligned to their size: physical address, 0 when out. */
	u64 (*alloc)(unsigned int pages);
	void (*free)(u64 phys, unsigned int pages);
	u64 root;			/* physical address of the root table(s) */
	/*
	 * Tables stay once made: no unmap frees or merges one.  The hypervisor's own tables
	 * are so, for a CPU's temporary page to need only a local TLB invalidation: another
	 * CPU may keep a table of them in its walk cache, so none may go.
	 */
	bool keep_tables;
};

/* Input addresses the tables cover: 1 << paging_va_bits(fmt). */
unsigned int paging_va_bits(const struct pt_format *fmt);
/* Set fmt, virt_offset, alloc and free first. */
int paging_init(struct paging *pg);
int paging_map(struct paging *pg, u64 va, u64 pa, u64 size, unsigned int flags);
int paging_unmap(struct paging *pg, u64 va, u64 size);
/* The descriptor translating va and its level, or 0 when unmapped. */
u64 paging_lookup(const struct paging *pg, u64 va, unsigned int *level);
/* Free every table, the root included. */
void paging_destroy(struct paging *pg);

static inline unsigned int pt_shift(unsigned int level)
{
	return PAGE_SHIFT + 9 * (3 - level);
}

#endif
