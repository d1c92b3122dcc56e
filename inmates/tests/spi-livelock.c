// SPDX-License-Identifier: GPL-2.0-only
/*
 * spi-livelock: a cell that keeps a level-triggered interrupt of its own asserted (QEMU's
 * edu device, its INTx, raised by software and never acknowledged at the device) and
 * tries to have it reach a CPU that is not its own:
 *  1. it enables the SPI where the hypervisor left it routed, without routing it itself:
 *     the hypervisor must have routed it to this cell's CPU when the cell was created (a
 *     root CPU taking an interrupt it does not own, again and again, was livelocked);
 *  2. it takes the interrupt for a second with the level held, as fast as it comes back;
 *  3. it routes the SPI to CPU 0 and to any CPU (IRM): refused, the route stays its own;
 *  4. it holds the level with interrupts on and a handler that ends the interrupt without
 *     acknowledging it at the device (its own CPU busy with it, for ever), and never answers
 *     a shutdown request.  Destroying it must leave no CPU of the root taking that line.
 */
#include "hostile.h"

INMATE_NAME("spi-livelock");

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_IRQ_RAISE		0x60
#define EDU_IRQ_TEST		0x100
#define PCI_COMMAND		0x04
#define PCI_COMMAND_MEMORY	(1U << 1)
#define PCI_COMMAND_INTX_OFF	(1U << 10)
#define PCI_BAR0		0x10

#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6000

static volatile unsigned long handled;

static void no_ack(unsigned int intid)
{
	(void)intid;
	handled++;	/* ended by irq_dispatch(), still asserted at the device */
}

static uint64_t irouter(unsigned int intid)
{
	return mmio_read64(GICD_BASE + GICD_IROUTER + 8 * intid);
}

/* Group 1, a priority, level-sensitive, enabled: everything but the route. */
static void enable_in_place(unsigned int intid)
{
	uintptr_t word = 4 * (intid / 32), prio = GICD_BASE + GICD_IPRIORITYR + (intid & ~3U);
	uintptr_t cfg = GICD_BASE + GICD_ICFGR + 4 * (intid / 16);
	uint32_t bit = 1U << (intid % 32), shift = 8 * (intid & 3);

	mmio_write32(GICD_BASE + GICD_IGROUPR + word,
		     mmio_read32(GICD_BASE + GICD_IGROUPR + word) | bit);
	mmio_write32(prio, (mmio_read32(prio) & ~(0xffU << shift)) | 0xa0U << shift);
	mmio_write32(cfg, mmio_read32(cfg) & ~(2U << (2 * (intid % 16))));
	mmio_write32(GICD_BASE + GICD_ISENABLER + word, bit);
}

void inmate_main(void)
{
	uint64_t end, route;
	unsigned int intid, got;
	unsigned long taken = 0;
	uintptr_t bar;
	int bdf;

	irq_disable_local();
	bdf = pci_find_device(EDU_VENDOR, EDU_DEVICE);
	intid = bdf < 0 ? 0 : pci_intx_irq((unsigned int)bdf);
	bar = bdf < 0 ? 0 : pci_cfg_read((unsigned int)bdf, PCI_BAR0, 4) & ~0xfU;
	if (!intid || !bar || irq_init()) {
		printf("spi-livelock: error: no edu device with INTx and BAR0, or no GIC\n");
		return;
	}
	pci_cfg_write((unsigned int)bdf, PCI_COMMAND, (pci_cfg_read((unsigned int)bdf,
		      PCI_COMMAND, 2) | PCI_COMMAND_MEMORY) & ~PCI_COMMAND_INTX_OFF, 2);

	printf("spi-livelock: INTID %u (edu INTx, level) is routed to 0x%lx; this CPU is 0x%lx\n",
	       intid, (unsigned long)irouter(intid), (unsigned long)cpu_affinity());
	enable_in_place(intid);
	mmio_write32(bar + EDU_IRQ_RAISE, EDU_IRQ_TEST);	/* asserted until acknowledged */
	got = take_irq_within(2000000);
	if (got != intid) {
		printf("spi-livelock: INTID %u did not reach this CPU (got %u)\n", intid, got);
	} else {
		end = timer_now() + timer_ns_to_ticks(1000000000ULL);
		for (taken = 1; timer_now() < end; taken++)
			if (take_irq_within(100000) != intid)
				break;
		printf("spi-livelock: INTID %u reached this CPU %lu times in 1 s, level held\n",
		       intid, taken);
	}

	mmio_write64(GICD_BASE + GICD_IROUTER + 8 * intid, 0);		/* CPU 0: the root's */
	route = irouter(intid);
	printf("spi-livelock: after routing INTID %u to CPU 0: IROUTER 0x%lx (%s)\n", intid,
	       (unsigned long)route, route == cpu_affinity() ? "still ours" : "MOVED");
	mmio_write64(GICD_BASE + GICD_IROUTER + 8 * intid, 1ULL << 31);	/* any CPU */
	route = irouter(intid);
	printf("spi-livelock: after routing INTID %u to any CPU: IROUTER 0x%lx (%s)\n", intid,
	       (unsigned long)route, route == cpu_affinity() ? "still ours" : "MOVED");

	irq_request(intid, no_ack);
	mmio_write32(bar + EDU_IRQ_RAISE, EDU_IRQ_TEST);
	printf("spi-livelock: holding INTID %u asserted with interrupts on; no shutdown answer\n",
	       intid);
	irq_enable_local();
	for (;;) {
		unsigned long before = handled;

		delay_us(1000000);
		if (handled == before)
			printf("spi-livelock: no interrupt in the last second\n");
	}
}
