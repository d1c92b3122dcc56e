// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor: page pools, a bit per page (see cv/pool.h). */
#include <cv/errno.h>
#include <cv/lib.h>
#include <cv/pool.h>

static bool test_bit(const u64 *map, u64 n)
{
	return map[n / 64] & (1ULL << (n % 64));
}

static void assign_bits(u64 *map, u64 n, u64 count, bool set)
{
	for (; count; n++, count--) {
		if (set)
			map[n / 64] |= 1ULL << (n % 64);
		else
			map[n / 64] &= ~(1ULL << (n % 64));
	}
}

void pool_init(struct page_pool *p, u64 base, u64 pages, u64 *bitmap)
{
	p->base = base;
	p->pages = pages;
	p->used = 0;
	p->bitmap = bitmap;
	p->lock = (spinlock_t){ 0, 0 };
	memset(bitmap, 0, POOL_BITMAP_WORDS(pages) * sizeof(u64));
}

/* Are pages n .. n + count - 1 all free? If not, *next is a candidate to try after. */
static bool run_free(const struct page_pool *p, u64 n, u64 count, u64 *next)
{
	u64 i;

	for (i = 0; i < count; i++) {
		if (test_bit(p->bitmap, n + i)) {
			*next = n + i + 1;
			return false;
		}
	}
	return true;
}

/* The first page at or after n whose address is a multiple of 'align' pages. */
static u64 aligned_page(const struct page_pool *p, u64 n, u64 align)
{
	u64 first = p->base / PAGE_SIZE + n;

	return ALIGN_UP(first, align) - p->base / PAGE_SIZE;
}

u64 pool_alloc(struct page_pool *p, u64 count, u64 align)
{
	u64 n, addr = 0;

	if (count == 0 || align == 0 || (align & (align - 1)) || !ALIGNED(p->base, PAGE_SIZE))
		return 0;
	spin_lock(&p->lock);
	n = aligned_page(p, 0, align);
	while (count <= p->pages && n <= p->pages - count) {
		u64 next;

		if (run_free(p, n, count, &next)) {
			assign_bits(p->bitmap, n, count, true);
			p->used += count;
			addr = p->base + n * PAGE_SIZE;
			break;
		}
		n = aligned_page(p, next, align);
	}
	spin_unlock(&p->lock);
	return addr;
}

static bool page_range(const struct page_pool *p, u64 addr, u64 count, u64 *n)
{
	if (addr < p->base || !ALIGNED(addr - p->base, PAGE_SIZE))
		return false;
	*n = (addr - p->base) / PAGE_SIZE;
	return count != 0 && range_within(*n, count, 0, p->pages);
}

int pool_reserve(struct page_pool *p, u64 addr, u64 count)
{
	u64 n, i;

	if (!page_range(p, addr, count, &n))
		return -CV_EINVAL;
	spin_lock(&p->lock);
	for (i = n; i < n + count; i++) {
		if (!test_bit(p->bitmap, i)) {
			assign_bits(p->bitmap, i, 1, true);
			p->used++;
		}
	}
	spin_unlock(&p->lock);
	return 0;
}

int pool_free(struct page_pool *p, u64 addr, u64 count)
{
	u64 n, i;
	int err = 0;

	if (!page_range(p, addr, count, &n))
		return -CV_EINVAL;
	spin_lock(&p->lock);
	for (i = n; i < n + count; i++)
		if (!test_bit(p->bitmap, i))
			err = -CV_EINVAL;
	if (!err) {
		assign_bits(p->bitmap, n, count, false);
		p->used -= count;
	}
	spin_unlock(&p->lock);
	return err;
}
