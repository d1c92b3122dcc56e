// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of DMA isolation: the generic part (hypervisor/core/iommu.c) and the SMMUv3
 * driver (hypervisor/arch/arm64/smmuv3.c) together, against a model of the SMMU's register
 * file.  The model (smmu_step(), run whenever the driver reads the clock, as every wait of
 * it does) acknowledges CR0 and GBPA updates and consumes the command queue, logging each
 * command; the tests read the stream table, the context descriptors and the DMA maps the
 * driver built, put event records into the event queue, and check what the hypervisor
 * printed.  "Physical" addresses are host addresses (hv.virt_offset 0).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cv/cell.h>
#include <cv/config.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/iommu.h>
#include <cv/paging.h>
#include <cv/percpu.h>

#include "tap.h"

#define P		PAGE_SIZE
#define POOL_PAGES	256
#define RAM		0x40000000ULL	/* the root's RAM, 1 GiB ... */
#define RAM_SIZE	0x40000000ULL
#define CELL_RAM	0x71000000ULL	/* ... of which a cell takes 1 MiB here */
#define HV_PHYS		0x80000000ULL	/* the hypervisor, outside the root's RAM */
#define SMMU_BASE	0x09050000ULL
#define CELL_DEVFN	0x08		/* 00:01.0 */

/* Registers, as smmuv3.c names them. */
#define IDR0		0x00
#define IDR1		0x04
#define IDR5		0x14
#define CR0		0x20
#define CR0ACK		0x24
#define CR1		0x28
#define CR2		0x2c
#define GBPA		0x44
#define GERROR		0x60
#define GERRORN		0x64
#define STRTAB_BASE	0x80
#define STRTAB_BASE_CFG	0x88
#define CMDQ_BASE	0x90
#define CMDQ_PROD	0x98
#define CMDQ_CONS	0x9c
#define EVENTQ_BASE	0xa0
#define EVENTQ_PROD	0x100a8
#define EVENTQ_CONS	0x100ac

struct hypervisor hv;
static struct per_cpu cpu0;
static u8 *pool;
static u64 pool_bitmap[POOL_BITMAP_WORDS(POOL_PAGES)];
static u8 regs[0x20000] __attribute__((aligned(8)));

struct per_cpu *per_cpu(u64 id)
{
	return id == 0 ? &cpu0 : NULL;
}

struct per_cpu *this_cpu(void)
{
	return &cpu0;
}

void *arch_map_device(u64 phys, u64 size)
{
	return phys == SMMU_BASE && size == sizeof(regs) ? regs : NULL;
}

/* ---- The cells the generic part asks about ---- */

struct cell root_cell;
static struct cell dev_cell;	/* id 1, owns 00:01.0 while 'dev_exists' */
static bool dev_exists;

struct cell *cell_find(u64 id)
{
	return id == 0 ? &root_cell : id == 1 && dev_exists ? &dev_cell : NULL;
}

void cells_lock(void)
{
}

void cells_unlock(void)
{
}

bool pci_listed(const struct cv_cell_config *cfg, const struct cv_pci_device *d)
{
	const struct cv_pci_device *p = config_pci(cfg);
	unsigned int i;

	for (i = 0; i < cfg->pci_devices.count; i++)
		if (p[i].domain == d->domain && p[i].bus == d->bus && p[i].devfn == d->devfn)
			return true;
	return false;
}

unsigned int cell_region_flags(const struct cv_mem_region *r)
{
	return (r->flags & CV_MEM_READ ? PT_READ : 0) | (r->flags & CV_MEM_WRITE ? PT_WRITE : 0) |
	       (r->flags & CV_MEM_EXECUTE ? PT_EXEC : 0) | (r->flags & CV_MEM_IO ? PT_DEVICE : 0);
}

/* ---- The SMMU model ---- */

static u32 rd(u32 off)
{
	return *(u32 *)(regs + off);
}

static void wr(u32 off, u32 v)
{
	*(u32 *)(regs + off) = v;
}

static u64 rd64(u32 off)
{
	return *(u64 *)(regs + off);
}

static u64 cmds[4096][2];	/* every command the model consumed, in order */
static unsigned int ncmds;
static bool stuck;		/* the model stops consuming commands */

static void smmu_step(void)
{
	u32 log2 = rd64(CMDQ_BASE) & 0x1f, mask = (2U << log2) - 1;
	u64 *q = (u64 *)(size_t)(rd64(CMDQ_BASE) & 0x000fffffffffffe0ULL);
	u32 cons = rd(CMDQ_CONS) & mask;

	wr(CR0ACK, rd(CR0));
	wr(GBPA, rd(GBPA) & ~(1U << 31));
	if (stuck || !(rd(CR0) & (1U << 3)) || !q)
		return;
	while (cons != (rd(CMDQ_PROD) & mask)) {
		u64 *c = &q[2 * (cons & ((1U << log2) - 1))];

		if (ncmds < 4096) {
			cmds[ncmds][0] = c[0];
			cmds[ncmds][1] = c[1];
			ncmds++;
		}
		cons = (cons + 1) & mask;
	}
	wr(CMDQ_CONS, cons);
}

/* The clock of <asm/processor.h>: 1 ms a read, and the SMMU works meanwhile. */
static u64 now_ns;

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	(void)clk;
	smmu_step();
	now_ns += 1000000;
	ts->tv_sec = now_ns / 1000000000;
	ts->tv_nsec = now_ns % 1000000000;
	return 0;
}

/* The SMMU as QEMU 7.2 presents it: stage 1, AArch64 tables, 16-bit stream IDs, OAS 44. */
static void smmu_reset(void)
{
	memset(regs, 0, sizeof(regs));
	wr(IDR0, 1U << 1 | 2U << 2 | 1U << 4);
	wr(IDR1, 16 | 19U << 16 | 19U << 21);
	wr(IDR5, 4 | 1U << 4);
	ncmds = 0;
	stuck = false;
}

/* Was a command with this opcode and these words consumed since command 'from'? */
static bool sent(unsigned int from, u64 w0, u64 w1)
{
	unsigned int i;

	for (i = from; i < ncmds; i++)
		if (cmds[i][0] == w0 && cmds[i][1] == w1)
			return true;
	return false;
}

static bool last_is_sync(void)
{
	return ncmds && (cmds[ncmds - 1][0] & 0xff) == 0x46;
}

/* ---- The machine's configuration ---- */

struct cell_blob {
	struct cv_cell_config cfg;
	struct cv_mem_region mem[3];
	struct cv_pci_device pci[1];
};

static struct {
	struct cv_system_config sys;
	struct cell_blob root;
} system_blob;
static struct cell_blob dev_blob;

static void setup(void)
{
	struct cv_system_config *s = &system_blob.sys;
	struct cell_blob *r = &system_blob.root, *d = &dev_blob;

	*s = (struct cv_system_config){
		.hdr = { CV_SYSTEM_MAGIC, CV_CONFIG_REVISION, 0, sizeof(system_blob), 0 },
		.hv_mem_phys = HV_PHYS, .hv_mem_size = 16 << 20,
		.platform = { .gicd_base = 0x08000000, .gicr_base = 0x080a0000,
			      .gic_version = CV_GIC_V3, .maintenance_irq = 25,
			      .pci_ecam_base = 0x4010000000ULL, .pci_bus_end = 255, .num_cpus = 4,
			      .num_irqs = 256,
			      .iommu = { SMMU_BASE, sizeof(regs), CV_IOMMU_SMMUV3, 106, 8, 0 } },
		.root_cell = { offsetof(typeof(system_blob), root), sizeof(struct cell_blob) },
	};
	*r = (struct cell_blob){ .cfg = {
		.hdr = { CV_CELL_MAGIC, CV_CONFIG_REVISION, 0, sizeof(*r), 0 }, .name = "root",
		.cpu_set = 0xf, .mem_regions = { offsetof(struct cell_blob, mem), 2 } } };
	r->mem[0] = (struct cv_mem_region){ RAM, RAM, RAM_SIZE,
		CV_MEM_READ | CV_MEM_WRITE | CV_MEM_EXECUTE | CV_MEM_DMA };
	r->mem[1] = (struct cv_mem_region){ 0x10000000, 0x10000000, 0x1000000,
		CV_MEM_READ | CV_MEM_WRITE | CV_MEM_IO | CV_MEM_DMA };
	/* "dev": 1 MiB of DMA RAM at 0, 1 MiB without dma at 0x100000, 00:01.0. */
	*d = (struct cell_blob){ .cfg = {
		.hdr = { CV_CELL_MAGIC, CV_CONFIG_REVISION, 0, sizeof(*d), 0 }, .name = "dev",
		.cpu_set = 0x2, .mem_regions = { offsetof(struct cell_blob, mem), 2 },
		.pci_devices = { offsetof(struct cell_blob, pci), 1 } } };
	d->mem[0] = (struct cv_mem_region){ CELL_RAM, 0, 0x100000,
		CV_MEM_READ | CV_MEM_WRITE | CV_MEM_DMA };
	d->mem[1] = (struct cv_mem_region){ CELL_RAM + 0x100000, 0x100000, 0x100000,
		CV_MEM_READ | CV_MEM_WRITE };
	d->pci[0].devfn = CELL_DEVFN;

	pool = aligned_alloc(64 * P, POOL_PAGES * P);
	if (!pool)
		abort();
	pool_init(&mem_pool, (u64)(size_t)pool, POOL_PAGES, pool_bitmap);
	hv = (struct hypervisor){ .config = s, .phys = HV_PHYS, .size = 16 << 20 };
	root_cell.config = &r->cfg;
	dev_cell.id = 1;
	dev_cell.config = &d->cfg;
}

/* ---- Console ---- */

static u64 console_from;
static char text[8192];

static void console_mark(void)
{
	console_from = cv_console.seq;
}

static const char *console_since(void)
{
	u64 seq = console_from, lost;
	size_t n = console_read(&seq, &lost, text, sizeof(text) - 1);

	text[n] = 0;
	return text;
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

/* ---- Reading what the driver built ---- */

static u64 *strtab(void)
{
	return (u64 *)(size_t)(rd64(STRTAB_BASE) & 0x000fffffffffffc0ULL);
}

static u64 *cd_of(u32 stream)
{
	return (u64 *)(size_t)(strtab()[8 * stream] & 0x000fffffffffffc0ULL);
}

static bool ste_is_s1(u32 stream)
{
	const u64 *ste = &strtab()[8 * stream];
	unsigned int i;

	for (i = 1; i < 8; i++)
		if (ste[i])
			return false;
	return (ste[0] & 0xf) == (1 | 5 << 1) && !(ste[0] >> 52);
}

/* The map's descriptor for 'iova', or 0; its output address in *pa. */
static u64 dma_desc(struct cell *c, u64 iova, u64 *pa)
{
	unsigned int level;
	u64 d = paging_lookup(&c->dma, iova, &level), span = 1ULL << pt_shift(level);

	if (d && pa)
		*pa = (d & 0x0000fffffffff000ULL & ~(span - 1)) | (iova & (span - 1));
	return d;
}

/* ---- The tests ---- */

static u64 pool_before;

static void test_refusals(void)
{
	smmu_reset();
	wr(CR0, 1);
	wr(CR0ACK, 1);
	console_mark();
	cpu0.refusal.reason = CV_REASON_NONE;
	ok(iommu_enable() == -CV_ENODEV && cpu0.refusal.reason == CV_REASON_IOMMU &&
	   cpu0.refusal.object == SMMU_BASE && strstr(console_since(), "already enabled: Linux "
						      "drives it"),
	   "an SMMU Linux has enabled is refused, reason CV_REASON_IOMMU, and said why");
	ok(rd(CR0) == 1 && rd64(STRTAB_BASE) == 0 && mem_pool.used == pool_before,
	   "  ... it is left alone and the pool is as before (%llu pages used)", mem_pool.used);

	smmu_reset();
	wr(IDR0, 0);
	console_mark();
	ok(iommu_enable() == -CV_ENODEV &&
	   strstr(console_since(), "no stage-1 translation with AArch64 tables"),
	   "an SMMU without stage 1 is refused");
	smmu_reset();
	wr(IDR1, 4 | 19U << 16 | 19U << 21);
	console_mark();
	ok(iommu_enable() == -CV_ENODEV && strstr(console_since(), "fewer stream ID bits"),
	   "an SMMU with 4 stream ID bits, for a configuration of 8, is refused");
	smmu_reset();
	stuck = true;
	ok(iommu_enable() == -CV_ETIMEDOUT && rd(CR0) == 0 && mem_pool.used == pool_before,
	   "an SMMU that does not take commands: enable fails in bounded time, SMMU off, pool "
	   "back");
}

static void test_enable(void)
{
	u64 *cd, d, pa = 0;
	unsigned int i;
	bool all = true;

	smmu_reset();
	wr(GBPA, 1U << 20);		/* as Linux left it: abort incoming transactions */
	console_mark();
	ok(iommu_enable() == 0, "enable with the SMMU");
	ok(strstr(console_since(), "SMMUv3 at 0x9050000: 256 streams"), "  ... says so");
	ok(rd(CR0) == (1 | 1U << 2 | 1U << 3), "  ... SMMU, event and command queues on (CR0 0x%x)",
	   rd(CR0));
	ok(rd(STRTAB_BASE_CFG) == 8, "  ... a linear stream table of 2^8 entries (0x%x)",
	   rd(STRTAB_BASE_CFG));
	ok(rd(CR1) == 0xd75 && rd(CR2) == 2,
	   "  ... tables and queues cacheable, inner shareable; bad stream IDs recorded");
	ok((rd64(CMDQ_BASE) & 0x1f) == 8 && (rd64(EVENTQ_BASE) & 0x1f) == 7,
	   "  ... 256 commands, 128 events");
	ok(sent(0, 0x04, 31) && sent(0, 0x30, 0) && last_is_sync(),
	   "  ... configuration and TLBs invalidated (CFGI_ALL, TLBI_NSNH_ALL), then CMD_SYNC");

	cd = cd_of(0);
	for (i = 0; i < 256; i++)
		all &= ste_is_s1(i) && cd_of(i) == cd;
	ok(all, "  ... every stream translates through one context descriptor (the root's)");
	ok((cd[0] & 0x3f) == 16 && (cd[0] >> 6 & 3) == 0 && (cd[0] >> 8 & 3) == 1 &&
	   (cd[0] >> 10 & 3) == 1 && (cd[0] >> 12 & 3) == 3 && (cd[0] >> 30 & 1) &&
	   (cd[0] >> 31 & 1) && (cd[0] >> 32 & 7) == 4 && (cd[0] >> 41 & 1) &&
	   (cd[0] >> 45 & 1) && (cd[0] >> 46 & 1) && !(cd[0] >> 44 & 1) && (cd[0] >> 48) == 0,
	   "  ... its CD: 48-bit input, 4 KiB granule, write-back inner shareable walks, TTB1 "
	   "off, valid, IPS 44 bits, AArch64, faults recorded and aborted, ASID 0 (0x%llx)",
	   (unsigned long long)cd[0]);
	ok(cd[1] == root_cell.dma.root && cd[3] == 0xff,
	   "  ... TTB0 is the root's DMA map, MAIR attribute 0 normal write-back");

	d = dma_desc(&root_cell, RAM + 0x123000, &pa);
	ok(d && pa == RAM + 0x123000, "the root's map: its RAM at its own address");
	ok((d & 3) == 1 && (d >> 10 & 1) && (d >> 8 & 3) == 3 && (d >> 2 & 7) == 0 &&
	   (d >> 6 & 1) && !(d >> 7 & 1) && (d >> 53 & 3) == 3,
	   "  ... a stage-1 block: AF, inner shareable, attribute 0, read/write at any privilege, "
	   "never executable (0x%llx)", (unsigned long long)d);
	ok(!dma_desc(&root_cell, HV_PHYS, NULL) && !dma_desc(&root_cell, RAM + RAM_SIZE, NULL),
	   "  ... nothing of the hypervisor's memory, nothing past the RAM");
	ok(!dma_desc(&root_cell, 0x10000000, NULL), "  ... nor device memory flagged dma");
}

static u64 pool_enabled;

static void test_cell(void)
{
	unsigned int from = ncmds;
	u64 *ste0 = &strtab()[0], pa = 0, d;

	pool_enabled = mem_pool.used;
	dev_exists = true;
	ok(iommu_cell_create(&dev_cell) == 0, "a cell with 00:01.0");
	ok(ste_is_s1(CELL_DEVFN) && cd_of(CELL_DEVFN) != cd_of(0) &&
	   (cd_of(CELL_DEVFN)[0] >> 48) == 1 && cd_of(CELL_DEVFN)[1] == dev_cell.dma.root,
	   "  ... its stream through its own CD: ASID 1, TTB0 its map");
	ok(cd_of(0x10) == cd_of(0) && cd_of(0) == (u64 *)(size_t)(ste0[0] & ~0x3fULL),
	   "  ... the other streams stay the root's");
	ok(sent(from, 0x03 | (u64)CELL_DEVFN << 32, 1) &&
	   sent(from, 0x05 | (u64)CELL_DEVFN << 32, 1) && sent(from, 0x11 | 1ULL << 48, 0) &&
	   last_is_sync(), "  ... CFGI_STE and CFGI_CD of stream 8, TLBI_NH_ASID 1, CMD_SYNC");
	d = dma_desc(&dev_cell, 0x42000, &pa);
	ok(d && pa == CELL_RAM + 0x42000, "  ... its dma RAM at its own address 0 (0x%llx)",
	   (unsigned long long)pa);
	ok(!dma_desc(&dev_cell, 0x100000, NULL) && !dma_desc(&dev_cell, CELL_RAM, NULL),
	   "  ... not its RAM without dma, not the physical address itself");

	from = ncmds;
	ok(iommu_unmap(&root_cell, CELL_RAM, 0x200000) == 0 &&
	   !dma_desc(&root_cell, CELL_RAM, NULL) && !dma_desc(&root_cell, CELL_RAM + 0x1ff000, NULL) &&
	   dma_desc(&root_cell, CELL_RAM - P, NULL) && dma_desc(&root_cell, CELL_RAM + 0x200000, NULL),
	   "the cell's RAM leaves the root's map, its neighbours stay");
	ok(sent(from, 0x11, 0) && last_is_sync(), "  ... TLBI_NH_ASID 0, CMD_SYNC");
}

static void event(unsigned int slot, u32 type, u32 stream, bool read, u64 addr)
{
	u64 *q = (u64 *)(size_t)(rd64(EVENTQ_BASE) & 0x000fffffffffffe0ULL), *e = &q[4 * slot];

	e[0] = type | (u64)stream << 32;
	e[1] = (u64)read << 35;
	e[2] = addr;
	e[3] = 0;
}

static void test_events(void)
{
	const char *out;
	unsigned int i;

	event(0, 0x10, CELL_DEVFN, false, 0x70000000);
	event(1, 0x10, CELL_DEVFN, false, 0x70000004);
	event(2, 0x10, CELL_DEVFN, false, 0x700000fc);
	event(3, 0x10, 0x10, true, 0x7d000000);
	event(4, 0x04, 0x10, false, 0);
	console_mark();
	iommu_poll();
	ok(!arch_iommu_pending() && !strstr(console_since(), "DMA blocked"),
	   "records not yet published by PROD: nothing pending, nothing read");
	wr(EVENTQ_PROD, 5);
	ok(arch_iommu_pending(), "  ... published: pending");
	console_mark();
	iommu_poll();
	out = console_since();
	ok(strstr(out, "DMA blocked: device 00:01.0 of cell 'dev' wrote 0x70000000, which the "
		  "cell does not own (translation fault; 2 more up to 0x700000fc)"),
	   "faults of a cell's device: one line for the run in one page, naming device, cell, "
	   "access and address");
	ok(strstr(out, "DMA blocked: device 00:02.0 of cell 'root' read 0x7d000000"),
	   "  ... a root device's fault names the root");
	ok(strstr(out, "DMA blocked: device 00:02.0 of cell 'root': bad STE"),
	   "  ... an event without an address says what it is");
	ok(rd(EVENTQ_CONS) == 5 && !arch_iommu_pending(),
	   "  ... the queue is consumed (CONS %u), nothing pending", rd(EVENTQ_CONS));

	/* A device that keeps faulting, page after page: at most 10 lines a second. */
	dev_cell.dma_rl = (struct ratelimit){ arch_counter(), 0 };
	for (i = 0; i < 40; i++)
		event((5 + i) % 128, 0x10, CELL_DEVFN, true, 0x70000000 + i * P);
	wr(EVENTQ_PROD, 45);
	console_mark();
	iommu_poll();
	out = console_since();
	ok(count(out, "DMA blocked") == 10 && strstr(out, "more of the same held back"),
	   "a flood of faults: %u lines, then 'held back'", count(out, "DMA blocked"));

	/* The queue wraps. */
	for (i = 0; i < 100; i++)
		event((45 + i) % 128, 0x10, 0x10, true, 0x1000000 * (i + 1));
	wr(EVENTQ_PROD, (45 + 100) % 128 | 1U << 7);
	iommu_poll();
	ok(rd(EVENTQ_CONS) == ((45 + 100) % 128 | 1U << 7),
	   "  ... and across the end of the queue (CONS 0x%x)", rd(EVENTQ_CONS));
}

static void test_commands(void)
{
	unsigned int i, before = ncmds;
	bool all = true;

	for (i = 0; i < 300; i++)
		all &= iommu_map(&root_cell, CELL_RAM, CELL_RAM, P, PT_READ | PT_WRITE) == 0 &&
			iommu_unmap(&root_cell, CELL_RAM, P) == 0;
	ok(all && ncmds - before == 1200 && rd(CMDQ_PROD) == rd(CMDQ_CONS),
	   "1200 commands through the 256-entry queue: all consumed, in order");
	stuck = true;
	console_mark();
	ok(iommu_map(&root_cell, CELL_RAM, CELL_RAM, P, PT_READ | PT_WRITE) == -CV_ETIMEDOUT &&
	   strstr(console_since(), "command queue stuck"),
	   "a sync the SMMU never completes: an error in bounded time, said on the console");
	stuck = false;
	smmu_step();
	ok(iommu_unmap(&root_cell, CELL_RAM, P) == 0, "  ... and on once the SMMU moves again");
}

static void test_destroy_and_disable(void)
{
	unsigned int from = ncmds;

	ok(iommu_map(&root_cell, CELL_RAM, CELL_RAM, 0x200000, PT_READ | PT_WRITE | PT_EXEC) == 0,
	   "the cell's RAM back in the root's map");
	iommu_cell_destroy(&dev_cell);
	dev_exists = false;
	ok(cd_of(CELL_DEVFN) == cd_of(0) && sent(from, 0x03 | (u64)CELL_DEVFN << 32, 1) &&
	   sent(from, 0x11 | 1ULL << 48, 0) && last_is_sync(),
	   "destroy: 00:01.0 through the root's CD again, invalidated, synced");
	ok(mem_pool.used == pool_enabled, "  ... the pool as before the cell (%llu pages)",
	   mem_pool.used);
	iommu_cell_destroy(&dev_cell);
	ok(mem_pool.used == pool_enabled, "  ... a second destroy does nothing");

	iommu_disable();
	ok(rd(CR0) == 0 && rd(GBPA) == 1U << 20 && rd64(STRTAB_BASE) == 0 &&
	   rd64(CMDQ_BASE) == 0 && rd(CR1) == 0,
	   "disable: the SMMU off, GBPA (abort) and the other registers as found");
	ok(mem_pool.used == pool_before, "  ... the root's map and the SMMU's tables freed: the "
	   "pool is empty again (%llu pages)", mem_pool.used);
}

int main(void)
{
	setup();
	pool_before = mem_pool.used;
	test_refusals();
	test_enable();
	test_cell();
	test_events();
	test_commands();
	test_destroy_and_disable();
	return tap_done();
}
