// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor: PCI configuration space (ECAM), partitioned per cell.
 *
 * No cell maps the ECAM window; every access traps and lands here.  A non-root cell sees
 * the functions its configuration lists; the root cell sees every function that no other
 * cell holds.  A function the cell does not see reads as all-ones (no device) and ignores
 * writes.  A non-root cell's BARs stay where the configuration puts them, where its stage 2
 * maps them: the cell sees BAR registers of its own (struct pci_bar_view), which it can size
 * as an OS does (all-ones written, the size mask read back) and write, without moving the
 * real ones; its functions have no expansion ROM.
 *
 * The root cell places its own functions' BARs, but it must not make one decode over
 * another cell's BAR: both devices would answer there.  So when the root writes a BAR or
 * turns memory decoding on, decoding is off while the write happens, the function's BARs are
 * sized (as Linux does, with decoding off) and decoding comes back only if none of them
 * overlaps a BAR of another cell.  Bus addresses of memory BARs are taken to be CPU
 * physical addresses (as on QEMU virt); bridge windows are not checked.
 */
#include <cv/cell.h>
#include <cv/config.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/spinlock.h>

#define PCI_COMMAND	0x04
#define PCI_COMMAND_MEMORY	(1U << 1)
#define PCI_COMMAND_INTX_OFF	(1U << 10)
#define PCI_HEADER_TYPE	0x0e
#define PCI_BAR_FIRST	0x10
#define PCI_BAR_END	0x28
#define PCI_BAR_IO	0x1
#define PCI_BAR_TYPE	0x6		/* memory BARs: 0 32-bit, 4 64-bit */
#define PCI_BAR_MEM64	0x4
#define PCI_ROM		0x30
#define PCI_ROM_ENABLE	0x1
#define PCI_ROM_MASK	0xfffff800U

static spinlock_t root_decode_lock;	/* one root write of a BAR or command at a time */

/* Where the configuration lists function 'd', or -1. */
static int pci_index(const struct cv_cell_config *cfg, const struct cv_pci_device *d)
{
	const struct cv_pci_device *p = config_pci(cfg);
	unsigned int i;

	for (i = 0; i < cfg->pci_devices.count; i++)
		if (p[i].domain == d->domain && p[i].bus == d->bus && p[i].devfn == d->devfn)
			return (int)i;
	return -1;
}

bool pci_listed(const struct cv_cell_config *cfg, const struct cv_pci_device *d)
{
	return pci_index(cfg, d) >= 0;
}

/* Does cell 'c' see function 'd'? */
static bool pci_visible(const struct cell *c, const struct cv_pci_device *d)
{
	unsigned int id;

	bool visible = true;

	if (c != &root_cell)
		return pci_listed(c->config, d);
	cells_lock();
	for (id = 1; id < CV_MAX_CELLS && visible; id++) {
		const struct cell *o = cell_find(id);

		visible = !o || !pci_listed(o->config, d);
	}
	cells_unlock();
	return visible;
}

static bool bar_register(u64 reg)
{
	return (reg >= PCI_BAR_FIRST && reg < PCI_BAR_END) || (reg >= PCI_ROM && reg < PCI_ROM + 4);
}

/* One access to the real configuration space, 'off' bytes into the ECAM window. */
static void ecam_rw(u64 off, unsigned int size, bool write, u64 *value)
{
	volatile u8 *page = arch_map_temp_io(hv.config->platform.pci_ecam_base +
					     (off & ~(PAGE_SIZE - 1)));
	volatile void *reg = page + (off & (PAGE_SIZE - 1));

	if (write && size == 4)
		*(volatile u32 *)reg = (u32)*value;
	else if (write && size == 2)
		*(volatile u16 *)reg = (u16)*value;
	else if (write)
		*(volatile u8 *)reg = (u8)*value;
	else if (size == 4)
		*value = *(volatile u32 *)reg;
	else if (size == 2)
		*value = *(volatile u16 *)reg;
	else
		*value = *(volatile u8 *)reg;
	arch_unmap_temp((void *)page);
}

static u64 ecam_read(u64 off, unsigned int size)
{
	u64 v;

	ecam_rw(off, size, false, &v);
	return v;
}

static void ecam_write(u64 off, unsigned int size, u64 v)
{
	ecam_rw(off, size, true, &v);
}

/* Size a 32-bit BAR register the way Linux does (decoding must be off): its address mask. */
static u32 bar_mask(u64 reg)
{
	u32 old = (u32)ecam_read(reg, 4), mask;

	ecam_write(reg, 4, 0xffffffffU);
	mask = (u32)ecam_read(reg, 4);
	ecam_write(reg, 4, old);
	return mask;
}

/* Does a memory range overlap a BAR of a cell other than the root?  Names it if so. */
static const struct cell *bar_clash(u64 start, u64 size)
{
	unsigned int id, i, b;

	for (id = 1; id < CV_MAX_CELLS; id++) {
		const struct cell *o = cell_find(id);
		const struct cv_pci_device *d = o ? config_pci(o->config) : NULL;

		for (i = 0; o && i < o->config->pci_devices.count; i++)
			for (b = 0; b < CV_PCI_NUM_BARS; b++)
				if (d[i].bars[b].size &&
				    ranges_overlap(start, size, d[i].bars[b].address, d[i].bars[b].size))
					return o;
	}
	return NULL;
}

/* Is the root's BAR at start+size over another cell's BAR?  Says so on the console. */
static bool root_bar_clashes(u64 fn, u64 start, u64 size)
{
	const struct cell *o;

	cells_lock();
	o = bar_clash(start, size);
	if (o)
		printk("Cellvisor: PCI %02x:%02x.%u of the root cell: a BAR at 0x%llx+0x%llx "
		       "overlaps a BAR of cell '%s'; its memory decoding stays off\n",
		       hv.config->platform.pci_bus_start + (unsigned int)(fn >> 20),
		       (unsigned int)(fn >> 15) & 0x1f,
		       (unsigned int)(fn >> 12) & 7, start, size, o->config->name);
	cells_unlock();
	return o;
}

/*
 * Do the memory BARs or the enabled expansion ROM of the root's function at 'fn' overlap
 * another cell's BAR?  Decoding must be off: sizing moves each BAR for a moment.
 */
static bool root_bars_clash(u64 fn)
{
	unsigned int type = (u32)ecam_read(fn + PCI_HEADER_TYPE, 1) & 0x7f;
	u64 end = fn + PCI_BAR_FIRST + (type == 0 ? 24 : type == 1 ? 8 : 0);
	u64 reg, start, mask;
	u32 lo;

	for (reg = fn + PCI_BAR_FIRST; reg < end; reg += 4) {
		lo = (u32)ecam_read(reg, 4);
		if (lo & PCI_BAR_IO)
			continue;
		start = lo & ~0xfULL;
		mask = bar_mask(reg) & ~0xfULL;
		if ((lo & PCI_BAR_TYPE) == PCI_BAR_MEM64 && reg + 4 < end) {
			reg += 4;
			start |= ecam_read(reg, 4) << 32;
			mask |= (u64)bar_mask(reg) << 32;
		} else if (mask) {
			mask |= ~0xffffffffULL;
		}
		if (mask && root_bar_clashes(fn, start, ~mask + 1))
			return true;
	}
	lo = (u32)ecam_read(fn + PCI_ROM, 4);
	if (type != 0 || !(lo & PCI_ROM_ENABLE))
		return false;
	mask = bar_mask(fn + PCI_ROM) & PCI_ROM_MASK;
	return mask && root_bar_clashes(fn, lo & PCI_ROM_MASK, ~(mask | ~0xffffffffULL) + 1);
}

/*
 * The root writes a BAR or the command register of its function 'fn': with memory
 * decoding off, then on again if the root wants it and its BARs clash with no other cell.
 */
static void root_decode_write(u64 fn, struct mmio_access *a)
{
	u64 cmd;
	bool want;

	spin_lock(&root_decode_lock);	/* no other root CPU writes in between check and on */
	cmd = ecam_read(fn + PCI_COMMAND, 2);
	want = cmd & PCI_COMMAND_MEMORY;
	if ((a->addr & (PAGE_SIZE - 1)) == PCI_COMMAND) {
		want = a->value & PCI_COMMAND_MEMORY;
		ecam_write(a->addr, a->size, a->value & ~(u64)PCI_COMMAND_MEMORY);
	} else {
		if (want)
			ecam_write(fn + PCI_COMMAND, 2, cmd & ~(u64)PCI_COMMAND_MEMORY);
		ecam_write(a->addr, a->size, a->value);
	}
	if (want && !root_bars_clash(fn))
		ecam_write(fn + PCI_COMMAND, 2, ecam_read(fn + PCI_COMMAND, 2) | PCI_COMMAND_MEMORY);
	spin_unlock(&root_decode_lock);
}

/* Offset of a function's configuration space in the ECAM window. */
static u64 ecam_fn(const struct cv_pci_device *d)
{
	return (u64)(d->bus - hv.config->platform.pci_bus_start) << 20 | (u64)d->devfn << 12;
}

/* BAR registers of the function at 'fn': 6 for an endpoint, 2 for a bridge, else none. */
static unsigned int num_bars(u64 fn)
{
	unsigned int type = (u32)ecam_read(fn + PCI_HEADER_TYPE, 1) & 0x7f;

	return type == 0 ? 6 : type == 1 ? 2 : 0;
}

/*
 * A non-root cell's access to a BAR register of its function number i: its own view
 * (any access size; the expansion ROM reads as none).  False: not a BAR register.
 */
static bool cell_bar_access(const struct cell *c, unsigned int i, struct mmio_access *a)
{
	u64 reg = a->addr & (PAGE_SIZE - 1), fn = a->addr & ~(u64)(PAGE_SIZE - 1);
	unsigned int shift = (reg & 3) * 8;
	u32 bits = (u32)(~0ULL >> (64 - 8 * a->size)) << shift;
	struct pci_bar_view *v;

	if (reg >= PCI_ROM && reg < PCI_ROM + 4) {
		if (!a->write)
			a->value = 0;
		return true;
	}
	if (reg < PCI_BAR_FIRST || reg >= PCI_BAR_FIRST + 4 * num_bars(fn))
		return false;
	v = &c->bars[i * CV_PCI_NUM_BARS + (reg - PCI_BAR_FIRST) / 4];
	if (a->write)
		v->value = (v->value & ~(bits & v->mask)) | ((u32)(a->value << shift) & bits & v->mask);
	else
		a->value = (v->value & bits) >> shift;
	return true;
}

static enum mmio_result ecam_access(void *arg, struct mmio_access *a)
{
	const struct cell *c = arg;
	const struct cv_platform *p = &hv.config->platform;
	struct cv_pci_device d = { .domain = p->pci_domain };
	u64 reg = a->addr & (PAGE_SIZE - 1);
	int i;

	if (a->size > 4 || (reg & (a->size - 1)))
		return MMIO_UNHANDLED;
	d.bus = (u8)(p->pci_bus_start + (a->addr >> 20));
	d.devfn = (u8)(a->addr >> 12);
	i = c == &root_cell ? -1 : pci_index(c->config, &d);
	if (c == &root_cell ? !pci_visible(c, &d) : i < 0) {
		if (!a->write)
			a->value = ~0ULL;
		return MMIO_HANDLED;
	}
	if (i >= 0 && c->bars && cell_bar_access(c, (unsigned int)i, a))
		return MMIO_HANDLED;
	if (a->write && (reg == PCI_COMMAND || bar_register(reg))) {
		if (c == &root_cell)
			root_decode_write(a->addr & ~(u64)(PAGE_SIZE - 1), a);
		else if (!bar_register(reg))
			ecam_rw(a->addr, a->size, true, &a->value);
	} else {
		ecam_rw(a->addr, a->size, a->write, &a->value);
	}
	return MMIO_HANDLED;
}

/*
 * Quiesce the cell's functions when they change hands: no memory or I/O decoding, no DMA
 * (bus mastering), no INTx.  The new owner enables what it uses.
 */
void pci_cell_quiesce(const struct cell *c)
{
	const struct cv_pci_device *d = config_pci(c->config);
	unsigned int i;

	for (i = 0; i < c->config->pci_devices.count; i++)
		ecam_write(ecam_fn(&d[i]) + PCI_COMMAND, 2, PCI_COMMAND_INTX_OFF);
}

/*
 * The view of BAR b of function number i: the real BAR's size (its decoding is off), the
 * address the configuration gives.  A 64-bit BAR takes the next register too.  Returns the
 * registers it took.
 */
static unsigned int view_bar(struct cell *c, unsigned int i, unsigned int b, unsigned int n)
{
	const struct cv_pci_device *d = &config_pci(c->config)[i];
	struct pci_bar_view *v = &c->bars[i * CV_PCI_NUM_BARS + b];
	u64 reg = ecam_fn(d) + PCI_BAR_FIRST + 4 * b, addr = d->bars[b].address, size;
	u32 lo = (u32)ecam_read(reg, 4);

	if (!d->bars[b].size || (lo & PCI_BAR_IO))
		return 1;	/* not the cell's: reads as no BAR (and a cell has no I/O space) */
	v->mask = bar_mask(reg) & ~0xfU;
	v->home = ((u32)addr & v->mask) | (lo & 0xf);
	size = (u32)(~v->mask + 1);
	if ((lo & PCI_BAR_TYPE) == PCI_BAR_MEM64 && b + 1 < n) {
		v[1].mask = bar_mask(reg + 4);
		v[1].home = (u32)(addr >> 32) & v[1].mask;
		size = ~((u64)v[1].mask << 32 | v->mask) + 1;
	}
	if (v->mask && size > d->bars[b].size)
		printk("Cellvisor: create '%s': BAR %u of PCI device %02x:%02x.%u decodes 0x%llx "
		       "bytes, more than the 0x%llx its configuration gives the cell\n",
		       c->config->name, b, d->bus, d->devfn >> 3, d->devfn & 7, size,
		       d->bars[b].size);
	return (lo & PCI_BAR_TYPE) == PCI_BAR_MEM64 && b + 1 < n ? 2 : 1;
}

void pci_cell_bars(struct cell *c)
{
	const struct cv_pci_device *d = config_pci(c->config);
	unsigned int i, b, n;

	for (i = 0; c->bars && i < c->config->pci_devices.count; i++)
		for (b = 0, n = num_bars(ecam_fn(&d[i])); b < n;)
			b += view_bar(c, i, b, n);
	pci_cell_reset_bars(c);
}

void pci_cell_reset_bars(struct cell *c)
{
	unsigned int i;

	for (i = 0; c->bars && i < c->config->pci_devices.count * CV_PCI_NUM_BARS; i++)
		c->bars[i].value = c->bars[i].home;
}

int pci_cell_init(struct cell *c)
{
	const struct cv_platform *p = &hv.config->platform;
	u64 size = (u64)(p->pci_bus_end - p->pci_bus_start + 1) << 20;
	u64 views = c->config->pci_devices.count * CV_PCI_NUM_BARS * sizeof(*c->bars);

	if (!p->pci_ecam_base || (c != &root_cell && !c->config->pci_devices.count))
		return 0;
	if (c != &root_cell) {
		c->bar_pages = page_count(views);
		c->bars = page_alloc(c->bar_pages);
		if (!c->bars)
			return -CV_ENOMEM;
	}
	return mmio_register(c, p->pci_ecam_base, size, ecam_access, c);
}

void pci_cell_free(struct cell *c)
{
	if (c->bars)
		page_free(c->bars, c->bar_pages);
	c->bars = NULL;
}
