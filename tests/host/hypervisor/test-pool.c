// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of the page pool (hypervisor/core/pool.c). */
#include <cv/errno.h>
#include <cv/pool.h>

#include "tap.h"

#define BASE	0x70000000ULL
#define PAGES	100

int main(void)
{
	u64 bitmap[POOL_BITMAP_WORDS(PAGES)];
	struct page_pool p;
	u64 a, b, c, d;

	pool_init(&p, BASE, PAGES, bitmap);
	ok(p.pages == PAGES && p.used == 0, "a new pool has %d free pages", PAGES);
	a = pool_alloc(&p, 1, 1);
	ok(a == BASE, "the first page comes first (0x%llx)", (unsigned long long)a);
	b = pool_alloc(&p, 2, 2);
	ok(b == BASE + 2 * PAGE_SIZE, "two pages aligned to two skip the odd page");
	c = pool_alloc(&p, 1, 1);
	ok(c == BASE + PAGE_SIZE, "a single page fills the hole left by alignment");
	ok(p.used == 4, "used counts every page (%llu)", (unsigned long long)p.used);
	ok(pool_alloc(&p, 0, 1) == 0, "zero pages are refused");
	ok(pool_alloc(&p, 1, 3) == 0, "an alignment that is not a power of two is refused");
	ok(pool_alloc(&p, PAGES, 1) == 0, "more pages than are free: refused");
	d = pool_alloc(&p, PAGES - 4, 1);
	ok(d == BASE + 4 * PAGE_SIZE, "the rest of the pool in one piece");
	ok(pool_alloc(&p, 1, 1) == 0 && p.used == PAGES, "a full pool gives nothing");
	ok(pool_free(&p, b, 2) == 0 && p.used == PAGES - 2, "free gives pages back");
	ok(pool_free(&p, b, 2) == -CV_EINVAL && p.used == PAGES - 2, "double free is refused");
	ok(pool_free(&p, BASE - PAGE_SIZE, 1) == -CV_EINVAL, "an address below the pool is refused");
	ok(pool_free(&p, BASE + PAGES * PAGE_SIZE, 1) == -CV_EINVAL,
	   "an address past the pool is refused");
	ok(pool_free(&p, BASE + 1, 1) == -CV_EINVAL, "an unaligned address is refused");
	ok(pool_free(&p, d, PAGES) == -CV_EINVAL, "a count running off the end is refused");
	ok(pool_alloc(&p, 2, 2) == b, "freed pages are found again");
	pool_init(&p, BASE, PAGES, bitmap);
	ok(pool_reserve(&p, BASE + 10 * PAGE_SIZE, 5) == 0 && p.used == 5, "reserve marks pages");
	ok(pool_reserve(&p, BASE + 12 * PAGE_SIZE, 5) == 0 && p.used == 7,
	   "reserve over reserved pages counts only the new ones");
	ok(pool_alloc(&p, 16, 1) == BASE + 17 * PAGE_SIZE, "allocation avoids reserved pages");
	ok(pool_reserve(&p, BASE + 99 * PAGE_SIZE, 2) == -CV_EINVAL, "reserve past the end fails");
	pool_init(&p, BASE + PAGE_SIZE, PAGES, bitmap);
	a = pool_alloc(&p, 2, 2);
	ok(a == BASE + 2 * PAGE_SIZE, "alignment is of the address, not of the page index "
	   "(a pool starting at an odd page: 0x%llx)", (unsigned long long)a);
	a = pool_alloc(&p, 4, 4);
	ok(a == BASE + 4 * PAGE_SIZE && (a & (4 * PAGE_SIZE - 1)) == 0,
	   "four pages aligned to 16 KiB land on a 16 KiB boundary");
	ok(pool_alloc(&p, 1, 1) == BASE + PAGE_SIZE, "the page skipped for alignment is still free");
	pool_init(&p, BASE + 0x800, PAGES, bitmap);
	ok(pool_alloc(&p, 1, 1) == 0, "a pool whose base is not page-aligned hands out nothing");
	return tap_done();
}
