// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor: generic multi-level translation tables (see cv/paging.h). */
#include <cv/errno.h>
#include <cv/paging.h>

#define ENTRIES		512

static u64 *table_at(const struct paging *pg, u64 phys)
{
	return (u64 *)(size_t)(phys + pg->virt_offset);
}

/* Entries of a table at 'level' (the root may be concatenated). */
static u64 entries(const struct paging *pg, unsigned int level)
{
	return level == pg->fmt->start_level ? (u64)ENTRIES * pg->fmt->root_pages : ENTRIES;
}

static u64 index_of(const struct paging *pg, u64 va, unsigned int level)
{
	return (va >> pt_shift(level)) & (entries(pg, level) - 1);
}

static bool is_table(const struct pt_format *fmt, u64 pte, unsigned int level)
{
	return level < 3 && (pte & fmt->type_mask) == fmt->table;
}

static bool is_valid(const struct pt_format *fmt, u64 pte, unsigned int level)
{
	return (pte & fmt->type_mask) == (level < 3 ? fmt->block : fmt->page) ||
	       is_table(fmt, pte, level);
}

static u64 leaf(const struct pt_format *fmt, u64 pa, unsigned int flags, unsigned int level)
{
	u64 pte = pa | (level < 3 ? fmt->block : fmt->page);

	pte |= flags & PT_DEVICE ? fmt->device : fmt->normal;
	pte |= flags & PT_READ ? fmt->read : 0;
	pte |= flags & PT_WRITE ? fmt->write : fmt->read_only;
	pte |= flags & PT_EXEC ? 0 : fmt->no_exec;
	return pte;
}

unsigned int paging_va_bits(const struct pt_format *fmt)
{
	unsigned int bits = pt_shift(fmt->start_level) + 9;
	unsigned int n;

	for (n = fmt->root_pages; n > 1; n >>= 1)
		bits++;
	return bits;
}

int paging_init(struct paging *pg)
{
	pg->root = pg->alloc(pg->fmt->root_pages);
	return pg->root ? 0 : -CV_ENOMEM;
}

static bool in_range(const struct paging *pg, u64 va, u64 size)
{
	u64 limit = 1ULL << paging_va_bits(pg->fmt);

	return size != 0 && range_within(va, size, 0, limit);
}

static void free_tables(struct paging *pg, u64 table, unsigned int level)
{
	u64 *t = table_at(pg, table);
	u64 i;

	if (level < 3)
		for (i = 0; i < entries(pg, level); i++)
			if (is_table(pg->fmt, t[i], level))
				free_tables(pg, t[i] & pg->fmt->addr_mask, level + 1);
	pg->free(table, level == pg->fmt->start_level ? pg->fmt->root_pages : 1);
}

/* Make *pte a table: a new empty one, or one that reproduces the block it held. */
static int make_table(struct paging *pg, u64 *pte, unsigned int level)
{
	const struct pt_format *fmt = pg->fmt;
	u64 phys, *t, attrs, base, step = 1ULL << pt_shift(level + 1);
	unsigned int i;

	if (is_table(fmt, *pte, level))
		return 0;
	phys = pg->alloc(1);
	if (!phys)
		return -CV_ENOMEM;
	t = table_at(pg, phys);
	if (is_valid(fmt, *pte, level)) {
		base = *pte & fmt->addr_mask;
		attrs = *pte & ~fmt->addr_mask & ~fmt->type_mask;
		for (i = 0; i < ENTRIES; i++)
			t[i] = (base + i * step) | attrs | (level + 1 < 3 ? fmt->block : fmt->page);
	}
	*pte = phys | fmt->table;
	return 0;
}

/*
 * The reverse of make_table(), after a change under the table entry *pte at 'level': a table
 * that maps nothing any more goes; one whose entries map one aligned, contiguous block with
 * the same attributes becomes that block again.  So giving back what was taken leaves the
 * tables as they were, and no sequence of takes and gives uses up the pool.
 */
static void merge_table(struct paging *pg, u64 *pte, unsigned int level)
{
	const struct pt_format *fmt = pg->fmt;
	u64 table = *pte & fmt->addr_mask, *t = table_at(pg, table);
	u64 step = 1ULL << pt_shift(level + 1), type = level + 1 < 3 ? fmt->block : fmt->page;
	u64 first = t[0] & ~type, base = t[0] & fmt->addr_mask;
	unsigned int i;

	for (i = 0; i < ENTRIES && !t[i]; i++)
		;
	if (i == ENTRIES) {
		*pte = 0;
		pg->free(table, 1);
		return;
	}
	if (level < fmt->block_level || (t[0] & fmt->type_mask) != type ||
	    !ALIGNED(base, 1ULL << pt_shift(level)))
		return;
	for (i = 0; i < ENTRIES; i++)
		if (t[i] != ((first + i * step) | type))
			return;
	*pte = first | fmt->block;
	pg->free(table, 1);
}

/* Map [va, va + size) at 'level' in 'table', or clear it when 'unmap'. */
static int walk(struct paging *pg, u64 table, unsigned int level, u64 va, u64 pa, u64 size,
		unsigned int flags, bool unmap)
{
	const struct pt_format *fmt = pg->fmt;
	u64 *t = table_at(pg, table);

	while (size) {
		u64 block = 1ULL << pt_shift(level);
		u64 chunk = MIN(size, block - (va & (block - 1)));
		u64 *pte = &t[index_of(pg, va, level)];
		int err;

		if (chunk == block && !(pg->keep_tables && is_table(fmt, *pte, level)) &&
		    (unmap || (level >= fmt->block_level && ALIGNED(pa, block)))) {
			if (is_table(fmt, *pte, level))
				free_tables(pg, *pte & fmt->addr_mask, level + 1);
			*pte = unmap ? 0 : leaf(fmt, pa, flags, level);
		} else if (!unmap || is_valid(fmt, *pte, level)) {
			err = make_table(pg, pte, level);
			if (err)
				return err;
			err = walk(pg, *pte & fmt->addr_mask, level + 1, va, pa, chunk, flags, unmap);
			if (err)
				return err;
			if (!pg->keep_tables)
				merge_table(pg, pte, level);
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

int paging_map(struct paging *pg, u64 va, u64 pa, u64 size, unsigned int flags)
{
	if (!in_range(pg, va, size) || !ALIGNED(va | pa | size, PAGE_SIZE) || pa + size < pa ||
	    ((pa + size - 1) & ~pg->fmt->addr_mask & ~(PAGE_SIZE - 1)))
		return -CV_EINVAL;
	return walk(pg, pg->root, pg->fmt->start_level, va, pa, size, flags, false);
}

int paging_unmap(struct paging *pg, u64 va, u64 size)
{
	if (!in_range(pg, va, size) || !ALIGNED(va | size, PAGE_SIZE))
		return -CV_EINVAL;
	return walk(pg, pg->root, pg->fmt->start_level, va, 0, size, 0, true);
}

u64 paging_lookup(const struct paging *pg, u64 va, unsigned int *level)
{
	const struct pt_format *fmt = pg->fmt;
	unsigned int l = fmt->start_level;
	u64 table = pg->root;

	if (!in_range(pg, va, 1))
		return 0;
	for (;;) {
		u64 pte = table_at(pg, table)[index_of(pg, va, l)];

		if (!is_valid(fmt, pte, l))
			return 0;
		if (!is_table(fmt, pte, l)) {
			if (level)
				*level = l;
			return pte;
		}
		table = pte & fmt->addr_mask;
		l++;
	}
}

void paging_destroy(struct paging *pg)
{
	if (pg->root)
		free_tables(pg, pg->root, pg->fmt->start_level);
	pg->root = 0;
}
