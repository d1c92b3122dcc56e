// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of the generic translation tables (hypervisor/core/paging.c). */
#include <stdlib.h>
#include <string.h>

#include <cv/errno.h>
#include <cv/paging.h>

#include "tap.h"

/* The arm64 stage-2 format: 40-bit input, level 1 root of two tables. */
static const struct pt_format s2 = {
	.start_level = 1, .root_pages = 2, .block_level = 1,
	.addr_mask = 0x0000fffffffff000ULL, .type_mask = 3, .table = 3, .block = 1, .page = 3,
	.normal = (1 << 10) | (3 << 8) | (0xf << 2), .device = (1 << 10) | (1 << 2),
	.read = 1 << 6, .write = 1 << 7, .read_only = 0, .no_exec = 1ULL << 54,
};

static const struct pt_format s1 = {
	.start_level = 0, .root_pages = 1, .block_level = 1,
	.addr_mask = 0x0000fffffffff000ULL, .type_mask = 3, .table = 3, .block = 1, .page = 3,
	.normal = 1 << 10, .device = (1 << 10) | (1 << 2),
	.read = 1 << 6, .write = 0, .read_only = 1 << 7, .no_exec = 1ULL << 54,
};

static int live_pages, fail_after = -1;

/* Tables live in host memory: "physical" addresses are host addresses. */
static u64 alloc(unsigned int pages)
{
	void *p;

	if (fail_after == 0)
		return 0;
	if (fail_after > 0)
		fail_after--;
	p = aligned_alloc(pages * PAGE_SIZE, pages * PAGE_SIZE);
	memset(p, 0, pages * PAGE_SIZE);
	live_pages += pages;
	return (u64)(size_t)p;
}

static void release(u64 phys, unsigned int pages)
{
	free((void *)(size_t)phys);
	live_pages -= pages;
}

static struct paging new_tables(const struct pt_format *fmt)
{
	struct paging pg = { .fmt = fmt, .virt_offset = 0, .alloc = alloc, .free = release };

	paging_init(&pg);
	return pg;
}

#define GiB (1ULL << 30)
#define MiB (1ULL << 20)
#define ADDR(pte) ((pte) & 0x0000fffffffff000ULL)

int main(void)
{
	struct paging pg;
	unsigned int level = 99;
	int before, live;
	u64 pte;

	ok(paging_va_bits(&s2) == 40, "stage 2 with two level-1 tables covers 40 bits");
	ok(paging_va_bits(&s1) == 48, "a level-0 root covers 48 bits");

	pg = new_tables(&s2);
	ok(pg.root && live_pages == 2, "the stage-2 root is two pages");
	ok(paging_map(&pg, GiB, GiB, GiB, PT_READ | PT_WRITE | PT_EXEC) == 0, "map 1 GiB at 1 GiB");
	pte = paging_lookup(&pg, GiB + 12345 * PAGE_SIZE, &level);
	ok(level == 1 && ADDR(pte) == GiB, "an aligned GiB is one level-1 block");
	ok((pte & 3) == 1 && (pte & (1 << 6)) && (pte & (1 << 7)) && !(pte & (1ULL << 54)),
	   "block descriptor: type, read, write, executable");
	ok(live_pages == 2, "no table was needed for it");

	ok(paging_map(&pg, 0x70200000, 0x70200000, 2 * MiB, PT_READ) == 0, "map 2 MiB");
	pte = paging_lookup(&pg, 0x70200000 + 5, &level);
	ok(level == 2 && ADDR(pte) == 0x70200000 && !(pte & (1 << 7)) && (pte & (1ULL << 54)),
	   "an aligned 2 MiB is a read-only, non-executable level-2 block");

	ok(paging_map(&pg, 0x9000000, 0x9000000, PAGE_SIZE, PT_READ | PT_WRITE | PT_DEVICE) == 0,
	   "map one device page");
	pte = paging_lookup(&pg, 0x9000000, &level);
	ok(level == 3 && (pte & 3) == 3 && ((pte >> 2) & 0xf) == 1, "a level-3 device page");
	ok(paging_lookup(&pg, 0x9001000, NULL) == 0, "the next page is unmapped");

	ok(paging_map(&pg, 0x40000000ULL + 4 * PAGE_SIZE, 0x80000000ULL, PAGE_SIZE, PT_READ) == 0,
	   "remap one page inside the 1 GiB block");
	pte = paging_lookup(&pg, GiB + 4 * PAGE_SIZE, &level);
	ok(level == 3 && ADDR(pte) == 0x80000000ULL, "the page has its new target");
	pte = paging_lookup(&pg, GiB + 5 * PAGE_SIZE, &level);
	ok(level == 3 && ADDR(pte) == GiB + 5 * PAGE_SIZE && (pte & (1 << 7)),
	   "its neighbours keep the block's target and rights");
	pte = paging_lookup(&pg, GiB + 600 * MiB, &level);
	ok(level == 2 && ADDR(pte) == GiB + 600 * MiB, "farther away, 2 MiB blocks remain");

	before = live_pages;
	ok(paging_map(&pg, 0x40000000ULL + 4 * PAGE_SIZE, GiB + 4 * PAGE_SIZE, PAGE_SIZE,
		      PT_READ | PT_WRITE | PT_EXEC) == 0, "give the page its old target back");
	pte = paging_lookup(&pg, GiB + 4 * PAGE_SIZE, &level);
	ok(level == 2 && ADDR(pte) == GiB && live_pages == before - 1,
	   "... its level-3 table merges into the 2 MiB block again (%d table freed; the level-2 "
	   "table stays, 0x70200000 is read-only)", before - live_pages);

	/* What a cell does to the root: take pages out of a block, give them back. */
	before = live_pages;
	ok(paging_unmap(&pg, GiB + 8 * MiB + 3 * PAGE_SIZE, 5 * PAGE_SIZE) == 0 &&
	   live_pages == before + 1 && paging_lookup(&pg, GiB + 8 * MiB + 4 * PAGE_SIZE, NULL) == 0,
	   "taking 5 pages out of a 2 MiB block splits it into a table");
	ok(paging_map(&pg, GiB + 8 * MiB + 3 * PAGE_SIZE, GiB + 8 * MiB + 3 * PAGE_SIZE,
		      5 * PAGE_SIZE, PT_READ) == 0, "giving them back with other rights");
	pte = paging_lookup(&pg, GiB + 8 * MiB + 4 * PAGE_SIZE, &level);
	ok(level == 3 && live_pages == before + 1, "... keeps the table (the rights differ)");
	ok(paging_map(&pg, GiB + 8 * MiB + 3 * PAGE_SIZE, GiB + 8 * MiB + 3 * PAGE_SIZE,
		      5 * PAGE_SIZE, PT_READ | PT_WRITE | PT_EXEC) == 0, "giving them back as they were");
	pte = paging_lookup(&pg, GiB + 8 * MiB + 4 * PAGE_SIZE, &level);
	ok(level == 2 && live_pages == before, "... restores the block and frees the table");
	ok(paging_unmap(&pg, 0x9000000, PAGE_SIZE) == 0 && paging_lookup(&pg, 0x9000000, NULL) == 0,
	   "unmap the only device page");
	ok(live_pages == before - 2, "... frees the tables that map nothing any more (%d)",
	   before - live_pages);
	ok(paging_map(&pg, 0x9000000, 0x9000000, PAGE_SIZE, PT_READ | PT_WRITE | PT_DEVICE) == 0,
	   "map it again");

	ok(paging_unmap(&pg, GiB + 2 * MiB, 4 * MiB) == 0, "unmap 4 MiB in the middle");
	ok(paging_lookup(&pg, GiB + 3 * MiB, NULL) == 0 && paging_lookup(&pg, GiB + 6 * MiB, NULL),
	   "the hole is unmapped, the memory after it is not");
	ok(paging_unmap(&pg, 0x200000000ULL, GiB) == 0, "unmapping what was never mapped is fine");

	ok(paging_map(&pg, 1ULL << 40, 0, PAGE_SIZE, PT_READ) == -CV_EINVAL,
	   "an input address beyond 40 bits is refused");
	ok(paging_map(&pg, (1ULL << 40) - PAGE_SIZE, 0, 2 * PAGE_SIZE, PT_READ) == -CV_EINVAL,
	   "a range running past the end is refused");
	ok(paging_map(&pg, 0x1000, 0x1001, PAGE_SIZE, PT_READ) == -CV_EINVAL,
	   "an unaligned output address is refused");
	ok(paging_map(&pg, 0x1000, 0x1000, 0, PT_READ) == -CV_EINVAL, "an empty range is refused");
	ok(paging_map(&pg, 0x1000, 1ULL << 48, PAGE_SIZE, PT_READ) == -CV_EINVAL,
	   "an output address beyond the descriptor's bits is refused");
	ok(paging_unmap(&pg, 0x1800, PAGE_SIZE) == -CV_EINVAL, "an unaligned unmap is refused");

	ok(paging_map(&pg, 0x4010000000ULL, 0x4010000000ULL, 256 * MiB, PT_READ | PT_DEVICE) == 0,
	   "map the PCI ECAM high up");
	pte = paging_lookup(&pg, 0x4010000000ULL + 3 * MiB, &level);
	ok(level == 2 && ADDR(pte) == 0x4010000000ULL + 2 * MiB, "ECAM in 2 MiB blocks");

	/* A range taken out of a block and given back: the block again, no table left. */
	live = live_pages;
	ok(paging_map(&pg, 0x10000000, 0x10000000, 2 * MiB, PT_READ | PT_WRITE | PT_DEVICE) == 0 &&
	   paging_unmap(&pg, 0x10000000, MiB) == 0, "unmap 1 MiB of a 2 MiB device block");
	pte = paging_lookup(&pg, 0x10100000, &level);
	ok(level == 3 && live_pages == live + 1, "the block is split into a level-3 table");
	ok(paging_map(&pg, 0x10000000, 0x10000000, MiB, PT_READ | PT_WRITE | PT_DEVICE) == 0,
	   "map the 1 MiB back as it was");
	pte = paging_lookup(&pg, 0x10000000, &level);
	ok(level == 2 && ADDR(pte) == 0x10000000 && ((pte >> 2) & 0xf) == 1 && (pte & (1 << 7)),
	   "a 2 MiB device block again, writable");
	ok(live_pages == live, "its table was freed (%d pages, %d before)", live_pages, live);
	ok(paging_unmap(&pg, 0x10000000, PAGE_SIZE) == 0 &&
	   paging_map(&pg, 0x10000000, 0x10000000, PAGE_SIZE, PT_READ | PT_DEVICE) == 0,
	   "a page of it back read-only");
	ok(paging_lookup(&pg, 0x10001000, &level) && level == 3 && live_pages == live + 1,
	   "different rights: the table stays");
	ok(paging_map(&pg, 0x10000000, 0x10001000, PAGE_SIZE, PT_READ | PT_WRITE | PT_DEVICE) == 0 &&
	   paging_lookup(&pg, 0x10001000, &level) && level == 3,
	   "another target for the page: the table stays");
	ok(paging_map(&pg, 8 * GiB, 8 * GiB, GiB, PT_READ | PT_WRITE) == 0 &&
	   paging_unmap(&pg, 8 * GiB + 5 * MiB, PAGE_SIZE) == 0 && live_pages == live + 3,
	   "a page out of a 1 GiB block: two tables");
	ok(paging_map(&pg, 8 * GiB + 5 * MiB, 8 * GiB + 5 * MiB, PAGE_SIZE, PT_READ | PT_WRITE) == 0,
	   "the page back");
	pte = paging_lookup(&pg, 8 * GiB + 5 * MiB, &level);
	ok(level == 1 && ADDR(pte) == 8 * GiB && live_pages == live + 1,
	   "a 1 GiB block again, both tables freed");


	paging_destroy(&pg);
	ok(live_pages == 0 && pg.root == 0, "destroy frees every table (%d left)", live_pages);

	pg = new_tables(&s1);
	ok(paging_map(&pg, 0x0000f00000000000ULL, 0x70000000, 16 * MiB, PT_READ | PT_WRITE) == 0,
	   "stage 1: 16 MiB at a high virtual address");
	pte = paging_lookup(&pg, 0x0000f00000000000ULL + 9 * MiB, &level);
	ok(level == 2 && ADDR(pte) == 0x70000000 + 8 * MiB && !(pte & (1 << 7)),
	   "stage 1: 2 MiB blocks, writable");
	fail_after = 0;
	ok(paging_map(&pg, 0x100000000ULL, 0, PAGE_SIZE, PT_READ) == -CV_ENOMEM,
	   "out of table memory: -ENOMEM");
	fail_after = -1;
	paging_destroy(&pg);
	ok(live_pages == 0, "stage 1 tables freed too");

	/* The hypervisor's own tables: a CPU's temporary page in and out, the tables stay. */
	pg = new_tables(&s1);
	pg.keep_tables = true;
	ok(paging_map(&pg, 0x0000f00000000000ULL, 0x70000000, PAGE_SIZE, PT_READ) == 0 &&
	   live_pages == 4, "kept tables: a page needs three tables under the root");
	ok(paging_unmap(&pg, 0x0000f00000000000ULL, PAGE_SIZE) == 0 && live_pages == 4 &&
	   paging_lookup(&pg, 0x0000f00000000000ULL, NULL) == 0,
	   "... unmapped, the tables that map nothing stay");
	ok(paging_map(&pg, 0x0000f00000000000ULL, 0x70000000, 2 * MiB, PT_READ) == 0 &&
	   paging_lookup(&pg, 0x0000f00000000000ULL + MiB, &level) && level == 3 &&
	   paging_unmap(&pg, 0x0000f00000000000ULL, 2 * MiB) == 0 && live_pages == 4,
	   "... a whole 2 MiB mapped and unmapped: pages of that table, never a block over it");
	paging_destroy(&pg);
	ok(live_pages == 0, "kept tables go with the rest");
	return tap_done();
}
