// SPDX-License-Identifier: GPL-2.0-only
/*
 * sgi-storm: a cell that floods the GIC with SGIs (ICC_SGI1R_EL1) from every one of its
 * CPUs, aimed at everyone: broadcast (IRM), target lists naming every CPU of cluster 0 (the
 * root's, the other cells', its own) and only the root's and the canary's, every SGI
 * number, Linux's IPIs included (SGI 2 stops a Linux CPU).  Interrupts stay masked, so the
 * SGIs it sends itself pile up as pending.  (ICC_SGI0R_EL1 and ICC_ASGI1R_EL1: sysreg.c.)  After STORM_SGIS writes per CPU
 * it says so, and goes on until it is destroyed: it never answers a shutdown request.
 * The hypervisor must keep every SGI inside the cell, and hand its CPUs back to Linux clean
 * (issue 11: Linux failed to bring such a CPU back and hit a BUG in irq_work).
 */
#include "hostile.h"

INMATE_NAME("sgi-storm");

#define STORM_SGIS	2000UL

static volatile unsigned long sent[64];

static void storm_once(unsigned int cpu, unsigned int intid)
{
	write_sysreg(ICC_SGI1R_EL1, SGIR_IRM | sgir(intid, 0));
	write_sysreg(ICC_SGI1R_EL1, sgir(intid, 0xffff));
	write_sysreg(ICC_SGI1R_EL1, sgir(intid, 1U << 0 | 1U << 3));	/* root, canary */
	isb();
	sent[cpu & 63] += 3;
}

static noreturn void storm(unsigned int cpu)
{
	unsigned int intid = 0;

	irq_disable_local();
	for (;;)
		storm_once(cpu, intid++ & 0xf);
}

void inmate_secondary_main(unsigned int cpu)
{
	storm(cpu);
}

void inmate_main(void)
{
	uint64_t cpus = comm_region() ? comm_region()->cpu_set : 1, end;
	unsigned int cpu = cpu_id(), intid = 0, other;

	irq_disable_local();
	printf("sgi-storm: %lu SGIs from each CPU (0x%lx), to everyone, then on until destroyed; "
	       "shutdown requests go unanswered\n", STORM_SGIS, (unsigned long)cpus);
	while (sent[cpu] < STORM_SGIS)
		storm_once(cpu, intid++ & 0xf);
	printf("sgi-storm: CPU %u sent %lu SGIs\n", cpu, sent[cpu]);
	for (other = 0; other < 64; other++) {
		if (other == cpu || !(cpus >> other & 1))
			continue;
		end = timer_now() + timer_ns_to_ticks(60000000000ULL);
		while (sent[other] < STORM_SGIS && timer_now() < end)
			storm_once(cpu, intid++ & 0xf);
		printf("sgi-storm: CPU %u sent %lu SGIs\n", other, sent[other]);
	}
	printf("sgi-storm: storming on\n");
	storm(cpu);
}
