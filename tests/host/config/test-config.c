// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of the configuration library: one test per validation rule, each checking
 * the exact "FILE: JSON-PATH: problem" it reports; round trips; the blob checker on corrupt
 * blobs.  Prints TAP.  CONFIGS_DIR names configs/arm64, the valid base configurations that
 * each test changes in one place.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cellconf.h"

static int test_num, failures;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++test_num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failures += !cond;
}

static char *read_text(const char *name)
{
	char path[512], *buf;
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/%s", CONFIGS_DIR, name);
	f = fopen(path, "rb");
	if (!f) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, len + 1);
	if (!buf || fread(buf, 1, len, f) != (size_t)len)
		exit(1);
	fclose(f);
	return buf;
}

/*
 * Change a JSON document at a path such as ".memory_regions[0].size": 'value' (JSON text)
 * replaces or adds the member, NULL deletes it; "[+]" as the last step appends to an array.
 */
static void edit(cJSON *root, const char *path, const char *value)
{
	cJSON *node = root, *v = value ? cJSON_Parse(value) : NULL;
	char key[64];
	const char *s = path;

	if (value && !v) {
		printf("Bail out! bad test value %s\n", value);
		exit(1);
	}
	while (*s) {
		bool last;
		int idx = -1, n = 0;

		if (*s == '.') {
			s++;
			while (*s && *s != '.' && *s != '[' && n < 63)
				key[n++] = *s++;
			key[n] = 0;
		} else if (*s == '[') {
			if (s[1] == '+')
				idx = -2;
			else
				idx = atoi(s + 1);
			s = strchr(s, ']') + 1;
		}
		last = !*s;
		if (!last) {
			node = idx == -1 ? cJSON_GetObjectItemCaseSensitive(node, key) :
					   cJSON_GetArrayItem(node, idx);
			if (!node) {
				printf("Bail out! no %s in the base config\n", path);
				exit(1);
			}
			continue;
		}
		if (idx == -2)
			cJSON_AddItemToArray(node, v);
		else if (idx >= 0 && v)
			cJSON_ReplaceItemInArray(node, idx, v);
		else if (idx >= 0)
			cJSON_DeleteItemFromArray(node, idx);
		else if (!v)
			cJSON_DeleteItemFromObjectCaseSensitive(node, key);
		else if (cJSON_GetObjectItemCaseSensitive(node, key))
			cJSON_ReplaceItemInObjectCaseSensitive(node, key, v);
		else
			cJSON_AddItemToObject(node, key, v);
	}
}

/* The base config 'name' with up to 3 edits (path, value pairs; path NULL ends). */
static char *variant(const char *name, const char *const *edits)
{
	char *text = read_text(name), *out;
	cJSON *j = cJSON_Parse(text);

	for (unsigned i = 0; edits && i < 6 && edits[i]; i += 2)
		edit(j, edits[i], edits[i + 1]);
	out = cJSON_Print(j);
	cJSON_Delete(j);
	free(text);
	return out;
}

/* Is there a message starting with 'expect'?  A '*' in it stands for any text. */
static bool has_message(const struct cc_diags *d, const char *expect)
{
	const char *star = strchr(expect, '*');
	size_t n = star ? (size_t)(star - expect) : strlen(expect);

	for (size_t i = 0; i < d->count; i++)
		if (!strncmp(d->items[i].text, expect, n) &&
		    (!star || strstr(d->items[i].text + n, star + 1)))
			return true;
	return false;
}

static void show_diags(const struct cc_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		printf("#   %s\n", d->items[i].text);
}

struct rule {
	const char *what;
	const char *base;		/* file in configs/arm64 */
	const char *edits[6];		/* of the base */
	const char *sys_edits[6];	/* of system.json, the system a cell is checked against */
	const char *expect;		/* "t.json: PATH: problem", a prefix of one message */
};

/* Load 'text' as file t.json and validate it (against 'sys' for a cell). */
static bool run_text(const char *text, const struct cc_config *sys, struct cc_diags *d)
{
	struct cc_config *c = cc_load_json("t.json", text, strlen(text), d);
	bool valid = c && cc_validate(c, sys, 0, d);

	cc_free(c);
	return valid;
}

static struct cc_config *load_system(const char *const *edits)
{
	char *text = variant("system.json", edits);
	struct cc_diags d;
	struct cc_config *sys;

	cc_diags_init(&d);
	sys = cc_load_json("system.json", text, strlen(text), &d);
	cc_diags_free(&d);
	free(text);
	return sys;
}

static const struct rule rules[] = {
	/* Syntax, keys and types. */
	{ "unknown key", "gic-demo.json", { ".colour", "\"red\"" }, {},
	  "t.json: .colour: unknown key (known keys here: name," },
	{ "unknown key in a region", "gic-demo.json", { ".memory_regions[0].flag", "[]" }, {},
	  "t.json: .memory_regions[0].flag: unknown key" },
	{ "wrong type: cpus as a string", "gic-demo.json", { ".cpus", "\"3\"" }, {},
	  "t.json: .cpus: expected an array, got a string" },
	{ "wrong type: region as a number", "gic-demo.json", { ".memory_regions[0]", "7" }, {},
	  "t.json: .memory_regions[0]: expected an object, got a number" },
	{ "wrong type: size as a boolean", "gic-demo.json", { ".memory_regions[0].size", "true" },
	  {}, "t.json: .memory_regions[0].size: expected a number or a string, got a boolean" },
	{ "missing entry", "gic-demo.json", { ".entry", NULL }, {},
	  "t.json: .entry: required key is missing" },
	{ "missing region size", "gic-demo.json", { ".memory_regions[0].size", NULL }, {},
	  "t.json: .memory_regions[0].size: required key is missing" },
	{ "missing phys_start", "gic-demo.json", { ".memory_regions[0].phys_start", NULL }, {},
	  "t.json: .memory_regions[0].phys_start: required key is missing" },
	{ "missing name", "gic-demo.json", { ".name", NULL }, {},
	  "t.json: .name: required key is missing" },
	{ "system: missing platform", "system.json", { ".platform", NULL }, {},
	  "t.json: .platform: required key is missing" },
	{ "size with a decimal unit", "gic-demo.json", { ".memory_regions[0].size", "\"4 MB\"" },
	  {}, "t.json: .memory_regions[0].size: \"4 MB\" is not a number, address or size" },
	{ "negative number", "gic-demo.json", { ".shutdown_timeout_ms", "-1" }, {},
	  "t.json: .shutdown_timeout_ms: -1 is not a whole number" },
	{ "fraction", "gic-demo.json", { ".memory_regions[0].size", "4096.5" }, {},
	  "t.json: .memory_regions[0].size: 4096.5 is not a whole number" },
	{ "number too large for the field", "gic-demo.json", { ".shutdown_timeout_ms",
	  "\"0x100000000\"" }, {}, "t.json: .shutdown_timeout_ms: 4294967296 is too large" },
	{ "unknown memory flag", "gic-demo.json", { ".memory_regions[0].flags[0]", "\"rwx\"" }, {},
	  "t.json: .memory_regions[0].flags[0]: unknown flag \"rwx\"" },
	{ "flag given twice", "gic-demo.json", { ".memory_regions[0].flags[+]", "\"read\"" }, {},
	  "t.json: .memory_regions[0].flags[4]: flag \"read\" given twice" },
	{ "unknown cell flag", "gic-demo.json", { ".flags", "[\"passive\"]" }, {},
	  "t.json: .flags[0]: unknown flag \"passive\"" },
	{ "CPU listed twice", "gic-demo.json", { ".cpus", "[3, \"2-3\"]" }, {},
	  "t.json: .cpus[1]: CPU 3 listed twice" },
	{ "CPU beyond 63", "gic-demo.json", { ".cpus", "[64]" }, {},
	  "t.json: .cpus[0]: 64 is too large (at most 63)" },
	{ "reversed range", "pci-demo.json", { ".irqs", "[\"40-36\"]" }, {},
	  "t.json: .irqs[0]: \"40-36\" is not a range" },
	{ "name too long", "gic-demo.json", { ".name", "\"a-name-of-more-than-31-characters\"" },
	  {}, "t.json: .name: name is longer than 31 characters" },
	{ "bad PCI address", "pci-demo.json", { ".pci_devices[0].bdf", "\"00:20.0\"" }, {},
	  "t.json: .pci_devices[0].bdf: \"00:20.0\" is not a PCI address" },
	{ "too many BARs", "pci-demo.json", { ".pci_devices[0].bars",
	  "[null, null, null, null, null, null, null]" }, {},
	  "t.json: .pci_devices[0].bars: 7 BARs given, a function has at most 6" },
	{ "unknown console type", "gic-demo.json", { ".console.type", "\"vga\"" }, {},
	  "t.json: .console.type: unknown console type \"vga\"" },
	{ "system: unknown IOMMU type", "system.json", { ".platform.iommu.type", "\"vt-d\"" }, {},
	  "t.json: .platform.iommu.type: unknown IOMMU type \"vt-d\"" },
	{ "system: IOMMU without stream_id_bits", "system.json",
	  { ".platform.iommu.stream_id_bits", NULL }, {},
	  "t.json: .platform.iommu.stream_id_bits: required key is missing" },
	{ "system: IOMMU stream table of 17 bits", "system.json",
	  { ".platform.iommu.stream_id_bits", "17" }, {},
	  "t.json: .platform.iommu.stream_id_bits: 17 bits (1 to 16; 8 covers bus 0)" },
	{ "system: IOMMU base not 64 KiB aligned", "system.json",
	  { ".platform.iommu.base", "\"0x09051000\"" }, {},
	  "t.json: .platform.iommu.base: 0x9051000 is not a valid base" },
	{ "system: IOMMU unknown key", "system.json", { ".platform.iommu.stage", "2" }, {},
	  "t.json: .platform.iommu.stage: unknown key" },
	{ "system: IOMMU event interrupt given to the root", "system.json",
	  { ".root_cell.irqs[+]", "106" }, {},
	  "t.json: .: the hypervisor refuses it: interrupt 106 is the IOMMU's event interrupt, "
	  "which the hypervisor keeps" },
	{ "system: root region over the SMMU", "system.json", { ".root_cell.memory_regions[+]",
	  "{\"phys_start\": \"0x09050000\", \"size\": \"64 KiB\", \"flags\": [\"read\", \"io\"]}" },
	  {}, "t.json: .root_cell.memory_regions[10]: overlaps the IOMMU's registers at 0x9050000" },
	{ "root-only keys: entry in the root cell", "system.json", { ".root_cell.entry", "0" }, {},
	  "t.json: .root_cell.entry: unknown key" },
	{ "parameters with file and text", "gic-demo.json", { ".parameters",
	  "{\"address\": \"0x40100000\", \"file\": \"/a\", \"text\": \"b\"}" }, {},
	  "t.json: .parameters: needs exactly one of \"file\" and \"text\"" },
	{ "image without a path", "gic-demo.json", { ".images[0].path", NULL }, {},
	  "t.json: .images[0].path: required key is missing" },

	/* Regions of one cell. */
	{ "zero-size region", "gic-demo.json", { ".memory_regions[0].size", "0" }, {},
	  "t.json: .memory_regions[0].size: region is empty" },
	{ "misaligned phys_start", "gic-demo.json", { ".memory_regions[0].phys_start",
	  "\"0x71000800\"" }, {},
	  "t.json: .memory_regions[0].phys_start: 0x71000800 is not a multiple of 4 KiB" },
	{ "misaligned virt_start", "gic-demo.json", { ".memory_regions[1].virt_start",
	  "\"0x80000010\"" }, {},
	  "t.json: .memory_regions[1].virt_start: 0x80000010 is not a multiple of 4 KiB" },
	{ "misaligned size", "gic-demo.json", { ".memory_regions[0].size", "5000" }, {},
	  "t.json: .memory_regions[0].size: 0x1388 is not a multiple of 4 KiB" },
	{ "region wrapping around", "gic-demo.json", { ".memory_regions[0].virt_start",
	  "\"0xfffffffffffff000\"" }, {},
	  "t.json: .memory_regions[0]: region wraps around the 64-bit address space" },
	{ "regions overlapping in the cell", "gic-demo.json", { ".memory_regions[+]",
	  "{\"phys_start\": \"0x71800000\", \"virt_start\": \"0x40200000\", \"size\": \"1 MiB\", "
	  "\"flags\": [\"read\"]}" }, {},
	  "t.json: .memory_regions[2]: overlaps .memory_regions[0] in the cell's address space" },
	{ "regions overlapping in physical memory", "gic-demo.json", { ".memory_regions[+]",
	  "{\"phys_start\": \"0x71100000\", \"virt_start\": \"0x50000000\", \"size\": \"1 MiB\", "
	  "\"flags\": [\"read\"]}" }, {},
	  "t.json: .memory_regions[2]: overlaps .memory_regions[0] in physical memory" },
	{ "region without access", "gic-demo.json", { ".memory_regions[0].flags", "[\"dma\"]" },
	  {}, "t.json: .memory_regions[0].flags: region grants no access" },
	{ "loadable I/O region", "uart-demo.json", { ".memory_regions[1].flags",
	  "[\"read\", \"io\", \"loadable\"]" }, {},
	  "t.json: .memory_regions[1].flags: \"io\" is combined with \"loadable\" or \"execute\"" },

	/* A cell against the root cell and the platform. */
	{ "memory outside the root cell's RAM", "gic-demo.json", { ".memory_regions[0].phys_start",
	  "\"0x20000000\"" }, {},
	  "t.json: .memory_regions[0]: 0x20000000..0x203fffff is not inside the root cell's RAM" },
	{ "memory overlapping the hypervisor", "gic-demo.json", { ".memory_regions[0].phys_start",
	  "\"0x70e00000\"" }, {},
	  "t.json: .memory_regions[0]: overlaps the hypervisor memory 0x70000000..0x70ffffff" },
	{ "region over the GIC distributor", "uart-demo.json", { ".memory_regions[1].phys_start",
	  "\"0x08000000\"" }, {},
	  "t.json: .memory_regions[1]: overlaps the GIC distributor at 0x8000000" },
	{ "region over the PCI ECAM window", "uart-demo.json", { ".memory_regions[1].phys_start",
	  "\"0x4010100000\"" }, {},
	  "t.json: .memory_regions[1]: overlaps the PCI ECAM window at 0x4010000000" },
	{ "I/O region over the root cell's RAM", "uart-demo.json",
	  { ".memory_regions[1].phys_start", "\"0x50000000\"" }, {},
	  "t.json: .memory_regions[1]: \"io\" region overlaps .root_cell.memory_regions[0], RAM" },
	{ "CPU beyond the platform", "gic-demo.json", { ".cpus", "[5]" }, {},
	  "t.json: .cpus: CPU 5 is beyond the platform's 4 CPUs" },
	{ "CPU 0", "gic-demo.json", { ".cpus", "[0, 3]" }, {},
	  "t.json: .cpus: CPU 0 always stays with the root cell" },
	{ "all of the root cell's CPUs", "gic-demo.json", { ".cpus", "[\"0-3\"]" }, {},
	  "t.json: .cpus: takes all of the root cell's CPUs" },
	{ "CPU the root cell does not have", "gic-demo.json", {}, { ".root_cell.cpus",
	  "[\"0-2\"]" }, "t.json: .cpus: CPUs 0x8 are not the root cell's" },
	{ "no CPUs", "gic-demo.json", { ".cpus", "[]" }, {}, "t.json: .cpus: no CPUs" },
	{ "IRQ above the GIC's range", "pci-demo.json", { ".irqs[+]", "300" }, {},
	  "t.json: .irqs[1]: INTID 300 is outside the GIC's shared peripheral interrupts 32..255" },
	{ "IRQ that is a PPI", "pci-demo.json", { ".irqs[+]", "\"27-33\"" }, {},
	  "t.json: .irqs[1]: INTIDs 27-33 are outside the GIC's shared peripheral interrupts" },
	{ "IRQ of the root cell's devices", "pci-demo.json", { ".irqs[+]", "\"48-49\"" }, {},
	  "t.json: .irqs[1]: INTID 48 belongs to the root cell's devices" },
	{ "IRQ listed twice", "pci-demo.json", { ".irqs[+]", "36" }, {},
	  "t.json: .irqs[1]: overlaps .irqs[0]" },
	{ "image outside loadable memory", "gic-demo.json", { ".images[0].address",
	  "\"0x80000000\"" }, {},
	  "t.json: .images[0]: 0x80000000 is not inside a loadable RAM region of the cell" },
	{ "image in a region that is not loadable", "gic-demo.json",
	  { ".memory_regions[0].flags", "[\"read\", \"write\", \"execute\"]" }, {},
	  "t.json: .images[0]: 0x40000000 is not inside a loadable RAM region of the cell" },
	{ "image too large for its region", "gic-demo.json", { ".images[0]",
	  "{\"path\": \"" CONFIGS_DIR "/system.json\", \"address\": \"0x403fff00\"}" }, {},
	  "t.json: .images[0]: * bytes at 0x403fff00 do not fit in .memory_regions[0], which ends "
	  "at 0x403fffff" },
	{ "parameters too large for their region (text: one page)", "gic-demo.json",
	  { ".parameters", "{\"address\": \"0x403ff800\", \"text\": \"abc\"}" }, {},
	  "t.json: .parameters: 4096 bytes at 0x403ff800 do not fit in .memory_regions[0]" },
	{ "parameters over the image", "gic-demo.json", { ".parameters",
	  "{\"address\": \"0x40000000\", \"text\": \"abc\"}", ".images[0].path",
	  "\"" CONFIGS_DIR "/system.json\"" }, {},
	  "t.json: .parameters: overlaps .images[0]" },
	{ "missing communication region", "gic-demo.json", { ".memory_regions[1]", NULL }, {},
	  "t.json: .memory_regions: no communication region" },
	{ "communication region of 8 KiB", "gic-demo.json", { ".memory_regions[1].size",
	  "\"8 KiB\"" }, {}, "t.json: .memory_regions[1].size: communication region of 0x2000" },
	{ "communication region with a physical address", "gic-demo.json",
	  { ".memory_regions[1].phys_start", "\"0x71400000\"" }, {},
	  "t.json: .memory_regions[1].phys_start: communication region has a physical address" },
	{ "two communication regions", "gic-demo.json", { ".memory_regions[+]",
	  "{\"virt_start\": \"0x90000000\", \"size\": 4096, \"flags\": [\"read\", \"comm_region\"]}" },
	  {}, "t.json: .memory_regions[2]: second communication region" },
	{ "communication region in the root cell", "system.json", { ".root_cell.memory_regions[+]",
	  "{\"virt_start\": \"0x90000000\", \"size\": 4096, \"flags\": [\"read\", \"comm_region\"]}" },
	  {}, "t.json: .root_cell.memory_regions[10].flags: the root cell cannot have a "
	  "communication region" },
	{ "entry outside executable memory", "gic-demo.json", { ".entry", "\"0x80000000\"" }, {},
	  "t.json: .entry: 0x80000000 is not inside executable RAM of the cell" },
	{ "bad cell name", "gic-demo.json", { ".name", "\"gic demo\"" }, {},
	  "t.json: .name: name \"gic demo\" contains ' '" },
	{ "pl011 console outside the cell's I/O", "uart-demo.json", { ".memory_regions[1]", NULL },
	  {}, "t.json: .console.address: UART at 0x9000000 is not in an I/O region of the cell" },
	{ "pl011 console without address", "uart-demo.json", { ".console.address", NULL }, {},
	  "t.json: .console.address: a pl011 console needs an address" },
	{ "hvc console with an address", "gic-demo.json", { ".console.address",
	  "\"0x09000000\"" }, {}, "t.json: .console.address: address given for a \"hvc\" console" },
	{ "mirror on a cell console", "gic-demo.json", { ".console.flags", "[\"mirror\"]" }, {},
	  "t.json: .console.flags: \"mirror\" given for a cell's console" },

	/* PCI devices. */
	{ "device of the root cell", "pci-demo.json", { ".pci_devices[0].bdf", "\"00:00.0\"" }, {},
	  "t.json: .pci_devices[0].bdf: 0000:00:00.0 belongs to the root cell" },
	{ "device on a bus the platform lacks", "pci-demo.json", {}, { ".platform.pci.bus_end",
	  "0" }, NULL },	/* valid: bus 0 */
	{ "device outside the platform's buses", "pci-demo.json", { ".pci_devices[0].bdf",
	  "\"01:00.0\"" }, { ".platform.pci.bus_end", "0" },
	  "t.json: .pci_devices[0].bdf: 0000:01:00.0 is outside the platform's PCI domain 0000, "
	  "buses 00-00" },
	{ "device without PCI on the platform", "pci-demo.json", {}, { ".platform.pci", NULL },
	  "t.json: .pci_devices[0].bdf: 0000:00:01.0 given but the platform has no PCI" },
	{ "device listed twice", "pci-demo.json", { ".pci_devices[+]", "{\"bdf\": \"0:00:01.0\"}" },
	  {}, "t.json: .pci_devices[1].bdf: 0000:00:01.0 is also .pci_devices[0]" },
	{ "BAR of a size that is not a power of two", "pci-demo.json",
	  { ".pci_devices[0].bars[0].size", "\"3 MiB\"" }, {},
	  "t.json: .pci_devices[0].bars[0]: BAR of 0x300000 bytes at 0x10000000 is not a power" },
	{ "BAR outside the root cell's I/O", "pci-demo.json",
	  { ".pci_devices[0].bars[0].address", "\"0x50000000\"" }, {},
	  "t.json: .pci_devices[0].bars[0]: BAR 0x50000000..0x500fffff is not inside the root "
	  "cell's I/O regions" },
	{ "BAR over a memory region", "pci-demo.json",
	  { ".pci_devices[0].bars[0].address", "\"0x40000000\"" }, {},
	  "t.json: .pci_devices[0].bars[0]: overlaps .memory_regions[0]" },
	{ "INTx line not among the cell's IRQs", "pci-demo.json", { ".irqs", NULL }, {},
	  "t.json: .pci_devices[0].intx_irq: INTx line 36 is not one of the cell's interrupts" },

	/* The system configuration. */
	{ "maintenance IRQ that is not a PPI", "system.json",
	  { ".platform.gic.maintenance_irq", "40" }, {},
	  "t.json: .platform.gic.maintenance_irq: INTID 40 is not a PPI" },
	{ "notification IRQ that is not the root's", "system.json",
	  { ".platform.gic.notify_irq", "36" }, {},
	  "t.json: .platform.gic.notify_irq: INTID 36 is not an SPI of the root cell" },
	{ "GIC version 2", "system.json", { ".platform.gic.version", "2" }, {},
	  "t.json: .platform.gic.version: version 2 (only GICv3 is supported)" },
	{ "odd number of INTIDs", "system.json", { ".platform.gic.num_irqs", "100" }, {},
	  "t.json: .platform.gic.num_irqs: 100 is not a GICv3 interrupt count" },
	{ "1024 INTIDs (1020-1023 are special)", "system.json",
	  { ".platform.gic.num_irqs", "1024" }, {},
	  "t.json: .platform.gic.num_irqs: 1024 is not a GICv3 interrupt count" },
	{ "misaligned distributor", "system.json", { ".platform.gic.gicd_base", "\"0x08001000\"" },
	  {}, "t.json: .platform.gic.gicd_base: 0x8001000 is not a valid base" },
	{ "no CPUs on the platform", "system.json", { ".platform.num_cpus", "0" }, {},
	  "t.json: .platform.num_cpus: 0 CPUs" },
	{ "misaligned ECAM", "system.json", { ".platform.pci.ecam_base", "\"0x4010080000\"" }, {},
	  "t.json: .platform.pci.ecam_base: 0x4010080000 is not a multiple of 1 MiB" },
	{ "empty PCI bus range", "system.json", { ".platform.pci.bus_start", "9",
	  ".platform.pci.bus_end", "8" }, {}, "t.json: .platform.pci.bus_end: bus range 9-8" },
	{ "empty hypervisor memory", "system.json", { ".hypervisor_memory.size", "0" }, {},
	  "t.json: .hypervisor_memory.size: size is 0" },
	{ "hypervisor console through hypercalls", "system.json", { ".debug_console",
	  "{\"type\": \"hvc\"}" }, {},
	  "t.json: .debug_console.type: the hypervisor's console must be a UART" },
	{ "root cell without CPU 0", "system.json", { ".root_cell.cpus", "[\"1-3\"]" }, {},
	  "t.json: .root_cell.cpus: the root cell does not have CPU 0" },
	{ "root cell CPU beyond the platform", "system.json", { ".root_cell.cpus", "[\"0-4\"]" },
	  {}, "t.json: .root_cell.cpus: CPU 4 is beyond the platform's 4 CPUs" },
	{ "root cell over the hypervisor", "system.json", { ".root_cell.memory_regions[0].size",
	  "\"1 GiB\"" }, {},
	  "t.json: .root_cell.memory_regions[0]: overlaps the hypervisor memory" },
	{ "root cell without RAM", "system.json", { ".root_cell.memory_regions",
	  "[{\"phys_start\": 0, \"size\": 4096, \"flags\": [\"read\", \"io\"]}]" }, {},
	  "t.json: .root_cell.memory_regions: the cell has no RAM" },
	{ "root cell IRQ outside the GIC", "system.json", { ".root_cell.irqs[+]", "256" }, {},
	  "t.json: .root_cell.irqs[6]: INTID 256 is outside the GIC's shared peripheral interrupts" },
	{ "root cell with flags", "system.json", { ".root_cell.flags",
	  "[\"passive_comm_region\"]" }, {}, "t.json: .root_cell.flags: the root cell takes no cell "
	  "flags" },
	{ "system flags are not a key", "system.json", { ".flags", "[]" }, {},
	  "t.json: .flags: unknown key" },

	/* Rules only the hypervisor's own checks (hypervisor/core/config.c) state. */
	{ "two BARs of a cell overlap", "pci-demo.json", { ".pci_devices[0].bars[+]",
	  "{\"address\": \"0x10000000\", \"size\": \"1 MiB\"}" }, {},
	  "t.json: .: the hypervisor refuses it: PCI device 0 BAR 1 overlaps PCI device 0 BAR 0" },
	{ "debug console not page aligned", "system.json", { ".debug_console.address",
	  "\"0x9000800\"" }, {}, "t.json: .: the hypervisor refuses it: debug console: PL011 "
	  "address 0x9000800 is not a page-aligned MMIO address" },

	/* Valid variants. */
	{ "passive cell without communication region is valid", "gic-demo.json",
	  { ".memory_regions[1]", NULL, ".flags", "[\"passive_comm_region\"]" }, {}, NULL },
	{ "sizes and addresses as numbers are valid", "gic-demo.json",
	  { ".memory_regions[0].size", "4194304", ".entry", "1073741824" }, {}, NULL },
	{ "virt_start defaults to phys_start", "uart-demo.json", {}, {}, NULL },
	{ "parameters as text are valid", "gic-demo.json", { ".parameters",
	  "{\"address\": \"0x40300000\", \"text\": \"mode=fast\"}" }, {}, NULL },
};

static void test_rules(void)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];
		char *text = variant(r->base, r->edits);
		struct cc_config *sys = strcmp(r->base, "system.json") ?
					load_system(r->sys_edits) : NULL;
		struct cc_diags d;
		bool valid, pass;

		cc_diags_init(&d);
		valid = run_text(text, sys, &d);
		pass = r->expect ? !valid && has_message(&d, r->expect) : valid;
		ok(pass, "rule: %s%s%s", r->what, r->expect ? " -> " : "", r->expect ? r->expect : "");
		if (!pass)
			show_diags(&d);
		cc_diags_free(&d);
		cc_free(sys);
		free(text);
	}
}

static void test_raw_json(void)
{
	static const struct {
		const char *what, *text, *expect;
	} cases[] = {
		{ "syntax error", "{\n  \"name\": \"x\",\n  \"cpus\": [1,]\n}",
		  "t.json: .: invalid JSON at line 3" },
		{ "trailing garbage", "{\"name\": \"x\"} x", "t.json: .: invalid JSON at line 1" },
		{ "not an object", "[1, 2]", "t.json: .: expected an object, got an array" },
		{ "empty file", "", "t.json: .: invalid JSON" },
		{ "duplicate key", "{\"name\": \"a\", \"name\": \"b\", \"cpus\": [1], "
		  "\"entry\": 0, \"memory_regions\": []}", "t.json: .name: key given twice" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cc_diags d;
		bool valid;

		cc_diags_init(&d);
		valid = run_text(cases[i].text, NULL, &d);
		ok(!valid && has_message(&d, cases[i].expect), "raw JSON: %s -> %s", cases[i].what,
		   cases[i].expect);
		cc_diags_free(&d);
	}
}

/* gic-demo.json with the first 'from' replaced by 'to' in its text. */
static char *text_variant(const char *from, const char *to)
{
	char *base = read_text("gic-demo.json"), *at = strstr(base, from), *out;

	if (!at) {
		printf("Bail out! no %s in gic-demo.json\n", from);
		exit(1);
	}
	out = calloc(1, strlen(base) - strlen(from) + strlen(to) + 1);
	memcpy(out, base, at - base);
	strcat(strcpy(out + (at - base), to), at + strlen(from));
	free(base);
	return out;
}

/*
 * What cJSON would take without a word but not as written: a \u0000 escape ends a string,
 * a number with a sign, fraction or exponent reads as a whole one, an integer beyond 2^53
 * reads as a neighbour.  Each is refused with its JSON path.
 */
static void test_lossy_json(void)
{
	static const struct {
		const char *what, *from, *to, *expect;
	} cases[] = {
		{ "\\u0000 in the name", "\"gic-demo\"", "\"gic\\u0000-x\"",
		  "t.json: .name: string contains \\u0000 (a NUL character), which would end it there (remove it" },
		{ "\\u0000 at the start of an image path", "\"/usr/share", "\"\\u0000/usr/share",
		  "t.json: .images[0].path: string contains \\u0000" },
		{ "\\u0000 in a flag of the second region", "\"comm_region\"", "\"comm_region\\u0000x\"",
		  "t.json: .memory_regions[1].flags[2]: string contains \\u0000" },
		{ "\\u0000 in a size string", "\"4 KiB\"", "\"4\\u0000 KiB\"",
		  "t.json: .memory_regions[1].size: string contains \\u0000" },
		{ "\\u0000 in a key", "\"entry\"", "\"entry\\u0000x\"",
		  "t.json: .entry\\u0000x: key contains \\u0000" },
		{ "1e3", "1000,", "1e3,", "t.json: .shutdown_timeout_ms: 1e3 is not written as a whole number (write" },
		{ "1000.0", "1000,", "1000.0,", "t.json: .shutdown_timeout_ms: 1000.0 is not written as a whole number" },
		{ "-0", "1000,", "-0,", "t.json: .shutdown_timeout_ms: -0 is not written as a whole number" },
		{ "1e-400 (0 after underflow)", "1000,", "1e-400,",
		  "t.json: .shutdown_timeout_ms: 1e-400 is not written as a whole number" },
		{ "a fraction too small for a double", "1000,", "1000.0000000000000001,",
		  "t.json: .shutdown_timeout_ms: 1000.0000000000000001 is not written as a whole number" },
		{ "a CPU as 3.0", "[3]", "[3.0]", "t.json: .cpus[0]: 3.0 is not written as a whole number" },
		{ "2^53 + 1 (reads as 2^53)", "1000,", "9007199254740993,",
		  "t.json: .shutdown_timeout_ms: 9.0072e+15 is not a whole number from 0 to 2^53 - 1" },
		{ "2^53", "1000,", "9007199254740992,",
		  "t.json: .shutdown_timeout_ms: 9.0072e+15 is not a whole number from 0 to 2^53 - 1" },
		{ "2^64 + 1", "1000,", "18446744073709551617,",
		  "t.json: .shutdown_timeout_ms: 1.84467e+19 is not a whole number" },
		{ "-1", "1000,", "-1,", "t.json: .shutdown_timeout_ms: -1 is not a whole number" },
		{ "a size past 2^64 with its unit", "\"4 KiB\"", "\"16777216 TiB\"",
		  "t.json: .memory_regions[1].size: \"16777216 TiB\" is not a number" },
		{ "a hex number past 64 bits", "\"0x71000000\"", "\"0x10000000000000000\"",
		  "t.json: .memory_regions[0].phys_start: \"0x10000000000000000\" is not a number" },
		{ "a negative string", "\"0x71000000\"", "\"-0x71000000\"",
		  "t.json: .memory_regions[0].phys_start: \"-0x71000000\" is not a number" },
		{ "a range with a negative end", "[3]", "[\"3--1\"]",
		  "t.json: .cpus[0]: \"3--1\" is not a number or range" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = text_variant(cases[i].from, cases[i].to);
		struct cc_diags d;
		bool valid, pass;

		cc_diags_init(&d);
		valid = run_text(text, NULL, &d);
		pass = !valid && has_message(&d, cases[i].expect);
		ok(pass, "lossy JSON: %s -> %s", cases[i].what, cases[i].expect);
		if (!pass)
			show_diags(&d);
		cc_diags_free(&d);
		free(text);
	}
	/* What is not lost is read. */
	static const struct {
		const char *what, *from, *to;
	} fine[] = {
		{ "an escaped backslash before u0000", "\"/usr/share", "\"/usr/share\\\\u0000" },
		{ "\\u0001 (not a NUL)", "\"/usr/share", "\"/usr/\\u0001share" },
		{ "2^53 - 4096 as an address", "\"0x71000000\"", "9007199254736896" },
		{ "a plain number", "1000,", "999," },
	};
	struct cc_config *sys = load_system((const char *const[]){ NULL });

	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		char *text = text_variant(fine[i].from, fine[i].to);
		struct cc_diags d;
		bool valid;

		cc_diags_init(&d);
		run_text(text, sys, &d);
		/* Other rules may refuse the value; how it was written is fine. */
		valid = !has_message(&d, "t.json: *contains \\u0000") &&
			!has_message(&d, "t.json: *not written as a whole number") &&
			!has_message(&d, "t.json: *is not a whole number");
		ok(valid, "lossy JSON: %s is read as written", fine[i].what);
		if (!valid)
			show_diags(&d);
		cc_diags_free(&d);
		free(text);
	}
	cc_free(sys);
}

static void test_numbers(void)
{
	static const struct {
		const char *s;
		bool valid;
		uint64_t v;
	} cases[] = {
		{ "4096", true, 4096 }, { "0x7fa00000", true, 0x7fa00000 },
		{ "64 MiB", true, 64ULL << 20 }, { "4KiB", true, 4096 }, { "1 GiB", true, 1ULL << 30 },
		{ "2 TiB", true, 2ULL << 40 }, { "16M", true, 16ULL << 20 }, { "0X10", true, 16 },
		{ "0xffffffffffffffff", true, UINT64_MAX }, { "", false, 0 }, { "-1", false, 0 },
		{ " 1", false, 0 }, { "0x", false, 0 }, { "4 MB", false, 0 }, { "1 EiB", false, 0 },
		{ "17179869184 GiB", false, 0 }, { "18446744073709551616", false, 0 },
		{ "+5", false, 0 }, { "5 mib", false, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 0;
		bool valid = cc_parse_u64(cases[i].s, &v);

		ok(valid == cases[i].valid && (!valid || v == cases[i].v), "number \"%s\" is %s",
		   cases[i].s, cases[i].valid ? "accepted" : "rejected");
	}
}

static struct cc_config *load_base(const char *name, struct cc_diags *d)
{
	char *text = read_text(name);
	struct cc_config *c = cc_load_json(name, text, strlen(text), d);

	free(text);
	return c;
}

/* Every shipped config is valid alone and together; JSON -> blob -> JSON -> blob is stable. */
static void test_configs(void)
{
	static const char *const names[] = { "system.json", "gic-demo.json", "uart-demo.json",
		"pci-demo.json" };
	struct cc_config *cfg[4];
	struct cc_diags d;

	cc_diags_init(&d);
	for (int i = 0; i < 4; i++)
		cfg[i] = load_base(names[i], &d);
	for (int i = 0; i < 4; i++) {
		unsigned before = d.errors;

		ok(cfg[i] && cc_validate(cfg[i], i ? cfg[0] : NULL, 0, &d) && d.errors == before,
		   "configs/arm64/%s is valid", names[i]);
	}
	ok(cc_validate_set((const struct cc_config *const *)cfg + 1, 3, cfg[0], &d) && !d.errors,
	   "the demo cells are valid together");
	{
		struct cc_config *big = load_system((const char *const[]){
			".platform.gic.num_irqs", "1020", NULL });
		unsigned before = d.errors;

		ok(big && cc_validate(big, NULL, 0, &d) && d.errors == before,
		   "a system with the largest distributor (1020 INTIDs) is valid");
		cc_free(big);
	}
	if (d.errors)
		show_diags(&d);
	for (int i = 0; i < 4; i++) {
		char *json1 = cc_to_json(cfg[i]), *json2;
		struct cc_config *c1 = cc_load_json("rt1", json1, strlen(json1), &d), *c2, *c3;

		c2 = c1 ? cc_load_blob("rt2", c1->blob, c1->blob_size, &d) : NULL;
		json2 = c2 ? cc_to_json(c2) : NULL;
		c3 = json2 ? cc_load_json("rt3", json2, strlen(json2), &d) : NULL;
		ok(c3 && c1->blob_size == cfg[i]->blob_size &&
		   !memcmp(c1->blob, cfg[i]->blob, cfg[i]->blob_size) &&
		   c3->blob_size == c2->blob_size && !memcmp(c3->blob, c2->blob, c2->blob_size),
		   "round trip of %s: JSON -> blob -> JSON -> blob is identical", names[i]);
		if (!c3)
			printf("# %s\n", json1);
		cc_free(c1);
		cc_free(c2);
		cc_free(c3);
		free(json1);
		free(json2);
	}
	{
		unsigned notes = d.notes;

		ok(cc_validate(cfg[1], NULL, 0, &d) && d.notes > notes &&
		   has_message(&d, "gic-demo.json: .: note: checked without a system configuration"),
		   "a cell checked alone says what it could not check");
	}
	for (int i = 0; i < 4; i++)
		cc_free(cfg[i]);
	cc_diags_free(&d);
}

struct set_case {
	const char *what;
	const char *a_edits[6], *b_edits[6];
	const char *expect;
};

static void test_sets(void)
{
	static const struct set_case cases[] = {
		{ "same CPU", {}, { ".cpus", "[3]" },
		  "b.json: .cpus: CPU 3 is also claimed by cell \"gic-demo\" (a.json)" },
		{ "same memory", {}, { ".memory_regions[0].phys_start", "\"0x71200000\"" },
		  "b.json: .memory_regions[0]: overlaps .memory_regions[0] of cell \"gic-demo\" "
		  "(a.json)" },
		{ "same IRQ", { ".irqs", "[\"36-40\"]" }, {},
		  "b.json: .irqs[0]: INTID 36 is also claimed by cell \"gic-demo\" (a.json)" },
		{ "same device", { ".pci_devices", "[{\"bdf\": \"00:01.0\"}]" }, {},
		  "b.json: .pci_devices[0].bdf: 0000:00:01.0 is also claimed by cell \"gic-demo\" "
		  "(a.json)" },
		{ "same name", {}, { ".name", "\"gic-demo\"" },
		  "b.json: .name: \"gic-demo\" is also the name of a.json" },
		{ "name of the root cell", {}, { ".name", "\"root\"" },
		  "b.json: .name: \"root\" is the name of the root cell in system.json" },
	};
	struct cc_config *sys = load_system(NULL);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *ta = variant("gic-demo.json", cases[i].a_edits);
		char *tb = variant("pci-demo.json", cases[i].b_edits);
		struct cc_diags d;
		struct cc_config *c[2];
		bool valid;

		cc_diags_init(&d);
		c[0] = cc_load_json("a.json", ta, strlen(ta), &d);
		c[1] = cc_load_json("b.json", tb, strlen(tb), &d);
		valid = c[0] && c[1] && cc_validate_set((const struct cc_config *const *)c, 2, sys, &d);
		ok(c[0] && c[1] && !valid && has_message(&d, cases[i].expect), "set: %s -> %s",
		   cases[i].what, cases[i].expect);
		if (valid || !has_message(&d, cases[i].expect))
			show_diags(&d);
		cc_free(c[0]);
		cc_free(c[1]);
		cc_diags_free(&d);
		free(ta);
		free(tb);
	}
	cc_free(sys);
}

/* Corrupt a valid blob in one place and expect the blob checker's message. */
static void blob_case(const char *what, const struct cc_config *base, size_t off,
		      const void *bytes, size_t n, size_t len, const char *expect)
{
	unsigned char *b = calloc(1, base->blob_size + 64);
	struct cc_diags d;
	bool valid;

	memcpy(b, base->blob, base->blob_size);
	if (bytes)
		memcpy(b + off, bytes, n);
	cc_diags_init(&d);
	valid = cc_check_blob("t.cvb", b, len, NULL, &d);
	ok(!valid && has_message(&d, expect), "blob: %s -> %s", what, expect);
	if (valid || !has_message(&d, expect))
		show_diags(&d);
	cc_diags_free(&d);
	free(b);
}

#define FIELD(type, f) offsetof(struct type, f)

static void test_blobs(void)
{
	struct cc_config *sys = load_system(NULL), *cell;
	struct cc_diags d;
	char *text = read_text("pci-demo.json");
	uint32_t u32;
	uint64_t u64;
	size_t n, crashes = 0, rejected = 0;

	cc_diags_init(&d);
	cell = cc_load_json("pci-demo.json", text, strlen(text), &d);
	free(text);
	ok(cell && cc_check_blob("t.cvb", cell->blob, cell->blob_size, sys, &d) && !d.errors,
	   "blob: the compiled pci-demo passes the blob checker");
	ok(cc_check_blob("t.cvb", sys->blob, sys->blob_size, NULL, &d) && !d.errors,
	   "blob: the compiled system passes the blob checker");
	n = cell->blob_size;

	blob_case("empty", cell, 0, NULL, 0, 0, "t.cvb: .header: 0 bytes, too short");
	blob_case("truncated", cell, 0, NULL, 0, 100,
		  "t.cvb: .header: 100 bytes, smaller than a cell configuration");
	blob_case("one byte short", cell, 0, NULL, 0, n - 1,
		  "t.cvb: .header: total_size is 304 but the blob has 303 bytes");
	u32 = 0x12345678;
	blob_case("bad magic", cell, 0, &u32, 4, n, "t.cvb: .header: magic is 0x12345678");
	blob_case("bad revision", cell, FIELD(cv_blob_header, revision), "\x09\x00", 2, n,
		  "t.cvb: .header: revision 9");
	blob_case("reserved header field", cell, FIELD(cv_blob_header, reserved1), "\x01", 1, n,
		  "t.cvb: .header: reserved fields are set");
	blob_case("name without NUL", cell, FIELD(cv_cell_config, name),
		  "0123456789abcdef0123456789abcdef", 32, n, "t.cvb: .name: name is not NUL-terminated");
	blob_case("bytes after the name", cell, FIELD(cv_cell_config, name) + 20, "x", 1, n,
		  "t.cvb: .name: bytes after the name are set");
	u64 = 1ULL << 40;
	blob_case("unknown cell flag", cell, FIELD(cv_cell_config, flags), &u64, 8, n,
		  "t.cvb: .flags: unknown cell flags 0x10000000000");
	blob_case("reserved cell field", cell, FIELD(cv_cell_config, reserved), "\x01", 1, n,
		  "t.cvb: .reserved: reserved field is set");
	blob_case("unknown console type", cell, FIELD(cv_cell_config, console.type), "\x07", 1, n,
		  "t.cvb: .console: unknown console type 7");
	u32 = 1000;
	blob_case("regions beyond the blob", cell, FIELD(cv_cell_config, mem_regions.offset),
		  &u32, 4, n, "t.cvb: .memory_regions: entries at bytes 1000..1064");
	u32 = 0xffffffff;
	blob_case("huge region count", cell, FIELD(cv_cell_config, mem_regions.count), &u32, 4, n,
		  "t.cvb: .memory_regions: 4294967295 entries");
	u32 = 124;
	blob_case("misaligned regions", cell, FIELD(cv_cell_config, mem_regions.offset), &u32, 4,
		  n, "t.cvb: .memory_regions: entries at bytes 124..188");
	u32 = 16;
	blob_case("regions inside the header", cell, FIELD(cv_cell_config, mem_regions.offset),
		  &u32, 4, n, "t.cvb: .memory_regions: entries at bytes 16..80");
	u32 = 120;
	blob_case("IRQs over the regions", cell, FIELD(cv_cell_config, irq_ranges.offset), &u32, 4,
		  n, "t.cvb: .irqs: entries overlap those of memory_regions");
	u32 = 8;
	blob_case("offset of an empty array", cell, FIELD(cv_cell_config, pci_devices.offset) + 4,
		  "\0\0\0\0", 4, n, "t.cvb: .pci_devices: ");
	u64 = 1ULL << 20;
	blob_case("unknown region flag", cell, 120 + FIELD(cv_mem_region, flags), &u64, 8, n,
		  "t.cvb: .memory_regions[0].flags: unknown flags 0x100000");
	blob_case("PCI reserved field", cell, 120 + 64 + 8 + FIELD(cv_pci_device, reserved), "\x01",
		  1, n, "t.cvb: .pci_devices[0]: flags 0x0, reserved 0x1");
	u64 = 0;
	blob_case("a rule on a valid structure: empty region", cell,
		  120 + FIELD(cv_mem_region, size), &u64, 8, n,
		  "t.cvb: .memory_regions[0].size: region is empty");
	u32 = 2000;
	blob_case("a rule on a valid structure: IRQ out of range", cell, 120 + 64, &u32, 4, n,
		  "t.cvb: .irqs[0]: INTID 2000 is outside");
	u32 = 0;
	blob_case("empty IRQ range", cell, 120 + 64 + 4, &u32, 4, n,
		  "t.cvb: .irqs[0]: empty IRQ range");
	u32 = 100;
	blob_case("system: root cell beyond the blob", sys,
		  FIELD(cv_system_config, root_cell.count), &u32, 4, 700,
		  "t.cvb: .header: total_size is 1000 but the blob has 700 bytes");
	u32 = 1000;
	blob_case("system: root cell outside", sys, FIELD(cv_system_config, root_cell.count), &u32,
		  4, sys->blob_size, "t.cvb: .root_cell: entries at bytes 152..1152");
	blob_case("system: root cell header", sys, sizeof(struct cv_system_config), "CVSY", 4,
		  sys->blob_size,
		  "t.cvb: .root_cell.header: magic is 0x59535643");
	u32 = 20;
	blob_case("system: notification interrupt that is no SPI", sys,
		  FIELD(cv_system_config, platform.notify_irq), &u32, 4, sys->blob_size,
		  "t.cvb: .platform.gic.notify_irq: INTID 20 is not an SPI of the root cell");

	/* Every single-byte corruption and truncation: an answer, never a crash. */
	for (int which = 0; which < 2; which++) {
		const struct cc_config *base = which ? sys : cell;
		unsigned char *b = malloc(base->blob_size);

		for (size_t i = 0; i < base->blob_size; i++) {
			static const unsigned char vals[] = { 0x00, 0x01, 0x80, 0xff };

			for (unsigned v = 0; v < sizeof(vals); v++) {
				struct cc_diags e;

				memcpy(b, base->blob, base->blob_size);
				if (b[i] == vals[v])
					continue;
				b[i] = vals[v];
				cc_diags_init(&e);
				if (!cc_check_blob("t.cvb", b, base->blob_size, which ? NULL : sys, &e)) {
					rejected++;
					crashes += !e.errors;	/* rejected without a reason */
				}
				cc_diags_free(&e);
			}
			{
				struct cc_diags e;

				cc_diags_init(&e);
				crashes += cc_check_blob("t.cvb", base->blob, i, NULL, &e);
				cc_diags_free(&e);
			}
		}
		free(b);
	}
	ok(!crashes && rejected > 0, "blob: every byte corrupted and every truncation answered "
	   "with reasons (%zu variants rejected)", rejected);

	cc_free(cell);
	cc_free(sys);
	cc_diags_free(&d);
}

/* "parameters": {"text": ...}: one page, the text, a NUL, zeros; longer text refused. */
static void test_params(void)
{
	char *text = calloc(1, CC_PARAMS_PAGE_SIZE + 1), *json, *page, *base;
	struct cc_config *sys = load_system(NULL);
	struct cc_diags d;
	bool zeros = true, valid;
	cJSON *j;

	page = cc_params_page("rate=20 label=x");
	for (size_t i = strlen("rate=20 label=x"); page && i < CC_PARAMS_PAGE_SIZE; i++)
		zeros &= !page[i];
	ok(page && !memcmp(page, "rate=20 label=x", 15) && zeros,
	   "params: the page holds the text, then zeros to %u bytes", CC_PARAMS_PAGE_SIZE);
	free(page);
	memset(text, 'a', CC_PARAMS_PAGE_SIZE - 1);
	page = cc_params_page(text);
	ok(page && page[CC_PARAMS_PAGE_SIZE - 2] == 'a' && !page[CC_PARAMS_PAGE_SIZE - 1],
	   "params: %u characters fill the page up to its NUL", CC_PARAMS_PAGE_SIZE - 1);
	free(page);
	text[CC_PARAMS_PAGE_SIZE - 1] = 'a';
	ok(!cc_params_page(text), "params: %u characters do not fit", CC_PARAMS_PAGE_SIZE);

	base = read_text("gic-demo.json");
	j = cJSON_Parse(base);
	free(base);
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "parameters"),
					      "text", cJSON_CreateString(text));
	json = cJSON_Print(j);
	cc_diags_init(&d);
	valid = run_text(json, sys, &d);
	ok(!valid && has_message(&d, "t.json: .parameters.text: 4096 characters do not fit in "
				 "the 4096-byte parameter page with their terminating NUL "
				 "(shorten it, or load it from a \"file\")"),
	   "params: validate refuses a text that does not fit in the page");
	if (valid)
		show_diags(&d);
	cc_diags_free(&d);
	cJSON_Delete(j);
	free(json);
	free(text);
	cc_free(sys);
}

/* Huge inputs: bounded time and memory. */
static void test_limits(void)
{
	struct cc_config *sys = load_system((const char *const[]){ ".platform.gic.num_irqs",
		"\"0xffffffff\"", NULL });
	const char *irqs = "{\"name\": \"big\", \"cpus\": [1], \"entry\": 0, "
			   "\"irqs\": [\"32-4000000000\"], \"memory_regions\": []}";
	size_t len = 200000, off;
	char *text = malloc(len);
	struct cc_diags d;
	bool valid;

	off = snprintf(text, len, "{\"name\": \"big\", \"cpus\": [1], \"entry\": 0, "
		       "\"memory_regions\": [");
	for (int i = 0; i < CC_MAX_ELEMENTS; i++)
		off += snprintf(text + off, len - off, "%s{\"phys_start\": 0, \"size\": 4096, "
				"\"flags\": [\"read\"]}", i ? ", " : "");
	snprintf(text + off, len - off, "]}");
	cc_diags_init(&d);
	valid = run_text(text, sys, &d);
	ok(!valid && d.errors > CC_MAX_DIAGS && d.count == CC_MAX_DIAGS + 1 &&
	   has_message(&d, "cellconf: .: note: too many problems"),
	   "limits: %u problems counted, %zu kept, the rest summarised", d.errors, d.count);
	cc_diags_free(&d);
	valid = run_text(irqs, sys, &d);
	ok(!valid && has_message(&d, "t.json: .irqs[0]: INTIDs 32-4000000000 are outside the "
				 "GIC's shared peripheral interrupts 32..1019"),
	   "limits: an invalid system's INTID count is not trusted");
	cc_diags_free(&d);
	free(text);
	cc_free(sys);
}

/* An arm64 Image header (and zeros up to 'size' bytes) in 'path'. */
static void write_image(const char *path, uint64_t text_offset, uint64_t image_size,
			uint32_t magic, size_t size)
{
	unsigned char *b = calloc(1, size);
	const uint64_t fields[] = { text_offset, image_size, 0xa };
	FILE *f = fopen(path, "wb");

	if (!b || !f || size < 64)
		exit(1);
	b[0] = 0x10, b[3] = 0x14;			/* code0: b +64 */
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 8; k++)
			b[8 + 8 * i + k] = fields[i] >> (8 * k);
	for (int k = 0; k < 4; k++)
		b[0x38 + k] = magic >> (8 * k);
	if (fwrite(b, 1, size, f) != size)
		exit(1);
	fclose(f);
	free(b);
}

static uint32_t le32(const uint8_t *b)
{
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t le64(const uint8_t *b)
{
	return le32(b) | (uint64_t)le32(b + 4) << 32;
}

/* Plan the Linux cell 'text' (file t.json) against 'sys'; a config that loads or NULL. */
static struct cc_config *plan_text(const char *text, const struct cc_config *sys,
				   struct cc_linux_payload *p, struct cc_diags *d)
{
	struct cc_config *c = cc_load_json("t.json", text, strlen(text), d);

	memset(p, 0, sizeof(*p));
	if (c && cc_validate(c, sys, CC_CHECK_FILES, d))
		cc_linux_plan(c, sys, CC_CHECK_FILES, p, d);
	return c;
}

/* The Linux payload (linux.c): the layout, the stub, the device tree's header, the errors. */
#define VPL011 "{\"type\": \"vpl011\", \"address\": \"0x09000000\"}"
#define HVC "{\"type\": \"hvc\"}"
static void test_linux(void)
{
	static const char *fmt = "{\"name\": \"lx\", \"cpus\": [1, 2], "
		"\"console\": %s, "
		"\"memory_regions\": [{\"phys_start\": \"0x78000000\", \"virt_start\": "
		"\"0x40000000\", \"size\": \"%s\", \"flags\": [\"read\", \"write\", "
		"\"execute\", \"loadable\"]}, {\"virt_start\": \"0x80000000\", \"size\": 4096, "
		"\"flags\": [\"read\", \"write\", \"comm_region\"]}], "
		"\"linux\": {\"kernel\": \"%s\", \"initrd\": \"%s\", \"cmdline\": \"x=1\"}}";
	static const uint32_t stub_code[] = { 0x580000c0, 0x580000e4, 0xaa1f03e1, 0xaa1f03e2,
					      0xaa1f03e3, 0xd61f0080 };
	struct cc_config *sys = load_system(NULL), *c;
	char dir[] = "/tmp/test-config-linux.XXXXXX", kernel[64], initrd[64], text[1024];
	struct cc_linux_payload p;
	struct cc_diags d;
	bool stub_ok = true;
	FILE *f;

	if (!mkdtemp(dir))
		exit(1);
	snprintf(kernel, sizeof(kernel), "%s/Image", dir);
	snprintf(initrd, sizeof(initrd), "%s/initrd", dir);
	write_image(kernel, 0, 0x1400000, 0x644d5241, 65536);
	memset(text, 'i', sizeof(text));
	f = fopen(initrd, "wb");
	if (!f || fwrite(text, 1, 1000, f) != 1000)
		exit(1);
	fclose(f);

	cc_diags_init(&d);
	snprintf(text, sizeof(text), fmt, VPL011, "64 MiB", kernel, initrd);
	c = plan_text(text, sys, &p, &d);
	ok(c && !d.errors && p.complete, "linux: a valid cell plans completely");
	if (d.errors)
		show_diags(&d);
	ok(c && cc_cell(c)->entry == 0x40000000 &&
	   cc_cell(c)->flags == (CV_CELL_NO_RESET | CV_CELL_BOOT_CPU_ONLY),
	   "linux: entry is the first RAM region's base, the flags no_reset and boot_cpu_only "
	   "are set");
	ok(p.stub_address == 0x40000000 && p.kernel_address == 0x40200000 &&
	   p.dtb_address == 0x41600000, "linux: stub at the base, kernel 2 MiB above, device "
	   "tree at the next 2 MiB boundary after image_size (0x%llx, 0x%llx, 0x%llx)",
	   (unsigned long long)p.stub_address, (unsigned long long)p.kernel_address,
	   (unsigned long long)p.dtb_address);
	ok(p.dtb && p.dtb_size > 64 && p.dtb_size < 8192 && le32(p.dtb) == 0xedfe0dd0,
	   "linux: a device tree of %zu bytes, with the FDT magic", p.dtb_size);
	ok(p.initrd_address == ((p.dtb_address + p.dtb_size + 4095) & ~4095ULL) &&
	   p.initrd_size == 1000, "linux: the initrd on the next page after the device tree");
	for (unsigned i = 0; i < 6; i++)
		stub_ok &= le32(p.stub + 4 * i) == stub_code[i];
	ok(stub_ok && le64(p.stub + 24) == p.dtb_address && le64(p.stub + 32) == p.kernel_address,
	   "linux: the stub's instructions and its two literals (DTB, kernel)");
	cc_linux_payload_free(&p);
	cc_free(c);
	cc_diags_free(&d);

	snprintf(text, sizeof(text), fmt, VPL011, "52 MiB", kernel, initrd);
	c = plan_text(text, sys, &p, &d);
	stub_ok = has_message(&d, "t.json: .memory_regions[0]: the boot stub, the kernel "
			      "(image_size 20971520 bytes), the device tree and the initrd (1000 "
			      "bytes) take 0x16013e8 bytes, and the kernel needs 32 MiB more to run: "
			      "the first RAM region needs at least 56 MiB, it has 52 MiB");
	ok(stub_ok, "linux: a region too small for the payload and 32 MiB");
	if (!stub_ok)
		show_diags(&d);
	cc_linux_payload_free(&p);
	cc_free(c);
	cc_diags_free(&d);

	snprintf(text, sizeof(text), fmt, HVC, "64 MiB", kernel, initrd);
	c = plan_text(text, sys, &p, &d);
	ok(has_message(&d, "t.json: .console.type: Linux cannot drive an \"hvc\" console"),
	   "linux: an hvc console is refused");
	cc_linux_payload_free(&p);
	cc_free(c);
	cc_diags_free(&d);

	write_image(kernel, 0, 0x1400000, 0x12345678, 4096);
	snprintf(text, sizeof(text), fmt, VPL011, "64 MiB", kernel, initrd);
	c = plan_text(text, sys, &p, &d);
	ok(has_message(&d, "t.json: .linux.kernel: * is not an arm64 Image"),
	   "linux: a kernel without the Image magic is refused");
	cc_linux_payload_free(&p);
	cc_free(c);
	cc_diags_free(&d);

	write_image(kernel, 0, 0, 0x644d5241, 4096);
	c = plan_text(text, sys, &p, &d);
	ok(has_message(&d, "t.json: .linux.kernel: * has image_size 0 in its header"),
	   "linux: a kernel with image_size 0 is refused");
	cc_linux_payload_free(&p);
	cc_free(c);
	cc_diags_free(&d);

	write_image(kernel, 0xffffffffffff0000ULL, 0xffffffffffff0000ULL, 0x644d5241, 4096);
	c = plan_text(text, sys, &p, &d);
	ok(has_message(&d, "t.json: .memory_regions[0]: the kernel (image_size "
			    "0xffffffffffff0000, text_offset 0xffffffffffff0000)"),
	   "linux: huge header values are refused, not wrapped around");
	cc_linux_payload_free(&p);
	cc_free(c);
	cc_diags_free(&d);

	unlink(kernel);
	unlink(initrd);
	rmdir(dir);
	cc_free(sys);
}

int main(void)
{
	test_numbers();
	test_raw_json();
	test_lossy_json();
	test_rules();
	test_configs();
	test_sets();
	test_blobs();
	test_params();
	test_limits();
	test_linux();
	printf("1..%d\n", test_num);
	return failures ? 1 : 0;
}
