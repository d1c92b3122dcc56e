/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * selftest: a bare-metal program for QEMU's virt machine (EL1, no hypervisor) that exercises
 * every counter of insncount.c with a known answer (checked by selftest.sh):
 * between its markers, 2012 instructions outside the "hypervisor" range, 12 inside it in
 * 3 "exits", each of which stores to stats[4] (CV_STAT_IRQ) of CPU 0 in the fake stats array.
 * Then PSCI SYSTEM_OFF (QEMU's own PSCI, hvc conduit) ends QEMU.
 */
	.text
	.globl _start
_start:
	ldr	x1, =stats
	hint	#0x70
	mov	x0, #1000
1:	subs	x0, x0, #1
	b.ne	1b
	mov	x2, #3
2:	bl	hvfunc
	subs	x2, x2, #1
	b.ne	2b
	hint	#0x71
	movz	x0, #0x0008
	movk	x0, #0x8400, lsl #16
	hvc	#0
3:	b	3b
	.ltorg

	/* the "hypervisor": its own page, given to the plugin as hv=START-END */
	.balign	4096
	.globl	hvfunc
hvfunc:
	ldr	x3, [x1, #(24 + 4 * 8)]
	add	x3, x3, #1
	str	x3, [x1, #(24 + 4 * 8)]
	ret
	.globl	hvfunc_end
	.balign	4096
hvfunc_end:

	.data
	.balign	8
	.globl	stats
stats:	.space	0x168 * 2
