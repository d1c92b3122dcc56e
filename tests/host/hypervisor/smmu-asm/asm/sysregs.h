/* SPDX-License-Identifier: GPL-2.0-only */
/* Host stand-in for the hypervisor's <asm/sysregs.h>, as far as the SMMUv3 driver uses it. */
#ifndef _ASM_SYSREGS_H
#define _ASM_SYSREGS_H

#define BIT64(n)	(1ULL << (n))
#define dsb(opt)	__atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif
