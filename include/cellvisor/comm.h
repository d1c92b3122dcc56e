/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Cellvisor communication region: one 4 KiB page shared by the hypervisor and a non-root
 * cell, mapped where the cell's CV_MEM_COMM_REGION region says.  The hypervisor fills in the
 * header and the platform fields before the cell starts.
 *
 * Shutdown protocol: the hypervisor writes CV_MSG_SHUTDOWN_REQUEST to msg_to_cell and waits
 * up to the cell's shutdown_timeout_ms for reply_from_cell.  The cell answers
 * CV_REPLY_APPROVED (and then stops using its CPUs: it parks them in a wfi loop or calls
 * PSCI CPU_OFF) or CV_REPLY_DENIED.  No answer in time marks the cell failed.  A cell that
 * has CV_CELL_PASSIVE_COMMREG set is never asked.  Before each request the hypervisor sets
 * reply_from_cell to CV_REPLY_NONE, then msg_to_cell; a cell answers a request when it sees
 * msg_to_cell == CV_MSG_SHUTDOWN_REQUEST with reply_from_cell == CV_REPLY_NONE.
 *
 * cell_state is written by the cell: CV_CELL_STATE_RUNNING, or CV_CELL_STATE_RUNNING_LOCKED
 * while it forbids the root to create, start or destroy other cells.
 */
#ifndef _CELLVISOR_COMM_H
#define _CELLVISOR_COMM_H

#include "types.h"

#define CV_COMM_MAGIC		0x4d4d4356U	/* "CVMM" as little-endian bytes */
#define CV_COMM_REVISION	1

#define CV_MSG_NONE		0
#define CV_MSG_SHUTDOWN_REQUEST	1

#define CV_REPLY_NONE		0
#define CV_REPLY_APPROVED	1
#define CV_REPLY_DENIED		2

struct cv_comm_region {
	__u32 magic;			/* CV_COMM_MAGIC */
	__u16 revision;			/* CV_COMM_REVISION */
	__u16 reserved;
	volatile __u32 msg_to_cell;	/* CV_MSG_*, written by the hypervisor */
	volatile __u32 reply_from_cell;	/* CV_REPLY_*, written by the cell */
	volatile __u32 cell_state;	/* CV_CELL_STATE_*, written by the cell */
	__u32 cell_id;
	/* Platform facts for the cell, written by the hypervisor. */
	__u64 gicd_base;
	__u64 gicr_base;		/* the redistributor of the cell's first CPU */
	__u64 console_base;		/* the cell's UART (pl011 or vpl011), else 0 */
	__u32 console_type;		/* CV_CONSOLE_* of config.h */
	__u32 timer_freq_hz;		/* CNTFRQ_EL0 */
	__u64 cpu_set;
	__u64 pci_ecam_base;		/* the cell's view of PCI config space (ECAM), 0: no PCI */
};

#endif /* _CELLVISOR_COMM_H */
