/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor arm64: the image layout.  Everything up to __image_end is in cellvisor.bin. */
#include <asm/layout.h>

OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(cv_entry)

SECTIONS
{
	. = CV_HV_VIRT;
	__image_start = .;
	.header : { KEEP(*(.header)) }
	.text : { *(.text.entry) *(.text .text.*) }
	.rodata : ALIGN(8) { *(.rodata .rodata.*) }
	.data : ALIGN(8) { *(.data .data.*) }
	__image_end = .;
	.bss (NOLOAD) : ALIGN(4096) { *(.bss .bss.* COMMON) }
	. = ALIGN(4096);
	__core_end = .;

	__image_size = __image_end - __image_start;
	__core_size = __core_end - __image_start;
	__entry_offset = cv_entry - __image_start;
	__console_offset = cv_console - __image_start;

	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) *(.interp) *(.dynamic) }
}
