/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor arm64: the architecture's part of the per-CPU state. */
#ifndef _ASM_PERCPU_H
#define _ASM_PERCPU_H

#include <asm/layout.h>
#include <cv/types.h>

#define GIC_HWQ_SIZE	32

struct arch_cpu {
	u64 stub_vbar;		/* Linux's hyp stub vectors, restored at disable */
	u64 mpidr;
	void *temp;		/* this CPU's page of the remap area */
	/* GIC CPU interface */
	bool gic_active;	/* interrupts go through the hypervisor */
	u32 num_lrs;
	u32 vsgi_pending;	/* virtual SGIs to inject, a bit each (set by any CPU) */
	u32 hwq[GIC_HWQ_SIZE];	/* physical interrupts taken, waiting for a list register */
	u32 hwq_len;
	u64 saved_ctlr;		/* Linux's physical CPU interface, restored at disable */
	u64 saved_pmr;
	u64 saved_bpr1;
};

#endif
