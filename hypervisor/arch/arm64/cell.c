// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor arm64: what the cell lifecycle needs from the architecture. */
#include <asm/mmu.h>
#include <asm/sysregs.h>
#include <cellvisor/comm.h>
#include <cv/cell.h>
#include <cv/config.h>
#include <cv/hv.h>

void arch_flush_guest_tlb(struct cell *c)
{
	u64 vttbr = read_sysreg(vttbr_el2);

	write_sysreg(c->arch.vttbr, vttbr_el2);
	isb();
	flush_guest_tlb();
	write_sysreg(vttbr, vttbr_el2);
	isb();
}

void arch_comm_sync(struct cv_comm_region *comm)
{
	u64 line = 4ULL << ((read_sysreg(ctr_el0) >> 16) & 0xf);	/* CTR_EL0.DminLine */
	u64 p = (u64)(size_t)comm, end = p + PAGE_SIZE;

	dsb(ish);
	for (; p < end; p += line)
		asm volatile("dc civac, %0" : : "r"(p) : "memory");
	dsb(ish);
}

void arch_cell_comm(const struct cell *c, struct cv_comm_region *comm)
{
	const struct cv_platform *p = &hv.config->platform;

	comm->gicd_base = p->gicd_base;
	comm->gicr_base = p->gicr_base + (u64)__builtin_ctzll(c->cpu_set) * CV_GICR_STRIDE;
	comm->timer_freq_hz = (u32)read_sysreg(cntfrq_el0);
	dsb(ish);
}
