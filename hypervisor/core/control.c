// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor: the cell lifecycle.
 *
 * create       checks the blob, takes the cell's CPUs (parked: offlined by Linux), memory
 *              and devices from the root cell and builds the cell's stage 2; state created.
 * set-loadable maps the loadable regions back into the root; state loadable.
 * start        takes them from the root again, fills the communication region and wakes the
 *              cell's CPUs at the entry; state running.
 * shutdown     asks the cell through the communication region (comm.h); approved: shut down,
 *              denied: -EPERM, no answer in time: failed.
 * destroy      shuts a running cell down first (denied: -EPERM; not asked with
 *              CV_DESTROY_FORCE), stops its CPUs, scrubs its RAM and gives CPUs, memory and
 *              devices back to the root.
 *
 * A running cell may also stop itself: when its last CPU calls PSCI CPU_OFF, or any calls
 * SYSTEM_OFF, it ends shut down; SYSTEM_RESET starts it again (cell_cpu_off()).
 *
 * A running cell's CPUs are stopped by taking its memory out of its stage 2 and kicking
 * them: the next exit of each CPU (the kick's interrupt at the latest) sees cpu->stop and
 * parks the CPU.
 * A root_shared region stays the root's too: never taken from it, never scrubbed, and other
 * cells may list it as well.
 * While a cell reports RUNNING_LOCKED, create, set-loadable, start and destroy of every
 * other cell are refused with -EPERM.  Every refusal prints its reason on the console.
 */
#include <asm/processor.h>
#include <cellvisor/comm.h>
#include <cv/cell.h>
#include <cv/config.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/hypercall.h>
#include <cv/iommu.h>
#include <cv/lib.h>
#include <cv/link.h>
#include <cv/percpu.h>
#include <cv/spinlock.h>

#define BLOB_MAX_PAGES		16	/* a cell blob fits in 64 KiB */
#define STOP_TIMEOUT_MS		1000

static spinlock_t control_lock;

#define for_each_cpu_of(id, set) \
	for ((id) = 0; (id) < 64; (id)++) if ((set) >> (id) & 1)

static u64 now_ms(void)
{
	return arch_counter() / (arch_counter_freq() / 1000);
}

static bool is_ram(const struct cv_mem_region *r)
{
	return !(r->flags & (CV_MEM_IO | CV_MEM_COMM_REGION));
}

static const char *name_of(const struct cell *c)
{
	return c->config->name;
}

u32 cell_state_of(const struct cell *c)
{
	if (c->state == CV_CELL_STATE_RUNNING && c->comm &&
	    c->comm->cell_state == CV_CELL_STATE_RUNNING_LOCKED)
		return CV_CELL_STATE_RUNNING_LOCKED;
	return c->state;
}

/* The non-root cell with this id, or NULL with a console line. */
static struct cell *lookup(const char *what, u64 id)
{
	struct cell *c = id ? cell_find(id) : NULL;

	if (!c) {
		printk("Cellvisor: %s: there is no cell %llu\n", what, id);
		refuse(-CV_ENOENT, CV_REASON_NO_SUCH_CELL, id, 0);
	}
	return c;
}

/* -CV_EPERM when a cell other than 'target' (NULL: a new one) holds the lock. */
static int check_lock(const char *what, const char *name, const struct cell *target)
{
	unsigned int i;

	for (i = 1; i < CV_MAX_CELLS; i++) {
		struct cell *c = cell_find(i);

		if (c && c != target &&
		    cell_state_of(c) == CV_CELL_STATE_RUNNING_LOCKED) {
			printk("Cellvisor: %s of cell '%s' refused: cell '%s' is running locked "
			       "and forbids reconfiguration; shut it down first\n", what, name,
			       name_of(c));
			return refuse(-CV_EPERM, CV_REASON_LOCKED, 0, c->id);
		}
	}
	return 0;
}

/*
 * Map into the root cell (give) or unmap from it (take) the parts of [phys, phys + size)
 * that its configuration lists.
 */
static int root_remap(u64 phys, u64 size, bool give)
{
	const struct cv_mem_region *r = config_mem(root_cell.config);
	unsigned int i;
	int err;

	for (i = 0; i < root_cell.config->mem_regions.count; i++) {
		u64 s = MAX(phys, r[i].phys_start);
		u64 e = MIN(phys + size, r[i].phys_start + r[i].size);
		u64 virt = r[i].virt_start + (s - r[i].phys_start);

		if ((r[i].flags & CV_MEM_COMM_REGION) || s >= e)
			continue;
		err = give ? arch_map_guest(&root_cell, virt, s, e - s, cell_region_flags(&r[i])) :
			     arch_unmap_guest(&root_cell, virt, e - s);
		/* The root's devices follow: they reach what the root owns, no more. */
		if (!err && iommu_dma_region(&r[i]))
			err = give ? iommu_map(&root_cell, virt, s, e - s, cell_region_flags(&r[i])) :
				     iommu_unmap(&root_cell, virt, e - s);
		if (err)
			return err;
	}
	return 0;
}

/* Give (or take) every region of the cell with one of 'flags' set ('flags' 0: all). */
static int root_regions(const struct cell *c, u64 flags, bool give)
{
	const struct cv_mem_region *r = config_mem(c->config);
	unsigned int i;
	int err = 0;

	for (i = 0; i < c->config->mem_regions.count && !err; i++) {
		if ((r[i].flags & (CV_MEM_COMM_REGION | CV_MEM_ROOTSHARED)) ||
		    (flags && !(r[i].flags & flags)))
			continue;
		err = root_remap(r[i].phys_start, r[i].size, give);
	}
	arch_flush_guest_tlb(&root_cell);
	return err;
}

/* Does [phys, phys + size) lie within ('whole') or touch one RAM region of the root cell? */
static bool root_ram(u64 phys, u64 size, bool whole)
{
	const struct cv_mem_region *r = config_mem(root_cell.config);
	unsigned int i;

	for (i = 0; i < root_cell.config->mem_regions.count; i++)
		if (is_ram(&r[i]) && (whole ? range_within(phys, size, r[i].phys_start, r[i].size) :
				      ranges_overlap(phys, size, r[i].phys_start, r[i].size)))
			return true;
	return false;
}

/* Does [phys, phys + size) touch the hypervisor or what the architecture keeps for itself? */
static bool overlaps_reserved(u64 phys, u64 size)
{
	unsigned int k;
	u64 start, len;

	for (k = 0; config_reserved_range(&hv.config->platform, k, &start, &len); k++)
		if (ranges_overlap(phys, size, start, len))
			return true;
	return ranges_overlap(phys, size, hv.phys, hv.size) || link_overlaps(phys, size);
}

/* Does [phys, phys + size) touch a page of one of the cell's PCI BARs? */
static bool touches_bars(const struct cv_cell_config *cfg, u64 phys, u64 size)
{
	const struct cv_pci_device *d = config_pci(cfg);
	unsigned int i, b;

	for (i = 0; i < cfg->pci_devices.count; i++)
		for (b = 0; b < CV_PCI_NUM_BARS; b++)
			if (d[i].bars[b].size &&
			    ranges_overlap(phys, size, d[i].bars[b].address & ~(PAGE_SIZE - 1),
					   ALIGN_UP(d[i].bars[b].address + d[i].bars[b].size,
						    PAGE_SIZE) -
					   (d[i].bars[b].address & ~(PAGE_SIZE - 1))))
				return true;
	return false;
}

/* The other cell that holds memory or a BAR overlapping [phys, phys + size) alone, or NULL. */
static const struct cell *memory_owner(u64 phys, u64 size)
{
	unsigned int i, j;

	for (i = 1; i < CV_MAX_CELLS; i++) {
		const struct cell *c = cell_find(i);
		const struct cv_mem_region *r;

		if (!c)
			continue;
		r = config_mem(c->config);
		for (j = 0; j < c->config->mem_regions.count; j++)
			if (!(r[j].flags & (CV_MEM_COMM_REGION | CV_MEM_ROOTSHARED)) &&
			    ranges_overlap(phys, size, r[j].phys_start, r[j].size))
				return c;
		if (touches_bars(c->config, phys, size))
			return c;
	}
	return NULL;
}

/* A BAR of a new cell: device memory no one else holds, where no RAM is. */
static int check_bars(const struct cv_cell_config *cfg)
{
	const struct cv_pci_device *d = config_pci(cfg);
	const struct cell *owner;
	unsigned int i, b;

	for (i = 0; i < cfg->pci_devices.count; i++) {
		for (b = 0; b < CV_PCI_NUM_BARS; b++) {
			u64 addr = d[i].bars[b].address, size = d[i].bars[b].size;

			if (!size)
				continue;
			if (root_ram(addr, size, false) || overlaps_reserved(addr, size)) {
				printk("Cellvisor: create '%s': BAR %u of PCI device %02x:%02x.%u "
				       "(0x%llx, 0x%llx bytes) covers RAM, the hypervisor or the "
				       "interrupt controller\n", cfg->name, b, d[i].bus,
				       d[i].devfn >> 3, d[i].devfn & 7, addr, size);
				return refuse(-CV_EINVAL, CV_REASON_BAR_RESERVED, i << 8 | b, 0);
			}
			owner = memory_owner(addr, size);
			if (owner) {
				printk("Cellvisor: create '%s': BAR %u of PCI device %02x:%02x.%u "
				       "(0x%llx, 0x%llx bytes) belongs to cell '%s'\n", cfg->name, b,
				       d[i].bus, d[i].devfn >> 3, d[i].devfn & 7, addr, size,
				       name_of(owner));
				return refuse(-CV_EBUSY, CV_REASON_BAR_BUSY, i << 8 | b, owner->id);
			}
		}
	}
	return 0;
}

static int check_memory(const struct cv_cell_config *cfg)
{
	const struct cv_mem_region *r = config_mem(cfg);
	const struct cell *owner;
	unsigned int i;

	for (i = 0; i < cfg->mem_regions.count; i++) {
		if (r[i].flags & CV_MEM_COMM_REGION)
			continue;
		if (is_ram(&r[i]) && !root_ram(r[i].phys_start, r[i].size, true)) {
			printk("Cellvisor: create '%s': memory region %u (0x%llx, 0x%llx bytes) is "
			       "not RAM of the root cell\n", cfg->name, i, r[i].phys_start, r[i].size);
			return refuse(-CV_EINVAL, CV_REASON_MEM_NOT_ROOT_RAM, i, 0);
		}
		if (!is_ram(&r[i]) && (root_ram(r[i].phys_start, r[i].size, false) ||
				       overlaps_reserved(r[i].phys_start, r[i].size))) {
			printk("Cellvisor: create '%s': device region %u (0x%llx, 0x%llx bytes) "
			       "covers RAM, the hypervisor or the interrupt controller\n", cfg->name,
			       i, r[i].phys_start, r[i].size);
			return refuse(-CV_EINVAL, CV_REASON_MEM_RESERVED, i, 0);
		}
		/* Shared with the root, but the root's to share: not another cell's. */
		owner = memory_owner(r[i].phys_start, r[i].size);
		if (owner) {
			printk("Cellvisor: create '%s': memory region %u (0x%llx, 0x%llx bytes) "
			       "belongs to cell '%s'\n", cfg->name, i, r[i].phys_start, r[i].size,
			       name_of(owner));
			return refuse(-CV_EBUSY, CV_REASON_MEM_BUSY, i, owner->id);
		}
	}
	return 0;
}

static int check_cpus(const struct cv_cell_config *cfg)
{
	struct per_cpu *cpu;
	u64 id;

	if (!cfg->cpu_set || !(root_cell.cpu_set & ~cfg->cpu_set)) {
		printk("Cellvisor: create '%s': CPU set 0x%llx is empty or every CPU of the root "
		       "cell\n", cfg->name, cfg->cpu_set);
		return refuse(-CV_EBUSY, CV_REASON_CPUS_EMPTY_OR_ALL, cfg->cpu_set, 0);
	}
	for_each_cpu_of(id, cfg->cpu_set) {
		cpu = per_cpu(id);
		if (!cpu || cpu->cell != &root_cell) {
			printk("Cellvisor: create '%s': CPU %llu is not the root cell's to give\n",
			       cfg->name, id);
			return refuse(-CV_EBUSY, CV_REASON_CPU_BUSY, id, cpu ? cpu->cell->id : 0);
		}
		if (atomic_read(&cpu->state) != CV_CPU_PARKED || atomic_read(&cpu->wake)) {
			printk("Cellvisor: create '%s': CPU %llu still runs in the root cell; take "
			       "it offline in Linux first\n", cfg->name, id);
			return refuse(-CV_EBUSY, CV_REASON_CPU_ONLINE, id, 0);
		}
	}
	return 0;
}

/* Interrupts and PCI functions: neither the root's own nor another cell's. */
static int check_devices(const struct cv_cell_config *cfg)
{
	const struct cv_irq_range *r = config_irqs(cfg);
	const struct cv_pci_device *d = config_pci(cfg);
	unsigned int i, j, n;
	u32 irq;

	for (n = 0; n < CV_MAX_CELLS; n++) {
		const struct cell *oc = cell_find(n);
		const struct cv_cell_config *o;

		if (!oc)
			continue;
		o = oc->config;
		for (i = 0; i < cfg->irq_ranges.count; i++) {
			for (j = 0, irq = r[i].first; j < r[i].count; j++, irq++) {
				if (config_has_irq(o, irq)) {
					printk("Cellvisor: create '%s': interrupt %u belongs to cell "
					       "'%s'\n", cfg->name, irq, o->name);
					return refuse(-CV_EBUSY, CV_REASON_IRQ_BUSY, irq, n);
				}
			}
		}
		for (i = 0; i < cfg->pci_devices.count; i++) {
			if (pci_listed(o, &d[i])) {
				printk("Cellvisor: create '%s': PCI device %04x:%02x:%02x.%u belongs "
				       "to cell '%s'\n", cfg->name, d[i].domain, d[i].bus,
				       d[i].devfn >> 3, d[i].devfn & 7, o->name);
				return refuse(-CV_EBUSY, CV_REASON_PCI_BUSY,
					      (u64)d[i].bus << 8 | d[i].devfn, n);
			}
		}
	}
	return 0;
}

enum bars_op { BARS_TAKE_FROM_ROOT, BARS_GIVE_TO_ROOT, BARS_MAP, BARS_UNMAP };

/* The pages of the cell's PCI BARs: taken from the root or given back, mapped in it or not. */
static int pci_bars(struct cell *c, enum bars_op op)
{
	const struct cv_pci_device *d = config_pci(c->config);
	unsigned int i, b;
	int err = 0;

	for (i = 0; i < c->config->pci_devices.count; i++) {
		for (b = 0; b < CV_PCI_NUM_BARS && !err; b++) {
			const struct cv_pci_bar *bar = &d[i].bars[b];
			u64 start = bar->address & ~(PAGE_SIZE - 1);
			u64 size = ALIGN_UP(bar->address + bar->size, PAGE_SIZE) - start;

			if (!bar->size)
				continue;
			if (op == BARS_MAP)
				err = arch_map_guest(c, start, start, size,
						     PT_READ | PT_WRITE | PT_DEVICE);
			else if (op == BARS_UNMAP)
				arch_unmap_guest(c, start, size);
			else
				err = root_remap(start, size, op == BARS_GIVE_TO_ROOT);
		}
	}
	return err;
}

/* The cell's memory, its communication region and its BARs in its stage 2. */
static int map_cell(struct cell *c)
{
	const struct cv_mem_region *r = config_mem(c->config);
	unsigned int i;
	int err = cell_map_regions(c);

	for (i = 0; i < c->config->mem_regions.count && !err; i++)
		if (r[i].flags & CV_MEM_COMM_REGION)
			err = arch_map_guest(c, r[i].virt_start, hv_phys(c->comm), PAGE_SIZE,
					     PT_READ | PT_WRITE);
	if (!err)
		err = link_map(c);
	return err ? err : pci_bars(c, BARS_MAP);
}

static void unmap_cell(struct cell *c)
{
	cell_unmap_regions(c);
	link_unmap(c);
	pci_bars(c, BARS_UNMAP);
	arch_flush_guest_tlb(c);
}

static bool cpus_stopped(const struct cell *c)
{
	u64 id;

	for_each_cpu_of(id, c->cpu_set)
		if (atomic_read(&per_cpu(id)->state) == CV_CPU_RUNNING ||
		    atomic_read(&per_cpu(id)->wake))
			return false;	/* running, or about to */
	return true;
}

/* Ask every CPU of the cell to park and take its memory away; wait when 'wait'. */
static int stop_cpus(struct cell *c, bool wait)
{
	u64 id, start = now_ms();

	for_each_cpu_of(id, c->cpu_set)
		atomic_set(&per_cpu(id)->stop, 1);
	unmap_cell(c);
	link_cell_stopped(c);
	for_each_cpu_of(id, c->cpu_set)
		arch_cpu_kick(per_cpu(id));	/* one idling in WFI exits too */
	while (wait && !cpus_stopped(c)) {
		if (now_ms() - start > STOP_TIMEOUT_MS) {
			printk("Cellvisor: cell '%s': its CPUs (0x%llx) do not stop\n", name_of(c),
			       c->cpu_set);
			return refuse(-CV_EBUSY, CV_REASON_CPUS_DO_NOT_STOP, c->cpu_set, 0);
		}
		cpu_relax();
	}
	return 0;
}

static void fail(struct cell *c)
{
	if (c->state != CV_CELL_STATE_FAILED)
		printk("Cellvisor: cell '%s' failed; its CPUs are stopped\n", name_of(c));
	c->state = CV_CELL_STATE_FAILED;
	stop_cpus(c, false);
}

void cell_failed(struct cell *c)
{
	spin_lock(&control_lock);
	fail(c);
	spin_unlock(&control_lock);
	cell_notify_root();
}

void cell_cpu_failed(struct per_cpu *cpu)
{
	/* The cell lives while this CPU runs: no management call frees it before it stops. */
	atomic_set(&cpu->cell->faulted, 1);
	while (!spin_trylock(&control_lock)) {
		if (atomic_read(&cpu->stop))
			return;		/* its cell is being stopped already */
		cpu_relax();
	}
	fail(cpu->cell);
	spin_unlock(&control_lock);
	cell_notify_root();
}

static void free_cell(struct cell *c)
{
	iommu_cell_destroy(c);
	if (c->has_stage2) {
		arch_flush_guest_tlb(c);
		arch_cell_destroy(c);
	}
	if (c->comm)
		page_free(c->comm, 1);
	pci_cell_free(c);
	page_free((void *)c->config, c->blob_pages);
	memset(c, 0, sizeof(*c));
}

/*
 * The cell's CPUs from one owner to the other, all or none: a root CPU that PSCI CPU_ON
 * woke since check_cpus() is not taken.
 */
static int move_cpus(struct cell *c, struct cell *from, struct cell *to)
{
	u64 id, moved = 0;

	for_each_cpu_of(id, c->cpu_set) {
		if (!arch_cpu_move(per_cpu(id), from, to)) {
			printk("Cellvisor: create '%s': CPU %llu was woken in the meantime\n",
			       name_of(c), id);
			for_each_cpu_of(id, moved)
				arch_cpu_move(per_cpu(id), to, from);
			return refuse(-CV_EBUSY, CV_REASON_CPU_WOKEN, id, 0);
		}
		moved |= 1ULL << id;
	}
	return 0;
}

static int build_cell(struct cell *c)
{
	int err;

	err = arch_cell_init(c);
	c->has_stage2 = !err;
	c->comm = err ? NULL : page_alloc(1);
	if (!err && !c->comm)
		err = -CV_ENOMEM;
	if (!err)
		err = map_cell(c);
	if (!err)
		err = arch_cell_devices(c);
	if (!err)
		err = vuart_cell_init(c);
	if (!err)
		err = pci_cell_init(c);
	if (!err)
		err = iommu_cell_create(c);	/* its devices reach its 'dma' regions only */
	if (!err)
		err = cell_add(c);
	if (err)
		return err;
	err = move_cpus(c, &root_cell, c);
	if (!err)
		err = root_regions(c, 0, false);
	if (!err)
		err = pci_bars(c, BARS_TAKE_FROM_ROOT);
	arch_flush_guest_tlb(&root_cell);
	if (err) {
		move_cpus(c, c, &root_cell);
		root_regions(c, 0, true);
		pci_bars(c, BARS_GIVE_TO_ROOT);
		cell_remove(c);
		return err;
	}
	pci_cell_quiesce(c);
	pci_cell_bars(c);
	arch_cell_irqs(c, c->cpu_set);	/* its SPIs off, to its own CPUs */
	root_cell.cpu_set &= ~c->cpu_set;
	link_attach(c);
	return 0;
}

static long create(u64 blob_ipa, u64 size)
{
	char why[160];
	struct cell *c;
	void *blob;
	unsigned int pages;
	int err;

	if (size < sizeof(struct cv_cell_config) || size > BLOB_MAX_PAGES * PAGE_SIZE) {
		printk("Cellvisor: create: a cell blob of %llu bytes is impossible\n", size);
		return refuse(-CV_EINVAL, CV_REASON_BAD_ARGUMENT, size, 0);
	}
	c = cell_new();
	if (!c) {
		printk("Cellvisor: create: already %u cells, no room for another\n",
		       CV_MAX_CELLS - 1);
		return refuse(-CV_ENOMEM, CV_REASON_NO_CELL_SLOT, CV_MAX_CELLS - 1, 0);
	}
	pages = page_count(size);
	blob = page_alloc(pages);
	if (!blob) {
		printk("Cellvisor: create: no room for a %llu-byte cell blob in the memory pool\n",
		       size);
		return refuse(-CV_ENOMEM, CV_REASON_NO_MEMORY, 0, 0);
	}
	err = cell_copy_from(&root_cell, blob, blob_ipa, size);
	if (err) {
		printk("Cellvisor: create: the blob at 0x%llx is not in the root's RAM\n", blob_ipa);
		err = refuse(err, CV_REASON_NOT_CALLERS_RAM, blob_ipa, 0);
	}
	if (!err && config_check_cell(blob, size, &hv.config->platform, why, sizeof(why))) {
		printk("Cellvisor: create: cell configuration rejected: %s\n", why);
		err = refuse(-CV_EINVAL, CV_REASON_CONFIG_INVALID, 0, 0);
	}
	if (!err)
		err = check_lock("create", ((const struct cv_cell_config *)blob)->name, NULL);
	if (!err)
		err = check_cpus(blob);
	if (!err)
		err = check_memory(blob);
	if (!err)
		err = check_devices(blob);
	if (!err)
		err = check_bars(blob);
	if (!err)
		err = link_check_create(blob);
	c->config = blob;
	c->blob_pages = pages;
	if (err) {
		free_cell(c);
		return err;
	}
	c->state = CV_CELL_STATE_CREATED;
	c->cpu_set = c->config->cpu_set;
	err = build_cell(c);
	if (err) {
		printk("Cellvisor: create '%s': cannot build the cell (error %d)\n", name_of(c),
		       err);
		free_cell(c);
		/* move_cpus() said why; anything else is the hypervisor's own trouble. */
		return this_cpu()->refusal.reason ? err :
		       refuse(err, CV_REASON_BUILD_FAILED, (u64)-err, 0);
	}
	printk("Cellvisor: cell '%s' created: id %u, CPUs 0x%llx\n", name_of(c), c->id,
	       c->cpu_set);
	return c->id;
}

long cell_create(u64 blob_ipa, u64 size)
{
	long ret;

	spin_lock(&control_lock);
	ret = create(blob_ipa, size);
	spin_unlock(&control_lock);
	return ret;
}

static long set_loadable(struct cell *c)
{
	int err = check_lock("set-loadable", name_of(c), c);

	if (err)
		return err;
	if (c->state == CV_CELL_STATE_RUNNING || !cpus_stopped(c)) {
		printk("Cellvisor: set-loadable: cell '%s' is running; shut it down first\n",
		       name_of(c));
		return refuse(-CV_EBUSY, CV_REASON_CELL_RUNNING, 0, 0);
	}
	if (c->state == CV_CELL_STATE_LOADABLE)
		return 0;
	err = root_regions(c, CV_MEM_LOADABLE, true);
	if (err)
		return err;
	c->state = CV_CELL_STATE_LOADABLE;
	return 0;
}

static void fill_comm(struct cell *c)
{
	struct cv_comm_region *comm = c->comm;

	memset(comm, 0, PAGE_SIZE);
	comm->magic = CV_COMM_MAGIC;
	comm->revision = CV_COMM_REVISION;
	comm->cell_id = c->id;
	comm->cell_state = CV_CELL_STATE_RUNNING;
	comm->console_type = c->config->console.type;
	comm->console_base = c->config->console.type == CV_CONSOLE_PL011 ||
			     c->config->console.type == CV_CONSOLE_VPL011 ?
			     c->config->console.address : 0;
	comm->cpu_set = c->cpu_set;
	comm->pci_ecam_base = c->config->pci_devices.count ?
			      hv.config->platform.pci_ecam_base : 0;
	arch_cell_comm(c, comm);
	arch_comm_sync(comm);
}

/*
 * Map the cell's memory and wake its CPUs at its entry: running.  With
 * CV_CELL_BOOT_CPU_ONLY only the first; the others stay parked until PSCI CPU_ON.
 */
static int run(struct cell *c)
{
	u64 first = c->cpu_set & -c->cpu_set, id;
	struct per_cpu *cpu;
	int err = map_cell(c);

	if (err)
		return err;
	fill_comm(c);
	pci_cell_reset_bars(c);
	arch_flush_guest_tlb(c);
	atomic_set(&c->faulted, 0);
	c->state = CV_CELL_STATE_RUNNING;
	for_each_cpu_of(id, c->cpu_set) {
		cpu = per_cpu(id);
		atomic_set(&cpu->stop, 0);
		if ((c->config->flags & CV_CELL_BOOT_CPU_ONLY) && (1ULL << id) != first)
			continue;
		cpu->wake_entry = c->config->entry;
		cpu->wake_context = 0;
		atomic_set(&cpu->wake, 1);
		arch_cpu_kick(cpu);
	}
	return 0;
}

static long start(struct cell *c)
{
	int err = check_lock("start", name_of(c), c);

	if (err)
		return err;
	if (c->state != CV_CELL_STATE_LOADABLE) {
		printk("Cellvisor: start: cell '%s' was not loaded (state %u); load it first\n",
		       name_of(c), c->state);
		return refuse(-CV_EINVAL, CV_REASON_NOT_LOADED, c->state, 0);
	}
	err = root_regions(c, CV_MEM_LOADABLE, false);
	if (!err)
		err = run(c);
	if (err)
		return err;
	printk("Cellvisor: cell '%s' started at 0x%llx\n", name_of(c), c->config->entry);
	return 0;
}

/* Its CPUs stopped after a shutdown: failed if one of them failed meanwhile. */
static u32 shut_down_or_failed(const struct cell *c)
{
	return atomic_read(&c->faulted) ? CV_CELL_STATE_FAILED : CV_CELL_STATE_SHUT_DOWN;
}

void cell_cpu_off(struct per_cpu *cpu, enum cell_off how)
{
	static const char *const what[] = {
		[CELL_CPU_OFF] = "its last CPU called PSCI CPU_OFF",
		[CELL_SYSTEM_OFF] = "PSCI SYSTEM_OFF", [CELL_SYSTEM_RESET] = "PSCI SYSTEM_RESET",
	};
	struct cell *c;
	bool changed = false, no_reset;

	while (!spin_trylock(&control_lock)) {
		if (atomic_read(&cpu->stop))
			return;		/* its cell is being stopped already */
		cpu_relax();
	}
	c = cpu->cell;
	if (c != &root_cell && c->state == CV_CELL_STATE_RUNNING && !atomic_read(&cpu->stop) &&
	    (how != CELL_CPU_OFF || cpus_stopped(c))) {
		changed = true;
		/*
		 * A restart since this CPU parked (another CPU's SYSTEM_RESET) woke it: the
		 * cell stops now, and that wake-up is void, as park_wait() voids it for the
		 * others; left pending, stop_cpus() would wait for this very CPU.
		 */
		atomic_set(&cpu->wake, 0);
		no_reset = how == CELL_SYSTEM_RESET && (c->config->flags & CV_CELL_NO_RESET);
		c->state = stop_cpus(c, true) ? CV_CELL_STATE_FAILED : shut_down_or_failed(c);
		if (no_reset)
			c->state = CV_CELL_STATE_FAILED;	/* its images need reloading */
		else if (c->state == CV_CELL_STATE_SHUT_DOWN && how == CELL_SYSTEM_RESET &&
			 run(c) == 0)
			c->state = CV_CELL_STATE_RUNNING;
		if (console_ratelimit(&c->msg_rl))
			printk("Cellvisor: cell '%s' %s (%s)\n", name_of(c),
			       c->state == CV_CELL_STATE_RUNNING ? "restarted itself" :
			       c->state == CV_CELL_STATE_SHUT_DOWN ? "shut itself down" :
			       no_reset ? "failed: it cannot restart in place "
			       "(no_reset), start it again to reload it" :
			       "failed while stopping", what[how]);
	}
	spin_unlock(&control_lock);
	if (changed)
		cell_notify_root();
}

/* The shutdown protocol of comm.h; the cell ends shut down or failed, or refuses. */
static long ask_shutdown(struct cell *c)
{
	struct cv_comm_region *comm = c->comm;
	u64 begin = now_ms();
	u32 reply = CV_REPLY_NONE;
	int err;

	if (c->config->flags & CV_CELL_PASSIVE_COMMREG) {
		stop_cpus(c, true);
		c->state = shut_down_or_failed(c);
		return 0;
	}
	comm->reply_from_cell = CV_REPLY_NONE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	comm->msg_to_cell = CV_MSG_SHUTDOWN_REQUEST;
	while (now_ms() - begin <= c->config->shutdown_timeout_ms) {
		arch_comm_sync(comm);	/* the request out, the cell's answer in */
		reply = comm->reply_from_cell;
		if (reply != CV_REPLY_NONE)
			break;
		cpu_relax();
	}
	if (reply == CV_REPLY_DENIED) {
		comm->msg_to_cell = CV_MSG_NONE;
		arch_comm_sync(comm);
		printk("Cellvisor: cell '%s' refused to shut down\n", name_of(c));
		return refuse(-CV_EPERM, CV_REASON_SHUTDOWN_DENIED, 0, 0);
	}
	if (reply == CV_REPLY_APPROVED) {
		while (!cpus_stopped(c) && now_ms() - begin <= c->config->shutdown_timeout_ms)
			cpu_relax();
		err = stop_cpus(c, true);
		comm->msg_to_cell = CV_MSG_NONE;
		arch_comm_sync(comm);
		c->state = err ? CV_CELL_STATE_FAILED : shut_down_or_failed(c);
		printk("Cellvisor: cell '%s' %s\n", name_of(c), err ? "approved the shutdown, "
		       "but its CPUs did not stop: failed" :
		       c->state == CV_CELL_STATE_FAILED ? "approved the shutdown, but a CPU of it "
		       "failed meanwhile: failed" : "shut down");
		return err;
	}
	printk("Cellvisor: cell '%s' did not answer the shutdown request within %u ms: "
	       "failed\n", name_of(c), c->config->shutdown_timeout_ms);
	stop_cpus(c, true);
	c->state = CV_CELL_STATE_FAILED;
	return refuse(-CV_ETIMEDOUT, CV_REASON_SHUTDOWN_TIMEOUT, c->config->shutdown_timeout_ms, 0);
}

static long shutdown(struct cell *c)
{
	if (c->state != CV_CELL_STATE_RUNNING)
		return 0;	/* nothing runs */
	return ask_shutdown(c);
}

static void scrub(const struct cell *c)
{
	const struct cv_mem_region *r = config_mem(c->config);
	unsigned int i;

	for (i = 0; i < c->config->mem_regions.count; i++)
		if (is_ram(&r[i]) && !(r[i].flags & CV_MEM_ROOTSHARED))
			scrub_memory(r[i].phys_start, r[i].size);	/* not the root's too */
}

static long destroy(struct cell *c, bool force)
{
	int err = check_lock("destroy", name_of(c), c);
	struct per_cpu *cpu;
	u64 id;

	if (err)
		return err;
	if (c->state == CV_CELL_STATE_RUNNING && !force) {
		err = ask_shutdown(c);
		if (err == -CV_EPERM)
			return err;
	}
	err = stop_cpus(c, true);
	if (err)
		return err;
	pci_cell_quiesce(c);	/* no more DMA from its devices into what is scrubbed */
	iommu_cell_destroy(c);	/* and none that could: the devices are the root's again */
	arch_cell_irqs(c, root_cell.cpu_set);	/* its SPIs off, back to the root's CPUs */
	scrub(c);
	err = root_regions(c, 0, true);
	if (!err)
		err = pci_bars(c, BARS_GIVE_TO_ROOT);
	if (err)
		printk("Cellvisor: destroy '%s': the root cell did not get all of its memory back "
		       "(error %d)\n", name_of(c), err);
	link_detach(c);
	cell_remove(c);
	for_each_cpu_of(id, c->cpu_set) {
		cpu = per_cpu(id);
		atomic_set(&cpu->stop, 0);
		atomic_set(&cpu->state, CV_CPU_PARKED);
		cpu->wake = 0;
		arch_cpu_move(cpu, c, &root_cell);
	}
	root_cell.cpu_set |= c->cpu_set;
	printk("Cellvisor: cell '%s' destroyed; CPUs 0x%llx back to the root cell\n",
	       name_of(c), c->cpu_set);
	free_cell(c);
	return 0;
}

static long destroy_asking(struct cell *c)
{
	return destroy(c, false);
}

static long destroy_forced(struct cell *c)
{
	return destroy(c, true);
}

/* Run one management call on an existing non-root cell, under the control lock. */
static long on_cell(const char *what, u64 id, long (*fn)(struct cell *c))
{
	struct cell *c;
	long ret = -CV_ENOENT;

	spin_lock(&control_lock);
	c = lookup(what, id);
	if (c)
		ret = fn(c);
	spin_unlock(&control_lock);
	return ret;
}

long cell_set_loadable(u64 id)
{
	return on_cell("set-loadable", id, set_loadable);
}

long cell_start(u64 id)
{
	return on_cell("start", id, start);
}

long cell_shutdown(u64 id)
{
	return on_cell("shutdown", id, shutdown);
}

long cell_destroy(u64 id, u64 flags)
{
	if (flags & ~CV_DESTROY_VALID_FLAGS) {
		printk("Cellvisor: destroy: unknown flags 0x%llx\n", flags);
		return refuse(-CV_EINVAL, CV_REASON_BAD_ARGUMENT, flags, 0);
	}
	return on_cell("destroy", id, flags & CV_DESTROY_FORCE ? destroy_forced : destroy_asking);
}
