// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor arm64: the state a CPU starts with in a cell, and the traps of that cell.
 *
 * Every start of a CPU at a wake entry (PSCI CPU_ON, a cell's start, the root taking a CPU
 * back) is a reset: nothing of what the CPU ran before survives into what it runs next —
 * not the general-purpose and FP/SIMD registers (the root's kernel keeps crypto keys in
 * NEON registers), not the EL1 system registers, timers, PMU and debug state, not the
 * virtual GIC state (list registers, active priorities, queued SGIs).
 *
 * Traps: for every cell, SGI generation (ICC_SGI*R_EL1, through HCR_EL2.IMO/FMO) and data
 * cache maintenance by set/way (HCR_EL2.TSW: it is performed as clean and invalidate, so
 * no cell can discard another's dirty lines).  For the cells other than the root also the
 * PMU and debug registers (MDCR_EL2, read as zero, writes ignored), ACTLR_EL1 (TACR, the
 * same) and the implementation defined registers (TIDCP: the cell fails).
 */
#include <asm/context.h>
#include <asm/gic.h>
#include <asm/sysregs.h>
#include <cv/cell.h>
#include <cv/percpu.h>

#define MDCR_HPMN_MASK		0x1fULL
#define MDCR_TPMCR		BIT64(5)
#define MDCR_TPM		BIT64(6)
#define MDCR_TDA		BIT64(9)
#define MDCR_TDOSA		BIT64(10)
#define MDCR_TDRA		BIT64(11)
#define MDCR_CELL_TRAPS		(MDCR_TPMCR | MDCR_TPM | MDCR_TDA | MDCR_TDOSA | MDCR_TDRA)

#define PMCR_P			BIT64(1)	/* reset the event counters */
#define PMCR_C			BIT64(2)	/* reset the cycle counter */

#define BP_CASE(n) case n: \
	write_sysreg(0, dbgbcr##n##_el1); write_sysreg(0, dbgbvr##n##_el1); break
#define WP_CASE(n) case n: \
	write_sysreg(0, dbgwcr##n##_el1); write_sysreg(0, dbgwvr##n##_el1); break

/* Breakpoints and watchpoints off: only those ID_AA64DFR0_EL1 says exist (up to 16). */
static void reset_debug(void)
{
	u64 dfr0 = read_sysreg(id_aa64dfr0_el1);
	unsigned int n, brps = ((dfr0 >> 12) & 0xf) + 1, wrps = ((dfr0 >> 20) & 0xf) + 1;

	write_sysreg(0, mdscr_el1);
	for (n = 0; n < brps; n++) {
		switch (n) {
		BP_CASE(0); BP_CASE(1); BP_CASE(2); BP_CASE(3);
		BP_CASE(4); BP_CASE(5); BP_CASE(6); BP_CASE(7);
		BP_CASE(8); BP_CASE(9); BP_CASE(10); BP_CASE(11);
		BP_CASE(12); BP_CASE(13); BP_CASE(14); BP_CASE(15);
		}
	}
	for (n = 0; n < wrps; n++) {
		switch (n) {
		WP_CASE(0); WP_CASE(1); WP_CASE(2); WP_CASE(3);
		WP_CASE(4); WP_CASE(5); WP_CASE(6); WP_CASE(7);
		WP_CASE(8); WP_CASE(9); WP_CASE(10); WP_CASE(11);
		WP_CASE(12); WP_CASE(13); WP_CASE(14); WP_CASE(15);
		}
	}
}

static void reset_pmu(void)
{
	unsigned int ver = (read_sysreg(id_aa64dfr0_el1) >> 8) & 0xf;

	if (ver == 0 || ver == 0xf)
		return;		/* no PMU (or an IMPLEMENTATION DEFINED one) */
	write_sysreg(~0ULL, pmcntenclr_el0);
	write_sysreg(~0ULL, pmintenclr_el1);
	write_sysreg(~0ULL, pmovsclr_el0);
	write_sysreg(0, pmuserenr_el0);
	write_sysreg(0, pmselr_el0);
	write_sysreg(0, pmccfiltr_el0);
	write_sysreg(PMCR_P | PMCR_C, pmcr_el0);
}

static void reset_fp(void)
{
	asm volatile(".arch_extension fp\n.arch_extension simd\n"
		     "movi v0.2d, #0\n movi v1.2d, #0\n movi v2.2d, #0\n movi v3.2d, #0\n"
		     "movi v4.2d, #0\n movi v5.2d, #0\n movi v6.2d, #0\n movi v7.2d, #0\n"
		     "movi v8.2d, #0\n movi v9.2d, #0\n movi v10.2d, #0\n movi v11.2d, #0\n"
		     "movi v12.2d, #0\n movi v13.2d, #0\n movi v14.2d, #0\n movi v15.2d, #0\n"
		     "movi v16.2d, #0\n movi v17.2d, #0\n movi v18.2d, #0\n movi v19.2d, #0\n"
		     "movi v20.2d, #0\n movi v21.2d, #0\n movi v22.2d, #0\n movi v23.2d, #0\n"
		     "movi v24.2d, #0\n movi v25.2d, #0\n movi v26.2d, #0\n movi v27.2d, #0\n"
		     "movi v28.2d, #0\n movi v29.2d, #0\n movi v30.2d, #0\n movi v31.2d, #0\n"
		     "msr fpcr, xzr\n msr fpsr, xzr\n" : : : "memory");
}

void cpu_reset(struct per_cpu *cpu)
{
	bool root = cpu->cell == &root_cell;
	u64 mdcr = read_sysreg(mdcr_el2) & ~MDCR_CELL_TRAPS;

	write_sysreg(HCR_CELL | gic_hcr_bits() | (root ? 0 : HCR_TIDCP | HCR_TACR), hcr_el2);
	write_sysreg(root ? mdcr : mdcr | MDCR_CELL_TRAPS, mdcr_el2);
	write_sysreg(CPTR_EL2_RES1, cptr_el2);	/* TFP clear: FP/SIMD not trapped */
	isb();
	reset_fp();
	write_sysreg(SCTLR_EL1_RES1, sctlr_el1);
	isb();
	write_sysreg(0, ttbr0_el1);
	write_sysreg(0, ttbr1_el1);
	write_sysreg(0, tcr_el1);
	write_sysreg(0, mair_el1);
	write_sysreg(0, amair_el1);
	write_sysreg(0, vbar_el1);
	write_sysreg(0, contextidr_el1);
	write_sysreg(0, tpidr_el1);
	write_sysreg(0, tpidr_el0);
	write_sysreg(0, tpidrro_el0);
	write_sysreg(0, sp_el0);
	write_sysreg(0, sp_el1);
	write_sysreg(0, elr_el1);
	write_sysreg(0, spsr_el1);
	write_sysreg(0, esr_el1);
	write_sysreg(0, far_el1);
	write_sysreg(0, par_el1);
	write_sysreg(0, afsr0_el1);
	write_sysreg(0, afsr1_el1);
	write_sysreg(0, cpacr_el1);
	write_sysreg(0, csselr_el1);
	write_sysreg(0, cntkctl_el1);
	write_sysreg(0, cntv_ctl_el0);
	write_sysreg(0, cntv_cval_el0);
	write_sysreg(0, cntp_ctl_el0);
	write_sysreg(0, cntp_cval_el0);
	write_sysreg(0, cntvoff_el2);
	reset_pmu();
	reset_debug();
	gic_cpu_reset(cpu);
	isb();
}

/* A set/way operation of a cell (HCR_EL2.TSW), done as clean and invalidate. */
static void set_way(u64 v)
{
	asm volatile("dc cisw, %0" : : "r"(v) : "memory");
	dsb(sy);
}

bool cpu_emulate_sysreg(struct per_cpu *cpu, struct trap_frame *f, u64 iss)
{
	unsigned int op0 = (iss >> 20) & 3, op2 = (iss >> 17) & 7, op1 = (iss >> 14) & 7;
	unsigned int crn = (iss >> 10) & 0xf, crm = (iss >> 1) & 0xf;
	bool read = iss & SYSREG_READ, root = cpu->cell == &root_cell;
	u64 v = frame_reg(f, SYSREG_RT(iss));

	if (op0 == 3 && op1 == 0 && crn == 12 && crm == 11 && op2 >= 5 && !read) {
		/* ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1: all within the cell. */
		cpu_stat(cpu, CV_STAT_SGI);
		gic_send_sgi(cpu, v);
	} else if (op0 == 1 && op1 == 0 && crn == 7 && op2 == 2 &&
		   (crm == 6 || crm == 10 || crm == 14)) {
		set_way(v);	/* DC ISW, DC CSW, DC CISW */
	} else if (!root && (op0 == 2 ||			/* debug */
			     (op0 == 3 && crn == 9 && crm >= 12) ||	/* PMU */
			     (op0 == 3 && op1 == 3 && crn == 14 && crm >= 8) || /* PMU counters */
			     (op0 == 3 && op1 == 0 && crn == 1 && crm == 0 && op2 == 1))) {
		if (read)			/* ... and ACTLR_EL1: read as zero, */
			frame_set_reg(f, SYSREG_RT(iss), 0);	/* writes ignored */
	} else {
		return false;
	}
	f->elr += 4;
	return true;
}
