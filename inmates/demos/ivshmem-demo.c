// SPDX-License-Identifier: GPL-2.0-only
/*
 * ivshmem-demo: the cell side of a link with the root (include/cellvisor/link.h).  It says
 * it is up, counts its doorbell interrupts, echoes every message the root leaves in the
 * link memory (the protocol of include/cellvisor/link-echo.h) and rings the root back,
 * and reports when a peer comes and goes.  Approves shutdown.
 */
#include <inmate.h>
#include <cellvisor/link-echo.h>

INMATE_NAME("ivshmem-demo");

#define VERBOSE_ECHOES	5	/* the first few echoes are printed, then every 1000th */

static struct link link;
static volatile uint32_t doorbells;
static uint32_t echoes;
static uint32_t peer_state[CV_LINK_MAX_PEERS];

static void doorbell(unsigned int intid)
{
	(void)intid;
	doorbells++;
}

static void copy_from_link(volatile uint8_t *dst, const volatile uint8_t *src, uint32_t n)
{
	while (n--)
		*dst++ = *src++;
}

/* A message waiting in the root's box: echo it into ours and ring the others. */
static void echo(void)
{
	volatile struct cv_echo_box *in = (void *)(link.mem + CV_ECHO_TO_CELL(link.size));
	volatile struct cv_echo_box *out = (void *)(link.mem + CV_ECHO_TO_ROOT(link.size));
	uint32_t seq = in->seq, len;
	unsigned int p;

	if (seq == out->seq)
		return;
	memory_barrier();
	len = in->len;
	if (len > CV_ECHO_MAX_LEN(link.size))
		len = CV_ECHO_MAX_LEN(link.size);
	copy_from_link((volatile uint8_t *)out + CV_ECHO_HEADER,
		       (const volatile uint8_t *)in + CV_ECHO_HEADER, len);
	out->len = len;
	out->doorbells = doorbells;
	out->echoes = ++echoes;
	memory_barrier();
	out->seq = seq;
	memory_barrier();
	for (p = 0; p < link.num_peers; p++)
		if (p != link.self)
			link_ring(&link, p);
	if (echoes <= VERBOSE_ECHOES || echoes % 1000 == 0)
		printf("ivshmem-demo: echo %u: message %u, %u bytes, %u doorbells so far\n",
		       echoes, seq, len, doorbells);
}

static void watch_peers(void)
{
	unsigned int p;
	uint32_t s;

	for (p = 0; p < link.num_peers; p++) {
		if (p == link.self)
			continue;
		s = link_peer_state(&link, p);
		if (s == peer_state[p])
			continue;
		peer_state[p] = s;
		printf("ivshmem-demo: peer %u is %s (state %u)\n", p,
		       s == CV_LINK_STATE_DOWN ? "down" : "up", s);
	}
}

void inmate_main(void)
{
	int err;

	if (irq_init())
		return;
	err = link_find(0, &link);
	if (err) {
		printf("ivshmem-demo: error: this cell is a peer of no link (%d); see the "
		       "\"links\" of the system configuration\n", err);
		return;
	}
	printf("ivshmem-demo: link %u: %lu KiB at 0x%lx, %s, peer %u of %u, doorbell "
	       "interrupt %u\n", link.id, (unsigned long)(link.size >> 10),
	       (unsigned long)(uintptr_t)link.mem, link.writable ? "read-write" : "read-only",
	       link.self, link.num_peers, link.irq);
	if (!link.writable || link.size < 2 * CV_ECHO_HEADER) {
		printf("ivshmem-demo: error: the link must be writable and at least %u bytes\n",
		       (unsigned int)(2 * CV_ECHO_HEADER));
		return;
	}
	if (link_irq_request(&link, doorbell) || ticker_start(10, NULL))
		return;
	err = link_set_state(&link, CV_LINK_STATE_UP);
	printf("ivshmem-demo: up (%d); echoing messages\n", err);
	for (;;) {
		irq_disable_local();
		inmate_poll_shutdown(shutdown_approve);
		watch_peers();
		echo();
		cpu_wait_for_interrupt();	/* wakes up even with IRQs masked */
		irq_enable_local();		/* ... and takes it here */
	}
}
