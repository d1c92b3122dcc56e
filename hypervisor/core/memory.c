// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor: the memory pool and timed waits. */
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/lib.h>

struct page_pool mem_pool, remap_pool;

void *page_alloc(unsigned int pages)
{
	u64 phys = pool_alloc(&mem_pool, pages, pages);
	void *virt;

	if (!phys)
		return NULL;
	virt = hv_virt(phys);
	memset(virt, 0, pages * PAGE_SIZE);
	return virt;
}

unsigned int page_count(u64 size)
{
	unsigned int n = 1;

	while (n * PAGE_SIZE < size)
		n <<= 1;
	return n;
}

void page_free(void *virt, unsigned int pages)
{
	pool_free(&mem_pool, hv_phys(virt), pages);
}

int wait_for(const u32 *flag, u32 value, unsigned int s)
{
	u64 start = arch_counter(), limit = arch_counter_freq() * s;

	while (atomic_read(flag) < value) {
		if (arch_counter() - start > limit)
			return -CV_ETIMEDOUT;
		cpu_relax();
	}
	return 0;
}
