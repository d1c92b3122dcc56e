// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor arm64: GICv3 distributor and redistributors.
 *
 * Cells never map GICD and GICR: every access traps and is carried out here on the real
 * device.  The root cell owns every interrupt for now, so its accesses pass through as they
 * are; filtering by interrupt ownership comes with the other cells.
 */
#include <asm/gic.h>
#include <asm/sysregs.h>
#include <cv/cell.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/percpu.h>

#define GICD_SIZE	0x10000
#define GICR_STRIDE	0x20000		/* RD_base and SGI_base frames of one CPU */
#define ICC_CTLR_EOIMODE	BIT64(1)

static volatile u8 *gicd, *gicr;
static u64 gicr_size;

int gic_init(void)
{
	const struct cv_platform *p = &hv.config->platform;

	gicr_size = (u64)p->num_cpus * GICR_STRIDE;
	gicd = arch_map_device(p->gicd_base, GICD_SIZE);
	gicr = arch_map_device(p->gicr_base, gicr_size);
	return gicd && gicr ? 0 : -CV_ENOMEM;
}

int gic_cpu_init(struct per_cpu *cpu)
{
	cpu->arch.eoi_split = !!(read_sysreg(icc_ctlr_el1) & ICC_CTLR_EOIMODE);
	return 0;
}

void gic_cpu_exit(struct per_cpu *cpu)
{
	(void)cpu;
}

u64 gic_hcr_bits(void)
{
	return 0;
}

static enum mmio_result passthrough(volatile u8 *base, struct mmio_access *a)
{
	volatile u8 *p = base + a->addr;

	if (a->addr & (a->size - 1))
		return MMIO_UNHANDLED;	/* the GIC only takes naturally aligned accesses */
	switch (a->size) {
	case 1:
		if (a->write)
			*p = (u8)a->value;
		else
			a->value = *p;
		break;
	case 2:
		if (a->write)
			*(volatile u16 *)p = (u16)a->value;
		else
			a->value = *(volatile u16 *)p;
		break;
	case 4:
		if (a->write)
			*(volatile u32 *)p = (u32)a->value;
		else
			a->value = *(volatile u32 *)p;
		break;
	default:
		if (a->write)
			*(volatile u64 *)p = a->value;
		else
			a->value = *(volatile u64 *)p;
	}
	return MMIO_HANDLED;
}

static enum mmio_result gicd_access(void *arg, struct mmio_access *a)
{
	(void)arg;
	return passthrough(gicd, a);
}

static enum mmio_result gicr_access(void *arg, struct mmio_access *a)
{
	(void)arg;
	return passthrough(gicr, a);
}

int gic_cell_init(struct cell *c)
{
	const struct cv_platform *p = &hv.config->platform;
	int err;

	err = arch_unmap_guest(c, p->gicd_base, GICD_SIZE);
	if (!err)
		err = arch_unmap_guest(c, p->gicr_base, gicr_size);
	if (!err)
		err = mmio_register(c, p->gicd_base, GICD_SIZE, gicd_access, c);
	if (!err)
		err = mmio_register(c, p->gicr_base, gicr_size, gicr_access, c);
	return err;
}

int arch_cell_devices(struct cell *c)
{
	return gic_cell_init(c);
}
