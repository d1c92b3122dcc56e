// SPDX-License-Identifier: GPL-2.0-only
/* cellconf: decode a configuration to JSON, or describe it for people. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"

static void add_hex(cJSON *o, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	cJSON_AddStringToObject(o, key, buf);
}

static void add_size(cJSON *o, const char *key, uint64_t v)
{
	char buf[32];

	cc_format_size(v, buf, sizeof(buf));
	cJSON_AddStringToObject(o, key, buf);
}

static void add_flags(cJSON *o, const char *key, uint64_t flags, const struct flag_name *names)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);

	for (unsigned i = 0; names[i].name; i++)
		if (flags & names[i].bit)
			cJSON_AddItemToArray(a, cJSON_CreateString(names[i].name));
}

/* A number, or "FIRST-LAST". */
static cJSON *range(uint64_t first, uint64_t last)
{
	char buf[48];

	if (first == last)
		return cJSON_CreateNumber(first);
	snprintf(buf, sizeof(buf), "%llu-%llu", (unsigned long long)first,
		 (unsigned long long)last);
	return cJSON_CreateString(buf);
}

static void add_console(cJSON *o, const char *key, const struct cv_console *con)
{
	cJSON *c = cJSON_AddObjectToObject(o, key);

	cJSON_AddStringToObject(c, "type", con->type < CC_NUM_CONSOLE_TYPES ?
				cc_console_type_names[con->type] : "?");
	if (con->address)
		add_hex(c, "address", con->address);
	if (con->flags)
		add_flags(c, "flags", con->flags, cc_console_flag_names);
}

static cJSON *cell_json(const struct cv_cell_config *cfg, bool root)
{
	cJSON *o = cJSON_CreateObject(), *a;
	struct cell_view v;

	cc_cell_view(cfg, &v);
	cJSON_AddStringToObject(o, "name", cfg->name);
	a = cJSON_AddArrayToObject(o, "cpus");
	for (unsigned cpu = 0; cpu < 64; cpu++) {
		unsigned last = cpu;

		if (!(cfg->cpu_set & (1ULL << cpu)))
			continue;
		while (last < 63 && (cfg->cpu_set & (1ULL << (last + 1))))
			last++;
		cJSON_AddItemToArray(a, range(cpu, last));
		cpu = last;
	}
	if (cfg->flags)
		add_flags(o, "flags", cfg->flags, cc_cell_flag_names);
	if (!root) {
		add_hex(o, "entry", cfg->entry);
		cJSON_AddNumberToObject(o, "shutdown_timeout_ms", cfg->shutdown_timeout_ms);
	}
	add_console(o, "console", &cfg->console);

	a = cJSON_AddArrayToObject(o, "memory_regions");
	for (uint32_t i = 0; i < v.num_mem; i++) {
		const struct cv_mem_region *m = &v.mem[i];
		cJSON *r = cJSON_CreateObject();

		if (m->phys_start || !(m->flags & CV_MEM_COMM_REGION))
			add_hex(r, "phys_start", m->phys_start);
		if (m->virt_start != m->phys_start)
			add_hex(r, "virt_start", m->virt_start);
		add_size(r, "size", m->size);
		add_flags(r, "flags", m->flags, cc_mem_flag_names);
		cJSON_AddItemToArray(a, r);
	}
	if (v.num_irq) {
		a = cJSON_AddArrayToObject(o, "irqs");
		for (uint32_t i = 0; i < v.num_irq; i++)
			cJSON_AddItemToArray(a, range(v.irq[i].first, (uint64_t)v.irq[i].first +
						      v.irq[i].count - 1));
	}
	if (v.num_pci) {
		a = cJSON_AddArrayToObject(o, "pci_devices");
		for (uint32_t i = 0; i < v.num_pci; i++) {
			const struct cv_pci_device *p = &v.pci[i];
			cJSON *dev = cJSON_CreateObject(), *bars;
			int last = -1;
			char bdf[16];

			snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", p->domain, p->bus,
				 p->devfn >> 3, p->devfn & 7);
			cJSON_AddStringToObject(dev, "bdf", bdf);
			if (p->intx_irq)
				cJSON_AddNumberToObject(dev, "intx_irq", p->intx_irq);
			for (int b = 0; b < CV_PCI_NUM_BARS; b++)
				if (p->bars[b].address || p->bars[b].size)
					last = b;
			if (last >= 0)
				bars = cJSON_AddArrayToObject(dev, "bars");
			for (int b = 0; b <= last; b++) {
				cJSON *bar = cJSON_CreateNull();

				if (p->bars[b].address || p->bars[b].size) {
					cJSON_Delete(bar);
					bar = cJSON_CreateObject();
					add_hex(bar, "address", p->bars[b].address);
					add_size(bar, "size", p->bars[b].size);
				}
				cJSON_AddItemToArray(bars, bar);
			}
			cJSON_AddItemToArray(a, dev);
		}
	}
	return o;
}

static void add_links(cJSON *o, const struct cv_system_config *s)
{
	const struct cv_link *l = (const void *)((const char *)s + s->links.offset);
	cJSON *a;

	if (!s->links.count)
		return;
	a = cJSON_AddArrayToObject(o, "links");
	for (uint32_t i = 0; i < s->links.count; i++) {
		cJSON *lo = cJSON_CreateObject(), *peers;
		char name[CV_LINK_NAME_LEN + 1];

		snprintf(name, sizeof(name), "%.*s", CV_LINK_NAME_LEN, l[i].name);
		cJSON_AddStringToObject(lo, "name", name);
		add_hex(lo, "phys_start", l[i].phys_start);
		add_size(lo, "size", l[i].size);
		peers = cJSON_AddArrayToObject(lo, "peers");
		for (uint32_t p = 0; p < l[i].num_peers && p < CV_LINK_MAX_PEERS; p++) {
			const struct cv_link_peer *e = &l[i].peers[p];
			cJSON *po = cJSON_CreateObject();

			snprintf(name, sizeof(name), "%.*s", CV_CELL_NAME_LEN, e->cell);
			cJSON_AddStringToObject(po, "cell", name);
			add_hex(po, "address", e->virt_start);
			cJSON_AddNumberToObject(po, "doorbell_irq", e->doorbell_irq);
			add_flags(po, "flags", e->flags, cc_link_peer_flag_names);
			cJSON_AddItemToArray(peers, po);
		}
		cJSON_AddItemToArray(a, lo);
	}
}

char *cc_to_json(const struct cc_config *c)
{
	const struct cv_system_config *s = cc_system(c);
	cJSON *o;
	char *text, *out;

	if (s) {
		const struct cv_platform *pl = &s->platform;
		cJSON *h, *p, *g;

		o = cJSON_CreateObject();
		h = cJSON_AddObjectToObject(o, "hypervisor_memory");
		add_hex(h, "phys_start", s->hv_mem_phys);
		add_size(h, "size", s->hv_mem_size);
		add_console(o, "debug_console", &s->debug_console);
		p = cJSON_AddObjectToObject(o, "platform");
		cJSON_AddNumberToObject(p, "num_cpus", pl->num_cpus);
		g = cJSON_AddObjectToObject(p, "gic");
		cJSON_AddNumberToObject(g, "version", pl->gic_version);
		add_hex(g, "gicd_base", pl->gicd_base);
		add_hex(g, "gicr_base", pl->gicr_base);
		cJSON_AddNumberToObject(g, "maintenance_irq", pl->maintenance_irq);
		cJSON_AddNumberToObject(g, "num_irqs", pl->num_irqs);
		if (pl->notify_irq)
			cJSON_AddNumberToObject(g, "notify_irq", pl->notify_irq);
		if (pl->pci_ecam_base || pl->pci_domain || pl->pci_bus_start || pl->pci_bus_end) {
			g = cJSON_AddObjectToObject(p, "pci");
			add_hex(g, "ecam_base", pl->pci_ecam_base);
			cJSON_AddNumberToObject(g, "domain", pl->pci_domain);
			cJSON_AddNumberToObject(g, "bus_start", pl->pci_bus_start);
			cJSON_AddNumberToObject(g, "bus_end", pl->pci_bus_end);
		}
		if (pl->iommu.type == CV_IOMMU_SMMUV3) {
			g = cJSON_AddObjectToObject(p, "iommu");
			cJSON_AddStringToObject(g, "type", "smmuv3");
			add_hex(g, "base", pl->iommu.base);
			add_size(g, "size", pl->iommu.size);
			if (pl->iommu.event_irq)
				cJSON_AddNumberToObject(g, "event_irq", pl->iommu.event_irq);
			cJSON_AddNumberToObject(g, "stream_id_bits", pl->iommu.stream_id_bits);
		}
		cJSON_AddItemToObject(o, "root_cell", cell_json(cc_cell(c), true));
		add_links(o, s);
	} else {
		o = cell_json(cc_cell(c), false);
		if (c->num_images) {
			cJSON *a = cJSON_AddArrayToObject(o, "images");

			for (size_t i = 0; i < c->num_images; i++) {
				cJSON *img = cJSON_CreateObject();

				cJSON_AddStringToObject(img, "path", c->images[i].path);
				add_hex(img, "address", c->images[i].address);
				cJSON_AddItemToArray(a, img);
			}
		}
		if (c->linux_cfg) {
			const struct cc_linux *l = c->linux_cfg;
			cJSON *lo = cJSON_AddObjectToObject(o, "linux");

			/* The compiler sets the entry of a Linux cell: it may not be given. */
			cJSON_DeleteItemFromObjectCaseSensitive(o, "entry");
			cJSON_AddStringToObject(lo, "kernel", l->kernel);
			if (l->initrd)
				cJSON_AddStringToObject(lo, "initrd", l->initrd);
			cJSON_AddStringToObject(lo, "cmdline", l->cmdline);
			if (l->device_tree)
				cJSON_AddStringToObject(lo, "device_tree", l->device_tree);
		}
		if (c->has_params) {
			cJSON *pr = cJSON_AddObjectToObject(o, "parameters");

			add_hex(pr, "address", c->params_address);
			if (c->params_file)
				cJSON_AddStringToObject(pr, "file", c->params_file);
			if (c->params_text)
				cJSON_AddStringToObject(pr, "text", c->params_text);
		}
	}
	text = cJSON_Print(o);
	cJSON_Delete(o);
	if (!text)
		abort();
	out = cc_xasprintf("%s\n", text);
	cJSON_free(text);
	return out;
}

static void print_flags(FILE *out, uint64_t flags, const struct flag_name *names)
{
	bool any = false;

	for (unsigned i = 0; names[i].name; i++)
		if (flags & names[i].bit) {
			fprintf(out, "%s%s", any ? " " : "", names[i].name);
			any = true;
		}
	if (!any)
		fputs("-", out);
}

static void print_cell(const struct cv_cell_config *cfg, bool root, FILE *out)
{
	struct cell_view v;
	char size[32];

	cc_cell_view(cfg, &v);
	fprintf(out, "%s \"%s\"\n  CPUs:            ", root ? "root cell" : "cell", cfg->name);
	for (unsigned cpu = 0, first = 1; cpu < 64; cpu++)
		if (cfg->cpu_set & (1ULL << cpu)) {
			fprintf(out, "%s%u", first ? "" : " ", cpu);
			first = 0;
		}
	fputs("\n  flags:           ", out);
	print_flags(out, cfg->flags, cc_cell_flag_names);
	if (!root)
		fprintf(out, "\n  entry:           0x%llx\n  shutdown timeout: %u ms",
			(unsigned long long)cfg->entry, cfg->shutdown_timeout_ms);
	fprintf(out, "\n  console:         %s", cfg->console.type < CC_NUM_CONSOLE_TYPES ?
		cc_console_type_names[cfg->console.type] : "?");
	if (cfg->console.address)
		fprintf(out, " at 0x%llx", (unsigned long long)cfg->console.address);
	fprintf(out, "\n  memory regions:  %u\n", v.num_mem);
	for (uint32_t i = 0; i < v.num_mem; i++) {
		const struct cv_mem_region *m = &v.mem[i];

		cc_format_size(m->size, size, sizeof(size));
		fprintf(out, "    [%u] phys 0x%-12llx virt 0x%-12llx %-9s ", i,
			(unsigned long long)m->phys_start, (unsigned long long)m->virt_start, size);
		print_flags(out, m->flags, cc_mem_flag_names);
		fputc('\n', out);
	}
	fputs("  IRQs (INTIDs):   ", out);
	for (uint32_t i = 0; i < v.num_irq; i++) {
		fprintf(out, "%s%u", i ? " " : "", v.irq[i].first);
		if (v.irq[i].count > 1)
			fprintf(out, "-%llu",
				(unsigned long long)v.irq[i].first + v.irq[i].count - 1);
	}
	fprintf(out, "%s\n  PCI devices:     %u\n", v.num_irq ? "" : "-", v.num_pci);
	for (uint32_t i = 0; i < v.num_pci; i++) {
		const struct cv_pci_device *p = &v.pci[i];

		fprintf(out, "    [%u] %04x:%02x:%02x.%x INTx %u", i, p->domain, p->bus,
			p->devfn >> 3, p->devfn & 7, p->intx_irq);
		for (int b = 0; b < CV_PCI_NUM_BARS; b++) {
			if (!p->bars[b].size)
				continue;
			cc_format_size(p->bars[b].size, size, sizeof(size));
			fprintf(out, ", BAR%d 0x%llx %s", b,
				(unsigned long long)p->bars[b].address, size);
		}
		fputc('\n', out);
	}
}

static void print_links(const struct cv_system_config *s, FILE *out)
{
	const struct cv_link *l = (const void *)((const char *)s + s->links.offset);
	char size[32];

	for (uint32_t i = 0; i < s->links.count; i++) {
		cc_format_size(l[i].size, size, sizeof(size));
		fprintf(out, "link %u \"%.*s\": %s at 0x%llx\n", i, CV_LINK_NAME_LEN, l[i].name,
			size, (unsigned long long)l[i].phys_start);
		for (uint32_t p = 0; p < l[i].num_peers && p < CV_LINK_MAX_PEERS; p++)
			fprintf(out, "  peer %u: cell \"%.*s\" at 0x%llx, doorbell INTID %u, %s\n",
				p, CV_CELL_NAME_LEN, l[i].peers[p].cell,
				(unsigned long long)l[i].peers[p].virt_start,
				l[i].peers[p].doorbell_irq,
				l[i].peers[p].flags & CV_LINK_PEER_WRITE ? "read-write" : "read-only");
	}
}

void cc_print(const struct cc_config *c, FILE *out)
{
	const struct cv_system_config *s = cc_system(c);
	char size[32];

	fprintf(out, "%s: %s configuration (%s, %zu bytes compiled)\n", c->file,
		s ? "system" : "cell", c->from_json ? "JSON" : "binary", c->blob_size);
	if (s) {
		const struct cv_platform *pl = &s->platform;

		cc_format_size(s->hv_mem_size, size, sizeof(size));
		fprintf(out, "hypervisor memory: 0x%llx, %s\n", (unsigned long long)s->hv_mem_phys,
			size);
		fprintf(out, "debug console:     %s at 0x%llx%s\n",
			cc_console_type_names[s->debug_console.type],
			(unsigned long long)s->debug_console.address,
			s->debug_console.flags & CV_CONSOLE_MIRROR ? ", mirrored" : "");
		fprintf(out, "platform:          %u CPUs, GICv%u: GICD 0x%llx, GICR 0x%llx, "
			"maintenance INTID %u, %u INTIDs\n", pl->num_cpus, pl->gic_version,
			(unsigned long long)pl->gicd_base, (unsigned long long)pl->gicr_base,
			pl->maintenance_irq, pl->num_irqs);
		if (pl->notify_irq)
			fprintf(out, "notification:      INTID %u to the root cell\n", pl->notify_irq);
		else
			fprintf(out, "notification:      none (the driver polls)\n");
		if (pl->pci_ecam_base)
			fprintf(out, "PCI:               ECAM 0x%llx, domain %04x, buses %02x-%02x\n",
				(unsigned long long)pl->pci_ecam_base, pl->pci_domain,
				pl->pci_bus_start, pl->pci_bus_end);
		else
			fputs("PCI:               none\n", out);
		if (pl->iommu.type == CV_IOMMU_SMMUV3)
			fprintf(out, "IOMMU:             SMMUv3 at 0x%llx, %u-bit stream IDs, "
				"event INTID %u\n", (unsigned long long)pl->iommu.base,
				pl->iommu.stream_id_bits, pl->iommu.event_irq);
		else
			fputs("IOMMU:             none (devices may DMA anywhere)\n", out);
	}
	print_cell(cc_cell(c), s != NULL, out);
	if (s)
		print_links(s, out);
	if (c->num_images)
		fputs("  images:\n", out);
	for (size_t i = 0; i < c->num_images; i++)
		fprintf(out, "    %s at 0x%llx\n", c->images[i].path,
			(unsigned long long)c->images[i].address);
	if (c->linux_cfg) {
		const struct cc_linux *l = c->linux_cfg;

		fprintf(out, "  Linux kernel:    %s\n", l->kernel);
		if (l->initrd)
			fprintf(out, "  initrd:          %s\n", l->initrd);
		fprintf(out, "  command line:    %s\n", l->cmdline);
		fprintf(out, "  device tree:     %s\n",
			l->device_tree ? l->device_tree : "(generated)");
	}
	if (c->has_params)
		fprintf(out, "  parameters:      %s at 0x%llx\n",
			c->params_file ? c->params_file : "(inline text)",
			(unsigned long long)c->params_address);
}
