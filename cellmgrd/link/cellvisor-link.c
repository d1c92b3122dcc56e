// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellvisor-link: talk over an inter-cell link from the root cell, through its device
 * /dev/cellvisor-link-NAME (cellvisor-link(4)): the link and its peers, the root's state,
 * doorbells, waiting for a peer, the memory, and ivshmem-demo's echo protocol
 * (include/cellvisor/link-echo.h).  See cellvisor-link(1).
 *
 * One result line per command on stdout; on failure one line on stderr,
 * "cellvisor-link: COMMAND LINK: ENAME (what failed; what to do)", and the exit status
 * 1 (failed), 2 (usage), 3 (timed out) or 4 (no such link device).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
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

#define EXIT_FAILED	1
#define EXIT_USAGE	2
#define EXIT_TIMEOUT	3
#define EXIT_NO_LINK	4

#define DEV_PREFIX	"/dev/cellvisor-link-"
#define DEFAULT_MS	5000

static const char *cmd = "", *link_arg = "";

static const char usage[] =
	"Usage: cellvisor-link COMMAND [LINK ARGS...]\n"
	"Talk over an inter-cell link from the root cell (see cellvisor-link(1)).\n"
	"LINK is a link name (its device is " DEV_PREFIX "NAME) or a device path.\n"
	"\n"
	"  list                          the links of the root cell\n"
	"  info LINK                     the link and its peers\n"
	"  state LINK up|down|VALUE      set the root's state on the link\n"
	"  ring LINK PEER                ring a peer's doorbell (PEER: index or cell name)\n"
	"  wait LINK PEER up|down [MS]   until the peer is up or down (default 5000 ms)\n"
	"  send LINK TEXT                leave TEXT for the cell (echo protocol) and ring it\n"
	"  receive LINK [SEQ [MS]]       until the cell echoed message SEQ (default: the last)\n"
	"  echo LINK COUNT SIZE [MS]     COUNT round trips of SIZE bytes, every byte checked\n"
	"  fill LINK BYTE                write BYTE to all of the link memory\n"
	"  check LINK BYTE               verify that all of it reads BYTE\n"
	"\n"
	"Exit status: 0 done, 1 failed, 2 usage, 3 timed out, 4 no such link device.\n";

static int fail(int status, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(int status, int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cellvisor-link: %s%s%s: %s (", cmd, *link_arg ? " " : "", link_arg,
		strerrorname_np(err) ?: "error");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ")\n");
	return status;
}

static int usage_error(const char *what)
{
	fprintf(stderr, "cellvisor-link: %s%s%s\n%s", what, *cmd ? ": " : "", cmd, usage);
	return EXIT_USAGE;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A whole decimal or 0x number in [0, max]; false if it is not. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end && *v <= max;
}

struct dev {
	int fd;
	struct cv_link_info info;
	volatile uint8_t *mem;
};

/* LINK as a device path: a name is checked (the characters of cellvisor-config(5)). */
static int dev_path(const char *arg, char *path, size_t len)
{
	size_t n = strlen(arg);

	if (strchr(arg, '/')) {
		snprintf(path, len, "%s", arg);
		return 0;
	}
	if (!n || n >= CV_LINK_NAME_LEN || strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
						     "nopqrstuvwxyz0123456789_.-") != n)
		return fail(EXIT_USAGE, EINVAL, "not a link name: 1 to %d of A-Z a-z 0-9 _ . -",
			    CV_LINK_NAME_LEN - 1);
	snprintf(path, len, DEV_PREFIX "%s", arg);
	return 0;
}

enum map { NO_MAP, MAP_READ, MAP_WRITE };

static int dev_open(const char *arg, struct dev *d, enum map map)
{
	char path[PATH_MAX];
	int st = dev_path(arg, path, sizeof(path)), e;

	if (st)
		return st;
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	e = errno;
	if (d->fd < 0 && e == ENOENT)
		return fail(EXIT_NO_LINK, e, "no device %s: the hypervisor is not enabled, or "
			    "the root cell is no peer of such a link; 'cellvisor-link list' and "
			    "'cellctl links' show the links", path);
	if (d->fd < 0 && e == EACCES)
		return fail(EXIT_FAILED, e, "cannot open %s: the link devices are root's "
			    "(mode 0600)", path);
	if (d->fd < 0)
		return fail(EXIT_FAILED, e, "cannot open %s: %s", path, strerror(e));
	if (ioctl(d->fd, CV_LINK_IOCTL_GET_INFO, &d->info)) {
		e = errno;
		return fail(EXIT_FAILED, e, "CV_LINK_IOCTL_GET_INFO on %s: %s", path,
			    e == ENODEV ? "the hypervisor was disabled" : strerror(e));
	}
	if (map == NO_MAP)
		return 0;
	d->mem = mmap(NULL, d->info.size, PROT_READ | (map == MAP_WRITE ? PROT_WRITE : 0),
		      MAP_SHARED, d->fd, 0);
	e = errno;
	if (d->mem == MAP_FAILED)
		return fail(EXIT_FAILED, e, "cannot map the link memory%s: %s",
			    map == MAP_WRITE ? " read-write" : "",
			    e == EACCES ? "the root may only read it (no \"write\" in its peer "
			    "entry of the system configuration)" : strerror(e));
	return 0;
}

/* PEER: an index or a peer's cell name; -1 (reported) if it is neither. */
static int peer_arg(const struct dev *d, const char *s)
{
	uint64_t v;

	if (parse_u64(s, UINT32_MAX, &v)) {
		if (v < d->info.now.num_peers)
			return (int)v;
	} else {
		for (unsigned int p = 0; p < d->info.now.num_peers; p++)
			if (!strncmp(d->info.now.peers[p].cell, s, sizeof(d->info.now.peers[p].cell)))
				return (int)p;
	}
	fail(EXIT_USAGE, EINVAL, "no peer '%s': the link has peers 0 to %u ('info' lists them)",
	     s, d->info.now.num_peers - 1);
	return -1;
}

/* The first peer that is not the root: the cell the echo protocol talks to. */
static unsigned int cell_peer(const struct dev *d)
{
	return d->info.now.self == 0 ? 1 : 0;
}

/* Wait for an event (or 'ms'); 0, ETIME, or an errno.  'ev' gets the snapshot. */
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

static int ms_left(uint64_t end)
{
	int64_t left = ((int64_t)(end - now_ns())) / 1000000;

	return left <= 0 ? 0 : left > 200 ? 200 : (int)left;
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

static const char *ring_hint(int err)
{
	return err == ENOTCONN ? "its cell does not exist or does not run; start it" :
	       err == ENODEV ? "the hypervisor was disabled" : strerror(err);
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

/* Until the cell's box holds 'seq'; 0, ETIME or an errno. */
static int await(struct dev *d, uint32_t seq, int ms)
{
	volatile struct cv_echo_box *out = box(d, true);
	uint64_t end = now_ns() + (uint64_t)ms * 1000000;
	struct cv_link_event ev;
	int err;

	while (out->seq != seq) {
		if (!ms_left(end))
			return ETIME;
		err = wait_event(d, &ev, ms_left(end));
		if (err && err != ETIME)
			return err;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

static uint8_t pattern(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 7 + i * 13 + (i >> 8));
}

static int echo_fail(int err, uint32_t seq)
{
	if (err == ETIME)
		return fail(EXIT_TIMEOUT, err, "no echo of message %u in time: is the cell's "
			    "program ivshmem-demo, and up ('info')?", seq);
	return fail(EXIT_FAILED, err, "waiting for the echo of message %u: %s", seq,
		    strerror(err));
}

static int echo(struct dev *d, uint32_t count, uint32_t size, int ms)
{
	volatile uint8_t *in = (volatile uint8_t *)box(d, false) + CV_ECHO_HEADER;
	volatile uint8_t *out = (volatile uint8_t *)box(d, true) + CV_ECHO_HEADER;
	uint64_t start, total = 0, worst = 0;
	int err, ring_err;

	if (size > CV_ECHO_MAX_LEN(d->info.size))
		return fail(EXIT_USAGE, EINVAL, "%u bytes do not fit in a box of this link: at "
			    "most %llu", size, (unsigned long long)CV_ECHO_MAX_LEN(d->info.size));
	start = now_ns();
	for (uint32_t i = 0; i < count; i++) {
		uint64_t t0 = now_ns(), t;
		uint32_t seq = box(d, false)->seq + 1;

		for (uint32_t k = 0; k < size; k++)
			in[k] = pattern(seq, k);
		seq = post(d, size, &ring_err);
		if (ring_err)
			return fail(EXIT_FAILED, ring_err, "ringing peer %u: %s", cell_peer(d),
				    ring_hint(ring_err));
		err = await(d, seq, ms);
		if (err)
			return echo_fail(err, seq);
		if (box(d, true)->len != size)
			return fail(EXIT_FAILED, EPROTO, "the echo of message %u has %u bytes, not %u",
				    seq, box(d, true)->len, size);
		for (uint32_t k = 0; k < size; k++)
			if (out[k] != pattern(seq, k))
				return fail(EXIT_FAILED, EPROTO, "the echo of message %u differs at "
					    "byte %u: 0x%02x, not 0x%02x", seq, k, out[k],
					    pattern(seq, k));
		t = now_ns() - t0;
		total += t;
		if (t > worst)
			worst = t;
	}
	start = now_ns() - start;
	printf("echo: %u round trips of %u bytes, data ok; %.1f us each (worst %.1f us); "
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

static void print_info(const struct dev *d)
{
	const struct cv_link_event *ev = &d->info.now;

	printf("name=%s size=%llu address=0x%llx irq=%u self=%u writable=%d events=%llu\n",
	       d->info.name, (unsigned long long)d->info.size,
	       (unsigned long long)d->info.address, d->info.doorbell_irq, ev->self,
	       !!(d->info.flags & CV_LINK_INFO_F_WRITABLE), (unsigned long long)ev->events);
	for (unsigned int p = 0; p < ev->num_peers && p < CV_LINK_MAX_PEERS; p++)
		printf("peer %u cell=%s id=%d state=%u (%s) received=%u sent=%u coalesced=%u\n",
		       p, ev->peers[p].cell, ev->peers[p].cell_id, ev->peers[p].state,
		       state_name(ev->peers[p].state), ev->peers[p].received, ev->peers[p].sent,
		       ev->peers[p].coalesced);
}

static int cmd_list(void)
{
	glob_t g;
	int st = 0;

	if (glob(DEV_PREFIX "*", 0, NULL, &g)) {
		printf("0 links: no link devices (the hypervisor is not enabled, or the root cell "
		       "is a peer of no link)\n");
		return 0;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct dev d = { .fd = -1 };

		link_arg = g.gl_pathv[i];
		if (dev_open(g.gl_pathv[i], &d, NO_MAP)) {
			st = EXIT_FAILED;
			continue;
		}
		printf("%s size=%llu address=0x%llx peers=%u self=%u\n", d.info.name,
		       (unsigned long long)d.info.size, (unsigned long long)d.info.address,
		       d.info.now.num_peers, d.info.now.self);
		close(d.fd);
	}
	printf("%zu link%s\n", g.gl_pathc, g.gl_pathc == 1 ? "" : "s");
	globfree(&g);
	return st;
}

static int cmd_wait(struct dev *d, int peer, const char *want, int ms)
{
	struct cv_link_event ev = d->info.now;
	uint64_t end = now_ns() + (uint64_t)ms * 1000000;
	bool up = !strcmp(want, "up");
	int err;

	while ((ev.peers[peer].state != CV_LINK_STATE_DOWN) != up) {
		if (!ms_left(end))
			return fail(EXIT_TIMEOUT, ETIME, "peer %d ('%s') is not %s after %d ms",
				    peer, ev.peers[peer].cell, want, ms);
		err = wait_event(d, &ev, ms_left(end));
		if (err == ETIME && ioctl(d->fd, CV_LINK_IOCTL_GET_INFO, &d->info) == 0)
			ev = d->info.now;
		else if (err && err != ETIME)
			return fail(EXIT_FAILED, err, "reading the link's events: %s",
				    err == ENODEV ? "the hypervisor was disabled" : strerror(err));
	}
	printf("peer %d (%s, cell %d) is %s (state %u)\n", peer, ev.peers[peer].cell,
	       ev.peers[peer].cell_id, want, ev.peers[peer].state);
	return 0;
}

static int cmd_receive(struct dev *d, uint32_t seq, int ms)
{
	volatile struct cv_echo_box *out;
	int err = await(d, seq, ms);

	if (err)
		return echo_fail(err, seq);
	out = box(d, true);
	printf("echo %u: \"%.*s\" (cell: %u doorbells, %u echoes)\n", out->seq,
	       (int)(out->len < 200 ? out->len : 200),
	       (const char *)((volatile uint8_t *)out + CV_ECHO_HEADER), out->doorbells,
	       out->echoes);
	return 0;
}

static int cmd_fill_check(struct dev *d, uint8_t b)
{
	for (uint64_t i = 0; i < d->info.size; i++) {
		if (cmd[0] == 'f') {
			d->mem[i] = b;
		} else if (d->mem[i] != b) {
			printf("byte %llu is 0x%02x, not 0x%02x\n", (unsigned long long)i,
			       d->mem[i], b);
			return EXIT_FAILED;
		}
	}
	printf("%s: all %llu bytes 0x%02x\n", cmd, (unsigned long long)d->info.size, b);
	return 0;
}

/* The optional time limit in argv[i], in ms (1 .. 1 hour). */
static bool ms_arg(int argc, char **argv, int i, int *ms)
{
	uint64_t v;

	*ms = DEFAULT_MS;
	if (i >= argc)
		return true;
	if (!parse_u64(argv[i], 3600000, &v) || !v)
		return false;
	*ms = (int)v;
	return true;
}

int main(int argc, char **argv)
{
	struct dev d = { .fd = -1 };
	uint64_t v, v2;
	int st, ms, peer, ring_err;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc < 2)
		return usage_error("no command");
	cmd = argv[1];
	if (!strcmp(cmd, "list"))
		return argc == 2 ? cmd_list() : usage_error("too many arguments");
	if (argc < 3)
		return usage_error("no link");
	link_arg = argv[2];
#define ARGS(min, max) \
	if (argc < (min) + 3 || argc > (max) + 3) \
		return usage_error("wrong number of arguments")
	if (!strcmp(cmd, "info")) {
		ARGS(0, 0);
		if ((st = dev_open(argv[2], &d, NO_MAP)))
			return st;
		print_info(&d);
		return 0;
	}
	if (!strcmp(cmd, "state")) {
		struct cv_link_set_state s = { 0 };

		ARGS(1, 1);
		if (!strcmp(argv[3], "up"))
			s.state = CV_LINK_STATE_UP;
		else if (strcmp(argv[3], "down") && !parse_u64(argv[3], UINT32_MAX, &v))
			return usage_error("the state is up, down or a number up to 2^32 - 1");
		else if (strcmp(argv[3], "down"))
			s.state = (uint32_t)v;
		if ((st = dev_open(argv[2], &d, NO_MAP)))
			return st;
		if (ioctl(d.fd, CV_LINK_IOCTL_SET_STATE, &s))
			return fail(EXIT_FAILED, errno, "CV_LINK_IOCTL_SET_STATE: %m");
		printf("state %u\n", s.state);
		return 0;
	}
	if (!strcmp(cmd, "ring") || !strcmp(cmd, "wait")) {
		bool w = cmd[0] == 'w';

		if (w) {
			ARGS(2, 3);
			if (strcmp(argv[4], "up") && strcmp(argv[4], "down"))
				return usage_error("wait for up or down");
			if (!ms_arg(argc, argv, 5, &ms))
				return usage_error("the time limit is 1 to 3600000 ms");
		} else {
			ARGS(1, 1);
		}
		if ((st = dev_open(argv[2], &d, NO_MAP)))
			return st;
		if ((peer = peer_arg(&d, argv[3])) < 0)
			return EXIT_USAGE;
		if (w)
			return cmd_wait(&d, peer, argv[4], ms);
		if ((ring_err = ring(&d, (unsigned int)peer)))
			return fail(EXIT_FAILED, ring_err, "ringing peer %d ('%s'): %s", peer,
				    d.info.now.peers[peer].cell,
				    ring_err == EINVAL ? "that is the root itself" :
				    ring_hint(ring_err));
		printf("rang peer %d (%s)\n", peer, d.info.now.peers[peer].cell);
		return 0;
	}
	if (!strcmp(cmd, "send")) {
		size_t len;
		uint32_t seq;

		ARGS(1, 1);
		len = strlen(argv[3]);
		if ((st = dev_open(argv[2], &d, MAP_WRITE)))
			return st;
		if (len > CV_ECHO_MAX_LEN(d.info.size))
			return fail(EXIT_USAGE, EINVAL, "%zu bytes do not fit in a box of this link: "
				    "at most %llu", len,
				    (unsigned long long)CV_ECHO_MAX_LEN(d.info.size));
		memcpy((void *)((volatile uint8_t *)box(&d, false) + CV_ECHO_HEADER), argv[3], len);
		seq = post(&d, (uint32_t)len, &ring_err);
		if (ring_err && ring_err != ENOTCONN)
			return fail(EXIT_FAILED, ring_err, "ringing the cell: %s",
				    ring_hint(ring_err));
		printf("message %u sent, %s\n", seq, ring_err ? "not rung (the cell does not run)" :
		       "cell rung");
		return 0;
	}
	if (!strcmp(cmd, "receive")) {
		ARGS(0, 2);
		if (argc > 3 && !parse_u64(argv[3], UINT32_MAX, &v))
			return usage_error("SEQ is a message number");
		if (!ms_arg(argc, argv, 4, &ms))
			return usage_error("the time limit is 1 to 3600000 ms");
		if ((st = dev_open(argv[2], &d, MAP_READ)))
			return st;
		return cmd_receive(&d, argc > 3 ? (uint32_t)v : box(&d, false)->seq, ms);
	}
	if (!strcmp(cmd, "echo")) {
		ARGS(2, 3);
		if (!parse_u64(argv[3], UINT32_MAX, &v) || !parse_u64(argv[4], UINT32_MAX, &v2))
			return usage_error("COUNT and SIZE are numbers");
		if (!ms_arg(argc, argv, 5, &ms))
			return usage_error("the time limit is 1 to 3600000 ms");
		if ((st = dev_open(argv[2], &d, MAP_WRITE)))
			return st;
		return echo(&d, (uint32_t)v, (uint32_t)v2, ms);
	}
	if (!strcmp(cmd, "fill") || !strcmp(cmd, "check")) {
		ARGS(1, 1);
		if (!parse_u64(argv[3], 255, &v))
			return usage_error("BYTE is 0 to 255 (0xff)");
		if ((st = dev_open(argv[2], &d, cmd[0] == 'f' ? MAP_WRITE : MAP_READ)))
			return st;
		return cmd_fill_check(&d, (uint8_t)v);
	}
	return usage_error("unknown command");
}
