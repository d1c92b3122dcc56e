/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * The hypercall of hypercall.h as arm64 code, for callers at EL1 that are not the inmate
 * library: cellvisor.ko and the guest tests' kernel modules.  x0 = code and x1..x3 = args[]
 * go in; x0 comes back as the result and x1..x3 in args[] (the reason of a refusal, its
 * object and the holding cell).
 */
#ifndef _CELLVISOR_HVC_ARM64_H
#define _CELLVISOR_HVC_ARM64_H

#include "hypercall.h"

#define CV_HVC_STR2(x)	#x
#define CV_HVC_STR(x)	CV_HVC_STR2(x)

static inline long cv_hvc(unsigned long code, unsigned long args[3])
{
	register unsigned long x0 asm("x0") = code;
	register unsigned long x1 asm("x1") = args[0];
	register unsigned long x2 asm("x2") = args[1];
	register unsigned long x3 asm("x3") = args[2];

	asm volatile("hvc #" CV_HVC_STR(CV_HVC_IMM)
		     : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3)
		     :
		     : "memory");
	args[0] = x1;
	args[1] = x2;
	args[2] = x3;
	return (long)x0;
}

#endif
