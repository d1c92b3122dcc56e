/* SPDX-License-Identifier: GPL-2.0-only */
/* Host stand-in for the hypervisor's <asm/percpu.h>. */
#ifndef _ASM_PERCPU_H
#define _ASM_PERCPU_H

#define CV_HV_MAX_CPUS	16

struct arch_cpu {
	int unused;
};

#endif
