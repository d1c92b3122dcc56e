// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor: checks of system and cell configuration blobs. */
#include <cv/config.h>
#include <cv/errno.h>
#include <cv/lib.h>

#define FAIL(...) do { cv_snprintf(why, why_len, __VA_ARGS__); return -CV_EINVAL; } while (0)
#define CHECK(call) do { int __e = (call); if (__e) return __e; } while (0)

static int check_header(const struct cv_blob_header *h, u64 size, u32 magic, u64 min,
			const char *what, char *why, size_t why_len)
{
	if (size < min)
		FAIL("%s: %llu bytes is shorter than its fixed part (%llu)", what, size, min);
	if (h->magic != magic)
		FAIL("%s: bad magic 0x%08x (expected 0x%08x)", what, h->magic, magic);
	if (h->revision != CV_CONFIG_REVISION)
		FAIL("%s: revision %u, this hypervisor understands %u", what, h->revision,
		     CV_CONFIG_REVISION);
	if (h->reserved0 || h->reserved1)
		FAIL("%s: reserved header fields are not zero", what);
	if (h->total_size < min || h->total_size > size)
		FAIL("%s: total_size %u outside %llu..%llu", what, h->total_size, min, size);
	return 0;
}

static int check_array(const struct cv_array *a, u32 total, u64 fixed, u64 elem,
		       const char *what, char *why, size_t why_len)
{
	if (a->count == 0) {
		if (a->offset)
			FAIL("%s: offset %u for an empty array (must be 0)", what, a->offset);
		return 0;
	}
	if (a->offset % 8 || a->offset < fixed || a->offset > total ||
	    a->count > (total - a->offset) / elem)
		FAIL("%s: %u entries at offset %u do not fit in the blob (%u bytes)", what,
		     a->count, a->offset, total);
	return 0;
}

static int check_a_name(const char *name, const char *what, char *why, size_t why_len)
{
	size_t len = strnlen(name, CV_CELL_NAME_LEN), i;

	if (len == 0 || len == CV_CELL_NAME_LEN)
		FAIL("%s: empty or not NUL-terminated within %d bytes", what, CV_CELL_NAME_LEN);
	for (i = 0; i < CV_CELL_NAME_LEN; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';

		if (i < len && !ok)
			FAIL("%s: character 0x%02x at %u is not one of [A-Za-z0-9_.-]", what,
			     (unsigned int)(u8)c, (unsigned int)i);
		if (i >= len && c)
			FAIL("%s: not NUL-padded after the name", what);
	}
	return 0;
}

static int check_name(const char *name, char *why, size_t why_len)
{
	return check_a_name(name, "cell name", why, why_len);
}

static int check_console(const struct cv_console *c, const char *what, char *why,
			 size_t why_len)
{
	if (c->type > CV_CONSOLE_VPL011)
		FAIL("%s: unknown type %u", what, c->type);
	if (c->flags & ~CV_CONSOLE_VALID_FLAGS)
		FAIL("%s: unknown flags 0x%x", what, c->flags & ~CV_CONSOLE_VALID_FLAGS);
	if ((c->type == CV_CONSOLE_PL011 || c->type == CV_CONSOLE_VPL011) &&
	    (!c->address || !ALIGNED(c->address, PAGE_SIZE)))
		FAIL("%s: PL011 address 0x%llx is not a page-aligned MMIO address", what,
		     c->address);
	return 0;
}

static int check_region(const struct cv_mem_region *r, unsigned int i, char *why,
			size_t why_len)
{
	if (r->flags & ~CV_MEM_VALID_FLAGS)
		FAIL("memory region %u: unknown flags 0x%llx", i, r->flags & ~CV_MEM_VALID_FLAGS);
	if (!ALIGNED(r->phys_start | r->virt_start | r->size, PAGE_SIZE) || r->size == 0)
		FAIL("memory region %u: start or size not a non-zero multiple of 4 KiB", i);
	if (r->phys_start + r->size < r->phys_start || r->virt_start + r->size < r->virt_start)
		FAIL("memory region %u: wraps around the address space", i);
	if ((r->flags & CV_MEM_IO) && (r->flags & (CV_MEM_LOADABLE | CV_MEM_EXECUTE)))
		FAIL("memory region %u: device memory (IO) cannot be loadable or executable", i);
	if ((r->flags & CV_MEM_COMM_REGION) && (r->phys_start || r->size != PAGE_SIZE))
		FAIL("memory region %u: a communication region has phys_start 0 and 4 KiB", i);
	return 0;
}

static int check_regions(const struct cv_cell_config *c, char *why, size_t why_len)
{
	const struct cv_mem_region *r = config_mem(c);
	unsigned int i, j, comm = 0;

	for (i = 0; i < c->mem_regions.count; i++) {
		CHECK(check_region(&r[i], i, why, why_len));
		if ((r[i].flags & CV_MEM_COMM_REGION) && comm++)
			FAIL("memory region %u: a second communication region (one per cell)", i);
		for (j = 0; j < i; j++) {
			if (ranges_overlap(r[i].virt_start, r[i].size, r[j].virt_start, r[j].size))
				FAIL("memory regions %u and %u overlap in the cell's address space",
				     j, i);
			if (!((r[i].flags | r[j].flags) & CV_MEM_COMM_REGION) &&
			    ranges_overlap(r[i].phys_start, r[i].size, r[j].phys_start, r[j].size))
				FAIL("memory regions %u and %u overlap in physical memory", j, i);
		}
	}
	return 0;
}

/* An emulated UART must not hide under memory the cell maps: its accesses must trap. */
static int check_vuart(const struct cv_cell_config *c, char *why, size_t why_len)
{
	const struct cv_mem_region *r = config_mem(c);
	unsigned int i;

	for (i = 0; c->console.type == CV_CONSOLE_VPL011 && i < c->mem_regions.count; i++)
		if (ranges_overlap(c->console.address, PAGE_SIZE, r[i].virt_start, r[i].size))
			FAIL("cell console: the emulated PL011 at 0x%llx lies in memory region %u",
			     c->console.address, i);
	return 0;
}

static int check_irqs(const struct cv_cell_config *c, const struct cv_platform *plat,
		      char *why, size_t why_len)
{
	const struct cv_irq_range *r = config_irqs(c);
	unsigned int i;

	for (i = 0; i < c->irq_ranges.count; i++)
		if (r[i].count == 0 || r[i].first < 32 || r[i].first >= plat->num_irqs ||
		    r[i].count > plat->num_irqs - r[i].first)
			FAIL("interrupt range %u: %u+%u is not within the SPIs 32..%u", i,
			     r[i].first, r[i].count, plat->num_irqs - 1);
	if (plat->iommu.event_irq && config_has_irq(c, plat->iommu.event_irq))
		FAIL("interrupt %u is the IOMMU's event interrupt, which the hypervisor keeps",
		     plat->iommu.event_irq);
	return 0;
}

bool config_has_irq(const struct cv_cell_config *c, u32 irq)
{
	const struct cv_irq_range *r = config_irqs(c);
	unsigned int i;

	for (i = 0; i < c->irq_ranges.count; i++)
		if (irq >= r[i].first && irq - r[i].first < r[i].count)
			return true;
	return false;
}

/*
 * A BAR is mapped into the cell at its own address, whole pages of it: it must be whole
 * pages (a page shared with another function's BAR would go with it) and may not meet the
 * cell's memory regions, in either address space, but for a device region that holds it
 * where it is (the root's PCI window), nor another BAR of the cell.
 */
static int check_bar(const struct cv_cell_config *c, unsigned int dev, unsigned int bar,
		     char *why, size_t why_len)
{
	const struct cv_pci_device *d = config_pci(c);
	const struct cv_pci_bar *b = &d[dev].bars[bar];
	const struct cv_mem_region *r = config_mem(c);
	unsigned int i, j;

	if (!b->size) {
		if (b->address)
			FAIL("PCI device %u BAR %u: an address but no size", dev, bar);
		return 0;
	}
	if (!ALIGNED(b->address | b->size, PAGE_SIZE) || !b->address ||
	    b->address + b->size < b->address)
		FAIL("PCI device %u BAR %u: 0x%llx+0x%llx is not whole 4 KiB pages (a cell gets "
		     "whole pages only; align the BAR, e.g. pci=resource_alignment)", dev, bar,
		     b->address, b->size);
	for (i = 0; i < c->mem_regions.count; i++)
		if (!((r[i].flags & CV_MEM_IO) && r[i].phys_start == r[i].virt_start &&
		      range_within(b->address, b->size, r[i].phys_start, r[i].size)) &&
		    (ranges_overlap(b->address, b->size, r[i].virt_start, r[i].size) ||
		     (!(r[i].flags & CV_MEM_COMM_REGION) &&
		      ranges_overlap(b->address, b->size, r[i].phys_start, r[i].size))))
			FAIL("PCI device %u BAR %u: 0x%llx+0x%llx overlaps memory region %u", dev,
			     bar, b->address, b->size, i);
	for (i = 0; i <= dev; i++)
		for (j = 0; j < (i == dev ? bar : CV_PCI_NUM_BARS); j++)
			if (d[i].bars[j].size && ranges_overlap(b->address, b->size,
					d[i].bars[j].address, d[i].bars[j].size))
				FAIL("PCI device %u BAR %u overlaps PCI device %u BAR %u", dev, bar,
				     i, j);
	return 0;
}

static int check_pci(const struct cv_cell_config *c, const struct cv_platform *plat,
		     char *why, size_t why_len)
{
	const struct cv_pci_device *d = config_pci(c);
	unsigned int i, b;

	if (c->pci_devices.count && !plat->pci_ecam_base)
		FAIL("PCI devices given, but the platform has no PCI");
	for (i = 0; i < c->pci_devices.count; i++) {
		if (d[i].flags & ~CV_PCI_VALID_FLAGS || d[i].reserved)
			FAIL("PCI device %u: unknown flags or non-zero reserved field", i);
		if (d[i].domain != plat->pci_domain || d[i].bus < plat->pci_bus_start ||
		    d[i].bus > plat->pci_bus_end)
			FAIL("PCI device %u: %04x:%02x is not on the platform's PCI buses", i,
			     d[i].domain, d[i].bus);
		if (plat->iommu.type != CV_IOMMU_NONE &&
		    ((u32)d[i].bus << 8 | d[i].devfn) >> plat->iommu.stream_id_bits)
			FAIL("PCI device %u: %02x:%02x.%u has stream ID 0x%x, beyond the %u bits "
			     "of the IOMMU's stream table", i, d[i].bus, d[i].devfn >> 3,
			     d[i].devfn & 7, (u32)d[i].bus << 8 | d[i].devfn,
			     plat->iommu.stream_id_bits);
		if (d[i].intx_irq && !config_has_irq(c, d[i].intx_irq))
			FAIL("PCI device %u: INTx interrupt %u is not one of the cell's interrupts",
			     i, d[i].intx_irq);
		for (b = 0; b < CV_PCI_NUM_BARS; b++)
			CHECK(check_bar(c, i, b, why, why_len));
	}
	return 0;
}

int config_check_cell(const void *blob, u64 size, const struct cv_platform *plat,
		      char *why, size_t why_len)
{
	const struct cv_cell_config *c = blob;
	u64 fixed = sizeof(*c);

	CHECK(check_header(&c->hdr, size, CV_CELL_MAGIC, fixed, "cell config", why, why_len));
	CHECK(check_name(c->name, why, why_len));
	if (c->flags & ~CV_CELL_VALID_FLAGS)
		FAIL("cell '%s': unknown flags 0x%llx", c->name, c->flags & ~CV_CELL_VALID_FLAGS);
	if (c->reserved)
		FAIL("cell '%s': reserved field is not zero", c->name);
	if (c->shutdown_timeout_ms > CV_SHUTDOWN_TIMEOUT_MAX_MS)
		FAIL("cell '%s': shutdown timeout %u ms is over the %u ms allowed", c->name,
		     c->shutdown_timeout_ms, CV_SHUTDOWN_TIMEOUT_MAX_MS);
	if (!c->cpu_set || (plat->num_cpus < 64 && c->cpu_set >> plat->num_cpus))
		FAIL("cell '%s': CPU set 0x%llx is empty or names CPUs beyond the %u that exist",
		     c->name, c->cpu_set, plat->num_cpus);
	CHECK(check_console(&c->console, "cell console", why, why_len));
	CHECK(check_array(&c->mem_regions, c->hdr.total_size, fixed, sizeof(struct cv_mem_region),
			  "memory regions", why, why_len));
	CHECK(check_array(&c->irq_ranges, c->hdr.total_size, fixed, sizeof(struct cv_irq_range),
			  "interrupt ranges", why, why_len));
	CHECK(check_array(&c->pci_devices, c->hdr.total_size, fixed,
			  sizeof(struct cv_pci_device), "PCI devices", why, why_len));
	CHECK(check_regions(c, why, why_len));
	CHECK(check_vuart(c, why, why_len));
	CHECK(check_irqs(c, plat, why, why_len));
	return check_pci(c, plat, why, why_len);
}

static int check_iommu(const struct cv_platform *p, char *why, size_t why_len)
{
	const struct cv_iommu *m = &p->iommu;

	if (m->reserved)
		FAIL("platform: IOMMU reserved field is not zero");
	if (m->type == CV_IOMMU_NONE) {
		if (m->base || m->size || m->event_irq || m->stream_id_bits)
			FAIL("platform: no IOMMU (type none), but its address, size, interrupt or "
			     "stream ID bits are given");
		return 0;
	}
	if (m->type != CV_IOMMU_SMMUV3)
		FAIL("platform: unknown IOMMU type %u", m->type);
	if (!p->pci_ecam_base)
		FAIL("platform: an IOMMU without PCI (it isolates the PCI devices' DMA)");
	if (!m->base || !ALIGNED(m->base | m->size, 0x10000) || m->size < CV_IOMMU_MIN_SIZE ||
	    m->base + m->size < m->base)
		FAIL("platform: IOMMU registers 0x%llx+0x%llx are not 64 KiB aligned or smaller "
		     "than 0x%x", m->base, m->size, CV_IOMMU_MIN_SIZE);
	if (!m->stream_id_bits || m->stream_id_bits > CV_IOMMU_MAX_STREAM_BITS)
		FAIL("platform: IOMMU stream ID bits %u, must be 1..%d", m->stream_id_bits,
		     CV_IOMMU_MAX_STREAM_BITS);
	if (m->event_irq && (m->event_irq < 32 || m->event_irq >= p->num_irqs))
		FAIL("platform: IOMMU event interrupt %u is not an SPI", m->event_irq);
	return 0;
}

static int check_platform(const struct cv_platform *p, char *why, size_t why_len)
{
	if (p->gic_version != CV_GIC_V3)
		FAIL("platform: GIC version %u is not supported (only 3)", p->gic_version);
	if (!p->gicd_base || !p->gicr_base || !ALIGNED(p->gicd_base | p->gicr_base, 0x10000))
		FAIL("platform: GICD 0x%llx or GICR 0x%llx is not a 64 KiB aligned address",
		     p->gicd_base, p->gicr_base);
	if (p->maintenance_irq < 16 || p->maintenance_irq > 31)
		FAIL("platform: maintenance interrupt %u is not a PPI (16..31)", p->maintenance_irq);
	if (p->num_cpus == 0 || p->num_cpus > CV_MAX_CPUS)
		FAIL("platform: %u CPUs, must be 1..%d", p->num_cpus, CV_MAX_CPUS);
	if (p->num_irqs < 64 || p->num_irqs > 1020 || (p->num_irqs % 32 && p->num_irqs != 1020))
		FAIL("platform: %u interrupts, must be 64..1020", p->num_irqs);
	if (p->pci_ecam_base && (!ALIGNED(p->pci_ecam_base, 1 << 20) ||
				 p->pci_bus_start > p->pci_bus_end))
		FAIL("platform: PCI ECAM 0x%llx not 1 MiB aligned or bus range %u..%u empty",
		     p->pci_ecam_base, p->pci_bus_start, p->pci_bus_end);
	if (p->notify_irq && (p->notify_irq < 32 || p->notify_irq >= p->num_irqs))
		FAIL("platform: notification interrupt %u is not an SPI", p->notify_irq);
	if (p->notify_irq && p->notify_irq == p->iommu.event_irq)
		FAIL("platform: interrupt %u is both the notification and the IOMMU's",
		     p->notify_irq);
	return check_iommu(p, why, why_len);
}

bool config_reserved_range(const struct cv_platform *p, unsigned int i, u64 *start,
			   u64 *size)
{
	switch (i) {
	case 0:
		*start = p->gicd_base;
		*size = CV_GICD_SIZE;
		return true;
	case 1:
		*start = p->gicr_base;
		*size = p->num_cpus * CV_GICR_STRIDE;
		return true;
	case 2:
		*start = p->pci_ecam_base;
		*size = p->pci_ecam_base ? (u64)(p->pci_bus_end - p->pci_bus_start + 1) << 20 : 0;
		return true;
	case 3:
		*start = p->iommu.base;
		*size = p->iommu.type != CV_IOMMU_NONE ? p->iommu.size : 0;
		return true;
	}
	return false;
}

/* Inter-cell links (link.h) ------------------------------------------------------------ */

/* Both checked: NUL-padded to their full length. */
static bool same_name(const char *a, const char *b)
{
	return !memcmp(a, b, CV_CELL_NAME_LEN);
}

static bool all_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

static int check_peer(const struct cv_system_config *s, const struct cv_link *l,
		      unsigned int i, unsigned int p, char *why, size_t why_len)
{
	const struct cv_link_peer *e = &l->peers[p];
	const struct cv_platform *plat = &s->platform;
	char what[48];
	unsigned int q;

	cv_snprintf(what, sizeof(what), "link %u peer %u cell name", i, p);
	CHECK(check_a_name(e->cell, what, why, why_len));
	if (e->flags & ~CV_LINK_PEER_VALID_FLAGS)
		FAIL("link %u peer %u: unknown flags 0x%x", i, p,
		     e->flags & ~CV_LINK_PEER_VALID_FLAGS);
	if (!ALIGNED(e->virt_start, PAGE_SIZE) || e->virt_start + l->size < e->virt_start)
		FAIL("link %u peer %u: address 0x%llx is not page-aligned or wraps around", i, p,
		     e->virt_start);
	if (e->doorbell_irq < 32 || e->doorbell_irq >= plat->num_irqs ||
	    e->doorbell_irq == plat->notify_irq)
		FAIL("link %u peer %u: doorbell interrupt %u is not an SPI (32..%u) other than "
		     "the notification interrupt", i, p, e->doorbell_irq, plat->num_irqs - 1);
	for (q = 0; q < p; q++)
		if (same_name(e->cell, l->peers[q].cell))
			FAIL("link %u: peers %u and %u are the same cell '%s'", i, q, p, e->cell);
	return 0;
}

static int check_link(const struct cv_system_config *s, unsigned int i, char *why,
		      size_t why_len)
{
	const struct cv_link *l = &config_links(s)[i];
	const struct cv_cell_config *root = config_root_cell(s);
	const struct cv_mem_region *r = config_mem(root);
	unsigned int p, k;
	u64 start, len;

	CHECK(check_a_name(l->name, "link name", why, why_len));
	if (l->flags & ~CV_LINK_VALID_FLAGS)
		FAIL("link '%s': unknown flags 0x%x", l->name, l->flags & ~CV_LINK_VALID_FLAGS);
	if (!l->size || l->size > CV_LINK_MAX_SIZE ||
	    !ALIGNED(l->phys_start | l->size, PAGE_SIZE) ||
	    l->phys_start + l->size < l->phys_start)
		FAIL("link '%s': memory 0x%llx+0x%llx is not 1 to %llu MiB of whole 4 KiB pages",
		     l->name, l->phys_start, l->size, CV_LINK_MAX_SIZE >> 20);
	if (l->num_peers < 2 || l->num_peers > CV_LINK_MAX_PEERS)
		FAIL("link '%s': %u peers, must be 2..%d", l->name, l->num_peers,
		     CV_LINK_MAX_PEERS);
	if (!all_zero(&l->peers[l->num_peers],
		      (CV_LINK_MAX_PEERS - l->num_peers) * sizeof(l->peers[0])))
		FAIL("link '%s': the unused peer entries are not zero", l->name);
	for (p = 0; p < l->num_peers; p++)
		CHECK(check_peer(s, l, i, p, why, why_len));
	if (ranges_overlap(l->phys_start, l->size, s->hv_mem_phys, s->hv_mem_size))
		FAIL("link '%s': memory 0x%llx+0x%llx overlaps the hypervisor's", l->name,
		     l->phys_start, l->size);
	for (k = 0; config_reserved_range(&s->platform, k, &start, &len); k++)
		if (ranges_overlap(l->phys_start, l->size, start, len))
			FAIL("link '%s': memory 0x%llx+0x%llx overlaps the interrupt controller or "
			     "PCI configuration space", l->name, l->phys_start, l->size);
	for (k = 0; k < root->mem_regions.count; k++)
		if (ranges_overlap(l->phys_start, l->size, r[k].phys_start, r[k].size))
			FAIL("link '%s': memory 0x%llx+0x%llx overlaps root cell memory region %u: "
			     "a link's memory is no cell's", l->name, l->phys_start, l->size, k);
	for (k = 0; k < i; k++) {
		const struct cv_link *o = &config_links(s)[k];

		if (ranges_overlap(l->phys_start, l->size, o->phys_start, o->size))
			FAIL("links '%s' and '%s': their memory overlaps", o->name, l->name);
		if (same_name(l->name, o->name))
			FAIL("links %u and %u: both are called '%s'", k, i, l->name);
	}
	return 0;
}

static int check_links(const struct cv_system_config *s, char *why, size_t why_len)
{
	unsigned int i;

	CHECK(check_array(&s->links, s->hdr.total_size, sizeof(*s), sizeof(struct cv_link),
			  "links", why, why_len));
	if (s->links.count > CV_LINK_MAX_LINKS)
		FAIL("links: %u, at most %d", s->links.count, CV_LINK_MAX_LINKS);
	if (s->links.count && ranges_overlap(s->links.offset,
			(u64)s->links.count * sizeof(struct cv_link),
			s->root_cell.offset, s->root_cell.count))
		FAIL("links: the array overlaps the root cell's blob");
	for (i = 0; i < s->links.count; i++)
		CHECK(check_link(s, i, why, why_len));
	return 0;
}

int config_link_peer(const struct cv_system_config *s, unsigned int link, const char *name)
{
	const struct cv_link *l = &config_links(s)[link];
	unsigned int p;

	for (p = 0; p < l->num_peers; p++)
		if (same_name(l->peers[p].cell, name))
			return (int)p;
	return -1;
}

/*
 * What a (checked) cell must be to be the peer its name makes it: the link memory where it
 * has nothing else, in either address space, the doorbell an interrupt of its own that no
 * device of it drives; no memory region of it over any link's memory.
 */
int config_check_cell_links(const struct cv_system_config *s, const struct cv_cell_config *c,
			    char *why, size_t why_len)
{
	const struct cv_mem_region *r = config_mem(c);
	const struct cv_pci_device *d = config_pci(c);
	unsigned int i, j, k, b;
	u64 start, len;
	int p, q;

	for (i = 0; i < s->links.count; i++) {
		const struct cv_link *l = &config_links(s)[i];
		const struct cv_link_peer *e;

		for (k = 0; k < c->mem_regions.count; k++)
			if (!(r[k].flags & CV_MEM_COMM_REGION) &&
			    ranges_overlap(r[k].phys_start, r[k].size, l->phys_start, l->size))
				FAIL("cell '%s': memory region %u overlaps the memory of link '%s'",
				     c->name, k, l->name);
		p = config_link_peer(s, i, c->name);
		if (p < 0)
			continue;
		e = &l->peers[p];
		for (k = 0; k < c->mem_regions.count; k++)
			if (ranges_overlap(r[k].virt_start, r[k].size, e->virt_start, l->size))
				FAIL("cell '%s': link '%s' at 0x%llx+0x%llx overlaps its memory "
				     "region %u", c->name, l->name, e->virt_start, l->size, k);
		for (k = 0; k < c->pci_devices.count; k++)
			for (b = 0; b < CV_PCI_NUM_BARS; b++)
				if (d[k].bars[b].size &&
				    ranges_overlap(d[k].bars[b].address, d[k].bars[b].size,
						   e->virt_start, l->size))
					FAIL("cell '%s': link '%s' at 0x%llx overlaps PCI device %u "
					     "BAR %u", c->name, l->name, e->virt_start, k, b);
		for (k = 0; config_reserved_range(&s->platform, k, &start, &len); k++)
			if (ranges_overlap(e->virt_start, l->size, start, len))
				FAIL("cell '%s': link '%s' at 0x%llx overlaps the interrupt "
				     "controller or PCI configuration space", c->name, l->name,
				     e->virt_start);
		if (!config_has_irq(c, e->doorbell_irq))
			FAIL("cell '%s': the doorbell interrupt %u of link '%s' is not one of its "
			     "interrupts (list it under \"irqs\")", c->name, e->doorbell_irq,
			     l->name);
		for (k = 0; k < c->pci_devices.count; k++)
			if (d[k].intx_irq == e->doorbell_irq)
				FAIL("cell '%s': the doorbell interrupt %u of link '%s' is PCI device "
				     "%u's INTx", c->name, e->doorbell_irq, l->name, k);
		for (j = 0; j < i; j++) {
			const struct cv_link *o = &config_links(s)[j];

			q = config_link_peer(s, j, c->name);
			if (q < 0)
				continue;
			if (o->peers[q].doorbell_irq == e->doorbell_irq)
				FAIL("cell '%s': links '%s' and '%s' have the same doorbell "
				     "interrupt %u", c->name, o->name, l->name, e->doorbell_irq);
			if (ranges_overlap(o->peers[q].virt_start, o->size, e->virt_start,
					   l->size))
				FAIL("cell '%s': links '%s' and '%s' overlap in its address space",
				     c->name, o->name, l->name);
		}
	}
	return 0;
}

int config_check_system(const void *blob, u64 size, char *why, size_t why_len)
{
	const struct cv_system_config *s = blob;
	const struct cv_cell_config *root;
	const struct cv_mem_region *r;
	u64 fixed = sizeof(*s);
	unsigned int i;

	CHECK(check_header(&s->hdr, size, CV_SYSTEM_MAGIC, fixed, "system config", why,
			   why_len));
	if (s->flags & ~CV_SYSTEM_VALID_FLAGS)
		FAIL("system config: unknown flags 0x%llx", s->flags);
	if (!s->hv_mem_size || !ALIGNED(s->hv_mem_phys | s->hv_mem_size, PAGE_SIZE) ||
	    s->hv_mem_phys + s->hv_mem_size < s->hv_mem_phys)
		FAIL("system config: hypervisor memory 0x%llx+0x%llx is not whole 4 KiB pages",
		     s->hv_mem_phys, s->hv_mem_size);
	CHECK(check_console(&s->debug_console, "debug console", why, why_len));
	if (s->debug_console.type == CV_CONSOLE_VPL011)
		FAIL("debug console: the hypervisor's own console must be a real UART");
	CHECK(check_platform(&s->platform, why, why_len));
	if (s->root_cell.offset % 8 || s->root_cell.offset < fixed ||
	    s->root_cell.offset > s->hdr.total_size ||
	    s->root_cell.count > s->hdr.total_size - s->root_cell.offset)
		FAIL("system config: root cell blob (%u bytes at %u) does not fit in %u bytes",
		     s->root_cell.count, s->root_cell.offset, s->hdr.total_size);
	root = config_root_cell(s);
	CHECK(config_check_cell(root, s->root_cell.count, &s->platform, why, why_len));
	r = config_mem(root);
	for (i = 0; i < root->mem_regions.count; i++) {
		u64 start, len;
		unsigned int k;

		if (r[i].flags & CV_MEM_COMM_REGION)
			FAIL("root cell memory region %u: the root cell has no communication "
			     "region", i);
		if (ranges_overlap(r[i].phys_start, r[i].size, s->hv_mem_phys, s->hv_mem_size))
			FAIL("root cell memory region %u (0x%llx+0x%llx) overlaps the hypervisor "
			     "memory 0x%llx+0x%llx", i, r[i].phys_start, r[i].size,
			     s->hv_mem_phys, s->hv_mem_size);
		for (k = 0; config_reserved_range(&s->platform, k, &start, &len); k++)
			if (ranges_overlap(r[i].phys_start, r[i].size, start, len))
				FAIL("root cell memory region %u (0x%llx+0x%llx) overlaps the "
				     "interrupt controller, the PCI configuration space or the "
				     "IOMMU at 0x%llx+0x%llx, which the hypervisor owns", i,
				     r[i].phys_start, r[i].size, start, len);
	}
	if (s->platform.notify_irq && !config_has_irq(root, s->platform.notify_irq))
		FAIL("platform: notification interrupt %u is not one of the root cell's",
		     s->platform.notify_irq);
	CHECK(check_links(s, why, why_len));
	return config_check_cell_links(s, root, why, why_len);
}
