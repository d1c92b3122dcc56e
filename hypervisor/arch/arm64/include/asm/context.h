/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor arm64: a CPU's state and traps as it starts in a cell (context.c). */
#ifndef _ASM_CONTEXT_H
#define _ASM_CONTEXT_H

#include <asm/traps.h>
#include <cv/types.h>

struct per_cpu;

/* Reset everything the CPU ran with before; the traps of its (new) cell. */
void cpu_reset(struct per_cpu *cpu);
/* A trapped system register access or instruction the cell may make: done, true. */
bool cpu_emulate_sysreg(struct per_cpu *cpu, struct trap_frame *f, u64 iss);

#endif
