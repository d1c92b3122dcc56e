// SPDX-License-Identifier: GPL-2.0-only
/*
 * selfstop: a cell that restarts and then stops itself, as an operating system does with
 * PSCI.  Its first run asks for SYSTEM_RESET: the hypervisor starts it again at its entry,
 * memory as it was (so 'runs', in .data, counts on); its second run asks for SYSTEM_OFF: the
 * cell ends "shut down".  A PSCI call that returns is reported.
 */
#include <inmate.h>

INMATE_NAME("selfstop");

static volatile uint32_t runs = 0x5e1f0000;	/* .data: not cleared by a restart */

void inmate_main(void)
{
	unsigned int run = ++runs - 0x5e1f0000;
	int32_t r;

	if (run == 1) {
		printf("selfstop: run 1: PSCI SYSTEM_RESET\n");
		r = psci_system_reset();
	} else {
		printf("selfstop: run %u: PSCI SYSTEM_OFF\n", run);
		r = psci_system_off();
	}
	printf("selfstop: NOT STOPPED: PSCI returned %d\n", r);
}
