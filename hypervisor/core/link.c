// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor: inter-cell links (include/cellvisor/link.h).
 *
 * The system configuration lists the links; a cell is a peer of a link while it exists and
 * its name is the peer's (the root cell from enable on).  This file keeps, per link and
 * peer, the cell that is the peer now, its state and its doorbell counters, all under
 * link_lock, which is taken inside the control lock and never around it.
 *
 * A doorbell is the peer's own SPI, made pending in the distributor: the interrupt is routed
 * to a CPU of the peer's cell (its interrupts are its own), so that cell alone takes it.
 *
 * Rate limit (link.h): each peer's doorbell has a token bucket, kept as the time at which it
 * would be full again ('full_at', in counter ticks; the generic cell rate algorithm): a raise
 * costs one token period and is allowed while 'full_at' is at most CV_LINK_RING_BURST - 1
 * periods ahead of now.  A ring that is not allowed marks the doorbell deferred; a deferred
 * doorbell is raised, once, by the first ring, link hypercall or interrupt exit (link_poll)
 * that finds the bucket allowing it.  A ring at a doorbell that is deferred already, while
 * its bucket is still empty, joins it without taking link_lock (ring_joins_deferred()), so a
 * peer ringing in a loop takes the lock about once a token period and cannot keep the other
 * CPUs' link calls waiting.  So it costs its target at most BURST + PER_MS interrupts a
 * millisecond on each link, costs the hypervisor a few counter reads per call on its own
 * CPU, and delays no other interrupt of the target.  The fields that path reads ('cell',
 * 'deferred', 'full_at') and the counters it adds to are accessed atomically everywhere.
 */
#include <cellvisor/link.h>
#include <cv/cell.h>
#include <cv/config.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/lib.h>
#include <cv/link.h>
#include <cv/paging.h>
#include <cv/percpu.h>
#include <cv/spinlock.h>

struct link_peer_rt {
	struct cell *cell;		/* the cell that is this peer now, or NULL */
	u32 state;			/* CV_LINK_STATE_DOWN or what the peer set */
	u32 received;			/* doorbells raised at it */
	u32 sent;			/* doorbells it rang */
	u32 coalesced;			/* rings at it merged into another's doorbell */
	u64 full_at;			/* its doorbell's bucket is full from then on */
	bool deferred;			/* a raise waits for the bucket */
	bool limited;			/* said so on the console; until the bucket is full */
	struct ratelimit rl;		/* of that line */
};

static struct link_peer_rt rt[CV_LINK_MAX_LINKS][CV_LINK_MAX_PEERS];
static spinlock_t link_lock;
static unsigned int num_deferred;	/* doorbells deferred; read without the lock */

static unsigned int num_links(void)
{
	return hv.config ? hv.config->links.count : 0;
}

static const struct cv_link *link_cfg(unsigned int i)
{
	return &config_links(hv.config)[i];
}

static void scrub(const struct cv_link *l)
{
	scrub_memory(l->phys_start, l->size);
}

/* Cells using the link: every cell peer that exists, the root peer while it is up. */
static unsigned int users(unsigned int i)
{
	unsigned int p, n = 0;

	for (p = 0; p < link_cfg(i)->num_peers; p++)
		n += rt[i][p].cell && (rt[i][p].cell != &root_cell ||
				       rt[i][p].state != CV_LINK_STATE_DOWN);
	return n;
}

/* Counter ticks of one token, at least 1. */
static u64 token_ticks(void)
{
	return arch_counter_freq() / (1000 * CV_LINK_RING_PER_MS) ?: 1;
}

/* Take a token from peer p's bucket at 'now': false when it has none. */
static bool bucket_take(struct link_peer_rt *t, u64 now)
{
	u64 tick = token_ticks(), full_at = __atomic_load_n(&t->full_at, __ATOMIC_RELAXED);

	if (full_at < now)
		full_at = now;
	if (full_at - now > (CV_LINK_RING_BURST - 1) * tick)
		return false;
	__atomic_store_n(&t->full_at, full_at + tick, __ATOMIC_RELAXED);
	return true;
}

static bool runs(const struct link_peer_rt *t)
{
	return t->cell && t->cell->state == CV_CELL_STATE_RUNNING;
}

static void set_deferred(struct link_peer_rt *t, bool deferred)
{
	if (t->deferred != deferred)
		__atomic_add_fetch(&num_deferred, deferred ? 1 : -1, __ATOMIC_RELEASE);
	__atomic_store_n(&t->deferred, deferred, __ATOMIC_SEQ_CST);
}

/* Raise peer p's doorbell now if its bucket allows it; false if not.  link_lock held. */
static bool raise(unsigned int i, unsigned int p, u64 now)
{
	struct link_peer_rt *t = &rt[i][p];

	if (__atomic_load_n(&t->full_at, __ATOMIC_RELAXED) <= now)
		t->limited = false;	/* it was quiet long enough */
	if (!bucket_take(t, now))
		return false;
	set_deferred(t, false);
	t->received++;
	arch_raise_spi(link_cfg(i)->peers[p].doorbell_irq);
	return true;
}

/*
 * Peer 'from' rings peer p of link i, if p's cell runs: its doorbell is raised now, or
 * once the rate limit allows it.  link_lock held.
 */
static bool ring(unsigned int i, unsigned int p, unsigned int from)
{
	struct link_peer_rt *t = &rt[i][p];
	bool was_deferred = t->deferred;

	if (!runs(t))
		return false;
	if (raise(i, p, arch_counter())) {
		if (was_deferred)	/* the raise that waited came with this one */
			__atomic_add_fetch(&t->coalesced, 1, __ATOMIC_RELAXED);
		return true;
	}
	if (t->deferred) {
		/* The raise that waits is for this ring too. */
		__atomic_add_fetch(&t->coalesced, 1, __ATOMIC_RELAXED);
		return true;
	}
	set_deferred(t, true);
	if (!t->limited && console_ratelimit(&t->rl))
		printk("Cellvisor: link '%s': peer %u ('%s') is rung more than %u times at once or "
		       "%u a millisecond (now by '%s'); its doorbells are coalesced\n",
		       link_cfg(i)->name, p, link_cfg(i)->peers[p].cell, CV_LINK_RING_BURST,
		       CV_LINK_RING_PER_MS, link_cfg(i)->peers[from].cell);
	t->limited = true;
	return true;
}

/*
 * Raise the deferred doorbells whose buckets allow it; forget those of cells that stopped.
 * link_lock held.
 */
static void raise_deferred(void)
{
	unsigned int i, p;
	u64 now;

	if (!__atomic_load_n(&num_deferred, __ATOMIC_ACQUIRE))
		return;
	now = arch_counter();
	for (i = 0; i < num_links(); i++) {
		for (p = 0; p < link_cfg(i)->num_peers; p++) {
			if (!rt[i][p].deferred)
				continue;
			if (!runs(&rt[i][p]))
				set_deferred(&rt[i][p], false);
			else
				raise(i, p, now);
		}
	}
}

void link_poll(void)
{
	if (!__atomic_load_n(&num_deferred, __ATOMIC_ACQUIRE) || !spin_trylock(&link_lock))
		return;		/* nothing waits, or the holder's hypercall raises it */
	raise_deferred();
	spin_unlock(&link_lock);
}

/* Something about peer p changed: ring all the others.  link_lock held. */
static void ring_others(unsigned int i, unsigned int p)
{
	unsigned int q;

	for (q = 0; q < link_cfg(i)->num_peers; q++)
		if (q != p)
			ring(i, q, p);
}

/* Peer p's state becomes 'state'; the others hear of a change.  link_lock held. */
static void set_state(unsigned int i, unsigned int p, u32 state)
{
	if (rt[i][p].state == state)
		return;
	rt[i][p].state = state;
	ring_others(i, p);
}

int link_init(void)
{
	unsigned int i;
	int p;

	memset(rt, 0, sizeof(rt));
	num_deferred = 0;
	for (i = 0; i < num_links(); i++)
		scrub(link_cfg(i));	/* what was there before enable is no one's */
	p = link_map(&root_cell);
	link_attach(&root_cell);
	return p;
}

bool link_overlaps(u64 phys, u64 size)
{
	unsigned int i;

	for (i = 0; i < num_links(); i++)
		if (ranges_overlap(phys, size, link_cfg(i)->phys_start, link_cfg(i)->size))
			return true;
	return false;
}

int link_check_create(const struct cv_cell_config *cfg)
{
	char why[160];
	unsigned int i;
	int p;

	for (i = 0; i < num_links(); i++) {
		p = config_link_peer(hv.config, i, cfg->name);
		if (p >= 0 && rt[i][p].cell) {
			printk("Cellvisor: create '%s': cell %u is peer %d of link '%s' already\n",
			       cfg->name, rt[i][p].cell->id, p, link_cfg(i)->name);
			return refuse(-CV_EBUSY, CV_REASON_LINK_PEER_BUSY, i << 8 | (unsigned int)p,
				      rt[i][p].cell->id);
		}
	}
	if (config_check_cell_links(hv.config, cfg, why, sizeof(why))) {
		printk("Cellvisor: create '%s': %s\n", cfg->name, why);
		return refuse(-CV_EINVAL, CV_REASON_LINK_CONFLICT, 0, 0);
	}
	return 0;
}

int link_map(struct cell *c)
{
	unsigned int i;
	int p, err;

	for (i = 0; i < num_links(); i++) {
		const struct cv_link *l = link_cfg(i);

		p = config_link_peer(hv.config, i, c->config->name);
		if (p < 0)
			continue;
		err = arch_map_guest(c, l->peers[p].virt_start, l->phys_start, l->size,
				     PT_READ | (l->peers[p].flags & CV_LINK_PEER_WRITE ?
						PT_WRITE : 0));
		if (err)
			return err;
	}
	return 0;
}

void link_unmap(struct cell *c)
{
	unsigned int i;
	int p;

	for (i = 0; i < num_links(); i++) {
		p = config_link_peer(hv.config, i, c->config->name);
		if (p >= 0)
			arch_unmap_guest(c, link_cfg(i)->peers[p].virt_start, link_cfg(i)->size);
	}
}

void link_attach(struct cell *c)
{
	unsigned int i;
	int p;

	spin_lock(&link_lock);
	for (i = 0; i < num_links(); i++) {
		p = config_link_peer(hv.config, i, c->config->name);
		if (p < 0)
			continue;
		__atomic_store_n(&rt[i][p].cell, c, __ATOMIC_RELEASE);
		rt[i][p].state = CV_LINK_STATE_DOWN;
		__atomic_store_n(&rt[i][p].full_at, 0, __ATOMIC_RELAXED);	/* a full bucket */
		ring_others(i, (unsigned int)p);	/* a cell id to see */
	}
	spin_unlock(&link_lock);
}

void link_cell_stopped(struct cell *c)
{
	unsigned int i, p;

	spin_lock(&link_lock);
	for (i = 0; i < num_links(); i++)
		for (p = 0; p < link_cfg(i)->num_peers; p++)
			if (rt[i][p].cell == c)
				set_state(i, p, CV_LINK_STATE_DOWN);
	spin_unlock(&link_lock);
}

void link_detach(struct cell *c)
{
	unsigned int i, p, was;

	spin_lock(&link_lock);
	for (i = 0; i < num_links(); i++) {
		for (p = 0; p < link_cfg(i)->num_peers; p++) {
			if (rt[i][p].cell != c)
				continue;
			was = users(i);
			rt[i][p].state = CV_LINK_STATE_DOWN;
			__atomic_store_n(&rt[i][p].cell, NULL, __ATOMIC_RELEASE);
			set_deferred(&rt[i][p], false);
			ring_others(i, p);
			if (was && !users(i)) {
				scrub(link_cfg(i));
				printk("Cellvisor: link '%s': its last user '%s' went; memory "
				       "scrubbed\n", link_cfg(i)->name, c->config->name);
			}
		}
	}
	spin_unlock(&link_lock);
}

/*
 * The caller's peer index on link 'link', or a refusal: no such link, or the caller is no
 * peer of it (with a console line: a cell tried what is not its to do).  link_lock held.
 */
static long caller_peer(struct per_cpu *cpu, u64 link, const char *what)
{
	struct cell *c = cpu->cell;
	unsigned int p;

	if (link >= num_links()) {
		if (console_ratelimit(&c->msg_rl))
			printk("Cellvisor: cell '%s': %s: there is no link %llu\n",
			       c->config->name, what, link);
		return refuse(-CV_ENOENT, CV_REASON_NO_SUCH_LINK, link, 0);
	}
	for (p = 0; p < link_cfg((unsigned int)link)->num_peers; p++)
		if (rt[link][p].cell == c)
			return p;
	if (console_ratelimit(&c->msg_rl))
		printk("Cellvisor: cell '%s': %s: refused, it is no peer of link '%s'\n",
		       c->config->name, what, link_cfg((unsigned int)link)->name);
	return refuse(-CV_EPERM, CV_REASON_LINK_NOT_PEER, link, 0);
}

static long info(unsigned int i, unsigned int self, u64 what, u64 peer)
{
	const struct cv_link *l = link_cfg(i);

	switch (what) {
	case CV_LINK_INFO_SELF:
		return self;
	case CV_LINK_INFO_NUM_PEERS:
		return l->num_peers;
	case CV_LINK_INFO_SIZE:
		return (long)l->size;
	case CV_LINK_INFO_ADDRESS:
		return (long)l->peers[self].virt_start;
	case CV_LINK_INFO_WRITABLE:
		return !!(l->peers[self].flags & CV_LINK_PEER_WRITE);
	case CV_LINK_INFO_IRQ:
		return l->peers[self].doorbell_irq;
	}
	if (peer >= l->num_peers)
		return refuse(-CV_EINVAL, CV_REASON_BAD_ARGUMENT, peer, 0);
	switch (what) {
	case CV_LINK_INFO_STATE:
		return rt[i][peer].state;
	case CV_LINK_INFO_CELL:
		return rt[i][peer].cell ? (long)rt[i][peer].cell->id : -CV_ENOENT;
	case CV_LINK_INFO_RECEIVED:
		return rt[i][peer].received;
	case CV_LINK_INFO_SENT:
		return __atomic_load_n(&rt[i][peer].sent, __ATOMIC_RELAXED);
	case CV_LINK_INFO_COALESCED:
		return __atomic_load_n(&rt[i][peer].coalesced, __ATOMIC_RELAXED);
	}
	return refuse(-CV_EINVAL, CV_REASON_BAD_ARGUMENT, what, 0);
}

long link_get_info(struct per_cpu *cpu, u64 link, u64 what, u64 peer)
{
	long ret;

	if (what == CV_LINK_INFO_NUM_LINKS)
		return num_links();
	spin_lock(&link_lock);
	raise_deferred();
	ret = caller_peer(cpu, link, "link info");
	if (ret >= 0)
		ret = info((unsigned int)link, (unsigned int)ret, what, peer);
	spin_unlock(&link_lock);
	return ret;
}

/*
 * Without link_lock: a ring from a peer at another peer whose doorbell is deferred already and
 * whose bucket has no token yet joins the raise that waits; false for everything else (the
 * locked path decides).  The caller runs, so its cell is attached as the peer its name makes
 * it (from create, or enable for the root, to destroy): the configuration alone names its
 * index.  Seeing 'deferred' set means the raise comes after this read, so after what the
 * ringer wrote before ringing.
 */
static bool ring_joins_deferred(struct per_cpu *cpu, u64 link, u64 peer)
{
	struct link_peer_rt *t;
	const struct cell *c;
	int self;

	if (link >= num_links() || peer >= link_cfg((unsigned int)link)->num_peers)
		return false;
	self = config_link_peer(hv.config, (unsigned int)link, cpu->cell->config->name);
	if (self < 0 || (u64)self == peer)
		return false;
	t = &rt[link][peer];
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* what the ringer wrote, before the flag */
	c = __atomic_load_n(&t->cell, __ATOMIC_ACQUIRE);
	if (!__atomic_load_n(&t->deferred, __ATOMIC_SEQ_CST) || !c ||
	    c->state != CV_CELL_STATE_RUNNING ||
	    __atomic_load_n(&t->full_at, __ATOMIC_RELAXED) <
	    arch_counter() + (CV_LINK_RING_BURST - 1) * token_ticks() + 1)
		return false;
	__atomic_add_fetch(&t->coalesced, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&rt[link][self].sent, 1, __ATOMIC_RELAXED);
	return true;
}

long link_ring(struct per_cpu *cpu, u64 link, u64 peer)
{
	long self;

	if (ring_joins_deferred(cpu, link, peer))
		return 0;
	spin_lock(&link_lock);
	raise_deferred();
	self = caller_peer(cpu, link, "ring");
	if (self >= 0 && (peer >= link_cfg((unsigned int)link)->num_peers ||
			  peer == (u64)self)) {
		self = refuse(-CV_EINVAL, CV_REASON_BAD_ARGUMENT, peer, 0);
	} else if (self >= 0 && !ring((unsigned int)link, (unsigned int)peer, (unsigned int)self)) {
		self = refuse(-CV_ENOTCONN, CV_REASON_LINK_PEER_ABSENT, link << 8 | peer, 0);
	} else if (self >= 0) {
		__atomic_add_fetch(&rt[link][self].sent, 1, __ATOMIC_RELAXED);
		self = 0;
	}
	spin_unlock(&link_lock);
	return self;
}

long link_set_state(struct per_cpu *cpu, u64 link, u64 state)
{
	unsigned int was;
	long self;

	spin_lock(&link_lock);
	raise_deferred();
	self = caller_peer(cpu, link, "set state");
	if (self >= 0 && (state >> 32 || atomic_read(&cpu->stop))) {
		/* A cell being stopped stays DOWN. */
		self = refuse(-CV_EINVAL, CV_REASON_BAD_ARGUMENT, state, 0);
	} else if (self >= 0) {
		was = users((unsigned int)link);
		set_state((unsigned int)link, (unsigned int)self, (u32)state);
		if (was && !users((unsigned int)link)) {
			scrub(link_cfg((unsigned int)link));
			printk("Cellvisor: link '%s': its last user went down; memory scrubbed\n",
			       link_cfg((unsigned int)link)->name);
		}
		self = 0;
	}
	spin_unlock(&link_lock);
	return self;
}
