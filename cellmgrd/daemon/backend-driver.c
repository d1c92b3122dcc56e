// SPDX-License-Identifier: GPL-2.0-only
/*
 * The driver backend: cellvisor.ko through /dev/cellvisor (ioctls of <cellvisor/ioctl.h>,
 * read()/poll() for consoles) and /sys/devices/cellvisor.
 *
 * Notifications, so that the daemon never polls: the module announces every change with
 * sysfs_notify() on the attribute and a KOBJ_CHANGE uevent of the misc device "cellvisor".
 * We listen to the uevents (sd-device monitor, udev's copy) and, in case udev is not running,
 * also wait for POLLPRI on "enabled" and on each cell's "state".  Each non-root cell gets a
 * file descriptor of its own on /dev/cellvisor, attached to its console
 * (CV_IOCTL_CONSOLE_ATTACH); the main one follows the hypervisor console.
 *
 * Statistics (the Statistics property, read on every Get and GetAll of a cell) come from the
 * cell's statistics/ attributes, one file per exit reason.  Opening and closing a sysfs file
 * costs more than the read itself (path walk, kernfs open file, seq_file), so each followed
 * cell keeps its statistics files open from its first reading on (O_CLOEXEC, pread() at
 * offset 0, which makes kernfs call the attribute's show() again) and closes them when it
 * goes.  A descriptor outlives its sysfs file: once the module has removed the cell's
 * directory (destroyed, maybe created again under the same id), reading it fails with
 * ENODEV and never reads the new cell's file.  So ENODEV makes us reopen the files once, and
 * every listing first checks that each followed cell's "state" descriptor still reads:
 * a stale one means the cell we followed is gone, whatever has its id now.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <systemd/sd-device.h>

#include <cellvisor/ioctl.h>
#include <cellvisor/names.h>

#include "backend.h"
#include "util.h"

#define PAGE_BYTES	4096ULL

struct drv_cell {
	struct drv_cell *next;
	uint32_t id;
	int console_fd;			/* attached to the cell's console, -1 if not */
	int state_fd;			/* sysfs cells/<id>/state, for POLLPRI */
	int stat_fd[CV_NUM_STATS];	/* cells/<id>/statistics/exits_*, -1 until first read */
	sd_event_source *console_src, *state_src;
};

struct drv_backend {
	struct backend b;
	char *device;
	char *sysfs;
	int fd;				/* ioctls and the hypervisor console */
	int enabled_fd;
	sd_event_source *fd_src, *enabled_src;
	sd_device_monitor *monitor;
	struct drv_cell *cells;
};

static struct drv_backend *DB(struct backend *b)
{
	return (struct drv_backend *)b;
}

static long sysfs_read(struct drv_backend *d, const char *rel, char *buf, size_t len)
{
	char path[512];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", d->sysfs, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = 0;
	close(fd);
	return n;
}

static int sysfs_u64(struct drv_backend *d, const char *rel, uint64_t *v)
{
	char buf[64];
	long n = sysfs_read(d, rel, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	if (sscanf(buf, "%" SCNu64, v) != 1)
		return -EIO;
	return 0;
}

/* sysfs attributes signal POLLPRI after a read; re-arm by reading again. */
static void drain(int fd)
{
	char buf[64];

	if (lseek(fd, 0, SEEK_SET) == 0)
		while (read(fd, buf, sizeof(buf)) > 0)
			;
}

static int on_pri(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct drv_backend *d = userdata;

	(void)s;
	(void)revents;
	drain(fd);
	d->b.notify(d->b.userdata);
	return 0;
}

static int on_console_fd(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct drv_backend *d = userdata;

	(void)fd;
	/* End of file (cell gone) or an error: stop watching, the refresh drops it. */
	if (revents & (EPOLLHUP | EPOLLERR))
		sd_event_source_set_enabled(s, SD_EVENT_OFF);
	d->b.console_notify(d->b.userdata);
	return 0;
}

static int on_uevent(sd_device_monitor *mon, sd_device *dev, void *userdata)
{
	struct drv_backend *d = userdata;
	const char *name = NULL;

	(void)mon;
	if (sd_device_get_sysname(dev, &name) >= 0 && name && !strcmp(name, "cellvisor")) {
		d->b.notify(d->b.userdata);
		d->b.console_notify(d->b.userdata);
	}
	return 0;
}

static void drv_cell_close_stats(struct drv_cell *c)
{
	for (int i = 0; i < CV_NUM_STATS; i++) {
		if (c->stat_fd[i] >= 0)
			close(c->stat_fd[i]);
		c->stat_fd[i] = -1;
	}
}

static void drv_cell_free(struct drv_cell *c)
{
	drv_cell_close_stats(c);
	sd_event_source_disable_unref(c->console_src);
	sd_event_source_disable_unref(c->state_src);
	if (c->console_fd >= 0)
		close(c->console_fd);
	if (c->state_fd >= 0)
		close(c->state_fd);
	free(c);
}

/* Watch a cell: its console and its state attribute. */
static struct drv_cell *drv_cell_add(struct drv_backend *d, uint32_t id)
{
	struct drv_cell *c = calloc(1, sizeof(*c));
	char rel[64], path[512];

	if (!c)
		return NULL;
	c->id = id;
	c->console_fd = c->state_fd = -1;
	for (int i = 0; i < CV_NUM_STATS; i++)
		c->stat_fd[i] = -1;
	snprintf(rel, sizeof(rel), "cells/%u/state", id);
	snprintf(path, sizeof(path), "%s/%s", d->sysfs, rel);
	c->state_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->state_fd >= 0) {
		drain(c->state_fd);
		if (sd_event_add_io(d->b.event, &c->state_src, c->state_fd, EPOLLPRI, on_pri, d) < 0)
			c->state_src = NULL;
	}
	if (id) {
		struct cv_ioctl_console a = { .id = id };

		c->console_fd = open(d->device, O_RDWR | O_CLOEXEC | O_NONBLOCK);
		if (c->console_fd >= 0 && ioctl(c->console_fd, CV_IOCTL_CONSOLE_ATTACH, &a) < 0) {
			log_warning(NULL, "cannot follow the console of cell %u: %m", id);
			close(c->console_fd);
			c->console_fd = -1;
		}
		if (c->console_fd >= 0 &&
		    sd_event_add_io(d->b.event, &c->console_src, c->console_fd, EPOLLIN,
				    on_console_fd, d) < 0)
			c->console_src = NULL;
	}
	c->next = d->cells;
	d->cells = c;
	return c;
}

static struct drv_cell *drv_cell_find(struct drv_backend *d, uint32_t id)
{
	for (struct drv_cell *c = d->cells; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static int d_get_info(struct backend *b, struct hv_info *info)
{
	struct drv_backend *d = DB(b);
	struct cv_ioctl_version v = { 0 };
	uint64_t val;

	memset(info, 0, sizeof(*info));
	if (ioctl(d->fd, CV_IOCTL_GET_VERSION, &v) < 0)
		return -errno;
	info->driver_api = v.api_version;
	info->hv_abi = v.hv_abi_revision;
	info->enabled = v.flags & CV_VERSION_ENABLED;
	if (!info->enabled)
		return 0;
	if (sysfs_u64(d, "mem_pool_size", &val) == 0)
		info->mem_pool_size = val * PAGE_BYTES;
	if (sysfs_u64(d, "mem_pool_used", &val) == 0)
		info->mem_pool_used = val * PAGE_BYTES;
	if (sysfs_u64(d, "remap_pool_size", &val) == 0)
		info->remap_pool_size = val * PAGE_BYTES;
	if (sysfs_u64(d, "remap_pool_used", &val) == 0)
		info->remap_pool_used = val * PAGE_BYTES;
	{
		char path[512];
		DIR *dir;
		struct dirent *de;

		snprintf(path, sizeof(path), "%s/cells", d->sysfs);
		dir = opendir(path);
		while (dir && (de = readdir(dir)))
			if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
				info->num_cells++;
		if (dir)
			closedir(dir);
	}
	return 0;
}

static int d_list_cells(struct backend *b, struct be_cell **cells, size_t *n)
{
	struct drv_backend *d = DB(b);
	struct be_cell *out = NULL;
	size_t k = 0, cap = 0;
	char path[512];
	struct dirent *de;
	DIR *dir;

	/*
	 * A followed cell whose sysfs directory went (its state attribute reads ENODEV) is
	 * forgotten before we look, so that a new cell under the same id is followed afresh
	 * (console, state, statistics).  Before the GET_INFO calls: this read consumes a pending
	 * POLLPRI, and any change after it is reported again.
	 */
	for (struct drv_cell **pp = &d->cells; *pp;) {
		struct drv_cell *c = *pp;
		char buf[32];

		if (c->state_fd >= 0 && pread(c->state_fd, buf, sizeof(buf), 0) < 0 &&
		    errno == ENODEV) {
			*pp = c->next;
			drv_cell_free(c);
		} else {
			pp = &c->next;
		}
	}
	snprintf(path, sizeof(path), "%s/cells", d->sysfs);
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? (*cells = NULL, *n = 0, 0) : -errno;
	while ((de = readdir(dir))) {
		struct cv_ioctl_cell_info ci = { 0 };
		char *end;
		unsigned long id = strtoul(de->d_name, &end, 10);

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end || id > UINT32_MAX)
			continue;
		ci.id = id;
		if (ioctl(d->fd, CV_IOCTL_CELL_GET_INFO, &ci) < 0)
			continue;	/* gone meanwhile */
		if (k == cap) {
			struct be_cell *nc = realloc(out, (cap = cap ? 2 * cap : 8) * sizeof(*nc));

			if (!nc) {
				free(out);
				closedir(dir);
				return -ENOMEM;
			}
			out = nc;
		}
		memset(&out[k], 0, sizeof(out[k]));
		out[k].id = ci.id;
		memcpy(out[k].name, ci.name, sizeof(out[k].name));
		out[k].name[sizeof(out[k].name) - 1] = 0;
		out[k].state = ci.state < CELL_STATE_MAX ? (enum cell_state)ci.state : CELL_FAILED;
		out[k].cpus = ci.cpus_assigned;
		out[k].failed_cpus = ci.cpus_failed;
		k++;
	}
	closedir(dir);

	/* Follow the cells we list; forget the ones that went. */
	for (struct drv_cell **pp = &d->cells; *pp;) {
		bool found = false;

		for (size_t i = 0; i < k; i++)
			found |= out[i].id == (*pp)->id;
		if (!found) {
			struct drv_cell *gone = *pp;

			*pp = gone->next;
			drv_cell_free(gone);
		} else {
			pp = &(*pp)->next;
		}
	}
	for (size_t i = 0; i < k; i++)
		if (!drv_cell_find(d, out[i].id))
			drv_cell_add(d, out[i].id);
	*cells = out;
	*n = k;
	return 0;
}

static const char *const stat_files[CV_NUM_STATS] = CV_STAT_NAMES(CV_STAT_SYSFS_PREFIX);

/* Opens the statistics files of a followed cell; on failure none stays open. */
static int drv_cell_open_stats(struct drv_backend *d, struct drv_cell *c)
{
	for (int i = 0; i < CV_NUM_STATS; i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/cells/%u/statistics/%s", d->sysfs, c->id,
			 stat_files[i]);
		c->stat_fd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (c->stat_fd[i] < 0) {
			int r = -errno;

			drv_cell_close_stats(c);
			return r;
		}
	}
	return 0;
}

static int drv_cell_read_stats(struct drv_cell *c, uint64_t stats[CV_NUM_STATS])
{
	for (int i = 0; i < CV_NUM_STATS; i++) {
		char buf[32];
		ssize_t n = pread(c->stat_fd[i], buf, sizeof(buf) - 1, 0);

		if (n < 0)
			return -errno;
		buf[n] = 0;
		if (sscanf(buf, "%" SCNu64, &stats[i]) != 1)
			return -EIO;
	}
	return 0;
}

static int d_get_stats(struct backend *b, uint32_t id, uint64_t stats[CV_NUM_STATS])
{
	struct drv_backend *d = DB(b);
	struct drv_cell *c = drv_cell_find(d, id);
	int r;

	if (!c) {
		/* Not followed (yet): read the files once. */
		for (int i = 0; i < CV_NUM_STATS; i++) {
			char rel[96];

			snprintf(rel, sizeof(rel), "cells/%u/statistics/%s", id, stat_files[i]);
			r = sysfs_u64(d, rel, &stats[i]);
			if (r < 0)
				return r;
		}
		return 0;
	}
	/* Twice at most: descriptors of a directory the module removed read ENODEV. */
	for (int attempt = 0;; attempt++) {
		if (c->stat_fd[0] < 0) {
			r = drv_cell_open_stats(d, c);
			if (r < 0)
				return r;
		}
		r = drv_cell_read_stats(c, stats);
		if (r != -ENODEV || attempt)
			return r;
		drv_cell_close_stats(c);
	}
}

static int xioctl(struct drv_backend *d, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(d->fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* A management ioctl of argument 'a': when it fails, the module's 'answer' in it goes to 'why'. */
static int mgmt_ioctl(struct backend *b, unsigned long req, void *a,
		      const struct cv_ioctl_refusal *answer, struct cv_ioctl_refusal *why)
{
	int r = xioctl(DB(b), req, a);

	if (r < 0)
		*why = *answer;
	return r;
}

static int d_enable(struct backend *b, const void *blob, size_t size,
		    struct cv_ioctl_refusal *why)
{
	struct cv_ioctl_enable a = { .config = (uintptr_t)blob, .config_size = size };

	return mgmt_ioctl(b, CV_IOCTL_ENABLE, &a, &a.refusal, why);
}

static int d_disable(struct backend *b, struct cv_ioctl_refusal *why)
{
	struct cv_ioctl_disable a = { 0 };

	return mgmt_ioctl(b, CV_IOCTL_DISABLE, &a, &a.refusal, why);
}

static int d_cell_create(struct backend *b, const void *blob, size_t size, uint32_t *id,
			 struct cv_ioctl_refusal *why)
{
	struct cv_ioctl_cell_create a = { .config = (uintptr_t)blob, .config_size = size };
	int r = mgmt_ioctl(b, CV_IOCTL_CELL_CREATE, &a, &a.refusal, why);

	if (r < 0)
		return r;
	*id = a.id;
	return 0;
}

static int d_cell_load(struct backend *b, uint32_t id, const struct be_image *images, size_t n,
		       struct cv_ioctl_refusal *why)
{
	struct cv_ioctl_image *im = calloc(n ? n : 1, sizeof(*im));
	struct cv_ioctl_cell_load a = { .id = id, .num_images = n, .images = (uintptr_t)im };
	int r;

	if (!im)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		im[i].source = (uintptr_t)images[i].data;
		im[i].size = images[i].size;
		im[i].target = images[i].address;
	}
	r = mgmt_ioctl(b, CV_IOCTL_CELL_LOAD, &a, &a.refusal, why);
	free(im);
	return r;
}

static int cell_call(struct backend *b, unsigned long req, uint32_t id,
		     struct cv_ioctl_refusal *why)
{
	struct cv_ioctl_cell_id a = { .id = id };

	return mgmt_ioctl(b, req, &a, &a.refusal, why);
}

static int d_cell_start(struct backend *b, uint32_t id, struct cv_ioctl_refusal *why)
{
	return cell_call(b, CV_IOCTL_CELL_START, id, why);
}

static int d_cell_shutdown(struct backend *b, uint32_t id, struct cv_ioctl_refusal *why)
{
	return cell_call(b, CV_IOCTL_CELL_SHUTDOWN, id, why);
}

static int d_cell_destroy(struct backend *b, uint32_t id, bool force,
			  struct cv_ioctl_refusal *why)
{
	struct cv_ioctl_cell_id a = { .id = id, .flags = force ? CV_CELL_DESTROY_FORCE : 0 };

	return mgmt_ioctl(b, CV_IOCTL_CELL_DESTROY, &a, &a.refusal, why);
}

static ssize_t d_console_read(struct backend *b, uint32_t id, void *buf, size_t len,
			      uint64_t *lost)
{
	struct drv_backend *d = DB(b);
	int fd = d->fd;
	ssize_t n;

	*lost = 0;
	if (id) {
		struct drv_cell *c = drv_cell_find(d, id);

		if (!c || c->console_fd < 0)
			return 0;
		fd = c->console_fd;
	}
	n = read(fd, buf, len);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	return n;
}

static void d_free(struct backend *b)
{
	struct drv_backend *d = DB(b);

	while (d->cells) {
		struct drv_cell *c = d->cells;

		d->cells = c->next;
		drv_cell_free(c);
	}
	sd_device_monitor_unref(d->monitor);
	sd_event_source_disable_unref(d->fd_src);
	sd_event_source_disable_unref(d->enabled_src);
	if (d->enabled_fd >= 0)
		close(d->enabled_fd);
	if (d->fd >= 0)
		close(d->fd);
	free(d->device);
	free(d->sysfs);
	free(d);
}

/*
 * One link device of the module: misc/cellvisor-link-NAME/ under the sysfs root, its
 * attributes as cellvisor-link(4) documents them ("peers": one line per peer).
 */
static int d_read_link(struct drv_backend *d, const char *dev, struct be_link *l)
{
	char rel[320], buf[1024], cell[64], id[16], *line, *save = NULL;
	uint64_t v;
	long n;

	memset(l, 0, sizeof(*l));
	snprintf(rel, sizeof(rel), "misc/%s/name", dev);
	n = sysfs_read(d, rel, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? (int)n : -ENOENT;
	buf[strcspn(buf, "\n")] = 0;
	snprintf(l->name, sizeof(l->name), "%.31s", buf);
#define LINK_U64(attr, field) do {						\
		snprintf(rel, sizeof(rel), "misc/%s/" attr, dev);		\
		if (sysfs_u64(d, rel, &v) == 0)					\
			field = v;						\
	} while (0)
	LINK_U64("size", l->size);
	LINK_U64("doorbell_irq", l->doorbell_irq);
	LINK_U64("writable", l->writable);
	LINK_U64("events", l->events);
#undef LINK_U64
	snprintf(rel, sizeof(rel), "misc/%s/address", dev);	/* hex, "0x7ff00000" */
	n = sysfs_read(d, rel, buf, sizeof(buf));
	if (n > 0)
		l->address = strtoull(buf, NULL, 0);
	snprintf(rel, sizeof(rel), "misc/%s/peers", dev);
	n = sysfs_read(d, rel, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	for (line = strtok_r(buf, "\n", &save); line && l->num_peers < 4;
	     line = strtok_r(NULL, "\n", &save)) {
		struct be_link_peer *p = &l->peers[l->num_peers];
		unsigned int idx;

		p->coalesced = 0;
		if (sscanf(line, "%u %63s %15s %" SCNu32 " %" SCNu32 " %" SCNu32 " %" SCNu32, &idx,
			   cell, id, &p->state, &p->received, &p->sent, &p->coalesced) < 6)
			continue;
		snprintf(p->cell, sizeof(p->cell), "%.31s", cell);
		p->cell_id = strcmp(id, "-") ? (int32_t)strtol(id, NULL, 10) : -1;
		l->num_peers++;
	}
	return 0;
}

static int d_list_links(struct backend *b, struct be_link **links, size_t *n)
{
	static const char prefix[] = "cellvisor-link-";
	struct drv_backend *d = DB(b);
	struct be_link *out = NULL, *nl;
	size_t k = 0;
	char path[512];
	struct dirent *de;
	DIR *dir;

	*links = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "%s/misc", d->sysfs);
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, prefix, sizeof(prefix) - 1))
			continue;
		nl = realloc(out, (k + 1) * sizeof(*out));
		if (!nl) {
			free(out);
			closedir(dir);
			return -ENOMEM;
		}
		out = nl;
		if (d_read_link(d, de->d_name, &out[k]) == 0)
			k++;	/* else gone meanwhile */
	}
	closedir(dir);
	*links = out;
	*n = k;
	return 0;
}

static const struct backend_ops driver_ops = {
	.name = "driver",
	.get_info = d_get_info,
	.list_cells = d_list_cells,
	.list_links = d_list_links,
	.get_stats = d_get_stats,
	.enable = d_enable,
	.disable = d_disable,
	.cell_create = d_cell_create,
	.cell_load = d_cell_load,
	.cell_start = d_cell_start,
	.cell_shutdown = d_cell_shutdown,
	.cell_destroy = d_cell_destroy,
	.console_read = d_console_read,
	.free = d_free,
};

static int d_new(sd_event *event, const char *arg, struct backend **ret, char **errmsg)
{
	struct drv_backend *d = calloc(1, sizeof(*d));
	struct cv_ioctl_version v = { 0 };
	const char *sysfs = getenv("CELLMGRD_SYSFS");
	char path[512];
	int r;

	if (!d)
		return -ENOMEM;
	d->b.ops = &driver_ops;
	d->b.event = event;
	d->fd = d->enabled_fd = -1;
	d->device = strdup(arg && *arg ? arg : "/dev/cellvisor");
	d->sysfs = strdup(sysfs && *sysfs ? sysfs : "/sys/devices/cellvisor");
	if (!d->device || !d->sysfs) {
		r = -ENOMEM;
		goto fail;
	}
	d->fd = open(d->device, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (d->fd < 0) {
		r = -errno;
		xasprintf(errmsg, "cannot open %s: %s%s", d->device, strerror(-r),
			  r == -ENOENT ? " (is cellvisor.ko loaded? modprobe cellvisor)" :
			  r == -EPERM ? " (the device cgroup refused it: was the device created "
					"after the service started? restart cellmgrd.service)" : "");
		goto fail;
	}
	if (ioctl(d->fd, CV_IOCTL_GET_VERSION, &v) < 0) {
		r = -errno;
		xasprintf(errmsg, "%s does not answer CV_IOCTL_GET_VERSION: %s (not cellvisor.ko?)",
			  d->device, strerror(-r));
		goto fail;
	}
	if (v.api_version < CV_API_VERSION) {
		r = -EPROTO;
		xasprintf(errmsg, "cellvisor.ko speaks API version %u, cellmgrd needs %u or later; "
			  "install a matching module", v.api_version, CV_API_VERSION);
		goto fail;
	}
	r = sd_event_add_io(event, &d->fd_src, d->fd, EPOLLIN, on_console_fd, d);
	if (r < 0)
		goto fail;
	snprintf(path, sizeof(path), "%s/enabled", d->sysfs);
	d->enabled_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->enabled_fd >= 0) {
		drain(d->enabled_fd);
		r = sd_event_add_io(event, &d->enabled_src, d->enabled_fd, EPOLLPRI, on_pri, d);
		if (r < 0)
			goto fail;
	}
	/* uevents: udev's copy; without udev, the POLLPRI sources still tell us. */
	r = sd_device_monitor_new(&d->monitor);
	if (r >= 0)
		r = sd_device_monitor_filter_add_match_subsystem_devtype(d->monitor, "misc", NULL);
	if (r >= 0)
		r = sd_device_monitor_attach_event(d->monitor, event);
	if (r >= 0)
		r = sd_device_monitor_start(d->monitor, on_uevent, d);
	if (r < 0) {
		log_warning(NULL, "cannot listen to uevents (%s); following sysfs only",
			    strerror(-r));
		d->monitor = sd_device_monitor_unref(d->monitor);
	}
	log_info(NULL, "cellvisor.ko API version %u, hypervisor ABI revision %u, %s", v.api_version,
		 v.abi_revision, v.flags & CV_VERSION_ENABLED ? "enabled" : "not enabled");
	*ret = &d->b;
	return 0;
fail:
	d_free(&d->b);
	return r;
}

const struct backend_type backend_driver = {
	.name = "driver",
	.syntax = "driver[:DEVICE]",
	.help = "use cellvisor.ko (DEVICE: /dev/cellvisor)",
	.new = d_new,
};
