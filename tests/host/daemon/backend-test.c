// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test backend: an in-process model of cellvisor.ko and the hypervisor, for the host
 * tests of cellmgrd.  Linked only into the test build of the daemon (cellmgrd-test, see
 * tests/host/daemon/build.mk), never into /usr/sbin/cellmgrd: this file provides that build's
 * backend_types[] (the driver and "test") and publishes org.cellvisor.test1.Control through
 * the backend's publish() op.
 *
 * The model lives in a state file (the backend argument) that is rewritten after every
 * change, the way the kernel keeps its cells when the daemon restarts.  Tests steer it with
 * org.cellvisor.test1.Control(cell, action, argument) on /org/cellvisor/test1: make a cell
 * print, lock the hypervisor, fault, or answer (or not) a shutdown request after a delay; and
 * set how many interrupts the modelled GIC implements.
 *
 * It refuses as the module and the hypervisor do, with their errno and reason value
 * (include/cellvisor/reason.h); the blob checks are the hypervisor's own
 * (config_check_system/cell, hypervisor/core/config.c, in the configuration library), and
 * only the rules between cells (CPUs, memory, the lock, the states) are modelled here.
 */
#include <cv/config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include <cellvisor/header.h>

#include "backend.h"
#include "util.h"

#define TEST_PATH		"/org/cellvisor/test1"
#define TEST_IFACE		"org.cellvisor.test1.Control"
#define MODEL_MAX_CELLS		16
#define MODEL_CONSOLE_SIZE	4096
#define MODEL_PAGE		4096ULL

enum answer { ANSWER_APPROVE, ANSWER_DENY, ANSWER_SILENT };

struct model_cell {
	bool used;
	uint32_t id;
	char name[CV_CELL_NAME_LEN];
	enum cell_state state;
	uint64_t cpus, failed_cpus;
	uint64_t flags;
	uint32_t shutdown_timeout_ms;
	void *blob;
	size_t blob_size;
	/* behaviour of the modelled cell */
	enum answer answer;
	unsigned answer_delay_ms;
	uint64_t stats[CV_NUM_STATS];
	/* console ring: bytes [written - MODEL_CONSOLE_SIZE, written) are kept */
	char console[MODEL_CONSOLE_SIZE];
	uint64_t written;
	uint64_t read_pos;		/* the daemon's cursor (not persisted) */
};

struct test_backend {
	struct backend b;
	pthread_mutex_t lock;
	char *state_file;
	int efd;
	sd_event_source *efd_source;
	bool enabled;
	uint64_t hv_mem_size;
	uint32_t num_cpus;
	uint32_t next_id;
	uint32_t gic_lines;		/* interrupts the modelled GIC implements; 0: any number */
	void *sys;			/* the system configuration it was enabled with */
	size_t sys_size;
	struct model_cell cells[MODEL_MAX_CELLS];	/* [0] is the root cell when enabled */
	struct model_cell hv;				/* the hypervisor console only */
	bool pending_state, pending_console;
};

static struct test_backend *TB(struct backend *b)
{
	return (struct test_backend *)b;
}

/* Wake the main loop: 1 = state changed, 2 = console output. */
static void kick(struct test_backend *t, bool state, bool console)
{
	uint64_t one = 1;

	if (state)
		t->pending_state = true;
	if (console)
		t->pending_console = true;
	if (write(t->efd, &one, sizeof(one)) < 0) {
		/* the counter cannot overflow in practice; nothing else to do */
	}
}

static void console_put(struct model_cell *c, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		c->console[c->written++ % MODEL_CONSOLE_SIZE] = s[i];
}

/* A line of the hypervisor on its console, "Cellvisor: " first as it prints them (lock held). */
static void hv_say(struct test_backend *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void hv_say(struct test_backend *t, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	console_put(&t->hv, "Cellvisor: ", strlen("Cellvisor: "));
	console_put(&t->hv, line, n);
	kick(t, false, true);
}

/* ---- persistence: the "kernel" side survives a daemon restart ---- */

static void put_hex(FILE *f, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static void *get_hex(const char *s, size_t *n)
{
	size_t len = strlen(s) / 2;
	unsigned char *p = malloc(len ? len : 1);

	if (!p)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1) {
			free(p);
			return NULL;
		}
		p[i] = v;
	}
	*n = len;
	return p;
}

/* Called with the lock held. */
static void model_save(struct test_backend *t)
{
	char *tmp;
	FILE *f;

	if (asprintf(&tmp, "%s.tmp", t->state_file) < 0)
		return;
	f = fopen(tmp, "we");
	if (!f) {
		log_error(NULL, "test backend: cannot write %s: %m", tmp);
		free(tmp);
		return;
	}
	fprintf(f, "enabled %d %" PRIu64 " %u %u\n", t->enabled, t->hv_mem_size, t->num_cpus,
		t->next_id);
	if (t->gic_lines)
		fprintf(f, "gic_lines %u\n", t->gic_lines);
	if (t->sys) {
		fputs("system ", f);
		put_hex(f, t->sys, t->sys_size);
		fputc('\n', f);
	}
	for (int i = 0; i < MODEL_MAX_CELLS; i++) {
		struct model_cell *c = &t->cells[i];

		if (!c->used)
			continue;
		fprintf(f, "cell %u %s %d %" PRIx64 " %" PRIx64 " %" PRIx64 " %u %d %u ", c->id,
			c->name, c->state, c->cpus, c->failed_cpus, c->flags,
			c->shutdown_timeout_ms, c->answer, c->answer_delay_ms);
		if (c->blob_size)
			put_hex(f, c->blob, c->blob_size);
		else
			fputs("-", f);
		fputc('\n', f);
	}
	fclose(f);
	if (rename(tmp, t->state_file) < 0)
		log_error(NULL, "test backend: cannot replace %s: %m", t->state_file);
	free(tmp);
}

static int model_load(struct test_backend *t)
{
	char *line = NULL;
	size_t cap = 0;
	int n = 0;
	FILE *f = fopen(t->state_file, "re");

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (getline(&line, &cap, f) > 0) {
		int enabled, state, answer;
		char name[CV_CELL_NAME_LEN], *hex = NULL;

		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "enabled %d %" SCNu64 " %u %u", &enabled, &t->hv_mem_size,
			   &t->num_cpus, &t->next_id) == 4) {
			t->enabled = enabled;
			continue;
		}
		if (sscanf(line, "gic_lines %u", &t->gic_lines) == 1)
			continue;
		if (!strncmp(line, "system ", 7)) {
			t->sys = get_hex(line + 7, &t->sys_size);
			continue;
		}
		if (n < MODEL_MAX_CELLS) {
			struct model_cell *c = &t->cells[n];

			if (sscanf(line, "cell %u %31s %d %" SCNx64 " %" SCNx64 " %" SCNx64
				   " %u %d %u %ms", &c->id, name, &state, &c->cpus,
				   &c->failed_cpus, &c->flags, &c->shutdown_timeout_ms, &answer,
				   &c->answer_delay_ms, &hex) == 10) {
				memcpy(c->name, name, sizeof(c->name));
				c->state = state;
				c->answer = answer;
				if (strcmp(hex, "-"))
					c->blob = get_hex(hex, &c->blob_size);
				c->used = true;
				n++;
			}
			free(hex);
		}
	}
	free(line);
	fclose(f);
	return 0;
}

/* ---- lookups (lock held) ---- */

static struct model_cell *find(struct test_backend *t, uint32_t id)
{
	for (int i = 0; i < MODEL_MAX_CELLS; i++)
		if (t->cells[i].used && t->cells[i].id == id)
			return &t->cells[i];
	return NULL;
}

static struct model_cell *find_name(struct test_backend *t, const char *name)
{
	for (int i = 0; i < MODEL_MAX_CELLS; i++)
		if (t->cells[i].used && !strcmp(t->cells[i].name, name))
			return &t->cells[i];
	return NULL;
}

/* The cell other than 'id' that holds the hypervisor locked, or NULL. */
static struct model_cell *locker(struct test_backend *t, uint32_t id)
{
	for (int i = 0; i < MODEL_MAX_CELLS; i++)
		if (t->cells[i].used && t->cells[i].id != id &&
		    t->cells[i].state == CELL_RUNNING_LOCKED)
			return &t->cells[i];
	return NULL;
}

/* Note why a call is refused, as the module's struct cv_ioctl_refusal says; returns 'err'. */
static int refuse(struct cv_ioctl_refusal *why, int err, uint32_t reason, uint64_t object,
		  uint64_t holder)
{
	why->reason = reason;
	why->object = object;
	why->holder = holder;
	return err;
}

static bool running(const struct model_cell *c)
{
	return c->state == CELL_RUNNING || c->state == CELL_RUNNING_LOCKED;
}

/*
 * What the module checks first for every operation on one cell (kmod/cell.c cv_cell_get()):
 * the hypervisor is enabled, the cell is not the root cell, and it exists.  *c is the cell
 * (NULL if there is none).
 */
static int check_cell(struct test_backend *t, uint32_t id, struct model_cell **c,
		      struct cv_ioctl_refusal *why)
{
	*c = find(t, id);
	if (!t->enabled)
		return refuse(why, -ENODEV, CV_REASON_NOT_ENABLED, 0, 0);
	if (id == 0)
		return refuse(why, -EINVAL, CV_REASON_BAD_ARGUMENT, 0, 0);
	if (!*c)
		return refuse(why, -ENOENT, CV_REASON_NO_SUCH_CELL, id, 0);
	return 0;
}

/*
 * The hypervisor's check_lock() (hypervisor/core/control.c): create, set-loadable, start and
 * destroy of a cell ('id', UINT32_MAX for one to be created) are refused with -EPERM while
 * another cell holds the hypervisor locked.  Shutdown and disable do not check it.
 */
static int check_lock(struct test_backend *t, uint32_t id, struct cv_ioctl_refusal *why)
{
	struct model_cell *l = locker(t, id);

	return l ? refuse(why, -EPERM, CV_REASON_LOCKED, 0, l->id) : 0;
}

/*
 * The configuration of a modelled cell: it passed config_check_cell() when it was created,
 * so it can be walked without further checks (as the hypervisor walks it).
 */
static const struct cv_cell_config *cell_cfg(const struct model_cell *c)
{
	return c->blob;
}

/* ---- ops ---- */

static int t_get_info(struct backend *b, struct hv_info *info)
{
	struct test_backend *t = TB(b);

	pthread_mutex_lock(&t->lock);
	memset(info, 0, sizeof(*info));
	info->enabled = t->enabled;
	info->driver_api = 1;
	if (t->enabled) {
		uint64_t used = 64 * MODEL_PAGE;

		info->hv_abi = CV_ABI_REVISION;
		info->mem_pool_size = t->hv_mem_size / 2;
		info->remap_pool_size = 1024 * MODEL_PAGE;
		info->remap_pool_used = 8 * MODEL_PAGE;
		for (int i = 0; i < MODEL_MAX_CELLS; i++)
			if (t->cells[i].used) {
				info->num_cells++;
				used += 16 * MODEL_PAGE;
			}
		info->mem_pool_used = used;
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static int t_list_cells(struct backend *b, struct be_cell **cells, size_t *n)
{
	struct test_backend *t = TB(b);
	struct be_cell *out = calloc(MODEL_MAX_CELLS, sizeof(*out));
	size_t k = 0;

	if (!out)
		return -ENOMEM;
	pthread_mutex_lock(&t->lock);
	for (int i = 0; i < MODEL_MAX_CELLS; i++) {
		struct model_cell *c = &t->cells[i];

		if (!c->used)
			continue;
		out[k].id = c->id;
		memcpy(out[k].name, c->name, sizeof(out[k].name));
		out[k].state = c->state;
		out[k].cpus = c->cpus;
		out[k].failed_cpus = c->failed_cpus;
		k++;
	}
	pthread_mutex_unlock(&t->lock);
	*cells = out;
	*n = k;
	return 0;
}

/*
 * The links of the enabled system config the root is a peer of, as the module would show
 * them: a peer's cell is the model cell of that name, up while it runs (the root: always;
 * ivshmem-demo says it is up as soon as it runs).  No doorbells are modelled.
 */
static int t_list_links(struct backend *b, struct be_link **links, size_t *n)
{
	struct test_backend *t = TB(b);
	const struct cv_system_config *s;
	const struct cv_cell_config *root;
	const struct cv_link *l;
	struct be_link *out;
	size_t k = 0;

	*links = NULL;
	*n = 0;
	pthread_mutex_lock(&t->lock);
	s = t->sys;
	if (!s || !s->links.count || s->links.offset > t->sys_size ||
	    (uint64_t)s->links.count * sizeof(*l) > t->sys_size - s->links.offset) {
		pthread_mutex_unlock(&t->lock);
		return 0;
	}
	root = (const void *)((const char *)s + s->root_cell.offset);
	l = (const void *)((const char *)s + s->links.offset);
	out = calloc(s->links.count, sizeof(*out));
	for (uint32_t i = 0; out && i < s->links.count; i++) {
		struct be_link *o = &out[k];
		bool root_peer = false;

		snprintf(o->name, sizeof(o->name), "%.*s", CV_LINK_NAME_LEN - 1, l[i].name);
		o->size = l[i].size;
		o->num_peers = l[i].num_peers < 4 ? l[i].num_peers : 4;
		for (uint32_t p = 0; p < o->num_peers; p++) {
			struct be_link_peer *e = &o->peers[p];

			snprintf(e->cell, sizeof(e->cell), "%.*s", CV_CELL_NAME_LEN - 1,
				 l[i].peers[p].cell);
			e->cell_id = -1;
			if (!strcmp(e->cell, root->name)) {
				root_peer = true;
				e->cell_id = 0;
				e->state = CV_LINK_STATE_UP;
				o->address = l[i].peers[p].virt_start;
				o->doorbell_irq = l[i].peers[p].doorbell_irq;
				o->writable = l[i].peers[p].flags & CV_LINK_PEER_WRITE;
				continue;
			}
			for (int c = 0; c < MODEL_MAX_CELLS; c++) {
				if (!t->cells[c].used || strcmp(t->cells[c].name, e->cell))
					continue;
				e->cell_id = (int32_t)t->cells[c].id;
				e->state = t->cells[c].state == CELL_RUNNING ? CV_LINK_STATE_UP :
					   CV_LINK_STATE_DOWN;
			}
		}
		k += root_peer;
	}
	pthread_mutex_unlock(&t->lock);
	if (!out)
		return -ENOMEM;
	*links = out;
	*n = k;
	return 0;
}

static int t_get_stats(struct backend *b, uint32_t id, uint64_t stats[CV_NUM_STATS])
{
	struct test_backend *t = TB(b);
	struct model_cell *c;
	int r = 0;

	pthread_mutex_lock(&t->lock);
	c = find(t, id);
	if (!c)
		r = -ENOENT;
	else
		memcpy(stats, c->stats, sizeof(c->stats));
	pthread_mutex_unlock(&t->lock);
	return r;
}

static int t_enable(struct backend *b, const void *blob, size_t size,
		    struct cv_ioctl_refusal *why)
{
	struct test_backend *t = TB(b);
	const struct cv_system_config *sc = blob;
	const struct cv_cell_config *root;
	struct model_cell *c;
	int r = 0;

	pthread_mutex_lock(&t->lock);
	if (t->enabled) {
		r = refuse(why, -EBUSY, CV_REASON_ALREADY_ENABLED, 0, 0);
		goto out;
	}
	if (config_check_system(blob, size, NULL, 0)) {
		r = refuse(why, -EINVAL, CV_REASON_CONFIG_INVALID, 0, 0);
		goto out;
	}
	root = config_root_cell(sc);
	/*
	 * The hypervisor compares the configuration with the distributor's GICD_TYPER; its
	 * console lines stay, as what people read (the daemon does not).
	 */
	if (t->gic_lines && sc->platform.num_irqs > t->gic_lines) {
		hv_say(t, "the configuration says the GIC has %u interrupts, but it implements %u "
		       "(GICD_TYPER); correct platform.gic.num_irqs", sc->platform.num_irqs,
		       t->gic_lines);
		hv_say(t, "enable failed (error %d); Linux keeps the machine", -EINVAL);
		r = refuse(why, -EINVAL, CV_REASON_GIC_TOO_SMALL, t->gic_lines, 0);
		goto out;
	}
	free(t->sys);
	t->sys = malloc(size);
	if (!t->sys) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(t->sys, blob, size);
	t->sys_size = size;
	memset(t->cells, 0, sizeof(t->cells));
	t->enabled = true;
	t->hv_mem_size = sc->hv_mem_size;
	t->num_cpus = sc->platform.num_cpus;
	t->next_id = 1;
	c = &t->cells[0];
	c->used = true;
	c->id = 0;
	memcpy(c->name, root->name, sizeof(c->name));
	c->name[sizeof(c->name) - 1] = 0;
	c->state = CELL_RUNNING;
	c->cpus = root->cpu_set;
	t->hv.written = t->hv.read_pos = 0;
	{
		static const char banner[] = "Cellvisor (test backend model) enabled\n";

		console_put(&t->hv, banner, sizeof(banner) - 1);
	}
	model_save(t);
	kick(t, true, true);
out:
	pthread_mutex_unlock(&t->lock);
	return r;
}

static int t_disable(struct backend *b, struct cv_ioctl_refusal *why)
{
	struct test_backend *t = TB(b);
	unsigned int others = 0;
	int r = 0;

	pthread_mutex_lock(&t->lock);
	if (!t->enabled) {
		r = refuse(why, -EINVAL, CV_REASON_NOT_ENABLED, 0, 0);
		goto out;
	}
	/* The module refuses while any cell but the root exists (a locked one too). */
	for (int i = 1; i < MODEL_MAX_CELLS; i++)
		others += t->cells[i].used;
	if (others) {
		r = refuse(why, -EBUSY, CV_REASON_CELLS_EXIST, others, 0);
		goto out;
	}
	free(t->sys);
	t->sys = NULL;
	t->sys_size = 0;
	memset(t->cells, 0, sizeof(t->cells));
	t->enabled = false;
	model_save(t);
	kick(t, true, false);
out:
	pthread_mutex_unlock(&t->lock);
	return r;
}

/* Does a memory region of a overlap one of b?  Its index in *idx. */
static bool overlaps(const struct cv_cell_config *a, const struct cv_cell_config *b,
		     uint32_t *idx)
{
	const struct cv_mem_region *ra = config_mem(a), *rb = config_mem(b);

	for (uint32_t i = 0; i < a->mem_regions.count; i++)
		for (uint32_t j = 0; j < b->mem_regions.count; j++) {
			if (ra[i].flags & CV_MEM_COMM_REGION || rb[j].flags & CV_MEM_COMM_REGION)
				continue;
			if (ra[i].flags & CV_MEM_ROOTSHARED || rb[j].flags & CV_MEM_ROOTSHARED)
				continue;
			if (ra[i].phys_start < rb[j].phys_start + rb[j].size &&
			    rb[j].phys_start < ra[i].phys_start + ra[i].size) {
				*idx = i;
				return true;
			}
		}
	return false;
}

static int t_cell_create(struct backend *b, const void *blob, size_t size, uint32_t *id,
			 struct cv_ioctl_refusal *why)
{
	struct test_backend *t = TB(b);
	const struct cv_cell_config *cc = blob;
	struct model_cell *c = NULL;
	char name[CV_CELL_NAME_LEN];
	int r = 0;

	pthread_mutex_lock(&t->lock);
	if (!t->enabled) {
		r = refuse(why, -ENODEV, CV_REASON_NOT_ENABLED, 0, 0);
		goto out;
	}
	if (config_check_cell(blob, size, &((const struct cv_system_config *)t->sys)->platform,
			      NULL, 0)) {
		r = refuse(why, -EINVAL, CV_REASON_CONFIG_INVALID, 0, 0);
		goto out;
	}
	r = check_lock(t, UINT32_MAX, why);
	if (r)
		goto out;
	memcpy(name, cc->name, sizeof(name));
	if (find_name(t, name)) {
		r = -EEXIST;
		goto out;
	}
	/* CPUs must belong to the root cell, which keeps at least one (the module checks). */
	if (cc->cpu_set & ~t->cells[0].cpus) {
		uint64_t cpu = __builtin_ctzll(cc->cpu_set & ~t->cells[0].cpus), holder = 0;

		for (int i = 1; i < MODEL_MAX_CELLS; i++)
			if (t->cells[i].used && (t->cells[i].cpus >> cpu & 1))
				holder = t->cells[i].id;
		r = refuse(why, -EBUSY, CV_REASON_CPU_BUSY, cpu, holder);
		goto out;
	}
	if (!(t->cells[0].cpus & ~cc->cpu_set)) {
		r = refuse(why, -EBUSY, CV_REASON_CPUS_EMPTY_OR_ALL, cc->cpu_set, 0);
		goto out;
	}
	for (int i = 1; i < MODEL_MAX_CELLS; i++) {
		uint32_t k;

		if (t->cells[i].used && overlaps(cc, cell_cfg(&t->cells[i]), &k)) {
			r = refuse(why, -EBUSY, CV_REASON_MEM_BUSY, k, t->cells[i].id);
			goto out;
		}
	}
	for (int i = 1; i < MODEL_MAX_CELLS; i++)
		if (!t->cells[i].used) {
			c = &t->cells[i];
			break;
		}
	if (!c) {
		r = refuse(why, -ENOMEM, CV_REASON_NO_CELL_SLOT, MODEL_MAX_CELLS - 1, 0);
		goto out;
	}
	memset(c, 0, sizeof(*c));
	c->blob = malloc(size);
	if (!c->blob) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(c->blob, blob, size);
	c->blob_size = size;
	c->used = true;
	c->id = t->next_id++;
	memcpy(c->name, name, sizeof(c->name));
	c->state = CELL_CREATED;
	c->cpus = cc->cpu_set;
	c->flags = cc->flags;
	c->shutdown_timeout_ms = cc->shutdown_timeout_ms;
	t->cells[0].cpus &= ~cc->cpu_set;
	*id = c->id;
	model_save(t);
	kick(t, true, false);
out:
	pthread_mutex_unlock(&t->lock);
	return r;
}

static int t_cell_load(struct backend *b, uint32_t id, const struct be_image *images, size_t n,
		       struct cv_ioctl_refusal *why)
{
	struct test_backend *t = TB(b);
	struct model_cell *c;
	int r = 0;

	/* In the module's order: the number of images, the cell, each image, then the call. */
	if (!n || n > 64)
		return refuse(why, -EINVAL, CV_REASON_BAD_ARGUMENT, n, 0);
	pthread_mutex_lock(&t->lock);
	r = check_cell(t, id, &c, why);
	if (r)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct cv_mem_region *mr = config_mem(cell_cfg(c));
		bool fits = false;

		for (uint32_t j = 0; j < cell_cfg(c)->mem_regions.count; j++)
			if (mr[j].flags & CV_MEM_LOADABLE && !(mr[j].flags & CV_MEM_IO) &&
			    range_within(images[i].address, images[i].size, mr[j].virt_start,
					 mr[j].size))
				fits = true;
		if (!images[i].size || !fits) {
			r = images[i].size ? refuse(why, -ERANGE, CV_REASON_IMAGE_OUTSIDE, i, 0) :
					     refuse(why, -EINVAL, CV_REASON_BAD_ARGUMENT, i, 0);
			goto out;
		}
	}
	/* The hypervisor's set-loadable: not while another cell holds the lock or this runs. */
	r = check_lock(t, c->id, why);
	if (r)
		goto out;
	if (running(c)) {
		r = refuse(why, -EBUSY, CV_REASON_CELL_RUNNING, 0, 0);
		goto out;
	}
	c->state = CELL_LOADABLE;
	c->stats[CV_STAT_MANAGEMENT]++;
	model_save(t);
	kick(t, true, false);
out:
	pthread_mutex_unlock(&t->lock);
	return r;
}

static int t_cell_start(struct backend *b, uint32_t id, struct cv_ioctl_refusal *why)
{
	struct test_backend *t = TB(b);
	struct model_cell *c;
	int r = 0;

	pthread_mutex_lock(&t->lock);
	r = check_cell(t, id, &c, why);
	if (!r)
		r = check_lock(t, c->id, why);
	if (!r && c->state != CELL_LOADABLE) {
		/*
		 * Only a loaded cell starts: not a created or shut down one that was not loaded
		 * again, a failed or a running one.
		 */
		r = refuse(why, -EINVAL, CV_REASON_NOT_LOADED, c->state, 0);
	}
	if (r)
		goto out;
	c->state = CELL_RUNNING;
	c->failed_cpus = 0;
	c->stats[CV_STAT_TOTAL] += 10;
	c->stats[CV_STAT_HYPERCALL] += 4;
	c->stats[CV_STAT_MMIO] += 6;
	{
		char msg[96];
		int len = snprintf(msg, sizeof(msg), "Cell \"%s\" started\n", c->name);

		console_put(&t->hv, msg, len);
	}
	model_save(t);
	kick(t, true, true);
out:
	pthread_mutex_unlock(&t->lock);
	return r;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Ask running cell *cp to shut down and wait for its answer, as the hypervisor does:
 * approve (after its delay) -> "shut down"; deny -> -EPERM; no answer within
 * shutdown_timeout_ms -> the cell is marked failed and -ETIMEDOUT.  Called with the lock held;
 * drops it while waiting, so the rest of the model stays usable (the real driver does the
 * same), and then looks the cell up again into *cp.
 */
static int ask_shutdown(struct test_backend *t, uint32_t id, struct model_cell **cp,
			struct cv_ioctl_refusal *why)
{
	struct model_cell *c = *cp;
	unsigned delay;
	enum answer answer;

	if (c->flags & CV_CELL_PASSIVE_COMMREG)
		return 0;
	answer = c->answer;
	delay = answer == ANSWER_SILENT ? c->shutdown_timeout_ms : c->answer_delay_ms;
	pthread_mutex_unlock(&t->lock);
	sleep_ms(delay);
	pthread_mutex_lock(&t->lock);
	*cp = c = find(t, id);
	if (!c)
		return refuse(why, -ENOENT, CV_REASON_NO_SUCH_CELL, id, 0);
	if (answer == ANSWER_DENY) {
		return refuse(why, -EPERM, CV_REASON_SHUTDOWN_DENIED, 0, 0);
	}
	if (answer == ANSWER_SILENT) {
		c->state = CELL_FAILED;
		c->failed_cpus = c->cpus;
		model_save(t);
		kick(t, true, false);
		return refuse(why, -ETIMEDOUT, CV_REASON_SHUTDOWN_TIMEOUT, c->shutdown_timeout_ms, 0);
	}
	return 0;
}

static int t_cell_shutdown(struct backend *b, uint32_t id, struct cv_ioctl_refusal *why)
{
	struct test_backend *t = TB(b);
	struct model_cell *c;
	int r = 0;

	/*
	 * The hypervisor does not check the lock for a shutdown, and asks only a running cell:
	 * for any other it answers 0 and the state stays (created, loadable, shut down, failed).
	 */
	pthread_mutex_lock(&t->lock);
	r = check_cell(t, id, &c, why);
	if (r || !running(c))
		goto out;
	r = ask_shutdown(t, id, &c, why);
	if (r)
		goto out;
	c->state = CELL_SHUT_DOWN;
	model_save(t);
	kick(t, true, false);
out:
	pthread_mutex_unlock(&t->lock);
	return r;
}

static int t_cell_destroy(struct backend *b, uint32_t id, struct cv_ioctl_refusal *why)
{
	struct test_backend *t = TB(b);
	struct model_cell *c;
	int r = 0;

	pthread_mutex_lock(&t->lock);
	r = check_cell(t, id, &c, why);
	if (!r)
		r = check_lock(t, c->id, why);
	if (r)
		goto out;
	/*
	 * A running cell is asked first; only its refusal stops the destroy.  One that does not
	 * answer in time is marked failed by ask_shutdown() and destroyed all the same.
	 */
	if (running(c)) {
		r = ask_shutdown(t, id, &c, why);
		if (r == -ETIMEDOUT) {
			r = 0;
			*why = (struct cv_ioctl_refusal){ 0 };
		}
		if (r)
			goto out;
	}
	t->cells[0].cpus |= c->cpus;
	free(c->blob);
	memset(c, 0, sizeof(*c));
	model_save(t);
	kick(t, true, false);
out:
	pthread_mutex_unlock(&t->lock);
	return r;
}

static ssize_t t_console_read(struct backend *b, uint32_t id, void *buf, size_t len,
			      uint64_t *lost)
{
	struct test_backend *t = TB(b);
	struct model_cell *c;
	size_t n = 0;

	*lost = 0;
	pthread_mutex_lock(&t->lock);
	c = id ? find(t, id) : &t->hv;
	if (!c) {
		pthread_mutex_unlock(&t->lock);
		return -ENOENT;
	}
	if (c->written - c->read_pos > MODEL_CONSOLE_SIZE) {
		*lost = c->written - c->read_pos - MODEL_CONSOLE_SIZE;
		c->read_pos = c->written - MODEL_CONSOLE_SIZE;
	}
	while (n < len && c->read_pos < c->written)
		((char *)buf)[n++] = c->console[c->read_pos++ % MODEL_CONSOLE_SIZE];
	pthread_mutex_unlock(&t->lock);
	return n;
}

/*
 * Steer the model.  'cell' is a cell name, or "" for the hypervisor.  Actions: "print" TEXT
 * (console output), "lock", "unlock" (running/locked), "fail" (the cell faults), "answer"
 * "approve|deny|silent [DELAY-MS]" (how it answers shutdown requests), "exits" (count some
 * exits); for the hypervisor, "gic-lines" N (the modelled GIC implements N interrupts: Enable
 * with a configuration that claims more is refused, as the hypervisor refuses it; 0, the
 * default: any number).
 */
static int control(struct test_backend *t, const char *cell, const char *action,
		   const char *arg, char **errmsg)
{
	struct model_cell *c = NULL;
	int r = 0;

	pthread_mutex_lock(&t->lock);
	if (*cell) {
		c = find_name(t, cell);
		if (!c) {
			r = -ENOENT;
			xasprintf(errmsg, "the model has no cell \"%s\"", cell);
			goto out;
		}
	} else {
		c = &t->hv;
	}
	if (!strcmp(action, "print")) {
		console_put(c, arg, strlen(arg));
		kick(t, false, true);
	} else if (c == &t->hv && !strcmp(action, "gic-lines")) {
		char *end;
		unsigned long v = strtoul(arg, &end, 0);

		if (!*arg || *end || v > 1020) {
			r = -EINVAL;
			xasprintf(errmsg, "gic-lines wants a number of interrupts up to 1020 "
				  "(0: any number)");
			goto out;
		}
		t->gic_lines = v;
	} else if (c == &t->hv) {
		r = -EINVAL;
		xasprintf(errmsg, "action \"%s\" needs a cell", action);
	} else if (!strcmp(action, "lock") || !strcmp(action, "unlock")) {
		if (!running(c)) {
			r = -EINVAL;
			xasprintf(errmsg, "cell \"%s\" is not running", cell);
			goto out;
		}
		c->state = !strcmp(action, "lock") ? CELL_RUNNING_LOCKED : CELL_RUNNING;
		kick(t, true, false);
	} else if (!strcmp(action, "fail")) {
		c->state = CELL_FAILED;
		c->failed_cpus = c->cpus;
		{
			char msg[128];
			int len = snprintf(msg, sizeof(msg),
					   "FATAL: unhandled data abort in cell \"%s\"\n", c->name);

			console_put(&t->hv, msg, len);
		}
		kick(t, true, true);
	} else if (!strcmp(action, "answer")) {
		char how[16];
		unsigned delay = 0;

		if (sscanf(arg, "%15s %u", how, &delay) < 1) {
			r = -EINVAL;
			xasprintf(errmsg, "answer wants \"approve|deny|silent [DELAY-MS]\"");
			goto out;
		}
		if (!strcmp(how, "approve"))
			c->answer = ANSWER_APPROVE;
		else if (!strcmp(how, "deny"))
			c->answer = ANSWER_DENY;
		else if (!strcmp(how, "silent"))
			c->answer = ANSWER_SILENT;
		else {
			r = -EINVAL;
			xasprintf(errmsg, "unknown answer \"%s\"", how);
			goto out;
		}
		c->answer_delay_ms = delay;
	} else if (!strcmp(action, "exits")) {
		c->stats[CV_STAT_TOTAL] += 100;
		c->stats[CV_STAT_IRQ] += 100;
	} else {
		r = -EINVAL;
		xasprintf(errmsg, "unknown action \"%s\" (print, lock, unlock, fail, answer, exits; "
			  "gic-lines for the hypervisor)", action);
	}
	if (!r)
		model_save(t);
out:
	pthread_mutex_unlock(&t->lock);
	return r;
}

static int on_efd(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct test_backend *t = userdata;
	uint64_t v;
	bool state, console;

	(void)s;
	(void)revents;
	if (read(fd, &v, sizeof(v)) < 0)
		return 0;
	pthread_mutex_lock(&t->lock);
	state = t->pending_state;
	console = t->pending_console;
	t->pending_state = t->pending_console = false;
	pthread_mutex_unlock(&t->lock);
	if (state && t->b.notify)
		t->b.notify(t->b.userdata);
	if (console && t->b.console_notify)
		t->b.console_notify(t->b.userdata);
	return 0;
}

/* org.cellvisor.test1.Control.Control(cell, action, argument) */
static int method_control(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	const char *cell, *action, *arg;
	char *errmsg = NULL;
	int r;

	r = sd_bus_message_read(msg, "sss", &cell, &action, &arg);
	if (r < 0)
		return r;
	r = control(userdata, cell, action, arg, &errmsg);
	if (r < 0) {
		r = sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "%s",
				      errmsg ? errmsg : strerror(-r));
		free(errmsg);
		return r;
	}
	return sd_bus_reply_method_return(msg, "");
}

static const sd_bus_vtable control_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_ARGS("Control", SD_BUS_ARGS("s", cell, "s", action, "s", argument),
				SD_BUS_NO_RESULT, method_control, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END
};

/* The object lives as long as the bus (a floating slot); the backend outlives the bus. */
static int t_publish(struct backend *b, sd_bus *bus)
{
	return sd_bus_add_object_vtable(bus, NULL, TEST_PATH, TEST_IFACE, control_vtable, TB(b));
}

static void t_free(struct backend *b)
{
	struct test_backend *t = TB(b);

	sd_event_source_disable_unref(t->efd_source);
	if (t->efd >= 0)
		close(t->efd);
	for (int i = 0; i < MODEL_MAX_CELLS; i++)
		free(t->cells[i].blob);
	free(t->sys);
	pthread_mutex_destroy(&t->lock);
	free(t->state_file);
	free(t);
}

static const struct backend_ops test_ops = {
	.name = "test",
	.get_info = t_get_info,
	.list_cells = t_list_cells,
	.list_links = t_list_links,
	.get_stats = t_get_stats,
	.enable = t_enable,
	.disable = t_disable,
	.cell_create = t_cell_create,
	.cell_load = t_cell_load,
	.cell_start = t_cell_start,
	.cell_shutdown = t_cell_shutdown,
	.cell_destroy = t_cell_destroy,
	.console_read = t_console_read,
	.publish = t_publish,
	.free = t_free,
};

static int t_new(sd_event *event, const char *arg, struct backend **ret, char **errmsg)
{
	struct test_backend *t;
	int r;

	if (!arg || !*arg) {
		xasprintf(errmsg, "the test backend needs a state file (--backend=test:FILE)");
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->b.ops = &test_ops;
	t->b.event = event;
	pthread_mutex_init(&t->lock, NULL);
	t->state_file = strdup(arg);
	t->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!t->state_file || t->efd < 0) {
		r = t->state_file ? -errno : -ENOMEM;
		goto fail;
	}
	r = model_load(t);
	if (r < 0) {
		xasprintf(errmsg, "cannot read the test model %s: %s", arg, strerror(-r));
		goto fail;
	}
	r = sd_event_add_io(event, &t->efd_source, t->efd, EPOLLIN, on_efd, t);
	if (r < 0)
		goto fail;
	*ret = &t->b;
	return 0;
fail:
	t_free(&t->b);
	return r;
}

static const struct backend_type backend_test = {
	.name = "test",
	.syntax = "test:STATEFILE",
	.help = "an in-process model of the driver, kept in STATEFILE (host tests)",
	.new = t_new,
};

/* The backends of the test build: the production ones and the model. */
const struct backend_type *const backend_types[] = { &backend_driver, &backend_test, NULL };
