// SPDX-License-Identifier: GPL-2.0-only
/*
 * link-hostile: a cell that is no peer of any link tries to use link 0 (ivshmem-demo's):
 * the hypercalls must be refused, and a read of the link memory, where the peers see it,
 * must stop the cell (it maps nothing there).  Each result is printed; the guest scenario
 * link.sh checks them and the hypervisor's lines.
 */
#include <inmate.h>

INMATE_NAME("link-hostile");

static void show(const char *what, long ret)
{
	printf("link-hostile: %s: %ld\n", what, ret);
}

void inmate_main(void)
{
	uint32_t v = 0;

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
