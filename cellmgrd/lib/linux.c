// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellconf: the Linux payload of a cell (cellvisor-config(5), LINUX).
 *
 * The first RAM region of the cell (the lowest) holds, in this order:
 *	base				the boot stub (the blob's entry)
 *	base + 2 MiB + text_offset	the kernel (arm64 Image)
 *	next 2 MiB boundary after the kernel's image_size
 *					the flattened device tree (at most 2 MiB)
 *	right after it, page aligned	the initrd, if any
 * and at least CC_LINUX_MIN_FREE bytes must be left for the kernel to run.  The device tree
 * is generated from the cell and system blobs with libfdt (or taken from a file and given
 * the command line and the initrd's place in /chosen).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libfdt.h>

#include "internal.h"

#define ERR(path, hint, ...) cc_report(d, CC_ERROR, file, path, hint, __VA_ARGS__)
#define NOTE(path, hint, ...) cc_report(d, CC_NOTE, file, path, hint, __VA_ARGS__)
#define X(v) ((unsigned long long)(v))

#define SZ_2M			0x200000ULL
#define GICD_SIZE		0x10000ULL
#define GICR_STRIDE		0x20000ULL	/* RD_base + SGI_base frames of one CPU */
#define UART_SIZE		0x1000ULL
#define UART_CLOCK_HZ		24000000U
#define PHANDLE_GIC		1U
#define PHANDLE_CLOCK		2U

/* The arm64 Image header (Documentation/arch/arm64/booting.rst), little-endian. */
#define IMAGE_HEADER_SIZE	64
#define IMAGE_TEXT_OFFSET	8
#define IMAGE_IMAGE_SIZE	16
#define IMAGE_FLAGS		24
#define IMAGE_MAGIC_OFFSET	0x38
#define IMAGE_MAGIC		0x644d5241U	/* "ARM\x64" */
#define IMAGE_FLAG_BE		(1ULL << 0)

/* GIC interrupt specifiers (three cells: type, number, flags). */
#define GIC_SPI			0U
#define GIC_PPI			1U
#define IRQ_LEVEL_HIGH		4U
#define IRQ_EDGE_RISING		1U

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static uint64_t get_le(const uint8_t *b, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | b[n];
	return v;
}

static void put_le(uint8_t *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		b[i] = v & 0xff;
}

/*
 * The AArch64 instructions of the stub (A64 encodings, Arm ARM C6.2).  The literals follow
 * the code, 8-byte aligned: with the MMU off, data accesses are Device memory and must be
 * aligned.
 */
#define A64_LDR_LITERAL_X	0x58000000U	/* LDR Xt, label: imm19 (words from this
						   instruction) in bits 23:5, Rt in 4:0 */
#define A64_MOV_X_XZR		0xaa1f03e0U	/* ORR Xd, XZR, XZR (MOV Xd, XZR): Rd in 4:0 */
#define A64_BR			0xd61f0000U	/* BR Xn: Rn in bits 9:5 */
#define STUB_DTB_LITERAL	0x18		/* byte offsets of the two literals */
#define STUB_KERNEL_LITERAL	0x20

static uint32_t a64_ldr_literal(unsigned rt, unsigned pc, unsigned literal)
{
	return A64_LDR_LITERAL_X | ((literal - pc) / 4) << 5 | rt;
}

void cc_linux_stub(uint64_t dtb, uint64_t kernel, uint8_t out[CC_LINUX_STUB_SIZE])
{
	const uint32_t code[] = {
		a64_ldr_literal(0, 0x00, STUB_DTB_LITERAL),	/* ldr x0, =dtb */
		a64_ldr_literal(4, 0x04, STUB_KERNEL_LITERAL),	/* ldr x4, =kernel */
		A64_MOV_X_XZR | 1,				/* mov x1, xzr */
		A64_MOV_X_XZR | 2,				/* mov x2, xzr */
		A64_MOV_X_XZR | 3,				/* mov x3, xzr */
		A64_BR | 4 << 5,				/* br x4 */
	};

	for (unsigned i = 0; i < sizeof(code) / sizeof(code[0]); i++)
		put_le(out + 4 * i, code[i], 4);
	put_le(out + STUB_DTB_LITERAL, dtb, 8);
	put_le(out + STUB_KERNEL_LITERAL, kernel, 8);
}

void cc_linux_payload_free(struct cc_linux_payload *p)
{
	free(p->dtb);
	p->dtb = NULL;
	p->dtb_size = 0;
}

/* A regular file's size; false (and errno set) otherwise. */
static bool file_size(const char *path, uint64_t *size)
{
	struct stat st;

	errno = 0;
	if (stat(path, &st) < 0)
		return false;
	if (!S_ISREG(st.st_mode)) {
		errno = 0;	/* missing() says: not a regular file */
		return false;
	}
	*size = st.st_size;
	return true;
}

/*
 * A missing file (errno says why, 0: not a regular file): an error with CC_CHECK_FILES, else
 * a note.  Returns false.
 */
static bool missing(const char *file, const char *path, const char *name, unsigned flags,
		    struct cc_diags *d)
{
	if (flags & CC_CHECK_FILES)
		ERR(path, "install it, or fix the path", "cannot use %s: %s", name,
		    errno ? strerror(errno) : "not a regular file");
	else
		NOTE(path, "check again where the file is installed",
		     "%s is not here: it was not checked", name);
	return false;
}

/* Read the kernel's Image header into p; false (reported) if it is unusable. */
static bool read_kernel(const struct cc_config *c, unsigned flags, struct cc_linux_payload *p,
			struct cc_diags *d)
{
	const char *file = c->file, *name = c->linux_cfg->kernel;
	const char *hint = "give the uncompressed arm64 Image, such as Debian's "
			   "/boot/vmlinuz-*-arm64; decompress an Image.gz with zcat";
	uint8_t h[IMAGE_HEADER_SIZE];
	size_t n;
	FILE *f;

	if (!file_size(name, &p->kernel_file_size))
		return missing(file, ".linux.kernel", name, flags, d);
	f = fopen(name, "rb");
	if (!f)
		return missing(file, ".linux.kernel", name, flags | CC_CHECK_FILES, d);
	n = fread(h, 1, sizeof(h), f);
	fclose(f);
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b) {
		ERR(".linux.kernel", hint, "%s is compressed with gzip, not an arm64 Image", name);
		return false;
	}
	if (n < sizeof(h) || get_le(h + IMAGE_MAGIC_OFFSET, 4) != IMAGE_MAGIC) {
		ERR(".linux.kernel", hint, "%s is not an arm64 Image (no \"ARM\\x64\" magic at "
		    "offset 0x38 of its header)", name);
		return false;
	}
	p->text_offset = get_le(h + IMAGE_TEXT_OFFSET, 8);
	p->image_size = get_le(h + IMAGE_IMAGE_SIZE, 8);
	if (!p->image_size) {
		ERR(".linux.kernel", "use a kernel from Linux 3.17 or later",
		    "%s has image_size 0 in its header: too old a kernel to place safely", name);
		return false;
	}
	if (get_le(h + IMAGE_FLAGS, 8) & IMAGE_FLAG_BE) {
		ERR(".linux.kernel", "build the kernel little-endian",
		    "%s is a big-endian kernel", name);
		return false;
	}
	if (p->kernel_file_size > p->image_size) {
		ERR(".linux.kernel", hint, "%s is %llu bytes, more than the image_size %llu of its "
		    "header: not a valid Image", name, X(p->kernel_file_size), X(p->image_size));
		return false;
	}
	if (p->text_offset % 4096) {
		ERR(".linux.kernel", hint, "%s has a text_offset 0x%llx that is not page aligned",
		    name, X(p->text_offset));
		return false;
	}
	return true;
}

/* Whole file into a malloc'ed buffer of at most 'max' bytes; NULL with errno set. */
static void *read_file(const char *name, size_t max, size_t *len)
{
	void *buf = cc_xzalloc(max + 1);
	FILE *f = fopen(name, "rb");
	int e;

	if (!f) {
		free(buf);
		return NULL;
	}
	*len = fread(buf, 1, max + 1, f);
	e = ferror(f) ? EIO : 0;
	fclose(f);
	if (e || *len > max) {
		free(buf);
		errno = e ? e : EFBIG;
		return NULL;
	}
	return buf;
}

/* Big-endian (address, size) pairs. */
static int prop_reg(void *fdt, const uint64_t *v, unsigned pairs)
{
	fdt64_t cells[4];

	for (unsigned i = 0; i < 2 * pairs; i++)
		cells[i] = cpu_to_fdt64(v[i]);
	return fdt_property(fdt, "reg", cells, 2 * pairs * sizeof(cells[0]));
}

static int prop_cells(void *fdt, const char *name, const uint32_t *v, unsigned n)
{
	fdt32_t cells[12];

	for (unsigned i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	return fdt_property(fdt, name, cells, n * sizeof(cells[0]));
}

/* A string list ("a\0b\0"): 'len' includes the last NUL. */
#define prop_strings(fdt, name, s) fdt_property(fdt, name, s, sizeof(s))

static bool has_uart(const struct cv_cell_config *cell)
{
	return cell->console.type == CV_CONSOLE_PL011 || cell->console.type == CV_CONSOLE_VPL011;
}

/*
 * The links the cell is a peer of (<cellvisor/link.h>), for cellvisor.ko in the cell
 * (cellvisor-link(4)): link@ADDRESS (where the cell sees the memory), compatible
 * "cellvisor,link", the link's index in the system configuration ("cellvisor,link-id"), its
 * name ("label"), its peers' cell names in order ("cellvisor,peers") and the cell's doorbell
 * SPI, which the hypervisor raises as an edge.
 */
static int write_links(void *fdt, const struct cv_cell_config *cell,
		       const struct cv_system_config *sys)
{
	const struct cv_link *links = (const void *)((const char *)sys + sys->links.offset);
	char name[64], peers[CV_LINK_MAX_PEERS * CV_CELL_NAME_LEN];
	int r;

	for (uint32_t i = 0; sys->links.count && i < sys->links.count; i++) {
		const struct cv_link *l = &links[i];
		const struct cv_link_peer *me = NULL;
		size_t len = 0;

		for (uint32_t k = 0; k < l->num_peers && k < CV_LINK_MAX_PEERS; k++) {
			size_t n = strnlen(l->peers[k].cell, CV_CELL_NAME_LEN - 1);

			memcpy(peers + len, l->peers[k].cell, n);
			peers[len + n] = 0;
			len += n + 1;
			if (!strncmp(l->peers[k].cell, cell->name, CV_CELL_NAME_LEN))
				me = &l->peers[k];
		}
		if (!me)
			continue;
		uint64_t reg[2] = { me->virt_start, l->size };
		uint32_t irq[3] = { GIC_SPI, me->doorbell_irq >= 32 ? me->doorbell_irq - 32 : 0,
				    IRQ_EDGE_RISING };
		char label[CV_LINK_NAME_LEN];

		snprintf(label, sizeof(label), "%.*s", CV_LINK_NAME_LEN - 1, l->name);
		snprintf(name, sizeof(name), "link@%llx", X(me->virt_start));
		if ((r = fdt_begin_node(fdt, name)) < 0 ||
		    (r = fdt_property_string(fdt, "compatible", "cellvisor,link")) < 0 ||
		    (r = prop_reg(fdt, reg, 1)) < 0 ||
		    (r = fdt_property_u32(fdt, "cellvisor,link-id", i)) < 0 ||
		    (r = fdt_property_string(fdt, "label", label)) < 0 ||
		    (r = fdt_property(fdt, "cellvisor,peers", peers, len)) < 0 ||
		    (r = prop_cells(fdt, "interrupts", irq, 3)) < 0 ||
		    (r = fdt_end_node(fdt)) < 0)
			return r;
	}
	return 0;
}

/*
 * The PCI host bridge of a cell with PCI functions: the platform's ECAM window, which the
 * hypervisor traps (the cell sees its own functions), a memory window for each BAR the
 * configuration gives, where it stays (hence linux,pci-probe-only in /chosen), and each
 * function's INTx (any pin) on its wired interrupt.
 */
static int write_pci(void *fdt, const struct cell_view *v, const struct cv_platform *pl)
{
	uint64_t reg[2] = { pl->pci_ecam_base,
			    (uint64_t)(pl->pci_bus_end - pl->pci_bus_start + 1) << 20 };
	const uint32_t map_mask[] = { 0xffff00, 0, 0, 7 }, bus_range[] = { pl->pci_bus_start,
									  pl->pci_bus_end };
	char name[64];
	int r;

	snprintf(name, sizeof(name), "pcie@%llx", X(pl->pci_ecam_base));
	if ((r = fdt_begin_node(fdt, name)) < 0 ||
	    (r = fdt_property_string(fdt, "compatible", "pci-host-ecam-generic")) < 0 ||
	    (r = fdt_property_string(fdt, "device_type", "pci")) < 0 ||
	    (r = fdt_property_u32(fdt, "#address-cells", 3)) < 0 ||
	    (r = fdt_property_u32(fdt, "#size-cells", 2)) < 0 ||
	    (r = fdt_property_u32(fdt, "#interrupt-cells", 1)) < 0 ||
	    (r = prop_reg(fdt, reg, 1)) < 0 ||
	    (r = prop_cells(fdt, "bus-range", bus_range, 2)) < 0 ||
	    (r = fdt_property_u32(fdt, "linux,pci-domain", pl->pci_domain)) < 0 ||
	    (r = fdt_property(fdt, "dma-coherent", NULL, 0)) < 0)
		return r;
	/* ranges: (PCI space code, PCI address, CPU address, size) per BAR; bus = CPU address */
	fdt32_t *ranges = cc_xzalloc(sizeof(*ranges) * 7 * CV_PCI_NUM_BARS * v->num_pci + 1);
	fdt32_t *map = cc_xzalloc(sizeof(*map) * 8 * 4 * v->num_pci + 1), *c = ranges;

	for (uint32_t i = 0; i < v->num_pci; i++)
		for (unsigned b = 0; b < CV_PCI_NUM_BARS; b++) {
			const struct cv_pci_bar *bar = &v->pci[i].bars[b];
			const uint32_t range[7] = { bar->address >> 32 ? 0x03000000 : 0x02000000,
						    bar->address >> 32, (uint32_t)bar->address,
						    bar->address >> 32, (uint32_t)bar->address,
						    bar->size >> 32, (uint32_t)bar->size };

			for (unsigned k = 0; bar->size && k < 7; k++)
				*c++ = cpu_to_fdt32(range[k]);
		}
	r = fdt_property(fdt, "ranges", ranges, (int)((char *)c - (char *)ranges));
	c = map;
	for (uint32_t i = 0; i < v->num_pci; i++)
		for (uint32_t pin = 1; v->pci[i].intx_irq >= 32 && pin <= 4; pin++) {
			const uint32_t entry[8] = {
				(uint32_t)v->pci[i].bus << 16 | v->pci[i].devfn << 8, 0, 0, pin,
				PHANDLE_GIC, GIC_SPI, v->pci[i].intx_irq - 32, IRQ_LEVEL_HIGH };

			for (unsigned k = 0; k < 8; k++)
				*c++ = cpu_to_fdt32(entry[k]);
		}
	if (r >= 0 && c != map)
		r = prop_cells(fdt, "interrupt-map-mask", map_mask, 4);
	if (r >= 0 && c != map)
		r = fdt_property(fdt, "interrupt-map", map, (int)((char *)c - (char *)map));
	free(ranges);
	free(map);
	if (r < 0)
		return r;
	return fdt_end_node(fdt);
}

/* libfdt's sequential writer: every call returns 0 or a negative FDT_ERR_*. */
static int write_tree(void *fdt, size_t cap, const struct cv_cell_config *cell,
		      const struct cv_system_config *sys, const char *cmdline, bool initrd)
{
	const struct cv_platform *pl = &sys->platform;
	const uint32_t timer_irqs[] = {
		GIC_PPI, 13, IRQ_LEVEL_HIGH,	/* secure physical timer */
		GIC_PPI, 14, IRQ_LEVEL_HIGH,	/* non-secure physical timer */
		GIC_PPI, 11, IRQ_LEVEL_HIGH,	/* virtual timer */
		GIC_PPI, 10, IRQ_LEVEL_HIGH,	/* hypervisor timer */
	};
	const uint32_t uart_irq[] = { GIC_SPI, 1, IRQ_LEVEL_HIGH }, clocks[] = {
		PHANDLE_CLOCK, PHANDLE_CLOCK };
	uint64_t gic_reg[4] = { pl->gicd_base, GICD_SIZE, pl->gicr_base,
				(uint64_t)pl->num_cpus * GICR_STRIDE };
	char name[64], uart_path[64];
	struct cell_view v;
	int r = 0;

	cc_cell_view(cell, &v);
	snprintf(uart_path, sizeof(uart_path), "/serial@%llx", X(cell->console.address));
#define W(call) do { if ((r = (call)) < 0) return r; } while (0)
	W(fdt_create(fdt, cap));
	W(fdt_finish_reservemap(fdt));
	W(fdt_begin_node(fdt, ""));
	W(fdt_property_u32(fdt, "#address-cells", 2));
	W(fdt_property_u32(fdt, "#size-cells", 2));
	W(fdt_property_string(fdt, "compatible", "cellvisor,cell"));
	snprintf(name, sizeof(name), "Cellvisor cell %s", cell->name);
	W(fdt_property_string(fdt, "model", name));
	W(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));

	W(fdt_begin_node(fdt, "chosen"));
	W(fdt_property_string(fdt, "bootargs", cmdline));
	if (has_uart(cell))
		W(fdt_property_string(fdt, "stdout-path", uart_path));
	if (v.num_pci)
		W(fdt_property_u32(fdt, "linux,pci-probe-only", 1));
	if (initrd) {
		/* Placeholders: set in place once the tree's size is known. */
		W(fdt_property_u64(fdt, "linux,initrd-start", 0));
		W(fdt_property_u64(fdt, "linux,initrd-end", 0));
	}
	W(fdt_end_node(fdt));

	for (uint32_t i = 0; i < v.num_mem; i++) {
		const struct cv_mem_region *m = &v.mem[i];
		uint64_t reg[2] = { m->virt_start, m->size };

		if (m->flags & (CV_MEM_IO | CV_MEM_COMM_REGION))
			continue;
		snprintf(name, sizeof(name), "memory@%llx", X(m->virt_start));
		W(fdt_begin_node(fdt, name));
		W(fdt_property_string(fdt, "device_type", "memory"));
		W(prop_reg(fdt, reg, 1));
		W(fdt_end_node(fdt));
	}

	W(fdt_begin_node(fdt, "cpus"));
	W(fdt_property_u32(fdt, "#address-cells", 1));
	W(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned cpu = 0; cpu < CV_MAX_CPUS; cpu++) {
		if (!(cell->cpu_set & (1ULL << cpu)))
			continue;
		snprintf(name, sizeof(name), "cpu@%x", cpu);
		W(fdt_begin_node(fdt, name));
		W(fdt_property_string(fdt, "device_type", "cpu"));
		W(fdt_property_string(fdt, "compatible", "arm,armv8"));
		W(fdt_property_u32(fdt, "reg", cpu));
		W(fdt_property_string(fdt, "enable-method", "psci"));
		W(fdt_end_node(fdt));
	}
	W(fdt_end_node(fdt));

	/* The hypervisor answers PSCI on SMC; HVC is its own hypercall interface. */
	W(fdt_begin_node(fdt, "psci"));
	W(prop_strings(fdt, "compatible", "arm,psci-1.0\0arm,psci-0.2"));
	W(fdt_property_string(fdt, "method", "smc"));
	W(fdt_end_node(fdt));

	/*
	 * One redistributor region for all CPUs of the platform: Linux walks the frames until
	 * GICR_TYPER.Last, and the hypervisor shows only the ID registers of other cells'.
	 */
	snprintf(name, sizeof(name), "interrupt-controller@%llx", X(pl->gicd_base));
	W(fdt_begin_node(fdt, name));
	W(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	W(fdt_property_u32(fdt, "#interrupt-cells", 3));
	W(fdt_property_u32(fdt, "#address-cells", 0));
	W(fdt_property(fdt, "interrupt-controller", NULL, 0));
	W(prop_reg(fdt, gic_reg, 2));
	W(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
	W(fdt_end_node(fdt));

	W(fdt_begin_node(fdt, "timer"));
	W(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	W(prop_cells(fdt, "interrupts", timer_irqs, 12));
	W(fdt_property(fdt, "always-on", NULL, 0));
	W(fdt_end_node(fdt));

	/*
	 * The communication region (<cellvisor/comm.h>), for a program of the cell to answer
	 * the hypervisor's shutdown requests (the linux-demo init finds it by this name).
	 */
	for (uint32_t i = 0; i < v.num_mem; i++) {
		const struct cv_mem_region *m = &v.mem[i];
		uint64_t reg[2] = { m->virt_start, m->size };

		if (!(m->flags & CV_MEM_COMM_REGION))
			continue;
		snprintf(name, sizeof(name), "comm-region@%llx", X(m->virt_start));
		W(fdt_begin_node(fdt, name));
		W(fdt_property_string(fdt, "compatible", "cellvisor,comm-region"));
		W(prop_reg(fdt, reg, 1));
		W(fdt_end_node(fdt));
	}

	W(write_links(fdt, cell, sys));
	if (v.num_pci && pl->pci_ecam_base)
		W(write_pci(fdt, &v, pl));

	if (has_uart(cell)) {
		uint64_t reg[2] = { cell->console.address, UART_SIZE };

		W(fdt_begin_node(fdt, "apb-pclk"));
		W(fdt_property_string(fdt, "compatible", "fixed-clock"));
		W(fdt_property_u32(fdt, "#clock-cells", 0));
		W(fdt_property_u32(fdt, "clock-frequency", UART_CLOCK_HZ));
		W(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
		W(fdt_property_u32(fdt, "phandle", PHANDLE_CLOCK));
		W(fdt_end_node(fdt));

		/*
		 * SPI 1, as on QEMU virt: the vpl011 never raises it (and the GIC ignores a
		 * cell enabling a line it does not own), but the driver wants one.
		 */
		W(fdt_begin_node(fdt, uart_path + 1));
		W(prop_strings(fdt, "compatible", "arm,pl011\0arm,primecell"));
		W(prop_reg(fdt, reg, 1));
		W(prop_cells(fdt, "interrupts", uart_irq, 3));
		W(prop_cells(fdt, "clocks", clocks, 2));
		W(prop_strings(fdt, "clock-names", "uartclk\0apb_pclk"));
		W(fdt_end_node(fdt));
	}
	W(fdt_end_node(fdt));
	W(fdt_finish(fdt));
#undef W
	return r;
}

/* The generated tree (malloc'ed, fdt_totalsize() bytes), or NULL with *err set. */
static void *generate(const struct cv_cell_config *cell, const struct cv_system_config *sys,
		      const char *cmdline, bool initrd, int *err)
{
	size_t cap = 16384 + strlen(cmdline) + 256 * CV_MAX_CPUS + 256 * cell->mem_regions.count +
		     512 * (size_t)sys->links.count + 1024 + 512 * (size_t)cell->pci_devices.count;
	void *fdt = cc_xzalloc(cap), *out;

	*err = write_tree(fdt, cap, cell, sys, cmdline, initrd);
	if (*err < 0) {
		free(fdt);
		return NULL;
	}
	out = cc_xzalloc(fdt_totalsize(fdt));
	memcpy(out, fdt, fdt_totalsize(fdt));
	free(fdt);
	return out;
}

/* A given tree with the command line and the initrd's placeholders in /chosen. */
static void *adapt(const void *in, const char *cmdline, bool initrd, int *err)
{
	size_t cap = fdt_totalsize(in) + strlen(cmdline) + 1024;
	void *fdt = cc_xzalloc(cap);
	int chosen;

	*err = fdt_open_into(in, fdt, cap);
	chosen = *err < 0 ? *err : fdt_path_offset(fdt, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	*err = chosen < 0 ? chosen : fdt_setprop_string(fdt, chosen, "bootargs", cmdline);
	if (*err >= 0 && initrd)
		*err = fdt_setprop_u64(fdt, chosen, "linux,initrd-start", 0);
	if (*err >= 0 && initrd)
		*err = fdt_setprop_u64(fdt, chosen, "linux,initrd-end", 0);
	for (unsigned i = 0; *err >= 0 && !initrd && i < 2; i++) {
		*err = fdt_delprop(fdt, chosen, i ? "linux,initrd-end" : "linux,initrd-start");
		if (*err == -FDT_ERR_NOTFOUND)
			*err = 0;
	}
	if (*err >= 0)
		*err = fdt_pack(fdt);
	if (*err < 0) {
		free(fdt);
		return NULL;
	}
	return fdt;
}

/* The device tree of the payload into p->dtb; false (reported) if there is none. */
static bool make_tree(const struct cc_config *c, const struct cv_system_config *sys,
		      unsigned flags, bool initrd, struct cc_linux_payload *p, struct cc_diags *d)
{
	const struct cc_linux *l = c->linux_cfg;
	const char *file = c->file;
	uint64_t size;
	size_t len;
	void *in;
	int err;

	if (!l->device_tree) {
		if (!sys)
			return false;	/* cc_validate() notes that the system was not given */
		p->dtb = generate(cc_cell(c), sys, l->cmdline, initrd, &err);
		if (!p->dtb)
			ERR(".linux", "report this as a bug", "generating the device tree failed: %s",
			    fdt_strerror(err));
		else
			p->dtb_size = fdt_totalsize(p->dtb);
		return p->dtb != NULL;
	}
	/* Only a regular file: a FIFO or a device could block or never end. */
	in = file_size(l->device_tree, &size) ? read_file(l->device_tree, CC_LINUX_DTB_MAX, &len) :
	     NULL;
	if (!in && errno == EFBIG) {
		ERR(".linux.device_tree", "the arm64 boot protocol takes at most 2 MiB",
		    "%s is larger than 2 MiB", l->device_tree);
		return false;
	}
	if (!in)
		return missing(file, ".linux.device_tree", l->device_tree, flags, d);
	err = len < FDT_V17_SIZE || fdt_totalsize(in) != len ? -FDT_ERR_TRUNCATED :
	      fdt_check_full(in, len);
	if (err < 0) {
		ERR(".linux.device_tree", "give a flattened device tree (dtc -O dtb)",
		    "%s is not a valid DTB: %s", l->device_tree, fdt_strerror(err));
		free(in);
		return false;
	}
	p->dtb = adapt(in, l->cmdline, initrd, &err);
	free(in);
	if (!p->dtb) {
		ERR(".linux.device_tree", NULL, "cannot set /chosen in %s: %s", l->device_tree,
		    fdt_strerror(err));
		return false;
	}
	p->dtb_size = fdt_totalsize(p->dtb);
	if (p->dtb_size > CC_LINUX_DTB_MAX) {
		ERR(".linux.device_tree", "the arm64 boot protocol takes at most 2 MiB",
		    "%s with the command line is larger than 2 MiB", l->device_tree);
		return false;
	}
	return true;
}

/* Check the cell's RAM regions and console for Linux; find the first RAM region. */
static bool check_cell(const struct cc_config *c, struct cc_linux_payload *p,
		       struct cc_diags *d)
{
	const uint64_t need = CV_MEM_READ | CV_MEM_WRITE | CV_MEM_EXECUTE | CV_MEM_LOADABLE;
	const struct cv_cell_config *cell = cc_cell(c);
	const char *file = c->file;
	char path[PATH_MAX_LEN];
	struct cell_view v;
	bool found = false;

	if (cell->console.type == CV_CONSOLE_HVC)
		ERR(".console.type", "use \"vpl011\" (an emulated PL011), a \"pl011\" with an \"io\" "
		    "region for it, or \"none\"", "Linux cannot drive an \"hvc\" console");
	cc_cell_view(cell, &v);
	for (uint32_t i = 0; i < v.num_mem; i++) {
		const struct cv_mem_region *m = &v.mem[i];

		if (m->flags & (CV_MEM_IO | CV_MEM_COMM_REGION))
			continue;
		if ((m->flags & need) != need) {
			cc_path(path, ".memory_regions[%u].flags", i);
			ERR(path, "give it [\"read\", \"write\", \"execute\", \"loadable\"]",
			    "RAM of a Linux cell must be readable, writable, executable and "
			    "loadable; this region is not%s%s%s%s", m->flags & CV_MEM_READ ? "" :
			    " readable", m->flags & CV_MEM_WRITE ? "" : " writable",
			    m->flags & CV_MEM_EXECUTE ? "" : " executable",
			    m->flags & CV_MEM_LOADABLE ? "" : " loadable");
		}
		if (!found || m->virt_start < p->base) {
			p->region = i;
			p->base = m->virt_start;
			p->size = m->size;
			found = true;
		}
	}
	if (found && p->base % SZ_2M) {
		cc_path(path, ".memory_regions[%u].virt_start", p->region);
		ERR(path, "align it to 2 MiB: the kernel's place is 2 MiB aligned",
		    "the first RAM region of a Linux cell, which holds the kernel, starts at 0x%llx, "
		    "not on a 2 MiB boundary", X(p->base));
	}
	return found;	/* no RAM at all: cc_validate() says so */
}

bool cc_linux_plan(const struct cc_config *c, const struct cc_config *system, unsigned flags,
		   struct cc_linux_payload *p, struct cc_diags *d)
{
	const struct cv_system_config *sys = system ? cc_system(system) : NULL;
	const struct cc_linux *l = c->linux_cfg;
	const char *file = c->file;
	unsigned errors = d->errors;
	bool kernel_ok, initrd_ok = true, tree_ok;
	uint64_t avail, initrd_end;
	char path[PATH_MAX_LEN], s1[32], s2[32];
	int chosen;

	memset(p, 0, sizeof(*p));
	if (!l || c->kind != CC_KIND_CELL)
		return true;
	if (strlen(l->cmdline) > CC_LINUX_CMDLINE_MAX)
		ERR(".linux.cmdline", "shorten it", "%zu bytes, Linux takes at most %u",
		    strlen(l->cmdline), CC_LINUX_CMDLINE_MAX);
	if (!check_cell(c, p, d))
		return d->errors == errors;
	kernel_ok = read_kernel(c, flags, p, d);
	if (l->initrd) {
		if (!file_size(l->initrd, &p->initrd_size))
			initrd_ok = missing(file, ".linux.initrd", l->initrd, flags, d);
		else if (!p->initrd_size)
			ERR(".linux.initrd", "give a cpio archive, or remove \"initrd\"",
			    "%s is empty", l->initrd);
	}
	tree_ok = make_tree(c, sys, flags, l->initrd, p, d);
	if (!kernel_ok || !initrd_ok || d->errors != errors)
		return d->errors == errors;

	/* Place everything; every value is bounded by the region's size first. */
	avail = p->size;
	cc_path(path, ".memory_regions[%u]", p->region);
	if (p->text_offset > avail || p->image_size > avail || p->initrd_size > avail ||
	    avail < 2 * SZ_2M) {
		cc_format_size(p->size, s1, sizeof(s1));
		ERR(path, "make the region larger", "the kernel (image_size 0x%llx, text_offset "
		    "0x%llx) and initrd (%llu bytes) cannot fit in the first RAM region (%s)",
		    X(p->image_size), X(p->text_offset), X(p->initrd_size), s1);
		return false;
	}
	p->stub_address = p->base;
	p->kernel_address = p->base + SZ_2M + p->text_offset;
	p->dtb_address = align_up(p->kernel_address + p->image_size, SZ_2M);
	/* Without a system config the generated tree's size is unknown: a page for the check. */
	initrd_end = p->dtb_address + (tree_ok ? p->dtb_size : 4096);
	if (l->initrd) {
		p->initrd_address = align_up(initrd_end, PAGE_SIZE_4K);
		initrd_end = p->initrd_address + p->initrd_size;
	}
	p->end = initrd_end;
	if (p->end - p->base > p->size || p->size - (p->end - p->base) < CC_LINUX_MIN_FREE) {
		uint64_t need = align_up(p->end - p->base + CC_LINUX_MIN_FREE, SZ_2M);

		cc_format_size(need, s1, sizeof(s1));
		cc_format_size(p->size, s2, sizeof(s2));
		ERR(path, "make the region larger, or the initrd smaller",
		    "the boot stub, the kernel (image_size %llu bytes), the device tree and the "
		    "initrd (%llu bytes) take 0x%llx bytes, and the kernel needs 32 MiB more to "
		    "run: the first RAM region needs at least %s, it has %s", X(p->image_size),
		    X(p->initrd_size), X(p->end - p->base), s1, s2);
		return false;
	}
	if (!tree_ok)
		return d->errors == errors;
	chosen = fdt_path_offset(p->dtb, "/chosen");
	if (l->initrd && (chosen < 0 ||
			  fdt_setprop_inplace_u64(p->dtb, chosen, "linux,initrd-start",
						  p->initrd_address) < 0 ||
			  fdt_setprop_inplace_u64(p->dtb, chosen, "linux,initrd-end",
						  p->initrd_address + p->initrd_size) < 0)) {
		ERR(".linux", "report this as a bug", "cannot place the initrd in /chosen");
		return false;
	}
	cc_linux_stub(p->dtb_address, p->kernel_address, p->stub);
	p->complete = fdt_check_header(p->dtb) == 0;
	return d->errors == errors;
}
