// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor arm64: the image header, first bytes of cellvisor.bin (include/cellvisor/header.h). */
#include <asm/layout.h>
#include <cellvisor/header.h>
#include <cv/console.h>
#include <cv/percpu.h>

/* Defined by the linker script. */
extern char __image_size[], __core_size[], __entry_offset[], __console_offset[];

#define LINK_VALUE(sym)	((__u64)(unsigned long)(sym))

__attribute__((section(".header"), used))
const struct cv_image_header cv_header = {
	.magic = CV_IMAGE_MAGIC,
	.abi_revision = CV_ABI_REVISION,
	.header_size = sizeof(struct cv_image_header),
	.image_size = LINK_VALUE(__image_size),
	.core_size = LINK_VALUE(__core_size),
	.entry_offset = LINK_VALUE(__entry_offset),
	.percpu_size = sizeof(struct per_cpu) + CV_STACK_SIZE,
	.max_cpus = CV_HV_MAX_CPUS,
	.console_offset = LINK_VALUE(__console_offset),
	.console_size = CV_CONSOLE_RING_SIZE,
};
