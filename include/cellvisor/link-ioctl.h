/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Cellvisor link devices: /dev/cellvisor-link-<name>, one for each inter-cell link
 * (link.h) the root cell is a peer of, present while the hypervisor is enabled (see
 * cellvisor-link(4)).
 *
 *   mmap()   the link's shared memory (offset 0 = its first byte; PROT_WRITE only when the
 *            root may write it, else EACCES)
 *   read()   blocks until something happened on the link since this file last read (a
 *            peer rang the root's doorbell, or a peer's state changed), then returns one
 *            struct cv_link_event; O_NONBLOCK: EAGAIN when nothing happened
 *   poll()   POLLIN when read() would not block; POLLHUP once the hypervisor is disabled
 *   ioctl()  below
 *
 * Errors: ENODEV the hypervisor was disabled meanwhile; EINVAL unknown flags, non-zero
 * reserved fields, a buffer shorter than struct cv_link_event, a peer out of range or the
 * root itself; ENOTCONN (RING) the peer's cell does not exist or does not run; EFAULT.
 */
#ifndef _CELLVISOR_LINK_IOCTL_H
#define _CELLVISOR_LINK_IOCTL_H

#include <linux/ioctl.h>
#include "types.h"
#include "link.h"

struct cv_link_peer_info {
	char cell[32];			/* the peer's cell name (configuration) */
	__s32 cell_id;			/* -1: no cell of that name exists */
	__u32 state;			/* CV_LINK_STATE_DOWN (0) or what the peer set */
	__u32 received;			/* doorbells it has been rung */
	__u32 sent;			/* doorbells it rang */
	__u32 coalesced;		/* rings at it merged into another's doorbell (the
					   rate limit of link.h): received + coalesced is
					   what its peers sent it */
	__u32 reserved;			/* 0 */
};

/* read() and CV_LINK_IOCTL_GET_INFO's events: one consistent snapshot. */
struct cv_link_event {
	__u64 events;			/* doorbell interrupts the root took on this link */
	__u32 num_peers;
	__u32 self;			/* the root's peer index */
	struct cv_link_peer_info peers[CV_LINK_MAX_PEERS];
};

#define CV_LINK_INFO_F_WRITABLE	(1U << 0)

/* CV_LINK_IOCTL_GET_INFO: output only. */
struct cv_link_info {
	char name[32];
	__u64 size;			/* bytes of shared memory */
	__u64 address;			/* its physical address in the root cell */
	__u32 doorbell_irq;		/* the root's doorbell (GIC INTID) */
	__u32 flags;			/* CV_LINK_INFO_F_* */
	__u32 link_id;			/* index in the system configuration */
	__u32 reserved;
	struct cv_link_event now;
};

/* CV_LINK_IOCTL_RING: ring peer 'peer'. */
struct cv_link_ring {
	__u32 peer;
	__u32 flags;			/* none defined: 0 */
	__u64 reserved;			/* 0 */
};

/* CV_LINK_IOCTL_SET_STATE: the root's own state on this link (peers are rung). */
struct cv_link_set_state {
	__u32 state;			/* CV_LINK_STATE_DOWN, CV_LINK_STATE_UP, or any value */
	__u32 flags;			/* none defined: 0 */
	__u64 reserved;			/* 0 */
};

#define CV_LINK_IOCTL_MAGIC		0xC7	/* that of ioctl.h, numbers from 0x40 */
#define CV_LINK_IOCTL_GET_INFO		_IOR(CV_LINK_IOCTL_MAGIC, 0x40, struct cv_link_info)
#define CV_LINK_IOCTL_RING		_IOW(CV_LINK_IOCTL_MAGIC, 0x41, struct cv_link_ring)
#define CV_LINK_IOCTL_SET_STATE		_IOW(CV_LINK_IOCTL_MAGIC, 0x42, \
					     struct cv_link_set_state)

#endif /* _CELLVISOR_LINK_IOCTL_H */
