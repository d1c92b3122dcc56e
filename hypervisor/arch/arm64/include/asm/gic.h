/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor arm64: the GICv3 distributor and redistributors as cells see them. */
#ifndef _ASM_GIC_H
#define _ASM_GIC_H

#include <cv/types.h>

struct cell;
struct per_cpu;

int gic_init(void);
int gic_cpu_init(struct per_cpu *cpu);
void gic_cpu_exit(struct per_cpu *cpu);
/* Take GICD and GICR out of the cell's stage 2 and emulate them instead. */
int gic_cell_init(struct cell *c);
/* HCR_EL2 bits for interrupt routing. */
u64 gic_hcr_bits(void);

#endif
