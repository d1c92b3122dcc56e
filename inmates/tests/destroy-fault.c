// SPDX-License-Identifier: GPL-2.0-only
/*
 * destroy-fault: a cell whose CPUs fault while the root destroys it.  All its CPUs make
 * hypercalls in a loop; when the shutdown request comes (the root's destroy, holding the
 * hypervisor's management lock, waits for the answer), the other CPUs read memory that is
 * not the cell's at once, again and again, while the first CPU approves the shutdown and
 * then faults the same way.  Each fault makes the hypervisor fail the cell from that CPU
 * while the destroy is under way (issue 11: the CPU waited for the lock, then used the
 * freed cell and halted the hypervisor with the lock held).  Management must go on.
 */
#include "hostile.h"

INMATE_NAME("destroy-fault");

#define FOREIGN		0x70000000UL	/* the hypervisor's memory */

static volatile uint32_t sink;
static volatile uint32_t faulting;	/* secondary CPUs about to fault */

static void spin_until_request(void)
{
	register uint64_t x0 __asm__("x0");
	register uint64_t x1 __asm__("x1");

	while (!comm_shutdown_requested()) {
		x0 = CV_HC_HYPERVISOR_GET_INFO;
		x1 = CV_INFO_NUM_CELLS;
		/* x2 and x3 come back with the refusal reason (hypercall.h). */
		__asm__ __volatile__("hvc #" __stringify(CV_HVC_IMM) : "+r"(x0), "+r"(x1) : :
				     "x2", "x3", "memory");
	}
}

static noreturn void fault_forever(void)
{
	for (;;)
		sink += mmio_read32(FOREIGN);
}

void inmate_secondary_main(unsigned int cpu)
{
	(void)cpu;
	irq_disable_local();
	spin_until_request();
	__atomic_fetch_add(&faulting, 1, __ATOMIC_SEQ_CST);
	fault_forever();
}

void inmate_main(void)
{
	unsigned int cpus = 0;

	irq_disable_local();
	printf("destroy-fault: CPUs 0x%lx make hypercalls; on the shutdown request the others "
	       "read 0x%lx at once, this one approves and then reads it\n",
	       (unsigned long)comm_region()->cpu_set, FOREIGN);
	spin_until_request();
	/*
	 * Approve only once the others are faulting (give their fault a moment to reach the
	 * hypervisor): an approval first lets the hypervisor stop them before they fault.
	 */
	for (uint64_t set = comm_region()->cpu_set; set; set &= set - 1)
		cpus++;
	while (__atomic_load_n(&faulting, __ATOMIC_SEQ_CST) < cpus - 1)
		;
	delay_us(20000);
	comm_approve_shutdown();
	fault_forever();
}
