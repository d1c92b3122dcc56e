// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysreg: a cell that uses the system registers and instructions the hypervisor traps
 * (cellvisor(7), "What the hypervisor traps"), and checks what it gets:
 *  - the PMU (counters enabled, counting cycles) and the debug registers (breakpoints,
 *    watchpoints, MDSCR_EL1, the OS lock) read as zero and ignore writes;
 *  - ACTLR_EL1 reads as zero and ignores writes;
 *  - data cache maintenance by set/way is done, and the cell carries on;
 *  - SGIs written to ICC_SGI0R_EL1 (group 0) and ICC_ASGI1R_EL1 come to its own CPU as
 *    group 1 virtual SGIs, once, and the instruction after each write runs once; the same
 *    to every other CPU (IRM) and to the root's and the canary's CPUs (0, 1, 3), Linux's
 *    "CPU stop" SGI 2 among them, reach nobody (there is no other CPU in the cell);
 *  - last, an IMPLEMENTATION DEFINED register (CPUACTLR_EL1 of the Cortex-A57): with
 *    HCR_EL2.TIDCP the cell fails and the hypervisor says why; a CPU that does not
 *    implement the trap (QEMU 7.2) lets the read through, and the cell says so.
 * One line per check, "sysreg: N checks, M unexpected", then it serves shutdown requests.
 */
#include "hostile.h"

INMATE_NAME("sysreg");

#define CPUACTLR_EL1		S3_1_C15_C2_0
#define OSLAR_EL1		S2_0_C1_C0_4
#define OSLSR_EL1		S2_0_C1_C1_4

static unsigned int checks, unexpected;

static void expect_eq(const char *what, uint64_t got, uint64_t want)
{
	checks++;
	unexpected += got != want;
	printf("sysreg: %s: 0x%lx%s\n", what, (unsigned long)got, got == want ? "" : " UNEXPECTED");
}

static void pmu(void)
{
	volatile unsigned long spin;

	expect_eq("PMCR_EL0 reads", read_sysreg(pmcr_el0), 0);
	write_sysreg(pmcr_el0, 7);				/* enable, reset counters */
	write_sysreg(pmevtyper0_el0, 0x11);			/* CPU cycles */
	write_sysreg(pmcntenset_el0, 1ULL << 31 | 1);
	write_sysreg(pmuserenr_el0, 0xf);
	isb();
	for (spin = 0; spin < 100000; spin++)
		;
	expect_eq("PMCCNTR_EL0 after counting cycles", read_sysreg(pmccntr_el0), 0);
	expect_eq("PMEVCNTR0_EL0 after counting cycles", read_sysreg(pmevcntr0_el0), 0);
	expect_eq("PMCNTENSET_EL0 after enabling", read_sysreg(pmcntenset_el0), 0);
	expect_eq("PMCR_EL0 after enabling", read_sysreg(pmcr_el0), 0);
	expect_eq("PMUSERENR_EL0 after enabling", read_sysreg(pmuserenr_el0), 0);
}

static void debug(void)
{
	write_sysreg(mdscr_el1, 1ULL << 15 | 1ULL << 13);	/* MDE, KDE */
	write_sysreg(dbgbvr0_el1, 0x40000000);
	write_sysreg(dbgbcr0_el1, 0x1e7);
	write_sysreg(dbgwvr0_el1, 0x40000000);
	write_sysreg(dbgwcr0_el1, 0x1ff7);
	write_sysreg(OSLAR_EL1, 1);
	isb();
	expect_eq("MDSCR_EL1 after enabling debug", read_sysreg(mdscr_el1), 0);
	expect_eq("DBGBVR0_EL1 after a write", read_sysreg(dbgbvr0_el1), 0);
	expect_eq("DBGBCR0_EL1 after a write", read_sysreg(dbgbcr0_el1), 0);
	expect_eq("DBGWVR0_EL1 after a write", read_sysreg(dbgwvr0_el1), 0);
	expect_eq("DBGWCR0_EL1 after a write", read_sysreg(dbgwcr0_el1), 0);
	expect_eq("OSLSR_EL1 after locking", read_sysreg(OSLSR_EL1), 0);
}

static void actlr(void)
{
	expect_eq("ACTLR_EL1 reads", read_sysreg(actlr_el1), 0);
	write_sysreg(actlr_el1, ~0ULL);
	isb();
	expect_eq("ACTLR_EL1 after writing all-ones", read_sysreg(actlr_el1), 0);
}

/* DC ISW, CSW and CISW over every way of the first 256 sets of every data cache level. */
static void set_way(void)
{
	uint64_t clidr = read_sysreg(clidr_el1), ccsidr, v;
	unsigned int level, ways, sets, line, way_shift, w, s, done = 0;

	for (level = 0; level < 7; level++) {
		if (((clidr >> (3 * level)) & 7) < 2)
			continue;			/* no data cache at this level */
		write_sysreg(csselr_el1, level << 1);
		isb();
		ccsidr = read_sysreg(ccsidr_el1);
		line = (ccsidr & 7) + 4;
		ways = ((ccsidr >> 3) & 0x3ff) + 1;
		sets = ((ccsidr >> 13) & 0x7fff) + 1;
		sets = sets > 256 ? 256 : sets;		/* each one an exit: enough */
		way_shift = ways > 1 ? (unsigned int)__builtin_clz(ways - 1) : 0;
		for (w = 0; w < ways; w++) {
			for (s = 0; s < sets; s++) {
				v = (uint64_t)w << way_shift | (uint64_t)s << line | level << 1;
				__asm__ __volatile__("dc isw, %0" : : "r"(v) : "memory");
				__asm__ __volatile__("dc csw, %0" : : "r"(v) : "memory");
				__asm__ __volatile__("dc cisw, %0" : : "r"(v) : "memory");
				done += 3;
			}
		}
	}
	__asm__ __volatile__("dsb sy" : : : "memory");
	printf("sysreg: set/way: %u operations done, carried on\n", done);
	checks++;
	unexpected += done == 0;
}

static volatile unsigned int after_write;

static void write_sgir(unsigned int which, uint64_t v)
{
	if (which == 0)
		write_sysreg(ICC_SGI0R_EL1, v);
	else
		write_sysreg(ICC_ASGI1R_EL1, v);
	isb();
}

static void sgi(const char *how, unsigned int intid, unsigned int which)
{
	unsigned int got, extra, i;

	after_write = 0;
	write_sgir(which, sgir(intid, 1ULL << cpu_id()));
	after_write++;		/* the instruction after the write: it must run once */
	got = take_irq_within(1000000);
	extra = take_irq_within(100000);
	printf("sysreg: %s SGI %u to this CPU: taken as INTID %u, then %u; the next instruction "
	       "ran %u time(s)\n", how, intid, got, extra, after_write);
	checks++;
	unexpected += got != intid || extra != SPURIOUS || after_write != 1;

	for (i = 0; i < 16; i++) {
		write_sgir(which, SGIR_IRM | sgir(i, 0));
		write_sgir(which, sgir(i, 1U << 0 | 1U << 1 | 1U << 3));
	}
	got = take_irq_within(100000);
	printf("sysreg: %s SGIs 0..15 to every other CPU and to CPUs 0, 1, 3: this CPU took %u\n",
	       how, got);
	checks++;
	unexpected += got != SPURIOUS;
}

void inmate_main(void)
{
	uint64_t v;

	irq_disable_local();
	pmu();
	debug();
	actlr();
	set_way();
	if (irq_init() == 0) {
		sgi("ICC_SGI0R_EL1 (group 0)", 3, 0);
		sgi("ICC_ASGI1R_EL1", 4, 1);
	} else {
		checks++;
		unexpected++;
	}
	printf("sysreg: %u checks, %u unexpected\n", checks, unexpected);
	printf("sysreg: reading CPUACTLR_EL1 (IMPLEMENTATION DEFINED): the cell should fail\n");
	v = read_sysreg(CPUACTLR_EL1);
	printf("sysreg: CPUACTLR_EL1 read returned 0x%lx: not trapped (this CPU does not "
	       "implement HCR_EL2.TIDCP)\n", (unsigned long)v);
}
