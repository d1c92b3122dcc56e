// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu-state: what each CPU of the cell holds when it starts, before anything of the
 * inmate touched it: what its previous owner (the root's Linux, another cell) left must
 * be gone.  FP/SIMD registers and FPCR/FPSR (Linux keeps crypto state in them), the EL1
 * system registers (translation, vectors as the CPU arrived, thread ids, exception state),
 * the timers, and the virtual GIC interface (nothing pending, nothing active, all masked).
 * Each CPU of the cell checks itself; the first one prints, per CPU, every register that
 * is not as reset ("cpu-state: CPU n: NAME = VALUE, expected VALUE"), then
 * "cpu-state: CPU n: M of N registers not reset" or "cpu-state: CPU n: clean (N registers
 * checked)".  Then it serves shutdown requests.
 */
#include "hostile.h"

INMATE_NAME("cpu-state");

#define MAX_BAD		48

struct report {
	volatile uint32_t done;
	unsigned int checked, bad;
	const char *name[MAX_BAD];
	uint64_t value[MAX_BAD], want[MAX_BAD];
};

static struct report reports[64];
static uint64_t vregs[64] __attribute__((aligned(16)));

static void check(struct report *r, const char *name, uint64_t value, uint64_t want)
{
	r->checked++;
	if (value == want)
		return;
	if (r->bad < MAX_BAD) {
		r->name[r->bad] = name;
		r->value[r->bad] = value;
		r->want[r->bad] = want;
	}
	r->bad++;
}

#define CHECK(r, reg, want)	check(r, #reg, read_sysreg(reg), want)

static void fp_regs(struct report *r)
{
	static const char *const names[32] = {
		"v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11",
		"v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22",
		"v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31",
	};
	uint64_t fpcr, fpsr;
	unsigned int i;

	CHECK(r, cpacr_el1, 0);
	write_sysreg(cpacr_el1, 3ULL << 20);		/* FP/SIMD on, to look at them */
	isb();
	__asm__ __volatile__(".arch_extension fp\n.arch_extension simd\n"
		"stp q0, q1, [%2, #0]\n stp q2, q3, [%2, #32]\n stp q4, q5, [%2, #64]\n"
		"stp q6, q7, [%2, #96]\n stp q8, q9, [%2, #128]\n stp q10, q11, [%2, #160]\n"
		"stp q12, q13, [%2, #192]\n stp q14, q15, [%2, #224]\n"
		"stp q16, q17, [%2, #256]\n stp q18, q19, [%2, #288]\n"
		"stp q20, q21, [%2, #320]\n stp q22, q23, [%2, #352]\n"
		"stp q24, q25, [%2, #384]\n stp q26, q27, [%2, #416]\n"
		"stp q28, q29, [%2, #448]\n stp q30, q31, [%2, #480]\n"
		"mrs %0, fpcr\n mrs %1, fpsr\n"
		: "=&r"(fpcr), "=&r"(fpsr) : "r"(vregs) : "memory");
	for (i = 0; i < 32; i++)
		check(r, names[i], vregs[2 * i] | vregs[2 * i + 1], 0);
	check(r, "fpcr", fpcr, 0);
	check(r, "fpsr", fpsr, 0);
}

static void check_this_cpu(struct report *r)
{
	fp_regs(r);
	check(r, "vbar_el1 at entry", boot_entry_vbar[cpu_id() & 63], 0);
	CHECK(r, ttbr0_el1, 0);
	CHECK(r, ttbr1_el1, 0);
	CHECK(r, tcr_el1, 0);
	CHECK(r, mair_el1, 0);
	CHECK(r, contextidr_el1, 0);
	CHECK(r, tpidr_el0, 0);
	CHECK(r, tpidrro_el0, 0);
	CHECK(r, tpidr_el1, 0);
	CHECK(r, sp_el0, 0);
	CHECK(r, elr_el1, 0);
	CHECK(r, spsr_el1, 0);
	CHECK(r, esr_el1, 0);
	CHECK(r, far_el1, 0);
	CHECK(r, par_el1, 0);
	CHECK(r, cntkctl_el1, 0);
	CHECK(r, cntv_ctl_el0, 0);
	CHECK(r, cntv_cval_el0, 0);
	CHECK(r, cntp_ctl_el0, 0);
	CHECK(r, cntp_cval_el0, 0);
	CHECK(r, ICC_PMR_EL1, 0);
	CHECK(r, ICC_IGRPEN1_EL1, 0);
	CHECK(r, ICC_AP1R0_EL1, 0);
	CHECK(r, ICC_RPR_EL1, 0xff);			/* idle: nothing active */
	check(r, "ICC_HPPIR1_EL1", read_sysreg(ICC_HPPIR1_EL1) & 0xffffff, SPURIOUS);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
}

void inmate_secondary_main(unsigned int cpu)
{
	check_this_cpu(&reports[cpu & 63]);
}

void inmate_main(void)
{
	uint64_t cpus = comm_region() ? comm_region()->cpu_set : 1ULL << cpu_id(), end;
	unsigned int cpu, i;
	struct report *r;

	check_this_cpu(&reports[cpu_id() & 63]);
	for (cpu = 0; cpu < 64; cpu++) {
		if (!(cpus >> cpu & 1))
			continue;
		r = &reports[cpu];
		end = timer_now() + timer_ns_to_ticks(10000000000ULL);
		while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE) && timer_now() < end)
			;
		if (!r->done) {
			printf("cpu-state: CPU %u: no report within 10 s\n", cpu);
			continue;
		}
		for (i = 0; i < r->bad && i < MAX_BAD; i++)
			printf("cpu-state: CPU %u: %s = 0x%lx, expected 0x%lx\n", cpu, r->name[i],
			       (unsigned long)r->value[i], (unsigned long)r->want[i]);
		if (r->bad)
			printf("cpu-state: CPU %u: %u of %u registers not reset\n", cpu, r->bad,
			       r->checked);
		else
			printf("cpu-state: CPU %u: clean (%u registers checked)\n", cpu, r->checked);
	}
}
