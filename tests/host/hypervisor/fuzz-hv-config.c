// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the hypervisor's own blob checks (hypervisor/core/config.c) on arbitrary
 * bytes.  A blob whose magic says "system" goes to config_check_system(), anything else to
 * config_check_cell() against the QEMU virt platform of configs/arm64/system.json.
 *
 * The input is copied into a buffer of exactly its size (so AddressSanitizer sees any read
 * past it).  A blob that passes is then walked the way the hypervisor walks it, without any
 * further bounds check (config.h: "a blob that passes can be walked without any further
 * bounds check"), and a few promises of the checks are asserted: every array inside
 * total_size, regions page aligned and not wrapping, interrupt ranges within the SPIs.
 * The refusal text must be a NUL-terminated line that fits its buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cv/config.h>
#include <cv/errno.h>
#include <cv/lib.h>

static const struct cv_platform qemu_virt = {
	.gicd_base = 0x08000000, .gicr_base = 0x080a0000, .gic_version = CV_GIC_V3,
	.maintenance_irq = 25, .pci_ecam_base = 0x4010000000ULL, .pci_bus_start = 0,
	.pci_bus_end = 255, .num_cpus = 4, .num_irqs = 256, .notify_irq = 100,
};

#define PROMISE(cond) do {							\
	if (!(cond)) {								\
		fprintf(stderr, "fuzz-hv-config: a checked blob breaks: %s (%s:%d)\n", \
			#cond, __FILE__, __LINE__);				\
		abort();							\
	}									\
} while (0)

static volatile u64 sink;

static void array_inside(const struct cv_array *a, u64 total, u64 elem)
{
	if (!a->count)
		return;
	PROMISE(a->offset % 8 == 0);
	PROMISE((u64)a->offset + (u64)a->count * elem <= total);
}

/* Walk a checked cell blob of 'size' bytes as the hypervisor would. */
static void walk_cell(const struct cv_cell_config *c, u64 size, const struct cv_platform *p)
{
	const struct cv_mem_region *r = config_mem(c);
	const struct cv_irq_range *q = config_irqs(c);
	const struct cv_pci_device *d = config_pci(c);
	u64 acc = 0;
	unsigned int i, b;

	PROMISE(c->hdr.total_size <= size);
	PROMISE(c->cpu_set != 0);
	PROMISE(c->shutdown_timeout_ms <= CV_SHUTDOWN_TIMEOUT_MAX_MS);
	PROMISE(memchr(c->name, 0, CV_CELL_NAME_LEN) != NULL);
	array_inside(&c->mem_regions, c->hdr.total_size, sizeof(*r));
	array_inside(&c->irq_ranges, c->hdr.total_size, sizeof(*q));
	array_inside(&c->pci_devices, c->hdr.total_size, sizeof(*d));
	for (i = 0; i < c->mem_regions.count; i++) {
		PROMISE(r[i].size && ALIGNED(r[i].phys_start | r[i].virt_start | r[i].size,
					     PAGE_SIZE));
		PROMISE(r[i].phys_start + r[i].size > r[i].phys_start);
		acc += r[i].phys_start ^ r[i].virt_start ^ r[i].size ^ r[i].flags;
	}
	for (i = 0; i < c->irq_ranges.count; i++) {
		PROMISE(q[i].first >= 32 && q[i].count &&
			(u64)q[i].first + q[i].count <= p->num_irqs);
		acc += config_has_irq(c, q[i].first) + config_has_irq(c, q[i].first + q[i].count);
	}
	for (i = 0; i < c->pci_devices.count; i++) {
		for (b = 0; b < CV_PCI_NUM_BARS; b++)
			acc += d[i].bars[b].address ^ d[i].bars[b].size;
		acc += d[i].intx_irq + d[i].bus + d[i].devfn;
		if (d[i].intx_irq)
			PROMISE(config_has_irq(c, d[i].intx_irq));
	}
	sink += acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *blob = malloc(size ? size : 1);
	char why[160];
	u32 magic = 0;
	int ret;

	memcpy(blob, data, size);
	if (size >= 4)
		memcpy(&magic, data, 4);
	memset(why, 0x55, sizeof(why));
	if (magic == CV_SYSTEM_MAGIC) {
		const struct cv_system_config *s = (const void *)blob;

		ret = config_check_system(blob, size, why, sizeof(why));
		if (!ret) {
			u64 start, len;
			unsigned int k;

			PROMISE(s->hdr.total_size <= size);
			PROMISE((u64)s->root_cell.offset + s->root_cell.count <= s->hdr.total_size);
			walk_cell(config_root_cell(s), s->root_cell.count, &s->platform);
			for (k = 0; config_reserved_range(&s->platform, k, &start, &len); k++)
				sink += start + len;
		}
	} else {
		ret = config_check_cell(blob, size, &qemu_virt, why, sizeof(why));
		if (!ret)
			walk_cell((const void *)blob, size, &qemu_virt);
	}
	PROMISE(ret == 0 || ret == -CV_EINVAL);
	if (ret)
		PROMISE(memchr(why, 0, sizeof(why)) != NULL && why[0]);
	free(blob);
	return 0;
}
