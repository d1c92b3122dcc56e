/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor arm64: the registers of a cell's CPU as saved on an exit to the hypervisor. */
#ifndef _ASM_TRAPS_H
#define _ASM_TRAPS_H

#include <asm/layout.h>
#include <cv/types.h>

struct trap_frame {
	u64 x[31];
	u64 elr;
	u64 spsr;
	u64 pad;
};

_Static_assert(sizeof(struct trap_frame) == FRAME_SIZE, "FRAME_SIZE");
_Static_assert(__builtin_offsetof(struct trap_frame, elr) == FRAME_ELR, "FRAME_ELR");
_Static_assert(__builtin_offsetof(struct trap_frame, spsr) == FRAME_SPSR, "FRAME_SPSR");

/* Exit reasons passed by the vectors. */
#define EXIT_SYNC	0
#define EXIT_IRQ	1
#define EXIT_FIQ	2
#define EXIT_SERROR	3

struct per_cpu;

/* The frame saved at the top of this CPU's stack: the cell's registers. */
struct trap_frame *guest_frame(unsigned int cpu);
/* Register n of the frame, x31 reading as zero (xzr). */
static inline u64 frame_reg(const struct trap_frame *f, unsigned int n)
{
	return n < 31 ? f->x[n] : 0;
}

static inline void frame_set_reg(struct trap_frame *f, unsigned int n, u64 v)
{
	if (n < 31)
		f->x[n] = v;
}

long psci_handle(struct per_cpu *cpu, struct trap_frame *f);
void psci_park(struct per_cpu *cpu, struct trap_frame *f, u32 state);
void gic_init_cell(void);

/* head.S */
__attribute__((noreturn)) void guest_enter(struct trap_frame *f);
__attribute__((noreturn)) void cv_leave(struct trap_frame *f, long ret, u64 virt_offset);
extern char cv_vectors[];

#endif
