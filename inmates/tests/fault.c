// SPDX-License-Identifier: GPL-2.0-only
/*
 * fault: reads memory that is not the cell's own; the hypervisor must stop the cell as
 * failed.  If the read returns (no hypervisor: on a plain QEMU virt machine 0x70000000 is
 * RAM), it says so and then executes an undefined instruction, which shows the library's
 * exception report instead.
 */
#include <inmate.h>

INMATE_NAME("fault");

#define FOREIGN_ADDRESS	0x70000000UL

void inmate_main(void)
{
	uint32_t v;

	printf("fault: reading 0x%08lx, which is not this cell's memory\n", FOREIGN_ADDRESS);
	v = mmio_read32(FOREIGN_ADDRESS);
	printf("fault: NOT STOPPED: read 0x%08lx returned 0x%08x (no hypervisor?)\n",
	       FOREIGN_ADDRESS, v);
	printf("fault: executing an undefined instruction\n");
	__asm__ __volatile__("udf #0");
	printf("fault: NOT STOPPED after the undefined instruction\n");
}
