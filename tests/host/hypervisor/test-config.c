// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of the hypervisor's blob checks (hypervisor/core/config.c). */
#include <stddef.h>
#include <string.h>

#include <cv/config.h>
#include <cv/errno.h>
#include <cv/lib.h>

#include "tap.h"

struct blob {
	struct cv_system_config sys;
	struct cv_cell_config root;
	struct cv_mem_region mem[3];
	struct cv_irq_range irqs[1];
};

static void make(struct blob *b)
{
	memset(b, 0, sizeof(*b));
	b->sys.hdr = (struct cv_blob_header){ CV_SYSTEM_MAGIC, CV_CONFIG_REVISION, 0,
					      sizeof(*b), 0 };
	b->sys.hv_mem_phys = 0x70000000;
	b->sys.hv_mem_size = 16 << 20;
	b->sys.debug_console = (struct cv_console){ 0x09000000, CV_CONSOLE_PL011,
						    CV_CONSOLE_MIRROR };
	b->sys.platform = (struct cv_platform){
		.gicd_base = 0x08000000, .gicr_base = 0x080a0000, .gic_version = CV_GIC_V3,
		.maintenance_irq = 25, .pci_ecam_base = 0x4010000000ULL, .pci_bus_end = 255,
		.num_cpus = 4, .num_irqs = 288,
	};
	b->sys.root_cell.offset = sizeof(b->sys);
	b->sys.root_cell.count = sizeof(*b) - sizeof(b->sys);
	b->root.hdr = (struct cv_blob_header){ CV_CELL_MAGIC, CV_CONFIG_REVISION, 0,
					       sizeof(*b) - sizeof(b->sys), 0 };
	strcpy(b->root.name, "root");
	b->root.cpu_set = 0xf;
	b->root.mem_regions = (struct cv_array){ sizeof(b->root), 3 };
	b->root.irq_ranges = (struct cv_array){ sizeof(b->root) + sizeof(b->mem), 1 };
	b->mem[0] = (struct cv_mem_region){ 0x40000000, 0x40000000, 768 << 20,
					    CV_MEM_READ | CV_MEM_WRITE | CV_MEM_EXECUTE };
	b->mem[1] = (struct cv_mem_region){ 0x71000000, 0x71000000, 240 << 20,
					    CV_MEM_READ | CV_MEM_WRITE };
	b->mem[2] = (struct cv_mem_region){ 0x0a000000, 0x0a000000, 0x4000,
					    CV_MEM_READ | CV_MEM_WRITE | CV_MEM_IO };
	b->irqs[0] = (struct cv_irq_range){ 48, 32 };
}

static char why[256];

/* The SMMUv3 of QEMU virt (iommu=smmuv3). */
static void smmu(struct blob *b)
{
	b->sys.platform.iommu = (struct cv_iommu){ .type = CV_IOMMU_SMMUV3, .base = 0x09050000,
						   .size = 0x20000, .event_irq = 106,
						   .stream_id_bits = 8 };
}

static int check(struct blob *b)
{
	why[0] = 0;
	return config_check_system(b, sizeof(*b), why, sizeof(why));
}

/* Each case breaks one thing; the check must fail and say so. */
#define REJECT(desc, expect, mutation) do {					\
	struct blob b;								\
	make(&b);								\
	mutation;								\
	ok(check(&b) == -CV_EINVAL && strstr(why, expect), "%s: \"%s\"", desc, why); \
} while (0)

int main(void)
{
	struct blob b;

	make(&b);
	ok(check(&b) == 0, "a sound system blob passes (%s)", why);
	ok(config_check_system(&b, sizeof(b) - 1, why, sizeof(why)) == -CV_EINVAL,
	   "a blob shorter than its total_size fails: \"%s\"", why);
	ok(config_check_system(&b, 16, why, sizeof(why)) == -CV_EINVAL && strstr(why, "shorter"),
	   "a blob shorter than its header fails: \"%s\"", why);

	REJECT("bad magic", "bad magic", b.sys.hdr.magic = CV_CELL_MAGIC);
	REJECT("bad revision", "revision", b.sys.hdr.revision = CV_CONFIG_REVISION + 1);
	REJECT("reserved header field", "reserved", b.sys.hdr.reserved1 = 1);
	REJECT("unknown system flag", "unknown flags", b.sys.flags = 1);
	REJECT("unaligned hypervisor memory", "hypervisor memory", b.sys.hv_mem_phys += 0x800);
	REJECT("empty hypervisor memory", "hypervisor memory", b.sys.hv_mem_size = 0);
	REJECT("unknown console type", "unknown type", b.sys.debug_console.type = 7);
	REJECT("unknown console flag", "unknown flags", b.sys.debug_console.flags = 2);
	REJECT("GICv2", "GIC version", b.sys.platform.gic_version = 2);
	REJECT("unaligned GICD", "64 KiB", b.sys.platform.gicd_base += 0x1000);
	REJECT("maintenance IRQ not a PPI", "maintenance", b.sys.platform.maintenance_irq = 40);
	REJECT("no CPUs", "CPUs", b.sys.platform.num_cpus = 0);
	REJECT("65 CPUs", "CPUs", b.sys.platform.num_cpus = 65);
	REJECT("odd interrupt count", "interrupts", b.sys.platform.num_irqs = 100);
	REJECT("notification IRQ not an SPI", "not an SPI", b.sys.platform.notify_irq = 20);
	REJECT("notification IRQ beyond the GIC", "not an SPI", b.sys.platform.notify_irq = 288);
	REJECT("notification IRQ not the root's", "not one of the root cell's",
	       b.sys.platform.notify_irq = 100);
	REJECT("IOMMU fields without an IOMMU", "no IOMMU", b.sys.platform.iommu.base = 0x09050000);
	REJECT("unknown IOMMU type", "unknown IOMMU type", b.sys.platform.iommu.type = 2);
	REJECT("IOMMU reserved field", "IOMMU reserved", smmu(&b); b.sys.platform.iommu.reserved = 1);
	REJECT("IOMMU without PCI", "without PCI", smmu(&b); b.sys.platform.pci_ecam_base = 0;
	       b.sys.platform.pci_bus_end = 0);
	REJECT("IOMMU unaligned", "not 64 KiB aligned", smmu(&b); b.sys.platform.iommu.base += 0x1000);
	REJECT("IOMMU registers too small", "smaller than", smmu(&b);
	       b.sys.platform.iommu.size = 0x10000);
	REJECT("IOMMU registers wrap", "64 KiB aligned", smmu(&b);
	       b.sys.platform.iommu.base = ~0xffffULL);
	REJECT("no stream ID bits", "stream ID bits 0", smmu(&b);
	       b.sys.platform.iommu.stream_id_bits = 0);
	REJECT("17 stream ID bits", "stream ID bits 17", smmu(&b);
	       b.sys.platform.iommu.stream_id_bits = 17);
	REJECT("IOMMU event IRQ not an SPI", "event interrupt 20 is not an SPI", smmu(&b);
	       b.sys.platform.iommu.event_irq = 20);
	REJECT("IOMMU event IRQ is the notification IRQ", "both the notification and the IOMMU's",
	       smmu(&b); b.sys.platform.notify_irq = 79; b.sys.platform.iommu.event_irq = 79);
	REJECT("IOMMU event IRQ given to the root", "the IOMMU's event interrupt", smmu(&b);
	       b.sys.platform.iommu.event_irq = 50);
	REJECT("root over the IOMMU's registers", "IOMMU", smmu(&b);
	       b.sys.platform.iommu.base = 0x0a000000);
	REJECT("root blob outside", "does not fit", b.sys.root_cell.count += 8);
	REJECT("root blob misaligned", "does not fit", b.sys.root_cell.offset += 4);
	REJECT("root magic", "bad magic", b.root.hdr.magic = CV_SYSTEM_MAGIC);
	REJECT("root name not terminated", "name", memset(b.root.name, 'a', CV_CELL_NAME_LEN));
	REJECT("root name empty", "name", b.root.name[0] = 0);
	REJECT("root name with a slash", "character 0x2f", b.root.name[1] = '/');
	REJECT("root name not NUL-padded", "NUL-padded", b.root.name[10] = 'x');
	REJECT("root unknown flag", "unknown flags", b.root.flags = 1ULL << 40);
	REJECT("root reserved", "reserved", b.root.reserved = 1);
	REJECT("no CPU", "CPU set", b.root.cpu_set = 0);
	REJECT("CPU beyond the platform", "CPU set", b.root.cpu_set = 0x1f);
	REJECT("regions past the blob", "do not fit", b.root.mem_regions.count = 4);
	REJECT("regions over the fixed part", "do not fit", b.root.mem_regions.offset = 8);
	REJECT("regions unaligned", "do not fit", b.root.mem_regions.offset += 4);
	REJECT("huge count (overflow)", "do not fit", b.root.mem_regions.count = 0xffffffffU);
	REJECT("empty array with an offset", "empty array", b.root.pci_devices.offset = 8);
	REJECT("region unknown flag", "unknown flags", b.mem[0].flags |= 1 << 9);
	REJECT("region unaligned", "4 KiB", b.mem[1].size += 1);
	REJECT("region empty", "4 KiB", b.mem[1].size = 0);
	REJECT("region wraps", "wraps", b.mem[2].phys_start = ~0xfffULL);
	REJECT("loadable IO", "loadable", b.mem[2].flags |= CV_MEM_LOADABLE);
	REJECT("comm region with memory", "communication",
	       b.mem[2].flags = CV_MEM_COMM_REGION | CV_MEM_READ);
	REJECT("regions overlap", "overlap in the cell", b.mem[1].virt_start = 0x60000000);
	REJECT("regions share memory", "overlap in physical memory", b.mem[1].phys_start = 0x40100000);
	REJECT("root over the hypervisor", "overlaps the hypervisor", b.mem[1].phys_start = 0x70000000);
	REJECT("SGI range", "SPIs", b.irqs[0].first = 10);
	REJECT("IRQs past the platform", "SPIs", b.irqs[0].count = 300);
	REJECT("empty IRQ range", "SPIs", b.irqs[0].count = 0);

	make(&b);
	b.sys.platform.notify_irq = 79;
	ok(check(&b) == 0, "a notification SPI of the root cell passes");
	make(&b);
	smmu(&b);
	ok(check(&b) == 0, "an SMMUv3 with 8-bit stream IDs passes (%s)", why);
	make(&b);
	b.sys.platform.num_irqs = 1020;
	ok(check(&b) == 0, "1020 interrupts (the GICv3 maximum) pass");
	{
		/* A cell's PCI function on bus 1: beyond an 8-bit stream table, inside a 9-bit one. */
		struct {
			struct cv_cell_config c;
			struct cv_mem_region mem[1];
			struct cv_pci_device pci[1];
		} cell;

		make(&b);
		smmu(&b);
		memset(&cell, 0, sizeof(cell));
		cell.c.hdr = (struct cv_blob_header){ CV_CELL_MAGIC, CV_CONFIG_REVISION, 0,
						      sizeof(cell), 0 };
		strcpy(cell.c.name, "dev");
		cell.c.cpu_set = 2;
		cell.c.mem_regions = (struct cv_array){ offsetof(typeof(cell), mem), 1 };
		cell.c.pci_devices = (struct cv_array){ offsetof(typeof(cell), pci), 1 };
		cell.mem[0] = (struct cv_mem_region){ 0x71000000, 0, 1 << 20,
						      CV_MEM_READ | CV_MEM_WRITE | CV_MEM_DMA };
		cell.pci[0].bus = 1;
		cell.pci[0].devfn = 8;
		ok(config_check_cell(&cell, sizeof(cell), &b.sys.platform, why, sizeof(why)) ==
		   -CV_EINVAL && strstr(why, "stream ID 0x108, beyond the 8 bits"),
		   "a PCI function beyond the stream table is refused: \"%s\"", why);
		b.sys.platform.iommu.stream_id_bits = 9;
		why[0] = 0;
		ok(config_check_cell(&cell, sizeof(cell), &b.sys.platform, why, sizeof(why)) == 0,
		   "  ... and passes with 9 stream ID bits (%s)", why);
	}
	make(&b);
	ok(cv_snprintf(why, 4, "%s", "truncated") == 9 && strcmp(why, "tru") == 0,
	   "messages are cut to the buffer and NUL-terminated");
	return tap_done();
}
