// SPDX-License-Identifier: GPL-2.0-only
/*
 * GICv3 for inmates: the distributor for the cell's SPIs (group 1, routed to this CPU), this
 * CPU's redistributor for PPIs, and the ICC_* system register CPU interface.
 *
 * Under the hypervisor the distributor and redistributors are emulated and show only the
 * cell's own interrupts; their addresses come from the communication region.  Without it,
 * QEMU virt's addresses are used.
 */
#include <inmate.h>
#include <arch/sysreg.h>

#define GICD_DEFAULT		0x08000000UL
#define GICR_DEFAULT		0x080a0000UL
#define GICR_STRIDE		0x20000UL	/* RD_base + SGI_base frames */
#define GICR_MAX_FRAMES		64

#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		(1U << 31)
#define GICD_CTLR_ARE		(1U << 4)
#define GICD_CTLR_ENABLE_G1	(1U << 1)
#define GICD_TYPER		0x0004
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6000

#define GICR_TYPER		0x0008
#define GICR_TYPER_LAST		(1U << 4)
#define GICR_WAKER		0x0014
#define GICR_WAKER_SLEEP	(1U << 1)
#define GICR_WAKER_ASLEEP	(1U << 2)
#define GICR_SGI_BASE		0x10000
#define GICR_IGROUPR0		(GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI_BASE + 0x0100)
#define GICR_IPRIORITYR		(GICR_SGI_BASE + 0x0400)

#define IRQ_PRIORITY		0xa0
#define MAX_INTID		1020
#define SPURIOUS_INTID		1020

static uintptr_t gicd, gicr;
static irq_handler_t handlers[MAX_INTID];

static bool wait_for(uintptr_t reg, uint32_t mask, uint32_t value)
{
	for (unsigned int i = 0; i < 1000000; i++)
		if ((mmio_read32(reg) & mask) == value)
			return true;
	return false;
}

static uintptr_t find_redistributor(uintptr_t base)
{
	uint64_t aff = cpu_affinity();

	for (unsigned int i = 0; i < GICR_MAX_FRAMES; i++) {
		uintptr_t frame = base + i * GICR_STRIDE;
		uint64_t typer = mmio_read64(frame + GICR_TYPER);

		if ((typer >> 32) == aff)
			return frame;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

static void set_priority(uintptr_t reg_base, unsigned int intid)
{
	uintptr_t reg = reg_base + (intid & ~3U);
	unsigned int shift = (intid & 3) * 8;
	uint32_t v = mmio_read32(reg);

	v = (v & ~(0xffU << shift)) | (IRQ_PRIORITY << shift);
	mmio_write32(reg, v);
}

int irq_init(void)
{
	struct cv_comm_region *comm = comm_region();
	uintptr_t gicr_base = GICR_DEFAULT;
	uint32_t ctlr;

	if (gicr)
		return 0;	/* done already */
	gicd = GICD_DEFAULT;
	if (comm && comm->gicd_base)
		gicd = comm->gicd_base;
	if (comm && comm->gicr_base)
		gicr_base = comm->gicr_base;

	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | 1);
	isb();
	if (!(read_sysreg(ICC_SRE_EL1) & 1)) {
		printf("%s: GIC error: ICC_SRE_EL1.SRE stays 0: no GICv3 system register "
		       "interface on CPU %u (is the machine gic-version=3?)\n",
		       inmate_name, cpu_id());
		return -1;
	}

	gicr = find_redistributor(gicr_base);
	if (!gicr) {
		gicd = 0;
		printf("%s: GIC error: no redistributor for affinity 0x%lx from 0x%lx on: "
		       "check the GICR address\n", inmate_name, (unsigned long)cpu_affinity(),
		       (unsigned long)gicr_base);
		return -1;
	}

	/* Affinity routing and group 1, unless whoever owns the distributor did it already. */
	ctlr = mmio_read32(gicd + GICD_CTLR);
	if ((ctlr & (GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1)) !=
	    (GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1)) {
		if (!(ctlr & GICD_CTLR_ARE)) {
			mmio_write32(gicd + GICD_CTLR, ctlr | GICD_CTLR_ARE);
			wait_for(gicd + GICD_CTLR, GICD_CTLR_RWP, 0);
		}
		mmio_write32(gicd + GICD_CTLR, ctlr | GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
		wait_for(gicd + GICD_CTLR, GICD_CTLR_RWP, 0);
	}

	/* Wake this CPU's redistributor up. */
	if (mmio_read32(gicr + GICR_WAKER) & GICR_WAKER_SLEEP) {
		mmio_write32(gicr + GICR_WAKER,
			     mmio_read32(gicr + GICR_WAKER) & ~GICR_WAKER_SLEEP);
		if (!wait_for(gicr + GICR_WAKER, GICR_WAKER_ASLEEP, 0)) {
			printf("%s: GIC error: redistributor at 0x%lx stays asleep\n",
			       inmate_name, (unsigned long)gicr);
			return -1;
		}
	}

	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, 0);		/* EOI also deactivates */
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
	return 0;
}

int irq_request(unsigned int intid, irq_handler_t handler)
{
	if (intid < 16 || intid >= MAX_INTID || !gicd) {
		printf("%s: GIC error: cannot request INTID %u (PPIs and SPIs 16..1019 only, "
		       "after irq_init)\n", inmate_name, intid);
		return -1;
	}
	handlers[intid] = handler;

	if (intid < 32) {
		uint32_t bit = 1U << intid;

		mmio_write32(gicr + GICR_IGROUPR0, mmio_read32(gicr + GICR_IGROUPR0) | bit);
		set_priority(gicr + GICR_IPRIORITYR, intid);
		mmio_write32(gicr + GICR_ISENABLER0, bit);
	} else {
		uintptr_t word = 4 * (intid / 32);
		uint32_t bit = 1U << (intid % 32);
		uintptr_t cfg = gicd + GICD_ICFGR + 4 * (intid / 16);

		mmio_write32(gicd + GICD_IGROUPR + word,
			     mmio_read32(gicd + GICD_IGROUPR + word) | bit);
		set_priority(gicd + GICD_IPRIORITYR, intid);
		/* level-sensitive, as PCI INTx and the UART are */
		mmio_write32(cfg, mmio_read32(cfg) & ~(2U << (2 * (intid % 16))));
		mmio_write64(gicd + GICD_IROUTER + 8 * intid, cpu_affinity());
		mmio_write32(gicd + GICD_ISENABLER + word, bit);
	}
	return 0;
}

int irq_set_edge(unsigned int intid)
{
	uintptr_t cfg = gicd + GICD_ICFGR + 4 * (intid / 16);

	if (intid < 32 || intid >= MAX_INTID || !gicd)
		return -1;
	mmio_write32(cfg, mmio_read32(cfg) | 2U << (2 * (intid % 16)));
	return 0;
}

void irq_dispatch(void)
{
	for (;;) {
		unsigned int intid = read_sysreg(ICC_IAR1_EL1) & 0xffffff;

		if (intid >= SPURIOUS_INTID)
			return;
		if (handlers[intid])
			handlers[intid](intid);
		else
			printf("%s: unexpected interrupt %u\n", inmate_name, intid);
		write_sysreg(ICC_EOIR1_EL1, intid);
		isb();
	}
}
