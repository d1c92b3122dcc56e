// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor arm64: descriptor formats, the hypervisor's mappings, cell stage 2. */
#include <asm/mmu.h>
#include <asm/percpu.h>
#include <asm/sysregs.h>
#include <cv/cell.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/percpu.h>
#include <cv/spinlock.h>

#define ADDR_MASK	0x0000fffffffff000ULL
#define AF		BIT64(10)
#define SH_INNER	(3ULL << 8)
#define XN		BIT64(54)

const struct pt_format el2_format = {
	.start_level = 0, .root_pages = 1, .block_level = 1,
	.addr_mask = ADDR_MASK, .type_mask = 3, .table = 3, .block = 1, .page = 3,
	.normal = AF | SH_INNER | (0 << 2),	/* MAIR attr 0 */
	.device = AF | (1 << 2),		/* MAIR attr 1 */
	.read = BIT64(6), .write = 0, .read_only = BIT64(7), .no_exec = XN,	/* AP[1] is RES1 */
};

const struct pt_format s2_format = {
	.start_level = 1, .root_pages = 2, .block_level = 1,
	.addr_mask = ADDR_MASK, .type_mask = 3, .table = 3, .block = 1, .page = 3,
	.normal = AF | SH_INNER | (0xfULL << 2),	/* normal, inner/outer write-back */
	.device = AF | (0x1ULL << 2),			/* device nGnRE */
	.read = BIT64(6), .write = BIT64(7), .read_only = 0, .no_exec = XN,
};

struct paging hv_paging;
static spinlock_t hv_paging_lock;

static u64 pool_pages(unsigned int pages)
{
	u64 phys = pool_alloc(&mem_pool, pages, pages);
	u64 *p, i;

	if (phys)
		for (p = hv_virt(phys), i = 0; i < pages * PAGE_SIZE / 8; i++)
			p[i] = 0;
	return phys;
}

static void pool_pages_free(u64 phys, unsigned int pages)
{
	pool_free(&mem_pool, phys, pages);
}

void mmu_init(u64 root)
{
	hv_paging.fmt = &el2_format;
	hv_paging.virt_offset = hv.virt_offset;
	hv_paging.alloc = pool_pages;
	hv_paging.free = pool_pages_free;
	hv_paging.root = root;
	hv_paging.keep_tables = true;
}

static int hv_map(u64 va, u64 pa, u64 size, unsigned int flags)
{
	int err;

	spin_lock(&hv_paging_lock);
	err = paging_map(&hv_paging, va, pa, size, flags);
	spin_unlock(&hv_paging_lock);
	dsb(ishst);
	isb();
	return err;
}

void *arch_map_device(u64 phys, u64 size)
{
	u64 start = phys & ~(PAGE_SIZE - 1);
	u64 pages = (ALIGN_UP(phys + size, PAGE_SIZE) - start) / PAGE_SIZE;
	u64 va = pool_alloc(&remap_pool, pages, 1);

	if (!va || hv_map(va, start, pages * PAGE_SIZE, PT_READ | PT_WRITE | PT_DEVICE))
		return NULL;
	return (void *)(size_t)(va + (phys - start));
}

static void *map_temp(u64 phys, unsigned int flags)
{
	void *va = this_cpu()->arch.temp;

	hv_map((u64)(size_t)va, phys, PAGE_SIZE, flags);
	return va;
}

void *arch_map_temp(u64 phys)
{
	return map_temp(phys, PT_READ | PT_WRITE);
}

void *arch_map_temp_io(u64 phys)
{
	return map_temp(phys, PT_READ | PT_WRITE | PT_DEVICE);
}

void arch_unmap_temp(void *virt)
{
	u64 va = (u64)(size_t)virt & ~(PAGE_SIZE - 1);

	spin_lock(&hv_paging_lock);
	paging_unmap(&hv_paging, va, PAGE_SIZE);
	spin_unlock(&hv_paging_lock);
	/* Only this CPU uses its temporary page: a local invalidation (a broadcast one per
	 * page made scrubbing a cell's RAM slow on every CPU). */
	dsb(nshst);
	asm volatile("tlbi vae2, %0" : : "r"(va >> 12) : "memory");
	dsb(nsh);
	isb();
}

int arch_cell_init(struct cell *c)
{
	struct paging *s2 = &c->arch.stage2;
	int err;

	s2->fmt = &s2_format;
	s2->virt_offset = hv.virt_offset;
	s2->alloc = pool_pages;
	s2->free = pool_pages_free;
	err = paging_init(s2);
	c->arch.vttbr = s2->root | ((u64)(c->id + 1) << 48);
	return err;
}

void arch_cell_destroy(struct cell *c)
{
	paging_destroy(&c->arch.stage2);
}

int arch_map_guest(struct cell *c, u64 ipa, u64 pa, u64 size, unsigned int flags)
{
	int err;

	spin_lock(&c->mem_lock);
	err = paging_map(&c->arch.stage2, ipa, pa, size, flags);
	spin_unlock(&c->mem_lock);
	return err;
}

int arch_unmap_guest(struct cell *c, u64 ipa, u64 size)
{
	int err;

	spin_lock(&c->mem_lock);
	err = paging_unmap(&c->arch.stage2, ipa, size);
	spin_unlock(&c->mem_lock);
	return err;
}

/* Called with c->mem_lock held (cell_ram_to_phys). */
u64 arch_guest_phys(struct cell *c, u64 ipa, bool write)
{
	unsigned int level;
	u64 pte = paging_lookup(&c->arch.stage2, ipa, &level);
	u64 attr = 0xfULL << 2, need = s2_format.read | (write ? s2_format.write : 0);

	if (!pte || (pte & attr) != (s2_format.normal & attr) || (pte & need) != need)
		return 0;
	return (pte & ADDR_MASK & ~((1ULL << pt_shift(level)) - 1)) |
	       (ipa & ((1ULL << pt_shift(level)) - 1));
}

/* Forget every stage 1+2 translation of the VMID in VTTBR_EL2, on all CPUs. */
void flush_guest_tlb(void)
{
	dsb(ishst);
	asm volatile("tlbi vmalls12e1is" : : : "memory");
	dsb(ish);
	isb();
}
