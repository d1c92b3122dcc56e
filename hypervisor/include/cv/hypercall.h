/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor: the hypercall dispatcher (ABI in include/cellvisor/hypercall.h). */
#ifndef _CV_HYPERCALL_H
#define _CV_HYPERCALL_H

#include <cv/types.h>

struct per_cpu;

/* Handle one hypercall of the cell running on 'cpu': a value >= 0 or a negative errno. */
long hypercall(struct per_cpu *cpu, u64 code, u64 arg1, u64 arg2, u64 arg3);
/* Is it a cell management call (for the exit statistics)? */
bool hypercall_is_management(u64 code);

#endif
