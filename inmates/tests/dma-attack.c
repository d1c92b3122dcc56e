// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma-attack: a cell that owns QEMU's edu (00:01.0) and makes it DMA where the cell may
 * not, for tests/guest/scenarios/hostile-dma.sh.  First the control: edu copies a buffer of
 * the cell's own 'dma' RAM into its buffer and back ("dma-attack: own RAM: N of N bytes").
 * Then edu reads 256 bytes from each target into its buffer, which is copied back into the
 * cell's RAM: "read TARGET at ADDR: nothing arrived (every byte 0xNN)" when what came is
 * one repeated byte (what a blocked read gives) and not what the target is known to hold,
 * "LEAKED" otherwise.  Known contents: the hypervisor starts with its image header
 * ("ELCVISOR"), the canary gic-demo with the same entry code as this inmate, and the cell's
 * own RAM without 'dma' gets a marker from the CPU first.  Then edu writes a known pattern
 * over each target ("write TARGET at ADDR: done"): the scenario checks that the victims are
 * unharmed and that the hypervisor reported every attempt; the cell checks its own RAM
 * without 'dma' still holds the marker.  Targets, as device addresses (what the cell would
 * program; no translation lets them through): the hypervisor's memory (0x70000000), the
 * canary gic-demo's RAM (0x71000000), the root's RAM (0x50000000), the cell's own RAM
 * without 'dma' (its second region, 0x40400000), and the doorbells an MSI would write: the
 * ITS's GITS_TRANSLATER (0x08090040) and the distributor's GICD_SETSPI_NSR (0x08000040).
 * Last, with decoding on, it moves BAR 0 over the root's RAM (0x50000000): its view of the
 * register says so, but the device must still answer where it was ("dma-attack: BAR 0 ...
 * the device still answers at ADDR", or "... MOVED").
 * Ends with "dma-attack: done, N leaked"; approves shutdown. */
#include <inmate.h>

INMATE_NAME("dma-attack");

#define EDU_ID			0x00		/* reads 0x010000ed */
#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_COUNT		0x90
#define EDU_DMA_CMD		0x98
#define EDU_DMA_START		0x01
#define EDU_DMA_TO_RAM		0x02
#define EDU_DMA_BUFFER		0x40000
#define PCI_COMMAND		0x04
#define PCI_COMMAND_MEMORY	(1U << 1)
#define PCI_COMMAND_MASTER	(1U << 2)
#define PCI_BAR0		0x10
#define BYTES			256
#define NO_DMA_RAM		0x40400000UL	/* the cell's second RAM region: no 'dma' */

#define ENTRY			0x40000000UL	/* this inmate's entry code: gic-demo's too */

static const uint8_t hv_magic[8] = { 'E', 'L', 'C', 'V', 'I', 'S', 'O', 'R' };

static const struct {
	const char *name;
	uint64_t addr;
	const void *known;	/* what its first bytes are known to hold, or NULL */
	unsigned int known_len;
} targets[] = {
	{ "the hypervisor", 0x70000000, hv_magic, sizeof(hv_magic) },
	{ "the canary gic-demo", 0x71000000, (const void *)ENTRY, 64 },
	{ "the root", 0x50000000, NULL, 0 },
	{ "its own RAM without dma", NO_DMA_RAM, (const void *)NO_DMA_RAM, BYTES },
	/* What an MSI is: a device's write to an interrupt controller's doorbell. */
	{ "the ITS doorbell GITS_TRANSLATER", 0x08090040, NULL, 0 },
	{ "the distributor's GICD_SETSPI_NSR", 0x08000040, NULL, 0 },
};

static uintptr_t bar;
static uint8_t pattern[BYTES] __attribute__((aligned(64)));
static uint8_t back[BYTES] __attribute__((aligned(64)));

static bool edu_dma(uint64_t src, uint64_t dst, uint32_t dir)
{
	uint64_t end = timer_now() + timer_ns_to_ticks(2000000000ULL);

	mmio_write64(bar + EDU_DMA_SRC, src);
	mmio_write64(bar + EDU_DMA_DST, dst);
	mmio_write64(bar + EDU_DMA_COUNT, BYTES);
	mmio_write64(bar + EDU_DMA_CMD, EDU_DMA_START | dir);
	while (timer_now() < end)
		if (!(mmio_read64(bar + EDU_DMA_CMD) & EDU_DMA_START))
			return true;
	printf("dma-attack: edu's DMA did not finish within 2 s\n");
	return false;
}

/* edu's buffer copied into 'back': how many bytes hold the pattern. */
static unsigned int buffer_matches(void)
{
	unsigned int i, same = 0;

	for (i = 0; i < BYTES; i++)
		back[i] = 0;
	edu_dma(EDU_DMA_BUFFER, (uintptr_t)back, EDU_DMA_TO_RAM);
	for (i = 0; i < BYTES; i++)
		same += back[i] == pattern[i];
	return same;
}

/* Did edu's read of target i bring anything?  'back' holds what came. */
static bool leaked(unsigned int i)
{
	const volatile uint8_t *known = targets[i].known;
	unsigned int k;
	bool uniform = true, is_known = known != NULL;

	for (k = 1; k < BYTES; k++)
		uniform &= back[k] == back[0];
	for (k = 0; is_known && k < targets[i].known_len; k++)
		is_known = back[k] == known[k];
	return !uniform || is_known;
}

static void mark_no_dma_ram(void)
{
	volatile uint8_t *p = (volatile uint8_t *)NO_DMA_RAM;
	unsigned int i;

	for (i = 0; i < BYTES; i++)
		p[i] = (uint8_t)(0x3c + 5 * i);
}

static bool no_dma_ram_marked(void)
{
	const volatile uint8_t *p = (const volatile uint8_t *)NO_DMA_RAM;
	unsigned int i;

	for (i = 0; i < BYTES; i++)
		if (p[i] != (uint8_t)(0x3c + 5 * i))
			return false;
	return true;
}

void inmate_main(void)
{
	unsigned int i, same, nleaked = 0;
	uint32_t cmd;
	int bdf = pci_find_device(EDU_VENDOR, EDU_DEVICE);

	if (bdf < 0) {
		printf("dma-attack: no edu device; give the cell 00:01.0\n");
		return;
	}
	bar = pci_cfg_read((unsigned int)bdf, PCI_BAR0, 4) & ~0xfU;
	cmd = pci_cfg_read((unsigned int)bdf, PCI_COMMAND, 2);
	pci_cfg_write((unsigned int)bdf, PCI_COMMAND,
		      cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	for (i = 0; i < BYTES; i++)
		pattern[i] = (uint8_t)(0xa5 ^ i);

	/* The control: DMA works where the cell may. */
	edu_dma((uintptr_t)pattern, EDU_DMA_BUFFER, 0);
	same = buffer_matches();
	printf("dma-attack: own RAM: %u of %u bytes\n", same, BYTES);
	if (same != BYTES) {
		printf("dma-attack: the device does not work; nothing to attack with\n");
		return;
	}

	mark_no_dma_ram();
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		bool bad;

		edu_dma((uintptr_t)pattern, EDU_DMA_BUFFER, 0);	/* a known start */
		edu_dma(targets[i].addr, EDU_DMA_BUFFER, 0);
		buffer_matches();
		bad = leaked(i);
		if (bad)
			printf("dma-attack: read %s at 0x%lx: LEAKED (%02x %02x %02x %02x ...)\n",
			       targets[i].name, (unsigned long)targets[i].addr, back[0], back[1],
			       back[2], back[3]);
		else
			printf("dma-attack: read %s at 0x%lx: nothing arrived (every byte 0x%02x)\n",
			       targets[i].name, (unsigned long)targets[i].addr, back[0]);
		nleaked += bad;
	}
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		edu_dma((uintptr_t)pattern, EDU_DMA_BUFFER, 0);
		printf("dma-attack: write %s at 0x%lx: %s\n", targets[i].name,
		       (unsigned long)targets[i].addr,
		       edu_dma(EDU_DMA_BUFFER, targets[i].addr, EDU_DMA_TO_RAM) ? "done" :
		       "timed out");
	}
	printf("dma-attack: own RAM without dma at 0x%lx %s\n", NO_DMA_RAM,
	       no_dma_ram_marked() ? "holds its marker: not written" : "CHANGED: WRITTEN");
	nleaked += !no_dma_ram_marked();

	/* The real BAR must stay: the cell writes only its view of the register. */
	pci_cfg_write((unsigned int)bdf, PCI_BAR0, 0x50000000, 4);
	printf("dma-attack: BAR 0 written with 0x50000000, reads 0x%x: the device %s 0x%lx\n",
	       pci_cfg_read((unsigned int)bdf, PCI_BAR0, 4),
	       mmio_read32(bar + EDU_ID) == 0x010000ed ? "still answers at" : "MOVED away from",
	       (unsigned long)bar);
	nleaked += mmio_read32(bar + EDU_ID) != 0x010000ed;
	pci_cfg_write((unsigned int)bdf, PCI_BAR0, (uint32_t)bar, 4);
	printf("dma-attack: done, %u leaked\n", nleaked);
}
