// SPDX-License-Identifier: GPL-2.0-only
/* Inter-cell links for inmates: the hypercalls of include/cellvisor/link.h. */
#include <inmate.h>

long link_info(const struct link *l, unsigned int what, unsigned int peer)
{
	return hypercall(CV_HC_LINK_GET_INFO, l->id, what, peer);
}

int link_find(unsigned int n, struct link *l)
{
	long links = hypercall(CV_HC_LINK_GET_INFO, 0, CV_LINK_INFO_NUM_LINKS, 0);
	unsigned int id;
	long v;

	if (links < 0)
		return (int)links;
	for (id = 0; id < (unsigned long)links; id++) {
		memset(l, 0, sizeof(*l));
		l->id = id;
		v = link_info(l, CV_LINK_INFO_SELF, 0);
		if (v < 0 || n--)
			continue;
		l->self = (unsigned int)v;
		l->num_peers = (unsigned int)link_info(l, CV_LINK_INFO_NUM_PEERS, 0);
		l->irq = (unsigned int)link_info(l, CV_LINK_INFO_IRQ, 0);
		l->writable = link_info(l, CV_LINK_INFO_WRITABLE, 0) == 1;
		l->mem = (volatile uint8_t *)(uintptr_t)link_info(l, CV_LINK_INFO_ADDRESS, 0);
		l->size = (uint64_t)link_info(l, CV_LINK_INFO_SIZE, 0);
		return 0;
	}
	return -2;	/* -ENOENT */
}

int link_ring(const struct link *l, unsigned int peer)
{
	return (int)hypercall(CV_HC_LINK_RING, l->id, peer, 0);
}

int link_set_state(const struct link *l, uint32_t state)
{
	return (int)hypercall(CV_HC_LINK_SET_STATE, l->id, state, 0);
}

uint32_t link_peer_state(const struct link *l, unsigned int peer)
{
	long v = link_info(l, CV_LINK_INFO_STATE, peer);

	return v < 0 ? CV_LINK_STATE_DOWN : (uint32_t)v;
}

int link_irq_request(const struct link *l, irq_handler_t handler)
{
	if (irq_request(l->irq, handler))
		return -1;
	return irq_set_edge(l->irq);
}
