// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvtool: drives /dev/cellvisor directly, for the guest-tier tests of the module (the
 * managed path is cellmgrd and cellctl).  Each command prints one result line; on failure
 * "cvtool: CMD: ENAME (message)" on stderr and the exit status is the errno; 64 for a
 * usage error.
 *
 *   cvtool version
 *   cvtool enable FILE [--flags N] [--reserved] [--size N]
 *   cvtool disable [--flags N] [--reserved]
 *   cvtool create FILE                 prints the new cell's id
 *   cvtool load ID FILE@ADDR...        ADDR: guest physical, 0x... allowed
 *   cvtool start|shutdown|destroy ID
 *   cvtool destroy --force ID          do not ask a running cell, stop it
 *   cvtool info ID                     name=.. state=.. cpus=0x.. failed=0x..
 *   cvtool ioctl-raw NR                an ioctl number the module does not know
 *   cvtool mutate IN OUT KIND          write a broken copy of system blob IN; KIND is one
 *                                      of magic, revision, size, reserved, flags, cpus,
 *                                      ram, small, rootcell
 *   cvtool mutate-cell IN OUT KIND     the same for a cell blob; KIND: magic, revision,
 *                                      name, allcpus, cpu63
 *   cvtool fake-image OUT [--abi N] [--magic N]
 *                                      an image header that fails the module's checks
 *                                      (bss of 1 GiB: too big for any hypervisor memory)
 *   cvtool console [--cell ID] [--tail] [--nonblock] [--timeout MS] [--expect TEXT]
 *                                      read the console; with --expect, until TEXT was
 *                                      seen (status 0) or the timeout (status 62 ETIME)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cellvisor/config.h>
#include <cellvisor/header.h>
#include <cellvisor/ioctl.h>

#define USAGE (-1)

static const char *cmd;

static int fail(int err, const char *what)
{
	fprintf(stderr, "cvtool: %s: %s (%s)\n", what ? what : cmd,
		strerrorname_np(err) ? strerrorname_np(err) : "?", strerror(err));
	return err;
}

static int open_dev(int flags)
{
	int fd = open("/dev/cellvisor", flags);

	if (fd < 0) {
		fail(errno, "open /dev/cellvisor");
		exit(errno);
	}
	return fd;
}

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fail(errno, path);
		exit(errno);
	}
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) {
		fail(EIO, path);
		exit(EIO);
	}
	fclose(f);
	*size = n;
	return buf;
}

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (!*s || *end) {
		fprintf(stderr, "cvtool: '%s' is not a number\n", s);
		exit(64);
	}
	return v;
}

static int do_ioctl(int fd, unsigned long req, void *arg)
{
	if (ioctl(fd, req, arg) < 0)
		return fail(errno, NULL);
	return 0;
}

/*
 * A management ioctl: on failure, also print its refusal as
 *	cvtool: CMD: refusal: reason=N object=0xX holder=N
 * so that scenarios can check the reason value (include/cellvisor/reason.h).
 */
static int mgmt_ioctl(int fd, unsigned long req, void *arg, const struct cv_ioctl_refusal *r)
{
	int err = do_ioctl(fd, req, arg);

	if (err)
		fprintf(stderr, "cvtool: %s: refusal: reason=%u object=0x%llx holder=%llu\n", cmd,
			r->reason, (unsigned long long)r->object, (unsigned long long)r->holder);
	return err;
}

static int cmd_version(void)
{
	struct cv_ioctl_version v;
	int fd = open_dev(O_RDONLY), ret;

	memset(&v, 0xff, sizeof(v));
	ret = do_ioctl(fd, CV_IOCTL_GET_VERSION, &v);
	if (!ret)
		printf("api=%u abi=%u hv_abi=%u enabled=%u reserved=%llu,%llu\n",
		       v.api_version, v.abi_revision, v.hv_abi_revision,
		       !!(v.flags & CV_VERSION_ENABLED),
		       (unsigned long long)v.reserved[0], (unsigned long long)v.reserved[1]);
	return ret;
}

static int cmd_enable(int argc, char **argv)
{
	struct cv_ioctl_enable a = { 0 };
	size_t size;
	void *blob;
	int i, fd;

	if (argc < 1)
		return USAGE;
	blob = read_file(argv[0], &size);
	a.config = (uintptr_t)blob;
	a.config_size = size;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--flags") && i + 1 < argc)
			a.flags = num(argv[++i]);
		else if (!strcmp(argv[i], "--size") && i + 1 < argc)
			a.config_size = num(argv[++i]);
		else if (!strcmp(argv[i], "--reserved"))
			a.reserved[1] = 1;
		else
			return USAGE;
	}
	fd = open_dev(O_RDWR);
	if (mgmt_ioctl(fd, CV_IOCTL_ENABLE, &a, &a.refusal))
		return errno;
	printf("enabled\n");
	return 0;
}

static int cmd_disable(int argc, char **argv)
{
	struct cv_ioctl_disable a = { 0 };
	int i, fd;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--flags") && i + 1 < argc)
			a.flags = num(argv[++i]);
		else if (!strcmp(argv[i], "--reserved"))
			a.reserved[1] = 1;
		else
			return USAGE;
	}
	fd = open_dev(O_RDWR);
	if (mgmt_ioctl(fd, CV_IOCTL_DISABLE, &a, &a.refusal))
		return errno;
	printf("disabled\n");
	return 0;
}

static int cmd_create(int argc, char **argv)
{
	struct cv_ioctl_cell_create a = { 0 };
	size_t size;
	int fd;

	if (argc != 1)
		return USAGE;
	a.config = (uintptr_t)read_file(argv[0], &size);
	a.config_size = size;
	fd = open_dev(O_RDWR);
	if (mgmt_ioctl(fd, CV_IOCTL_CELL_CREATE, &a, &a.refusal))
		return errno;
	printf("%u\n", a.id);
	return 0;
}

static int cmd_load(int argc, char **argv)
{
	struct cv_ioctl_image img[CV_LOAD_MAX_IMAGES + 1];
	struct cv_ioctl_cell_load a = { 0 };
	int i, fd;

	if (argc < 1 || argc - 1 > CV_LOAD_MAX_IMAGES + 1)
		return USAGE;
	a.id = num(argv[0]);
	for (i = 1; i < argc; i++) {
		char *at = strrchr(argv[i], '@');
		size_t size;

		if (!at)
			return USAGE;
		*at = 0;
		memset(&img[i - 1], 0, sizeof(img[i - 1]));
		img[i - 1].source = (uintptr_t)read_file(argv[i], &size);
		img[i - 1].size = size;
		img[i - 1].target = num(at + 1);
	}
	a.num_images = argc - 1;
	a.images = (uintptr_t)img;
	fd = open_dev(O_RDWR);
	if (mgmt_ioctl(fd, CV_IOCTL_CELL_LOAD, &a, &a.refusal))
		return errno;
	printf("loaded\n");
	return 0;
}

static int cmd_cell(unsigned long req, int argc, char **argv)
{
	struct cv_ioctl_cell_id a = { 0 };
	int fd;

	if (argc == 2 && req == CV_IOCTL_CELL_DESTROY && !strcmp(argv[0], "--force")) {
		a.flags = CV_CELL_DESTROY_FORCE;
		argc--;
		argv++;
	}
	if (argc != 1)
		return USAGE;
	a.id = num(argv[0]);
	fd = open_dev(O_RDWR);
	if (mgmt_ioctl(fd, req, &a, &a.refusal))
		return errno;
	printf("%s\n", cmd);
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	struct cv_ioctl_cell_info a = { 0 };
	int fd;

	if (argc != 1)
		return USAGE;
	a.id = num(argv[0]);
	fd = open_dev(O_RDONLY);
	if (do_ioctl(fd, CV_IOCTL_CELL_GET_INFO, &a))
		return errno;
	printf("name=%s state=%u cpus=%#llx failed=%#llx\n", a.name, a.state,
	       (unsigned long long)a.cpus_assigned, (unsigned long long)a.cpus_failed);
	return 0;
}

static int cmd_mutate(int argc, char **argv)
{
	struct cv_system_config *sys;
	struct cv_cell_config *root;
	size_t size, out_size;
	FILE *f;

	if (argc != 3)
		return USAGE;
	sys = read_file(argv[0], &size);
	if (size < sizeof(*sys) || sys->root_cell.offset + sizeof(*root) > size) {
		fprintf(stderr, "cvtool: %s is not a system blob\n", argv[0]);
		return EINVAL;
	}
	root = (void *)((char *)sys + sys->root_cell.offset);
	out_size = size;
	if (!strcmp(argv[2], "magic"))
		sys->hdr.magic ^= 0x01000000;
	else if (!strcmp(argv[2], "revision"))
		sys->hdr.revision = CV_CONFIG_REVISION + 1;
	else if (!strcmp(argv[2], "size"))
		sys->hdr.total_size += 8;
	else if (!strcmp(argv[2], "reserved"))
		sys->hdr.reserved1 = 1;
	else if (!strcmp(argv[2], "flags"))
		sys->flags |= 1ULL << 63;
	else if (!strcmp(argv[2], "cpus"))
		root->cpu_set &= ~(1ULL << (63 - __builtin_clzll(root->cpu_set)));
	else if (!strcmp(argv[2], "ram"))
		sys->hv_mem_phys = 0x40000000;	/* where Linux's RAM starts on QEMU virt */
	else if (!strcmp(argv[2], "small"))
		sys->hv_mem_size = 64 * 1024;
	else if (!strcmp(argv[2], "rootcell"))
		sys->root_cell.offset = size;
	else
		return USAGE;
	f = fopen(argv[1], "wb");
	if (!f || fwrite(sys, 1, out_size, f) != out_size || fclose(f))
		return fail(errno ? errno : EIO, argv[1]);
	free(sys);
	return 0;
}

/* Write a broken copy of cell blob IN; KIND: magic, revision, name, allcpus, cpu63. */
static int cmd_mutate_cell(int argc, char **argv)
{
	struct cv_cell_config *c;
	size_t size;
	FILE *f;

	if (argc != 3)
		return USAGE;
	c = read_file(argv[0], &size);
	if (size < sizeof(*c)) {
		fprintf(stderr, "cvtool: %s is not a cell blob\n", argv[0]);
		return EINVAL;
	}
	if (!strcmp(argv[2], "magic"))
		c->hdr.magic ^= 0x01000000;
	else if (!strcmp(argv[2], "revision"))
		c->hdr.revision = CV_CONFIG_REVISION + 1;
	else if (!strcmp(argv[2], "name"))
		memset(c->name, 'x', sizeof(c->name));
	else if (!strcmp(argv[2], "allcpus"))
		c->cpu_set = 0xf;
	else if (!strcmp(argv[2], "cpu63"))
		c->cpu_set = 1ULL << 63;
	else
		return USAGE;
	f = fopen(argv[1], "wb");
	if (!f || fwrite(c, 1, size, f) != size || fclose(f))
		return fail(errno ? errno : EIO, argv[1]);
	free(c);
	return 0;
}

/*
 * A file with a Cellvisor image header and nothing to run, for the module's checks of
 * the image: --abi and --core make it fail one check or another before anything runs.
 */
static int cmd_fake_image(int argc, char **argv)
{
	struct cv_image_header h = {
		.magic = CV_IMAGE_MAGIC,
		.abi_revision = CV_ABI_REVISION,
		.header_size = sizeof(h),
		.image_size = 4096,
		.core_size = 1ULL << 30,	/* more than any hypervisor memory */
		.entry_offset = sizeof(h),
		.max_cpus = 64,
	};
	static char page[4096];
	FILE *f;
	int i;

	if (argc < 1)
		return USAGE;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--abi") && i + 1 < argc)
			h.abi_revision = num(argv[++i]);
		else if (!strcmp(argv[i], "--magic") && i + 1 < argc)
			h.magic = num(argv[++i]);
		else
			return USAGE;
	}
	memcpy(page, &h, sizeof(h));
	f = fopen(argv[0], "wb");
	if (!f || fwrite(page, 1, sizeof(page), f) != sizeof(page) || fclose(f))
		return fail(errno ? errno : EIO, argv[0]);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int cmd_console(int argc, char **argv)
{
	struct cv_ioctl_console a = { 0 };
	const char *expect = NULL;
	long long deadline, timeout = -1;
	int i, fd, nonblock = 0, attach = 0;
	char *seen = NULL;
	size_t seen_len = 0;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--cell") && i + 1 < argc) {
			a.id = num(argv[++i]);
			attach = 1;
		} else if (!strcmp(argv[i], "--tail")) {
			a.flags |= CV_CONSOLE_TAIL;
			attach = 1;
		} else if (!strcmp(argv[i], "--nonblock")) {
			nonblock = 1;
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			timeout = num(argv[++i]);
		} else if (!strcmp(argv[i], "--expect") && i + 1 < argc) {
			expect = argv[++i];
		} else {
			return USAGE;
		}
	}
	fd = open_dev(O_RDONLY | (nonblock ? O_NONBLOCK : 0));
	if (attach) {
		if (!a.id)
			a.flags |= CV_CONSOLE_HYPERVISOR;
		if (do_ioctl(fd, CV_IOCTL_CONSOLE_ATTACH, &a))
			return errno;
	}
	deadline = timeout < 0 ? -1 : now_ms() + timeout;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char buf[4096];
		long long left = deadline < 0 ? -1 : deadline - now_ms();
		ssize_t n;
		int r;

		if (!nonblock) {
			if (deadline >= 0 && left <= 0)
				break;
			r = poll(&p, 1, left < 0 ? -1 : (int)left);
			if (r < 0)
				return fail(errno, "poll");
			if (r == 0)
				break;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN && nonblock)
			break;
		if (n < 0)
			return fail(errno, "read");
		if (n == 0) {
			printf("\ncvtool: end of file\n");
			break;
		}
		fwrite(buf, 1, n, stdout);
		fflush(stdout);
		if (expect) {
			seen = realloc(seen, seen_len + n + 1);
			memcpy(seen + seen_len, buf, n);
			seen_len += n;
			seen[seen_len] = 0;
			if (memmem(seen, seen_len, expect, strlen(expect)))
				return 0;
		}
	}
	return expect ? ETIME : 0;
}

int main(int argc, char **argv)
{
	int ret = USAGE;

	if (argc < 2)
		goto usage;
	cmd = argv[1];
	argc -= 2;
	argv += 2;
	if (!strcmp(cmd, "version"))
		ret = cmd_version();
	else if (!strcmp(cmd, "enable"))
		ret = cmd_enable(argc, argv);
	else if (!strcmp(cmd, "disable"))
		ret = cmd_disable(argc, argv);
	else if (!strcmp(cmd, "create"))
		ret = cmd_create(argc, argv);
	else if (!strcmp(cmd, "load"))
		ret = cmd_load(argc, argv);
	else if (!strcmp(cmd, "start"))
		ret = cmd_cell(CV_IOCTL_CELL_START, argc, argv);
	else if (!strcmp(cmd, "shutdown"))
		ret = cmd_cell(CV_IOCTL_CELL_SHUTDOWN, argc, argv);
	else if (!strcmp(cmd, "destroy"))
		ret = cmd_cell(CV_IOCTL_CELL_DESTROY, argc, argv);
	else if (!strcmp(cmd, "info"))
		ret = cmd_info(argc, argv);
	else if (!strcmp(cmd, "ioctl-raw") && argc == 1)
		ret = do_ioctl(open_dev(O_RDWR), _IO(CV_IOCTL_MAGIC, num(argv[0])), NULL);
	else if (!strcmp(cmd, "mutate"))
		ret = cmd_mutate(argc, argv);
	else if (!strcmp(cmd, "mutate-cell"))
		ret = cmd_mutate_cell(argc, argv);
	else if (!strcmp(cmd, "fake-image"))
		ret = cmd_fake_image(argc, argv);
	else if (!strcmp(cmd, "console"))
		ret = cmd_console(argc, argv);
	if (ret != USAGE)
		return ret;
usage:
	fprintf(stderr, "usage: see the comment at the top of tests/guest/helpers/cvtool.c\n");
	return 64;
}
