/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor: per-CPU state. */
#ifndef _CV_PERCPU_H
#define _CV_PERCPU_H

#include <asm/percpu.h>
#include <cellvisor/hypercall.h>
#include <cv/console.h>
#include <cv/hypercall.h>
#include <cv/types.h>

struct cell;

struct per_cpu {
	unsigned int id;		/* MPIDR Aff0 */
	bool present;			/* came up in the hypervisor */
	u32 state;			/* CV_CPU_RUNNING, CV_CPU_PARKED, CV_CPU_FAILED */
	struct cell *cell;
	u64 stats[CV_NUM_STATS];
	/* PSCI CPU_ON: where a parked CPU starts when 'wake' is set. */
	u32 wake;
	u64 wake_entry;
	u64 wake_context;
	/* Set by the cell's management: park at the next exit (the cell is being stopped). */
	u32 stop;
	struct refusal refusal;		/* of the current hypercall, for x1..x3 */
	struct ratelimit fault_rl;	/* the root's faults on this CPU (traps.c) */
	struct arch_cpu arch;
};

#define MAX_CPUS	CV_HV_MAX_CPUS

/* The CPU with MPIDR Aff0 'id' if it came up in the hypervisor, else NULL. */
struct per_cpu *per_cpu(u64 id);
struct per_cpu *this_cpu(void);

/*
 * Note why the current hypercall on this CPU is refused (x1..x3, include/cellvisor/reason.h)
 * and return 'err', its negative errno.  The console line for people is printed apart.
 */
static inline long refuse(long err, u32 reason, u64 object, u64 holder)
{
	struct per_cpu *cpu = this_cpu();

	cpu->refusal.reason = reason;
	cpu->refusal.object = object;
	cpu->refusal.holder = holder;
	return err;
}

static inline void cpu_stat(struct per_cpu *cpu, unsigned int stat)
{
	cpu->stats[stat]++;
}

#endif
