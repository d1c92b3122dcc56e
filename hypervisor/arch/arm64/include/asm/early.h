/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor arm64: what the MMU-off phase (early.c) hands to head.S and to the rest. */
#ifndef _ASM_EARLY_H
#define _ASM_EARLY_H

#include <cv/types.h>

/* Read by head.S at fixed offsets. */
struct early_params {
	u64 ttbr;
	u64 tcr;
	u64 mair;
	u64 virt_offset;
	u64 pool_start;		/* first page not used by the early tables */
	s32 error;
	u32 ready;
};

extern struct early_params cv_early;

#endif
