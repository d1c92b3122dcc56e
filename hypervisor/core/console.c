// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor: the hypervisor console, a ring buffer mirrored to the debug UART. */
#include <cellvisor/config.h>
#include <asm/processor.h>
#include <cv/console.h>
#include <cv/lib.h>
#include <cv/spinlock.h>

struct console_ring cv_console;	/* its layout is ABI: include/cellvisor/header.h */
_Static_assert(__builtin_offsetof(struct console_ring, buf) == sizeof(u64), "ring layout");
static spinlock_t console_lock;
static void (*mirror)(char c);
static void (*notify)(void);

void console_ring_write(struct console_ring *r, const char *s, size_t len)
{
	for (; len; len--, s++)
		r->buf[r->seq++ % CV_CONSOLE_RING_SIZE] = *s;
}

size_t console_ring_read(const struct console_ring *r, u64 *seq, u64 *lost, char *out,
			 size_t size)
{
	u64 oldest = r->seq > CV_CONSOLE_RING_SIZE ? r->seq - CV_CONSOLE_RING_SIZE : 0;
	size_t n = 0;

	*lost = 0;
	if (*seq > r->seq)		/* a position from the future: start over */
		*seq = oldest;
	if (*seq < oldest) {
		*lost = oldest - *seq;
		*seq = oldest;
	}
	while (n < size && *seq < r->seq)
		out[n++] = r->buf[(*seq)++ % CV_CONSOLE_RING_SIZE];
	return n;
}

void console_set_mirror(void (*putc)(char c))
{
	spin_lock(&console_lock);
	mirror = putc;
	spin_unlock(&console_lock);
}

void console_set_notify(void (*fn)(void))
{
	notify = fn;
}

void console_write(const char *s, size_t len)
{
	size_t i;

	spin_lock(&console_lock);
	console_ring_write(&cv_console, s, len);
	if (mirror)
		for (i = 0; i < len; i++)
			mirror(s[i]);
	spin_unlock(&console_lock);
	if (notify)
		notify();
}

size_t console_read(u64 *seq, u64 *lost, char *out, size_t size)
{
	size_t n;

	spin_lock(&console_lock);
	n = console_ring_read(&cv_console, seq, lost, out, size);
	spin_unlock(&console_lock);
	return n;
}

static void mirror_str(const char *s, size_t len)
{
	while (mirror && len--)
		mirror(*s++);
}

void console_cell_putc(struct cell_console *cc, const char *name, char ch)
{
	spin_lock(&console_lock);
	console_ring_write(&cc->ring, &ch, 1);
	if (ch != '\n' && ch != '\r')
		cc->line[cc->len++] = ch;
	if ((ch == '\n' || cc->len == CELL_CONSOLE_LINE) && mirror) {
		mirror('[');
		mirror_str(name, strnlen(name, CV_CELL_NAME_LEN));
		mirror_str("] ", 2);
		mirror_str(cc->line, cc->len);
		mirror('\n');
	}
	if (ch == '\n' || cc->len == CELL_CONSOLE_LINE)
		cc->len = 0;
	spin_unlock(&console_lock);
	if (ch == '\n' && notify)
		notify();
}

size_t console_cell_read(const struct cell_console *cc, u64 *seq, u64 *lost, char *out,
			 size_t size)
{
	size_t n;

	spin_lock(&console_lock);
	n = console_ring_read(&cc->ring, seq, lost, out, size);
	spin_unlock(&console_lock);
	return n;
}

void printk(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = cv_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	console_write(line, MIN((size_t)n, sizeof(line) - 1));
}

bool console_ratelimit(struct ratelimit *rl)
{
	u64 now = arch_counter(), freq = arch_counter_freq();

	if (now - rl->window >= freq) {
		rl->window = now;
		rl->count = 0;
	}
	if (rl->count++ < CONSOLE_RATELIMIT_BURST)
		return true;
	if (rl->count == CONSOLE_RATELIMIT_BURST + 1)
		printk("Cellvisor: more of the same held back this second\n");
	return false;
}
