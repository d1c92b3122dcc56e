// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor arm64: the GICv3 distributor (GICD) and redistributors (GICR) as cells see them.
 *
 * No cell maps them: every access traps here.  A cell reads and changes only the SPIs it
 * owns and the SGIs and PPIs of its own CPUs' redistributors, except the two the hypervisor
 * keeps (its kick SGI and the maintenance interrupt); anything else reads as zero and
 * ignores writes.  Routing an SPI to a CPU of another cell is refused.  GICD_CTLR and the
 * RD_base frame of a redistributor (GICR_CTLR, WAKER, PROPBASER, PENDBASER, the LPI
 * registers) are the hypervisor's: they read as they are (or zero, for the LPI tables) and
 * ignore writes, for the root too, so LPIs stay off and no cell silences another.
 * An SPI changes hands disabled, not pending, not active and routed to its new owner's
 * first CPU; one that still reaches a CPU of a cell that does not own it is disabled there.
 */
#include <asm/gic.h>
#include <asm/sysregs.h>
#include <cv/cell.h>
#include <cv/config.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/percpu.h>
#include <cv/spinlock.h>

#define GICD_SIZE		CV_GICD_SIZE
#define GICR_STRIDE		CV_GICR_STRIDE
#define GICR_SGI_BASE		0x10000

#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_SETSPI_NSR		0x0040
#define GICD_CLRSPI_NSR		0x0048
#define GICD_IROUTER		0x6000
#define GICD_IROUTER_END	0x7fe0
#define GICD_IROUTER_IRM	BIT64(31)
#define GICD_ID_REGS		0xffd0
#define GICR_CTLR		0x0000
#define GICR_IIDR		0x0004
#define GICR_TYPER		0x0008
#define GICR_STATUSR		0x0010
#define GICR_WAKER		0x0014
#define GICR_ID_REGS		0xffd0
#define GICR_PIDR2		0xffe8

/* Interrupt register banks: 'bits' per interrupt; 'rmw' when a write replaces values. */
struct bank {
	u32 start, end;
	u32 bits;
	bool rmw;
};

static const struct bank irq_banks[] = {
	{ 0x0080, 0x0100, 1, true },	/* IGROUPR */
	{ 0x0100, 0x0180, 1, false },	/* ISENABLER */
	{ 0x0180, 0x0200, 1, false },	/* ICENABLER */
	{ 0x0200, 0x0280, 1, false },	/* ISPENDR */
	{ 0x0280, 0x0300, 1, false },	/* ICPENDR */
	{ 0x0300, 0x0380, 1, false },	/* ISACTIVER */
	{ 0x0380, 0x0400, 1, false },	/* ICACTIVER */
	{ 0x0400, 0x0800, 8, true },	/* IPRIORITYR */
	{ 0x0c00, 0x0d00, 2, true },	/* ICFGR */
	{ 0x0d00, 0x0d80, 1, true },	/* IGRPMODR */
	{ 0x0e00, 0x0f00, 2, true },	/* NSACR */
};

static volatile u8 *gicd, *gicr;
static u64 gicr_size;
static spinlock_t dist_lock;

static u64 io_read(volatile u8 *p, unsigned int size)
{
	switch (size) {
	case 1: return *p;
	case 2: return *(volatile u16 *)p;
	case 4: return *(volatile u32 *)p;
	}
	return *(volatile u64 *)p;
}

static void io_write(volatile u8 *p, unsigned int size, u64 v)
{
	switch (size) {
	case 1: *p = (u8)v; break;
	case 2: *(volatile u16 *)p = (u16)v; break;
	case 4: *(volatile u32 *)p = (u32)v; break;
	default: *(volatile u64 *)p = v;
	}
}

static volatile u8 *sgi_frame(unsigned int cpu)
{
	return gicr + (u64)cpu * GICR_STRIDE + GICR_SGI_BASE;
}

int gic_dist_init(void)
{
	const struct cv_platform *p = &hv.config->platform;
	u32 lines;

	gicr_size = (u64)p->num_cpus * GICR_STRIDE;
	gicd = arch_map_device(p->gicd_base, GICD_SIZE);
	gicr = arch_map_device(p->gicr_base, gicr_size);
	if (!gicd || !gicr)
		return -CV_ENOMEM;
	/*
	 * INTIDs the distributor does not implement must not be given to anyone: their
	 * registers are not set up (Linux leaves them group 0, priority 0, which can block
	 * every interrupt of a CPU) and a cell could reach past the distributor's banks.
	 */
	lines = MIN(32 * (((u32)io_read(gicd + GICD_TYPER, 4) & 0x1f) + 1), 1020);
	if (p->num_irqs > lines) {
		printk("Cellvisor: the configuration says the GIC has %u interrupts, but it "
		       "implements %u (GICD_TYPER); correct platform.gic.num_irqs\n",
		       p->num_irqs, lines);
		return refuse(-CV_EINVAL, CV_REASON_GIC_TOO_SMALL, lines, 0);
	}
	return 0;
}

/* The hypervisor's own SGI and PPI in this CPU's redistributor, group 1, on or off. */
void gic_rdist_kick_setup(struct per_cpu *cpu, bool on)
{
	volatile u8 *sgi = sgi_frame(cpu->id);
	u32 bits = (1U << GIC_KICK_SGI) | (1U << hv.config->platform.maintenance_irq);

	if (on) {
		io_write(sgi + 0x080, 4, io_read(sgi + 0x080, 4) | bits);
		io_write(sgi + 0x400 + GIC_KICK_SGI, 1, 0x80);
		io_write(sgi + 0x400 + hv.config->platform.maintenance_irq, 1, 0x80);
		io_write(sgi + 0x100, 4, bits);
	} else {
		io_write(sgi + 0x180, 4, bits);
		io_write(sgi + 0x280, 4, bits);
	}
}

u8 gic_irq_priority(struct per_cpu *cpu, u32 irq)
{
	return irq < 32 ? (u8)io_read(sgi_frame(cpu->id) + 0x400 + irq, 1) :
			  (u8)io_read(gicd + 0x400 + irq, 1);
}

void gic_set_pending(struct per_cpu *cpu, u32 irq)
{
	if (irq < 32)
		io_write(sgi_frame(cpu->id) + 0x200, 4, 1U << irq);
	else
		io_write(gicd + 0x200 + 4 * (irq / 32), 4, 1U << (irq % 32));
}

void arch_raise_spi(u32 irq)
{
	if (!gicd)	/* not before the GIC is set up */
		return;
	/*
	 * What the caller wrote before it asked (a message in a link's memory, a console
	 * line) must be visible to whoever takes the interrupt: complete those stores first.
	 */
	dsb(ish);
	gic_set_pending(NULL, irq);
}

void gic_disable_spi(u32 irq)
{
	u64 bank = 4 * (irq / 32);
	u32 bit = 1U << (irq % 32);

	io_write(gicd + 0x180 + bank, 4, bit);	/* ICENABLER */
	io_write(gicd + 0x280 + bank, 4, bit);	/* ICPENDR */
	io_write(gicd + 0x380 + bank, 4, bit);	/* ICACTIVER */
}

void arch_cell_irqs(const struct cell *c, u64 cpus)
{
	const struct cv_irq_range *r = config_irqs(c->config);
	struct per_cpu *cpu = cpus ? per_cpu((u64)__builtin_ctzll(cpus)) : NULL;
	unsigned int i, j;

	if (!cpu)
		return;
	spin_lock(&dist_lock);
	for (i = 0; i < c->config->irq_ranges.count; i++) {
		for (j = 0; j < r[i].count; j++) {
			gic_disable_spi(r[i].first + j);
			io_write(gicd + GICD_IROUTER + 8ULL * (r[i].first + j), 8,
				 cpu->arch.mpidr & 0xff00ffffffULL);
		}
	}
	spin_unlock(&dist_lock);
}

/* An access to a bank of per-interrupt fields, limited to the fields 'owned' allows. */
static enum mmio_result bank_access(volatile u8 *base, u64 off, const struct bank *b,
				    struct mmio_access *a, bool (*owned)(void *, u32), void *ctx)
{
	u32 first = (u32)(off - b->start) * 8 / b->bits, n = a->size * 8 / b->bits, i;
	u64 field = (1ULL << b->bits) - 1, mask = 0, old;

	if (a->size > 4 || (b->bits < 8 && a->size != 4))
		return MMIO_UNHANDLED;
	for (i = 0; i < n; i++)
		if (owned(ctx, first + i))
			mask |= field << (i * b->bits);
	if (!a->write) {
		a->value = io_read(base + off, a->size) & mask;
	} else if (mask && b->rmw) {
		spin_lock(&dist_lock);
		old = io_read(base + off, a->size);
		io_write(base + off, a->size, (old & ~mask) | (a->value & mask));
		spin_unlock(&dist_lock);
	} else if (mask) {
		io_write(base + off, a->size, a->value & mask);
	}
	return MMIO_HANDLED;
}

static const struct bank *find_bank(u64 off)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(irq_banks); i++)
		if (off >= irq_banks[i].start && off < irq_banks[i].end)
			return &irq_banks[i];
	return NULL;
}

static bool spi_owned(void *cell, u32 irq)
{
	return cell_owns_irq(cell, irq);
}

/* Where an SPI may be routed: one CPU of the cell, by affinity. */
static bool route_ok(struct cell *c, u64 route)
{
	u64 id;

	if (route & GICD_IROUTER_IRM)
		return false;
	for (id = 0; id < MAX_CPUS; id++) {
		struct per_cpu *cpu = per_cpu(id);

		if (cpu && cpu->cell == c && (cpu->arch.mpidr & 0xff00ffffffULL) == route)
			return true;
	}
	return false;
}

static enum mmio_result irouter_access(struct cell *c, u64 off, struct mmio_access *a)
{
	u32 irq = (u32)((off - GICD_IROUTER) / 8);

	if ((a->size != 8 && a->size != 4) || (off & (a->size - 1)))
		return MMIO_UNHANDLED;
	if (!cell_owns_irq(c, irq)) {
		a->value = 0;
		return MMIO_HANDLED;
	}
	if (!a->write) {
		a->value = io_read(gicd + off, a->size);
	} else if (a->size == 8 && route_ok(c, a->value)) {
		io_write(gicd + off, 8, a->value);
	} else if (console_ratelimit(&c->msg_rl)) {
		printk("Cellvisor: cell '%s' may not route interrupt %u to 0x%llx (ignored)\n",
		       c->config->name, irq, a->value);
	}
	return MMIO_HANDLED;
}

static enum mmio_result gicd_access(void *arg, struct mmio_access *a)
{
	struct cell *c = arg;
	const struct bank *b = find_bank(a->addr);
	u64 off = a->addr;

	if (off & (a->size - 1))
		return MMIO_UNHANDLED;	/* the GIC takes naturally aligned accesses only */
	if (b)
		return bank_access(gicd, off, b, a, spi_owned, c);
	if (off >= GICD_IROUTER && off < GICD_IROUTER_END)
		return irouter_access(c, off, a);
	if (off == GICD_SETSPI_NSR || off == GICD_CLRSPI_NSR) {
		if (a->write && cell_owns_irq(c, a->value & 0x3ff))
			io_write(gicd + off, 4, a->value);
		a->value = a->write ? a->value : 0;
		return MMIO_HANDLED;
	}
	if (off < 0x14 || off >= GICD_ID_REGS) {
		/* CTLR, TYPER, IIDR, TYPER2, STATUSR and the ID registers: read only. */
		if (!a->write)
			a->value = io_read(gicd + off, a->size);
		return MMIO_HANDLED;
	}
	if (!a->write)
		a->value = 0;
	return MMIO_HANDLED;
}

static bool private_owned(void *arg, u32 irq)
{
	(void)arg;
	return irq < 32 && irq != GIC_KICK_SGI && irq != hv.config->platform.maintenance_irq;
}

static enum mmio_result gicr_access(void *arg, struct mmio_access *a)
{
	struct cell *c = arg;
	u64 frame = a->addr / GICR_STRIDE, off = a->addr % GICR_STRIDE;
	struct per_cpu *cpu = per_cpu(frame);
	volatile u8 *base = gicr + frame * GICR_STRIDE;
	const struct bank *b;

	if (off & (a->size - 1))
		return MMIO_UNHANDLED;
	if (!cpu || cpu->cell != c) {
		/* Another cell's CPU: only what tells frames apart is visible. */
		bool id = off == GICR_TYPER || off == GICR_TYPER + 4 || off == GICR_IIDR ||
			  off == GICR_PIDR2;

		a->value = !a->write && id ? io_read(base + off, a->size) : 0;
		return MMIO_HANDLED;
	}
	if (off < GICR_SGI_BASE) {
		bool visible = off < GICR_WAKER + 4 || off >= GICR_ID_REGS;

		if (!a->write)	/* PROPBASER, PENDBASER and the LPI registers read as zero */
			a->value = visible ? io_read(base + off, a->size) : 0;
		return MMIO_HANDLED;
	}
	off -= GICR_SGI_BASE;
	b = find_bank(off);
	if (b && off < b->start + (b->bits * 32) / 8)
		return bank_access(base + GICR_SGI_BASE, off, b, a, private_owned, NULL);
	if (!a->write)
		a->value = 0;
	return MMIO_HANDLED;
}

int gic_cell_init(struct cell *c)
{
	const struct cv_platform *p = &hv.config->platform;
	int err;

	err = arch_unmap_guest(c, p->gicd_base, GICD_SIZE);
	if (!err)
		err = arch_unmap_guest(c, p->gicr_base, gicr_size);
	if (!err)
		err = mmio_register(c, p->gicd_base, GICD_SIZE, gicd_access, c);
	if (!err)
		err = mmio_register(c, p->gicr_base, gicr_size, gicr_access, c);
	return err;
}

int arch_cell_devices(struct cell *c)
{
	return gic_cell_init(c);
}
