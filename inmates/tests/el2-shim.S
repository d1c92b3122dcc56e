/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * el2-shim: plays the hypervisor's part for the inmates' host tests, on QEMU virt with
 * virtualization=on (the CPU starts here at EL2).  It is not the hypervisor: no stage 2, no
 * GIC emulation.  It enters the inmate at 0x40000000 at EL1 with the MMU off, and answers:
 *   hvc #0x4356, x0 = CV_HC_DEBUG_CONSOLE_PUTC (8): x1 to the PL011, x0 = 0;
 *     other codes: x0 = -ENOSYS;
 *   SMC (trapped): PSCI VERSION (1.1), CPU_OFF (prints "el2-shim: PSCI CPU_OFF" and parks
 *     the CPU), anything else NOT_SUPPORTED;
 *   any other exception from EL1: prints "el2-shim: unexpected exception, ESR 0x..." and parks.
 * Registers the inmate does not get results in are preserved.
 */

#define UART		0x09000000
#define HCR_RW		(1 << 31)
#define HCR_TSC		(1 << 19)
#define ICC_SRE_EL2	S3_4_C12_C9_5

	.text
	.global _start
_start:
	adr	x0, shim_stack_top
	mov	sp, x0
	adr	x0, shim_vectors
	msr	vbar_el2, x0
	mov	x0, #HCR_RW
	orr	x0, x0, #HCR_TSC
	msr	hcr_el2, x0
	mrs	x0, ICC_SRE_EL2
	orr	x0, x0, #0x8			/* Enable: EL1 may use ICC_SRE_EL1 */
	orr	x0, x0, #0x1			/* SRE */
	msr	ICC_SRE_EL2, x0
	mov	x0, #3				/* EL1 may use the physical counter and timer */
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	ldr	x0, =0x30d00800
	msr	sctlr_el1, x0
	mov	x0, #0x3c5			/* EL1h, DAIF masked */
	msr	spsr_el2, x0
	ldr	x0, =0x40000000
	msr	elr_el2, x0
	isb
	eret

/* putc: w0 to the PL011; clobbers x16 */
putc:
	mov	x16, #UART
1:	ldr	w17, [x16, #0x18]
	tbnz	w17, #5, 1b
	str	w0, [x16]
	ret

/* puts: the string at x1; clobbers x0, x1, x16, x17, x30 (saved by the caller) */
puts:
	mov	x15, x30
1:	ldrb	w0, [x1], #1
	cbz	w0, 2f
	bl	putc
	b	1b
2:	mov	x30, x15
	ret

/* puthex: x2 as 8 hex digits; clobbers x0, x3, x16, x17 */
puthex:
	mov	x14, x30
	mov	x3, #28
1:	lsr	x0, x2, x3
	and	x0, x0, #0xf
	cmp	x0, #10
	add	x4, x0, #'0'
	add	x0, x0, #('a' - 10)
	csel	x0, x4, x0, lo
	bl	putc
	subs	x3, x3, #4
	b.ge	1b
	mov	x30, x14
	ret

park:
	msr	daifset, #0xf
1:	wfi
	b	1b

	.balign	0x800
shim_vectors:
	.rept	8
	.balign	0x80
	b	unexpected
	.endr
	.balign	0x80			/* lower EL, AArch64, sync */
	b	sync_lower
	.rept	7
	.balign	0x80
	b	unexpected
	.endr

sync_lower:
	stp	x2, x3, [sp, #-16]!
	mrs	x2, esr_el2
	lsr	x3, x2, #26
	cmp	x3, #0x16
	b.eq	hvc
	cmp	x3, #0x17
	b.eq	smc
	b	unexpected

hvc:
	and	x3, x2, #0xffff
	mov	x2, #0x4356
	cmp	x3, x2
	b.ne	unexpected
	cmp	x0, #8
	b.ne	1f
	stp	x16, x17, [sp, #-16]!
	stp	x0, x30, [sp, #-16]!
	mov	x0, x1
	bl	putc
	ldp	x0, x30, [sp], #16
	ldp	x16, x17, [sp], #16
	mov	x0, #0
	b	2f
1:	mov	x0, #-38			/* -ENOSYS */
2:	ldp	x2, x3, [sp], #16
	eret

smc:
	mrs	x2, elr_el2			/* a trapped SMC returns to itself: skip it */
	add	x2, x2, #4
	msr	elr_el2, x2
	mov	x2, #0x84000000
	cmp	x0, x2
	b.ne	1f
	mov	x0, #1				/* PSCI 1.1 */
	movk	x0, #1, lsl #16
	b	9f
1:	add	x2, x2, #2
	cmp	x0, x2
	b.ne	2f
	adr	x1, msg_cpu_off
	bl	puts
	b	park
2:	mov	x0, #-1				/* NOT_SUPPORTED */
9:	ldp	x2, x3, [sp], #16
	eret

unexpected:
	adr	x1, msg_unexpected
	bl	puts
	mrs	x2, esr_el2
	bl	puthex
	mov	w0, #'\n'
	bl	putc
	b	park

msg_cpu_off:
	.asciz	"el2-shim: PSCI CPU_OFF\n"
msg_unexpected:
	.asciz	"el2-shim: unexpected exception, ESR 0x"

	.balign	16
	.space	4096
shim_stack_top:
