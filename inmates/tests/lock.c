// SPDX-License-Identifier: GPL-2.0-only
/*
 * lock: reports RUNNING_LOCKED, so that the hypervisor refuses to create, start or destroy
 * other cells; unlocks and approves when asked to shut down.
 */
#include <inmate.h>

INMATE_NAME("lock");

static bool policy(unsigned int request)
{
	(void)request;
	comm_set_state(CV_CELL_STATE_RUNNING);
	printf("lock: unlocked\n");
	return true;
}

void inmate_main(void)
{
	if (!comm_region()) {
		printf("lock: no communication region: nothing to lock\n");
		return;
	}
	comm_set_state(CV_CELL_STATE_RUNNING_LOCKED);
	printf("lock: locked (cell state RUNNING_LOCKED)\n");
	inmate_serve(policy);
}
