/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inmate boot code for arm64.
 *
 * The image is linked to run at the start of the cell's RAM, 0x40000000, which is also its
 * entry point: the CPU arrives at EL1 with the MMU off.  An image loaded anywhere else says so
 * on the default UART and stops (QEMU's -kernel, for one, loads flat images 512 KiB higher).
 *
 * Every CPU of the cell may arrive here.  Each takes a 4 KiB stack indexed by its MPIDR Aff0
 * (the stacks are not part of the bss, so that the first CPU clearing the bss does not pull
 * the stack from under another one), installs the vectors and asks boot_is_primary(); the
 * primary clears the bss and runs boot_primary(), the others park in boot_secondary().
 */

#define STACK_SHIFT	12		/* 4 KiB per CPU */
#define FRAME_SIZE	(34 * 8)	/* struct exception_frame */
#define SCTLR_EL1_VALUE	0x30d01808	/* RES1 bits, I-cache on, SA; MMU and D-cache off */

	.section .text.head, "ax"
	.global _start
_start:
	msr	daifset, #0xf
	mrs	x20, vbar_el1			/* as the CPU arrived, for boot_entry_vbar */
	ldr	x0, =SCTLR_EL1_VALUE
	msr	sctlr_el1, x0
	msr	spsel, #1
	isb

	adr	x0, _start
	ldr	x1, =_start
	cmp	x0, x1
	b.ne	wrong_address

	mrs	x19, mpidr_el1
	and	x19, x19, #0xff			/* Aff0: the CPU number */
	and	x1, x19, #63
	adrp	x2, boot_entry_vbar
	add	x2, x2, :lo12:boot_entry_vbar
	str	x20, [x2, x1, lsl #3]
	adrp	x0, __stacks_start
	add	x0, x0, :lo12:__stacks_start
	add	x1, x1, #1
	add	x0, x0, x1, lsl #STACK_SHIFT
	mov	sp, x0

	adrp	x0, exception_vectors
	add	x0, x0, :lo12:exception_vectors
	msr	vbar_el1, x0
	isb

	mov	w0, w19
	bl	boot_is_primary
	cbz	w0, 2f

	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	3f
	str	xzr, [x0], #8
	b	1b
3:	mov	w0, w19
	bl	boot_primary

2:	mov	w0, w19
	bl	boot_secondary

/* Loaded at the wrong address: absolute pointers would be wrong, only PC-relative code runs. */
wrong_address:
	mrs	x2, mpidr_el1
	and	x2, x2, #0xff
	cbnz	x2, 1f
	adrp	x2, __stacks_start
	add	x2, x2, :lo12:__stacks_start
	add	sp, x2, #(1 << STACK_SHIFT)
	bl	boot_wrong_address
1:	wfi
	b	1b

/*
 * bool probe_read32(uintptr_t addr, uint32_t *value): a load that may abort.  The
 * synchronous exception handler recognises probe_insn and resumes at probe_fixup.
 */
	.text
	.global probe_read32, probe_insn, probe_fixup
probe_read32:
probe_insn:
	ldr	w2, [x0]
	str	w2, [x1]
	mov	w0, #1
	ret
probe_fixup:
	mov	w0, #0
	ret

/* Exception vectors: 16 entries of 0x80 bytes, table aligned to 2 KiB. */
.macro vector index
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\index
	b	exception_entry
.endm

	.balign	0x800
	.global exception_vectors
exception_vectors:
	vector	0	/* current EL, SP0: sync */
	vector	1	/* IRQ */
	vector	2	/* FIQ */
	vector	3	/* SError */
	vector	4	/* current EL, SPx: sync */
	vector	5	/* IRQ */
	vector	6	/* FIQ */
	vector	7	/* SError */
	vector	8	/* lower EL, AArch64 */
	vector	9
	vector	10
	vector	11
	vector	12	/* lower EL, AArch32 */
	vector	13
	vector	14
	vector	15

exception_entry:
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
	mrs	x2, elr_el1
	stp	x30, x2, [sp, #240]
	mrs	x3, spsr_el1
	str	x3, [sp, #256]

	mov	x0, sp
	cmp	x1, #4
	b.eq	1f
	cmp	x1, #5
	b.eq	2f
	bl	exception_unexpected	/* does not return */
1:	bl	exception_sync
	b	exception_return
2:	bl	irq_dispatch

exception_return:
	ldp	x30, x2, [sp, #240]
	msr	elr_el1, x2
	ldr	x3, [sp, #256]
	msr	spsr_el1, x3
	ldp	x0, x1, [sp, #0]
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
	add	sp, sp, #FRAME_SIZE
	eret
