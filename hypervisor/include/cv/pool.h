/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cellvisor: a pool of pages, one bit each.  Used for the memory pool (the hypervisor's own
 * memory after image and config: page tables, cells) and the remap pool (virtual pages of the
 * hypervisor where devices and cell memory get mapped).
 */
#ifndef _CV_POOL_H
#define _CV_POOL_H

#include <cv/spinlock.h>
#include <cv/types.h>

struct page_pool {
	u64 base;		/* address of page 0 */
	u64 pages;
	u64 used;
	u64 *bitmap;		/* pages bits */
	spinlock_t lock;
};

/* Words of bitmap a pool of 'pages' needs. */
#define POOL_BITMAP_WORDS(pages)	(((pages) + 63) / 64)

void pool_init(struct page_pool *p, u64 base, u64 pages, u64 *bitmap);
/* 'count' free pages at an address that is a multiple of 'align' pages; 0 when full. */
u64 pool_alloc(struct page_pool *p, u64 count, u64 align);
/* Mark pages as used (e.g. taken before the pool existed); -CV_EINVAL if out of range. */
int pool_reserve(struct page_pool *p, u64 addr, u64 count);
/* Give back pages; -CV_EINVAL for an address outside the pool or a page not in use. */
int pool_free(struct page_pool *p, u64 addr, u64 count);

#endif
