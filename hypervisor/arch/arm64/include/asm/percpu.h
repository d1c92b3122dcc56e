/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor arm64: the architecture's part of the per-CPU state. */
#ifndef _ASM_PERCPU_H
#define _ASM_PERCPU_H

#include <asm/layout.h>
#include <cv/types.h>

struct arch_cpu {
	u64 stub_vbar;		/* Linux's hyp stub vectors, restored at disable */
	u64 mpidr;
	void *temp;		/* this CPU's page of the remap area */
	u32 eoi_split;		/* ICC_CTLR_EL1.EOImode was set by Linux */
};

#endif
