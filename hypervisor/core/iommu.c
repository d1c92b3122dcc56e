// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor: DMA isolation, the generic part (see cv/iommu.h). */
#include <cv/cell.h>
#include <cv/config.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/iommu.h>
#include <cv/lib.h>
#include <cv/paging.h>
#include <cv/percpu.h>
#include <cv/spinlock.h>

static bool enabled;
static spinlock_t iommu_lock;	/* the maps' tables and the IOMMU's queues */

bool iommu_dma_region(const struct cv_mem_region *r)
{
	return (r->flags & CV_MEM_DMA) && !(r->flags & (CV_MEM_IO | CV_MEM_COMM_REGION));
}

static u64 table_alloc(unsigned int pages)
{
	void *p = page_alloc(pages);

	return p ? hv_phys(p) : 0;
}

static void table_free(u64 phys, unsigned int pages)
{
	page_free(hv_virt(phys), pages);
}

/* The cell's map with every 'dma' region of its configuration. */
static int build_map(struct cell *c)
{
	const struct cv_mem_region *r = config_mem(c->config);
	unsigned int i;
	int err;

	c->dma.fmt = &iommu_format;
	c->dma.virt_offset = hv.virt_offset;
	c->dma.alloc = table_alloc;
	c->dma.free = table_free;
	err = paging_init(&c->dma);
	for (i = 0; i < c->config->mem_regions.count && !err; i++)
		if (iommu_dma_region(&r[i]))
			err = paging_map(&c->dma, r[i].virt_start, r[i].phys_start, r[i].size,
					 cell_region_flags(&r[i]) & ~PT_EXEC);
	return err;
}

int iommu_enable(void)
{
	const struct cv_iommu *m = &hv.config->platform.iommu;
	int err;

	if (m->type == CV_IOMMU_NONE) {
		printk("Cellvisor: no IOMMU configured: devices may DMA anywhere\n");
		return 0;
	}
	err = build_map(&root_cell);
	if (!err)
		err = arch_iommu_init(m, root_cell.dma.root);
	if (err) {
		paging_destroy(&root_cell.dma);
		printk("Cellvisor: the IOMMU at 0x%llx cannot be set up (error %d)\n", m->base,
		       err);
		return refuse(err, CV_REASON_IOMMU, m->base, 0);
	}
	enabled = true;
	return 0;
}

void iommu_disable(void)
{
	if (!enabled)
		return;
	arch_iommu_exit();
	paging_destroy(&root_cell.dma);
	enabled = false;
}

/* Every PCI function of the cell's configuration through the context of 'owner'. */
static int move_streams(const struct cell *c, unsigned int owner)
{
	const struct cv_pci_device *d = config_pci(c->config);
	unsigned int i;

	for (i = 0; i < c->config->pci_devices.count; i++)
		arch_iommu_stream(iommu_stream_id(d[i].bus, d[i].devfn), owner);
	return arch_iommu_flush(c->id);
}

int iommu_cell_create(struct cell *c)
{
	int err;

	if (!enabled || !c->config->pci_devices.count)
		return 0;	/* no device of its own: nothing translates through a map of it */
	spin_lock(&iommu_lock);
	err = build_map(c);
	if (!err)
		err = arch_iommu_context(c->id, c->dma.root);
	if (!err)
		err = move_streams(c, c->id);
	spin_unlock(&iommu_lock);
	return err;
}

void iommu_cell_destroy(struct cell *c)
{
	if (!enabled || !c->dma.root)
		return;
	spin_lock(&iommu_lock);
	move_streams(c, root_cell.id);
	paging_destroy(&c->dma);
	spin_unlock(&iommu_lock);
}

static int change(struct cell *c, u64 iova, u64 pa, u64 size, unsigned int flags, bool map)
{
	int err, err2;

	if (!enabled || !c->dma.root)
		return 0;
	spin_lock(&iommu_lock);
	/* Devices read and write; nothing they fetch is executed. */
	err = map ? paging_map(&c->dma, iova, pa, size, flags & ~PT_EXEC) :
		    paging_unmap(&c->dma, iova, size);
	err2 = arch_iommu_flush(c->id);
	spin_unlock(&iommu_lock);
	return err ? err : err2;
}

int iommu_map(struct cell *c, u64 iova, u64 pa, u64 size, unsigned int flags)
{
	return change(c, iova, pa, size, flags, true);
}

int iommu_unmap(struct cell *c, u64 iova, u64 size)
{
	return change(c, iova, 0, size, 0, false);
}

/* The cell whose configuration lists the stream's function; the root's if none does. */
static struct cell *stream_owner(u32 stream)
{
	struct cv_pci_device d = { .domain = hv.config->platform.pci_domain,
				   .bus = stream >> 8, .devfn = stream & 0xff };
	unsigned int id;

	for (id = 1; id < CV_MAX_CELLS; id++) {
		struct cell *c = cell_find(id);

		if (c && pci_listed(c->config, &d))
			return c;
	}
	return &root_cell;
}

/* One console line for a run of faults: the first, and how many followed in its page. */
static void report(const struct iommu_fault *f, unsigned int more, u64 last)
{
	struct cell *c = stream_owner(f->stream);
	unsigned int bus = f->stream >> 8 & 0xff, dev = f->stream >> 3 & 0x1f, fn = f->stream & 7;

	if (!console_ratelimit(&c->dma_rl))
		return;
	if (!f->has_addr)
		printk("Cellvisor: DMA blocked: device %02x:%02x.%u of cell '%s': %s\n", bus, dev,
		       fn, c->config->name, f->what);
	else if (!more)
		printk("Cellvisor: DMA blocked: device %02x:%02x.%u of cell '%s' %s 0x%llx, which "
		       "the cell does not own (%s)\n", bus, dev, fn, c->config->name,
		       f->write ? "wrote" : "read", f->addr, f->what);
	else
		printk("Cellvisor: DMA blocked: device %02x:%02x.%u of cell '%s' %s 0x%llx, which "
		       "the cell does not own (%s; %u more up to 0x%llx)\n", bus, dev, fn,
		       c->config->name, f->write ? "wrote" : "read", f->addr, f->what, more, last);
}

/*
 * A device's transfer faults once for every piece the IOMMU translates: the faults of one
 * device, access and kind in one page that follow each other make one line.
 */
void iommu_poll(void)
{
	struct iommu_fault f, run;
	unsigned int more = 0;
	u64 last = 0;
	bool have = false;

	/* Nothing new (the common case) costs one register read and no lock. */
	if (!enabled || !arch_iommu_pending() || !spin_trylock(&iommu_lock))
		return;		/* or another CPU reads the queue */
	cells_lock();
	while (arch_iommu_next_fault(&f)) {
		if (have && f.has_addr && run.has_addr && f.stream == run.stream &&
		    f.write == run.write && f.type == run.type &&
		    (f.addr & ~(PAGE_SIZE - 1)) == (run.addr & ~(PAGE_SIZE - 1))) {
			more++;
			last = f.addr;
			continue;
		}
		if (have)
			report(&run, more, last);
		run = f;
		have = true;
		more = 0;
	}
	if (have)
		report(&run, more, last);
	cells_unlock();
	spin_unlock(&iommu_lock);
}
