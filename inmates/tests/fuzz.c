// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz: a cell that does random things to the hypervisor, seeded and reproducible.
 *
 * Each operation is one of: a hypercall (every code of hypercall.h and random ones, with
 * random arguments: addresses in the cell's own RAM, its communication region, other cells'
 * RAM, the hypervisor's memory, the GIC, anything), an HVC with another immediate, an SMC
 * (PSCI and SMCCC function ids and random ones, random arguments), a load or store to the
 * emulated GIC distributor or redistributors (random offsets, sizes and values, all of the
 * 4 redistributor frames), a read of a GIC CPU interface or timer register, a write of
 * ICC_SGI1R_EL1 (SGIs to random targets, broadcast included) or of the cell's own virtual
 * CPU interface, and set/way cache and TLB maintenance.  Interrupts stay masked all along.
 *
 * Left out of the loop is what ends a cell by design: PSCI CPU_OFF of its only CPU,
 * SYSTEM_OFF and SYSTEM_RESET (the cell stops or starts again, cellvisor(7)), data
 * aborts on addresses that are not the cell's, GIC accesses of a size or alignment the
 * emulation refuses (cellvisor(7)), unknown system registers.  With FUZZ_LAST_FATAL, one
 * such access (a read of 0x70000000) is the deliberate last operation.
 *
 * Parameters are the words of 'fuzz_params', which the image carries after the marker
 * "CVFUZZ01": seed, number of operations, flags, first operation to print.  A scenario
 * patches them in a copy of the image (see tests/guest/scenarios/fuzz.sh); the defaults are
 * seed 1, 10000 operations.  Output: "fuzz: N ops, seed S" every 1000 operations, each
 * operation before it runs from operation 'verbose_from' on (a crash is then reproducible
 * from the seed: run again with verbose_from a little before the last progress line), a
 * summary, "fuzz: done N ops, seed S", and then the cell serves shutdown requests.
 */
#include <inmate.h>
#include <arch/sysreg.h>

INMATE_NAME("fuzz");

#define FUZZ_LAST_FATAL		(1ULL << 0)	/* end with a read of 0x70000000 */

struct fuzz_params {
	char marker[8];		/* "CVFUZZ01": where to patch */
	uint64_t seed;
	uint64_t ops;
	uint64_t flags;		/* FUZZ_* */
	uint64_t verbose_from;	/* print every operation from this one on */
};

volatile struct fuzz_params fuzz_params __attribute__((aligned(8))) = {
	.marker = "CVFUZZ01",
	.seed = 1,
	.ops = 10000,
	.flags = 0,
	.verbose_from = ~0ULL,
};

#define GICD_BASE	0x08000000UL
#define GICD_SIZE	0x10000UL
#define GICR_BASE	0x080a0000UL
#define GICR_STRIDE	0x20000UL
#define GICR_FRAMES	4
#define OWN_RAM		0x40000000UL
#define OWN_RAM_SIZE	0x400000UL
#define COMM		0x80000000UL

#define PSCI_CPU_OFF		0x84000002U

/* xoshiro256** seeded with splitmix64. */
static uint64_t rng[4];

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rnd(void)
{
	uint64_t r = rotl(rng[1] * 5, 7) * 9, t = rng[1] << 17;

	rng[2] ^= rng[0];
	rng[3] ^= rng[1];
	rng[1] ^= rng[2];
	rng[0] ^= rng[3];
	rng[2] ^= t;
	rng[3] = rotl(rng[3], 45);
	return r;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static bool verbose;
static uint64_t op_index;

#define OP(...) do { if (verbose) printf("fuzz: op %lu: " __VA_ARGS__); } while (0)

/* An interesting 64-bit value: small, an edge, an address of any kind, or anything. */
static uint64_t value(void)
{
	static const uint64_t edges[] = {
		0, 1, 2, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~0ULL - 0xfff, 4096, 256, 257,
	};
	static const uint64_t bases[] = {
		OWN_RAM, OWN_RAM + OWN_RAM_SIZE - 16, COMM, COMM + 0xff0,
		0x70000000, 0x70fff000,			/* the hypervisor */
		0x71000000, 0x71800000, 0x72000000,	/* other cells' RAM */
		0x40000000 + 0x30000000 - 0x1000,	/* the root's RAM, physically */
		GICD_BASE, GICR_BASE, 0x09000000, 0x4010000000ULL, 0x0a000000,
	};

	switch (below(6)) {
	case 0: return edges[below(ARRAY_SIZE(edges))];
	case 1: return below(64);
	case 2: return bases[below(ARRAY_SIZE(bases))] + below(0x1000);
	case 3: return OWN_RAM + below(OWN_RAM_SIZE);
	default: return rnd();
	}
}

/* Counts for the summary. */
static unsigned long n_hc, n_hc_ok, n_hvc, n_smc, n_gicd, n_gicr, n_sysreg, n_sgi, n_cache;

static int64_t hvc_cv(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = a0;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ __volatile__("hvc #" __stringify(CV_HVC_IMM)
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return (int64_t)x0;
}

static void op_hypercall(void)
{
	static const uint64_t allowed[] = {	/* the calls a cell may make */
		CV_HC_HYPERVISOR_GET_INFO, CV_HC_DEBUG_CONSOLE_PUTC, CV_HC_DEBUG_CONSOLE_WRITE,
	};
	uint64_t code = below(3) ? below(CV_HC_DEBUG_CONSOLE_WRITE + 1) :
			below(2) ? allowed[below(ARRAY_SIZE(allowed))] :
			below(2) ? below(64) : rnd();
	uint64_t a1 = value(), a2 = value(), a3 = value();
	int64_t r;

	/* Console output: a short line of the cell's own bytes now and then, not a flood. */
	if (code == CV_HC_DEBUG_CONSOLE_WRITE) {
		if (below(8))
			a1 = value() | 0x8000000000000000ULL;	/* refused: not RAM */
		a2 = below(4) ? below(48) : value();
	} else if (code == CV_HC_DEBUG_CONSOLE_PUTC && below(8)) {
		code = CV_HC_HYPERVISOR_GET_INFO;
	}
	if (code == CV_HC_HYPERVISOR_GET_INFO && below(2))
		a1 = below(8);
	OP("hvc #0x4356 x0=0x%lx x1=0x%lx x2=0x%lx x3=0x%lx\n", (unsigned long)op_index,
	   (unsigned long)code, (unsigned long)a1, (unsigned long)a2, (unsigned long)a3);
	r = hvc_cv(code, a1, a2, a3);
	n_hc++;
	n_hc_ok += r >= 0;
	if ((code == CV_HC_DEBUG_CONSOLE_WRITE && r > 0) ||
	    (code == CV_HC_DEBUG_CONSOLE_PUTC && r == 0))
		hypercall_console_putc('\n');	/* whatever it wrote, on a line of its own */
}

/* PSCI calls that end the cell or start it again by design (cellvisor(7)). */
static bool ends_cell(uint64_t fid)
{
	uint32_t f = (uint32_t)fid & ~0x40000000U;	/* SMC32 and SMC64 alike */

	return f == PSCI_CPU_OFF || f == 0x84000008U || f == 0x84000009U;
}

/* HVC and SMC with other immediates: Linux's hyp stub numbers, anything. */
static void op_hvc_other(void)
{
	register uint64_t x0 __asm__("x0") = below(2) ? below(4) : rnd();
	register uint64_t x1 __asm__("x1") = value();
	register uint64_t x2 __asm__("x2") = value();
	unsigned int which = (unsigned int)below(4);

	OP("hvc/smc variant %u x0=0x%lx x1=0x%lx x2=0x%lx\n", (unsigned long)op_index, which,
	   (unsigned long)x0, (unsigned long)x1, (unsigned long)x2);
	if (ends_cell(x0))
		x0 = 0;
	switch (which) {
	case 0:
		__asm__ __volatile__("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2) : : "x3", "memory");
		break;
	case 1:
		__asm__ __volatile__("hvc #1" : "+r"(x0), "+r"(x1), "+r"(x2) : : "x3", "memory");
		break;
	case 2:
		__asm__ __volatile__("hvc #0xffff" : "+r"(x0), "+r"(x1), "+r"(x2) : : "x3",
				     "memory");
		break;
	default:
		__asm__ __volatile__("smc #1" : "+r"(x0), "+r"(x1), "+r"(x2) : : "x3", "x4", "x5",
				     "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
				     "x15", "x16", "x17", "memory");
	}
	n_hvc++;
}

static void op_smc(void)
{
	static const uint32_t fids[] = {
		0x84000000, 0x84000001, 0xc4000001, 0x84000003, 0xc4000003, 0x84000004,
		0xc4000004, 0x84000005, 0x84000006, 0x84000007, 0x84000008, 0x84000009,
		0x8400000a, 0x8400000b, 0x8400000c, 0xc400000c, 0x8400000e, 0x84000012,
		0x80000000, 0x80000001, 0x80008000, 0x80007fff, 0x8000ff00, 0x86000000,
		0xc2000000, 0xbf00ff01, 0x82000000, 0xc3000000, 0xb0000000, 0,
	};
	register uint64_t x0 __asm__("x0");
	register uint64_t x1 __asm__("x1");
	register uint64_t x2 __asm__("x2");
	register uint64_t x3 __asm__("x3");
	uint64_t fid = below(4) ? fids[below(ARRAY_SIZE(fids))] : below(2) ? rnd() :
		       0x84000000U + below(0x20);
	uint64_t a1 = value(), a2 = value(), a3 = value();

	if (ends_cell(fid))
		fid = 0x84000000U;		/* by design, the end */
	if (((uint32_t)fid & ~0x40000000U) == 0x84000003U && below(2))
		a1 = below(2) ? below(8) : cpu_affinity();	/* CPU_ON of a real CPU */
	OP("smc #0 x0=0x%lx x1=0x%lx x2=0x%lx x3=0x%lx\n", (unsigned long)op_index,
	   (unsigned long)fid, (unsigned long)a1, (unsigned long)a2, (unsigned long)a3);
	x0 = fid;
	x1 = a1;
	x2 = a2;
	x3 = a3;
	__asm__ __volatile__("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : :
			     "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			     "x15", "x16", "x17", "memory");
	n_smc++;
}

/*
 * What the emulation takes from a cell (gic-dist.c): naturally aligned accesses; in the
 * per-interrupt banks 32 bits (8, 16 or 32 in IPRIORITYR), in IROUTER 32 or 64 bits.
 */
static unsigned int gicd_size(uint64_t off)
{
	static const unsigned int any[] = { 1, 2, 4, 8 }, prio[] = { 1, 2, 4 };

	if (off >= 0x80 && off < 0x400)
		return 4;
	if (off >= 0x400 && off < 0x800)
		return prio[below(3)];
	if (off >= 0xc00 && off < 0xf00)
		return 4;
	if (off >= 0x6000 && off < 0x7fe0)
		return below(2) ? 8 : 4;
	return any[below(4)];
}

static uint64_t mmio_access(uintptr_t addr, unsigned int size, bool write, uint64_t v)
{
	switch (size | (write ? 16 : 0)) {
	case 1: return mmio_read8(addr);
	case 2: return mmio_read16(addr);
	case 4: return mmio_read32(addr);
	case 8: return mmio_read64(addr);
	case 17: mmio_write8(addr, (uint8_t)v); break;
	case 18: mmio_write16(addr, (uint16_t)v); break;
	case 20: mmio_write32(addr, (uint32_t)v); break;
	default: mmio_write64(addr, v);
	}
	return 0;
}

/* A GIC distributor value: mostly all-ones or random, sometimes an own CPU's route. */
static uint64_t gic_value(void)
{
	switch (below(5)) {
	case 0: return ~0ULL;
	case 1: return cpu_affinity();
	case 2: return below(2) ? 0 : 1ULL << 31;
	default: return rnd();
	}
}

static void op_gicd(void)
{
	/* Half of them in the registers that matter, the rest anywhere in the 64 KiB. */
	uint64_t off = below(2) ? below(0x1000) : below(4) ? 0x6000 + below(0x1fe0) :
		       below(GICD_SIZE);
	unsigned int size;
	bool write = below(2);
	uint64_t v = gic_value();

	if (off >= 0x7fe0 && off < 0x8000)
		off -= 0x20;
	size = gicd_size(off);
	off &= ~(uint64_t)(size - 1);
	OP("GICD %s%u at 0x%lx value 0x%lx\n", (unsigned long)op_index, write ? "write" : "read",
	   size * 8, (unsigned long)off, (unsigned long)v);
	mmio_access(GICD_BASE + off, size, write, v);
	n_gicd++;
}

static void op_gicr(void)
{
	uint64_t frame = below(GICR_FRAMES), off;
	unsigned int size;
	bool write = below(2);
	uint64_t v = gic_value();

	if (below(2)) {
		off = below(0x100);			/* RD_base: CTLR, WAKER, LPI tables */
		size = 1U << below(4);
	} else {
		off = 0x10000 + below(0x1000);		/* SGI_base: PPI and SGI banks */
		size = gicd_size(off - 0x10000);
		if (off - 0x10000 >= 0x800)
			size = 4;
	}
	off &= ~(uint64_t)(size - 1);
	OP("GICR frame %lu %s%u at 0x%lx value 0x%lx\n", (unsigned long)op_index,
	   (unsigned long)frame, write ? "write" : "read", size * 8, (unsigned long)off,
	   (unsigned long)v);
	mmio_access(GICR_BASE + frame * GICR_STRIDE + off, size, write, v);
	n_gicr++;
}

#define ICC_RPR_EL1		S3_0_C12_C11_3
#define ICC_HPPIR1_EL1		S3_0_C12_C12_2
#define ICC_AP1R0_EL1		S3_0_C12_C9_0
#define ICC_SGI1R_EL1		S3_0_C12_C11_5

static volatile uint64_t sink;

static void op_sysreg(void)
{
	unsigned int which = (unsigned int)below(16);
	uint64_t v = below(2) ? rnd() : below(256);

	OP("sysreg %u value 0x%lx\n", (unsigned long)op_index, which, (unsigned long)v);
	switch (which) {
	case 0: sink += read_sysreg(ICC_PMR_EL1); break;
	case 1: sink += read_sysreg(ICC_CTLR_EL1); break;
	case 2: sink += read_sysreg(ICC_SRE_EL1); break;
	case 3: sink += read_sysreg(ICC_BPR1_EL1); break;
	case 4: sink += read_sysreg(ICC_IGRPEN1_EL1); break;
	case 5: sink += read_sysreg(ICC_RPR_EL1); break;
	case 6: sink += read_sysreg(ICC_HPPIR1_EL1); break;
	case 7: sink += read_sysreg(ICC_AP1R0_EL1); break;
	case 8: sink += read_sysreg(cntv_ctl_el0); break;
	case 9: sink += read_sysreg(cntv_cval_el0); break;
	case 10: sink += read_sysreg(cntvct_el0); break;
	case 11: sink += read_sysreg(cntfrq_el0); break;
	/* The cell's own virtual CPU interface and timer: put right after the run. */
	case 12: write_sysreg(ICC_PMR_EL1, v); break;
	case 13: write_sysreg(ICC_BPR1_EL1, v & 7); break;
	case 14: write_sysreg(cntv_cval_el0, v); break;
	default: write_sysreg(cntv_ctl_el0, v & 3); break;
	}
	isb();
	n_sysreg++;
}

static void op_sgi(void)
{
	uint64_t v;

	switch (below(4)) {
	case 0: v = rnd(); break;
	case 1: v = (1ULL << 40) | (below(16) << 24); break;		/* broadcast (IRM) */
	case 2: v = (below(16) << 24) | below(0x10000); break;		/* target list */
	default: v = (below(16) << 24) | (1ULL << below(16)) | (below(4) << 16); break;
	}
	OP("ICC_SGI1R_EL1 write 0x%lx\n", (unsigned long)op_index, (unsigned long)v);
	write_sysreg(ICC_SGI1R_EL1, v);
	isb();
	n_sgi++;
}

static void op_cache(void)
{
	uint64_t v = rnd() & 0xfffffffeULL;
	unsigned int which = (unsigned int)below(4);

	OP("cache maintenance %u 0x%lx\n", (unsigned long)op_index, which, (unsigned long)v);
	switch (which) {
	case 0: __asm__ __volatile__("dc csw, %0" : : "r"(v) : "memory"); break;
	case 1: __asm__ __volatile__("dc cisw, %0" : : "r"(v) : "memory"); break;
	case 2: __asm__ __volatile__("tlbi vmalle1is; dsb ish" : : : "memory"); break;
	default: __asm__ __volatile__("ic iallu; dsb ish; isb" : : : "memory"); break;
	}
	n_cache++;
}

/* Put back what the run may have changed of the cell's own GIC and timer state. */
static void repair(void)
{
	struct cv_comm_region *comm = comm_region();
	uintptr_t gicr = 0;
	unsigned int i;

	timer_disarm();
	for (i = 0; i < GICR_FRAMES; i++)
		if (mmio_read64(GICR_BASE + i * GICR_STRIDE + 8) >> 32 == cpu_affinity())
			gicr = GICR_BASE + i * GICR_STRIDE;
	if (comm && comm->gicr_base)
		gicr = comm->gicr_base;
	if (gicr) {
		mmio_write32(gicr + 0x14, mmio_read32(gicr + 0x14) & ~2U);	/* WAKER */
		mmio_write32(gicr + 0x10080, ~0U);			/* IGROUPR0: group 1 */
		mmio_write32(gicr + 0x10280, ~0U);			/* ICPENDR0 */
		mmio_write32(gicr + 0x10380, ~0U);			/* ICACTIVER0 */
		mmio_write32(gicr + 0x10400 + (TIMER_VIRT_IRQ & ~3U), 0xa0a0a0a0U);
		mmio_write32(gicr + 0x10100, 1U << TIMER_VIRT_IRQ);	/* ISENABLER0 */
	}
	write_sysreg(ICC_AP1R0_EL1, 0);
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, 0);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
}

static volatile unsigned int ticks;

static void tick(uint64_t now, uint64_t due)
{
	(void)now;
	(void)due;
	ticks++;
}

static bool polling_policy(unsigned int request)
{
	(void)request;
	return true;
}

void inmate_main(void)
{
	uint64_t seed = fuzz_params.seed, ops = fuzz_params.ops;
	uint64_t flags = fuzz_params.flags, vfrom = fuzz_params.verbose_from, s = seed;
	uint64_t start;
	unsigned int i;

	for (i = 0; i < 4; i++)
		rng[i] = splitmix(&s);
	if (irq_init())
		printf("fuzz: warning: the GIC did not initialise\n");
	irq_disable_local();
	printf("fuzz: seed %lu, %lu ops, flags 0x%lx, verbose from op %ld\n", (unsigned long)seed,
	       (unsigned long)ops, (unsigned long)flags, (long)vfrom);
	start = timer_now();
	for (op_index = 0; op_index < ops; op_index++) {
		uint64_t kind = below(100);

		verbose = op_index >= vfrom;
		if (kind < 20)
			op_hypercall();
		else if (kind < 25)
			op_hvc_other();
		else if (kind < 40)
			op_smc();
		else if (kind < 62)
			op_gicd();
		else if (kind < 80)
			op_gicr();
		else if (kind < 90)
			op_sysreg();
		else if (kind < 97)
			op_sgi();
		else
			op_cache();
		if ((op_index + 1) % 1000 == 0)
			printf("fuzz: %lu ops, seed %lu\n", (unsigned long)op_index + 1,
			       (unsigned long)seed);
	}
	printf("fuzz: %lu hypercalls (%lu >= 0), %lu other hvc/smc, %lu PSCI/SMCCC, %lu GICD, "
	       "%lu GICR, %lu system registers, %lu SGIs, %lu cache/TLB in %lu ms\n", n_hc,
	       n_hc_ok, n_hvc, n_smc, n_gicd, n_gicr, n_sysreg, n_sgi, n_cache,
	       (unsigned long)(timer_ticks_to_ns(timer_now() - start) / 1000000));
	printf("fuzz: done %lu ops, seed %lu\n", (unsigned long)ops, (unsigned long)seed);
	if (flags & FUZZ_LAST_FATAL) {
		printf("fuzz: last op: reading 0x70000000, which is not this cell's memory\n");
		sink += mmio_read32(0x70000000UL);
		printf("fuzz: NOT STOPPED by the read of 0x70000000\n");
	}
	/* Serve shutdown requests on the timer tick again, or by polling if it is gone. */
	repair();
	if (ticker_start(10, tick) == 0) {
		irq_enable_local();
		delay_us(1000000);
		irq_disable_local();
	}
	if (ticks) {
		printf("fuzz: timer interrupts work after the run (%u in 1 s)\n", ticks);
		inmate_serve(shutdown_approve);
	}
	printf("fuzz: warning: no timer interrupt after the run; polling for shutdown\n");
	for (;;) {
		inmate_poll_shutdown(polling_policy);
		delay_us(100000);
	}
}
