// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor: PCI configuration space (ECAM), partitioned per cell.
 *
 * No cell maps the ECAM window; every access traps and lands here.  A non-root cell sees
 * the functions its configuration lists; the root cell sees every function that no other
 * cell holds.  A function the cell does not see reads as all-ones (no device) and ignores
 * writes.  A non-root cell's writes to its BARs and expansion ROM address are ignored too:
 * the BARs stay where the configuration puts them, where the cell's stage 2 maps them.
 */
#include <cv/cell.h>
#include <cv/config.h>
#include <cv/hv.h>

#define PCI_COMMAND	0x04
#define PCI_COMMAND_INTX_OFF	(1U << 10)
#define PCI_BAR_FIRST	0x10
#define PCI_BAR_END	0x28
#define PCI_ROM		0x30

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

	if (c != &root_cell)
		return pci_listed(c->config, d);
	for (id = 1; id < CV_MAX_CELLS; id++) {
		const struct cell *o = cell_find(id);

		if (o && pci_listed(o->config, d))
			return false;
	}
	return true;
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
	if (!(a->write && c != &root_cell && bar_register(reg)))
		ecam_rw(a->addr, a->size, a->write, &a->value);
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
	u64 off, cmd = PCI_COMMAND_INTX_OFF;
	unsigned int i;

	for (i = 0; i < c->config->pci_devices.count; i++) {
		off = ((u64)(d[i].bus - p->pci_bus_start) << 20) | (u64)d[i].devfn << 12;
		ecam_rw(off + PCI_COMMAND, 2, true, &cmd);
	}
}

int pci_cell_init(struct cell *c)
{
	const struct cv_platform *p = &hv.config->platform;
	u64 size = (u64)(p->pci_bus_end - p->pci_bus_start + 1) << 20;

	if (!p->pci_ecam_base || (c != &root_cell && !c->config->pci_devices.count))
		return 0;
	return mmio_register(c, p->pci_ecam_base, size, ecam_access, c);
}
