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
					 cell_region_flags(&r[i]));
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

	if (!enabled)
		return 0;
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
	err = map ? paging_map(&c->dma, iova, pa, size, flags) : paging_unmap(&c->dma, iova, size);
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

void iommu_poll(void)
{
	struct iommu_fault f;

	if (!enabled || !spin_trylock(&iommu_lock))
		return;		/* another CPU reads the queue */
	cells_lock();
	while (arch_iommu_next_fault(&f)) {
		struct cell *c = stream_owner(f.stream);

		if (!console_ratelimit(&c->dma_rl))
			continue;
		if (f.has_addr)
			printk("Cellvisor: DMA blocked: device %02x:%02x.%u of cell '%s' %s 0x%llx, "
			       "which the cell does not own (%s)\n", f.stream >> 8 & 0xff,
			       f.stream >> 3 & 0x1f, f.stream & 7, c->config->name,
			       f.write ? "wrote" : "read", f.addr, f.what);
		else
			printk("Cellvisor: DMA blocked: device %02x:%02x.%u of cell '%s': %s\n",
			       f.stream >> 8 & 0xff, f.stream >> 3 & 0x1f, f.stream & 7,
			       c->config->name, f.what);
	}
	cells_unlock();
	spin_unlock(&iommu_lock);
}
