// SPDX-License-Identifier: GPL-2.0-only
/* What the boot code (arch/<arch>/head.S) calls once a CPU has a stack and vectors. */
#include <inmate.h>
#include <arch/board.h>

/*
 * Not in the bss, which the primary CPU clears while the others may already run: the
 * VBAR_EL1 each CPU arrived with (head.S stores it before installing the vectors), and the
 * flag the primary sets once the library is ready for the other CPUs.
 */
uint64_t boot_entry_vbar[64] __attribute__((section(".data")));
static volatile uint32_t boot_ready __attribute__((section(".data")));

/* An inmate that uses the cell's other CPUs too provides this (see inmate.h). */
extern void inmate_secondary_main(unsigned int cpu) __attribute__((weak));

bool boot_is_primary(unsigned int cpu)
{
	struct cv_comm_region *c = comm_probe();
	uint64_t set = c ? c->cpu_set : 0;

	/*
	 * The cell's lowest CPU runs the inmate.  Without a hypervisor, or if this CPU is not
	 * in the set (a hypervisor that numbers the cell's CPUs from 0 in MPIDR), CPU 0 does.
	 */
	if (cpu >= 64 || !(set & (1ULL << cpu)))
		return cpu == 0;
	return (set & -set) == 1ULL << cpu;
}

noreturn void boot_primary(unsigned int cpu)
{
	struct cv_comm_region *comm;

	comm_init();
	comm = comm_region();
	console_init();
	printf("%s: started on CPU %u\n", inmate_name, cpu);
	if (comm) {
		if (comm->revision != CV_COMM_REVISION)
			printf("%s: warning: communication region revision %u, expected %u\n",
			       inmate_name, comm->revision, CV_COMM_REVISION);
		printf("%s: cell %u, communication region at 0x%lx, console %s\n",
		       inmate_name, comm->cell_id, (unsigned long)INMATE_COMM_REGION,
		       console_describe());
	} else {
		printf("%s: no communication region at 0x%lx: running without the hypervisor, "
		       "console %s\n", inmate_name, (unsigned long)INMATE_COMM_REGION,
		       console_describe());
	}
	comm_set_state(CV_CELL_STATE_RUNNING);
	boot_ready = 1;
	memory_barrier();
	inmate_main();
	inmate_serve(shutdown_approve);
}

noreturn void boot_secondary(unsigned int cpu)
{
	/* Most inmates use their cell's first CPU only; the others stay parked. */
	if (inmate_secondary_main) {
		while (!boot_ready)
			;
		inmate_secondary_main(cpu);
	}
	cpu_halt();
}

/*
 * The image runs somewhere else than it was linked for: say so with PC-relative code only (no
 * pointer stored in data is right) on the default UART.
 */
void boot_wrong_address(uintptr_t actual)
{
	static const char msg1[] = ": error: loaded at 0x";
	static const char msg2[] = " but linked to run at 0x40000000: load the flat image at the "
				   "start of the cell's RAM (QEMU: -device loader,file=IMAGE,"
				   "addr=0x40000000,force-raw=on -device loader,addr=0x40000000,"
				   "cpu-num=0)\r\n";
	for (const char *s = inmate_name; *s; s++)
		pl011_putc(BOARD_UART_BASE, *s);
	for (const char *s = msg1; *s; s++)
		pl011_putc(BOARD_UART_BASE, *s);
	for (int shift = 28; shift >= 0; shift -= 4)
		pl011_putc(BOARD_UART_BASE, "0123456789abcdef"[(actual >> shift) & 0xf]);
	for (const char *s = msg2; *s; s++)
		pl011_putc(BOARD_UART_BASE, *s);
}
