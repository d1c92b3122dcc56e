/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * The echo protocol of the ivshmem-demo inmate over a link (link.h), shared by the inmate
 * and the programs that talk to it from the root (cellvisor-inmates(7)).
 *
 * The link memory holds two boxes: the first half is the root's ("to the cell"), the
 * second the cell's ("to the root"), each a struct cv_echo_box followed by the bytes.  To
 * send, the root writes the bytes and 'len', then 'seq' + 1 (after a barrier), and rings
 * the cell.  The cell, at its doorbell (or when it starts: a message may have waited for
 * it), copies the bytes into its box, sets 'len', 'doorbells' and 'echoes', then 'seq' to
 * the message's seq (after a barrier), and rings every other peer.
 */
#ifndef _CELLVISOR_LINK_ECHO_H
#define _CELLVISOR_LINK_ECHO_H

#include "types.h"

struct cv_echo_box {
	volatile __u32 seq;		/* of the last message in the box */
	volatile __u32 len;		/* its bytes after the header */
	volatile __u32 doorbells;	/* cell's box: doorbell interrupts the cell took */
	volatile __u32 echoes;		/* cell's box: messages it echoed since it started */
	__u32 reserved[12];
};

#define CV_ECHO_HEADER		sizeof(struct cv_echo_box)	/* 64 */
#define CV_ECHO_TO_CELL(size)	0ULL
#define CV_ECHO_TO_ROOT(size)	((size) / 2)
#define CV_ECHO_MAX_LEN(size)	((size) / 2 - CV_ECHO_HEADER)

#endif /* _CELLVISOR_LINK_ECHO_H */
