// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvlink: the root's side of a link device (/dev/cellvisor-link-NAME, cellvisor-link(4)),
 * for the guest-tier tests, the demo and the benchmark; it speaks ivshmem-demo's echo
 * protocol (include/cellvisor/link-echo.h).  One result line per command; on failure
 * "cvlink: CMD: ENAME (message)" on stderr and the errno as exit status, 64 for usage.
 *
 *   cvlink info DEV                    the link and its peers
 *   cvlink state DEV VALUE             set the root's state (0 down, 1 up, ...)
 *   cvlink ring DEV PEER               ring a peer
 *   cvlink wait-state DEV PEER up|down MS    until the peer is so (62 ETIME after MS)
 *   cvlink send DEV TEXT               leave a message for the cell and ring it (a cell that
 *                                      does not run is not rung: "not rung" is printed)
 *   cvlink await DEV SEQ MS            until the cell echoed message SEQ; prints it
 *   cvlink echo DEV COUNT SIZE [MS]    COUNT round trips of SIZE bytes, each checked
 *   cvlink fill DEV BYTE | check DEV BYTE    write / verify every byte of the memory
 *   cvlink map-write DEV               try a writable mapping (for a read-only link)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cellvisor/link-echo.h>
#include <cellvisor/link-ioctl.h>

static const char *cmd;

static int fail(int err, const char *what)
{
	fprintf(stderr, "cvlink: %s: %s (%s)\n", cmd, strerrorname_np(err) ?: "?", what);
	return err;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct dev {
	int fd;
	struct cv_link_info info;
	volatile uint8_t *mem;
};

static int dev_open(const char *path, struct dev *d, bool map)
{
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return fail(errno, path);
	if (ioctl(d->fd, CV_LINK_IOCTL_GET_INFO, &d->info))
		return fail(errno, "CV_LINK_IOCTL_GET_INFO");
	if (!map)
		return 0;
	d->mem = mmap(NULL, d->info.size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, 0);
	if (d->mem == MAP_FAILED)
		return fail(errno, "mmap of the link memory");
	return 0;
}

/* The first peer that is not the root: the cell the echo protocol talks to. */
static unsigned int cell_peer(const struct dev *d)
{
	return d->info.now.self == 0 ? 1 : 0;
}

/* Wait for an event (or MS); 0, ETIME, or an errno.  'ev' gets the snapshot. */
static int wait_event(struct dev *d, struct cv_link_event *ev, int ms)
{
	struct pollfd p = { .fd = d->fd, .events = POLLIN };
	int n = poll(&p, 1, ms);

	if (n < 0)
		return errno;
	if (n == 0)
		return ETIME;
	if (p.revents & (POLLHUP | POLLERR))
		return ENODEV;
	if (read(d->fd, ev, sizeof(*ev)) != sizeof(*ev))
		return errno ?: EIO;
	return 0;
}

static volatile struct cv_echo_box *box(struct dev *d, bool to_root)
{
	return (volatile void *)(d->mem + (to_root ? CV_ECHO_TO_ROOT(d->info.size) :
					   CV_ECHO_TO_CELL(d->info.size)));
}

static int ring(struct dev *d, unsigned int peer)
{
	struct cv_link_ring r = { .peer = peer };

	return ioctl(d->fd, CV_LINK_IOCTL_RING, &r) ? errno : 0;
}

/* Leave a message of 'len' bytes (already in the box) with the next seq; ring the cell. */
static uint32_t post(struct dev *d, uint32_t len, int *ring_err)
{
	volatile struct cv_echo_box *in = box(d, false);
	uint32_t seq = in->seq + 1;

	in->len = len;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	in->seq = seq;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*ring_err = ring(d, cell_peer(d));
	return seq;
}

/* Until the cell's box holds 'seq'; 0 or ETIME. */
static int await(struct dev *d, uint32_t seq, int ms)
{
	volatile struct cv_echo_box *out = box(d, true);
	uint64_t end = now_ns() + (uint64_t)ms * 1000000;
	struct cv_link_event ev;
	int err;

	while (out->seq != seq) {
		int left = (int)(((int64_t)(end - now_ns())) / 1000000);

		if (left <= 0)
			return ETIME;
		err = wait_event(d, &ev, left < 100 ? left : 100);
		if (err && err != ETIME)
			return err;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

static void fill_pattern(volatile uint8_t *p, uint32_t len, uint32_t seq)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seq * 7 + i * 13 + (i >> 8));
}

static int echo(struct dev *d, unsigned long count, unsigned long size, int ms)
{
	volatile uint8_t *in = (volatile uint8_t *)box(d, false) + CV_ECHO_HEADER;
	volatile uint8_t *out = (volatile uint8_t *)box(d, true) + CV_ECHO_HEADER;
	uint64_t start, total = 0, worst = 0;
	int err, ring_err;

	if (size > CV_ECHO_MAX_LEN(d->info.size))
		return fail(EINVAL, "message larger than half the link");
	start = now_ns();
	for (unsigned long i = 0; i < count; i++) {
		uint64_t t0 = now_ns(), t;
		uint32_t seq = box(d, false)->seq + 1;

		fill_pattern(in, size, seq);
		seq = post(d, size, &ring_err);
		if (ring_err)
			return fail(ring_err, "ringing the cell");
		err = await(d, seq, ms);
		if (err)
			return fail(err, "no echo in time");
		if (box(d, true)->len != size)
			return fail(EPROTO, "echo of another length");
		for (uint32_t k = 0; k < size; k++) {
			if (out[k] != (uint8_t)(seq * 7 + k * 13 + (k >> 8))) {
				fprintf(stderr, "cvlink: echo: message %u byte %u is 0x%02x\n", seq, k,
					out[k]);
				return fail(EPROTO, "echoed data differs");
			}
		}
		t = now_ns() - t0;
		total += t;
		if (t > worst)
			worst = t;
	}
	start = now_ns() - start;
	printf("echo: %lu round trips of %lu bytes, data ok; %.1f us each (worst %.1f us); "
	       "%.2f MB/s both ways; cell: %u doorbells, %u echoes\n", count, size,
	       count ? total / 1000.0 / count : 0.0, worst / 1000.0,
	       start ? 2.0 * count * size * 1000.0 / start : 0.0,
	       box(d, true)->doorbells, box(d, true)->echoes);
	return 0;
}

static const char *state_name(uint32_t s)
{
	return s == CV_LINK_STATE_DOWN ? "down" : "up";
}

int main(int argc, char **argv)
{
	struct cv_link_event ev;
	struct dev d = { 0 };
	int err, ring_err;

	if (argc < 3) {
		fprintf(stderr, "usage: cvlink CMD DEV ... (see the source)\n");
		return 64;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "info")) {
		if ((err = dev_open(argv[2], &d, false)))
			return err;
		printf("name=%s size=%llu address=0x%llx irq=%u self=%u writable=%d events=%llu\n",
		       d.info.name, (unsigned long long)d.info.size,
		       (unsigned long long)d.info.address, d.info.doorbell_irq, d.info.now.self,
		       !!(d.info.flags & CV_LINK_INFO_F_WRITABLE),
		       (unsigned long long)d.info.now.events);
		for (unsigned int p = 0; p < d.info.now.num_peers; p++)
			printf("peer %u cell=%s id=%d state=%u (%s) received=%u sent=%u\n", p,
			       d.info.now.peers[p].cell, d.info.now.peers[p].cell_id,
			       d.info.now.peers[p].state, state_name(d.info.now.peers[p].state),
			       d.info.now.peers[p].received, d.info.now.peers[p].sent);
		return 0;
	}
	if (!strcmp(cmd, "state") && argc == 4) {
		struct cv_link_set_state s = { .state = (uint32_t)strtoul(argv[3], NULL, 0) };

		if ((err = dev_open(argv[2], &d, false)))
			return err;
		if (ioctl(d.fd, CV_LINK_IOCTL_SET_STATE, &s))
			return fail(errno, "CV_LINK_IOCTL_SET_STATE");
		printf("state %u\n", s.state);
		return 0;
	}
	if (!strcmp(cmd, "ring") && argc == 4) {
		if ((err = dev_open(argv[2], &d, false)))
			return err;
		err = ring(&d, (unsigned int)strtoul(argv[3], NULL, 0));
		if (err)
			return fail(err, "CV_LINK_IOCTL_RING");
		printf("rang peer %s\n", argv[3]);
		return 0;
	}
	if (!strcmp(cmd, "wait-state") && argc == 6) {
		unsigned int peer = (unsigned int)strtoul(argv[3], NULL, 0);
		bool up = !strcmp(argv[4], "up");
		uint64_t end = now_ns() + strtoull(argv[5], NULL, 0) * 1000000;

		if ((err = dev_open(argv[2], &d, false)))
			return err;
		ev = d.info.now;
		while (peer >= ev.num_peers ||
		       (ev.peers[peer].state != CV_LINK_STATE_DOWN) != up) {
			int64_t left = (int64_t)(end - now_ns()) / 1000000;

			if (peer >= ev.num_peers)
				return fail(EINVAL, "no such peer");
			if (left <= 0)
				return fail(ETIME, "the peer's state did not come");
			err = wait_event(&d, &ev, left > 200 ? 200 : (int)left);
			if (err && err != ETIME)
				return fail(err, "reading events");
			if (err == ETIME && ioctl(d.fd, CV_LINK_IOCTL_GET_INFO, &d.info) == 0)
				ev = d.info.now;
		}
		printf("peer %u (%s, cell %d) is %s (state %u)\n", peer, ev.peers[peer].cell,
		       ev.peers[peer].cell_id, argv[4], ev.peers[peer].state);
		return 0;
	}
	if (!strcmp(cmd, "send") && argc == 4) {
		size_t len = strlen(argv[3]);
		uint32_t seq;

		if ((err = dev_open(argv[2], &d, true)))
			return err;
		if (len > CV_ECHO_MAX_LEN(d.info.size))
			return fail(EINVAL, "message too long");
		memcpy((void *)((volatile uint8_t *)box(&d, false) + CV_ECHO_HEADER), argv[3], len);
		seq = post(&d, (uint32_t)len, &ring_err);
		if (ring_err && ring_err != ENOTCONN)
			return fail(ring_err, "ringing the cell");
		printf("message %u sent, %s\n", seq, ring_err ? "not rung (the cell does not run)" :
		       "cell rung");
		return 0;
	}
	if (!strcmp(cmd, "await") && argc == 5) {
		volatile struct cv_echo_box *out;
		uint32_t seq = (uint32_t)strtoul(argv[3], NULL, 0);

		if ((err = dev_open(argv[2], &d, true)))
			return err;
		err = await(&d, seq, atoi(argv[4]));
		if (err)
			return fail(err, "no echo in time");
		out = box(&d, true);
		printf("echo %u: \"%.*s\" (cell: %u doorbells, %u echoes)\n", out->seq,
		       (int)(out->len < 200 ? out->len : 200),
		       (const char *)((volatile uint8_t *)out + CV_ECHO_HEADER), out->doorbells,
		       out->echoes);
		return 0;
	}
	if (!strcmp(cmd, "echo") && argc >= 5) {
		if ((err = dev_open(argv[2], &d, true)))
			return err;
		return echo(&d, strtoul(argv[3], NULL, 0), strtoul(argv[4], NULL, 0),
			    argc > 5 ? atoi(argv[5]) : 5000);
	}
	if ((!strcmp(cmd, "fill") || !strcmp(cmd, "check")) && argc == 4) {
		uint8_t b = (uint8_t)strtoul(argv[3], NULL, 0);

		if ((err = dev_open(argv[2], &d, true)))
			return err;
		for (uint64_t i = 0; i < d.info.size; i++) {
			if (cmd[0] == 'f') {
				d.mem[i] = b;
			} else if (d.mem[i] != b) {
				printf("byte %llu is 0x%02x, not 0x%02x\n", (unsigned long long)i,
				       d.mem[i], b);
				return 1;
			}
		}
		printf("%s: all %llu bytes 0x%02x\n", cmd, (unsigned long long)d.info.size, b);
		return 0;
	}
	if (!strcmp(cmd, "map-write")) {
		void *p;

		d.fd = open(argv[2], O_RDWR | O_CLOEXEC);
		if (d.fd < 0)
			return fail(errno, argv[2]);
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, 0);
		if (p == MAP_FAILED)
			return fail(errno, "mmap");
		printf("mapped writable\n");
		return 0;
	}
	fprintf(stderr, "cvlink: unknown command or arguments: %s\n", cmd);
	return 64;
}
