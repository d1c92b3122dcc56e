/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor: the hypercall dispatcher (ABI in include/cellvisor/hypercall.h). */
#ifndef _CV_HYPERCALL_H
#define _CV_HYPERCALL_H

#include <cellvisor/reason.h>
#include <cv/types.h>

struct per_cpu;

/* Why the running hypercall was refused: returned in x1..x3 (include/cellvisor/reason.h). */
struct refusal {
	u32 reason;		/* CV_REASON_* */
	u64 object;		/* what it concerns: a CPU, region index, INTID, ... */
	u64 holder;		/* the id of the cell that holds it */
};

/* Handle one hypercall of the cell running on 'cpu': a value >= 0 or a negative errno. */
long hypercall(struct per_cpu *cpu, u64 code, u64 arg1, u64 arg2, u64 arg3);
/* Is it a cell management call (for the exit statistics)? */
bool hypercall_is_management(u64 code);

#endif
