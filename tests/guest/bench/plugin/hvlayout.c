// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvlayout: where the hypervisor keeps its exit statistics, for the instruction-counting
 * plugin.  Compiled with the hypervisor's flags and never linked: its absolute symbols carry
 * offsetof(struct per_cpu, stats) and sizeof(struct per_cpu), read back with nm; the address
 * of the cpus[] array comes from cellvisor.elf.
 */
#include <stddef.h>
#include <cv/percpu.h>

void hvlayout(void);
void hvlayout(void)
{
	asm volatile(".globl cvb_stats_off\n.set cvb_stats_off, %c0\n"
		     ".globl cvb_per_cpu_size\n.set cvb_per_cpu_size, %c1\n"
		     :: "i"(offsetof(struct per_cpu, stats)), "i"(sizeof(struct per_cpu)));
}
