// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor: PCI configuration space (ECAM), partitioned per cell.
 *
 * No cell maps the ECAM window; every access traps and lands here.  A non-root cell sees
 * the functions its configuration lists; the root cell sees every function that no other
 * cell holds.  A function the cell does not see reads as all-ones (no device) and ignores
 * writes.  A non-root cell's writes to its BARs and expansion ROM address are ignored too:
 * the BARs stay where the configuration puts them, where the cell's stage 2 maps them.
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

bool pci_listed(const struct cv_cell_config *cfg, const struct cv_pci_device *d)
{
	const struct cv_pci_device *p = config_pci(cfg);
	unsigned int i;

	for (i = 0; i < cfg->pci_devices.count; i++)
		if (p[i].domain == d->domain && p[i].bus == d->bus && p[i].devfn == d->devfn)
			return true;
	return false;
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

static enum mmio_result ecam_access(void *arg, struct mmio_access *a)
{
	const struct cell *c = arg;
	const struct cv_platform *p = &hv.config->platform;
	struct cv_pci_device d = { .domain = p->pci_domain };
	u64 reg = a->addr & (PAGE_SIZE - 1);

	if (a->size > 4 || (reg & (a->size - 1)))
		return MMIO_UNHANDLED;
	d.bus = (u8)(p->pci_bus_start + (a->addr >> 20));
	d.devfn = (u8)(a->addr >> 12);
	if (!pci_visible(c, &d)) {
		if (!a->write)
			a->value = ~0ULL;
		return MMIO_HANDLED;
	}
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
	const struct cv_platform *p = &hv.config->platform;
	const struct cv_pci_device *d = config_pci(c->config);
	unsigned int i;

	for (i = 0; i < c->config->pci_devices.count; i++)
		ecam_write(((u64)(d[i].bus - p->pci_bus_start) << 20 | (u64)d[i].devfn << 12) +
			   PCI_COMMAND, 2, PCI_COMMAND_INTX_OFF);
}

int pci_cell_init(struct cell *c)
{
	const struct cv_platform *p = &hv.config->platform;
	u64 size = (u64)(p->pci_bus_end - p->pci_bus_start + 1) << 20;

	if (!p->pci_ecam_base || (c != &root_cell && !c->config->pci_devices.count))
		return 0;
	return mmio_register(c, p->pci_ecam_base, size, ecam_access, c);
}
