// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor arm64: the GICv3 CPU interface under the hypervisor.
 *
 * With HCR_EL2.IMO/FMO every physical interrupt exits to EL2.  The hypervisor acknowledges
 * it, drops its priority (EOImode 1) and puts it in a list register with the HW bit: the
 * cell's own deactivation then deactivates the physical interrupt.  The cell's SGIs trap
 * (writes of ICC_SGI1R_EL1) and become virtual SGIs of the target CPUs of the same cell.
 * When the list registers are full, the rest waits and the maintenance interrupt says
 * when there is room again.
 */
#include <asm/gic.h>
#include <asm/sysregs.h>
#include <cv/cell.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/percpu.h>
#include <cv/spinlock.h>

#define ICC_CTLR_EOIMODE	BIT64(1)
#define ICC_CTLR_CBPR		BIT64(0)
#define ICC_SRE_SRE		BIT64(0)
#define ICH_HCR_EN		BIT64(0)
#define ICH_HCR_UIE		BIT64(1)
#define GIC_IRQS_PER_EXIT	64
#define LR_STATE_PENDING	BIT64(62)
#define LR_STATE_ACTIVE		BIT64(63)
#define LR_STATE_MASK		(3ULL << 62)
#define LR_HW			BIT64(61)
#define LR_GROUP1		BIT64(60)
#define LR_PRIO_SHIFT		48
#define LR_PINTID_SHIFT		32
#define LR_VINTID_MASK		0xffffffffULL
#define SPURIOUS		1020

#define LR_CASE(n) case n: \
	if (write) write_sysreg(v, ich_lr##n##_el2); else v = read_sysreg(ich_lr##n##_el2); break

static u64 lr_access(unsigned int n, bool write, u64 v)
{
	switch (n) {
	LR_CASE(0); LR_CASE(1); LR_CASE(2); LR_CASE(3);
	LR_CASE(4); LR_CASE(5); LR_CASE(6); LR_CASE(7);
	LR_CASE(8); LR_CASE(9); LR_CASE(10); LR_CASE(11);
	LR_CASE(12); LR_CASE(13); LR_CASE(14); LR_CASE(15);
	}
	return v;
}

static u64 read_lr(unsigned int n)
{
	return lr_access(n, false, 0);
}

static void write_lr(unsigned int n, u64 v)
{
	lr_access(n, true, v);
}

static u64 sgi1r_for(u64 mpidr, u32 intid)
{
	return (u64)intid << 24 | (mpidr >> 8 & 0xff) << 16 | (mpidr >> 16 & 0xff) << 32 |
	       (mpidr >> 32 & 0xff) << 48 | (mpidr >> 4 & 0xf) << 44 | 1ULL << (mpidr & 0xf);
}

int gic_init(void)
{
	return gic_dist_init();
}

u64 gic_hcr_bits(void)
{
	return HCR_IMO | HCR_FMO;
}

int gic_cpu_init(struct per_cpu *cpu)
{
	if (!(read_sysreg(icc_sre_el2) & ICC_SRE_SRE)) {
		printk("Cellvisor: CPU %u: the GIC system register interface is off\n", cpu->id);
		return -CV_ENODEV;
	}
	cpu->arch.num_lrs = (read_sysreg(ich_vtr_el2) & 0x1f) + 1;
	return 0;
}

/* Hand the physical CPU interface to the hypervisor; the cell gets a virtual one like it. */
void gic_cpu_activate(struct per_cpu *cpu)
{
	u64 ctlr = read_sysreg(icc_ctlr_el1), pmr = read_sysreg(icc_pmr_el1);
	u64 bpr1 = read_sysreg(icc_bpr1_el1), bpr0 = read_sysreg(icc_bpr0_el1);
	u64 vmcr = (pmr & 0xff) << 24 | (bpr0 & 7) << 21 | (bpr1 & 7) << 18 |
		   ((ctlr & ICC_CTLR_EOIMODE) ? BIT64(9) : 0) | ((ctlr & ICC_CTLR_CBPR) ? BIT64(4) : 0) |
		   (read_sysreg(icc_igrpen1_el1) & 1) << 1 | (read_sysreg(icc_igrpen0_el1) & 1);
	unsigned int i;

	cpu->arch.saved_ctlr = ctlr;
	cpu->arch.saved_pmr = pmr;
	cpu->arch.saved_bpr1 = bpr1;
	for (i = 0; i < cpu->arch.num_lrs; i++)
		write_lr(i, 0);
	write_sysreg(vmcr, ich_vmcr_el2);
	write_sysreg(ICH_HCR_EN, ich_hcr_el2);
	write_sysreg(ctlr | ICC_CTLR_EOIMODE, icc_ctlr_el1);
	write_sysreg(0xff, icc_pmr_el1);
	write_sysreg(1, icc_igrpen1_el1);
	isb();
	gic_rdist_kick_setup(cpu, true);
	cpu->arch.gic_active = true;
}

/*
 * Empty the list registers and the queue: a physical interrupt in them is deactivated and,
 * if it was still pending, made pending again in the distributor, so that whoever owns it
 * now takes it; virtual SGIs still pending are kept in vsgi_pending.
 */
static void gic_drain(struct per_cpu *cpu)
{
	unsigned int i;

	for (i = 0; i < cpu->arch.num_lrs; i++) {
		u64 lr = read_lr(i);

		if (!(lr & LR_STATE_MASK))
			continue;
		if (lr & LR_HW) {
			u32 irq = (lr >> LR_PINTID_SHIFT) & 0x1fff;

			if (lr & LR_STATE_PENDING)
				gic_set_pending(cpu, irq);
			write_sysreg(irq, icc_dir_el1);
		} else if (lr & LR_STATE_PENDING) {
			__atomic_fetch_or(&cpu->arch.vsgi_pending, 1U << (lr & 0xf), __ATOMIC_ACQ_REL);
		}
		write_lr(i, 0);
	}
	for (i = 0; i < cpu->arch.hwq_len; i++) {
		gic_set_pending(cpu, cpu->arch.hwq[i]);
		write_sysreg(cpu->arch.hwq[i], icc_dir_el1);
	}
	cpu->arch.hwq_len = 0;
}

#define APR_CASE(n) case n: write_sysreg(0, ich_ap0r##n##_el2); \
	write_sysreg(0, ich_ap1r##n##_el2); break

/*
 * A fresh virtual CPU interface for a CPU that starts anew (context.c): nothing pending,
 * nothing active, no SGI of what it ran before, the reset VMCR (all masked, groups off).
 */
void gic_cpu_reset(struct per_cpu *cpu)
{
	unsigned int i, aprs = 1U << (((read_sysreg(ich_vtr_el2) >> 26) & 7) + 1 - 5);

	gic_drain(cpu);
	__atomic_store_n(&cpu->arch.vsgi_pending, 0, __ATOMIC_RELEASE);
	for (i = 0; i < aprs && i < 4; i++) {
		switch (i) {
		APR_CASE(0); APR_CASE(1); APR_CASE(2); APR_CASE(3);
		}
	}
	write_sysreg(0, ich_vmcr_el2);
	write_sysreg(ICH_HCR_EN, ich_hcr_el2);
	isb();
}

/* Give the physical CPU interface back, with every interrupt still owed to the cell. */
void gic_cpu_exit(struct per_cpu *cpu)
{
	u64 vmcr = read_sysreg(ich_vmcr_el2), sgis;
	unsigned int i;

	if (!cpu->arch.gic_active)
		return;
	cpu->arch.gic_active = false;
	gic_drain(cpu);
	gic_rdist_kick_setup(cpu, false);
	write_sysreg(0, ich_hcr_el2);
	write_sysreg(cpu->arch.saved_bpr1, icc_bpr1_el1);
	write_sysreg((vmcr >> 24) & 0xff, icc_pmr_el1);
	write_sysreg((vmcr >> 1) & 1, icc_igrpen1_el1);
	write_sysreg(vmcr & BIT64(9) ? cpu->arch.saved_ctlr | ICC_CTLR_EOIMODE :
		     cpu->arch.saved_ctlr & ~ICC_CTLR_EOIMODE, icc_ctlr_el1);
	isb();
	/* Virtual SGIs not yet taken become physical SGIs to this CPU. */
	sgis = __atomic_exchange_n(&cpu->arch.vsgi_pending, 0, __ATOMIC_ACQ_REL);
	for (i = 0; i < 16; i++)
		if (sgis & (1U << i))
			write_sysreg(sgi1r_for(cpu->arch.mpidr, i), icc_sgi1r_el1);
	isb();
}

/* Kick a CPU out of its cell (or out of its wait) with the hypervisor's physical SGI. */
void gic_kick(struct per_cpu *target)
{
	dsb(ish);
	write_sysreg(sgi1r_for(target->arch.mpidr, GIC_KICK_SGI), icc_sgi1r_el1);
	isb();
}

/* Is vINTID already in a list register?  Its index, or -1. */
static int find_lr(struct per_cpu *cpu, u32 intid, u64 *lr)
{
	unsigned int i;

	for (i = 0; i < cpu->arch.num_lrs; i++) {
		*lr = read_lr(i);
		if ((*lr & LR_STATE_MASK) && (*lr & LR_VINTID_MASK) == intid)
			return (int)i;
	}
	return -1;
}

static int free_lr(struct per_cpu *cpu)
{
	u64 empty = read_sysreg(ich_elrsr_el2);
	unsigned int i;

	for (i = 0; i < cpu->arch.num_lrs; i++)
		if (empty & (1U << i))
			return (int)i;
	return -1;
}

/* Put one interrupt in a list register: false when they are all taken. */
static bool inject(struct per_cpu *cpu, u32 intid, bool hw)
{
	u64 lr, prio = gic_irq_priority(cpu, intid);
	int n = find_lr(cpu, intid, &lr);

	if (n >= 0) {			/* a virtual SGI again: pending on top of active */
		write_lr(n, lr | LR_STATE_PENDING);
		return true;
	}
	n = free_lr(cpu);
	if (n < 0)
		return false;
	lr = LR_STATE_PENDING | LR_GROUP1 | prio << LR_PRIO_SHIFT | intid;
	if (hw)
		lr |= LR_HW | (u64)intid << LR_PINTID_SHIFT;
	write_lr(n, lr);
	return true;
}

/* Move waiting interrupts into list registers; ask for a maintenance IRQ if some remain. */
static void flush_pending(struct per_cpu *cpu)
{
	u32 sgis = __atomic_exchange_n(&cpu->arch.vsgi_pending, 0, __ATOMIC_ACQ_REL);
	u32 i, kept = 0, left = 0;

	for (i = 0; i < 16; i++)
		if ((sgis & (1U << i)) && !inject(cpu, i, false))
			left |= 1U << i;
	if (left)
		__atomic_fetch_or(&cpu->arch.vsgi_pending, left, __ATOMIC_ACQ_REL);
	for (i = 0; i < cpu->arch.hwq_len; i++)
		if (!inject(cpu, cpu->arch.hwq[i], true))
			cpu->arch.hwq[kept++] = cpu->arch.hwq[i];
	cpu->arch.hwq_len = kept;
	write_sysreg(ICH_HCR_EN | (left || kept ? ICH_HCR_UIE : 0), ich_hcr_el2);
}

static void take_irq(struct per_cpu *cpu, u32 irq)
{
	if (irq >= 32 && !cell_owns_irq(cpu->cell, irq)) {
		/* Disabled, or a level-triggered one comes back at once, for ever. */
		gic_disable_spi(irq);
		write_sysreg(irq, icc_dir_el1);
		if (console_ratelimit(&cpu->cell->msg_rl))
			printk("Cellvisor: interrupt %u reached CPU %u of cell '%s', which does "
			       "not own it; disabled\n", irq, cpu->id, cpu->cell->config->name);
		return;
	}
	if (cpu->arch.hwq_len == GIC_HWQ_SIZE) {	/* cannot happen: each is active once */
		write_sysreg(irq, icc_dir_el1);
		return;
	}
	cpu->arch.hwq[cpu->arch.hwq_len++] = irq;
}

/*
 * A physical IRQ exit: take what is pending, then refill the list registers.  The
 * maintenance interrupt is level: its underflow condition holds until flush_pending() has
 * run, so it is switched off first, or it would come back at once, for ever (a cell that
 * ends its vSGIs while more wait could hold its CPU here, deaf to the hypervisor's stop).
 * The loop is bounded for the same reason: whatever a cell makes pending, the CPU returns
 * to arch_handle_exit(), where a stop is seen.
 */
void gic_handle_irq(struct per_cpu *cpu)
{
	u32 maint = hv.config->platform.maintenance_irq, irq, n;

	for (n = 0; n < GIC_IRQS_PER_EXIT; n++) {
		irq = read_sysreg(icc_iar1_el1) & 0xffffff;
		if (irq >= SPURIOUS && irq <= 1023)
			break;
		write_sysreg(irq, icc_eoir1_el1);	/* priority drop only (EOImode 1) */
		if (irq == maint) {
			cpu_stat(cpu, CV_STAT_MAINTENANCE);
			write_sysreg(ICH_HCR_EN, ich_hcr_el2);
			isb();
			write_sysreg(irq, icc_dir_el1);
		} else if (irq < 16) {
			cpu_stat(cpu, CV_STAT_SGI);	/* a kick: the work is in vsgi_pending */
			write_sysreg(irq, icc_dir_el1);
		} else {
			cpu_stat(cpu, CV_STAT_IRQ);
			take_irq(cpu, irq);
		}
	}
	flush_pending(cpu);
}

/* A cell wrote ICC_SGI1R_EL1: virtual SGIs to the named CPUs of the same cell. */
void gic_send_sgi(struct per_cpu *cpu, u64 v)
{
	u32 intid = (v >> 24) & 0xf;
	u64 aff = (v >> 16 & 0xff) << 8 | (v >> 32 & 0xff) << 16 | (v >> 48 & 0xff) << 32;
	u64 id;

	for (id = 0; id < MAX_CPUS; id++) {
		struct per_cpu *t = per_cpu(id);
		u64 mpidr;

		if (!t || t->cell != cpu->cell)
			continue;
		mpidr = t->arch.mpidr & 0xff00ffffffULL;
		if (v & BIT64(40) ? t == cpu :
		    ((mpidr & ~0xffULL) != aff || (mpidr & 0xff) >> 4 != (v >> 44 & 0xf) ||
		     !(v & (1ULL << (mpidr & 0xf)))))
			continue;
		__atomic_fetch_or(&t->arch.vsgi_pending, 1U << intid, __ATOMIC_ACQ_REL);
		if (t != cpu)
			gic_kick(t);
	}
	if (cpu->arch.vsgi_pending)
		flush_pending(cpu);
}
