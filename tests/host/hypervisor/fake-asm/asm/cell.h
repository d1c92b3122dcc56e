/* SPDX-License-Identifier: GPL-2.0-only */
/* Host stand-in for the hypervisor's <asm/cell.h>. */
#ifndef _ASM_CELL_H
#define _ASM_CELL_H

#include <cv/paging.h>	/* as the real one: its users get PT_* */

struct arch_cell {
	int unused;
};

#endif
