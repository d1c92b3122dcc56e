// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellctl config create: a system configuration for the running machine, from its device
 * tree (/sys/firmware/fdt, read with libfdt) and the kernel command line's "mem=" (the RAM
 * Linux leaves alone is where the hypervisor and the cells live).  What the device tree does
 * not say, or what the user must decide, is printed as notes on stderr (the JSON format has
 * no comments).  The result is validated before it is written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <libfdt.h>

#include "cellconf.h"
#include "cellctl.h"

#define DEFAULT_FDT		"/sys/firmware/fdt"
#define DEFAULT_CMDLINE		"/proc/cmdline"
#define DEFAULT_HV_SIZE		(16ULL << 20)
#define PAGE			0x1000ULL
#define MAX_RANGES		256
#define MAX_SPIS		1020

struct range {
	uint64_t start, size;
};

struct ranges {
	struct range r[MAX_RANGES];
	unsigned n;
};

struct machine {
	const char *fdt_file;
	const void *fdt;
	int gic;			/* node offset */
	uint32_t gic_phandle;
	int addr_cells, size_cells;	/* of the root node */
	struct ranges ram, io;
	bool spi[MAX_SPIS];		/* used by a device of the root */
	unsigned num_cpus;
	uint64_t gicd, gicr, gicr_size, ecam, ecam_size;
	unsigned maintenance_irq, bus_start, bus_end, domain;
	bool has_pci;
	uint64_t uart;
	unsigned uart_spi;
	unsigned errors;
};

static bool quiet;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	fprintf(stderr, "%s: config create: note: ", cellctl_program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void fail(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct machine *m, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: config create: %s: ", cellctl_program, m->fdt_file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	m->errors++;
}

static uint64_t cells_value(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

/* Entry 'i' of a node's "reg" in the root's address space; false when there is none. */
static bool reg_entry(const struct machine *m, int node, int i, uint64_t *start, uint64_t *size)
{
	int len, cells = m->addr_cells + m->size_cells;
	const fdt32_t *reg = fdt_getprop(m->fdt, node, "reg", &len);

	if (!reg || cells < 1 || cells > 4 || len < (i + 1) * cells * 4)
		return false;
	reg += i * cells;
	*start = cells_value(reg, m->addr_cells);
	*size = cells_value(reg + m->addr_cells, m->size_cells);
	return true;
}

/* Add [start, start+size) rounded out to whole pages; overlapping or touching ranges merge. */
static void range_add(struct machine *m, struct ranges *rs, uint64_t start, uint64_t size)
{
	uint64_t end;

	if (!size || start + size < start)
		return;
	end = (start + size + PAGE - 1) & ~(PAGE - 1);
	start &= ~(PAGE - 1);
	for (unsigned i = 0; i < rs->n; i++) {
		struct range *r = &rs->r[i];

		if (start <= r->start + r->size && r->start <= end) {
			uint64_t s = start < r->start ? start : r->start;
			uint64_t e = end > r->start + r->size ? end : r->start + r->size;

			rs->r[i] = rs->r[--rs->n];	/* merge, then add the union again */
			range_add(m, rs, s, e - s);
			return;
		}
	}
	if (rs->n == MAX_RANGES) {
		fail(m, "more than %d separate memory ranges", MAX_RANGES);
		return;
	}
	rs->r[rs->n++] = (struct range){ start, end - start };
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static bool is_compatible(const struct machine *m, int node, const char *compat)
{
	return fdt_node_check_compatible(m->fdt, node, compat) == 0;
}

static bool status_okay(const struct machine *m, int node)
{
	const char *s = fdt_getprop(m->fdt, node, "status", NULL);

	return !s || !strcmp(s, "okay") || !strcmp(s, "ok");
}

static uint32_t prop_u32(const struct machine *m, int node, const char *name, uint32_t def)
{
	int len;
	const fdt32_t *p = fdt_getprop(m->fdt, node, name, &len);

	return p && len >= 4 ? fdt32_to_cpu(*p) : def;
}

/* The SPIs of a GIC interrupt specifier list (3 cells each: type, number, flags). */
static void mark_spis(struct machine *m, const fdt32_t *p, int cells, int count)
{
	for (int i = 0; i < count; i++, p += cells)
		if (cells == 3 && fdt32_to_cpu(p[0]) == 0 && fdt32_to_cpu(p[1]) + 32 < MAX_SPIS)
			m->spi[fdt32_to_cpu(p[1]) + 32] = true;
}

static void find_cpus(struct machine *m)
{
	int cpus = fdt_path_offset(m->fdt, "/cpus"), node;
	uint64_t seen = 0;

	if (cpus < 0) {
		fail(m, "no /cpus node");
		return;
	}
	int ac = prop_u32(m, cpus, "#address-cells", 1);

	fdt_for_each_subnode(node, m->fdt, cpus) {
		const char *type = fdt_getprop(m->fdt, node, "device_type", NULL);
		int len;
		const fdt32_t *reg = fdt_getprop(m->fdt, node, "reg", &len);
		uint64_t mpidr;

		if (!type || strcmp(type, "cpu") || !status_okay(m, node))
			continue;
		if (!reg || ac < 1 || ac > 2 || len < ac * 4) {
			fail(m, "%s has no MPIDR (\"reg\")", fdt_get_name(m->fdt, node, NULL));
			continue;
		}
		mpidr = cells_value(reg, ac);
		if (mpidr & ~0xffULL || mpidr >= 64) {
			fail(m, "CPU %s has MPIDR 0x%" PRIx64 ": Cellvisor numbers CPUs by MPIDR "
			     "affinity 0 and needs Aff1..Aff3 = 0 and Aff0 < 64",
			     fdt_get_name(m->fdt, node, NULL), mpidr);
			continue;
		}
		seen |= 1ULL << mpidr;
	}
	while (m->num_cpus < 64 && seen & (1ULL << m->num_cpus))
		m->num_cpus++;
	if (!m->num_cpus || (m->num_cpus < 64 && seen >> m->num_cpus))
		fail(m, "the CPUs' MPIDRs (mask 0x%" PRIx64 ") are not 0 to N-1", seen);
}

static void find_gic(struct machine *m)
{
	int len, icells;
	const fdt32_t *irq;

	m->gic = fdt_node_offset_by_compatible(m->fdt, -1, "arm,gic-v3");
	if (m->gic < 0) {
		fail(m, "no GICv3 (compatible \"arm,gic-v3\"): Cellvisor needs a GICv3 "
		     "(QEMU: -M virt,gic-version=3)");
		return;
	}
	m->gic_phandle = fdt_get_phandle(m->fdt, m->gic);
	if (!reg_entry(m, m->gic, 0, &m->gicd, &(uint64_t){ 0 }) ||
	    !reg_entry(m, m->gic, 1, &m->gicr, &m->gicr_size))
		fail(m, "the GICv3 node has no distributor and redistributor \"reg\"");
	if (prop_u32(m, m->gic, "#redistributor-regions", 1) != 1)
		note("the GIC has several redistributor regions: only the first (0x%" PRIx64
		     ") is described", m->gicr);
	icells = prop_u32(m, m->gic, "#interrupt-cells", 3);
	irq = fdt_getprop(m->fdt, m->gic, "interrupts", &len);
	if (irq && icells == 3 && len >= 12 && fdt32_to_cpu(irq[0]) == 1) {
		m->maintenance_irq = fdt32_to_cpu(irq[1]) + 16;
	} else {
		m->maintenance_irq = 25;
		note("the GIC node gives no maintenance interrupt: PPI 25 (INTID 25) assumed, as "
		     "on QEMU virt and most Arm boards");
	}
}

/* The PL011 the hypervisor takes: Linux's stdout-path if that is one, else the first. */
static int find_uart(struct machine *m)
{
	int chosen = fdt_path_offset(m->fdt, "/chosen"), node = -1, len;
	const char *path = chosen >= 0 ? fdt_getprop(m->fdt, chosen, "stdout-path", &len) : NULL;
	uint64_t size;

	if (path) {
		char *p = strndup(path, strcspn(path, ":"));

		node = p ? fdt_path_offset(m->fdt, p) : -1;
		free(p);
		if (node >= 0 && !is_compatible(m, node, "arm,pl011"))
			node = -1;
	}
	if (node < 0)
		node = fdt_node_offset_by_compatible(m->fdt, -1, "arm,pl011");
	if (node < 0 || !reg_entry(m, node, 0, &m->uart, &size)) {
		note("no PL011 UART: the hypervisor gets no debug console (\"type\": \"none\")");
		return -1;
	}
	const fdt32_t *irq = fdt_getprop(m->fdt, node, "interrupts", &len);

	if (irq && len >= 12 && fdt32_to_cpu(irq[0]) == 0)
		m->uart_spi = fdt32_to_cpu(irq[1]) + 32;
	return node;
}

static void find_pci(struct machine *m, int node)
{
	int len;
	const fdt32_t *p;
	int pac = m->addr_cells, psc = m->size_cells;

	if (m->has_pci) {
		note("a second PCI host bridge (%s) is left out: Cellvisor describes one",
		     fdt_get_name(m->fdt, node, NULL));
		return;
	}
	if (!reg_entry(m, node, 0, &m->ecam, &m->ecam_size)) {
		fail(m, "PCI host %s has no ECAM \"reg\"", fdt_get_name(m->fdt, node, NULL));
		return;
	}
	m->has_pci = true;
	p = fdt_getprop(m->fdt, node, "bus-range", &len);
	m->bus_start = p && len >= 8 ? fdt32_to_cpu(p[0]) : 0;
	m->bus_end = p && len >= 8 ? fdt32_to_cpu(p[1]) : (unsigned)(m->ecam_size >> 20) - 1;
	m->domain = prop_u32(m, node, "linux,pci-domain", 0);
	/* ranges: (3-cell PCI address, parent address, size): the windows the root uses. */
	p = fdt_getprop(m->fdt, node, "ranges", &len);
	for (int e = 3 + pac + psc; p && len >= e * 4; p += e, len -= e * 4) {
		uint64_t start = cells_value(p + 3, pac);
		uint64_t size = cells_value(p + 3 + pac, psc);

		range_add(m, &m->io, start, size);
	}
	/* interrupt-map: (3-cell address, 1-cell pin, parent phandle, parent address, spec) */
	p = fdt_getprop(m->fdt, node, "interrupt-map", &len);
	while (p && len >= 5 * 4) {
		int parent = fdt_node_offset_by_phandle(m->fdt, fdt32_to_cpu(p[4]));
		int ac = parent >= 0 ? (int)prop_u32(m, parent, "#address-cells", 0) : -1;
		int ic = parent >= 0 ? (int)prop_u32(m, parent, "#interrupt-cells", 3) : -1;
		int e = 5 + ac + ic;

		if (parent < 0 || ac < 0 || ac > 3 || ic < 1 || ic > 4 || len < e * 4)
			break;
		if (parent == m->gic)
			mark_spis(m, p + 5 + ac, ic, 1);
		p += e;
		len -= e * 4;
	}
}

static void find_devices(struct machine *m, int uart)
{
	int node;

	fdt_for_each_subnode(node, m->fdt, 0) {
		const char *type = fdt_getprop(m->fdt, node, "device_type", NULL);
		uint64_t start, size;
		int len;
		const fdt32_t *irq;

		if (!status_okay(m, node))
			continue;
		if (type && !strcmp(type, "memory")) {
			for (int i = 0; reg_entry(m, node, i, &start, &size); i++)
				range_add(m, &m->ram, start, size);
			continue;
		}
		if (node == m->gic)
			continue;	/* emulated by the hypervisor */
		if (is_compatible(m, node, "pci-host-ecam-generic")) {
			find_pci(m, node);
			continue;
		}
		irq = fdt_getprop(m->fdt, node, "interrupts", &len);
		if (node == uart)
			continue;	/* the hypervisor's debug console, not the root's */
		for (int i = 0; reg_entry(m, node, i, &start, &size); i++)
			range_add(m, &m->io, start, size);
		if (irq && (!fdt_getprop(m->fdt, node, "interrupt-parent", NULL) ||
			    prop_u32(m, node, "interrupt-parent", 0) == m->gic_phandle))
			mark_spis(m, irq, 3, len / 12);
	}
}

/* "mem=SIZE[KMGTPE]" of the command line in 'file', 0 when there is none. */
static uint64_t mem_limit(const char *file)
{
	char buf[4096], *p, *end;
	uint64_t v = 0;
	FILE *f = fopen(file, "re");
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: config create: %s: %s\n", cellctl_program, file,
			strerror(errno));
		return 0;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	for (p = buf; (p = strstr(p, "mem=")); p += 4) {
		if (p != buf && p[-1] != ' ')
			continue;
		v = strtoull(p + 4, &end, 0);
		switch (*end) {
		case 'E': case 'e': v <<= 10; /* fall through */
		case 'P': case 'p': v <<= 10; /* fall through */
		case 'T': case 't': v <<= 10; /* fall through */
		case 'G': case 'g': v <<= 10; /* fall through */
		case 'M': case 'm': v <<= 10; /* fall through */
		case 'K': case 'k': v <<= 10; /* fall through */
		default: break;
		}
	}
	return v;
}

static cJSON *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return cJSON_CreateString(buf);
}

static cJSON *size_json(uint64_t v)
{
	char buf[32];

	cc_format_size(v, buf, sizeof(buf));
	return cJSON_CreateString(buf);
}

static void add_region(cJSON *arr, uint64_t start, uint64_t size, bool ram)
{
	static const char *const ram_flags[] = { "read", "write", "execute", "dma" };
	static const char *const io_flags[] = { "read", "write", "io" };
	cJSON *r = cJSON_CreateObject();

	cJSON_AddItemToObject(r, "phys_start", hex(start));
	cJSON_AddItemToObject(r, "size", size_json(size));
	cJSON_AddItemToObject(r, "flags", ram ? cJSON_CreateStringArray(ram_flags, 4) :
					    cJSON_CreateStringArray(io_flags, 3));
	cJSON_AddItemToArray(arr, r);
}

static cJSON *irq_ranges(const bool *spi, unsigned num_irqs)
{
	cJSON *arr = cJSON_CreateArray();

	for (unsigned i = 32; i < num_irqs; i++) {
		unsigned j = i;
		char buf[24];

		if (!spi[i])
			continue;
		while (j + 1 < num_irqs && spi[j + 1])
			j++;
		if (j == i) {
			cJSON_AddItemToArray(arr, cJSON_CreateNumber(i));
		} else {
			snprintf(buf, sizeof(buf), "%u-%u", i, j);
			cJSON_AddItemToArray(arr, cJSON_CreateString(buf));
		}
		i = j;
	}
	return arr;
}

/* The JSON of the machine; NULL (reported) when it cannot host the hypervisor. */
static cJSON *build(struct machine *m, uint64_t limit, uint64_t hv_size)
{
	const unsigned num_irqs = 256;
	struct ranges linux_ram = { .n = 0 }, free_ram = { .n = 0 };
	uint64_t left = limit, hv = 0;
	unsigned notify = 0;
	cJSON *root, *o, *pl, *gic, *cell, *regions;
	char cpus[16];

	qsort(m->ram.r, m->ram.n, sizeof(m->ram.r[0]), cmp_range);
	for (unsigned i = 0; i < m->ram.n; i++) {
		struct range r = m->ram.r[i];
		uint64_t take = !limit ? r.size : left < r.size ? left : r.size;

		if (take)
			linux_ram.r[linux_ram.n++] = (struct range){ r.start, take };
		if (take < r.size)
			free_ram.r[free_ram.n++] = (struct range){ r.start + take, r.size - take };
		left -= take;
	}
	for (unsigned i = 0; i < free_ram.n && !hv; i++)
		if (free_ram.r[i].size > hv_size) {
			hv = free_ram.r[i].start;
			free_ram.r[i].start += hv_size;
			free_ram.r[i].size -= hv_size;
		}
	if (!hv) {
		uint64_t total = 0;

		for (unsigned i = 0; i < m->ram.n; i++)
			total += m->ram.r[i].size;
		if (limit)
			fprintf(stderr, "%s: config create: mem=%" PRIu64 "M leaves no more than "
				"%" PRIu64 " MiB of RAM outside Linux", cellctl_program, limit >> 20,
				hv_size >> 20);
		else
			fprintf(stderr, "%s: config create: Linux uses all RAM (no \"mem=\")",
				cellctl_program);
		fprintf(stderr, ": boot it with \"mem=\" well below the %" PRIu64 " MiB of RAM "
			"in the device tree, to leave room for the hypervisor (%" PRIu64 " MiB) "
			"and the cells\n", total >> 20, hv_size >> 20);
		return NULL;
	}
	for (unsigned i = num_irqs - 1; i >= 32 && !notify; i--)
		if (!m->spi[i] && i != m->uart_spi)
			notify = i;
	m->spi[notify] = true;

	root = cJSON_CreateObject();
	o = cJSON_AddObjectToObject(root, "hypervisor_memory");
	cJSON_AddItemToObject(o, "phys_start", hex(hv));
	cJSON_AddItemToObject(o, "size", size_json(hv_size));
	o = cJSON_AddObjectToObject(root, "debug_console");
	if (m->uart) {
		cJSON_AddStringToObject(o, "type", "pl011");
		cJSON_AddItemToObject(o, "address", hex(m->uart));
		cJSON_AddItemToObject(o, "flags", cJSON_CreateStringArray((const char *[]){
			"mirror" }, 1));
	} else {
		cJSON_AddStringToObject(o, "type", "none");
	}
	pl = cJSON_AddObjectToObject(root, "platform");
	cJSON_AddNumberToObject(pl, "num_cpus", m->num_cpus);
	gic = cJSON_AddObjectToObject(pl, "gic");
	cJSON_AddNumberToObject(gic, "version", 3);
	cJSON_AddItemToObject(gic, "gicd_base", hex(m->gicd));
	cJSON_AddItemToObject(gic, "gicr_base", hex(m->gicr));
	cJSON_AddNumberToObject(gic, "maintenance_irq", m->maintenance_irq);
	cJSON_AddNumberToObject(gic, "num_irqs", num_irqs);
	cJSON_AddNumberToObject(gic, "notify_irq", notify);
	if (m->has_pci) {
		o = cJSON_AddObjectToObject(pl, "pci");
		cJSON_AddItemToObject(o, "ecam_base", hex(m->ecam));
		cJSON_AddNumberToObject(o, "domain", m->domain);
		cJSON_AddNumberToObject(o, "bus_start", m->bus_start);
		cJSON_AddNumberToObject(o, "bus_end", m->bus_end);
	}
	cell = cJSON_AddObjectToObject(root, "root_cell");
	cJSON_AddStringToObject(cell, "name", "root");
	snprintf(cpus, sizeof(cpus), m->num_cpus > 1 ? "0-%u" : "0", m->num_cpus - 1);
	cJSON_AddItemToObject(cell, "cpus", cJSON_CreateStringArray((const char *[]){ cpus }, 1));
	regions = cJSON_AddArrayToObject(cell, "memory_regions");
	for (unsigned i = 0; i < linux_ram.n; i++)
		add_region(regions, linux_ram.r[i].start, linux_ram.r[i].size, true);
	for (unsigned i = 0; i < free_ram.n; i++)
		if (free_ram.r[i].size)
			add_region(regions, free_ram.r[i].start, free_ram.r[i].size, true);
	qsort(m->io.r, m->io.n, sizeof(m->io.r[0]), cmp_range);
	for (unsigned i = 0; i < m->io.n; i++)
		add_region(regions, m->io.r[i].start, m->io.r[i].size, false);
	cJSON_AddItemToObject(cell, "irqs", irq_ranges(m->spi, num_irqs));

	note("hypervisor memory: the first %" PRIu64 " MiB above Linux's RAM (mem=%" PRIu64
	     "M), 0x%" PRIx64 "; give it more with --hypervisor-size if many cells are planned",
	     hv_size >> 20, limit >> 20, hv);
	for (unsigned i = 0; i < free_ram.n; i++)
		if (free_ram.r[i].size)
			note("RAM 0x%" PRIx64 "..0x%" PRIx64 " (%" PRIu64 " MiB) is the root cell's "
			     "but not Linux's: the cells take their memory from it",
			     free_ram.r[i].start, free_ram.r[i].start + free_ram.r[i].size - 1,
			     free_ram.r[i].size >> 20);
	note("GIC: %u interrupt IDs assumed (the device tree does not say; the hypervisor "
	     "refuses to enable if GICD_TYPER implements fewer)", num_irqs);
	note("notify_irq %u: the highest SPI no device uses, which the hypervisor raises in the "
	     "root cell on console output; any free SPI will do", notify);
	if (m->uart)
		note("debug console: the PL011 at 0x%" PRIx64 " belongs to the hypervisor (its "
		     "messages are mirrored there): Linux must not use it as its console%s",
		     m->uart, m->uart_spi ? "; its interrupt is left for a cell" : "");
	note("every device of the device tree with an interrupt is the root cell's: to give a "
	     "device or an interrupt (a PCI INTx line) to a cell, remove it from \"root_cell\"");
	if (m->has_pci)
		note("PCI: the root cell sees every function no cell holds; list functions in "
		     "\"pci_devices\" to keep them from the cells");
	return root;
}

int cellctl_config_create(int argc, char **argv)
{
	enum { OPT_FDT = 256, OPT_CMDLINE, OPT_HV_SIZE };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "fdt", required_argument, NULL, OPT_FDT },
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "hypervisor-size", required_argument, NULL, OPT_HV_SIZE },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct machine m = { .fdt_file = DEFAULT_FDT, .addr_cells = 2, .size_cells = 1 };
	const char *output = NULL, *cmdline = DEFAULT_CMDLINE;
	uint64_t hv_size = DEFAULT_HV_SIZE, limit;
	struct cc_config *cfg = NULL;
	struct cc_diags d;
	char *data = NULL, *text = NULL;
	cJSON *json = NULL;
	size_t len = 0;
	FILE *f;
	int c, uart, ret = CELLCTL_EXIT_INVALID;

	quiet = false;
	while ((c = getopt_long(argc, argv, "o:q", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case OPT_FDT:
			m.fdt_file = optarg;
			break;
		case OPT_CMDLINE:
			cmdline = optarg;
			break;
		case OPT_HV_SIZE:
			if (!cc_parse_u64(optarg, &hv_size) || !hv_size || hv_size % PAGE)
				return cellctl_usage_error("config create: --hypervisor-size: "
							   "\"%s\" is not a size in whole 4 KiB "
							   "pages", optarg);
			break;
		case 'q':
			quiet = true;
			break;
		default:
			return cellctl_usage_error("config create: unknown option");
		}
	}
	if (optind != argc)
		return cellctl_usage_error("config create: unexpected argument \"%s\"",
					   argv[optind]);
	cc_diags_init(&d);
	f = fopen(m.fdt_file, "rb");
	if (f) {
		char buf[65536];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && len < (16u << 20)) {
			char *p = realloc(data, len + n);

			if (!p)
				abort();
			data = p;
			memcpy(data + len, buf, n);
			len += n;
		}
		fclose(f);
	}
	if (!f || !len) {
		fprintf(stderr, "%s: config create: cannot read the device tree %s: %s\n",
			cellctl_program, m.fdt_file, f ? "empty" : strerror(errno));
		goto out;
	}
	if (fdt_check_full(data, len)) {
		fail(&m, "not a valid flattened device tree (%s)",
		     fdt_strerror(fdt_check_full(data, len)));
		goto out;
	}
	m.fdt = data;
	m.addr_cells = fdt_address_cells(m.fdt, 0);
	m.size_cells = fdt_size_cells(m.fdt, 0);
	if (m.addr_cells < 1 || m.addr_cells > 2 || m.size_cells < 1 || m.size_cells > 2) {
		fail(&m, "the root node's #address-cells %d and #size-cells %d are not 1 or 2",
		     m.addr_cells, m.size_cells);
		goto out;
	}
	find_cpus(&m);
	find_gic(&m);
	uart = find_uart(&m);
	find_devices(&m, uart);
	if (!m.ram.n)
		fail(&m, "no memory node");
	limit = mem_limit(cmdline);
	if (m.errors)
		goto out;
	json = build(&m, limit, hv_size);
	if (!json)
		goto out;
	text = cJSON_Print(json);
	if (!text)
		abort();
	/* What is written must pass "config check". */
	cfg = cc_load_json(output ? output : "(standard output)", text, strlen(text), &d);
	if (cfg)
		cc_validate(cfg, NULL, 0, &d);
	if (d.errors) {
		cc_diags_print(&d, stderr, CC_WARNING);
		fprintf(stderr, "%s: config create: the configuration made from %s does not "
			"pass the checks above: nothing written\n", cellctl_program, m.fdt_file);
		goto out;
	}
	if (output) {
		f = fopen(output, "w");
		if (!f || fprintf(f, "%s\n", text) < 0 || fclose(f)) {
			fprintf(stderr, "%s: config create: cannot write %s: %s\n",
				cellctl_program, output, strerror(errno));
			goto out;
		}
	} else {
		printf("%s\n", text);
	}
	ret = CELLCTL_EXIT_OK;
out:
	cc_free(cfg);
	cc_diags_free(&d);
	cJSON_Delete(json);
	free(text);
	free(data);
	return ret;
}
