/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor arm64: the architecture's part of a cell. */
#ifndef _ASM_CELL_H
#define _ASM_CELL_H

#include <cv/paging.h>

struct arch_cell {
	struct paging stage2;	/* IPA -> PA */
	u64 vttbr;		/* stage-2 root and VMID */
};

#endif
