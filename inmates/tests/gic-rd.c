// SPDX-License-Identifier: GPL-2.0-only
/*
 * gic-rd: a cell that writes what no cell may change in the GIC and reads it back:
 * GICD_CTLR (0 would switch every interrupt group off, for every cell), in each of the four
 * redistributor frames (its own and the others') GICR_CTLR.EnableLPIs, GICR_PROPBASER and
 * GICR_PENDBASER (LPI tables aimed at the hypervisor's memory) and GICR_WAKER (a sleeping
 * redistributor delivers nothing), and in the other CPUs' frames the SGI/PPI enables (the
 * root's and the canary's timer interrupts); in the distributor the enables, pending state
 * and routes of the root's SPIs.  What it can read back (GICD_CTLR, its own frame) prints
 * "gic-rd: WHAT: reads V afterwards: ok" or "... TOOK EFFECT", then one line
 * "gic-rd: N checked, M took effect"; the others' registers read as zero to it whatever they
 * hold, so their owners (the root, the canary) tell.  Then it serves shutdown requests.
 * The writes to its own WAKER are left out: a sleeping redistributor would only silence it.
 */
#include "hostile.h"

INMATE_NAME("gic-rd");

#define GICD_CTLR		0x0000
#define GICD_SETSPI_NSR		0x0040
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_IROUTER		0x6000
#define GICR_CTLR		0x0000
#define GICR_WAKER		0x0014
#define GICR_PROPBASER		0x0070
#define GICR_PENDBASER		0x0078
#define GICR_ICENABLER0		(GICR_SGI_BASE + 0x0180)
#define ROOT_SPI		100	/* the root's notification interrupt (system.json) */
#define ROOT_SPIS_WORD		1	/* INTIDs 32..63: the root's virtio devices among them */

static unsigned int checked, effects;

/* A write whose effect this cell can read back (its own registers, GICD_CTLR). */
static void verdict(const char *what, uint64_t value, bool effect)
{
	checked++;
	effects += effect;
	printf("gic-rd: %s: reads 0x%lx afterwards: %s\n", what, (unsigned long)value,
	       effect ? "TOOK EFFECT" : "ok");
}

/* The others' registers read as zero here whatever they hold: their owners tell. */
static void written(const char *what, unsigned int frame)
{
	printf("gic-rd: wrote %s of frame %u (its CPU's owner tells)\n", what, frame);
}

void inmate_main(void)
{
	uintptr_t own = 0, frame;
	uint32_t ctlr, v;
	uint64_t q;
	unsigned int i;

	irq_disable_local();
	for (i = 0; i < GICR_FRAMES; i++)
		if (mmio_read64(GICR_BASE + i * GICR_STRIDE + 8) >> 32 == cpu_affinity())
			own = GICR_BASE + i * GICR_STRIDE;
	printf("gic-rd: own redistributor frame at 0x%lx\n", (unsigned long)own);

	ctlr = mmio_read32(GICD_BASE + GICD_CTLR);
	mmio_write32(GICD_BASE + GICD_CTLR, 0);
	v = mmio_read32(GICD_BASE + GICD_CTLR);
	verdict("GICD_CTLR := 0 (every group off)", v, v != ctlr);

	for (i = 0; i < GICR_FRAMES; i++) {
		frame = GICR_BASE + i * GICR_STRIDE;
		mmio_write32(frame + GICR_CTLR, mmio_read32(frame + GICR_CTLR) | 1);
		mmio_write64(frame + GICR_PROPBASER, 0x70000000ULL | 0xf);
		mmio_write64(frame + GICR_PENDBASER, 0x70010000ULL);
		if (frame != own) {
			written("GICR_CTLR.EnableLPIs := 1, PROPBASER and PENDBASER := hypervisor "
				"memory", i);
			mmio_write32(frame + GICR_WAKER, 2);		/* ProcessorSleep */
			written("GICR_WAKER.ProcessorSleep := 1", i);
			mmio_write32(frame + GICR_ICENABLER0, ~0U);	/* timers, IPIs */
			written("GICR_ICENABLER0 := ~0 (its timers and IPIs off)", i);
			continue;
		}
		v = mmio_read32(frame + GICR_CTLR);
		verdict("own GICR_CTLR.EnableLPIs := 1", v, v & 1);
		q = mmio_read64(frame + GICR_PROPBASER);
		verdict("own GICR_PROPBASER := hypervisor memory", q, q != 0);
		q = mmio_read64(frame + GICR_PENDBASER);
		verdict("own GICR_PENDBASER := hypervisor memory", q, q != 0);
	}

	mmio_write32(GICD_BASE + GICD_ICENABLER + 4 * ROOT_SPIS_WORD, ~0U);
	written("GICD_ICENABLER of SPIs 32..63 (the root's virtio) := ~0", 0);
	mmio_write32(GICD_BASE + GICD_ICENABLER + 4 * (ROOT_SPI / 32), 1U << (ROOT_SPI % 32));
	mmio_write32(GICD_BASE + GICD_SETSPI_NSR, ROOT_SPI);
	mmio_write32(GICD_BASE + GICD_ISPENDR + 4 * (ROOT_SPI / 32), 1U << (ROOT_SPI % 32));
	mmio_write64(GICD_BASE + GICD_IROUTER + 8 * ROOT_SPI, cpu_affinity());
	written("the root's SPI 100: disabled, made pending, routed here", 0);

	v = mmio_read32(GICD_BASE + GICD_CTLR);
	verdict("GICD_CTLR at the end", v, v != ctlr);
	printf("gic-rd: %u checked, %u took effect\n", checked, effects);
}
