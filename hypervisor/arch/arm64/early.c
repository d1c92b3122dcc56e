// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor arm64: the first steps of enable, with the MMU still off.
 *
 * Runs at the physical address where the module put us: all code here (and the generic
 * paging code it calls) must only use PC-relative addresses, which is what the small code
 * model gives; pointers kept in data would hold link-time addresses.  Data accesses are
 * Device memory until the MMU is on, hence -mstrict-align and no atomics: the master CPU
 * publishes with plain stores, the others poll.
 */
#include <asm/early.h>
#include <asm/layout.h>
#include <asm/mmu.h>
#include <asm/processor.h>
#include <asm/sysregs.h>
#include <cellvisor/config.h>
#include <cellvisor/header.h>
#include <cv/errno.h>
#include <cv/lib.h>

struct early_params cv_early;
extern const struct cv_image_header cv_header;

_Static_assert(__builtin_offsetof(struct early_params, virt_offset) == 24, "head.S offsets");

static u64 early_next, early_end;

static u64 early_alloc(unsigned int pages)
{
	u64 p = ALIGN_UP(early_next, pages * PAGE_SIZE);

	if (p + pages * PAGE_SIZE > early_end)
		return 0;
	early_next = p + pages * PAGE_SIZE;
	memset((void *)(size_t)p, 0, pages * PAGE_SIZE);
	return p;
}

static void early_free(u64 phys, unsigned int pages)
{
	(void)phys;
	(void)pages;
}

static void inval_dcache(u64 start, u64 end)
{
	u64 line = 4ULL << ((read_sysreg(ctr_el0) >> 16) & 0xf);

	for (start &= ~(line - 1); start < end; start += line)
		asm volatile("dc ivac, %0" : : "r"(start) : "memory");
	dsb(sy);
}

static int build_tables(u64 phys)
{
	const struct cv_image_header *h = &cv_header;
	const struct cv_system_config *sys;
	u64 parange = PARANGE(read_sysreg(id_aa64mmfr0_el1));
	u64 size, first_free;
	struct paging pg;

	if ((u64)(size_t)h != phys || parange < PARANGE_40)
		return -CV_ENODEV;
	if (h->config_offset < h->core_size || !ALIGNED(h->config_offset, PAGE_SIZE) ||
	    h->config_size < sizeof(*sys) || h->config_size > (1 << 20))
		return -CV_EINVAL;
	sys = (const void *)(size_t)(phys + h->config_offset);
	size = sys->hv_mem_size;
	first_free = ALIGN_UP(h->config_offset + h->config_size, PAGE_SIZE);
	if (!ALIGNED(size, PAGE_SIZE) || size > (1ULL << 30) || size <= first_free)
		return -CV_ENOMEM;
	early_next = phys + first_free;
	early_end = phys + size;

	pg.fmt = &el2_format;
	pg.virt_offset = 0;
	pg.alloc = early_alloc;
	pg.free = early_free;
	if (paging_init(&pg) ||
	    paging_map(&pg, CV_HV_VIRT, phys, size, PT_READ | PT_WRITE | PT_EXEC) ||
	    paging_map(&pg, phys, phys, size, PT_READ | PT_WRITE | PT_EXEC))
		return -CV_ENOMEM;

	cv_early.ttbr = pg.root;
	cv_early.tcr = tcr_el2_value(parange);
	cv_early.mair = MAIR_EL2_VALUE;
	cv_early.virt_offset = CV_HV_VIRT - phys;
	cv_early.pool_start = early_next;
	inval_dcache(phys + first_free, early_next);
	return 0;
}

static int wait_master(void)
{
	u64 start = arch_counter(), limit = 5 * arch_counter_freq();
	volatile struct early_params *e = &cv_early;

	while (!e->ready)
		if (arch_counter() - start > limit)
			return -CV_ETIMEDOUT;
	return e->error;
}

/* Called by head.S on every CPU: 0 when the tables for the MMU are ready. */
int arch_early(u64 cpu, u64 phys)
{
	volatile struct early_params *e = &cv_early;
	u64 online = cv_header.online_cpus;

	if (!online)
		return -CV_EINVAL;
	if (cpu != (u64)__builtin_ctzll(online))
		return wait_master();
	e->error = build_tables(phys);
	dsb(sy);
	e->ready = 1;
	dsb(sy);
	inval_dcache((u64)(size_t)&cv_early, (u64)(size_t)(&cv_early + 1));
	return e->error;
}
