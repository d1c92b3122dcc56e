/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cellvisor arm64: GICv3 virtualisation.  Physical interrupts are taken at EL2 and
 * injected into the running cell through the list registers; SGIs a cell sends trap and
 * reach only CPUs of the same cell; GICD and GICR are emulated with filtering.
 */
#ifndef _ASM_GIC_H
#define _ASM_GIC_H

#include <cv/types.h>

struct cell;
struct per_cpu;
struct trap_frame;

#define GIC_KICK_SGI	15	/* physical SGI between hypervisor CPUs */

/* gic.c: the CPU interface */
int gic_init(void);
int gic_cpu_init(struct per_cpu *cpu);
void gic_cpu_activate(struct per_cpu *cpu);
void gic_cpu_exit(struct per_cpu *cpu);
void gic_cpu_reset(struct per_cpu *cpu);
void gic_handle_irq(struct per_cpu *cpu);
void gic_send_sgi(struct per_cpu *cpu, u64 sgi1r);
void gic_kick(struct per_cpu *target);
u64 gic_hcr_bits(void);

/* gic-dist.c: GICD and GICR as the cells see them */
int gic_dist_init(void);
int gic_cell_init(struct cell *c);
void gic_rdist_kick_setup(struct per_cpu *cpu, bool on);
u8 gic_irq_priority(struct per_cpu *cpu, u32 irq);
void gic_set_pending(struct per_cpu *cpu, u32 irq);
/* Disable an SPI in the distributor and forget its pending and active state. */
void gic_disable_spi(u32 irq);

#endif
