// SPDX-License-Identifier: GPL-2.0-only
/*
 * reset-storm: a cell that restarts itself without end.  Each run counts on (a restart
 * keeps the cell's memory), says which run it is, and then both its CPUs ask for PSCI
 * SYSTEM_RESET at the same moment.  The hypervisor restarts it each time under its
 * management lock: the root, its management calls and other cells must go on, its console
 * lines stay rate-limited, its memory pool stays as it is, and the cell can be destroyed
 * mid-restart.
 */
#include "hostile.h"

INMATE_NAME("reset-storm");

/* In .data, not the bss, which each run clears: they survive restarts. */
static volatile uint64_t runs __attribute__((section(".data")));
static volatile uint64_t go __attribute__((section(".data")));	/* run that may reset */
static volatile uint64_t gone __attribute__((section(".data")));	/* the second CPU's last */

static noreturn void reset(void)
{
	int32_t r = psci_system_reset();

	printf("reset-storm: NOT RESTARTED: PSCI SYSTEM_RESET returned %d\n", r);
	cpu_halt();
}

void inmate_secondary_main(unsigned int cpu)
{
	(void)cpu;
	while (go == gone)
		;
	gone = go;
	reset();
}

void inmate_main(void)
{
	uint64_t run = ++runs;

	printf("reset-storm: run %lu on CPUs 0x%lx\n", (unsigned long)run,
	       (unsigned long)comm_region()->cpu_set);
	go = run;
	reset();
}
