// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor arm64: exits from the cells: hypercalls, SMCs, data aborts, interrupts. */
#include <asm/gic.h>
#include <asm/sysregs.h>
#include <asm/traps.h>
#include <cellvisor/hypercall.h>
#include <cv/cell.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/hypercall.h>
#include <cv/mmio.h>
#include <cv/percpu.h>

/* Stop this CPU for good: it stays parked until the hypervisor is disabled. */
static void stop_cpu(struct per_cpu *cpu)
{
	cpu->state = CV_CPU_FAILED;
	for (;;) {
		if (hv_disabling())
			arch_cpu_power_off(cpu);
		arch_cpu_wait();
	}
}

static void unhandled(struct per_cpu *cpu, struct trap_frame *f, u64 esr, const char *what,
		      u64 addr)
{
	printk("Cellvisor: cell '%s' CPU %u stopped: unhandled %s at 0x%llx (ESR 0x%llx, "
	       "PC 0x%llx)\n", cpu->cell->config->name, cpu->id, what, addr, esr, f->elr);
	if (cpu->cell == &root_cell)
		stop_cpu(cpu);
	/* Stopped before the lock: a management call may be waiting for it. */
	atomic_set(&cpu->state, CV_CPU_FAILED);
	cell_failed(cpu->cell);
	psci_park(cpu, f, CV_CPU_FAILED);
}

static void handle_dabt(struct per_cpu *cpu, struct trap_frame *f, u64 esr)
{
	u64 iss = ESR_ISS(esr), far = read_sysreg(far_el2), hpfar = read_sysreg(hpfar_el2);
	u64 ipa = ((hpfar & ~0xfULL) << 8) | (far & 0xfff);
	unsigned int rt = DABT_SRT(iss);
	struct mmio_access a;

	cpu_stat(cpu, CV_STAT_MMIO);
	a.addr = ipa;
	a.size = 1U << DABT_SAS(iss);
	a.write = !!(iss & DABT_WNR);
	a.value = a.write ? frame_reg(f, rt) : 0;
	if (a.size < 8)
		a.value &= (1ULL << (8 * a.size)) - 1;
	if (!(iss & DABT_ISV) || (iss & DABT_S1PTW) || (iss & BIT64(10)) ||
	    mmio_dispatch(cpu->cell, &a) != MMIO_HANDLED) {
		unhandled(cpu, f, esr, a.write ? "write" : "read", ipa);
		return;		/* parked and woken up again: a fresh start */
	}
	if (!a.write) {
		u64 v = a.value;

		if (a.size < 8) {
			v &= (1ULL << (8 * a.size)) - 1;
			if ((iss & DABT_SSE) && (v >> (8 * a.size - 1)))
				v |= ~0ULL << (8 * a.size);
		}
		if (!(iss & DABT_SF))
			v &= 0xffffffffULL;
		frame_set_reg(f, rt, v);
	}
	f->elr += 4;
}

static void handle_hvc(struct per_cpu *cpu, struct trap_frame *f, u64 esr)
{
	u64 code = f->x[0];

	if ((esr & 0xffff) != CV_HVC_IMM) {
		f->x[0] = (u64)-CV_ENOSYS;	/* e.g. Linux's hyp-stub calls */
		return;
	}
	cpu_stat(cpu, CV_STAT_HYPERCALL);
	if (code == CV_HC_DISABLE || (code >= CV_HC_CELL_CREATE && code <= CV_HC_CELL_DESTROY) ||
	    code == CV_HC_CELL_SHUTDOWN)
		cpu_stat(cpu, CV_STAT_MANAGEMENT);
	f->x[0] = (u64)hypercall(cpu, code, f->x[1], f->x[2], f->x[3]);
}

static void handle_sync(struct per_cpu *cpu, struct trap_frame *f)
{
	u64 esr = read_sysreg(esr_el2);

	switch (ESR_EC(esr)) {
	case EC_HVC64:
		handle_hvc(cpu, f, esr);
		break;
	case EC_SMC64:
		f->elr += 4;		/* a trapped SMC returns to itself */
		f->x[0] = (u64)psci_handle(cpu, f);
		break;
	case EC_DABT_LOW:
		handle_dabt(cpu, f, esr);
		break;
	case EC_SYSREG:
		if ((ESR_ISS(esr) & (SYSREG_ISS_MASK | SYSREG_READ)) != ISS_ICC_SGI1R_EL1)
			unhandled(cpu, f, esr, "system register access", f->elr);
		cpu_stat(cpu, CV_STAT_SGI);
		gic_send_sgi(cpu, frame_reg(f, SYSREG_RT(ESR_ISS(esr))));
		f->elr += 4;
		break;
	case EC_IABT_LOW:
		unhandled(cpu, f, esr, "instruction fetch",
			  ((read_sysreg(hpfar_el2) & ~0xfULL) << 8) | (read_sysreg(far_el2) & 0xfff));
		break;
	default:
		unhandled(cpu, f, esr, "exception", f->elr);
	}
}

/* Nothing uses group 0: acknowledge, say so, drop it. */
static void handle_fiq(struct per_cpu *cpu)
{
	u64 irq;

	while ((irq = read_sysreg(icc_iar0_el1) & 0xffffff) < 1020) {
		write_sysreg(irq, icc_eoir0_el1);
		write_sysreg(irq, icc_dir_el1);
		printk("Cellvisor: CPU %u: group 0 interrupt %llu dropped\n", cpu->id, irq);
	}
}

void arch_handle_exit(struct trap_frame *f, u64 reason)
{
	struct per_cpu *cpu = this_cpu();

	cpu_stat(cpu, CV_STAT_TOTAL);
	if (atomic_read(&cpu->stop) && reason != EXIT_SERROR) {
		psci_park(cpu, f, CV_CPU_PARKED);	/* its cell is being stopped */
		return;
	}
	switch (reason) {
	case EXIT_SYNC:
		handle_sync(cpu, f);
		break;
	case EXIT_SERROR:
		printk("Cellvisor: SError from cell '%s' on CPU %u (ESR 0x%llx); passed on\n",
		       cpu->cell->config->name, cpu->id, read_sysreg(esr_el2));
		write_sysreg(read_sysreg(hcr_el2) | BIT64(8), hcr_el2);	/* HCR_EL2.VSE */
		break;
	case EXIT_IRQ:
		gic_handle_irq(cpu);
		break;
	default:
		handle_fiq(cpu);
	}
}
