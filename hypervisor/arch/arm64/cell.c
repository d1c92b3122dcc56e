// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor arm64: what the cell lifecycle needs from the architecture. */
#include <asm/mmu.h>
#include <asm/sysregs.h>
#include <cellvisor/comm.h>
#include <cv/cell.h>
#include <cv/hv.h>

#define GICD_SIZE	0x10000ULL
#define GICR_STRIDE	0x20000ULL	/* RD_base and SGI_base frames of one CPU */

void arch_flush_guest_tlb(struct cell *c)
{
	u64 vttbr = read_sysreg(vttbr_el2);

	write_sysreg(c->arch.vttbr, vttbr_el2);
	isb();
	flush_guest_tlb();
	write_sysreg(vttbr, vttbr_el2);
	isb();
}

void arch_cell_comm(const struct cell *c, struct cv_comm_region *comm)
{
	const struct cv_platform *p = &hv.config->platform;

	comm->gicd_base = p->gicd_base;
	comm->gicr_base = p->gicr_base + (u64)__builtin_ctzll(c->cpu_set) * GICR_STRIDE;
	comm->timer_freq_hz = (u32)read_sysreg(cntfrq_el0);
	dsb(ish);
}

bool arch_reserved_range(unsigned int i, u64 *start, u64 *size)
{
	const struct cv_platform *p = &hv.config->platform;

	switch (i) {
	case 0:
		*start = p->gicd_base;
		*size = GICD_SIZE;
		return true;
	case 1:
		*start = p->gicr_base;
		*size = p->num_cpus * GICR_STRIDE;
		return true;
	case 2:
		*start = p->pci_ecam_base;
		*size = p->pci_ecam_base ? (u64)(p->pci_bus_end - p->pci_bus_start + 1) << 20 : 0;
		return true;
	}
	return false;
}
