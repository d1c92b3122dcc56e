// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor arm64: exits from the cells: hypercalls, SMCs, data aborts, interrupts. */
#include <asm/context.h>
#include <asm/gic.h>
#include <asm/sysregs.h>
#include <asm/traps.h>
#include <cellvisor/hypercall.h>
#include <cv/cell.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/hypercall.h>
#include <cv/iommu.h>
#include <cv/link.h>
#include <cv/mmio.h>
#include <cv/percpu.h>

#define ESR_EC_SHIFT		26
#define EC_UNKNOWN		0x00
#define EC_IABT_CUR		0x21
#define EC_DABT_CUR		0x25
#define FSC_EXTERNAL		0x10	/* synchronous external abort */
#define SPSR_MODE_MASK		0xfULL
#define SPSR_EL1T		0x4ULL
#define SPSR_EL1H		0x5ULL
#define VECTOR_CURRENT_SPX	0x200
#define VECTOR_LOWER_A64	0x400

/*
 * Take a synchronous exception at EL1 on the root's behalf, as if the hardware had: an
 * external abort for an access to memory the root does not own (Linux makes it SIGBUS for
 * a task, an oops for the kernel), an undefined instruction for the rest.
 */
static void inject_into_root(struct trap_frame *f, u64 esr, u64 far)
{
	u64 mode = f->spsr & SPSR_MODE_MASK, ec = ESR_EC(esr), iss = FSC_EXTERNAL;
	u64 vector = read_sysreg(vbar_el1);

	if (ec == EC_DABT_LOW)
		iss |= ESR_ISS(esr) & DABT_WNR;
	if (ec == EC_DABT_LOW || ec == EC_IABT_LOW)
		ec += mode != 0;	/* from EL1 itself: the "current EL" classes */
	else
		ec = EC_UNKNOWN, iss = 0;
	write_sysreg(ec << ESR_EC_SHIFT | ESR_IL | iss, esr_el1);
	write_sysreg(far, far_el1);
	write_sysreg(f->elr, elr_el1);
	write_sysreg(f->spsr, spsr_el1);
	if (mode == 0)
		vector += VECTOR_LOWER_A64;
	else if (mode == SPSR_EL1H)
		vector += VECTOR_CURRENT_SPX;
	f->elr = vector;
	f->spsr = SPSR_EL1H_MASKED;
}

/*
 * Something the CPU's cell may not do.  The root gets the exception injected (one console
 * line, rate-limited) and carries on; any other cell fails as a whole.
 */
static void unhandled(struct per_cpu *cpu, struct trap_frame *f, u64 esr, const char *what,
		      u64 addr)
{
	if (cpu->cell == &root_cell) {
		if (console_ratelimit(&cpu->fault_rl))
			printk("Cellvisor: the root cell accessed what it does not own: %s at "
			       "0x%llx on CPU %u (ESR 0x%llx, PC 0x%llx); exception injected\n",
			       what, addr, cpu->id, esr, f->elr);
		inject_into_root(f, esr, read_sysreg(far_el2));
		return;
	}
	printk("Cellvisor: cell '%s' CPU %u stopped: unhandled %s at 0x%llx (ESR 0x%llx, "
	       "PC 0x%llx)\n", cpu->cell->config->name, cpu->id, what, addr, esr, f->elr);
	cell_cpu_failed(cpu);
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
		return;		/* injected, or parked and woken up again: a fresh start */
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
	if (hypercall_is_management(code))
		cpu_stat(cpu, CV_STAT_MANAGEMENT);
	f->x[0] = (u64)hypercall(cpu, code, f->x[1], f->x[2], f->x[3]);
	f->x[1] = cpu->refusal.reason;
	f->x[2] = cpu->refusal.object;
	f->x[3] = cpu->refusal.holder;
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
		if (!cpu_emulate_sysreg(cpu, f, ESR_ISS(esr)))
			unhandled(cpu, f, esr, "system register access", f->elr);
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
		iommu_poll();	/* the timer's ticks bring every CPU here often enough */
		link_poll();	/* doorbells the rate limit deferred, the same way */
		break;
	default:
		handle_fiq(cpu);
	}
}
