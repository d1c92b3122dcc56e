// SPDX-License-Identifier: GPL-2.0-only
/*
 * silent: never answers the communication region.  A shutdown request finds nobody
 * listening, so the hypervisor gives up after the cell's shutdown_timeout_ms and marks the
 * cell failed.
 */
#include <inmate.h>

INMATE_NAME("silent");

void inmate_main(void)
{
	printf("silent: will not answer any shutdown request\n");
	cpu_halt();
}
