// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpuoff: the cell's only CPU turns itself off with PSCI CPU_OFF, unasked: the cell has
 * stopped itself and ends "shut down".  A CPU_OFF that returns is reported.
 */
#include <inmate.h>

INMATE_NAME("cpuoff");

void inmate_main(void)
{
	printf("cpuoff: PSCI CPU_OFF\n");
	printf("cpuoff: NOT STOPPED: PSCI returned %d\n", psci_cpu_off());
}
