// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor arm64: PSCI and SMCCC calls of the cells, trapped SMCs (HCR_EL2.TSC).
 *
 * CPU_OFF parks the CPU in the hypervisor; CPU_ON wakes a parked CPU of the caller's own
 * cell at the given entry, at EL1 with the MMU off and the context id in x0.  SYSTEM_OFF and
 * SYSTEM_RESET of a cell stop or restart that cell (cell_cpu_off()); the root's go to the
 * firmware.
 */
#include <asm/context.h>
#include <asm/sysregs.h>
#include <asm/traps.h>
#include <cv/cell.h>
#include <cv/console.h>
#include <cv/hv.h>
#include <cv/lib.h>
#include <cv/percpu.h>
#include <cv/spinlock.h>

#define SMC64			0x40000000U
#define PSCI_VERSION		0x84000000U
#define PSCI_CPU_SUSPEND	0x84000001U
#define PSCI_CPU_OFF		0x84000002U
#define PSCI_CPU_ON		0x84000003U
#define PSCI_AFFINITY_INFO	0x84000004U
#define PSCI_MIGRATE_INFO_TYPE	0x84000006U
#define PSCI_SYSTEM_OFF		0x84000008U
#define PSCI_SYSTEM_RESET	0x84000009U
#define PSCI_FEATURES		0x8400000aU
#define SMCCC_VERSION		0x80000000U
#define SMCCC_ARCH_FEATURES	0x80000001U
#define SMCCC_ARCH_WORKAROUND_1	0x80008000U
#define SMCCC_ARCH_WORKAROUND_2	0x80007fffU
#define SMCCC_ARCH_WORKAROUND_3	0x80003fffU

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	-1
#define PSCI_INVALID_PARAMETERS	-2
#define PSCI_DENIED		-3
#define PSCI_ALREADY_ON		-4
#define PSCI_ON_PENDING		-5
#define PSCI_INVALID_ADDRESS	-9
#define PSCI_AFF_ON		0
#define PSCI_AFF_OFF		1
#define PSCI_AFF_ON_PENDING	2

#define VERSION_1_1		0x10001

static spinlock_t psci_lock;

static u64 firmware_smc(u64 fid, u64 arg)
{
	register u64 x0 asm("x0") = fid;
	register u64 x1 asm("x1") = arg;

	asm volatile("smc #0" : "+r"(x0), "+r"(x1) : : "x2", "x3", "x4", "x5", "x6", "x7", "x8",
		     "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return x0;
}

/* The firmware's Spectre/SSB mitigations (SMCCC 1.1): the root keeps what it had. */
static bool arch_workaround(u32 fid)
{
	return fid == SMCCC_ARCH_WORKAROUND_1 || fid == SMCCC_ARCH_WORKAROUND_2 ||
	       fid == SMCCC_ARCH_WORKAROUND_3;
}

/* The CPU a cell names by MPIDR, if it is one of the cell's own. */
static struct per_cpu *target_cpu(struct per_cpu *caller, u64 mpidr)
{
	struct per_cpu *t;

	if (mpidr & ~0xffULL)
		return NULL;
	t = per_cpu(mpidr);
	return t && t->cell == caller->cell ? t : NULL;
}

static long cpu_on(struct per_cpu *cpu, u64 mpidr, u64 entry, u64 context)
{
	struct per_cpu *t = target_cpu(cpu, mpidr);
	long ret = PSCI_SUCCESS;

	if (!t)
		return PSCI_INVALID_PARAMETERS;
	if (!cell_ram_to_phys(cpu->cell, entry, 4, false))
		return PSCI_INVALID_ADDRESS;
	spin_lock(&psci_lock);
	if (t->cell != cpu->cell) {		/* given to another cell since */
		ret = PSCI_INVALID_PARAMETERS;
	} else if (t->state != CV_CPU_PARKED) {
		ret = PSCI_ALREADY_ON;
	} else if (t->wake) {
		ret = PSCI_ON_PENDING;
	} else {
		t->wake_entry = entry;
		t->wake_context = context;
		atomic_set(&t->wake, 1);
	}
	spin_unlock(&psci_lock);
	if (ret == PSCI_SUCCESS)
		arch_cpu_kick(t);
	return ret;
}

bool arch_cpu_move(struct per_cpu *cpu, struct cell *from, struct cell *to)
{
	bool ok;

	spin_lock(&psci_lock);
	ok = cpu->cell == from && cpu->state == CV_CPU_PARKED && !cpu->wake;
	if (ok)
		cpu->cell = to;
	spin_unlock(&psci_lock);
	return ok;
}

static long affinity_info(struct per_cpu *cpu, u64 mpidr, u64 level)
{
	struct per_cpu *t = target_cpu(cpu, mpidr);
	long ret;

	if (!t || level != 0)
		return PSCI_INVALID_PARAMETERS;
	spin_lock(&psci_lock);
	if (t->state != CV_CPU_PARKED)
		ret = PSCI_AFF_ON;
	else
		ret = t->wake ? PSCI_AFF_ON_PENDING : PSCI_AFF_OFF;
	spin_unlock(&psci_lock);
	return ret;
}

/*
 * Park the CPU in the hypervisor, in 'state', until it is woken (PSCI CPU_ON, or the start
 * of the cell that owns it then); it starts at the wake entry at EL1, MMU off, in that cell.
 */
static void park_begin(struct per_cpu *cpu, u32 state)
{
	spin_lock(&psci_lock);
	cpu->state = state;
	spin_unlock(&psci_lock);
}

static void park_wait(struct per_cpu *cpu, struct trap_frame *f)
{
	for (;;) {
		while (!atomic_read(&cpu->wake)) {
			if (hv_disabling())
				arch_cpu_power_off(cpu);
			arch_cpu_wait();
		}
		spin_lock(&psci_lock);
		if (!atomic_read(&cpu->stop))
			break;
		cpu->wake = 0;	/* its cell is being stopped: the wake-up is void */
		spin_unlock(&psci_lock);
	}
	spin_unlock(&psci_lock);
	memset(f, 0, sizeof(*f));
	f->x[0] = cpu->wake_context;
	f->elr = cpu->wake_entry;
	f->spsr = SPSR_EL1H_MASKED;
	cpu_reset(cpu);
	write_sysreg(cpu->cell->arch.vttbr, vttbr_el2);
	isb();
	asm volatile("tlbi vmalls12e1" : : : "memory");
	dsb(nsh);
	isb();
	spin_lock(&psci_lock);
	cpu->state = CV_CPU_RUNNING;
	cpu->wake = 0;
	spin_unlock(&psci_lock);
}

void psci_park(struct per_cpu *cpu, struct trap_frame *f, u32 state)
{
	park_begin(cpu, state);
	park_wait(cpu, f);
}

/* A CPU of a cell turns itself off, alone or with its whole cell. */
static void cpu_off(struct per_cpu *cpu, struct trap_frame *f, enum cell_off how)
{
	park_begin(cpu, CV_CPU_PARKED);
	cell_cpu_off(cpu, how);
	park_wait(cpu, f);
}

static bool supported(u32 fid)
{
	switch (fid) {
	case PSCI_VERSION: case PSCI_CPU_OFF: case PSCI_CPU_ON: case PSCI_CPU_ON | SMC64:
	case PSCI_AFFINITY_INFO: case PSCI_AFFINITY_INFO | SMC64: case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF: case PSCI_SYSTEM_RESET: case PSCI_FEATURES: case SMCCC_VERSION:
		return true;
	}
	return false;
}

long psci_handle(struct per_cpu *cpu, struct trap_frame *f)
{
	u32 fid = (u32)f->x[0];
	bool smc64 = fid & SMC64;
	u64 mask = smc64 ? ~0ULL : 0xffffffffULL;
	u64 a1 = f->x[1] & mask, a2 = f->x[2] & mask, a3 = f->x[3] & mask;

	cpu_stat(cpu, (fid & 0x3f000000U) == 0x04000000U ? CV_STAT_PSCI : CV_STAT_SMCCC);
	switch (fid) {
	case PSCI_VERSION:
	case SMCCC_VERSION:
		return VERSION_1_1;
	case PSCI_FEATURES:
		return supported((u32)a1) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
	case PSCI_MIGRATE_INFO_TYPE:
		return 2;		/* no trusted OS to migrate */
	case PSCI_CPU_ON:
	case PSCI_CPU_ON | SMC64:
		return cpu_on(cpu, a1, a2, a3);
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO | SMC64:
		return affinity_info(cpu, a1, a2);
	case PSCI_CPU_OFF:
		cpu_off(cpu, f, CELL_CPU_OFF);
		return (long)f->x[0];
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		if (cpu->cell != &root_cell) {
			cpu_off(cpu, f, fid == PSCI_SYSTEM_OFF ? CELL_SYSTEM_OFF : CELL_SYSTEM_RESET);
			return (long)f->x[0];
		}
		printk("Cellvisor: the root cell asks for system %s\n",
		       fid == PSCI_SYSTEM_OFF ? "off" : "reset");
		return (long)firmware_smc(fid, 0);
	case SMCCC_ARCH_FEATURES:
		/* The root asks the firmware; no workaround is offered to the other cells. */
		if (cpu->cell == &root_cell && arch_workaround((u32)a1))
			return (long)firmware_smc(fid, a1);
		return PSCI_NOT_SUPPORTED;
	default:
		if (cpu->cell == &root_cell && arch_workaround(fid))
			return (long)firmware_smc(fid, f->x[1]);
		return PSCI_NOT_SUPPORTED;
	}
}
