/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor arm64: what generic code needs from the processor. */
#ifndef _ASM_PROCESSOR_H
#define _ASM_PROCESSOR_H

#include <asm/sysregs.h>

static inline void cpu_relax(void)
{
	asm volatile("yield" : : : "memory");
}

static inline unsigned long long arch_counter(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static inline unsigned long long arch_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

#endif
