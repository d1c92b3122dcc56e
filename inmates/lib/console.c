// SPDX-License-Identifier: GPL-2.0-only
/*
 * The inmate console: the communication region's console_type when there is one (PL011 at
 * console_base, or the hypercall console), else QEMU virt's PL011.
 */
#include <inmate.h>
#include <arch/board.h>

static bool ready;
static unsigned int type;
static uintptr_t uart;
static char description[40];

static void describe(const char *s, uintptr_t base)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);

	memcpy(description, s, n);
	if (base) {
		memcpy(description + n, " at 0x", 6);
		n += 6;
		for (int shift = base >> 32 ? 60 : 28; shift >= 0; shift -= 4)
			description[n++] = hex[(base >> shift) & 0xf];
	}
	description[n] = '\0';
}

void console_init(void)
{
	struct cv_comm_region *comm = comm_region();

	type = CV_CONSOLE_PL011;
	uart = BOARD_UART_BASE;
	if (comm) {
		type = comm->console_type;
		uart = comm->console_base;
	}
	switch (type) {
	case CV_CONSOLE_PL011:
		if (!uart)
			uart = BOARD_UART_BASE;
		pl011_init(uart);
		describe("pl011", uart);
		break;
	case CV_CONSOLE_VPL011:		/* the hypervisor's PL011: nothing to set up */
		describe("emulated pl011", uart);
		break;
	case CV_CONSOLE_HVC:
		uart = 0;
		describe("hypercall", 0);
		break;
	default:
		uart = 0;
		type = CV_CONSOLE_NONE;
		describe("none", 0);
		break;
	}
	ready = true;
}

const char *console_describe(void)
{
	return description;
}

unsigned int console_type(void)
{
	return type;
}

uintptr_t console_uart_base(void)
{
	return uart;
}

/*
 * The hypercall console takes a line per exit: a CPU's bytes wait in its line until '\n' or
 * a full line.  A hypervisor without CV_HC_DEBUG_CONSOLE_WRITE gets them one by one.
 */
#define LINE_CPUS	16

static struct {
	char buf[CV_CONSOLE_WRITE_MAX];
	size_t len;
} lines[LINE_CPUS];

static void hvc_putc(char c)
{
	unsigned int cpu = cpu_id();
	size_t i;

	if (cpu >= LINE_CPUS) {
		hypercall_console_putc(c);
		return;
	}
	lines[cpu].buf[lines[cpu].len++] = c;
	if (c != '\n' && lines[cpu].len < sizeof(lines[cpu].buf))
		return;
	if (hypercall_console_write(lines[cpu].buf, lines[cpu].len) < 0)
		for (i = 0; i < lines[cpu].len; i++)
			hypercall_console_putc(lines[cpu].buf[i]);
	lines[cpu].len = 0;
}

/* A UART gets "\r\n" for "\n"; the hypercall console gets lines as they are. */
void console_putc(char c)
{
	unsigned int t = ready ? type : CV_CONSOLE_PL011;
	uintptr_t base = ready ? uart : BOARD_UART_BASE;

	switch (t) {
	case CV_CONSOLE_PL011:
	case CV_CONSOLE_VPL011:
		if (c == '\n')
			pl011_putc(base, '\r');
		pl011_putc(base, c);
		break;
	case CV_CONSOLE_HVC:
		hvc_putc(c);
		break;
	default:
		break;
	}
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}
