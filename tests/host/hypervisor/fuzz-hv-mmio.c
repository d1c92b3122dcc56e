// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: MMIO dispatch (hypervisor/core/mmio.c) and the emulated devices behind
 * it, as a cell's trapped loads and stores reach them: the GICv3 distributor and
 * redistributors (arch/arm64/gic-dist.c) and PCI configuration space (core/pci.c).
 *
 * The machine is QEMU virt's (4 CPUs, 256 INTIDs, ECAM buses 0..1), with the root cell on
 * CPUs 0-1 and two cells: cell 1 on CPU 2 (SPIs 40-47, PCI 00:01.0) and cell 2 on CPU 3
 * (SPIs 48-55).  The distributor, the redistributors and the ECAM window are plain host
 * memory here, so the checks below can see what an access changed.
 *
 * The input is a list of 16-byte accesses: who (root, cell 1 or 2), size, read or write,
 * the target (GICD, GICR, ECAM, or anywhere), an offset and a value.  Besides what the
 * sanitizers catch, every access is checked against the isolation rules:
 *  - a handled access stayed within the region its handler was registered for;
 *  - a non-root cell's write never changes another cell's or the root's state: distributor
 *    fields of interrupts it does not own (the per-interrupt banks and IROUTER), GICD_CTLR,
 *    and the redistributor frames of CPUs it does not have;
 *  - a read of a field of an interrupt the cell does not own gives 0.
 * Known open findings of issue 11 are not asserted (GICR RD_base of the cell's own CPU is
 * passed through raw).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/gic.h>
#include <cv/cell.h>
#include <cv/config.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/mmio.h>
#include <cv/percpu.h>

#define GICD_BASE	0x08000000ULL
#define GICR_BASE	0x080a0000ULL
#define ECAM_BASE	0x4010000000ULL
#define NUM_CPUS	4
#define ECAM_BUSES	2
#define GICD_LEN	CV_GICD_SIZE
#define GICR_LEN	(NUM_CPUS * CV_GICR_STRIDE)
#define ECAM_LEN	((u64)ECAM_BUSES << 20)

#define FAIL(...) do { fprintf(stderr, "fuzz-hv-mmio: " __VA_ARGS__); abort(); } while (0)

/* The stand-ins of what the arch layer and the rest of the hypervisor provide. */
struct page_pool mem_pool, remap_pool;
struct hypervisor hv;
static struct cv_system_config sys;
static struct per_cpu cpus[NUM_CPUS];
static u8 *gicd_mem, *gicr_mem, *ecam_mem;
static bool ecam_dirty[ECAM_LEN / PAGE_SIZE];	/* pages to reset before the next input */

struct per_cpu *per_cpu(u64 id)
{
	return id < NUM_CPUS ? &cpus[id] : NULL;
}

struct per_cpu *this_cpu(void)
{
	return &cpus[0];
}

void *arch_map_device(u64 phys, u64 size)
{
	if (phys == GICD_BASE && size == GICD_LEN)
		return gicd_mem;
	if (phys == GICR_BASE && size == GICR_LEN)
		return gicr_mem;
	FAIL("arch_map_device(0x%llx, 0x%llx): not a device of the platform\n", phys, size);
}

void *arch_map_temp_io(u64 phys)
{
	if (phys < ECAM_BASE || phys - ECAM_BASE >= ECAM_LEN || phys % PAGE_SIZE)
		FAIL("arch_map_temp_io(0x%llx): outside the ECAM window\n", phys);
	ecam_dirty[(phys - ECAM_BASE) / PAGE_SIZE] = true;
	return ecam_mem + (phys - ECAM_BASE);
}

void *arch_map_temp(u64 phys)
{
	FAIL("arch_map_temp(0x%llx): an MMIO access touched RAM\n", phys);
}

void arch_unmap_temp(void *virt)
{
	(void)virt;
}

/* The memory pool: the cells' BAR views (core/pci.c). */
void *page_alloc(unsigned int pages)
{
	return calloc(pages, PAGE_SIZE);
}

void page_free(void *virt, unsigned int pages)
{
	(void)pages;
	free(virt);
}

unsigned int page_count(u64 size)
{
	return (unsigned int)((size + PAGE_SIZE - 1) / PAGE_SIZE);
}

int arch_map_guest(struct cell *c, u64 ipa, u64 pa, u64 size, unsigned int flags)
{
	(void)c; (void)ipa; (void)pa; (void)size; (void)flags;
	return 0;
}

int arch_unmap_guest(struct cell *c, u64 ipa, u64 size)
{
	(void)c; (void)ipa; (void)size;
	return 0;
}

u64 arch_guest_phys(struct cell *c, u64 ipa, bool write)
{
	(void)c; (void)ipa; (void)write;
	return 0;
}

void arch_flush_guest_tlb(struct cell *c)
{
	(void)c;
}

void printk(const char *fmt, ...)
{
	(void)fmt;	/* refusals are expected by the thousand */
}

bool console_ratelimit(struct ratelimit *rl)
{
	(void)rl;
	return true;
}

/* Cells: the root (CPUs 0-1) and two others. */
struct cell_blob {
	struct cv_cell_config cfg;
	struct cv_irq_range irqs[1];
	struct cv_pci_device pci[1];
};

static struct cell_blob root_blob, blob1, blob2;
static struct cell cell1, cell2;

static void make_cell(struct cell *c, struct cell_blob *b, unsigned int id, const char *name,
		      u64 cpus, u32 irq_first, u32 irq_count, int devfn)
{
	memset(b, 0, sizeof(*b));
	b->cfg.hdr = (struct cv_blob_header){ CV_CELL_MAGIC, CV_CONFIG_REVISION, 0,
					      sizeof(*b), 0 };
	strcpy(b->cfg.name, name);
	b->cfg.cpu_set = cpus;
	b->cfg.irq_ranges = (struct cv_array){ offsetof(struct cell_blob, irqs), 1 };
	b->irqs[0] = (struct cv_irq_range){ irq_first, irq_count };
	if (devfn >= 0) {
		b->cfg.pci_devices = (struct cv_array){ offsetof(struct cell_blob, pci), 1 };
		b->pci[0].devfn = (u8)devfn;
		b->pci[0].bars[0] = (struct cv_pci_bar){ 0x10000000, 0x100000 };
	}
	c->id = id;
	c->state = CV_CELL_STATE_RUNNING;
	c->cpu_set = cpus;
	c->config = &b->cfg;
}

static struct cell *const who_cells[3] = { &root_cell, &cell1, &cell2 };

/*
 * No function but cell1's 00:01.0: an endpoint with a 32-bit memory BAR 0 (sized like plain
 * memory: 16 bytes).
 */
static void reset_ecam_page(size_t pg)
{
	u8 *p = ecam_mem + pg * PAGE_SIZE;

	memset(p, 0xff, PAGE_SIZE);
	if (pg == 1 << 3) {
		p[0x0e] = 0;
		memset(p + 0x10, 0, 4);
	}
	ecam_dirty[pg] = false;
}

static void setup(void)
{
	unsigned int i;

	gicd_mem = aligned_alloc(PAGE_SIZE, GICD_LEN);
	gicr_mem = aligned_alloc(PAGE_SIZE, GICR_LEN);
	ecam_mem = aligned_alloc(PAGE_SIZE, ECAM_LEN);
	sys.platform = (struct cv_platform){
		.gicd_base = GICD_BASE, .gicr_base = GICR_BASE, .gic_version = CV_GIC_V3,
		.maintenance_irq = 25, .pci_ecam_base = ECAM_BASE, .pci_bus_start = 0,
		.pci_bus_end = ECAM_BUSES - 1, .num_cpus = NUM_CPUS, .num_irqs = 256,
	};
	hv.config = &sys;
	make_cell(&root_cell, &root_blob, 0, "root", 0x3, 100, 1, -1);
	make_cell(&cell1, &blob1, 1, "cell1", 0x4, 40, 8, 1 << 3);
	make_cell(&cell2, &blob2, 2, "cell2", 0x8, 48, 8, -1);
	for (i = 0; i < NUM_CPUS; i++)
		cpus[i] = (struct per_cpu){ .id = i, .present = true,
					    .cell = i < 2 ? &root_cell : i == 2 ? &cell1 : &cell2,
					    .arch.mpidr = 0x80000000ULL | i };
	if (cell_add(&root_cell) || cell_add(&cell1) || cell_add(&cell2))
		FAIL("cell_add\n");
	memset(gicd_mem, 0, GICD_LEN);
	*(u32 *)(gicd_mem + 0x4) = 7;		/* GICD_TYPER: 256 INTIDs */
	if (gic_dist_init())
		FAIL("gic_dist_init\n");
	for (i = 0; i < 3; i++)
		if (gic_cell_init(who_cells[i]) || pci_cell_init(who_cells[i]))
			FAIL("registering the emulated devices of cell %u\n", i);
	for (i = 0; i < ECAM_LEN / PAGE_SIZE; i++)
		reset_ecam_page(i);
	pci_cell_bars(&cell1);
}

static u8 shadow_ecam[PAGE_SIZE];

/* A non-root cell's configuration write: nothing of another's function, none of its BARs. */
static void check_ecam(const struct cell *c, u64 addr, unsigned int size)
{
	u64 page = (addr - ECAM_BASE) & ~(u64)(PAGE_SIZE - 1);
	struct cv_pci_device d = { .bus = (u8)(page >> 20), .devfn = (u8)(page >> 12) };
	unsigned int i;

	for (i = 0; i < PAGE_SIZE; i++)
		if (ecam_mem[page + i] != shadow_ecam[i] &&
		    (!pci_listed(c->config, &d) || (i >= 0x10 && i < 0x28) ||
		     (i >= 0x30 && i < 0x34)))
			FAIL("cell '%s' wrote %u bytes at 0x%llx and changed byte 0x%x of the "
			     "configuration space of %02x:%02x.%u\n", c->config->name, size, addr,
			     i, d.bus, d.devfn >> 3, d.devfn & 7);
}

/*
 * Per-interrupt banks of the distributor: offset range, bits per interrupt, and whether a
 * write sets or clears the bits written as 1 (ISENABLER..ICACTIVER).  The distributor is
 * plain memory here, so the hypervisor's write of 0 to a foreign bit of those banks, which
 * real hardware ignores, shows as a 1 becoming 0: only a 0 becoming 1 reached the bit.
 */
static const struct { u32 start, end, bits; bool set_clear; } banks[] = {
	{ 0x0080, 0x0100, 1, false }, { 0x0100, 0x0180, 1, true }, { 0x0180, 0x0200, 1, true },
	{ 0x0200, 0x0280, 1, true }, { 0x0280, 0x0300, 1, true }, { 0x0300, 0x0380, 1, true },
	{ 0x0380, 0x0400, 1, true }, { 0x0400, 0x0800, 8, false }, { 0x0c00, 0x0d00, 2, false },
	{ 0x0d00, 0x0d80, 1, false }, { 0x0e00, 0x0f00, 2, false },
};

/*
 * The interrupt a distributor bit belongs to, or -1 if the bit is not a per-interrupt one;
 * *set_clear says whether it is in a set/clear bank.
 */
static int gicd_bit_irq(u64 bit, bool *set_clear)
{
	u64 byte = bit / 8;
	unsigned int i;

	*set_clear = false;
	for (i = 0; i < ARRAY_SIZE(banks); i++)
		if (byte >= banks[i].start && byte < banks[i].end) {
			*set_clear = banks[i].set_clear;
			return (int)((bit - banks[i].start * 8) / banks[i].bits);
		}
	if (byte >= 0x6000 && byte < 0x7fe0)
		return (int)((byte - 0x6000) / 8);
	return -1;
}

static u8 *shadow_gicd, *shadow_gicr;

/* What a non-root cell's write changed that was not its to change. */
static void check_isolation(const struct cell *c, u64 addr, unsigned int size)
{
	u64 i;
	int b;

	if (!memcmp(gicd_mem, shadow_gicd, GICD_LEN) && !memcmp(gicr_mem, shadow_gicr, GICR_LEN))
		return;
	for (i = 0; i < GICD_LEN; i++) {
		u8 diff = gicd_mem[i] ^ shadow_gicd[i];

		for (b = 0; diff && b < 8; b++) {
			bool set_clear;
			int irq;

			if (!(diff >> b & 1))
				continue;
			irq = gicd_bit_irq(i * 8 + b, &set_clear);
			if (set_clear && !(gicd_mem[i] >> b & 1))
				continue;	/* a 0 written to a set/clear bit */
			if ((irq >= 0 && !cell_owns_irq(c, (u32)irq)) || i < 4)
				FAIL("cell '%s' wrote %u bytes at 0x%llx and changed GICD byte 0x%llx "
				     "bit %d (interrupt %d, not its own)\n", c->config->name, size,
				     addr, i, b, irq);
		}
	}
	for (i = 0; i < GICR_LEN; i++) {
		struct per_cpu *cpu = per_cpu(i / CV_GICR_STRIDE);

		if (gicr_mem[i] != shadow_gicr[i] && cpu->cell != c)
			FAIL("cell '%s' wrote %u bytes at 0x%llx and changed the redistributor of "
			     "CPU %u (cell '%s') at offset 0x%llx\n", c->config->name, size, addr,
			     cpu->id, cpu->cell->config->name, i % CV_GICR_STRIDE);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	size_t pos, pg;

	if (!ready) {
		setup();
		shadow_gicd = malloc(GICD_LEN);
		shadow_gicr = malloc(GICR_LEN);
		ready = true;
	}
	/* Every input starts from the same device state. */
	memset(gicd_mem, 0, GICD_LEN);
	*(u32 *)(gicd_mem + 0x4) = 7;
	memset(gicr_mem, 0, GICR_LEN);
	for (pg = 0; pg < ECAM_LEN / PAGE_SIZE; pg++)
		if (ecam_dirty[pg])
			reset_ecam_page(pg);
	for (pos = 0; pos + 16 <= size; pos += 16) {
		const u8 *op = data + pos;
		struct cell *c = who_cells[op[0] % 3];
		unsigned int sz = 1U << (op[1] & 3);
		bool write = op[1] & 4;
		u32 off;
		u64 base, len, value, addr;
		struct mmio_access a;
		enum mmio_result r;

		memcpy(&off, op + 4, 4);
		memcpy(&value, op + 8, 8);
		switch ((op[1] >> 3) & 3) {
		case 0: base = GICD_BASE; len = GICD_LEN; break;
		case 1: base = GICR_BASE; len = GICR_LEN; break;
		case 2: base = ECAM_BASE; len = ECAM_LEN; break;
		default: base = (u64)op[2] << 32 | (u64)op[3] << 24; len = 1ULL << 32;
		}
		addr = base + off % len;
		if (!(op[1] & 0x20))
			addr &= ~(u64)(sz - 1);		/* mostly aligned, as a CPU would issue */
		if (sz < 8)
			value &= (1ULL << (8 * sz)) - 1;
		a = (struct mmio_access){ .addr = addr, .value = value, .size = sz,
					  .write = write };
		if (write && c != &root_cell) {
			memcpy(shadow_gicd, gicd_mem, GICD_LEN);
			memcpy(shadow_gicr, gicr_mem, GICR_LEN);
			if (addr >= ECAM_BASE && addr < ECAM_BASE + ECAM_LEN)
				memcpy(shadow_ecam, ecam_mem + ((addr - ECAM_BASE) &
							       ~(u64)(PAGE_SIZE - 1)),
				       PAGE_SIZE);
		}
		r = mmio_dispatch(c, &a);
		if (r != MMIO_HANDLED && r != MMIO_UNHANDLED)
			FAIL("mmio_dispatch returned %d\n", r);
		if (r == MMIO_HANDLED) {
			unsigned int i;
			bool inside = false;

			for (i = 0; i < c->num_mmio; i++)
				if (range_within(addr, sz, c->mmio[i].start, c->mmio[i].size) &&
				    a.addr == addr - c->mmio[i].start)
					inside = true;
			if (!inside)
				FAIL("an access at 0x%llx+%u was handled outside any region\n", addr,
				     sz);
		}
		if (write && c != &root_cell)
			check_isolation(c, addr, sz);
		if (write && c != &root_cell && addr >= ECAM_BASE && addr + sz <= ECAM_BASE + ECAM_LEN)
			check_ecam(c, addr, sz);
		if (!write && r == MMIO_HANDLED && c != &root_cell && addr >= GICD_BASE &&
		    addr + sz <= GICD_BASE + GICD_LEN) {
			u64 bit;

			for (bit = 0; bit < 8ULL * sz; bit++) {
				bool set_clear;
				int irq = gicd_bit_irq((addr - GICD_BASE) * 8 + bit, &set_clear);

				if (irq >= 0 && !cell_owns_irq(c, (u32)irq) && (a.value >> bit & 1))
					FAIL("cell '%s' read 0x%llx at 0x%llx: bit %llu belongs to "
					     "interrupt %d, not its own\n", c->config->name, a.value,
					     addr, bit, irq);
			}
		}
	}
	return 0;
}
