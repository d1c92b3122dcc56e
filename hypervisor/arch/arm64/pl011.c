// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor arm64: output on a PL011 UART that Linux or the firmware already set up. */
#include <asm/pl011.h>
#include <cv/errno.h>
#include <cv/hv.h>

#define UARTDR		0x00
#define UARTFR		0x18
#define UARTFR_TXFF	(1U << 5)

static volatile u32 *uart;

int pl011_init(u64 phys)
{
	uart = arch_map_device(phys, PAGE_SIZE);
	return uart ? 0 : -CV_ENOMEM;
}

static void put(char c)
{
	unsigned int spins = 1000000;

	while ((uart[UARTFR / 4] & UARTFR_TXFF) && --spins)
		;
	uart[UARTDR / 4] = (u8)c;
}

void pl011_putc(char c)
{
	if (c == '\n')
		put('\r');
	put(c);
}
