// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellvisor_fuzz: the root cell as a fuzzer of the hypervisor, for the guest-tier tests only.
 *
 * When loaded it makes 'ops' random hypercalls from the root (seeded with 'seed', so a run
 * is reproducible), of two kinds:
 *  - any call code of hypercall.h or a random one, with random arguments: cell ids that are
 *    not the scenario's ('keep', a bit per id, is never managed: no start, set-loadable,
 *    shutdown or destroy of those), CPU numbers, info selectors, and buffer addresses that
 *    are this module's own buffer, the hypervisor's memory, cells' RAM, the GIC or nothing
 *    at all, but never other RAM of Linux (a hostile root could write there: it would only
 *    hurt itself);
 *  - CV_HC_CELL_CREATE with a cell blob mutated from a valid one, which the scenario puts in
 *    /lib/firmware/'blob': bytes and fields (counts, offsets, flags, addresses, sizes, CPU
 *    sets, names, interrupts, PCI functions) changed, the size argument too.  Memory
 *    regions and BARs that would take a device or RAM Linux uses now are put elsewhere.
 *    A cell that does get created is sometimes made loadable, started (its RAM is zero: it
 *    faults) and shut down, and always destroyed at once.
 * CV_HC_DISABLE is made only while 'keep' names cells (the hypervisor then refuses it).
 * A created cell needs CPUs that Linux has taken offline: the scenario offlines one.
 *
 * Results: one line per distinct return value in the kernel log, and the counts as
 * read-only parameters in /sys/module/cellvisor_fuzz/parameters/.  'verbose_from' prints
 * every operation from that one on.
 */
#include <linux/device.h>
#include <linux/firmware.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include <cellvisor/config.h>
#include <cellvisor/hvc-arm64.h>

static ulong seed = 1;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "PRNG seed");

static uint ops = 10000;
module_param(ops, uint, 0444);
MODULE_PARM_DESC(ops, "number of operations");

static ulong keep;
module_param(keep, ulong, 0444);
MODULE_PARM_DESC(keep, "bit n: cell n is the scenario's, never managed");

static char *blob = "cellvisor-fuzz.cvb";
module_param(blob, charp, 0444);
MODULE_PARM_DESC(blob, "firmware file with a valid cell blob to mutate");

static bool allow_start = true;
module_param(allow_start, bool, 0444);
MODULE_PARM_DESC(allow_start, "start some of the cells that get created");

static long verbose_from = -1;
module_param(verbose_from, long, 0444);
MODULE_PARM_DESC(verbose_from, "print every operation from this one on (-1: none)");

static uint done_ops;
module_param(done_ops, uint, 0444);
MODULE_PARM_DESC(done_ops, "result: operations made");

static uint creates, created, started, destroyed, leaked, skipped;
module_param(creates, uint, 0444);
MODULE_PARM_DESC(creates, "result: CV_HC_CELL_CREATE calls with a mutated blob");
module_param(created, uint, 0444);
MODULE_PARM_DESC(created, "result: cells the hypervisor created");
module_param(started, uint, 0444);
MODULE_PARM_DESC(started, "result: created cells that were started");
module_param(destroyed, uint, 0444);
MODULE_PARM_DESC(destroyed, "result: created cells destroyed again");
module_param(leaked, uint, 0444);
MODULE_PARM_DESC(leaked, "result: created cells that could not be destroyed");
module_param(skipped, uint, 0444);
MODULE_PARM_DESC(skipped, "result: mutations moved off what Linux uses");

static uint results_ok, results_err;
module_param(results_ok, uint, 0444);
MODULE_PARM_DESC(results_ok, "result: calls that returned >= 0");
module_param(results_err, uint, 0444);
MODULE_PARM_DESC(results_err, "result: calls that returned an error");

#define MAX_ERRNO_SEEN	134
#define BUF_SIZE	(64 * 1024)

static unsigned int errno_count[MAX_ERRNO_SEEN + 1];
static u64 rng[4];
static u8 *buf;			/* the blob and the console buffer, BUF_SIZE bytes */
static const u8 *base_blob;
static size_t base_size;

static u64 splitmix(u64 *x)
{
	u64 z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 rnd(void)
{
	u64 r = rol64(rng[1] * 5, 7) * 9, t = rng[1] << 17;

	rng[2] ^= rng[0];
	rng[3] ^= rng[1];
	rng[1] ^= rng[2];
	rng[0] ^= rng[3];
	rng[2] ^= t;
	rng[3] = rol64(rng[3], 45);
	return r;
}

static u64 below(u64 n)
{
	return n ? rnd() % n : 0;
}

static long call(unsigned int op, u64 code, u64 a1, u64 a2, u64 a3)
{
	unsigned long args[3] = { a1, a2, a3 };
	long r;

	if (verbose_from >= 0 && op >= verbose_from)
		pr_info("cellvisor_fuzz: op %u: hvc x0=%#llx x1=%#llx x2=%#llx x3=%#llx\n",
			op, code, a1, a2, a3);
	r = cv_hvc(code, args);
	if (r >= 0) {
		results_ok++;
	} else {
		results_err++;
		errno_count[min_t(long, -r, MAX_ERRNO_SEEN)]++;
	}
	return r;
}

/* A cell id: mostly one that is not the scenario's. */
static u64 cell_id(void)
{
	u64 id;

	switch (below(4)) {
	case 0:
		return below(2) ? 0 : 16;
	case 1:
		return below(2) ? rnd() : 0x100000000ULL + below(16);
	default:
		id = below(16);
		return (keep >> id) & 1 ? 16 + id : id;
	}
}

/* An address for the hypervisor to write to: ours, or none of Linux's RAM. */
static u64 target_addr(u64 *size)
{
	static const u64 foreign[] = {
		0x70000000, 0x70800000, 0x70fff000,	/* the hypervisor */
		0x71000000, 0x71800000, 0x7e000000,	/* cells' RAM */
		0x7f000000, 0x7ffff000,			/* RAM no cell has */
		0x08000000, 0x080a0000, 0x09000000,	/* GIC, UART */
		0x80000000, 0x4010000000ULL, 0xfffffffffffff000ULL, 0,
	};

	if (below(2)) {
		u64 off = below(BUF_SIZE);

		*size = below(4) ? below(BUF_SIZE - off + 1) : *size;
		if (*size > BUF_SIZE - off)
			*size = BUF_SIZE - off;
		return virt_to_phys(buf) + off;
	}
	return foreign[below(ARRAY_SIZE(foreign))] + (below(2) ? 0 : below(0x1000));
}

static u64 any_value(void)
{
	switch (below(4)) {
	case 0:
		return below(16);
	case 1:
		return ~0ULL - below(4);
	case 2:
		return 1ULL << below(64);
	}
	return rnd();
}

static void op_random_call(unsigned int op)
{
	u64 code = below(4) ? below(CV_HC_DEBUG_CONSOLE_WRITE + 1) :
		   below(2) ? below(64) : rnd();
	u64 a1 = any_value(), a2 = any_value(), a3 = any_value();

	switch (code) {
	case CV_HC_DISABLE:
		if (!keep)
			code = CV_HC_HYPERVISOR_GET_INFO;
		break;
	case CV_HC_CELL_CREATE:
		a1 = below(2) ? virt_to_phys(buf) + below(BUF_SIZE) : any_value();
		break;
	case CV_HC_CELL_START:
	case CV_HC_CELL_SET_LOADABLE:
	case CV_HC_CELL_DESTROY:
	case CV_HC_CELL_SHUTDOWN:
	case CV_HC_CELL_GET_STATE:
		a1 = cell_id();
		break;
	case CV_HC_CPU_GET_INFO:
		a1 = below(2) ? below(8) : a1;
		a2 = below(2) ? CV_CPU_INFO_STAT_BASE + below(CV_NUM_STATS + 2) : below(4);
		break;
	case CV_HC_HYPERVISOR_GET_INFO:
		a1 = below(2) ? below(8) : a1;
		break;
	case CV_HC_CONSOLE_READ:
		a2 = below(2) ? below(4096) : any_value();
		a1 = target_addr(&a2);
		a3 = below(2) ? 0 : cell_id();
		if (a1 >= virt_to_phys(buf) && a1 < virt_to_phys(buf) + BUF_SIZE &&
		    a2 > virt_to_phys(buf) + BUF_SIZE - a1)
			a2 = virt_to_phys(buf) + BUF_SIZE - a1;
		break;
	case CV_HC_DEBUG_CONSOLE_PUTC:
		a1 = below(2) ? 'a' + below(26) : a1;
		break;
	case CV_HC_DEBUG_CONSOLE_WRITE:
		memcpy(buf, "cellvisor_fuzz: console write\n", 30);
		a1 = below(2) ? virt_to_phys(buf) : any_value();
		a2 = below(2) ? 30 : any_value();
		break;
	}
	if (code == CV_HC_DISABLE && below(4))
		code = CV_HC_HYPERVISOR_GET_INFO;	/* rarely: it waits for the others */
	call(op, code, a1, a2, a3);
}

/* The cell blob's variable parts, when the mutated header still points inside the buffer. */
static void *array_at(struct cv_cell_config *c, const struct cv_array *a, size_t elem)
{
	if (!a->count || a->offset > BUF_SIZE || a->count > (BUF_SIZE - a->offset) / elem)
		return NULL;
	return (u8 *)c + a->offset;
}

/* A range Linux uses now: its RAM, its virtio-mmio, RTC, fw_cfg and GPIO. */
static bool linux_uses(u64 start, u64 size)
{
	static const u64 used[][2] = {
		{ 0x40000000, 0x30000000 }, { 0x09010000, 0x30000 }, { 0x0a000000, 0x4000 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(used); i++)
		if (start < used[i][0] + used[i][1] && used[i][0] < start + size)
			return true;
	return start + size < start;	/* wraps: covers everything */
}

static u64 mutate_addr(u64 old)
{
	static const u64 interesting[] = {
		0x70000000, 0x70001000, 0x71000000, 0x71800000, 0x7e000000, 0x7f000000,
		0x7ff00000, 0x80000000, 0x08000000, 0x080a0000, 0x09000000, 0x10000000,
		0x4010000000ULL, 0x8000000000ULL, 0, 0x1000, 0xfffffffffffff000ULL,
	};

	switch (below(4)) {
	case 0:
		return interesting[below(ARRAY_SIZE(interesting))];
	case 1:
		return old + ((below(2) ? 1 : -1) * (below(64) << 12));
	case 2:
		return old ^ (1ULL << below(64));
	}
	return rnd() & ~0xfffULL;
}

static u64 mutate_size(u64 old)
{
	switch (below(4)) {
	case 0:
		return 0x1000ULL << below(20);
	case 1:
		return old + ((below(2) ? 1 : -1) * (below(8) << 12));
	case 2:
		return below(2) ? 0 : ~0ULL - 0xfff;
	}
	return rnd();
}

static u64 mutate_small(u64 old)
{
	switch (below(4)) {
	case 0:
		return below(8);
	case 1:
		return old ^ (1ULL << below(32));
	case 2:
		return old + below(3) - 1;
	}
	return (u32)rnd();
}

/* Change one field of the cell blob in buf. */
static void mutate_field(void)
{
	struct cv_cell_config *c = (void *)buf;
	struct cv_mem_region *r = array_at(c, &c->mem_regions, sizeof(*r));
	struct cv_irq_range *q = array_at(c, &c->irq_ranges, sizeof(*q));
	struct cv_pci_device *d = array_at(c, &c->pci_devices, sizeof(*d));
	unsigned int i;

	switch (below(20)) {
	case 0:
		c->hdr.magic = mutate_small(c->hdr.magic);
		break;
	case 1:
		c->hdr.revision = mutate_small(c->hdr.revision);
		break;
	case 2:
		c->hdr.total_size = mutate_small(c->hdr.total_size);
		break;
	case 3:
		c->hdr.reserved0 = below(2);
		c->hdr.reserved1 = below(2);
		break;
	case 4:
		c->name[below(CV_CELL_NAME_LEN)] = rnd();
		break;
	case 5:
		c->flags = mutate_small(c->flags);
		break;
	case 6:
		c->cpu_set = below(2) ? 1ULL << below(64) : rnd();
		break;
	case 7:
		c->entry = mutate_addr(c->entry);
		break;
	case 8:
		c->shutdown_timeout_ms = below(2) ? below(12000) : rnd();
		break;
	case 9:
		c->console.type = below(4);
		c->console.address = mutate_addr(0x09000000);
		c->console.flags = below(3);
		break;
	case 10:
		c->mem_regions.count = mutate_small(c->mem_regions.count);
		break;
	case 11:
		c->mem_regions.offset = mutate_small(c->mem_regions.offset);
		break;
	case 12:
		c->irq_ranges.count = mutate_small(c->irq_ranges.count);
		break;
	case 13:
		c->pci_devices.offset = mutate_small(c->pci_devices.offset);
		break;
	case 14:
		if (r) {
			i = below(c->mem_regions.count);
			r[i].phys_start = mutate_addr(r[i].phys_start);
		}
		break;
	case 15:
		if (r) {
			i = below(c->mem_regions.count);
			if (below(2))
				r[i].virt_start = mutate_addr(r[i].virt_start);
			else
				r[i].size = mutate_size(r[i].size);
		}
		break;
	case 16:
		if (r)
			r[below(c->mem_regions.count)].flags ^= 1ULL << below(9);
		break;
	case 17:
		if (q) {
			i = below(c->irq_ranges.count);
			q[i].first = below(2) ? below(300) : rnd();
			q[i].count = below(2) ? below(40) : rnd();
		}
		break;
	case 18:
		if (d) {
			i = below(c->pci_devices.count);
			d[i].devfn = below(2) ? below(4) << 3 : rnd();
			d[i].bus = below(4) ? 0 : rnd();
			d[i].intx_irq = below(2) ? d[i].intx_irq : below(300);
			d[i].flags = below(4) ? 0 : rnd();
		}
		break;
	default:
		if (d) {
			struct cv_pci_bar *b = &d[below(c->pci_devices.count)].bars[below(6)];

			if (below(2))
				b->address = mutate_addr(b->address);
			else
				b->size = mutate_size(b->size);
		}
	}
}

/* Move memory regions and BARs off what Linux uses now; true if something was moved. */
static bool make_safe(void)
{
	struct cv_cell_config *c = (void *)buf;
	struct cv_mem_region *r = array_at(c, &c->mem_regions, sizeof(*r));
	struct cv_pci_device *d = array_at(c, &c->pci_devices, sizeof(*d));
	bool moved = false;
	unsigned int i, b;

	for (i = 0; r && i < c->mem_regions.count; i++) {
		if (!(r[i].flags & CV_MEM_COMM_REGION) && linux_uses(r[i].phys_start, r[i].size)) {
			r[i].phys_start = 0x7f000000;
			r[i].size = min_t(u64, r[i].size, 0x1000000);
			moved = true;
		}
	}
	for (i = 0; d && i < c->pci_devices.count; i++) {
		for (b = 0; b < CV_PCI_NUM_BARS; b++) {
			struct cv_pci_bar *bar = &d[i].bars[b];

			if (bar->size && linux_uses(bar->address & PAGE_MASK,
						    bar->size + PAGE_SIZE)) {
				bar->address = 0x10000000;
				bar->size = min_t(u64, bar->size, 0x100000);
				moved = true;
			}
		}
	}
	return moved;
}

static void destroy_created(unsigned int op, long id)
{
	int tries;

	for (tries = 0; tries < 3; tries++) {
		if (call(op, CV_HC_CELL_DESTROY, id, 0, 0) == 0) {
			destroyed++;
			return;
		}
	}
	leaked++;
	pr_err("cellvisor_fuzz: op %u: the created cell %ld cannot be destroyed\n", op, id);
}

static void op_create(unsigned int op)
{
	struct cv_cell_config *c = (void *)buf;
	unsigned int i, n = 1 + below(4);
	u64 size = base_size;
	long id;

	memset(buf, 0, BUF_SIZE);
	memcpy(buf, base_blob, base_size);
	for (i = 0; i < n; i++) {
		if (below(4))
			mutate_field();
		else
			buf[below(base_size + 64)] = rnd();
	}
	if (!below(8))
		size = below(2) ? below(base_size + 256) : rnd();
	if (make_safe())
		skipped++;
	creates++;
	id = call(op, CV_HC_CELL_CREATE, virt_to_phys(buf), size, 0);
	if (id <= 0)
		return;
	created++;
	if (id < 64 && (keep >> id & 1)) {
		pr_err("cellvisor_fuzz: op %u: create returned id %ld, a cell of the scenario\n",
		       op, id);
		leaked++;
		return;
	}
	if (below(2))
		call(op, CV_HC_CELL_GET_STATE, id, 0, 0);
	if (allow_start && c->shutdown_timeout_ms <= 1000 && !below(8) &&
	    call(op, CV_HC_CELL_SET_LOADABLE, id, 0, 0) == 0 &&
	    call(op, CV_HC_CELL_START, id, 0, 0) == 0) {
		started++;
		if (below(2))
			call(op, CV_HC_CELL_SHUTDOWN, id, 0, 0);
	}
	destroy_created(op, id);
}

static int cvf_run(void)
{
	struct device *dev;
	const struct firmware *fw;
	u64 s = seed;
	unsigned int i;
	int ret;

	for (i = 0; i < 4; i++)
		rng[i] = splitmix(&s);
	buf = kzalloc(BUF_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	dev = root_device_register("cellvisor_fuzz");
	if (IS_ERR(dev)) {
		kfree(buf);
		return PTR_ERR(dev);
	}
	ret = request_firmware(&fw, blob, dev);
	root_device_unregister(dev);
	if (ret) {
		pr_err("cellvisor_fuzz: no blob /lib/firmware/%s (%d)\n", blob, ret);
		kfree(buf);
		return ret;
	}
	if (fw->size < sizeof(struct cv_cell_config) || fw->size > BUF_SIZE / 2) {
		pr_err("cellvisor_fuzz: %s: %zu bytes is no cell blob\n", blob, fw->size);
		release_firmware(fw);
		kfree(buf);
		return -EINVAL;
	}
	base_blob = kmemdup(fw->data, fw->size, GFP_KERNEL);
	base_size = fw->size;
	release_firmware(fw);
	if (!base_blob) {
		kfree(buf);
		return -ENOMEM;
	}
	pr_info("cellvisor_fuzz: seed %lu, %u ops, keep %#lx, blob %s (%zu bytes)\n", seed, ops,
		keep, blob, base_size);
	for (i = 0; i < ops; i++) {
		if (below(10) < 3)
			op_create(i);
		else
			op_random_call(i);
		done_ops = i + 1;
		if (done_ops % 1000 == 0)
			pr_info("cellvisor_fuzz: %u ops, seed %lu\n", done_ops, seed);
		cond_resched();
	}
	for (i = 0; i <= MAX_ERRNO_SEEN; i++)
		if (errno_count[i])
			pr_info("cellvisor_fuzz: returned -%u%s: %u times\n", i,
				i == MAX_ERRNO_SEEN ? " or less" : "", errno_count[i]);
	pr_info("cellvisor_fuzz: done %u ops, seed %lu: %u >= 0, %u errors; %u creates, %u created, %u started, %u destroyed, %u leaked, %u moved off Linux's resources\n",
		done_ops, seed, results_ok, results_err, creates, created, started, destroyed,
		leaked, skipped);
	kfree(base_blob);
	kfree(buf);
	return 0;
}

static int __init cvf_init(void)
{
	return cvf_run();
}

static void __exit cvf_exit(void)
{
}

module_init(cvf_init);
module_exit(cvf_exit);

MODULE_DESCRIPTION("Cellvisor guest-tier root fuzzer (tests only)");
MODULE_LICENSE("GPL");
