// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of inter-cell links (hypervisor/core/link.c, the link rules of core/config.c):
 * the configuration checks, the mapping into peers only, the refusals of create, the
 * hypercalls (info, ring, set state) from peers and from a cell that is no peer, the peers'
 * states through create, start, shutdown and destroy, the scrub when the last user goes, and
 * the doorbells' rate limit (a token bucket, on a clock the test holds still and moves).
 *
 * It runs on test-control.c's simulated machine (included whole, its main() renamed), with
 * a system config that adds links to that machine's.
 */
#define main test_control_main
#include "test-control.c"
#undef main

#include <cellvisor/link.h>
#include <cv/link.h>

#define LINK_PHYS	0x7e000000ULL	/* no one's memory: not RAM of the simulated root */
#define LINK_ROOT_IRQ	ROOT_IRQ	/* 33: the root's, not the notification interrupt */
#define LINK_DEMO_IRQ	41		/* one of demo_blob()'s interrupts */
#define LINK_DEMO_VIRT	0x300000ULL	/* free in demo_blob()'s address space */

static struct {
	struct cv_system_config sys;
	struct cell_blob root;
	struct cv_link links[2];
} lsys;

static void peer(struct cv_link *l, const char *cell, u64 virt, u32 irq, u32 flags)
{
	struct cv_link_peer *e = &l->peers[l->num_peers++];

	strncpy(e->cell, cell, sizeof(e->cell) - 1);
	e->virt_start = virt;
	e->doorbell_irq = irq;
	e->flags = flags;
}

/* Link 0 "chan": root, demo (both may write) and "absent", a cell never created. */
static void link_system(void)
{
	struct cv_link *l = &lsys.links[0];

	memset(&lsys, 0, sizeof(lsys));
	lsys.sys = system_blob.sys;
	lsys.root = system_blob.root;
	lsys.sys.hdr.total_size = sizeof(lsys) - sizeof(struct cv_link);
	lsys.sys.root_cell.offset = offsetof(typeof(lsys), root);
	lsys.sys.links = (struct cv_array){ offsetof(typeof(lsys), links), 1 };
	strcpy(l->name, "chan");
	l->phys_start = LINK_PHYS;
	l->size = P;
	peer(l, "root", LINK_PHYS, LINK_ROOT_IRQ, CV_LINK_PEER_WRITE);
	peer(l, "demo", LINK_DEMO_VIRT, LINK_DEMO_IRQ, CV_LINK_PEER_WRITE);
	peer(l, "absent", 0x500000, 50, 0);
}

static bool sys_ok(char *why, size_t len)
{
	return config_check_system(&lsys, sizeof(lsys), why, len) == 0;
}

/* A change to the links of the good system config is refused with 'text'. */
#define BAD_LINK(desc, change, text) do {						\
	char why_[200] = "";								\
	link_system();									\
	change;										\
	ok(!sys_ok(why_, sizeof(why_)) && strstr(why_, text),				\
	   "system config refused: %s: \"%s\"", desc, why_);				\
} while (0)

static void test_link_config(void)
{
	char why[200] = "";

	link_system();
	ok(sys_ok(why, sizeof(why)), "a system config with a link is sound %s", why);
	BAD_LINK("link over the root's RAM", lsys.links[0].phys_start = RAM_BASE + P,
		 "overlaps root cell memory region 0");
	BAD_LINK("link over the hypervisor", lsys.links[0].phys_start = HV_PHYS,
		 "overlaps the hypervisor's");
	BAD_LINK("link over the GIC", lsys.links[0].phys_start = GICD,
		 "interrupt controller");
	BAD_LINK("size 0", lsys.links[0].size = 0, "whole 4 KiB pages");
	BAD_LINK("size over the maximum", lsys.links[0].size = CV_LINK_MAX_SIZE + P,
		 "whole 4 KiB pages");
	BAD_LINK("one peer", (lsys.links[0].num_peers = 1,
			      memset(&lsys.links[0].peers[1], 0, 2 * sizeof(struct cv_link_peer))),
		 "1 peers, must be 2..4");
	BAD_LINK("an unused peer entry not zero", lsys.links[0].peers[3].doorbell_irq = 1,
		 "unused peer entries are not zero");
	BAD_LINK("the same cell twice", (memset(lsys.links[0].peers[2].cell, 0, 32),
					 strcpy(lsys.links[0].peers[2].cell, "demo")),
		 "are the same cell 'demo'");
	BAD_LINK("a bad peer name", strcpy(lsys.links[0].peers[1].cell, "de mo"),
		 "link 0 peer 1 cell name: character 0x20");
	BAD_LINK("unknown peer flags", lsys.links[0].peers[1].flags = 2, "unknown flags 0x2");
	BAD_LINK("unknown link flags", lsys.links[0].flags = 1, "unknown flags 0x1");
	BAD_LINK("a doorbell that is not an SPI", lsys.links[0].peers[1].doorbell_irq = 20,
		 "is not an SPI");
	BAD_LINK("the notification interrupt as a doorbell",
		 lsys.links[0].peers[1].doorbell_irq = ROOT_IRQ + 1, "is not an SPI");
	BAD_LINK("a root doorbell that is not the root's", lsys.links[0].peers[0].doorbell_irq = 60,
		 "cell 'root': the doorbell interrupt 60 of link 'chan' is not one of its");
	BAD_LINK("the root's address over its own RAM",
		 lsys.links[0].peers[0].virt_start = RAM_BASE, "overlaps its memory region 0");
	BAD_LINK("a misaligned address", lsys.links[0].peers[1].virt_start = 0x300800,
		 "is not page-aligned");
	BAD_LINK("the array outside the blob", lsys.sys.links.count = 3, "do not fit in the blob");
	BAD_LINK("two links over each other",
		 (lsys.sys.links.count = 2, lsys.sys.hdr.total_size = sizeof(lsys),
		  lsys.links[1] = lsys.links[0], strcpy(lsys.links[1].name, "other")),
		 "links 'chan' and 'other': their memory overlaps");
	BAD_LINK("two links with one name",
		 (lsys.sys.links.count = 2, lsys.sys.hdr.total_size = sizeof(lsys),
		  lsys.links[1] = lsys.links[0], lsys.links[1].phys_start += P),
		 "both are called 'chan'");
	BAD_LINK("two links of the root with one doorbell",
		 (lsys.sys.links.count = 2, lsys.sys.hdr.total_size = sizeof(lsys),
		  lsys.links[1] = lsys.links[0], lsys.links[1].phys_start += P,
		  lsys.links[1].peers[0].virt_start += P, strcpy(lsys.links[1].name, "other")),
		 "links 'chan' and 'other' have the same doorbell interrupt 33");
}

static long info(struct per_cpu *cpu, u64 what, u64 peer)
{
	return link_get_info(cpu, 0, what, peer);
}

static long coalesced(struct per_cpu *cpu, u64 peer)
{
	return info(cpu, CV_LINK_INFO_COALESCED, peer);
}

#define TOKEN_NS	(1000000 / CV_LINK_RING_PER_MS)	/* the fake counter runs at 1 GHz */

/*
 * The doorbells' rate limit, on a still clock (every read of it used to move it 1 ms):
 * 'demo' rings the root in a loop, flips its state in a loop; the root's doorbell is raised
 * at most BURST times at once and PER_MS a millisecond; the rest is coalesced and raised
 * later, never lost; the root's own doorbells to 'demo' are not held up.  Both run.
 */
static void test_rate_limit(struct per_cpu *root_cpu, struct per_cpu *demo_cpu,
			    struct per_cpu *small_cpu)
{
	unsigned int n, rang, rang_demo, raises;
	long co, sent, rx;
	bool all_ok = true;

	tick_ns = 0;
	now_ns += 100000000;		/* 100 ms of quiet: full buckets */
	rang = raised_spi[LINK_ROOT_IRQ];
	co = coalesced(root_cpu, 0);
	sent = info(root_cpu, CV_LINK_INFO_SENT, 1);
	rx = info(root_cpu, CV_LINK_INFO_RECEIVED, 0);
	console_mark();
	for (n = 0; n < 100; n++)
		all_ok &= link_ring(demo_cpu, 0, 0) == 0;
	ok(all_ok && raised_spi[LINK_ROOT_IRQ] == rang + CV_LINK_RING_BURST,
	   "100 rings at one instant: each succeeds, the root's doorbell is raised %u times (%u)",
	   CV_LINK_RING_BURST, raised_spi[LINK_ROOT_IRQ] - rang);
	ok(coalesced(root_cpu, 0) == co + 100 - CV_LINK_RING_BURST - 1 &&
	   info(root_cpu, CV_LINK_INFO_SENT, 1) == sent + 100 &&
	   info(root_cpu, CV_LINK_INFO_RECEIVED, 0) == rx + CV_LINK_RING_BURST,
	   "... the hypervisor counts %d coalesced (one raise waits), 100 sent, %u received",
	   100 - CV_LINK_RING_BURST - 1, CV_LINK_RING_BURST);
	ok(said("link 'chan': peer 0 ('root') is rung more than 32 times at once or 10 a "
		"millisecond (now by 'demo'); its doorbells are coalesced"),
	   "... the console says so: \"%s\"", last);
	ok(link_ring(small_cpu, 0, 0) == -CV_EPERM && link_ring(demo_cpu, 0, 1) == -CV_EINVAL &&
	   link_ring(demo_cpu, 0, 3) == -CV_EINVAL && link_ring(demo_cpu, 1, 0) == -CV_ENOENT &&
	   coalesced(root_cpu, 0) == co + 100 - CV_LINK_RING_BURST - 1,
	   "while the root's doorbell waits, a cell that is no peer, a peer ringing itself, a "
	   "peer out of range or a link that is not are refused all the same");
	link_poll();
	ok(raised_spi[LINK_ROOT_IRQ] == rang + CV_LINK_RING_BURST,
	   "an interrupt exit at the same instant raises nothing");
	now_ns += TOKEN_NS;
	link_poll();
	ok(raised_spi[LINK_ROOT_IRQ] == rang + CV_LINK_RING_BURST + 1 &&
	   coalesced(root_cpu, 0) == co + 100 - CV_LINK_RING_BURST - 1 &&
	   info(root_cpu, CV_LINK_INFO_RECEIVED, 0) == rx + CV_LINK_RING_BURST + 1,
	   "one token period later an interrupt exit raises the deferred doorbell, once");
	link_poll();
	now_ns += 10 * TOKEN_NS;
	link_poll();
	ok(raised_spi[LINK_ROOT_IRQ] == rang + CV_LINK_RING_BURST + 1,
	   "... and nothing more: nothing was deferred since");

	/* A storm of 20 ms: a ring every 10 us, an interrupt exit every 10 us. */
	rang = raised_spi[LINK_ROOT_IRQ];
	rang_demo = raised_spi[LINK_DEMO_IRQ];
	for (n = 0; n < 2000; n++) {
		now_ns += 10000;
		all_ok &= link_ring(demo_cpu, 0, 0) == 0;
		link_poll();
		if (n == 1000)
			all_ok &= link_ring(root_cpu, 0, 1) == 0;
	}
	raises = raised_spi[LINK_ROOT_IRQ] - rang;
	ok(all_ok && raises >= 20 * CV_LINK_RING_PER_MS - 1 &&
	   raises <= 20 * CV_LINK_RING_PER_MS + CV_LINK_RING_BURST,
	   "2000 rings in 20 ms raise the root's doorbell %u times (%u a ms and what was left "
	   "of the burst)", raises, CV_LINK_RING_PER_MS);
	ok(raised_spi[LINK_DEMO_IRQ] == rang_demo + 1,
	   "... meanwhile the root's ring of 'demo' was raised at once: its bucket is its own");
	now_ns += 10000000;
	link_poll();
	rang = raised_spi[LINK_ROOT_IRQ];
	ok(link_ring(demo_cpu, 0, 0) == 0 && raised_spi[LINK_ROOT_IRQ] == rang + 1,
	   "after 10 ms of quiet a ring is raised at once");

	/* State changes ring too: flipping the state in a loop is limited the same way. */
	now_ns += 100000000;
	rang = raised_spi[LINK_ROOT_IRQ];
	for (n = 0; n < 200; n++)
		all_ok &= link_set_state(demo_cpu, 0, 2 + (n & 1)) == 0;
	ok(all_ok && raised_spi[LINK_ROOT_IRQ] == rang + CV_LINK_RING_BURST &&
	   info(root_cpu, CV_LINK_INFO_STATE, 1) == 3,
	   "200 state changes at one instant raise the root's doorbell %u times (%u)",
	   CV_LINK_RING_BURST, raised_spi[LINK_ROOT_IRQ] - rang);
	now_ns += TOKEN_NS;
	ok(info(root_cpu, CV_LINK_INFO_STATE, 1) == 3 &&
	   raised_spi[LINK_ROOT_IRQ] == rang + CV_LINK_RING_BURST + 1,
	   "... the root's next link call raises the deferred doorbell");

	/* A doorbell deferred for a cell that stops is dropped, not raised into its next life. */
	for (n = 0; n < 2 * CV_LINK_RING_BURST; n++)
		link_ring(root_cpu, 0, 1);
	rang_demo = raised_spi[LINK_DEMO_IRQ];
	demo_cpu->cell->state = CV_CELL_STATE_SHUT_DOWN;
	now_ns += TOKEN_NS;
	link_poll();
	demo_cpu->cell->state = CV_CELL_STATE_RUNNING;
	now_ns += TOKEN_NS;
	link_poll();
	ok(raised_spi[LINK_DEMO_IRQ] == rang_demo,
	   "a doorbell deferred for a cell that stopped running is dropped");
	ok(link_set_state(demo_cpu, 0, CV_LINK_STATE_UP) == 0, "'demo' says it is up again");
	now_ns += 100000000;
	tick_ns = 1000000;
}

static void test_links(void)
{
	struct per_cpu *root_cpu = &cpus[0], *demo_cpu = &cpus[1], *small_cpu = &cpus[3];
	struct cell_blob b;
	unsigned int demo, small, rang;
	struct cell *d;
	long id;

	link_system();
	hv.config = &lsys.sys;
	root_cell.config = &lsys.root.cfg;
	memset(scratch, 0xaa, sizeof(scratch));
	bad_temp = 0;
	ok(link_init() == 0 && bad_temp == 1 && scratch[0] == 0 && scratch[P - 1] == 0,
	   "enable scrubs the link memory");
	bad_temp = 0;	/* the link is no RAM of the simulated machine: scrubs land in scratch */
	ok(maps(&root_cell, LINK_PHYS, LINK_PHYS, P, PT_READ | PT_WRITE),
	   "the root, a peer, maps the link read-write at its address");
	ok(info(root_cpu, CV_LINK_INFO_SELF, 0) == 0 && info(root_cpu, CV_LINK_INFO_NUM_PEERS, 0) == 3 &&
	   info(root_cpu, CV_LINK_INFO_SIZE, 0) == (long)P &&
	   info(root_cpu, CV_LINK_INFO_ADDRESS, 0) == (long)LINK_PHYS &&
	   info(root_cpu, CV_LINK_INFO_WRITABLE, 0) == 1 &&
	   info(root_cpu, CV_LINK_INFO_IRQ, 0) == LINK_ROOT_IRQ &&
	   link_get_info(root_cpu, 7, CV_LINK_INFO_NUM_LINKS, 0) == 1,
	   "the root reads the link's facts");
	ok(info(root_cpu, CV_LINK_INFO_CELL, 1) == -CV_ENOENT &&
	   info(root_cpu, CV_LINK_INFO_STATE, 1) == CV_LINK_STATE_DOWN &&
	   info(root_cpu, CV_LINK_INFO_CELL, 0) == 0,
	   "peer 'demo' is absent and down, the root is cell 0");
	ok(info(root_cpu, CV_LINK_INFO_STATE, 3) == -CV_EINVAL && why(CV_REASON_BAD_ARGUMENT) &&
	   info(root_cpu, 99, 0) == -CV_EINVAL, "a peer or a question out of range is refused");
	ok(link_ring(root_cpu, 0, 1) == -CV_ENOTCONN && why(CV_REASON_LINK_PEER_ABSENT),
	   "ringing an absent peer: ENOTCONN");
	ok(link_ring(root_cpu, 0, 0) == -CV_EINVAL, "ringing oneself is refused");
	ok(link_ring(root_cpu, 1, 1) == -CV_ENOENT && why(CV_REASON_NO_SUCH_LINK),
	   "a link that does not exist: ENOENT");
	ok(link_set_state(root_cpu, 0, CV_LINK_STATE_UP) == 0 &&
	   info(root_cpu, CV_LINK_INFO_STATE, 0) == CV_LINK_STATE_UP, "the root says it is up");
	ok(link_set_state(root_cpu, 0, 1ULL << 32) == -CV_EINVAL, "a state over 32 bits is refused");

	/* Creating the peer cell. */
	demo_blob(&b);
	blob_mem(&b, RAM_BASE + 8 * P, LINK_DEMO_VIRT, P, RW);
	REFUSED("the link's address is the cell's RAM", create(&b), -CV_EINVAL,
		CV_REASON_LINK_CONFLICT, "link 'chan' at 0x300000+0x1000 overlaps its memory");
	demo_blob(&b);
	b.irqs[0].count = 1;
	REFUSED("the doorbell is not the cell's interrupt", create(&b), -CV_EINVAL,
		CV_REASON_LINK_CONFLICT, "the doorbell interrupt 41 of link 'chan' is not one");
	demo_blob(&b);
	blob_mem(&b, LINK_PHYS, 0x600000, P, RW | CV_MEM_IO);
	REFUSED("a device region over the link memory", create(&b), -CV_EINVAL,
		CV_REASON_MEM_RESERVED, "covers RAM, the hypervisor or the interrupt controller");
	rang = raised_spi[LINK_ROOT_IRQ];
	demo_blob(&b);
	id = create(&b);
	d = cell_of(id);
	ok(d && maps(d, LINK_DEMO_VIRT, LINK_PHYS, P, PT_READ | PT_WRITE),
	   "the peer cell maps the link at its address");
	ok(raised_spi[LINK_ROOT_IRQ] == rang + 1 && info(root_cpu, CV_LINK_INFO_CELL, 1) == id &&
	   info(root_cpu, CV_LINK_INFO_STATE, 1) == CV_LINK_STATE_DOWN,
	   "the root is rung: peer 1 is cell %ld now, still down", id);
	small_blob(&b, "demo", 3, 10);
	REFUSED("a second cell of the peer's name", create(&b), -CV_EBUSY,
		CV_REASON_LINK_PEER_BUSY, "is peer 1 of link 'chan' already");
	ok(link_ring(root_cpu, 0, 1) == -CV_ENOTCONN, "a peer that does not run yet is not rung");
	demo = id > 0 && !cell_set_loadable(id) && !cell_start(id) ? (unsigned int)id : 0;
	ok(demo && demo_cpu->cell == d, "the peer starts");

	/* The conversation. */
	rang = raised_spi[LINK_ROOT_IRQ];
	ok(link_set_state(demo_cpu, 0, CV_LINK_STATE_UP) == 0 &&
	   raised_spi[LINK_ROOT_IRQ] == rang + 1 &&
	   info(root_cpu, CV_LINK_INFO_STATE, 1) == CV_LINK_STATE_UP,
	   "the peer says it is up: the root is rung and sees it");
	ok(link_set_state(demo_cpu, 0, CV_LINK_STATE_UP) == 0 &&
	   raised_spi[LINK_ROOT_IRQ] == rang + 1, "the same state again rings no one");
	rang = raised_spi[LINK_DEMO_IRQ];
	ok(link_ring(root_cpu, 0, 1) == 0 && raised_spi[LINK_DEMO_IRQ] == rang + 1 &&
	   info(demo_cpu, CV_LINK_INFO_RECEIVED, 1) >= 1 && info(demo_cpu, CV_LINK_INFO_SELF, 0) == 1,
	   "the root rings the peer: its doorbell interrupt %u is raised", LINK_DEMO_IRQ);
	rang = raised_spi[LINK_ROOT_IRQ];
	ok(link_ring(demo_cpu, 0, 0) == 0 && raised_spi[LINK_ROOT_IRQ] == rang + 1 &&
	   info(root_cpu, CV_LINK_INFO_SENT, 1) == 1,
	   "the peer rings the root back");
	ok(info(demo_cpu, CV_LINK_INFO_ADDRESS, 0) == (long)LINK_DEMO_VIRT,
	   "each peer gets its own address");

	/* A cell that is no peer. */
	small_blob(&b, "small", 3, 12);
	small = run_cell(&b);
	console_mark();
	ok(small && link_ring(small_cpu, 0, 1) == -CV_EPERM && why(CV_REASON_LINK_NOT_PEER) &&
	   said("cell 'small': ring: refused, it is no peer of link 'chan'"),
	   "a cell that is no peer cannot ring: \"%s\"", last);
	ok(link_set_state(small_cpu, 0, 1) == -CV_EPERM && info(small_cpu, CV_LINK_INFO_STATE, 1) ==
	   -CV_EPERM && link_get_info(small_cpu, 0, CV_LINK_INFO_NUM_LINKS, 0) == 1,
	   "... nor set a state or read the link; it may count the links");
	ok(small && maps_none(cell_of(small), LINK_DEMO_VIRT, P) &&
	   maps_none(cell_of(small), LINK_PHYS, P), "... and does not map the link");

	test_rate_limit(root_cpu, demo_cpu, small_cpu);

	/* The peer goes and comes back. */
	rang = raised_spi[LINK_ROOT_IRQ];
	guest_answers(d, CV_REPLY_APPROVED, 2);
	ok(cell_shutdown(demo) == 0 && info(root_cpu, CV_LINK_INFO_STATE, 1) == CV_LINK_STATE_DOWN &&
	   raised_spi[LINK_ROOT_IRQ] > rang && maps_none(d, LINK_DEMO_VIRT, P),
	   "a peer shut down is down, the root is rung, the peer maps the link no more");
	ok(link_set_state(root_cpu, 0, CV_LINK_STATE_DOWN) == 0 && bad_temp == 0,
	   "the root going down while the cell still exists scrubs nothing");
	memset(scratch, 0x55, sizeof(scratch));
	console_mark();
	ok(cell_destroy(demo, 0) == 0 && bad_temp == 1 && scratch[0] == 0 &&
	   said("link 'chan': its last user 'demo' went; memory scrubbed") &&
	   info(root_cpu, CV_LINK_INFO_CELL, 1) == -CV_ENOENT,
	   "destroying the last user scrubs the link memory");
	bad_temp = 0;
	ok(link_set_state(root_cpu, 0, CV_LINK_STATE_UP) == 0, "the root comes up again");
	demo_blob(&b);
	id = create(&b);
	rang = raised_spi[LINK_ROOT_IRQ];
	ok(id > 0 && info(root_cpu, CV_LINK_INFO_CELL, 1) == id && cell_set_loadable(id) == 0 &&
	   cell_start(id) == 0 && link_set_state(demo_cpu, 0, 7) == 0 &&
	   info(root_cpu, CV_LINK_INFO_STATE, 1) == 7 && raised_spi[LINK_ROOT_IRQ] == rang + 1,
	   "a peer created again is seen coming up (state 7)");
	atomic_set(&demo_cpu->stop, 1);
	ok(link_set_state(demo_cpu, 0, 1) == -CV_EINVAL && info(root_cpu, CV_LINK_INFO_STATE, 1) == 7,
	   "a CPU being stopped cannot set a state");
	atomic_set(&demo_cpu->stop, 0);
	cell_failed(cell_of(id));
	ok(info(root_cpu, CV_LINK_INFO_STATE, 1) == CV_LINK_STATE_DOWN, "a failed peer is down");
	ok(cell_destroy(id, CV_DESTROY_FORCE) == 0 && cell_destroy(small, CV_DESTROY_FORCE) == 0 &&
	   bad_temp == 0, "with the root up, destroying the peer scrubs nothing");

	/* A peer without "write" maps the link read-only. */
	small_blob(&b, "absent", 3, 12);
	blob_irqs(&b, 50, 1);
	id = create(&b);
	ok(id > 0 && maps(cell_of(id), 0x500000, LINK_PHYS, P, PT_READ) &&
	   link_get_info(&cpus[3], 0, CV_LINK_INFO_WRITABLE, 0) == 0,
	   "a peer without the write flag maps the link read-only and is told so");
	ok(cell_destroy(id, CV_DESTROY_FORCE) == 0, "... and goes");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	setup();
	test_fixture();
	test_link_config();
	test_links();
	free(ram);
	free(ecam);
	free(pool);
	return tap_done();
}
