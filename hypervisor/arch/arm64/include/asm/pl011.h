/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor arm64: the PL011 UART of the debug console. */
#ifndef _ASM_PL011_H
#define _ASM_PL011_H

#include <cv/types.h>

int pl011_init(u64 phys);
void pl011_putc(char c);

#endif
