/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cellvisor arm64: fixed layout facts shared by assembly and C.
 *
 * The hypervisor is linked at CV_HV_VIRT and runs there once its MMU is on: all of its memory
 * (image, bss, config blob, page pool) appears at CV_HV_VIRT + (phys - hv_mem_phys).  The same
 * memory is also identity mapped, for the instants the MMU is switched on and off.  Devices and
 * cell memory are mapped on demand in the remap area.
 */
#ifndef _ASM_LAYOUT_H
#define _ASM_LAYOUT_H

#define CV_HV_VIRT		0x0000f00000000000	/* above any 44-bit physical address */
#define CV_REMAP_VIRT		0x0000e00000000000
#define CV_REMAP_PAGES		4096			/* 16 MiB of virtual space */

#define CV_HV_MAX_CPUS		16			/* MPIDR Aff0 0..15 */
#define CV_STACK_SHIFT		14
#define CV_STACK_SIZE		(1 << CV_STACK_SHIFT)	/* per CPU */

/* struct trap_frame: x0..x30, elr, spsr, padding to 16 bytes. */
#define FRAME_ELR		248
#define FRAME_SPSR		256
#define FRAME_SIZE		272

#endif
