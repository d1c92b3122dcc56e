/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cellvisor arm64: entry from Linux's hyp stub, exception vectors, cell entry and exit, and
 * the way back to the stub.  See include/cellvisor/header.h for the entry protocol.
 */
#include <asm/layout.h>

#define EXIT_SYNC	0
#define EXIT_IRQ	1
#define EXIT_FIQ	2
#define EXIT_SERROR	3
#define SCTLR_EL2_ON	0x30c5183d	/* RES1 bits, M, C, SA, I */
#define NEG_ENODEV	-19

	.macro	save_regs_from_x2
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #FRAME_ELR]
	.endm

	.section .text.entry, "ax"
	.global	cv_entry
cv_entry:
	/*
	 * MMU off, at the physical address.  The stub moved the caller's x2 (our base) to x0,
	 * x3 to x1, x4 to x2 and x1 (our entry) to x4: undo that, so that the caller gets
	 * back every register but x0.
	 */
	mov	x1, x4
	mov	x4, x2
	mov	x2, x0
	msr	tpidr_el2, x1
	mrs	x1, mpidr_el1
	and	x1, x1, #0xff
	cmp	x1, #CV_HV_MAX_CPUS
	b.hs	too_many_cpus
	/* The cell's registers go to a frame at the top of this CPU's stack. */
	adrp	x0, cv_stacks
	add	x0, x0, :lo12:cv_stacks
	add	x1, x1, #1
	add	x0, x0, x1, lsl #CV_STACK_SHIFT
	sub	sp, x0, #FRAME_SIZE
	mrs	x1, tpidr_el2
	stp	x0, x1, [sp]
	save_regs_from_x2
	/* Written with the MMU off: drop any stale cache line over the frame. */
	mov	x0, sp
	add	x1, x0, #FRAME_SIZE
	bl	inval_dcache_range
	mrs	x19, mpidr_el1
	and	x19, x19, #0xff
	ldr	x20, [sp, #16]		/* the caller's x2: our physical base */
	mrs	x21, vbar_el2		/* the stub's vectors */
	mov	x0, x19
	mov	x1, x20
	bl	arch_early
	cbnz	w0, early_failed

	adrp	x9, cv_early
	add	x9, x9, :lo12:cv_early
	ldp	x10, x11, [x9]		/* ttbr, tcr */
	ldp	x12, x13, [x9, #16]	/* mair, virt_offset */
	msr	mair_el2, x12
	msr	tcr_el2, x11
	msr	ttbr0_el2, x10
	isb
	tlbi	alle2
	ic	iallu
	dsb	nsh
	isb
	ldr	x0, =SCTLR_EL2_ON
	msr	sctlr_el2, x0
	isb
	/* Identity mapped here; continue at the link address. */
	adr	x0, 1f
	add	x0, x0, x13
	br	x0
1:	add	sp, sp, x13
	adr	x0, cv_vectors
	msr	vbar_el2, x0
	isb
	mov	x0, x19
	mov	x1, x21
	mov	x2, x13
	bl	arch_cpu_main
	b	.

too_many_cpus:
	mrs	x1, tpidr_el2
	mov	x0, #NEG_ENODEV
	eret

early_failed:
	sxtw	x1, w0
	mov	x0, sp
	mov	x2, #0
	b	cv_leave

/* inval_dcache_range(start, end): invalidate data cache lines, MMU off.  Clobbers x0..x3. */
inval_dcache_range:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4
	mov	x2, #4
	lsl	x2, x2, x3
	sub	x3, x2, #1
	bic	x0, x0, x3
2:	dc	ivac, x0
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	2b
	dsb	sy
	ret

	.text
/*
 * cv_leave(frame, ret, virt_offset): back to the caller of the hvc with the stub's EL2:
 * restore the frame's registers, switch the MMU off from the identity mapping and eret
 * with x0 = ret.  The caller has restored VBAR_EL2 (and HCR_EL2 when it had changed it).
 */
	.global	cv_leave
cv_leave:
	msr	tpidr_el2, x1
	ldp	x3, x4, [x0, #FRAME_ELR]
	msr	elr_el2, x3
	msr	spsr_el2, x4
	adr	x3, 1f
	sub	x3, x3, x2
	br	x3
1:	ldp	x1, x2, [x0, #8]
	ldp	x3, x4, [x0, #24]
	ldp	x5, x6, [x0, #40]
	ldp	x7, x8, [x0, #56]
	ldp	x9, x10, [x0, #72]
	ldp	x11, x12, [x0, #88]
	ldp	x13, x14, [x0, #104]
	ldp	x15, x16, [x0, #120]
	ldp	x17, x18, [x0, #136]
	ldp	x19, x20, [x0, #152]
	ldp	x21, x22, [x0, #168]
	ldp	x23, x24, [x0, #184]
	ldp	x25, x26, [x0, #200]
	ldp	x27, x28, [x0, #216]
	ldp	x29, x30, [x0, #232]
	mrs	x0, sctlr_el2
	bic	x0, x0, #1		/* M */
	bic	x0, x0, #4		/* C */
	bic	x0, x0, #0x1000		/* I */
	msr	sctlr_el2, x0
	isb
	tlbi	alle2
	dsb	nsh
	isb
	mrs	x0, tpidr_el2
	eret

/* cv_power_off(virt_offset): MMU off, then PSCI CPU_OFF to the firmware.  For parked CPUs. */
	.global	cv_power_off
cv_power_off:
	adr	x1, 1f
	sub	x1, x1, x0
	br	x1
1:	mrs	x0, sctlr_el2
	bic	x0, x0, #1
	bic	x0, x0, #4
	bic	x0, x0, #0x1000
	msr	sctlr_el2, x0
	isb
	ldr	x0, =0x84000002
	smc	#0
	b	.

/* guest_enter(frame): restore a cell's registers from the frame and run it. */
	.global	guest_enter
guest_enter:
	mov	sp, x0
	ldp	x0, x1, [sp, #FRAME_ELR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	ldp	x0, x1, [sp]
	add	sp, sp, #FRAME_SIZE
	eret

guest_exit:
	save_regs_from_x2
	mov	x1, x0
	mov	x0, sp
	bl	arch_handle_exit
	mov	x0, sp
	b	guest_enter

hv_fault:
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	mrs	x2, far_el2
	bl	arch_hv_fault
	b	.

	.macro	guest_vector reason
	.align	7
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	mov	x0, #\reason
	b	guest_exit
	.endm

	.macro	fault_vector
	.align	7
	mov	x3, #((. - cv_vectors) >> 7)
	b	hv_fault
	.endm

	.align	11
	.global	cv_vectors
cv_vectors:
	fault_vector			/* current EL, SP_EL0 */
	fault_vector
	fault_vector
	fault_vector
	fault_vector			/* current EL, SP_EL2: our own faults */
	fault_vector
	fault_vector
	fault_vector
	guest_vector EXIT_SYNC		/* lower EL, AArch64: the cells */
	guest_vector EXIT_IRQ
	guest_vector EXIT_FIQ
	guest_vector EXIT_SERROR
	fault_vector			/* lower EL, AArch32: not supported */
	fault_vector
	fault_vector
	fault_vector
