// SPDX-License-Identifier: GPL-2.0-only
/*
 * uart-demo: drives the cell's PL011 and prints a counter once per second; with the
 * parameter "count" (0, the default: forever), it stops itself after that many with PSCI
 * SYSTEM_OFF (the cell ends shut down).  Approves shutdown.
 */
#include <inmate.h>

INMATE_NAME("uart-demo");

#define POLL_HZ	10	/* how often the communication region is looked at */

static unsigned long polls, count;
static uint32_t max_count;	/* parameter "count": stop after that many, 0: never */

static void uart_print(const char *s)
{
	uintptr_t uart = console_uart_base();

	for (; *s; s++) {
		if (*s == '\n')
			pl011_putc(uart, '\r');
		pl011_putc(uart, *s);
	}
}

static void tick(uint64_t now, uint64_t due)
{
	static const char prefix[] = "uart-demo: count ";
	char line[sizeof(prefix) + 24];
	char digits[21];
	size_t n = 0, d = 0;
	unsigned long v;

	(void)now;
	(void)due;
	if (++polls % POLL_HZ)
		return;
	v = ++count;
	do {
		digits[d++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(line, prefix, sizeof(prefix) - 1);
	n = sizeof(prefix) - 1;
	while (d)
		line[n++] = digits[--d];
	line[n++] = '\n';
	line[n] = '\0';
	uart_print(line);
	if (max_count && count >= max_count) {
		int32_t r;

		uart_print("uart-demo: all counts done: PSCI SYSTEM_OFF\n");
		r = psci_system_off();
		printf("uart-demo: error: PSCI SYSTEM_OFF returned %d: stopping this CPU\n", r);
		inmate_stop();
	}
}

void inmate_main(void)
{
	if (console_type() != CV_CONSOLE_PL011) {
		printf("uart-demo: error: this cell has no PL011 (console %s): give it one with "
		       "\"console\": {\"type\": \"pl011\", ...} in its configuration\n",
		       console_describe());
		return;
	}
	printf("uart-demo: writing to the PL011 at 0x%08lx directly, one count per second\n",
	       (unsigned long)console_uart_base());
	max_count = param_u32("count", 0, 0, UINT32_MAX);
	if (max_count)
		printf("uart-demo: %u counts, then PSCI SYSTEM_OFF (parameter count)\n",
		       max_count);
	if (irq_init() || ticker_start(POLL_HZ, tick)) {
		printf("uart-demo: error: cannot start the timer\n");
		return;
	}
	inmate_serve(shutdown_approve);
}
