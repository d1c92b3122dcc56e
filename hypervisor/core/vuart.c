// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor: the emulated PL011 of a cell's console (CV_CONSOLE_VPL011).
 *
 * Enough of an Arm PL011 for an operating system's own driver (Linux's amba-pl011 and its
 * earlycon) to use it as a console: it transmits at once (the FIFO is always empty, never
 * full or busy), receives nothing, never interrupts.  The data register goes to the cell's
 * console, like CV_HC_DEBUG_CONSOLE_PUTC; the PrimeCell identification registers read as a
 * PL011's; every other register reads as zero and ignores writes.
 */
#include <cellvisor/config.h>
#include <cv/cell.h>
#include <cv/console.h>
#include <cv/hv.h>
#include <cv/mmio.h>

#define UARTDR		0x000
#define UARTFR		0x018
#define UARTFR_RXFE	(1U << 4)
#define UARTFR_TXFE	(1U << 7)
#define UART_ID_REGS	0xfe0	/* UARTPeriphID0..3, UARTPCellID0..3, one byte each */

static const u8 pl011_id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static enum mmio_result vuart_access(void *arg, struct mmio_access *a)
{
	struct cell *c = arg;

	if (a->size > 4 || (a->addr & (a->size - 1)))
		return MMIO_UNHANDLED;
	if (a->write) {
		if (a->addr == UARTDR)
			console_cell_putc(&c->console, c->config->name, (char)a->value);
		return MMIO_HANDLED;
	}
	if (a->addr == UARTFR)
		a->value = UARTFR_TXFE | UARTFR_RXFE;
	else if (a->addr >= UART_ID_REGS && !(a->addr & 3))
		a->value = pl011_id[(a->addr - UART_ID_REGS) / 4];
	else
		a->value = 0;
	return MMIO_HANDLED;
}

int vuart_cell_init(struct cell *c)
{
	const struct cv_console *con = &c->config->console;

	if (con->type != CV_CONSOLE_VPL011)
		return 0;
	return mmio_register(c, con->address, PAGE_SIZE, vuart_access, c);
}
