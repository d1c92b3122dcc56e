// SPDX-License-Identifier: GPL-2.0-only
/*
 * link-hostile: a cell that is no peer of any link tries to use link 0 (ivshmem-demo's):
 * the hypercalls must be refused, and a read of the link memory, where the peers see it,
 * must stop the cell (it maps nothing there).  Each result is printed; the guest scenario
 * link.sh checks them and the hypervisor's lines.
 *
 * Loaded into a cell that is a peer (ivshmem-demo's), it is the peer gone bad instead: it
 * rings the other peers in a tight loop and flips its own state every 16th ring (each flip
 * rings them too), and says every second how many rings it made and how many of them the
 * hypervisor accepted, until it is asked to shut down.  The hypervisor's rate limit must keep
 * the others' doorbell interrupts bounded (link.sh counts the root's).
 */
#include <inmate.h>

INMATE_NAME("link-hostile");

static noreturn void storm(const struct link *l)
{
	uint64_t next = timer_now() + timer_freq(), rings = 0, accepted = 0, flips = 0;
	unsigned int p, second = 0;

	printf("link-hostile: peer %u of link %u: ringing the other peers in a loop\n", l->self,
	       l->id);
	for (;;) {
		inmate_poll_shutdown(shutdown_approve);
		for (p = 0; p < l->num_peers; p++) {
			if (p == l->self)
				continue;
			rings++;
			accepted += link_ring(l, p) == 0;
		}
		if (!(rings & 15))
			flips += link_set_state(l, 2 + (rings >> 4 & 1)) == 0;
		if (timer_now() < next)
			continue;
		next += timer_freq();
		printf("link-hostile: second %u: %llu rings, %llu accepted, %llu state changes\n",
		       ++second, (unsigned long long)rings, (unsigned long long)accepted,
		       (unsigned long long)flips);
	}
}

static void show(const char *what, long ret)
{
	printf("link-hostile: %s: %ld\n", what, ret);
}

void inmate_main(void)
{
	struct link l;
	uint32_t v = 0;

	if (!link_find(0, &l))
		storm(&l);
	show("links", hypercall(CV_HC_LINK_GET_INFO, 0, CV_LINK_INFO_NUM_LINKS, 0));
	show("info self", hypercall(CV_HC_LINK_GET_INFO, 0, CV_LINK_INFO_SELF, 0));
	show("info state of peer 0", hypercall(CV_HC_LINK_GET_INFO, 0, CV_LINK_INFO_STATE, 0));
	show("ring peer 0", hypercall(CV_HC_LINK_RING, 0, 0, 0));
	show("ring peer 1", hypercall(CV_HC_LINK_RING, 0, 1, 0));
	show("set state", hypercall(CV_HC_LINK_SET_STATE, 0, CV_LINK_STATE_UP, 0));
	show("ring link 99", hypercall(CV_HC_LINK_RING, 99, 0, 0));
	printf("link-hostile: reading the link memory at 0x7ff00000 (the root's address)\n");
	probe_read32(0x7ff00000, &v);
	printf("link-hostile: error: read 0x%x at 0x7ff00000 and still runs\n", v);
	inmate_serve(shutdown_approve);
}
