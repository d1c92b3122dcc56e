/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host stand-in for the hypervisor's <asm/percpu.h>, for the MMIO fuzz target: it compiles
 * arch/arm64/gic-dist.c, which routes interrupts by the CPUs' MPIDR.
 */
#ifndef _ASM_PERCPU_H
#define _ASM_PERCPU_H

#include <cv/types.h>

#define CV_HV_MAX_CPUS	16

struct arch_cpu {
	u64 mpidr;
};

#endif
