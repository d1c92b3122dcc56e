// SPDX-License-Identifier: GPL-2.0-only
/*
 * pci-demo: finds QEMU's "edu" PCI device, checks its liveness register, computes a
 * factorial with it, receives its interrupt (INTx) and has it copy a buffer of the cell's
 * RAM (a 'dma' region) into its own buffer and back by DMA.  Each step prints one line
 * ending in "ok" or "FAILED"; the last line says whether all passed.  Approves shutdown.
 */
#include <inmate.h>
#include <arch/board.h>

INMATE_NAME("pci-demo");

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8

#define EDU_ID			0x00
#define EDU_LIVENESS		0x04
#define EDU_FACTORIAL		0x08
#define EDU_STATUS		0x20
#define EDU_STATUS_COMPUTING	0x01
#define EDU_STATUS_IRQ_FACT	0x80
#define EDU_IRQ_STATUS		0x24
#define EDU_IRQ_RAISE		0x60
#define EDU_IRQ_ACK		0x64
#define EDU_IRQ_FACT		0x001
#define EDU_IRQ_TEST		0x100
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_COUNT		0x90
#define EDU_DMA_CMD		0x98
#define EDU_DMA_START		0x01
#define EDU_DMA_TO_RAM		0x02	/* direction: from edu's buffer to RAM */
#define EDU_DMA_BUFFER		0x40000	/* edu's 4 KiB buffer, in its DMA address space */
#define DMA_BYTES		256

#define PCI_COMMAND		0x04
#define PCI_COMMAND_MEMORY	(1U << 1)
#define PCI_COMMAND_MASTER	(1U << 2)
#define PCI_COMMAND_INTX_OFF	(1U << 10)
#define PCI_BAR0		0x10

static uintptr_t bar;
static uint8_t dma_out[DMA_BYTES] __attribute__((aligned(64)));
static uint8_t dma_in[DMA_BYTES] __attribute__((aligned(64)));
static volatile uint32_t irq_status;
static volatile unsigned int irq_count;
static unsigned int failures;

static void edu_irq(unsigned int intid)
{
	uint32_t status = mmio_read32(bar + EDU_IRQ_STATUS);

	(void)intid;
	mmio_write32(bar + EDU_IRQ_ACK, status);	/* lowers the level-triggered line */
	irq_status |= status;
	irq_count++;
}

static void check(bool ok, const char *what)
{
	printf("pci-demo: %s: %s\n", what, ok ? "ok" : "FAILED");
	if (!ok)
		failures++;
}

/* BAR0 as the root cell assigned it; programmed here only when nobody did (no Linux). */
static uintptr_t setup_bar0(unsigned int bdf)
{
	uint32_t lo = pci_cfg_read(bdf, PCI_BAR0, 4);
	bool is64 = (lo & 0x6) == 0x4;
	uint64_t addr = lo & ~0xfULL;
	uint32_t size_mask;

	if (lo & 1) {
		printf("pci-demo: BAR0 is an I/O BAR (0x%08x), expected memory\n", lo);
		return 0;
	}
	if (is64)
		addr |= (uint64_t)pci_cfg_read(bdf, PCI_BAR0 + 4, 4) << 32;
	if (addr) {
		printf("pci-demo: BAR0 at 0x%lx (%s-bit), as assigned\n", (unsigned long)addr,
		       is64 ? "64" : "32");
		return addr;
	}

	pci_cfg_write(bdf, PCI_BAR0, 0xffffffff, 4);
	size_mask = pci_cfg_read(bdf, PCI_BAR0, 4) & ~0xfU;
	if (!size_mask) {
		printf("pci-demo: BAR0 is not implemented\n");
		return 0;
	}
	addr = BOARD_PCI_MMIO_BASE;
	pci_cfg_write(bdf, PCI_BAR0, (uint32_t)addr, 4);
	if (is64)
		pci_cfg_write(bdf, PCI_BAR0 + 4, 0, 4);
	printf("pci-demo: BAR0 was unassigned: programmed 0x%lx (size 0x%x)\n",
	       (unsigned long)addr, ~size_mask + 1);
	return addr;
}

static bool wait_irq(unsigned int count, uint32_t status_bit)
{
	uint64_t end = timer_now() + timer_ns_to_ticks(2000000000ULL);

	while (timer_now() < end) {
		if (irq_count >= count && (irq_status & status_bit))
			return true;
	}
	return false;
}

/* One edu DMA transfer; false when it does not finish within 2 s. */
static bool edu_dma(uint64_t src, uint64_t dst, uint32_t count, uint32_t dir)
{
	uint64_t end = timer_now() + timer_ns_to_ticks(2000000000ULL);

	mmio_write64(bar + EDU_DMA_SRC, src);
	mmio_write64(bar + EDU_DMA_DST, dst);
	mmio_write64(bar + EDU_DMA_COUNT, count);
	mmio_write64(bar + EDU_DMA_CMD, EDU_DMA_START | dir);
	while (timer_now() < end)
		if (!(mmio_read64(bar + EDU_DMA_CMD) & EDU_DMA_START))
			return true;
	return false;
}

/*
 * The cell's RAM is a 'dma' region: edu copies dma_out into its buffer and back into
 * dma_in (the addresses are the cell's own, translated by the IOMMU).
 */
static void dma_step(void)
{
	unsigned int i, same = 0;
	bool done;

	for (i = 0; i < DMA_BYTES; i++) {
		dma_out[i] = (uint8_t)(i * 7 + 3);
		dma_in[i] = 0;
	}
	done = edu_dma((uintptr_t)dma_out, EDU_DMA_BUFFER, DMA_BYTES, 0) &&
	       edu_dma(EDU_DMA_BUFFER, (uintptr_t)dma_in, DMA_BYTES, EDU_DMA_TO_RAM);
	for (i = 0; i < DMA_BYTES; i++)
		same += dma_in[i] == dma_out[i];
	printf("pci-demo: DMA of %u bytes from 0x%lx through edu to 0x%lx: %s, %u bytes "
	       "match\n", DMA_BYTES, (unsigned long)(uintptr_t)dma_out,
	       (unsigned long)(uintptr_t)dma_in, done ? "done" : "timed out", same);
	check(done && same == DMA_BYTES, "DMA to and from the cell's RAM");
}

void inmate_main(void)
{
	uint64_t expected = 1;
	uint32_t v, id, cmd;
	unsigned int intid, n = 10, i;
	int bdf;

	printf("pci-demo: PCI config space (ECAM) at 0x%lx\n", (unsigned long)pci_ecam_base());
	bdf = pci_find_device(EDU_VENDOR, EDU_DEVICE);
	if (bdf < 0) {
		printf("pci-demo: error: no edu device (%04x:%04x) on bus 0: start QEMU with "
		       "-device edu and give it to this cell\n", EDU_VENDOR, EDU_DEVICE);
		printf("pci-demo: 1 checks FAILED\n");
		return;
	}
	printf("pci-demo: found edu %04x:%04x at 00:%02x.%x\n", EDU_VENDOR, EDU_DEVICE,
	       ((unsigned int)bdf >> 3) & 0x1f, (unsigned int)bdf & 7);

	bar = setup_bar0((unsigned int)bdf);
	if (!bar) {
		printf("pci-demo: 1 checks FAILED\n");
		return;
	}
	cmd = pci_cfg_read((unsigned int)bdf, PCI_COMMAND, 2);
	pci_cfg_write((unsigned int)bdf, PCI_COMMAND,
		      (cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER) & ~PCI_COMMAND_INTX_OFF, 2);

	id = mmio_read32(bar + EDU_ID);
	printf("pci-demo: identification 0x%08x (version %u.%u)\n", id, id >> 24,
	       (id >> 16) & 0xff);
	check((id & 0xff) == 0xed, "identification register reads 0x..ed");

	mmio_write32(bar + EDU_LIVENESS, 0x12345678);
	v = mmio_read32(bar + EDU_LIVENESS);
	printf("pci-demo: liveness: wrote 0x12345678, read 0x%08x\n", v);
	check(v == ~0x12345678U, "liveness check");

	intid = pci_intx_irq((unsigned int)bdf);
	if (!intid || irq_init() || irq_request(intid, edu_irq)) {
		check(false, "interrupt setup");
		intid = 0;
	} else {
		printf("pci-demo: INTx pin %c routed to INTID %u\n",
		       'A' + pci_cfg_read((unsigned int)bdf, 0x3d, 1) - 1, intid);
		irq_enable_local();
	}

	for (i = 2; i <= n; i++)
		expected *= i;
	mmio_write32(bar + EDU_STATUS, intid ? EDU_STATUS_IRQ_FACT : 0);
	mmio_write32(bar + EDU_FACTORIAL, n);
	for (i = 0; i < 1000000; i++)
		if (!(mmio_read32(bar + EDU_STATUS) & EDU_STATUS_COMPUTING))
			break;
	v = mmio_read32(bar + EDU_FACTORIAL);
	printf("pci-demo: factorial(%u) = %u (expected %lu)\n", n, v, (unsigned long)expected);
	check(v == expected, "factorial");

	if (intid) {
		bool got = wait_irq(1, EDU_IRQ_FACT);

		printf("pci-demo: interrupt after the factorial: %u interrupt(s), status 0x%x\n",
		       irq_count, irq_status);
		check(got, "factorial interrupt");

		mmio_write32(bar + EDU_STATUS, 0);
		irq_status = 0;
		mmio_write32(bar + EDU_IRQ_RAISE, EDU_IRQ_TEST);
		got = wait_irq(2, EDU_IRQ_TEST);
		printf("pci-demo: interrupt raised by software: %u interrupt(s), status 0x%x\n",
		       irq_count, irq_status);
		check(got, "raised interrupt");
	}

	dma_step();

	if (failures)
		printf("pci-demo: %u checks FAILED\n", failures);
	else
		printf("pci-demo: all checks passed\n");
}
