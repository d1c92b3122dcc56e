/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Cellvisor inter-cell communication links: the configuration (part of the system blob,
 * config.h) and the hypercalls that use them.
 *
 * A link is 'size' bytes of memory at host physical 'phys_start' that belong to no cell: not
 * the root's RAM, not any cell's, not the hypervisor's.  It is shared by 2 to
 * CV_LINK_MAX_PEERS peers, each named by cell name (the root cell by its own name).  While a
 * cell of that name exists it is that peer: the hypervisor maps the link memory into it at
 * the peer's 'virt_start' (read-only, or read-write with CV_LINK_PEER_WRITE) from its
 * creation to its destruction; the root cell has it from enable to disable.
 *
 * Each peer has a doorbell: an SPI of its own (listed in its cell's interrupts, wired to no
 * device) that the hypervisor makes pending when another peer rings it.  Each peer has a
 * state: CV_LINK_STATE_DOWN while its cell does not run (absent, created, loaded, shut down,
 * failed), otherwise whatever value the peer last set (CV_HC_LINK_SET_STATE; a peer that
 * starts running is DOWN until it says otherwise).  Every change of a peer's state rings the
 * doorbells of the other peers whose cells exist.
 *
 * The link memory is zeroed when its last user goes: a cell peer uses it from creation to
 * destruction, the root peer while its state is not DOWN.
 *
 * Doorbells are rate-limited, so that no peer can flood another with interrupts: each peer's
 * doorbell on a link is raised at most CV_LINK_RING_BURST times at once and
 * CV_LINK_RING_PER_MS times a millisecond after that (a token bucket), whoever rings it
 * (peers, state changes).  A ring beyond that is coalesced, never lost: it is recorded and
 * the doorbell is raised once, as soon as the bucket allows it (at the next link hypercall or
 * interrupt the hypervisor takes on any CPU from then on), for all the rings that came
 * meanwhile.  The ring itself succeeds; the peer's CV_LINK_INFO_COALESCED counts such rings,
 * and the hypervisor console says when a peer starts being limited.
 */
#ifndef _CELLVISOR_LINK_H
#define _CELLVISOR_LINK_H

#include "types.h"

#define CV_LINK_NAME_LEN	32	/* including the terminating NUL */
#define CV_LINK_MAX_PEERS	4
#define CV_LINK_MAX_SIZE	(64ULL << 20)
#define CV_LINK_MAX_LINKS	16
#define CV_LINK_RING_BURST	32	/* doorbells a peer may be rung at once ... */
#define CV_LINK_RING_PER_MS	10	/* ... and per millisecond after that, on each link */

#define CV_LINK_PEER_WRITE	(1U << 0)	/* the peer may write the memory */
#define CV_LINK_PEER_VALID_FLAGS CV_LINK_PEER_WRITE

struct cv_link_peer {
	char cell[32];			/* cell name (CV_CELL_NAME_LEN), NUL-padded */
	__u64 virt_start;		/* where the peer sees the memory (guest physical) */
	__u32 doorbell_irq;		/* SPI INTID of the peer's cell */
	__u32 flags;			/* CV_LINK_PEER_* */
};

#define CV_LINK_VALID_FLAGS	0U

struct cv_link {
	char name[CV_LINK_NAME_LEN];	/* NUL-terminated, NUL-padded, [A-Za-z0-9_.-] */
	__u64 phys_start;		/* page-aligned */
	__u64 size;			/* whole pages, at most CV_LINK_MAX_SIZE */
	__u32 num_peers;		/* 2 .. CV_LINK_MAX_PEERS; peers[] beyond are zero */
	__u32 flags;			/* none defined yet: must be 0 */
	struct cv_link_peer peers[CV_LINK_MAX_PEERS];
};

/* Peer states. */
#define CV_LINK_STATE_DOWN	0
#define CV_LINK_STATE_UP	1	/* the usual "ready"; any non-zero value means up */

/*
 * Hypercalls (hypercall.h), from any cell, for links the caller is a peer of (else -EPERM,
 * CV_REASON_LINK_NOT_PEER); a link id is its index in the system configuration.
 *
 * CV_HC_LINK_GET_INFO   x1: link id, x2: CV_LINK_INFO_*, x3: peer index where it says;
 *                       returns the value (-ENOENT: no such link, -EINVAL: bad what/peer).
 * CV_HC_LINK_RING       x1: link id, x2: peer index (not the caller's own); -ENOTCONN when
 *                       that peer's cell does not exist.
 * CV_HC_LINK_SET_STATE  x1: link id, x2: the caller's new state (32 bits).
 */
#define CV_LINK_INFO_NUM_LINKS	0	/* links configured (any link id, even one not the
					   caller's, may be given: x1 is ignored) */
#define CV_LINK_INFO_SELF	1	/* the caller's peer index */
#define CV_LINK_INFO_NUM_PEERS	2
#define CV_LINK_INFO_SIZE	3	/* bytes */
#define CV_LINK_INFO_ADDRESS	4	/* the caller's virt_start */
#define CV_LINK_INFO_WRITABLE	5	/* 1 when the caller may write */
#define CV_LINK_INFO_STATE	6	/* x3: peer; its state (CV_LINK_STATE_*) */
#define CV_LINK_INFO_CELL	7	/* x3: peer; id of its cell, -ENOENT when absent */
#define CV_LINK_INFO_RECEIVED	8	/* x3: peer; doorbells raised at it (rung by peers or
					   by state changes) since the hypervisor was
					   enabled; 32 bits, wrapping */
#define CV_LINK_INFO_SENT	9	/* x3: peer; doorbells it rang, the same way */
#define CV_LINK_INFO_IRQ	10	/* the caller's doorbell interrupt */
#define CV_LINK_INFO_COALESCED	11	/* x3: peer; rings at it that the rate limit merged
					   into another's doorbell, the same way */

#endif /* _CELLVISOR_LINK_H */
