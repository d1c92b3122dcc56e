// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the cell lifecycle (hypervisor/core/control.c): create and its refusals,
 * set-loadable, start, shutdown through the communication region, destroy with scrubbing,
 * the lock of a RUNNING_LOCKED cell, failed cells.
 *
 * The real core code (control.c, cell.c, pci.c, config.c, the memory pool, the console) runs
 * on a small simulated machine: 20 CPUs (one never came up), 64 pages of root RAM that are
 * host memory, a PCI configuration space of one bus, and an arch layer that keeps every
 * cell's stage 2 as a list of mapped pages, so that the tests can see what each cell maps.
 * Time is the test's own (see clock_gettime() below): while control.c waits, the simulated
 * cells answer shutdown requests and the simulated CPUs park when asked to stop.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cellvisor/comm.h>
#include <cv/cell.h>
#include <cv/config.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/iommu.h>
#include <cv/paging.h>
#include <cv/percpu.h>

#include "tap.h"

/* ---- The machine ---- */

#define NUM_CPUS	20		/* CPUs of the platform ... */
#define ABSENT_CPU	19		/* ... of which this one never came up in the hypervisor */
#define PRESENT_CPUS	(((1ULL << NUM_CPUS) - 1) & ~(1ULL << ABSENT_CPU))
#define P		PAGE_SIZE
#define RAM_BASE	0x40000000ULL	/* the root's RAM: RAM_PAGES pages of host memory */
#define RAM_PAGES	64
#define BLOB_PAGE	48		/* the root passes blobs here; no cell takes a page >= 48 */
#define BLOB_IPA	(RAM_BASE + BLOB_PAGE * P)
#define UART		0x09000000ULL	/* the root's UART, 1 page */
#define UART2		0x09040000ULL	/* a UART the root does not list */
#define VIRTIO		0x0a000000ULL	/* the root's virtio-mmio devices, 4 pages */
#define PCI_WINDOW	0x10000000ULL	/* the root's PCI memory window, 16 pages */
#define GICD		0x08000000ULL
#define GICR		0x080a0000ULL
#define GICR_STRIDE	0x20000ULL
#define ECAM		0x30000000ULL	/* PCI configuration space: bus 0 only */
#define ECAM_SIZE	(1ULL << 20)
#define HV_PHYS		0x7c000000ULL
#define HV_SIZE		0x00400000ULL
#define POOL_PAGES	128
#define ROOT_IRQ	33		/* the root's own interrupts: 33, 34 */
#define ROOT_DEVFN	(1 << 3)	/* the root's own PCI function 00:01.0 */

#define RAM_PT		(PT_READ | PT_WRITE | PT_EXEC)	/* how the root maps its RAM */
#define IO_PT		(PT_READ | PT_WRITE | PT_DEVICE)	/* ... and its devices */
#define RW		(CV_MEM_READ | CV_MEM_WRITE)
#define RWX		(CV_MEM_READ | CV_MEM_WRITE | CV_MEM_EXECUTE)

/* A cell blob with room for what these tests use; total_size is always all of it. */
struct cell_blob {
	struct cv_cell_config cfg;
	struct cv_mem_region mem[6];
	struct cv_irq_range irqs[2];
	struct cv_pci_device pci[2];
};

static struct {
	struct cv_system_config sys;
	struct cell_blob root;
} system_blob;

struct hypervisor hv;
static struct per_cpu cpus[NUM_CPUS];
static u8 *ram, *ecam, *pool;
static u64 pool_bitmap[POOL_BITMAP_WORDS(POOL_PAGES)];

struct per_cpu *per_cpu(u64 id)
{
	return id < NUM_CPUS && cpus[id].present ? &cpus[id] : NULL;
}

/* The management calls are the root's, made on its CPU 0. */
struct per_cpu *this_cpu(void)
{
	return &cpus[0];
}

/* Is 'reason' what the last refusal returned (in x1), and was it said for that call only? */
static bool why(u32 reason)
{
	bool same = cpus[0].refusal.reason == reason;

	cpus[0].refusal.reason = CV_REASON_NONE;
	return same;
}

/* ---- Time: the clock the hypervisor reads, and the rest of the machine moving with it ---- */

/*
 * The fake <asm/processor.h> computes arch_counter() from clock_gettime() at 1 GHz.  This
 * program defines clock_gettime() itself, so the time is the test's: every read advances it
 * by one millisecond and lets the simulated CPUs and cell software act (tick()).  Every wait
 * loop of control.c reads the clock, so its loops see the machine move.
 */
static u64 now_ns;
static u64 tick_ns = 1000000;	/* what each read advances the time by (test-link.c sets 0) */

static u64 now_ms(void)
{
	return now_ns / 1000000;
}

/*
 * The software of one cell, as far as the shutdown protocol of comm.h goes.  Once it has
 * approved, it takes PARK_DELAY ms to finish and take its CPUs offline (PSCI CPU_OFF).
 */
#define PARK_DELAY	5

static struct {
	struct cell *cell;	/* NULL: none simulated */
	u64 answer_at;		/* fake time (ms) from which it answers a request; 0: never */
	u32 answer;		/* CV_REPLY_APPROVED or CV_REPLY_DENIED */
	bool saw_request;
	u64 park_at;		/* when it takes its CPUs offline after approving; 0: not yet */
	bool keeps_running;	/* approves, but never takes its CPUs offline */
	bool faults;		/* a CPU of it fails as it answers (cell_cpu_failed) */
	unsigned int pages_at_park;	/* pages its stage 2 still mapped then */
} guest;

static bool cpus_ignore_stop;	/* else a CPU asked to stop parks at its next exit */
static bool cpus_slow_to_wake;	/* else a kicked CPU with a wake pending starts at once */
static u64 kicked;		/* CPUs arch_cpu_kick() was called for */

static void park_cpus_of(const struct cell *c)
{
	unsigned int i;

	for (i = 0; i < NUM_CPUS; i++)
		if (c->cpu_set >> i & 1)
			cpus[i].state = CV_CPU_PARKED;
}

static unsigned int pages_of(const struct cell *c);

static void tick(void)
{
	struct cv_comm_region *comm = guest.cell ? guest.cell->comm : NULL;
	unsigned int i;

	now_ns += tick_ns;
	for (i = 0; i < NUM_CPUS; i++)
		if (cpus[i].stop && cpus[i].state == CV_CPU_RUNNING && !cpus_ignore_stop)
			cpus[i].state = CV_CPU_PARKED;
	if (guest.park_at && now_ms() >= guest.park_at) {
		guest.park_at = 0;
		guest.pages_at_park = pages_of(guest.cell);
		park_cpus_of(guest.cell);
	}
	if (!comm || comm->msg_to_cell != CV_MSG_SHUTDOWN_REQUEST ||
	    comm->reply_from_cell != CV_REPLY_NONE)
		return;
	guest.saw_request = true;
	if (!guest.answer_at || now_ms() < guest.answer_at)
		return;
	comm->reply_from_cell = guest.answer;
	if (guest.faults)	/* what cell_cpu_failed() does while the lock is held */
		atomic_set(&guest.cell->faulted, 1);
	if (guest.answer == CV_REPLY_APPROVED && !guest.keeps_running)
		guest.park_at = now_ms() + PARK_DELAY;
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
	(void)clock;
	tick();
	ts->tv_sec = (time_t)(now_ns / 1000000000);
	ts->tv_nsec = (long)(now_ns % 1000000000);
	return 0;
}

/* The cell software of 'c' will answer 'answer' 'after' ms from now (after 0: never). */
static void guest_answers(struct cell *c, u32 answer, u64 after)
{
	guest.cell = c;
	guest.answer = answer;
	guest.answer_at = after ? now_ms() + after : 0;
	guest.saw_request = false;
	guest.park_at = 0;
	guest.pages_at_park = 0;
	guest.keeps_running = false;
	guest.faults = false;
}

/* ---- The arch layer: stage 2 as a list of pages per cell ---- */

#define S2_PAGES	512

static struct s2_page {
	const struct cell *cell;
	u64 ipa, pa;
	unsigned int flags;
} s2[S2_PAGES];
static unsigned int s2_used, s2_misaligned;
static const struct cell *tlb_stale[CV_MAX_CELLS];	/* unmapped since the last flush */
static int stage2s;				/* arch_cell_init() minus arch_cell_destroy() */

/* Fault injection: the n-th next stage-2 map of a new cell, or unmap of the root, fails. */
static enum { FAIL_NONE, FAIL_CELL_MAP, FAIL_ROOT_UNMAP } fail_what;
static int fail_countdown;

static bool inject(bool root_unmap)
{
	if (fail_what != (root_unmap ? FAIL_ROOT_UNMAP : FAIL_CELL_MAP) || --fail_countdown)
		return false;
	fail_what = FAIL_NONE;
	return true;
}

static struct s2_page *s2_find(const struct cell *c, u64 ipa)
{
	unsigned int i;

	for (i = 0; i < s2_used; i++)
		if (s2[i].cell == c && s2[i].ipa == ipa)
			return &s2[i];
	return NULL;
}

int arch_map_guest(struct cell *c, u64 ipa, u64 pa, u64 size, unsigned int flags)
{
	struct s2_page *p;
	u64 off;

	if ((ipa | pa | size) % P)
		s2_misaligned++;
	if (c != &root_cell && inject(false))
		return -CV_ENOMEM;
	for (off = 0; off < size; off += P) {
		p = s2_find(c, ipa + off);
		if (!p) {
			if (s2_used == S2_PAGES)
				abort();
			p = &s2[s2_used++];
		}
		*p = (struct s2_page){ c, ipa + off, pa + off, flags };
	}
	return 0;
}

static void tlb_mark_stale(const struct cell *c)
{
	unsigned int i, free_slot = CV_MAX_CELLS;

	for (i = 0; i < CV_MAX_CELLS; i++) {
		if (tlb_stale[i] == c)
			return;
		if (!tlb_stale[i])
			free_slot = i;
	}
	tlb_stale[free_slot] = c;
}

static bool tlb_is_stale(const struct cell *c)
{
	unsigned int i;

	for (i = 0; i < CV_MAX_CELLS; i++)
		if (tlb_stale[i] == c)
			return true;
	return false;
}

int arch_unmap_guest(struct cell *c, u64 ipa, u64 size)
{
	struct s2_page *p;
	u64 off;

	if ((ipa | size) % P)
		s2_misaligned++;
	if (c == &root_cell && inject(true))
		return -CV_ENOMEM;
	for (off = 0; off < size; off += P)
		if ((p = s2_find(c, ipa + off)))
			*p = s2[--s2_used];
	tlb_mark_stale(c);
	return 0;
}

u64 arch_guest_phys(struct cell *c, u64 ipa, bool write)
{
	const struct s2_page *p = s2_find(c, ipa & ~(P - 1));

	if (!p || (p->flags & PT_DEVICE) || !(p->flags & PT_READ) ||
	    (write && !(p->flags & PT_WRITE)))
		return 0;
	return p->pa + (ipa & (P - 1));
}

static unsigned int comm_syncs;

void arch_comm_sync(struct cv_comm_region *comm)
{
	(void)comm;
	comm_syncs++;
}

void arch_flush_guest_tlb(struct cell *c)
{
	unsigned int i;

	for (i = 0; i < CV_MAX_CELLS; i++)
		if (tlb_stale[i] == c)
			tlb_stale[i] = NULL;
}

int arch_cell_init(struct cell *c)
{
	(void)c;
	stage2s++;
	return 0;
}

/* The tables go, and every mapping with them. */
void arch_cell_destroy(struct cell *c)
{
	unsigned int i = 0;

	stage2s--;
	while (i < s2_used)
		if (s2[i].cell == c)
			s2[i] = s2[--s2_used];
		else
			i++;
	arch_flush_guest_tlb(c);
}

int arch_cell_devices(struct cell *c)
{
	(void)c;
	return 0;
}

/* The SPIs of the last cell that changed hands, and the CPUs they went to. */
static const struct cell *irqs_moved;
static u64 irqs_moved_to;

void arch_cell_irqs(const struct cell *c, u64 cpus)
{
	irqs_moved = c;
	irqs_moved_to = cpus;
}

/* A CPU whose wake-up PSCI CPU_ON set after check_cpus() is not taken (psci.c). */
static int woken_by_cpu_on = -1;

bool arch_cpu_move(struct per_cpu *cpu, struct cell *from, struct cell *to)
{
	if ((int)cpu->id == woken_by_cpu_on)
		cpu->wake = 1;
	if (cpu->cell != from || cpu->state != CV_CPU_PARKED || cpu->wake)
		return false;
	cpu->cell = to;
	return true;
}

void arch_cell_comm(const struct cell *c, struct cv_comm_region *comm)
{
	comm->gicd_base = GICD;
	comm->gicr_base = GICR + (u64)__builtin_ctzll(c->cpu_set) * GICR_STRIDE;
}

static unsigned int raised;	/* arch_raise_spi() of the notification interrupt */
static unsigned int raised_spi[128];	/* of every SPI (test-link.c's doorbells) */

void arch_raise_spi(u32 irq)
{
	raised += irq == ROOT_IRQ + 1;
	if (irq < 128)
		raised_spi[irq]++;
}

/* What psci_park() does when a kick finds a wake-up pending: void it if the CPU is to stop. */
void arch_cpu_kick(struct per_cpu *cpu)
{
	kicked |= 1ULL << cpu->id;
	if (cpus_slow_to_wake || !cpu->wake)
		return;
	if (!cpu->stop)
		cpu->state = CV_CPU_RUNNING;
	cpu->wake = 0;
}

/* Temporary mappings: RAM (scrub, blob copies) and the ECAM window (PCI quiescing). */
static u8 scratch[P];
static int temp_maps;			/* outstanding */
static unsigned int bad_temp;		/* of something that is neither */
static unsigned int events, first_ram_map, first_ecam_map;	/* order of first uses */

void *arch_map_temp(u64 phys)
{
	temp_maps++;
	if (phys < RAM_BASE || phys - RAM_BASE >= RAM_PAGES * P || phys % P) {
		bad_temp++;
		return scratch;
	}
	if (!first_ram_map)
		first_ram_map = ++events;
	return ram + (phys - RAM_BASE);
}

void *arch_map_temp_io(u64 phys)
{
	temp_maps++;
	if (phys < ECAM || phys - ECAM >= ECAM_SIZE || phys % P) {
		bad_temp++;
		return scratch;
	}
	if (!first_ecam_map)
		first_ecam_map = ++events;
	return ecam + (phys - ECAM);
}

void arch_unmap_temp(void *virt)
{
	(void)virt;
	temp_maps--;
}

/* The IOMMU: which cell's DMA map each stream of bus 0 goes through. */
const struct pt_format iommu_format = {
	.start_level = 0, .root_pages = 1, .block_level = 1,
	.addr_mask = 0x0000fffffffff000ULL, .type_mask = 3, .table = 3, .block = 1, .page = 3,
	.normal = 1 << 10, .device = (1 << 10) | (1 << 2),
	.read = 1 << 6, .write = 0, .read_only = 1 << 7, .no_exec = 3ULL << 53,
};
static unsigned int stream_cell[256];
static u64 contexts[CV_MAX_CELLS];
static unsigned int iommu_flushes[CV_MAX_CELLS];

int arch_iommu_init(const struct cv_iommu *cfg, u64 root_tables)
{
	(void)cfg;
	memset(stream_cell, 0, sizeof(stream_cell));
	contexts[0] = root_tables;
	return 0;
}

void arch_iommu_exit(void)
{
}

int arch_iommu_context(unsigned int cell_id, u64 tables)
{
	contexts[cell_id] = tables;
	return 0;
}

void arch_iommu_stream(u32 stream, unsigned int cell_id)
{
	stream_cell[stream & 0xff] = cell_id;
}

int arch_iommu_flush(unsigned int cell_id)
{
	iommu_flushes[cell_id]++;
	return 0;
}

bool arch_iommu_pending(void)
{
	return false;
}

bool arch_iommu_next_fault(struct iommu_fault *f)
{
	(void)f;
	return false;
}

/* ---- Looking at the machine ---- */

/* Is [ipa, ipa + size) mapped in c's stage 2 to [pa, ...) with exactly these flags? */
static bool maps(const struct cell *c, u64 ipa, u64 pa, u64 size, unsigned int flags)
{
	const struct s2_page *p;
	u64 off;

	for (off = 0; off < size; off += P) {
		p = s2_find(c, ipa + off);
		if (!p || p->pa != pa + off || p->flags != flags)
			return false;
	}
	return true;
}

/* Is no page of [ipa, ipa + size) mapped in c's stage 2? */
static bool maps_none(const struct cell *c, u64 ipa, u64 size)
{
	u64 off;

	for (off = 0; off < size; off += P)
		if (s2_find(c, ipa + off))
			return false;
	return true;
}

static unsigned int pages_of(const struct cell *c)
{
	unsigned int i, n = 0;

	for (i = 0; i < s2_used; i++)
		n += s2[i].cell == c;
	return n;
}

/* Does the root map all its regions as at the start? */
static bool root_whole(void)
{
	return maps(&root_cell, RAM_BASE, RAM_BASE, RAM_PAGES * P, RAM_PT) &&
	       maps(&root_cell, UART, UART, P, IO_PT) &&
	       maps(&root_cell, VIRTIO, VIRTIO, 4 * P, IO_PT) &&
	       maps(&root_cell, PCI_WINDOW, PCI_WINDOW, 16 * P, IO_PT) &&
	       pages_of(&root_cell) == RAM_PAGES + 1 + 4 + 16;
}

/* Everything a refused or undone operation must leave as it was. */
struct snapshot {
	u64 pool_used, root_cpus, root_sum;
	unsigned int cells, root_pages, root_owned_cpus;	/* CPUs whose cell is the root */
	int stage2s;
	bool root_tlb_stale;
};

static struct snapshot snapshot(void)
{
	struct snapshot s = { .pool_used = mem_pool.used, .root_cpus = root_cell.cpu_set,
			      .cells = cell_count(), .root_pages = pages_of(&root_cell),
			      .stage2s = stage2s, .root_tlb_stale = tlb_is_stale(&root_cell) };
	unsigned int i;

	for (i = 0; i < s2_used; i++)
		if (s2[i].cell == &root_cell)
			s.root_sum += s2[i].ipa * 3 + s2[i].pa * 5 + s2[i].flags;
	for (i = 0; i < NUM_CPUS; i++)
		s.root_owned_cpus += cpus[i].cell == &root_cell;
	return s;
}

static bool unchanged(const struct snapshot *before)
{
	struct snapshot now = snapshot();

	return now.pool_used == before->pool_used && now.root_cpus == before->root_cpus &&
	       now.root_sum == before->root_sum && now.cells == before->cells &&
	       now.root_pages == before->root_pages &&
	       now.root_owned_cpus == before->root_owned_cpus && now.stage2s == before->stage2s &&
	       now.root_tlb_stale == before->root_tlb_stale && temp_maps == 0;
}

/* The hypervisor console since the last console_mark(); 'last' is its last line. */
static u64 console_from;
static char console_text[4096], last[256];

static void console_mark(void)
{
	console_from = cv_console.seq;
}

static bool said(const char *what)
{
	u64 seq = console_from, lost;
	size_t n = console_read(&seq, &lost, console_text, sizeof(console_text) - 1);
	char *line, *end;

	console_text[n] = 0;
	strcpy(last, "(nothing on the console)");
	for (line = console_text; *line; line = end + (*end == '\n')) {
		end = line + strcspn(line, "\n");
		if (end > line)
			snprintf(last, sizeof(last), "%.*s", (int)(end - line), line);
	}
	return strstr(console_text, what) != NULL;
}

/* ---- Blobs ---- */

static void blob_begin(struct cell_blob *b, const char *name, u64 cpu_set)
{
	memset(b, 0, sizeof(*b));
	b->cfg.hdr = (struct cv_blob_header){ CV_CELL_MAGIC, CV_CONFIG_REVISION, 0, sizeof(*b), 0 };
	strncpy(b->cfg.name, name, CV_CELL_NAME_LEN - 1);
	b->cfg.cpu_set = cpu_set;
	b->cfg.shutdown_timeout_ms = 100;
}

static void blob_mem(struct cell_blob *b, u64 phys, u64 virt, u64 size, u64 flags)
{
	b->cfg.mem_regions.offset = offsetof(struct cell_blob, mem);
	b->mem[b->cfg.mem_regions.count++] = (struct cv_mem_region){ phys, virt, size, flags };
}

static void blob_irqs(struct cell_blob *b, u32 first, u32 count)
{
	b->cfg.irq_ranges.offset = offsetof(struct cell_blob, irqs);
	b->irqs[b->cfg.irq_ranges.count++] = (struct cv_irq_range){ first, count };
}

static void blob_pci(struct cell_blob *b, u8 devfn, u64 bar, u64 bar_size)
{
	struct cv_pci_device *d = &b->pci[b->cfg.pci_devices.count++];

	b->cfg.pci_devices.offset = offsetof(struct cell_blob, pci);
	d->devfn = devfn;
	d->bars[0] = (struct cv_pci_bar){ bar, bar_size };
}

/*
 * "demo": CPUs 1 and 2; RAM pages 0..3 (loadable, at 0) and 4..7 (at 0x100000); the
 * communication region at 0x200000; the root's virtio device 1 and a UART the root does not
 * list; interrupts 40, 41; PCI function 00:02.0 with its BAR in page 2 of the root's window.
 */
#define DEMO_CPUS	0x6ULL
#define DEMO_ENTRY	0x1000ULL
#define DEMO_COMM	0x200000ULL
#define DEMO_DEVFN	(2 << 3)
#define DEMO_BAR	(PCI_WINDOW + 2 * P)

static void demo_blob(struct cell_blob *b)
{
	blob_begin(b, "demo", DEMO_CPUS);
	b->cfg.entry = DEMO_ENTRY;
	b->cfg.console = (struct cv_console){ UART2, CV_CONSOLE_PL011, 0 };
	blob_mem(b, RAM_BASE, 0, 4 * P, RWX | CV_MEM_LOADABLE);
	blob_mem(b, RAM_BASE + 4 * P, 0x100000, 4 * P, RW | CV_MEM_DMA);
	blob_mem(b, 0, DEMO_COMM, P, RW | CV_MEM_COMM_REGION);
	blob_mem(b, VIRTIO + P, VIRTIO + P, P, RW | CV_MEM_IO);
	blob_mem(b, UART2, UART2, P, RW | CV_MEM_IO);
	blob_irqs(b, 40, 2);
	blob_pci(b, DEMO_DEVFN, DEMO_BAR, P);
}

/* A cell of one CPU and one loadable RAM page (at 0), with a communication region. */
static void small_blob(struct cell_blob *b, const char *name, unsigned int cpu,
		       unsigned int page)
{
	blob_begin(b, name, 1ULL << cpu);
	blob_mem(b, RAM_BASE + page * P, 0, P, RWX | CV_MEM_LOADABLE);
	blob_mem(b, 0, DEMO_COMM, P, RW | CV_MEM_COMM_REGION);
}

/* The cell of a call's result: NULL for an error or 0 (cell_find(0) is the root). */
static struct cell *cell_of(long id)
{
	return id > 0 ? cell_find((u64)id) : NULL;
}

/* The root passes the blob in its RAM, as the driver does. */
static long create(const struct cell_blob *b)
{
	memcpy(ram + BLOB_PAGE * P, b, sizeof(*b));
	return cell_create(BLOB_IPA, sizeof(*b));
}

/* Create, set loadable and start; the id, or 0 with a diagnostic. */
static unsigned int run_cell(const struct cell_blob *b)
{
	long id = create(b);

	if (id <= 0 || cell_set_loadable(id) || cell_start(id)) {
		printf("# could not run cell '%s' (%ld): %s\n", b->cfg.name, id, last);
		return 0;
	}
	return (unsigned int)id;
}

static u16 *pci_command(unsigned int devfn)
{
	return (u16 *)(ecam + ((u64)devfn << 12) + 4);
}

static bool ram_is(unsigned int page, unsigned int pages, u8 value)
{
	size_t i;

	for (i = 0; i < pages * P; i++)
		if (ram[page * P + i] != value)
			return false;
	return true;
}

static bool cpus_in(u64 set, u32 state, const struct cell *owner)
{
	unsigned int i;

	for (i = 0; i < NUM_CPUS; i++)
		if (set >> i & 1 && (cpus[i].state != state || cpus[i].cell != owner))
			return false;
	return true;
}

/* The machine after the hypervisor's enable: the root owns everything. */
static void setup(void)
{
	struct cv_system_config *s = &system_blob.sys;
	struct cell_blob *r = &system_blob.root;
	unsigned int i;

	*s = (struct cv_system_config){
		.hdr = { CV_SYSTEM_MAGIC, CV_CONFIG_REVISION, 0, sizeof(system_blob), 0 },
		.hv_mem_phys = HV_PHYS, .hv_mem_size = HV_SIZE,
		.platform = { .gicd_base = GICD, .gicr_base = GICR, .gic_version = CV_GIC_V3,
			      .maintenance_irq = 25, .pci_ecam_base = ECAM, .num_cpus = NUM_CPUS,
			      .num_irqs = 128, .notify_irq = ROOT_IRQ + 1,
			      .iommu = { 0x09050000, 0x20000, CV_IOMMU_SMMUV3, 0, 8, 0 } },
		.root_cell = { offsetof(typeof(system_blob), root), sizeof(struct cell_blob) },
	};
	blob_begin(r, "root", (1ULL << NUM_CPUS) - 1);
	blob_mem(r, RAM_BASE, RAM_BASE, RAM_PAGES * P, RWX | CV_MEM_DMA);
	blob_mem(r, UART, UART, P, RW | CV_MEM_IO);
	blob_mem(r, VIRTIO, VIRTIO, 4 * P, RW | CV_MEM_IO);
	blob_mem(r, PCI_WINDOW, PCI_WINDOW, 16 * P, RW | CV_MEM_IO);
	blob_irqs(r, ROOT_IRQ, 2);
	blob_pci(r, ROOT_DEVFN, PCI_WINDOW, P);

	ram = aligned_alloc(P, RAM_PAGES * P);
	ecam = aligned_alloc(P, ECAM_SIZE);
	pool = aligned_alloc(16 * P, POOL_PAGES * P);
	if (!ram || !ecam || !pool)
		abort();
	memset(ram, 0, RAM_PAGES * P);
	memset(ecam, 0, ECAM_SIZE);
	pool_init(&mem_pool, (u64)(size_t)pool, POOL_PAGES, pool_bitmap);
	hv = (struct hypervisor){ .config = s, .phys = HV_PHYS, .size = HV_SIZE };

	root_cell.config = &r->cfg;
	root_cell.state = CV_CELL_STATE_RUNNING;
	root_cell.cpu_set = PRESENT_CPUS;
	cell_add(&root_cell);
	cell_map_regions(&root_cell);
	if (pci_cell_init(&root_cell))		/* the root's ECAM traps, as setup.c does */
		abort();
	if (iommu_enable())			/* the root's DMA map, every stream through it */
		abort();
	for (i = 0; i < NUM_CPUS; i++)
		cpus[i] = (struct per_cpu){ .id = i, .present = i != ABSENT_CPU, .cell = &root_cell,
					    .state = i ? CV_CPU_PARKED : CV_CPU_RUNNING };
}

/* ---- The tests ---- */

static struct snapshot at_start;

/* The simulated machine is the one the hypervisor would accept. */
static void test_fixture(void)
{
	char why[160] = "";

	ok(config_check_system(&system_blob, sizeof(system_blob), why, sizeof(why)) == 0,
	   "the simulated machine's system config is sound %s", why);
	ok(root_whole() && !tlb_is_stale(&root_cell), "the root maps all its regions");
	at_start = snapshot();
}

/* A refused create prints why and changes nothing. */
#define REFUSED(desc, call, err, why, text) do {					\
	struct snapshot before_ = snapshot();						\
	long ret_;									\
	console_mark();									\
	this_cpu()->refusal.reason = CV_REASON_NONE;					\
	ret_ = (call);									\
	ok(ret_ == (err) && this_cpu()->refusal.reason == (why) && said(text) &&	\
	   unchanged(&before_), "create refused, %s: %ld, reason %u (" #why "), \"%s\"",	\
	   desc, ret_, this_cpu()->refusal.reason, last);				\
} while (0)

/* Refusals that need no other cell: the blob, the CPUs, the memory, the root's devices. */
static void test_create_refusals(void)
{
	struct cell_blob b;

	demo_blob(&b);
	memcpy(ram + BLOB_PAGE * P, &b, sizeof(b));
	REFUSED("a blob shorter than a cell config",
		cell_create(BLOB_IPA, sizeof(struct cv_cell_config) - 1), -CV_EINVAL, CV_REASON_BAD_ARGUMENT,
		"create: a cell blob of 119 bytes is impossible");
	REFUSED("a blob over 64 KiB", cell_create(BLOB_IPA, 16 * P + 1), -CV_EINVAL,
		CV_REASON_BAD_ARGUMENT,
		"a cell blob of 65537 bytes is impossible");
	REFUSED("a blob outside the root's RAM", cell_create(0x20000000, sizeof(b)), -CV_EFAULT,
		CV_REASON_NOT_CALLERS_RAM,
		"the blob at 0x20000000 is not in the root's RAM");
	REFUSED("a blob running past the root's RAM",
		cell_create(RAM_BASE + RAM_PAGES * P - 64, sizeof(b)), -CV_EFAULT, CV_REASON_NOT_CALLERS_RAM,
		"is not in the root's RAM");

	demo_blob(&b);
	b.cfg.hdr.magic = CV_SYSTEM_MAGIC;
	REFUSED("a bad magic", create(&b), -CV_EINVAL, CV_REASON_CONFIG_INVALID,
		"cell configuration rejected: cell config: bad magic");
	demo_blob(&b);
	b.cfg.cpu_set = 1ULL << NUM_CPUS;
	REFUSED("a CPU the platform does not have", create(&b), -CV_EINVAL,
		CV_REASON_CONFIG_INVALID,
		"cell configuration rejected: cell 'demo': CPU set 0x100000");

	demo_blob(&b);
	b.cfg.cpu_set = PRESENT_CPUS;
	REFUSED("every CPU of the root", create(&b), -CV_EBUSY, CV_REASON_CPUS_EMPTY_OR_ALL,
		"CPU set 0x7ffff is empty or every CPU of the root cell");
	b.cfg.cpu_set = 0x3;
	REFUSED("a CPU the root still runs on", create(&b), -CV_EBUSY, CV_REASON_CPU_ONLINE,
		"create 'demo': CPU 0 still runs in the root cell; take it offline");
	b.cfg.cpu_set = DEMO_CPUS;
	cpus[2].wake = 1;
	REFUSED("a parked CPU with a wake-up pending", create(&b), -CV_EBUSY, CV_REASON_CPU_ONLINE,
		"CPU 2 still runs in the root cell");
	cpus[2].wake = 0;
	b.cfg.cpu_set = 1ULL << ABSENT_CPU;
	REFUSED("a CPU that never came up", create(&b), -CV_EBUSY, CV_REASON_CPU_BUSY,
		"create 'demo': CPU 19 is not the root cell's to give");

	demo_blob(&b);
	b.pci[0].intx_irq = 42;
	REFUSED("an INTx line that is not the cell's", create(&b), -CV_EINVAL,
		CV_REASON_CONFIG_INVALID,
		"PCI device 0: INTx interrupt 42 is not one of the cell's interrupts");

	demo_blob(&b);
	b.mem[1].phys_start = 0x50000000;
	REFUSED("RAM that is not the root's", create(&b), -CV_EINVAL, CV_REASON_MEM_NOT_ROOT_RAM,
		"memory region 1 (0x50000000, 0x4000 bytes) is not RAM of the root cell");
	b.mem[1].phys_start = RAM_BASE + (RAM_PAGES - 1) * P;
	REFUSED("RAM running past the root's", create(&b), -CV_EINVAL, CV_REASON_MEM_NOT_ROOT_RAM,
		"memory region 1 (0x4003f000, 0x4000 bytes) is not RAM of the root cell");
	b.mem[1].phys_start = UART;
	REFUSED("a device of the root as RAM", create(&b), -CV_EINVAL, CV_REASON_MEM_NOT_ROOT_RAM,
		"memory region 1 (0x9000000, 0x4000 bytes) is not RAM of the root cell");
	b.mem[1].phys_start = VIRTIO;
	REFUSED("two regions of the cell over the same physical memory", create(&b), -CV_EINVAL,
		CV_REASON_CONFIG_INVALID,
		"memory regions 1 and 3 overlap in physical memory");

	demo_blob(&b);
	b.mem[3].phys_start = RAM_BASE + 60 * P;
	REFUSED("a device region on root RAM", create(&b), -CV_EINVAL, CV_REASON_MEM_RESERVED,
		"device region 3 (0x4003c000, 0x1000 bytes) covers RAM, the hypervisor or the "
		"interrupt controller");
	b.mem[3].phys_start = HV_PHYS + HV_SIZE - P;
	REFUSED("a device region on the hypervisor", create(&b), -CV_EINVAL, CV_REASON_MEM_RESERVED,
		"device region 3 (0x7c3ff000, 0x1000 bytes) covers");
	b.mem[3].phys_start = GICD + 0x3000;
	REFUSED("a device region on the GIC distributor", create(&b), -CV_EINVAL,
		CV_REASON_MEM_RESERVED,
		"device region 3 (0x8003000, 0x1000 bytes) covers");
	b.mem[3].phys_start = GICR + 5 * GICR_STRIDE;
	REFUSED("a device region on a GIC redistributor", create(&b), -CV_EINVAL,
		CV_REASON_MEM_RESERVED,
		"device region 3 (0x8140000, 0x1000 bytes) covers");
	b.mem[3].phys_start = ECAM + 2 * P;
	REFUSED("a device region on the PCI configuration space", create(&b), -CV_EINVAL,
		CV_REASON_MEM_RESERVED,
		"device region 3 (0x30002000, 0x1000 bytes) covers");

	demo_blob(&b);
	b.irqs[1] = (struct cv_irq_range){ ROOT_IRQ + 1, 1 };
	b.cfg.irq_ranges.count = 2;
	REFUSED("an interrupt of the root", create(&b), -CV_EBUSY, CV_REASON_IRQ_BUSY,
		"create 'demo': interrupt 34 belongs to cell 'root'");
	demo_blob(&b);
	b.pci[0].devfn = ROOT_DEVFN;
	REFUSED("a PCI function of the root", create(&b), -CV_EBUSY, CV_REASON_PCI_BUSY,
		"create 'demo': PCI device 0000:00:01.0 belongs to cell 'root'");
	ok(cell_find(1) == NULL && root_whole() && *pci_command(DEMO_DEVFN) == 0,
	   "after all refusals: no cell, the root has everything, no PCI function touched");
}

/* The pool has no room: -ENOMEM, and nothing leaks. */
static void test_create_pool_full(void)
{
	void *pages[POOL_PAGES];
	unsigned int n = 0;
	struct cell_blob b;

	while (n < POOL_PAGES && (pages[n] = page_alloc(1)))
		n++;
	demo_blob(&b);
	REFUSED("no room in the pool for the blob", create(&b), -CV_ENOMEM,
		CV_REASON_NO_MEMORY, "");
	page_free(pages[--n], 1);
	REFUSED("no room in the pool for the communication region", create(&b), -CV_ENOMEM,
		CV_REASON_BUILD_FAILED,
		"create 'demo': cannot build the cell (error -12)");
	while (n)
		page_free(pages[--n], 1);
	ok(mem_pool.used == at_start.pool_used, "the pool is as it was");
}

/* A create that fails half-way through undoes what it did. */
static void test_create_rollback(void)
{
	struct cell_blob b;

	demo_blob(&b);
	fail_what = FAIL_CELL_MAP;
	fail_countdown = 3;
	REFUSED("the cell's stage 2 cannot be built", create(&b), -CV_ENOMEM,
		CV_REASON_BUILD_FAILED,
		"create 'demo': cannot build the cell (error -12)");
	fail_what = FAIL_ROOT_UNMAP;
	fail_countdown = 2;
	REFUSED("the root's stage 2 cannot give up the second region", create(&b), -CV_ENOMEM,
		CV_REASON_BUILD_FAILED,
		"create 'demo': cannot build the cell (error -12)");
	ok(fail_what == FAIL_NONE && root_whole() && cell_find(1) == NULL &&
	   cpus_in(DEMO_CPUS, CV_CPU_PARKED, &root_cell),
	   "both failures happened and were undone: the root has its memory and CPUs");
}

static unsigned int demo;	/* its id while it exists */

/* A create that succeeds: the cell takes CPUs, memory and devices from the root. */
static void test_create(void)
{
	struct snapshot before = snapshot();
	struct cell_blob b;
	struct cell *c;
	long id;

	demo_blob(&b);
	*pci_command(DEMO_DEVFN) = 0x0006;	/* the root's driver left it decoding, mastering */
	console_mark();
	id = create(&b);
	c = cell_of(id);
	ok(id == 1 && c && said("cell 'demo' created: id 1, CPUs 0x6"),
	   "create returns the first free id: %ld \"%s\"", id, last);
	if (!c)
		exit(tap_done() | 1);
	demo = (unsigned int)id;
	ok(c->state == CV_CELL_STATE_CREATED && cell_state_of(c) == CV_CELL_STATE_CREATED &&
	   cell_count() == before.cells + 1, "the cell is registered, state created");
	ok((u8 *)c->config < ram || (u8 *)c->config >= ram + RAM_PAGES * P,
	   "the cell's config is a copy in hypervisor memory");
	memset(ram + BLOB_PAGE * P, 0xee, sizeof(b));
	ok(strcmp(c->config->name, "demo") == 0 && c->config->cpu_set == DEMO_CPUS,
	   "the root overwriting its blob afterwards changes nothing");
	ok(mem_pool.used == before.pool_used + 3 + 4,
	   "pool: one page each of config, comm region and BAR views, four of DMA map (levels 0 "
	   "to 3): +%llu",
	   mem_pool.used - before.pool_used);
	ok(root_cell.cpu_set == (PRESENT_CPUS & ~DEMO_CPUS) && c->cpu_set == DEMO_CPUS &&
	   cpus_in(DEMO_CPUS, CV_CPU_PARKED, c) && cpus_in(0x8, CV_CPU_PARKED, &root_cell),
	   "CPUs 1 and 2 move from the root to the cell, still parked");
	ok(maps_none(&root_cell, RAM_BASE, 8 * P) &&
	   maps(&root_cell, RAM_BASE + 8 * P, RAM_BASE + 8 * P, (RAM_PAGES - 8) * P, RAM_PT),
	   "the root's stage 2 loses the cell's RAM (pages 0..7), keeps the rest");
	ok(maps_none(&root_cell, VIRTIO + P, P) && maps(&root_cell, VIRTIO, VIRTIO, P, IO_PT) &&
	   maps(&root_cell, VIRTIO + 2 * P, VIRTIO + 2 * P, 2 * P, IO_PT),
	   "the root loses the cell's virtio device, keeps its neighbours");
	ok(maps_none(&root_cell, DEMO_BAR, P) &&
	   maps(&root_cell, PCI_WINDOW, PCI_WINDOW, 2 * P, IO_PT) &&
	   maps(&root_cell, DEMO_BAR + P, DEMO_BAR + P, 13 * P, IO_PT),
	   "the root loses the BAR of the cell's PCI function, keeps the rest of its window");
	/* and the root's TLB flushed after all of it: test_found_problems() 1. */
	ok(maps(&root_cell, UART, UART, P, IO_PT), "the root keeps its UART");
	ok(maps(c, 0, RAM_BASE, 4 * P, PT_READ | PT_WRITE | PT_EXEC) &&
	   maps(c, 0x100000, RAM_BASE + 4 * P, 4 * P, PT_READ | PT_WRITE),
	   "the cell's stage 2 maps its RAM where its config says, with its access rights");
	ok(maps(c, DEMO_COMM, hv_phys(c->comm), P, PT_READ | PT_WRITE),
	   "... its communication region: the hypervisor's page");
	ok(maps(c, VIRTIO + P, VIRTIO + P, P, IO_PT) && maps(c, UART2, UART2, P, IO_PT) &&
	   maps(c, DEMO_BAR, DEMO_BAR, P, IO_PT) && pages_of(c) == 12,
	   "... its devices and its BAR as device memory, and nothing else");
	ok(*pci_command(DEMO_DEVFN) == 0x0400 && *pci_command(ROOT_DEVFN) == 0,
	   "the cell's PCI function is quiesced (no decoding, no DMA, INTx off), no other");
	ok(c->num_mmio == 1 && c->mmio[0].start == ECAM,
	   "the cell's view of PCI configuration space is trapped");
}

/* Refusals because of what another cell holds. */
static void test_create_conflicts(void)
{
	struct cell_blob b;

	small_blob(&b, "other", 1, 20);
	REFUSED("a CPU of another cell", create(&b), -CV_EBUSY, CV_REASON_CPU_BUSY,
		"create 'other': CPU 1 is not the root cell's to give");
	small_blob(&b, "other", 3, 2);
	REFUSED("RAM of another cell", create(&b), -CV_EBUSY, CV_REASON_MEM_BUSY,
		"memory region 0 (0x40002000, 0x1000 bytes) belongs to cell 'demo'");
	small_blob(&b, "other", 3, 20);
	blob_mem(&b, VIRTIO + P, VIRTIO + P, P, RW | CV_MEM_IO);
	REFUSED("a device of another cell", create(&b), -CV_EBUSY, CV_REASON_MEM_BUSY,
		"memory region 2 (0xa001000, 0x1000 bytes) belongs to cell 'demo'");
	small_blob(&b, "other", 3, 20);
	blob_irqs(&b, 36, 6);
	REFUSED("an interrupt of another cell", create(&b), -CV_EBUSY, CV_REASON_IRQ_BUSY,
		"create 'other': interrupt 40 belongs to cell 'demo'");
	small_blob(&b, "other", 3, 20);
	blob_pci(&b, DEMO_DEVFN, 0, 0);
	REFUSED("a PCI function of another cell", create(&b), -CV_EBUSY, CV_REASON_PCI_BUSY,
		"create 'other': PCI device 0000:00:02.0 belongs to cell 'demo'");
}

/* The root's write of 'size' bytes to its configuration space at devfn/reg, trapped. */
static unsigned int cfg_unhandled;

static void root_cfg_write(unsigned int devfn, unsigned int reg, u64 value, unsigned int size)
{
	struct mmio_access a = {
		.addr = ECAM + ((u64)devfn << 12) + reg, .value = value, .size = size, .write = true,
	};

	cfg_unhandled += mmio_dispatch(&root_cell, &a) != MMIO_HANDLED;
}

static u32 *pci_reg32(unsigned int devfn, unsigned int reg)
{
	return (u32 *)(ecam + ((u64)devfn << 12) + reg);
}

/*
 * The root moves its own function's BARs (sized like plain memory: 16 bytes) while the demo
 * cell holds DEMO_BAR: never decoding over it.
 */
static void test_root_bars(void)
{
	const char *clash = "00:01.0 of the root cell: a BAR at 0x10002000+0x10 overlaps a BAR "
			    "of cell 'demo'; its memory decoding stays off";

	*pci_reg32(ROOT_DEVFN, 0x10) = PCI_WINDOW;
	*pci_reg32(ROOT_DEVFN, 0x14) = 0x1;		/* an I/O BAR: never sized */
	*pci_reg32(ROOT_DEVFN, 0x18) = 0x4;		/* 64-bit, 0x1_0000_0000 */
	*pci_reg32(ROOT_DEVFN, 0x1c) = 0x1;
	*pci_command(ROOT_DEVFN) = 0x0006;
	console_mark();
	root_cfg_write(ROOT_DEVFN, 0x10, DEMO_BAR, 4);
	ok(*pci_reg32(ROOT_DEVFN, 0x10) == DEMO_BAR && *pci_command(ROOT_DEVFN) == 0x0004 &&
	   said(clash), "a BAR written over the cell's: written, but decoding turned off \"%s\"",
	   last);
	ok(*pci_reg32(ROOT_DEVFN, 0x14) == 0x1 && *pci_reg32(ROOT_DEVFN, 0x18) == 0x4 &&
	   *pci_reg32(ROOT_DEVFN, 0x1c) == 0x1, "... the other BARs as they were after sizing");
	console_mark();
	root_cfg_write(ROOT_DEVFN, 0x04, 0x0006, 2);
	ok(*pci_command(ROOT_DEVFN) == 0x0004 && said(clash),
	   "turning decoding on while it overlaps: the rest of the command is written, not that");
	root_cfg_write(ROOT_DEVFN, 0x10, DEMO_BAR + P, 4);
	ok(*pci_command(ROOT_DEVFN) == 0x0004, "moved next to it: decoding still off, as it was");
	console_mark();
	root_cfg_write(ROOT_DEVFN, 0x04, 0x0006, 4);
	ok(*pci_command(ROOT_DEVFN) == 0x0006 && !said("overlaps"),
	   "... and the root turns it on: no overlap");
	root_cfg_write(ROOT_DEVFN, 0x1c, 0, 4);
	ok(*pci_reg32(ROOT_DEVFN, 0x1c) == 0 && *pci_command(ROOT_DEVFN) == 0x0006,
	   "the 64-bit BAR's high half written to 0: decodes at 0x0, clear of the cell's");
	console_mark();
	root_cfg_write(ROOT_DEVFN, 0x18, DEMO_BAR | 0x4, 4);
	ok(*pci_command(ROOT_DEVFN) == 0x0004 && said("a BAR at 0x10002000+0x10 overlaps"),
	   "its low half over the cell's BAR: decoding off \"%s\"", last);
	root_cfg_write(ROOT_DEVFN, 0x1c, 0x1, 4);
	root_cfg_write(ROOT_DEVFN, 0x04, 0x0006, 2);
	ok(*pci_command(ROOT_DEVFN) == 0x0006,
	   "with the high half at 1 (0x1_1000_2000) it decodes again");
	*pci_reg32(ROOT_DEVFN, 0x30) = DEMO_BAR | 0x1;	/* an enabled expansion ROM */
	root_cfg_write(ROOT_DEVFN, 0x04, 0x0006, 2);
	ok(*pci_command(ROOT_DEVFN) == 0x0004, "an enabled expansion ROM over it counts too");
	*pci_reg32(ROOT_DEVFN, 0x30) = DEMO_BAR;
	root_cfg_write(ROOT_DEVFN, 0x04, 0x0006, 2);
	ok(*pci_command(ROOT_DEVFN) == 0x0006, "... a disabled one does not");
	ok(cfg_unhandled == 0, "every one of these writes was handled");
	memset(pci_reg32(ROOT_DEVFN, 0x10), 0, 0x24);
	*pci_command(ROOT_DEVFN) = 0;
}

/* Calls naming no cell: the root (0) is not managed here, ids past the slots do not exist. */
static void test_no_such_cell(void)
{
	long r[4];

	console_mark();
	r[0] = cell_set_loadable(0);
	r[1] = cell_start(7);
	r[2] = cell_shutdown(CV_MAX_CELLS);
	r[3] = cell_destroy((1ULL << 32) + demo, 0);
	ok(r[0] == -CV_ENOENT && r[1] == -CV_ENOENT && r[2] == -CV_ENOENT && r[3] == -CV_ENOENT &&
	   said("set-loadable: there is no cell 0\n") && said("start: there is no cell 7\n") &&
	   said("shutdown: there is no cell 16\n") &&
	   said("destroy: there is no cell 4294967297\n"),
	   "calls on cell 0, a free slot, id 16 and 2^32 + 1: -ENOENT");
}

/* set-loadable gives the loadable regions back to the root; start takes them again. */
static void test_load_and_start(void)
{
	struct cell *c = cell_find(demo);
	struct cv_comm_region *comm = c->comm;
	long r;

	console_mark();
	r = cell_start(demo);
	ok(r == -CV_EINVAL && why(CV_REASON_NOT_LOADED) &&
	   said("start: cell 'demo' was not loaded (state 0); load it first") &&
	   c->state == CV_CELL_STATE_CREATED && kicked == 0 && cpus_in(DEMO_CPUS, CV_CPU_PARKED, c),
	   "start of a cell that is not loadable: %ld \"%s\", no CPU woken", r, last);

	r = cell_set_loadable(demo);
	ok(r == 0 && c->state == CV_CELL_STATE_LOADABLE, "set-loadable: state loadable");
	ok(maps(&root_cell, RAM_BASE, RAM_BASE, 4 * P, RAM_PT) &&
	   maps_none(&root_cell, RAM_BASE + 4 * P, 4 * P) && maps_none(&root_cell, VIRTIO + P, P),
	   "the root maps the loadable region again, as its own RAM; not the other regions");
	ok(pages_of(c) == 12, "the cell keeps its mappings");
	ok(cell_set_loadable(demo) == 0 && c->state == CV_CELL_STATE_LOADABLE &&
	   maps(&root_cell, RAM_BASE, RAM_BASE, 4 * P, RAM_PT), "set-loadable twice is harmless");

	memset(comm, 0x77, P);			/* whatever was there before */
	console_mark();
	r = cell_start(demo);
	ok(r == 0 && c->state == CV_CELL_STATE_RUNNING && said("cell 'demo' started at 0x1000"),
	   "start: state running: %ld \"%s\"", r, last);
	ok(maps_none(&root_cell, RAM_BASE, 8 * P) && !tlb_is_stale(&root_cell) &&
	   pages_of(c) == 12, "the root loses the loadable region again (TLB flushed)");
	ok(comm->magic == CV_COMM_MAGIC && comm->revision == CV_COMM_REVISION &&
	   comm->cell_id == demo && comm->cpu_set == DEMO_CPUS &&
	   comm->cell_state == CV_CELL_STATE_RUNNING,
	   "comm region: magic, revision, id, CPUs, state");
	ok(comm->msg_to_cell == CV_MSG_NONE && comm->reply_from_cell == CV_REPLY_NONE &&
	   comm->console_type == CV_CONSOLE_PL011 && comm->console_base == UART2 &&
	   comm->pci_ecam_base == ECAM && comm->gicd_base == GICD &&
	   comm->gicr_base == GICR + GICR_STRIDE && comm->reserved == 0,
	   "comm region: no message, console, PCI, the platform facts of the arch layer");
	ok(comm_syncs > 0, "... written to memory, for a cell that maps it uncached");
	ok(kicked == DEMO_CPUS && cpus_in(DEMO_CPUS, CV_CPU_RUNNING, c) &&
	   cpus[1].wake_entry == DEMO_ENTRY && cpus[2].wake_entry == DEMO_ENTRY &&
	   cpus[1].wake_context == 0 && cpus_in(0x8, CV_CPU_PARKED, &root_cell),
	   "CPUs 1 and 2, and no other, are woken at the entry");
	ok(cell_start(demo) == -CV_EINVAL && c->state == CV_CELL_STATE_RUNNING,
	   "start of a running cell: -EINVAL");
	console_mark();
	ok(cell_set_loadable(demo) == -CV_EBUSY && why(CV_REASON_CELL_RUNNING) &&
	   said("set-loadable: cell 'demo' is running; shut it down first") &&
	   maps_none(&root_cell, RAM_BASE, 4 * P), "set-loadable of a running cell: -EBUSY");
	kicked = 0;
}

/* The running demo cell's access of 'size' bytes to its function's configuration space. */
static u64 cell_cfg(unsigned int reg, unsigned int size, bool write, u64 value)
{
	struct mmio_access a = {
		.addr = ECAM + ((u64)DEMO_DEVFN << 12) + reg, .value = value, .size = size,
		.write = write,
	};

	cfg_unhandled += mmio_dispatch(cell_find(demo), &a) != MMIO_HANDLED;
	return a.value;
}

/*
 * The cell sizes and writes its BARs as an OS does, and sees what it wrote; the real BARs
 * stay (the real BAR 0 is plain memory here: 16 bytes when sized).
 */
static void test_cell_bars(void)
{
	u32 real0 = *pci_reg32(DEMO_DEVFN, 0x10), rom = *pci_reg32(DEMO_DEVFN, 0x30);

	cfg_unhandled = 0;
	ok(cell_cfg(0x10, 4, false, 0) == DEMO_BAR, "the cell reads BAR 0 where its "
	   "configuration puts it: 0x%llx", cell_cfg(0x10, 4, false, 0));
	cell_cfg(0x10, 4, true, 0xffffffff);
	ok(cell_cfg(0x10, 4, false, 0) == 0xfffffff0 && *pci_reg32(DEMO_DEVFN, 0x10) == real0,
	   "all-ones written: the size mask of the real BAR reads back; the real BAR stays");
	cell_cfg(0x10, 4, true, DEMO_BAR);
	ok(cell_cfg(0x10, 4, false, 0) == DEMO_BAR && cell_cfg(0x12, 2, false, 0) == DEMO_BAR >> 16,
	   "its address written back reads back, in any access size");
	cell_cfg(0x13, 1, true, 0xab);
	ok(cell_cfg(0x10, 4, false, 0) == ((DEMO_BAR & 0xffffff) | 0xab000000U) &&
	   *pci_reg32(DEMO_DEVFN, 0x10) == real0, "a byte written changes that byte of its view");
	pci_cell_reset_bars(cell_find(demo));
	ok(cell_cfg(0x10, 4, false, 0) == DEMO_BAR, "a start puts the view back where the "
	   "configuration says");
	cell_cfg(0x14, 4, true, 0xffffffff);
	cell_cfg(0x30, 4, true, 0xffffffff);
	ok(cell_cfg(0x14, 4, false, 0) == 0 && cell_cfg(0x30, 4, false, 0) == 0 &&
	   *pci_reg32(DEMO_DEVFN, 0x30) == rom,
	   "a BAR its configuration does not give, and the expansion ROM, read as none");
	ok(cfg_unhandled == 0, "every access handled");
}

/* Shutdown through the communication region: denied, approved, no answer. */
static void test_shutdown(void)
{
	struct cell *c = cell_find(demo);
	struct cv_comm_region *comm = c->comm;
	unsigned int syncs = comm_syncs;
	u64 t0;
	long r;

	guest_answers(c, CV_REPLY_DENIED, 10);
	console_mark();
	r = cell_shutdown(demo);
	ok(r == -CV_EPERM && why(CV_REASON_SHUTDOWN_DENIED) &&
	   guest.saw_request && said("cell 'demo' refused to shut down"),
	   "the cell denies: %ld \"%s\"", r, last);
	ok(comm_syncs >= syncs + 2, "the request went to memory and the answer came from it "
	   "(%u syncs of the page)", comm_syncs - syncs);
	ok(c->state == CV_CELL_STATE_RUNNING && cpus_in(DEMO_CPUS, CV_CPU_RUNNING, c) &&
	   !cpus[1].stop && !cpus[2].stop && pages_of(c) == 12 && comm->msg_to_cell == CV_MSG_NONE,
	   "... it keeps running with all its memory; the request is withdrawn");

	guest_answers(c, CV_REPLY_APPROVED, 20);
	console_mark();
	t0 = now_ms();
	r = cell_shutdown(demo);
	ok(r == 0 && said("cell 'demo' shut down") && c->state == CV_CELL_STATE_SHUT_DOWN,
	   "the cell approves: %ld \"%s\"", r, last);
	ok(now_ms() - t0 >= 20 && now_ms() - t0 < 100,
	   "... the hypervisor waited for the answer, not for the timeout (%llu ms)",
	   now_ms() - t0);
	ok(guest.pages_at_park == 12,
	   "... its CPUs went offline on their own, its memory still mapped until then");
	ok(cpus_in(DEMO_CPUS, CV_CPU_PARKED, c) && pages_of(c) == 0 && !tlb_is_stale(c) &&
	   comm->msg_to_cell == CV_MSG_NONE && maps_none(&root_cell, RAM_BASE, 8 * P),
	   "... then its stage 2 is emptied; its memory is not the root's yet");

	guest_answers(c, CV_REPLY_APPROVED, 1);
	console_mark();
	ok(cell_shutdown(demo) == 0 && !guest.saw_request && !said("Cellvisor") &&
	   c->state == CV_CELL_STATE_SHUT_DOWN,
	   "shutdown of a cell that is not running: 0, no request");
	console_mark();
	ok(cell_start(demo) == -CV_EINVAL && said("was not loaded (state 4)"),
	   "a shut-down cell must be loaded again before a start");

	ok(cell_set_loadable(demo) == 0 && cell_start(demo) == 0 &&
	   cpus_in(DEMO_CPUS, CV_CPU_RUNNING, c) && pages_of(c) == 12 &&
	   comm->magic == CV_COMM_MAGIC && !cpus[1].stop, "... then it starts again");

	guest_answers(c, CV_REPLY_APPROVED, 5);
	guest.keeps_running = true;
	cpus_ignore_stop = true;
	console_mark();
	r = cell_shutdown(demo);
	ok(r == -CV_EBUSY && why(CV_REASON_CPUS_DO_NOT_STOP) && c->state == CV_CELL_STATE_FAILED &&
	   said("cell 'demo' approved the shutdown, but its CPUs did not stop: failed"),
	   "the cell approves, but its CPUs never stop: %ld, failed, \"%s\"", r, last);
	cpus_ignore_stop = false;
	guest_answers(c, CV_REPLY_NONE, 0);
	cell_failed(c);
	ok(cell_set_loadable(demo) == 0 && cell_start(demo) == 0 &&
	   cpus_in(DEMO_CPUS, CV_CPU_RUNNING, c), "... once they do stop, it starts again");

	guest_answers(c, CV_REPLY_APPROVED, 5);
	guest.faults = true;
	console_mark();
	r = cell_shutdown(demo);
	ok(r == 0 && c->state == CV_CELL_STATE_FAILED &&
	   said("cell 'demo' approved the shutdown, but a CPU of it failed meanwhile: failed"),
	   "the cell approves, but a CPU of it fails meanwhile: %ld, failed, \"%s\"", r, last);
	ok(cpus_in(DEMO_CPUS, CV_CPU_PARKED, c) && pages_of(c) == 0,
	   "... its CPUs are stopped, its memory taken away");
	guest_answers(c, CV_REPLY_APPROVED, 5);
	ok(cell_set_loadable(demo) == 0 && cell_start(demo) == 0 && cell_shutdown(demo) == 0 &&
	   c->state == CV_CELL_STATE_SHUT_DOWN, "... started again, it shuts down normally");
	ok(cell_set_loadable(demo) == 0 && cell_start(demo) == 0 &&
	   cpus_in(DEMO_CPUS, CV_CPU_RUNNING, c), "... and starts again");

	guest_answers(c, CV_REPLY_NONE, 0);
	console_mark();
	t0 = now_ms();
	r = cell_shutdown(demo);
	ok(r == -CV_ETIMEDOUT && why(CV_REASON_SHUTDOWN_TIMEOUT) &&
	   c->state == CV_CELL_STATE_FAILED &&
	   said("cell 'demo' did not answer the shutdown request within 100 ms: failed"),
	   "the cell does not answer: %ld \"%s\"", r, last);
	ok(now_ms() - t0 >= 100 && now_ms() - t0 < 200,
	   "... after shutdown_timeout_ms (%llu ms)", now_ms() - t0);
	ok(cpus_in(DEMO_CPUS, CV_CPU_PARKED, c) && cpus[1].stop && cpus[2].stop &&
	   pages_of(c) == 0 && !tlb_is_stale(c), "... its CPUs are stopped, its memory taken away");
	guest.cell = NULL;
}

/* Destroy scrubs the cell's RAM and gives everything back. */
static void test_destroy(void)
{
	struct cell_blob b;
	struct cell *c;
	long r;

	memset(ram, 0xa5, 8 * P);		/* what the cell left in its RAM */
	memset(ram + 8 * P, 0x5a, P);		/* the root's page next to it */
	*pci_command(DEMO_DEVFN) = 0x0006;	/* the cell's driver enabled its device */
	bad_temp = 0;
	console_mark();
	r = cell_destroy(demo, 0);
	ok(r == 0 && said("cell 'demo' destroyed; CPUs 0x6 back to the root cell"),
	   "destroy of a failed cell: %ld \"%s\"", r, last);
	ok(ram_is(0, 8, 0) && ram_is(8, 1, 0x5a) && bad_temp == 0,
	   "the cell's RAM is zeroed, nothing else (not its device memory)");
	ok(root_whole() && !tlb_is_stale(&root_cell),
	   "the root maps all its memory and devices again");
	ok(cpus_in(DEMO_CPUS, CV_CPU_PARKED, &root_cell) && !cpus[1].stop && !cpus[2].stop &&
	   root_cell.cpu_set == PRESENT_CPUS, "CPUs 1 and 2 are the root's again, parked");
	ok(*pci_command(DEMO_DEVFN) == 0x0400,
	   "the PCI function is quiesced as it goes back to the root");
	ok(cell_find(demo) == NULL && unchanged(&at_start),
	   "the slot is free: pool, cells, stages 2 all as before the create");
	ok(cell_destroy(demo, 0) == -CV_ENOENT, "a second destroy: -ENOENT");

	demo_blob(&b);
	demo = run_cell(&b);
	c = cell_of(demo);
	ok(demo == 1 && c, "the freed id is used again, and the cell runs");
	if (!c)
		return;

	guest_answers(c, CV_REPLY_DENIED, 5);
	console_mark();
	r = cell_destroy(demo, 0);
	ok(r == -CV_EPERM && said("refused to shut down") && cell_find(demo) == c &&
	   c->state == CV_CELL_STATE_RUNNING && cpus_in(DEMO_CPUS, CV_CPU_RUNNING, c) &&
	   pages_of(c) == 12,
	   "destroy of a running cell that denies the shutdown: -EPERM, it runs on");

	memset(ram, 0xa5, 8 * P);
	guest_answers(c, CV_REPLY_APPROVED, 5);
	console_mark();
	r = cell_destroy(demo, 0);
	ok(r == 0 && said("cell 'demo' shut down") && said("cell 'demo' destroyed") &&
	   ram_is(0, 8, 0) && unchanged(&at_start),
	   "destroy of a running cell that approves: shut down, scrubbed, all given back");

	demo = run_cell(&b);
	guest_answers(cell_of(demo), CV_REPLY_NONE, 0);
	console_mark();
	r = cell_destroy(demo, 0);
	ok(demo && r == 0 && said("did not answer the shutdown request") &&
	   said("cell 'demo' destroyed") && unchanged(&at_start),
	   "destroy of a running cell that does not answer: failed, destroyed");

	demo = run_cell(&b);
	c = cell_of(demo);
	guest_answers(c, CV_REPLY_DENIED, 5);
	memset(ram, 0xa5, 8 * P);
	console_mark();
	this_cpu()->refusal.reason = CV_REASON_NONE;
	ok(cell_destroy(demo, 1ULL << 7) == -CV_EINVAL && why(CV_REASON_BAD_ARGUMENT) &&
	   cell_find(demo) == c && said("destroy: unknown flags 0x80"),
	   "destroy with an unknown flag: -EINVAL, nothing done");
	console_mark();
	r = cell_destroy(demo, CV_DESTROY_FORCE);
	ok(demo && r == 0 && !guest.saw_request && !said("refused") &&
	   said("cell 'demo' destroyed") && ram_is(0, 8, 0) && unchanged(&at_start),
	   "forced destroy of a cell that would deny: not asked, stopped, scrubbed, all given back");
	guest.cell = NULL;
}

/* While a cell says RUNNING_LOCKED, no other cell may be created, loaded, started, destroyed. */
static void test_lock(void)
{
	struct cell_blob b;
	struct cell *c, *l;
	unsigned int locker;
	long other;

	demo_blob(&b);
	demo = (unsigned int)create(&b);
	c = cell_of(demo);
	small_blob(&b, "locker", 3, 10);
	locker = run_cell(&b);
	l = cell_of(locker);
	if (!c || !l) {
		ok(0, "the cells of the lock tests exist");
		return;
	}
	l->comm->cell_state = CV_CELL_STATE_RUNNING_LOCKED;
	ok(cell_state_of(l) == CV_CELL_STATE_RUNNING_LOCKED && l->state == CV_CELL_STATE_RUNNING,
	   "a running cell that says so in its comm region is RUNNING_LOCKED");

	small_blob(&b, "other", 4, 11);
	REFUSED("another cell is locked", create(&b), -CV_EPERM, CV_REASON_LOCKED,
		"create of cell 'other' refused: cell 'locker' is running locked and forbids "
		"reconfiguration; shut it down first");
	console_mark();
	ok(cell_set_loadable(demo) == -CV_EPERM && why(CV_REASON_LOCKED) &&
	   said("set-loadable of cell 'demo' refused: cell 'locker' is running locked") &&
	   c->state == CV_CELL_STATE_CREATED && maps_none(&root_cell, RAM_BASE, 4 * P),
	   "set-loadable of another cell: -EPERM, nothing mapped");
	memset(ram, 0xa5, 8 * P);
	console_mark();
	ok(cell_destroy(demo, 0) == -CV_EPERM && why(CV_REASON_LOCKED) &&
	   said("destroy of cell 'demo' refused") &&
	   cell_find(demo) == c && maps_none(&root_cell, RAM_BASE, 8 * P) && ram_is(0, 8, 0xa5),
	   "destroy of another cell: -EPERM, nothing scrubbed or given back");
	l->comm->cell_state = CV_CELL_STATE_RUNNING;
	ok(cell_set_loadable(demo) == 0, "the lock released, set-loadable works");
	l->comm->cell_state = CV_CELL_STATE_RUNNING_LOCKED;
	kicked = 0;
	console_mark();
	ok(cell_start(demo) == -CV_EPERM && said("start of cell 'demo' refused") &&
	   c->state == CV_CELL_STATE_LOADABLE && kicked == 0 &&
	   maps(&root_cell, RAM_BASE, RAM_BASE, 4 * P, RAM_PT),
	   "locked again, start of another cell: -EPERM, no CPU woken");

	guest_answers(l, CV_REPLY_DENIED, 5);
	ok(cell_shutdown(locker) == -CV_EPERM &&
	   cell_state_of(l) == CV_CELL_STATE_RUNNING_LOCKED,
	   "the locked cell itself may be asked to shut down (it denies here)");
	guest_answers(l, CV_REPLY_APPROVED, 5);
	ok(cell_shutdown(locker) == 0 && l->comm->cell_state == CV_CELL_STATE_RUNNING_LOCKED &&
	   cell_state_of(l) == CV_CELL_STATE_SHUT_DOWN,
	   "once shut down, it holds no lock, whatever its comm region still says");
	other = create(&b);
	ok(other > 0 && cell_destroy(other, 0) == 0 && cell_destroy(demo, 0) == 0 &&
	   cell_destroy(locker, 0) == 0 && unchanged(&at_start),
	   "create and destroy work again; all cells gone, everything back");
	guest.cell = NULL;
}

/* cell_failed(): a CPU of the cell did what it may not; the whole cell stops. */
static void test_failed(void)
{
	struct cell_blob b;
	struct cell *c;
	u64 t0;
	long r;

	demo_blob(&b);
	demo = run_cell(&b);
	c = cell_of(demo);
	if (!c) {
		ok(0, "the cell of the failure tests runs");
		return;
	}
	kicked = 0;
	raised = 0;
	cell_root_looks();
	console_mark();
	cell_failed(c);
	ok(c->state == CV_CELL_STATE_FAILED && said("cell 'demo' failed; its CPUs are stopped"),
	   "cell_failed: state failed \"%s\"", last);
	ok(raised == 1, "... and the root cell is told, with the notification interrupt");
	ok(cpus[1].stop && cpus[2].stop && kicked == DEMO_CPUS && pages_of(c) == 0 &&
	   !tlb_is_stale(c) && maps_none(&root_cell, RAM_BASE, 8 * P),
	   "its CPUs are told to stop and kicked, its stage 2 is emptied; the root gets nothing");
	console_mark();
	cell_failed(c);
	ok(c->state == CV_CELL_STATE_FAILED && !said("Cellvisor"),
	   "failing again says nothing more");
	ok(cell_set_loadable(demo) == 0 && cell_start(demo) == 0 &&
	   cpus_in(DEMO_CPUS, CV_CPU_RUNNING, c) && !cpus[1].stop && pages_of(c) == 12,
	   "a failed cell can be loaded and started again");

	cpus_ignore_stop = true;
	cell_failed(c);
	console_mark();
	ok(cell_set_loadable(demo) == -CV_EBUSY && said("cell 'demo' is running; shut it down") &&
	   c->state == CV_CELL_STATE_FAILED,
	   "failed, but its CPUs still run: set-loadable -EBUSY");
	console_mark();
	t0 = now_ms();
	r = cell_destroy(demo, 0);
	ok(r == -CV_EBUSY && said("cell 'demo': its CPUs (0x6) do not stop") &&
	   now_ms() - t0 >= 1000 && cell_find(demo) == c && cpus_in(DEMO_CPUS, CV_CPU_RUNNING, c) &&
	   maps_none(&root_cell, RAM_BASE, 8 * P),
	   "destroy while its CPUs do not stop: -EBUSY after a second, nothing given back");
	cpus_ignore_stop = false;
	ok(cell_destroy(demo, 0) == 0 && unchanged(&at_start), "once they stop, destroy works");
}

/* A cell with CV_CELL_PASSIVE_COMMREG is never asked: it is shut down at once. */
static void test_passive(void)
{
	struct cell_blob b;
	struct cell *c;
	unsigned int id;
	u64 t0;

	small_blob(&b, "passive", 5, 12);
	b.cfg.flags = CV_CELL_PASSIVE_COMMREG;
	id = run_cell(&b);
	c = cell_of(id);
	if (!c) {
		ok(0, "the passive cell runs");
		return;
	}
	guest_answers(c, CV_REPLY_DENIED, 1);	/* it would deny, if asked */
	t0 = now_ms();
	ok(cell_shutdown(id) == 0 && !guest.saw_request && c->comm->msg_to_cell == CV_MSG_NONE &&
	   c->state == CV_CELL_STATE_SHUT_DOWN && cpus_in(1ULL << 5, CV_CPU_PARKED, c) &&
	   now_ms() - t0 < 100, "passive cell: shut down without a request");
	guest.cell = NULL;
	ok(cell_destroy(id, 0) == 0 && unchanged(&at_start), "... and destroyed");
}

/* The root's own CPU_OFF (CPU hotplug in Linux) never stops or changes the root cell. */
static void root_cpu_off_checks(void)
{
	u32 was = cpus[3].state;

	cpus[3].state = CV_CPU_PARKED;
	cell_cpu_off(&cpus[3], CELL_CPU_OFF);
	ok(root_cell.state == CV_CELL_STATE_RUNNING && !cpus[0].stop && !cpus[3].stop,
	   "the root cell's CPU_OFF stops nothing");
	cpus[3].state = was;
}

/* A cell stops or restarts itself: PSCI CPU_OFF of its last CPU, SYSTEM_OFF, SYSTEM_RESET. */
static void test_self_stop(void)
{
	struct cell_blob b;
	struct cell *c;

	demo_blob(&b);
	demo = run_cell(&b);
	c = cell_of(demo);
	if (!c) {
		ok(0, "the cell of the self-stop tests runs");
		return;
	}
	console_mark();
	cpus[1].state = CV_CPU_PARKED;		/* CPU 1 calls CPU_OFF, CPU 2 runs on */
	cell_cpu_off(&cpus[1], CELL_CPU_OFF);
	ok(c->state == CV_CELL_STATE_RUNNING && !cpus[2].stop && pages_of(c) == 12 &&
	   !said("Cellvisor"), "CPU_OFF of one CPU: the cell runs on");
	raised = 0;
	cell_root_looks();
	cpus[2].state = CV_CPU_PARKED;		/* ... then the last one */
	cell_cpu_off(&cpus[2], CELL_CPU_OFF);
	ok(c->state == CV_CELL_STATE_SHUT_DOWN && cpus[1].stop && cpus[2].stop &&
	   pages_of(c) == 0 && raised == 1 &&
	   said("cell 'demo' shut itself down (its last CPU called PSCI CPU_OFF)"),
	   "CPU_OFF of its last CPU: shut down, memory unmapped, the root told: \"%s\"", last);
	cell_cpu_off(&cpus[2], CELL_CPU_OFF);
	ok(c->state == CV_CELL_STATE_SHUT_DOWN, "... a CPU that was stopped changes nothing");
	ok(cell_set_loadable(demo) == 0 && cell_start(demo) == 0 &&
	   cpus_in(DEMO_CPUS, CV_CPU_RUNNING, c), "... and it can be loaded and started again");

	cpus[1].state = CV_CPU_PARKED;		/* SYSTEM_RESET from CPU 1; CPU 2 stops on a kick */
	console_mark();
	cell_cpu_off(&cpus[1], CELL_SYSTEM_RESET);
	ok(c->state == CV_CELL_STATE_RUNNING && !cpus[1].stop && !cpus[2].stop &&
	   cpus_in(DEMO_CPUS, CV_CPU_RUNNING, c) && cpus[1].wake_entry == c->config->entry &&
	   cpus[2].wake_entry == c->config->entry && pages_of(c) == 12 &&
	   said("cell 'demo' restarted itself (PSCI SYSTEM_RESET)"),
	   "SYSTEM_RESET: every CPU stopped, then woken at the entry, memory mapped again");

	/*
	 * CPU 2 asked for SYSTEM_RESET at the same time; the restart above woke it before it got
	 * the lock, and it comes to the lock only now, its wake-up pending (its kick is not seen
	 * while it is in the hypervisor).  Its own wake-up held up the stop for a second and the
	 * cell ended failed (reset-storm in hostile-cell.sh).
	 */
	cpus[2].state = CV_CPU_PARKED;
	cpus[2].wake = 1;
	cpus_slow_to_wake = true;
	console_mark();
	cell_cpu_off(&cpus[2], CELL_SYSTEM_RESET);
	ok(c->state == CV_CELL_STATE_RUNNING && cpus[1].wake && cpus[2].wake &&
	   !said("do not stop") && said("cell 'demo' restarted itself (PSCI SYSTEM_RESET)"),
	   "a second SYSTEM_RESET from a CPU the first restart woke: restarted again, not failed");
	cpus_slow_to_wake = false;
	cpus[1].state = cpus[2].state = CV_CPU_RUNNING;
	cpus[1].wake = cpus[2].wake = 0;

	cpus[2].state = CV_CPU_PARKED;		/* SYSTEM_OFF from CPU 2; CPU 1 stops on a kick */
	console_mark();
	cell_cpu_off(&cpus[2], CELL_SYSTEM_OFF);
	ok(c->state == CV_CELL_STATE_SHUT_DOWN && cpus_in(DEMO_CPUS, CV_CPU_PARKED, c) &&
	   pages_of(c) == 0 && said("cell 'demo' shut itself down (PSCI SYSTEM_OFF)"),
	   "SYSTEM_OFF: the whole cell stops, shut down");
	root_cpu_off_checks();
	ok(cell_destroy(demo, 0) == 0 && unchanged(&at_start), "... and it is destroyed");
}

/*
 * An operating system's cell: an emulated PL011 for its console (CV_CONSOLE_VPL011), only
 * its first CPU starts (CV_CELL_BOOT_CPU_ONLY: the others wait for PSCI CPU_ON), and
 * SYSTEM_RESET ends it failed (CV_CELL_NO_RESET): its images must be loaded again.
 */
#define VUART_IPA	0x9000000ULL

static u64 vuart(struct cell *c, u64 off, unsigned int size, bool write, u64 value)
{
	struct mmio_access a = { VUART_IPA + off, value, size, write };

	return mmio_dispatch(c, &a) == MMIO_HANDLED ? a.value : ~0ULL;
}

static void test_os_cell(void)
{
	struct cell_blob b;
	struct cell *c;
	u64 id[8];
	unsigned int i;

	demo_blob(&b);
	b.cfg.console = (struct cv_console){ 0x100000 + P, CV_CONSOLE_VPL011, 0 };
	REFUSED("an emulated UART inside the cell's RAM", create(&b), -CV_EINVAL,
		CV_REASON_CONFIG_INVALID, "the emulated PL011 at 0x101000 lies in memory region 1");

	demo_blob(&b);
	b.cfg.flags = CV_CELL_NO_RESET | CV_CELL_BOOT_CPU_ONLY;
	b.cfg.console = (struct cv_console){ VUART_IPA, CV_CONSOLE_VPL011, 0 };
	kicked = 0;
	demo = run_cell(&b);
	c = cell_of(demo);
	if (!c) {
		ok(0, "a cell with an emulated UART runs");
		return;
	}
	ok(cpus[1].state == CV_CPU_RUNNING && cpus[1].wake_entry == DEMO_ENTRY &&
	   cpus[2].state == CV_CPU_PARKED && !cpus[2].wake && !(kicked & 4) &&
	   cpus[2].cell == c, "boot_cpu_only: the first CPU starts, the second stays parked");
	vuart(c, 0, 4, true, 'o');
	vuart(c, 0, 1, true, 'k');
	vuart(c, 0, 4, true, '\n');
	ok(c->console.ring.seq == 3 && !memcmp(c->console.ring.buf, "ok\n", 3),
	   "what the cell writes to UARTDR, in any width, is its console");
	vuart(c, 0x24, 4, true, 'x');
	ok(c->console.ring.seq == 3, "writes elsewhere are ignored");
	ok(vuart(c, 0x18, 4, false, 0) == 0x90 && vuart(c, 0x18, 2, false, 0) == 0x90,
	   "UARTFR: transmit FIFO empty, receive FIFO empty");
	for (i = 0; i < 8; i++)
		id[i] = vuart(c, 0xfe0 + 4 * i, 4, false, 0);
	ok(id[0] == 0x11 && id[1] == 0x10 && id[2] == 0x14 && id[3] == 0 && id[4] == 0x0d &&
	   id[5] == 0xf0 && id[6] == 0x05 && id[7] == 0xb1, "the PrimeCell ID of a PL011");
	ok(vuart(c, 0x30, 4, false, 0) == 0 && vuart(c, 0, 4, false, 0) == 0,
	   "other registers read as zero, nothing is ever received");
	ok(vuart(c, 2, 4, false, 0) == ~0ULL && vuart(c, 0, 8, false, 0) == ~0ULL,
	   "a misaligned or 64-bit access is not taken (the cell fails)");
	ok(c->comm->console_type == CV_CONSOLE_VPL011 && c->comm->console_base == VUART_IPA,
	   "the communication region names the console");

	cpus[1].state = CV_CPU_PARKED;
	console_mark();
	cell_cpu_off(&cpus[1], CELL_SYSTEM_RESET);
	ok(c->state == CV_CELL_STATE_FAILED && cpus_in(DEMO_CPUS, CV_CPU_PARKED, c) &&
	   pages_of(c) == 0 &&
	   said("cell 'demo' failed: it cannot restart in place (no_reset), start it again "
		"to reload it (PSCI SYSTEM_RESET)"),
	   "SYSTEM_RESET of a no_reset cell: it stops and fails: \"%s\"", last);
	ok(cell_destroy(demo, 0) == 0 && unchanged(&at_start), "... and it is destroyed");
}

/* Slots: 15 cells besides the root, no more. */
static void test_no_free_slot(void)
{
	struct cell_blob b;
	unsigned int i, n = 0;

	for (i = 1; i < CV_MAX_CELLS; i++) {
		small_blob(&b, "many", i, 15 + i);
		b.cfg.name[4] = (char)('a' + i);
		n += create(&b) == (long)i;
	}
	ok(n == CV_MAX_CELLS - 1 && cell_count() == CV_MAX_CELLS, "15 cells get ids 1 to 15");
	small_blob(&b, "one-more", 16, 31);
	REFUSED("every slot taken", create(&b), -CV_ENOMEM, CV_REASON_NO_CELL_SLOT,
		"create: already 15 cells, no room for another");
	for (i = 1, n = 0; i < CV_MAX_CELLS; i++)
		n += cell_destroy(i, 0) == 0;
	ok(n == CV_MAX_CELLS - 1 && unchanged(&at_start), "all destroyed, everything back");
}

/* Problems these tests found in control.c, described as they were; each check failed then. */
static void test_found_problems(void)
{
	struct cell_blob b;
	struct cell *c;
	unsigned int id;
	void *pages[POOL_PAGES];
	unsigned int n = 0;

	/*
	 * 1. build_cell() flushes the root's TLB in root_regions(), then takes the BARs from
	 * the root with pci_bars(c, 0) and flushes no more: the root may go on reaching the
	 * cell's BAR through translations it still caches.
	 */
	demo_blob(&b);
	id = (unsigned int)create(&b);
	ok(id == 1 && maps_none(&root_cell, DEMO_BAR, P) && !tlb_is_stale(&root_cell),
	   "create flushes the root's TLB after taking the cell's BARs");
	cell_destroy(id, 0);

	/*
	 * 2. A CPU whose wake-up from start is still pending (state PARKED, wake 1: slow to
	 * leave its WFI) counts as stopped, and destroy hands it back to the root with the
	 * wake still set: when it wakes, psci_park() starts it in the root cell at the dead
	 * cell's entry, and until then no create may take it ("still runs in the root cell").
	 */
	demo_blob(&b);
	cpus_slow_to_wake = true;
	id = run_cell(&b);
	ok(id && cell_destroy(id, 0) == -CV_EBUSY && cell_of(id),
	   "destroy refuses while a CPU has not acted on its wake-up yet");
	cpus_slow_to_wake = false;
	ok(cell_destroy(id, 0) == 0 && !cpus[1].wake && !cpus[2].wake &&
	   cpus_in(0x6, CV_CPU_PARKED, &root_cell),
	   "once it has, destroy hands the CPUs back parked, no wake-up pending");

	/* 3. cellvisor-config(5): a root_shared region "stays mapped in the root cell". */
	small_blob(&b, "shared", 3, 10);
	blob_mem(&b, RAM_BASE + 11 * P, 0x300000, P, RW | CV_MEM_ROOTSHARED);
	id = (unsigned int)create(&b);
	ok(id && maps(&root_cell, RAM_BASE + 11 * P, RAM_BASE + 11 * P, P, RAM_PT),
	   "a root_shared region stays mapped in the root cell");
	cell_destroy(id, 0);

	/*
	 * 4. destroy scrubs the RAM first and quiesces the PCI functions after: a DMA of the
	 * cell's device still in flight can land in the RAM after the scrub.
	 */
	demo_blob(&b);
	id = (unsigned int)create(&b);
	events = first_ram_map = first_ecam_map = 0;
	cell_destroy(id, 0);
	ok(id && first_ecam_map && first_ecam_map < first_ram_map,
	   "destroy quiesces the cell's PCI functions before it scrubs its RAM");

	/*
	 * 5. unmap_cell() sized a BAR as ALIGN_UP(size), pci_bars() as the pages the BAR
	 * touches: a BAR across two pages kept its second page mapped in a stopped cell.  A
	 * cell now gets whole-page BARs only (a partial page is another function's too).
	 */
	small_blob(&b, "bar", 3, 10);
	blob_pci(&b, 3 << 3, PCI_WINDOW + 5 * P - 0x100, 0x200);
	console_mark();
	ok(create(&b) == -CV_EINVAL && said("BAR 0: 0x10004f00+0x200 is not whole 4 KiB pages"),
	   "a BAR that is not whole pages is refused: \"%s\"", last);
	small_blob(&b, "bar", 3, 10);
	blob_pci(&b, 3 << 3, PCI_WINDOW + 5 * P, 2 * P);
	id = (unsigned int)create(&b);
	c = cell_of(id);
	if (c)
		cell_failed(c);
	ok(c && pages_of(c) == 0, "a stopped cell maps no page of its two-page BAR");
	cell_destroy(id, 0);

	/* 6. "Every refusal prints its reason on the console": not a full pool for the blob. */
	while (n < POOL_PAGES && (pages[n] = page_alloc(1)))
		n++;
	demo_blob(&b);
	console_mark();
	ok(create(&b) == -CV_ENOMEM && said("Cellvisor: create"),
	   "a create refused for want of pool memory says so on the console");
	while (n)
		page_free(pages[--n], 1);
}

/* Issue 11: what a hostile root gets by lying in a blob, or by asking for a cell's memory. */
static void test_isolation(void)
{
	struct cell_blob b, s;
	unsigned int id;
	u8 buf[64];

	/* The root as a confused deputy: the hypervisor reads and writes what the root owns now. */
	demo_blob(&b);
	id = run_cell(&b);
	memset(ram + 4 * P, 0x5e, P);		/* the running cell's private RAM, page 4 */
	memset(buf, 0, sizeof(buf));
	ok(id && cell_copy_from(&root_cell, buf, RAM_BASE + 4 * P, sizeof(buf)) == -CV_EFAULT &&
	   buf[0] == 0, "the root cannot have a running cell's RAM read for it");
	ok(cell_copy_to(&root_cell, RAM_BASE + 4 * P + 8, "evil", 4) == -CV_EFAULT &&
	   ram_is(4, 1, 0x5e), "... nor written for it");
	ok(cell_copy_from(&root_cell, buf, RAM_BASE + 3 * P + P - 8, 16) == -CV_EFAULT,
	   "... nor a range that only starts in it: the range ends in the cell's RAM");
	ok(cell_copy_from(&root_cell, buf, RAM_BASE + 8 * P, sizeof(buf)) == 0,
	   "the root's own RAM beside it is still copied");
	ok(cell_copy_from(&root_cell, buf, HV_PHYS, 8) == -CV_EFAULT,
	   "the hypervisor's memory is never the root's");
	memcpy(ram + 5 * P, &b, sizeof(b));
	console_mark();
	ok(cell_create(RAM_BASE + 5 * P, sizeof(b)) == -CV_EFAULT &&
	   said("is not in the root's RAM"), "create does not take a blob from a cell's RAM");
	ok(irqs_moved == cell_of(id) && irqs_moved_to == DEMO_CPUS,
	   "create hands the cell's interrupts to the cell's CPUs (off, routed to them)");

	/* A root CPU that PSCI CPU_ON woke between the checks and the hand-over stays. */
	small_blob(&s, "woken", 3, 10);
	woken_by_cpu_on = 3;
	console_mark();
	ok(create(&s) == -CV_EBUSY && why(CV_REASON_CPU_WOKEN) &&
	   said("CPU 3 was woken in the meantime") &&
	   cpus[3].cell == &root_cell, "create does not take a CPU woken under it");
	cpus[3].wake = 0;
	woken_by_cpu_on = -1;

	/* root_shared is the root's to share, not another cell's. */
	small_blob(&s, "steal", 3, 10);
	blob_mem(&s, RAM_BASE + 4 * P, 0x300000, P, RW | CV_MEM_ROOTSHARED);
	console_mark();
	ok(create(&s) == -CV_EBUSY && why(CV_REASON_MEM_BUSY) && said("belongs to cell 'demo'"),
	   "a root_shared region over a cell's private RAM is refused: \"%s\"", last);

	/* BARs: nothing but device memory no one else holds. */
	small_blob(&s, "bars", 3, 10);
	blob_pci(&s, 3 << 3, HV_PHYS, P);
	console_mark();
	ok(create(&s) == -CV_EINVAL && why(CV_REASON_BAR_RESERVED) &&
	   said("covers RAM, the hypervisor or the interrupt"),
	   "a BAR over the hypervisor's memory is refused: \"%s\"", last);
	small_blob(&s, "bars", 3, 10);
	blob_pci(&s, 3 << 3, GICR, P);
	ok(create(&s) == -CV_EINVAL, "... over the redistributors");
	small_blob(&s, "bars", 3, 10);
	blob_pci(&s, 3 << 3, RAM_BASE + 20 * P, P);
	ok(create(&s) == -CV_EINVAL, "... over the root's RAM");
	small_blob(&s, "bars", 3, 10);
	blob_pci(&s, 3 << 3, DEMO_BAR, P);
	console_mark();
	ok(create(&s) == -CV_EBUSY && said("belongs to cell 'demo'"),
	   "... over another cell's BAR: \"%s\"", last);
	small_blob(&s, "bars", 3, 10);
	blob_mem(&s, DEMO_BAR, 0x400000, P, RW | CV_MEM_IO);
	ok(create(&s) == -CV_EBUSY, "a device region over another cell's BAR is refused");
	small_blob(&s, "bars", 3, 10);
	blob_pci(&s, 3 << 3, 0x100000, P);	/* where its own... */
	s.mem[0].virt_start = 0x100000;		/* ... RAM sits in its address space */
	ok(create(&s) == -CV_EINVAL, "a BAR over the cell's own RAM (IPA) is refused");

	/* Regions the blob check refuses. */
	small_blob(&s, "regions", 3, 10);
	blob_mem(&s, UART2 + P, UART2 + P, P, RW | CV_MEM_IO | CV_MEM_EXECUTE);
	console_mark();
	ok(create(&s) == -CV_EINVAL && said("cannot be loadable or executable"),
	   "executable device memory is refused");
	small_blob(&s, "regions", 3, 10);
	blob_mem(&s, 0, DEMO_COMM + P, P, RW | CV_MEM_COMM_REGION);
	console_mark();
	ok(create(&s) == -CV_EINVAL && said("a second communication region"),
	   "a second communication region is refused");
	small_blob(&s, "regions", 3, 10);
	s.cfg.shutdown_timeout_ms = CV_SHUTDOWN_TIMEOUT_MAX_MS + 1;
	console_mark();
	ok(create(&s) == -CV_EINVAL && said("shutdown timeout 10001 ms is over"),
	   "a shutdown timeout over %u ms is refused", CV_SHUTDOWN_TIMEOUT_MAX_MS);
	ok(cell_destroy(id, 0) == 0 && irqs_moved && irqs_moved_to == (root_cell.cpu_set & ~DEMO_CPUS),
	   "destroy hands the cell's interrupts back to the root's CPUs");
}

/* Does c's DMA map translate every page of [iova, iova + size) to [pa, ...)? */
static bool dma_maps(struct cell *c, u64 iova, u64 pa, u64 size)
{
	unsigned int level;
	u64 off, d;

	for (off = 0; off < size; off += P) {
		d = paging_lookup(&c->dma, iova + off, &level);
		if (!d || ((d & 0x0000fffffffff000ULL & ~((1ULL << pt_shift(level)) - 1)) |
			   ((iova + off) & ((1ULL << pt_shift(level)) - 1))) != pa + off)
			return false;
	}
	return true;
}

static bool dma_none(struct cell *c, u64 iova, u64 size)
{
	u64 off;

	for (off = 0; off < size; off += P)
		if (paging_lookup(&c->dma, iova + off, NULL))
			return false;
	return true;
}

/* DMA isolation follows the lifecycle: the root's devices reach what the root owns. */
static void test_dma(void)
{
	struct cell_blob b;
	struct cell *c;
	unsigned int flushes = iommu_flushes[0];
	long id;

	ok(dma_maps(&root_cell, RAM_BASE, RAM_BASE, RAM_PAGES * P) &&
	   dma_none(&root_cell, UART, P) && dma_none(&root_cell, HV_PHYS, P),
	   "the root's DMA map: all its RAM, no device memory, not the hypervisor");
	demo_blob(&b);
	id = create(&b);
	c = cell_of(id);
	ok(c && stream_cell[DEMO_DEVFN] == id && stream_cell[ROOT_DEVFN] == 0 &&
	   contexts[id] == c->dma.root,
	   "create: the cell's PCI function goes through the cell's map, the root's stays");
	ok(c && dma_maps(c, 0x100000, RAM_BASE + 4 * P, 4 * P) && dma_none(c, 0, 4 * P) &&
	   dma_none(c, RAM_BASE, 8 * P),
	   "  ... which has its dma region at the cell's address, not its other RAM");
	ok(dma_none(&root_cell, RAM_BASE, 8 * P) &&
	   dma_maps(&root_cell, RAM_BASE + 8 * P, RAM_BASE + 8 * P, (RAM_PAGES - 8) * P),
	   "  ... the root's devices lose the cell's RAM, keep the rest");
	ok(iommu_flushes[0] > flushes && iommu_flushes[id] > 0,
	   "  ... both maps invalidated and synced");
	ok(cell_set_loadable(id) == 0 && dma_maps(&root_cell, RAM_BASE, RAM_BASE, 4 * P) &&
	   dma_none(&root_cell, RAM_BASE + 4 * P, 4 * P),
	   "set-loadable: the loadable region is the root's (and its devices') to fill");
	ok(cell_start(id) == 0 && dma_none(&root_cell, RAM_BASE, 8 * P),
	   "start: taken from the root's devices again");
	guest_answers(c, CV_REPLY_APPROVED, 5);
	ok(cell_destroy(id, 0) == 0 && stream_cell[DEMO_DEVFN] == 0 &&
	   dma_maps(&root_cell, RAM_BASE, RAM_BASE, RAM_PAGES * P) && unchanged(&at_start),
	   "destroy: the function and the RAM are the root's again, the pool as at the start");
	guest.cell = NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);	/* every line out, even if a sanitizer aborts */
	setup();
	test_fixture();
	test_create_refusals();
	test_create_pool_full();
	test_create_rollback();
	test_create();
	test_create_conflicts();
	test_root_bars();
	test_no_such_cell();
	test_load_and_start();
	test_cell_bars();
	test_shutdown();
	test_destroy();
	test_lock();
	test_failed();
	test_passive();
	test_self_stop();
	test_os_cell();
	test_isolation();
	test_dma();
	test_no_free_slot();
	ok(s2_misaligned == 0 && temp_maps == 0 && bad_temp == 0 && stage2s == 0,
	   "every stage-2 change was page-aligned, every temporary mapping of RAM or ECAM was "
	   "released, every stage 2 destroyed");
	test_found_problems();
	free(ram);
	free(ecam);
	free(pool);
	return tap_done();
}
