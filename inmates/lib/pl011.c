// SPDX-License-Identifier: GPL-2.0-only
/*
 * PL011 UART output.  The UART is left as whoever set it up configured it (baud rate and
 * format); only the enable bits are set if they are off.
 */
#include <inmate.h>

#define UART_DR		0x00
#define UART_FR		0x18
#define UART_FR_TXFF	(1U << 5)
#define UART_CR		0x30
#define UART_CR_UARTEN	(1U << 0)
#define UART_CR_TXE	(1U << 8)

void pl011_init(uintptr_t base)
{
	uint32_t cr = mmio_read32(base + UART_CR);

	if ((cr & (UART_CR_UARTEN | UART_CR_TXE)) != (UART_CR_UARTEN | UART_CR_TXE))
		mmio_write32(base + UART_CR, cr | UART_CR_UARTEN | UART_CR_TXE);
}

void pl011_putc(uintptr_t base, char c)
{
	/* Bounded: a stuck UART must not hang the inmate forever. */
	for (unsigned int i = 0; i < 1000000; i++)
		if (!(mmio_read32(base + UART_FR) & UART_FR_TXFF))
			break;
	mmio_write32(base + UART_DR, (unsigned char)c);
}
