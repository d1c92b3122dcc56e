/* SPDX-License-Identifier: GPL-2.0-only */
/* Host stand-in for the hypervisor's <asm/cell.h>. */
#ifndef _ASM_CELL_H
#define _ASM_CELL_H

struct arch_cell {
	int unused;
};

#endif
