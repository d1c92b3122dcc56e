// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor: cell bookkeeping and access to cell memory. */
#include <cv/cell.h>
#include <cv/config.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/lib.h>
#include <cv/paging.h>

struct cell root_cell;

/*
 * The registry: cells[id] is the cell with that id (cells[0] the root), NULL when there is
 * none.  Changed only under the control lock (core/control.c) and the registry lock; read
 * under either.  The non-root cells live in storage[id].
 */
static struct cell *cells[CV_MAX_CELLS];
static struct cell storage[CV_MAX_CELLS];
static spinlock_t registry_lock;

void cells_lock(void)
{
	spin_lock(&registry_lock);
}

void cells_unlock(void)
{
	spin_unlock(&registry_lock);
}
static bool root_told;		/* the notification is pending; the root has not looked yet */

void cell_notify_root(void)
{
	u32 irq = hv.config ? hv.config->platform.notify_irq : 0;

	if (irq && !__atomic_exchange_n(&root_told, true, __ATOMIC_ACQ_REL))
		arch_raise_spi(irq);
}

void cell_root_looks(void)
{
	__atomic_store_n(&root_told, false, __ATOMIC_RELEASE);
}

struct cell *cell_find(u64 id)
{
	return id < CV_MAX_CELLS ? cells[id] : NULL;
}

unsigned int cell_count(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < CV_MAX_CELLS; i++)
		n += cells[i] != NULL;
	return n;
}

struct cell *cell_new(void)
{
	unsigned int id;

	for (id = 1; id < CV_MAX_CELLS; id++) {
		if (!cells[id]) {
			memset(&storage[id], 0, sizeof(storage[id]));
			storage[id].id = id;
			return &storage[id];
		}
	}
	return NULL;
}

int cell_add(struct cell *c)
{
	int err = 0;

	if (c->id >= CV_MAX_CELLS)
		return -CV_EINVAL;
	spin_lock(&registry_lock);
	if (cells[c->id])
		err = -CV_EEXIST;
	else
		cells[c->id] = c;
	spin_unlock(&registry_lock);
	return err;
}

void cell_remove(struct cell *c)
{
	spin_lock(&registry_lock);
	if (c->id < CV_MAX_CELLS && cells[c->id] == c)
		cells[c->id] = NULL;
	spin_unlock(&registry_lock);
}

bool cell_owns_irq(const struct cell *c, u32 irq)
{
	return irq >= 32 && config_has_irq(c->config, irq);
}

unsigned int cell_region_flags(const struct cv_mem_region *r)
{
	unsigned int f = 0;

	if (r->flags & CV_MEM_READ)
		f |= PT_READ;
	if (r->flags & CV_MEM_WRITE)
		f |= PT_WRITE;
	if (r->flags & CV_MEM_EXECUTE)
		f |= PT_EXEC;
	if (r->flags & CV_MEM_IO)
		f |= PT_DEVICE;
	return f;
}

int cell_map_regions(struct cell *c)
{
	const struct cv_mem_region *r = config_mem(c->config);
	unsigned int i;
	int err;

	for (i = 0; i < c->config->mem_regions.count; i++) {
		if (r[i].flags & CV_MEM_COMM_REGION)
			continue;
		err = arch_map_guest(c, r[i].virt_start, r[i].phys_start, r[i].size,
				     cell_region_flags(&r[i]));
		if (err)
			return err;
	}
	return 0;
}

void cell_unmap_regions(struct cell *c)
{
	const struct cv_mem_region *r = config_mem(c->config);
	unsigned int i;

	for (i = 0; i < c->config->mem_regions.count; i++)
		arch_unmap_guest(c, r[i].virt_start, r[i].size);
}

/* cell_ram_to_phys() with c->mem_lock held. */
static u64 ram_to_phys(struct cell *c, u64 ipa, u64 size, bool write)
{
	const struct cv_mem_region *r = config_mem(c->config);
	u64 need = CV_MEM_READ | (write ? CV_MEM_WRITE : 0), phys = 0, off;
	unsigned int i;

	for (i = 0; i < c->config->mem_regions.count && !phys; i++) {
		if (r[i].flags & (CV_MEM_IO | CV_MEM_COMM_REGION) || (r[i].flags & need) != need)
			continue;
		if (size && range_within(ipa, size, r[i].virt_start, r[i].size))
			phys = r[i].phys_start + (ipa - r[i].virt_start);
	}
	/* Every page of it still the cell's, where its configuration says. */
	for (off = 0; phys && off < (ipa & (PAGE_SIZE - 1)) + size; off += PAGE_SIZE)
		if (arch_guest_phys(c, (ipa & ~(PAGE_SIZE - 1)) + off, write) !=
		    (phys & ~(PAGE_SIZE - 1)) + off)
			return 0;
	return phys;
}

u64 cell_ram_to_phys(struct cell *c, u64 ipa, u64 size, bool write)
{
	u64 phys;

	spin_lock(&c->mem_lock);
	phys = ram_to_phys(c, ipa, size, write);
	spin_unlock(&c->mem_lock);
	return phys;
}

void scrub_memory(u64 phys, u64 size)
{
	u64 off;

	for (off = 0; off < size; off += PAGE_SIZE) {
		void *page = arch_map_temp(phys + off);

		memset(page, 0, PAGE_SIZE);
		arch_unmap_temp(page);
	}
}

static int copy(struct cell *c, u64 ipa, void *buf, u64 len, bool to_cell)
{
	while (len) {
		u64 chunk = MIN(len, PAGE_SIZE - (ipa & (PAGE_SIZE - 1)));
		u64 phys;
		u8 *page;

		/* Held over the copy: the page cannot change hands in between. */
		spin_lock(&c->mem_lock);
		phys = ram_to_phys(c, ipa, chunk, to_cell);
		if (!phys) {
			spin_unlock(&c->mem_lock);
			return -CV_EFAULT;
		}
		page = (u8 *)arch_map_temp(phys & ~(PAGE_SIZE - 1)) + (phys & (PAGE_SIZE - 1));
		if (to_cell)
			memcpy(page, buf, chunk);
		else
			memcpy(buf, page, chunk);
		arch_unmap_temp(page);
		spin_unlock(&c->mem_lock);
		ipa += chunk;
		buf = (u8 *)buf + chunk;
		len -= chunk;
	}
	return 0;
}

int cell_copy_to(struct cell *c, u64 ipa, const void *src, u64 len)
{
	return copy(c, ipa, (void *)src, len, true);
}

int cell_copy_from(struct cell *c, void *dst, u64 ipa, u64 len)
{
	return copy(c, ipa, dst, len, false);
}
