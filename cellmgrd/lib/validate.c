// SPDX-License-Identifier: GPL-2.0-only
/* cellconf: the rules a configuration must follow (cellvisor-config(5), VALIDATION). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

#define ERR(path, hint, ...) cc_report(d, CC_ERROR, file, path, hint, __VA_ARGS__)
#define NOTE(path, hint, ...) cc_report(d, CC_NOTE, file, path, hint, __VA_ARGS__)

#define GICD_SIZE	0x10000ULL
#define GICR_STRIDE	0x20000ULL	/* one redistributor (RD_base + SGI_base) per CPU */
#define ECAM_BUS_SIZE	0x100000ULL
#define GIC_MAX_INTID	1019
#define SPI_BASE	32

/* End of [start, start + size), saturated: callers report wrap-around separately. */
static uint64_t end_of(uint64_t start, uint64_t size)
{
	return start + size < start ? UINT64_MAX : start + size;
}

static bool overlap(uint64_t s1, uint64_t z1, uint64_t s2, uint64_t z2)
{
	return z1 && z2 && s1 < end_of(s2, z2) && s2 < end_of(s1, z1);
}

static bool is_ram(const struct cv_mem_region *m)
{
	return !(m->flags & (CV_MEM_IO | CV_MEM_COMM_REGION));
}

/* Is [start, end) covered by the union of the root's regions of the given kind? */
static bool covered(const struct cell_view *root, bool io, uint64_t start, uint64_t end)
{
	while (start < end) {
		uint32_t i;

		for (i = 0; i < root->num_mem; i++) {
			const struct cv_mem_region *m = &root->mem[i];

			if ((m->flags & CV_MEM_COMM_REGION) || !!(m->flags & CV_MEM_IO) != io)
				continue;
			if (m->phys_start <= start && start < end_of(m->phys_start, m->size))
				break;
		}
		if (i == root->num_mem)
			return false;
		start = end_of(root->mem[i].phys_start, root->mem[i].size);
	}
	return true;
}

#define X(v) ((unsigned long long)(v))

/* Hardware the hypervisor keeps for itself: no cell may map it. */
static void check_reserved_hw(const char *file, const char *path, uint64_t start,
			      uint64_t size, const struct cv_system_config *sys, struct cc_diags *d)
{
	const struct cv_platform *pl = &sys->platform;
	uint64_t ecam_size = (uint64_t)(pl->pci_bus_end - pl->pci_bus_start + 1) * ECAM_BUS_SIZE;

	if (overlap(start, size, sys->hv_mem_phys, sys->hv_mem_size))
		ERR(path, "the hypervisor's memory is never mapped into a cell",
		    "overlaps the hypervisor memory 0x%llx..0x%llx", X(sys->hv_mem_phys),
		    X(end_of(sys->hv_mem_phys, sys->hv_mem_size) - 1));
	if (overlap(start, size, pl->gicd_base, GICD_SIZE))
		ERR(path, "the hypervisor emulates the distributor: do not map it",
		    "overlaps the GIC distributor at 0x%llx", X(pl->gicd_base));
	if (overlap(start, size, pl->gicr_base, pl->num_cpus * GICR_STRIDE))
		ERR(path, "the hypervisor handles the redistributors: do not map them",
		    "overlaps the GIC redistributors at 0x%llx", X(pl->gicr_base));
	if (pl->pci_ecam_base && pl->pci_bus_start <= pl->pci_bus_end &&
	    overlap(start, size, pl->pci_ecam_base, ecam_size))
		ERR(path, "the hypervisor mediates PCI configuration space: do not map it",
		    "overlaps the PCI ECAM window at 0x%llx", X(pl->pci_ecam_base));
	if (pl->iommu.type != CV_IOMMU_NONE && overlap(start, size, pl->iommu.base, pl->iommu.size))
		ERR(path, "the hypervisor owns the IOMMU: do not map it",
		    "overlaps the IOMMU's registers at 0x%llx", X(pl->iommu.base));
}

static void check_region(const char *file, const char *prefix, const struct cell_view *v,
			 uint32_t i, bool root, const struct cv_system_config *sys,
			 const struct cell_view *rv, struct cc_diags *d)
{
	const struct cv_mem_region *m = &v->mem[i];
	bool comm = m->flags & CV_MEM_COMM_REGION;
	char rp[PATH_MAX_LEN], p[PATH_MAX_LEN];
	uint64_t phys_end = end_of(m->phys_start, m->size);

	cc_path(rp, "%s.memory_regions[%u]", prefix, i);
#define SUB(key) (cc_path(p, "%s." key, rp), p)
	if (!m->size) {
		ERR(SUB("size"), "give it a size of at least 4 KiB, or remove it", "region is empty");
		return;
	}
	if (m->phys_start % PAGE_SIZE_4K)
		ERR(SUB("phys_start"), "regions start and end on 4 KiB pages",
		    "0x%llx is not a multiple of 4 KiB", X(m->phys_start));
	if (m->virt_start % PAGE_SIZE_4K)
		ERR(SUB("virt_start"), "regions start and end on 4 KiB pages",
		    "0x%llx is not a multiple of 4 KiB", X(m->virt_start));
	if (m->size % PAGE_SIZE_4K)
		ERR(SUB("size"), "regions start and end on 4 KiB pages",
		    "0x%llx is not a multiple of 4 KiB", X(m->size));
	if (m->phys_start + m->size < m->phys_start || m->virt_start + m->size < m->virt_start) {
		ERR(rp, "check the start and size", "region wraps around the 64-bit address space");
		return;
	}
	if (!(m->flags & (CV_MEM_READ | CV_MEM_WRITE)))
		ERR(SUB("flags"), "add \"read\" and/or \"write\"", "region grants no access");
	if ((m->flags & CV_MEM_IO) && (m->flags & (CV_MEM_LOADABLE | CV_MEM_EXECUTE)))
		ERR(SUB("flags"), "device memory is neither loadable nor executable",
		    "\"io\" is combined with \"loadable\" or \"execute\"");
	if (comm) {
		if (root)
			ERR(SUB("flags"), "only non-root cells have one",
			    "the root cell cannot have a communication region");
		if (m->size != PAGE_SIZE_4K)
			ERR(SUB("size"), "it is exactly one page",
			    "communication region of 0x%llx bytes, not 4 KiB", X(m->size));
		if (m->phys_start)
			ERR(SUB("phys_start"), "the hypervisor provides the page: omit phys_start",
			    "communication region has a physical address");
		if (m->flags & ~(CV_MEM_READ | CV_MEM_WRITE | CV_MEM_COMM_REGION))
			ERR(SUB("flags"), "use [\"read\", \"write\", \"comm_region\"]",
			    "communication region with other flags");
	}
	for (uint32_t j = 0; j < i; j++) {
		const struct cv_mem_region *o = &v->mem[j];

		if (overlap(m->virt_start, m->size, o->virt_start, o->size))
			ERR(rp, "regions of a cell must not overlap",
			    "overlaps %s.memory_regions[%u] in the cell's address space", prefix, j);
		else if (comm && (o->flags & CV_MEM_COMM_REGION))
			ERR(rp, "a cell has one communication region",
			    "second communication region (the first is %s.memory_regions[%u])",
			    prefix, j);
		if (!comm && !(o->flags & CV_MEM_COMM_REGION) &&
		    overlap(m->phys_start, m->size, o->phys_start, o->size))
			ERR(rp, "regions of a cell must not overlap",
			    "overlaps %s.memory_regions[%u] in physical memory", prefix, j);
	}
	if (!sys || comm)
		return;
	check_reserved_hw(file, rp, m->phys_start, m->size, sys, d);
	if (!rv)
		return;
	if (is_ram(m) && !covered(rv, false, m->phys_start, phys_end))
		ERR(rp, "a cell's memory is taken from the root cell's RAM regions",
		    "0x%llx..0x%llx is not inside the root cell's RAM", X(m->phys_start),
		    X(phys_end - 1));
	for (uint32_t j = 0; (m->flags & CV_MEM_IO) && j < rv->num_mem; j++)
		if (is_ram(&rv->mem[j]) &&
		    overlap(m->phys_start, m->size, rv->mem[j].phys_start, rv->mem[j].size))
			ERR(rp, "device memory cannot be RAM of the root cell",
			    "\"io\" region overlaps .root_cell.memory_regions[%u], RAM", j);
#undef SUB
}

static bool in_irqs(const struct cell_view *v, uint64_t intid)
{
	for (uint32_t i = 0; i < v->num_irq; i++)
		if (intid >= v->irq[i].first && intid - v->irq[i].first < v->irq[i].count)
			return true;
	return false;
}

static void check_irqs(const char *file, const char *prefix, const struct cell_view *v,
		       const struct cv_system_config *sys, const struct cell_view *rv,
		       struct cc_diags *d)
{
	uint64_t max = GIC_MAX_INTID;
	char p[PATH_MAX_LEN];

	/* The system may be invalid itself (reported there): never trust num_irqs further. */
	if (sys && sys->platform.num_irqs && sys->platform.num_irqs - 1 < max)
		max = sys->platform.num_irqs - 1;

	for (uint32_t i = 0; i < v->num_irq; i++) {
		uint64_t first = v->irq[i].first, last = first + v->irq[i].count - 1;

		cc_path(p, "%s.irqs[%u]", prefix, i);
		if (!v->irq[i].count) {
			ERR(p, "the blob is corrupt", "empty IRQ range");
			continue;
		}
		if (first < SPI_BASE || last > max) {
			char r[48];

			snprintf(r, sizeof(r), first == last ? "INTID %llu is" : "INTIDs %llu-%llu are",
				 (unsigned long long)first, (unsigned long long)last);
			ERR(p, "SGIs and PPIs (0-31) go with the CPUs; list SPIs only",
			    "%s outside the GIC's shared peripheral interrupts %u..%llu", r,
			    SPI_BASE, (unsigned long long)max);
			continue;
		}
		for (uint32_t j = 0; j < i; j++)
			if (first < (uint64_t)v->irq[j].first + v->irq[j].count &&
			    v->irq[j].first <= last)
				ERR(p, "list each INTID once", "overlaps %s.irqs[%u]", prefix, j);
		for (uint64_t n = first; rv && n <= last; n++)
			if (in_irqs(rv, n)) {
				ERR(p, "take it out of the root cell's irqs first, or pick another",
				    "INTID %llu belongs to the root cell's devices",
				    (unsigned long long)n);
				break;
			}
	}
}

static void format_bdf(const struct cv_pci_device *p, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%x", p->domain, p->bus, p->devfn >> 3, p->devfn & 7);
}

static void check_pci(const char *file, const char *prefix, const struct cell_view *v, bool root,
		      const struct cv_system_config *sys, const struct cell_view *rv,
		      struct cc_diags *d)
{
	char dp[PATH_MAX_LEN], p[PATH_MAX_LEN], bdf[16];

	for (uint32_t i = 0; i < v->num_pci; i++) {
		const struct cv_pci_device *dev = &v->pci[i];

		cc_path(dp, "%s.pci_devices[%u]", prefix, i);
		format_bdf(dev, bdf, sizeof(bdf));
		cc_path(p, "%s.bdf", dp);
		for (uint32_t j = 0; j < i; j++)
			if (v->pci[j].domain == dev->domain && v->pci[j].bus == dev->bus &&
			    v->pci[j].devfn == dev->devfn)
				ERR(p, "list each function once", "%s is also %s.pci_devices[%u]",
				    bdf, prefix, j);
		if (sys) {
			const struct cv_platform *pl = &sys->platform;

			if (!pl->pci_ecam_base)
				ERR(p, "describe the PCI host in .platform.pci",
				    "%s given but the platform has no PCI", bdf);
			else if (dev->domain != pl->pci_domain || dev->bus < pl->pci_bus_start ||
				 dev->bus > pl->pci_bus_end)
				ERR(p, "check the address with lspci",
				    "%s is outside the platform's PCI domain %04x, buses %02x-%02x",
				    bdf, pl->pci_domain, pl->pci_bus_start, pl->pci_bus_end);
		}
		for (uint32_t j = 0; !root && rv && j < rv->num_pci; j++)
			if (rv->pci[j].domain == dev->domain && rv->pci[j].bus == dev->bus &&
			    rv->pci[j].devfn == dev->devfn)
				ERR(p, "remove it from the root cell's pci_devices first",
				    "%s belongs to the root cell", bdf);
		if (dev->intx_irq && !in_irqs(v, dev->intx_irq)) {
			cc_path(p, "%s.intx_irq", dp);
			ERR(p, "add it to the cell's irqs",
			    "INTx line %u is not one of the cell's interrupts", dev->intx_irq);
		}
		for (unsigned b = 0; b < CV_PCI_NUM_BARS; b++) {
			const struct cv_pci_bar *bar = &dev->bars[b];

			cc_path(p, "%s.bars[%u]", dp, b);
			if (!bar->size) {
				if (bar->address)
					ERR(p, "an unused BAR is null or has address 0",
					    "address without a size");
				continue;
			}
			if (bar->size & (bar->size - 1) || bar->address & (bar->size - 1)) {
				ERR(p, "copy the BAR from lspci -v",
				    "BAR of 0x%llx bytes at 0x%llx is not a power of two aligned to "
				    "its size", X(bar->size), X(bar->address));
				continue;
			}
			if (bar->address + bar->size < bar->address) {
				ERR(p, "copy the BAR from lspci -v", "BAR wraps around");
				continue;
			}
			if (bar->size < 4096) {
				ERR(p, "boot the root with pci=resource_alignment= so that the BAR "
				    "gets a page of its own",
				    "BAR of 0x%llx bytes is smaller than a 4 KiB page, which it would "
				    "share with another function", X(bar->size));
				continue;
			}
			for (uint32_t j = 0; j < v->num_mem; j++)
				if (overlap(bar->address, bar->size, v->mem[j].virt_start,
					    v->mem[j].size))
					ERR(p, "the hypervisor maps BARs itself: do not list them as regions",
					    "overlaps %s.memory_regions[%u]", prefix, j);
			if (!root && rv && !covered(rv, true, bar->address,
						    end_of(bar->address, bar->size)))
				ERR(p, "the root cell's PCI window must contain it (see lspci -v)",
				    "BAR 0x%llx..0x%llx is not inside the root cell's I/O regions",
				    X(bar->address), X(bar->address + bar->size - 1));
		}
	}
}

static const struct cv_mem_region *find_region(const struct cell_view *v, uint64_t addr,
					       uint64_t need, uint32_t *idx)
{
	for (uint32_t i = 0; i < v->num_mem; i++) {
		const struct cv_mem_region *m = &v->mem[i];

		if ((m->flags & need) == need && !(m->flags & CV_MEM_IO) &&
		    addr >= m->virt_start && addr - m->virt_start < m->size) {
			*idx = i;
			return m;
		}
	}
	return NULL;
}

static void check_cell(const char *file, const char *prefix, const struct cell_view *v,
		       bool root, const struct cv_system_config *sys, const struct cell_view *rv,
		       struct cc_diags *d)
{
	const struct cv_cell_config *c = v->cfg;
	uint64_t all_cpus = 0;
	bool has_comm = false, has_ram = false;
	char p[PATH_MAX_LEN];
	uint32_t idx;

#define SUB(key) (cc_path(p, "%s." key, prefix), p)
	if (!c->name[0])
		ERR(SUB("name"), "e.g. \"gic-demo\"", "name is empty");
	for (const char *s = c->name; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", *s)) {
			ERR(SUB("name"), "use letters, digits, '_', '.' and '-'",
			    "name \"%s\" contains '%c'", c->name, *s >= ' ' && *s < 127 ? *s : '?');
			break;
		}

	if (sys)
		all_cpus = sys->platform.num_cpus >= 64 ? ~0ULL :
			   (1ULL << sys->platform.num_cpus) - 1;
	if (!c->cpu_set)
		ERR(SUB("cpus"), "give the cell at least one CPU", "no CPUs");
	else if (sys && (c->cpu_set & ~all_cpus))
		ERR(SUB("cpus"), "CPUs are numbered from 0 to num_cpus - 1",
		    "CPU %d is beyond the platform's %u CPUs", 63 - __builtin_clzll(c->cpu_set),
		    sys->platform.num_cpus);
	if (root && c->cpu_set && !(c->cpu_set & 1))
		ERR(SUB("cpus"), "Linux boots on CPU 0", "the root cell does not have CPU 0");
	if (!root && (c->cpu_set & 1))
		ERR(SUB("cpus"), "pick CPUs from 1 up", "CPU 0 always stays with the root cell");
	if (!root && rv && (c->cpu_set & ~rv->cfg->cpu_set & ~1ULL))
		ERR(SUB("cpus"), "a cell's CPUs are taken from the root cell",
		    "CPUs 0x%llx are not the root cell's",
		    (unsigned long long)(c->cpu_set & ~rv->cfg->cpu_set & ~1ULL));
	if (!root && rv && c->cpu_set == rv->cfg->cpu_set)
		ERR(SUB("cpus"), "leave the root cell at least one CPU",
		    "takes all of the root cell's CPUs");

	if (root && c->flags)
		ERR(SUB("flags"), "remove them", "the root cell takes no cell flags");
	if (root && (c->entry || c->shutdown_timeout_ms))
		ERR(SUB("entry"), "the blob is corrupt",
		    "entry and shutdown timeout must be 0 for the root cell");

	for (uint32_t i = 0; i < v->num_mem; i++) {
		check_region(file, prefix, v, i, root, sys, rv, d);
		has_comm |= !!(v->mem[i].flags & CV_MEM_COMM_REGION);
		has_ram |= is_ram(&v->mem[i]);
	}
	if (!has_ram)
		ERR(SUB("memory_regions"), "add a region without the \"io\" flag",
		    "the cell has no RAM");
	if (!root && !has_comm && !(c->flags & CV_CELL_PASSIVE_COMMREG))
		ERR(SUB("memory_regions"),
		    "add {\"virt_start\": \"0x80000000\", \"size\": \"4 KiB\", \"flags\": [\"read\", "
		    "\"write\", \"comm_region\"]}, or set the flag \"passive_comm_region\"",
		    "no communication region, which a cell that answers shutdown requests needs");
	if (!root && !find_region(v, c->entry, CV_MEM_EXECUTE, &idx))
		ERR(SUB("entry"), "point it into a region with \"execute\", usually the image's "
		    "load address", "0x%llx is not inside executable RAM of the cell", X(c->entry));

	switch (c->console.type) {
	case CV_CONSOLE_PL011:
		if (!c->console.address) {
			ERR(SUB("console.address"), "give the UART's MMIO base",
			    "a pl011 console needs an address");
		} else if (!root) {
			for (idx = 0; idx < v->num_mem; idx++)
				if ((v->mem[idx].flags & CV_MEM_IO) &&
				    c->console.address >= v->mem[idx].virt_start &&
				    c->console.address - v->mem[idx].virt_start < v->mem[idx].size)
					break;
			if (idx == v->num_mem)
				ERR(SUB("console.address"),
				    "add an \"io\" region for the UART, or use \"hvc\"",
				    "UART at 0x%llx is not in an I/O region of the cell",
				    X(c->console.address));
		}
		break;
	case CV_CONSOLE_VPL011:
		if (root) {
			ERR(SUB("console.type"), "use \"pl011\", \"hvc\" or \"none\"",
			    "the root cell has no emulated UART");
		} else if (!c->console.address || c->console.address % PAGE_SIZE_4K) {
			ERR(SUB("console.address"), "give a page-aligned guest physical address "
			    "outside the cell's memory regions", "a vpl011 console needs an address");
		} else {
			for (idx = 0; idx < v->num_mem; idx++)
				if (overlap(c->console.address, PAGE_SIZE_4K,
					    v->mem[idx].virt_start, v->mem[idx].size))
					ERR(SUB("console.address"), "move it outside the cell's "
					    "memory regions (a QEMU virt machine has its UART at "
					    "0x09000000)",
					    "the emulated UART at 0x%llx lies in memory_regions[%u]",
					    X(c->console.address), idx);
		}
		break;
	default:
		if (c->console.address)
			ERR(SUB("console.address"), "only a pl011 or vpl011 console has an address",
			    "address given for a \"%s\" console",
			    cc_console_type_names[c->console.type]);
	}
	if (c->console.flags & CV_CONSOLE_MIRROR)
		ERR(SUB("console.flags"), "only the system's debug_console mirrors",
		    "\"mirror\" given for a cell's console");

	check_irqs(file, prefix, v, sys, rv, d);
	check_pci(file, prefix, v, root, sys, rv, d);
#undef SUB
}

static void check_system(const char *file, const struct cv_system_config *s,
			 struct cc_diags *d)
{
	const struct cv_platform *pl = &s->platform;
	const struct cv_console *con = &s->debug_console;
	struct cell_view rv;

	if (!s->hv_mem_size)
		ERR(".hypervisor_memory.size", "the hypervisor needs a few MiB", "size is 0");
	if (s->hv_mem_phys % PAGE_SIZE_4K || s->hv_mem_size % PAGE_SIZE_4K)
		ERR(".hypervisor_memory", "use 4 KiB multiples",
		    "start 0x%llx or size 0x%llx is not a multiple of 4 KiB", X(s->hv_mem_phys),
		    X(s->hv_mem_size));
	if (s->hv_mem_phys + s->hv_mem_size < s->hv_mem_phys)
		ERR(".hypervisor_memory", NULL, "wraps around the 64-bit address space");

	if (con->type == CV_CONSOLE_HVC || con->type == CV_CONSOLE_VPL011)
		ERR(".debug_console.type", "use \"pl011\" or \"none\"",
		    "the hypervisor's console must be a UART");
	else if (con->type == CV_CONSOLE_PL011 && !con->address)
		ERR(".debug_console.address", "give the UART's MMIO base",
		    "a pl011 console needs an address");
	else if (con->type == CV_CONSOLE_NONE && (con->address || con->flags))
		ERR(".debug_console", "remove them", "address or flags without a console");

	if (pl->gic_version != CV_GIC_V3)
		ERR(".platform.gic.version", "only GICv3 is supported", "version %u",
		    pl->gic_version);
	if (!pl->gicd_base || pl->gicd_base % 0x10000)
		ERR(".platform.gic.gicd_base", "the distributor is 64 KiB aligned",
		    "0x%llx is not a valid base", X(pl->gicd_base));
	if (!pl->gicr_base || pl->gicr_base % 0x10000)
		ERR(".platform.gic.gicr_base", "the redistributors are 64 KiB aligned",
		    "0x%llx is not a valid base", X(pl->gicr_base));
	if (pl->maintenance_irq < 16 || pl->maintenance_irq > 31)
		ERR(".platform.gic.maintenance_irq", "it is a PPI, INTID 16-31 (25 on QEMU virt)",
		    "INTID %u is not a PPI", pl->maintenance_irq);
	/* 1020, not 1024: INTIDs 1020-1023 are special (the hypervisor checks the same). */
	if (pl->num_irqs < 64 || pl->num_irqs > 1020 || (pl->num_irqs % 32 && pl->num_irqs != 1020))
		ERR(".platform.gic.num_irqs",
		    "32 * (GICD_TYPER.ITLinesNumber + 1), at most 1020; 256 on QEMU virt",
		    "%u is not a GICv3 interrupt count", pl->num_irqs);
	if (!pl->num_cpus || pl->num_cpus > CV_MAX_CPUS)
		ERR(".platform.num_cpus", "1 to 64", "%u CPUs", pl->num_cpus);
	if (pl->pci_ecam_base) {
		if (pl->pci_ecam_base % ECAM_BUS_SIZE)
			ERR(".platform.pci.ecam_base", "ECAM windows are 1 MiB aligned",
			    "0x%llx is not a multiple of 1 MiB", X(pl->pci_ecam_base));
		if (pl->pci_bus_start > pl->pci_bus_end)
			ERR(".platform.pci.bus_end", NULL, "bus range %u-%u is empty",
			    pl->pci_bus_start, pl->pci_bus_end);
	} else if (pl->pci_domain || pl->pci_bus_start || pl->pci_bus_end) {
		ERR(".platform.pci", "give ecam_base", "PCI buses without an ECAM window");
	}

	if (pl->iommu.type == CV_IOMMU_SMMUV3) {
		if (!pl->pci_ecam_base)
			ERR(".platform.iommu", "give .platform.pci, or remove the IOMMU",
			    "an IOMMU without PCI");
		if (!pl->iommu.base || pl->iommu.base % 0x10000)
			ERR(".platform.iommu.base", "the SMMU's registers are 64 KiB aligned "
			    "(0x09050000 on QEMU virt with iommu=smmuv3)", "0x%llx is not a valid base",
			    X(pl->iommu.base));
		if (pl->iommu.size < CV_IOMMU_MIN_SIZE || pl->iommu.size % 0x10000)
			ERR(".platform.iommu.size", "register pages 0 and 1: 128 KiB",
			    "0x%llx bytes", X(pl->iommu.size));
		if (!pl->iommu.stream_id_bits ||
		    pl->iommu.stream_id_bits > CV_IOMMU_MAX_STREAM_BITS)
			ERR(".platform.iommu.stream_id_bits", "1 to 16; 8 covers bus 0",
			    "%u bits", pl->iommu.stream_id_bits);
		if (pl->iommu.event_irq && (pl->iommu.event_irq < 32 ||
					    pl->iommu.event_irq >= pl->num_irqs))
			ERR(".platform.iommu.event_irq", "an SPI (106 on QEMU virt)",
			    "INTID %u is not an SPI", pl->iommu.event_irq);
	}

	cc_cell_view((const void *)((const char *)s + s->root_cell.offset), &rv);
	check_cell(file, ".root_cell", &rv, true, s, NULL, d);
	if (pl->notify_irq && (pl->notify_irq < 32 || pl->notify_irq >= pl->num_irqs ||
			       !in_irqs(&rv, pl->notify_irq)))
		ERR(".platform.gic.notify_irq",
		    "an SPI no device uses, listed in .root_cell.irqs (100 on QEMU virt)",
		    "INTID %u is not an SPI of the root cell", pl->notify_irq);
	if (con->type == CV_CONSOLE_PL011)
		for (uint32_t i = 0; i < rv.num_mem; i++)
			if (overlap(con->address, 1, rv.mem[i].phys_start, rv.mem[i].size))
				cc_report(d, CC_WARNING, file, ".debug_console.address",
					  "the root cell should not drive the hypervisor's UART",
					  "UART at 0x%llx is inside .root_cell.memory_regions[%u]",
					  X(con->address), i);
}

/* Something loaded into a cell before it starts. */
struct load {
	char path[PATH_MAX_LEN];
	uint64_t address, size;
	bool size_known;
};

static void check_load(const struct cc_config *c, const struct cell_view *v, struct load *l,
		       const char *file_name, unsigned flags, struct cc_diags *d)
{
	const char *file = c->file;
	const struct cv_mem_region *m;
	struct stat st;
	uint32_t idx;

	if (file_name) {
		if (stat(file_name, &st) == 0 && S_ISREG(st.st_mode)) {
			l->size = st.st_size;
			l->size_known = true;
		} else if (flags & CC_CHECK_FILES) {
			ERR(l->path, "install it, or fix the path", "cannot use %s: %s", file_name,
			    errno ? strerror(errno) : "not a regular file");
		} else {
			NOTE(l->path, "check again where the file is installed",
			     "%s is not here: its size was not checked", file_name);
		}
	}
	m = find_region(v, l->address, CV_MEM_LOADABLE, &idx);
	if (!m)
		ERR(l->path, "add \"loadable\" to the region's flags, or change the address",
		    "0x%llx is not inside a loadable RAM region of the cell", X(l->address));
	else if (l->size_known && l->size > m->size - (l->address - m->virt_start))
		ERR(l->path, "make the region larger or load it lower",
		    "%llu bytes at 0x%llx do not fit in .memory_regions[%u], which ends at 0x%llx",
		    X(l->size), X(l->address), idx, X(m->virt_start + m->size - 1));
}

static void check_loads(const struct cc_config *c, const struct cell_view *v, unsigned flags,
			struct cc_diags *d)
{
	size_t n = c->num_images + c->has_params;
	const char *file = c->file;
	struct load *l = cc_xzalloc(n * sizeof(*l));

	for (size_t i = 0; i < c->num_images; i++) {
		cc_path(l[i].path, ".images[%zu]", i);
		l[i].address = c->images[i].address;
		check_load(c, v, &l[i], c->images[i].path, flags, d);
	}
	if (c->has_params) {
		struct load *p = &l[n - 1];

		cc_path(p->path, ".parameters");
		p->address = c->params_address;
		if (c->params_text) {
			/* One page: the text, its NUL and zeros (cc_params_page()). */
			if (strlen(c->params_text) >= CC_PARAMS_PAGE_SIZE)
				ERR(".parameters.text", "shorten it, or load it from a \"file\"",
				    "%zu characters do not fit in the %u-byte parameter page with "
				    "their terminating NUL", strlen(c->params_text),
				    CC_PARAMS_PAGE_SIZE);
			p->size = CC_PARAMS_PAGE_SIZE;
			p->size_known = true;
		}
		check_load(c, v, p, c->params_file, flags, d);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (l[i].size_known && l[j].size_known &&
			    overlap(l[i].address, l[i].size, l[j].address, l[j].size))
				ERR(l[i].path, "load them at different addresses", "overlaps %s",
				    l[j].path);
	free(l);
}

bool cc_validate(const struct cc_config *c, const struct cc_config *system, unsigned flags,
		 struct cc_diags *d)
{
	const struct cv_system_config *sys = system ? cc_system(system) : NULL;
	const char *file = c->file;
	unsigned errors = d->errors;
	struct cell_view v, rv;

	if (cc_system(c)) {
		check_system(file, cc_system(c), d);
		if (d->errors == errors)
			cc_check_hypervisor_rules(c, NULL, d);
		return d->errors == errors;
	}
	if (sys)
		cc_cell_view(cc_cell(system), &rv);
	else
		NOTE(NULL, "give the system configuration too: cellctl config check system.json "
		     "CELL.json", "checked without a system configuration: CPUs, memory, IRQs and "
		     "devices were not checked against the platform and the root cell");
	cc_cell_view(c->blob, &v);
	check_cell(file, "", &v, false, sys, sys ? &rv : NULL, d);
	check_loads(c, &v, flags, d);
	/* Whatever the rules above let through, the hypervisor's own checks do not. */
	if (d->errors == errors)
		cc_check_hypervisor_rules(c, sys, d);
	return d->errors == errors;
}

bool cc_check_blob(const char *file, const void *data, size_t len,
		   const struct cc_config *system, struct cc_diags *d)
{
	struct cc_config *c = cc_load_blob(file, data, len, d);
	bool ok;

	if (!c)
		return false;
	ok = cc_validate(c, system, 0, d);
	cc_free(c);
	return ok;
}

/* Report, against cell B, everything it claims that cell A claims too. */
static void check_pair(const struct cc_config *a, const struct cc_config *b, struct cc_diags *d)
{
	const char *file = b->file;
	struct cell_view va, vb;
	char p[PATH_MAX_LEN], who[PATH_MAX_LEN + CV_CELL_NAME_LEN + 8];
	uint64_t cpus;

	cc_cell_view(a->blob, &va);
	cc_cell_view(b->blob, &vb);
	snprintf(who, sizeof(who), "cell \"%s\" (%s)", va.cfg->name, a->file);
	if (!strcmp(va.cfg->name, vb.cfg->name))
		ERR(".name", "give each cell its own name", "\"%s\" is also the name of %s",
		    vb.cfg->name, a->file);
	cpus = va.cfg->cpu_set & vb.cfg->cpu_set;
	if (cpus)
		ERR(".cpus", "give each cell its own CPUs", "CPU %d is also claimed by %s",
		    __builtin_ctzll(cpus), who);
	for (uint32_t i = 0; i < vb.num_mem; i++)
		for (uint32_t j = 0; j < va.num_mem; j++) {
			const struct cv_mem_region *mb = &vb.mem[i], *ma = &va.mem[j];

			if ((ma->flags | mb->flags) & CV_MEM_COMM_REGION ||
			    !overlap(mb->phys_start, mb->size, ma->phys_start, ma->size))
				continue;
			cc_path(p, ".memory_regions[%u]", i);
			ERR(p, "cells must not share memory",
			    "overlaps .memory_regions[%u] of %s", j, who);
		}
	for (uint32_t i = 0; i < vb.num_irq; i++)
		for (uint32_t j = 0; j < va.num_irq; j++) {
			uint64_t fb = vb.irq[i].first, lb = fb + vb.irq[i].count - 1;
			uint64_t fa = va.irq[j].first, la = fa + va.irq[j].count - 1;

			if (fb > la || fa > lb)
				continue;
			cc_path(p, ".irqs[%u]", i);
			ERR(p, "an interrupt line belongs to one cell",
			    "INTID %llu is also claimed by %s",
			    (unsigned long long)(fa > fb ? fa : fb), who);
		}
	for (uint32_t i = 0; i < vb.num_pci; i++)
		for (uint32_t j = 0; j < va.num_pci; j++) {
			char bdf[16];

			if (vb.pci[i].domain != va.pci[j].domain || vb.pci[i].bus != va.pci[j].bus ||
			    vb.pci[i].devfn != va.pci[j].devfn)
				continue;
			format_bdf(&vb.pci[i], bdf, sizeof(bdf));
			cc_path(p, ".pci_devices[%u].bdf", i);
			ERR(p, "a device belongs to one cell", "%s is also claimed by %s", bdf, who);
		}
}

bool cc_validate_set(const struct cc_config *const *cells, size_t n,
		     const struct cc_config *system, struct cc_diags *d)
{
	unsigned errors = d->errors;

	for (size_t i = 0; i < n; i++) {
		const char *file = cells[i]->file;

		if (cells[i]->kind != CC_KIND_CELL)
			continue;
		if (system && !strcmp(cc_cell(cells[i])->name, cc_cell(system)->name))
			ERR(".name", "give the cell another name",
			    "\"%s\" is the name of the root cell in %s", cc_cell(system)->name,
			    system->file);
		for (size_t j = 0; j < i; j++)
			if (cells[j]->kind == CC_KIND_CELL)
				check_pair(cells[j], cells[i], d);
	}
	return d->errors == errors;
}
