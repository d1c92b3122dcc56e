/* SPDX-License-Identifier: GPL-2.0-only */
/* Host stand-in for the hypervisor's <asm/processor.h>. */
#ifndef _ASM_PROCESSOR_H
#define _ASM_PROCESSOR_H

#include <time.h>

static inline void cpu_relax(void)
{
}

static inline unsigned long long arch_counter(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

static inline unsigned long long arch_counter_freq(void)
{
	return 1000000000ULL;
}

#endif
