/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Cellvisor hypercall ABI: how every cell, the root cell included, talks to the hypervisor.
 *
 * arm64: "hvc #CV_HVC_IMM" with the call code in x0 and arguments in x1..x3; the result
 * comes back in x0, a negative errno (Linux values: -EPERM, -EINVAL, ...) on failure, and
 * x1, x2, x3 come back as the reason of a refusal, its object and the id of the cell that
 * holds that object (reason.h; all 0 when the call succeeded or there is nothing more to
 * say than the errno).  All other general-purpose registers are preserved (hvc-arm64.h is
 * this convention as code).  Addresses passed to the hypervisor are guest physical addresses
 * of the calling cell and must lie in its own RAM.
 *
 * Calls marked (root) return -EPERM when made by any other cell.
 */
#ifndef _CELLVISOR_HYPERCALL_H
#define _CELLVISOR_HYPERCALL_H

#include "reason.h"
#include "types.h"

#define CV_HVC_IMM			0x4356	/* "CV" */

#define CV_HC_DISABLE			0	/* (root) hand the machine back to Linux */
#define CV_HC_CELL_CREATE		1	/* (root) x1: address of a cell blob, x2: its size;
						   returns the new cell's id (> 0) */
#define CV_HC_CELL_START		2	/* (root) x1: cell id */
#define CV_HC_CELL_SET_LOADABLE		3	/* (root) x1: cell id */
#define CV_HC_CELL_DESTROY		4	/* (root) x1: cell id, x2: CV_DESTROY_* flags */
#define CV_HC_HYPERVISOR_GET_INFO	5	/* x1: CV_INFO_* ; returns the value */
#define CV_HC_CELL_GET_STATE		6	/* (root) x1: cell id; returns CV_CELL_STATE_* */
#define CV_HC_CPU_GET_INFO		7	/* (root) x1: CPU, x2: CV_CPU_INFO_* or
						   CV_CPU_INFO_STAT_BASE + CV_STAT_* */
#define CV_HC_DEBUG_CONSOLE_PUTC	8	/* x1: one character for the caller's console */
#define CV_HC_CONSOLE_READ		9	/* (root) x1: buffer address, x2: its size,
						   x3: cell id (0: the hypervisor console);
						   see struct cv_console_read */
#define CV_HC_CELL_SHUTDOWN		10	/* (root) x1: cell id; ask the cell to shut down */
#define CV_HC_DEBUG_CONSOLE_WRITE	11	/* x1: address of up to CV_CONSOLE_WRITE_MAX bytes
						   in the caller's RAM, x2: their number; for the
						   caller's console; returns the number written */

#define CV_HC_LINK_GET_INFO		12	/* link.h: x1 link id, x2 CV_LINK_INFO_*, x3 peer */
#define CV_HC_LINK_RING			13	/* link.h: x1 link id, x2 peer to ring */
#define CV_HC_LINK_SET_STATE		14	/* link.h: x1 link id, x2 the caller's state */

#define CV_CONSOLE_WRITE_MAX		256

/* CV_HC_CELL_DESTROY: do not ask a running cell to shut down, stop it (a cell that refuses
 * or does not answer goes all the same; another cell's lock still counts). */
#define CV_DESTROY_FORCE		(1ULL << 0)
#define CV_DESTROY_VALID_FLAGS		CV_DESTROY_FORCE

/* CV_HC_HYPERVISOR_GET_INFO */
#define CV_INFO_MEM_POOL_SIZE		0	/* pages */
#define CV_INFO_MEM_POOL_USED		1
#define CV_INFO_REMAP_POOL_SIZE		2
#define CV_INFO_REMAP_POOL_USED		3
#define CV_INFO_NUM_CELLS		4
#define CV_INFO_ABI_REVISION		5

/* CV_HC_CPU_GET_INFO */
#define CV_CPU_INFO_STATE		0	/* CV_CPU_RUNNING, CV_CPU_PARKED or CV_CPU_FAILED */
#define CV_CPU_INFO_CELL		1	/* id of the cell owning the CPU */
#define CV_CPU_INFO_STAT_BASE		1000	/* + CV_STAT_*: an exit counter */

#define CV_CPU_RUNNING			0
#define CV_CPU_PARKED			1	/* offline (PSCI CPU_OFF), parked in the hypervisor */
#define CV_CPU_FAILED			2

/* Per-CPU exit statistics, by reason. */
#define CV_STAT_TOTAL			0
#define CV_STAT_MMIO			1
#define CV_STAT_HYPERCALL		2
#define CV_STAT_MANAGEMENT		3
#define CV_STAT_IRQ			4
#define CV_STAT_SGI			5
#define CV_STAT_PSCI			6
#define CV_STAT_SMCCC			7
#define CV_STAT_MAINTENANCE		8
#define CV_NUM_STATS			9

/* Cell states, as CV_HC_CELL_GET_STATE reports them. */
#define CV_CELL_STATE_CREATED		0	/* created, not started (or loadable) */
#define CV_CELL_STATE_LOADABLE		1	/* loadable regions mapped to the root */
#define CV_CELL_STATE_RUNNING		2
#define CV_CELL_STATE_RUNNING_LOCKED	3	/* forbids reconfiguration of other cells */
#define CV_CELL_STATE_SHUT_DOWN		4
#define CV_CELL_STATE_FAILED		5

/*
 * CV_HC_CONSOLE_READ copies new console bytes into the caller's buffer, which starts with
 * this header.  'seq' in: the position the caller has read up to; out: the position after
 * the copied bytes.  'lost' out: bytes that were overwritten before the caller read them.
 * Returns the number of bytes copied after the header.
 */
struct cv_console_read {
	__u64 seq;
	__u64 lost;
};

#endif /* _CELLVISOR_HYPERCALL_H */
