/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cellvisor: the hypervisor console.  Every message goes into a ring buffer that the root
 * cell reads with CV_HC_CONSOLE_READ, and is mirrored to the debug UART when the system
 * config asks for it (CV_CONSOLE_MIRROR).
 */
#ifndef _CV_CONSOLE_H
#define _CV_CONSOLE_H

#include <cv/types.h>

#define CV_CONSOLE_RING_SIZE	16384	/* power of two */

struct console_ring {
	u64 seq;			/* bytes ever written */
	char buf[CV_CONSOLE_RING_SIZE];
};

/* Append bytes to a ring. */
void console_ring_write(struct console_ring *r, const char *s, size_t len);
/*
 * Copy out what follows position *seq, at most 'size' bytes.  *lost: bytes between *seq and
 * the oldest byte still in the ring.  Advances *seq; returns the number of bytes copied.
 */
size_t console_ring_read(const struct console_ring *r, u64 *seq, u64 *lost, char *out,
			 size_t size);

/* A cell's CV_HC_DEBUG_CONSOLE_PUTC output: a ring, and the line being mirrored. */
#define CELL_CONSOLE_LINE	120

struct cell_console {
	struct console_ring ring;
	char line[CELL_CONSOLE_LINE];
	unsigned int len;
};

/*
 * One character of cell 'name': into its ring; each complete line (or a full buffer) goes
 * to the debug UART as "[name] line".
 */
void console_cell_putc(struct cell_console *cc, const char *name, char ch);
struct cell;
/* A cell with a CV_CONSOLE_VPL011 console gets its emulated UART (core/vuart.c). */
int vuart_cell_init(struct cell *c);
/* console_ring_read() on a cell's ring, under the console lock. */
size_t console_cell_read(const struct cell_console *cc, u64 *seq, u64 *lost, char *out,
			 size_t size);

/*
 * Lines a cell can make the hypervisor print (a refused access, a fault of the root):
 * at most CONSOLE_RATELIMIT_BURST a second for each source, so that no cell can flush the
 * console ring.  The first line held back in a second is announced, the rest are dropped.
 */
#define CONSOLE_RATELIMIT_BURST	10

struct ratelimit {
	u64 window;			/* counter value at the start of the current second */
	u32 count;			/* lines in it */
};

/* true: print the line. */
bool console_ratelimit(struct ratelimit *rl);

/* The hypervisor console. */
extern struct console_ring cv_console;
void console_set_mirror(void (*putc)(char c));
/* Called after new hypervisor console output and after each line of a cell's console. */
void console_set_notify(void (*fn)(void));
void console_write(const char *s, size_t len);
/* console_ring_read() on the hypervisor console, under its lock. */
size_t console_read(u64 *seq, u64 *lost, char *out, size_t size);
void printk(const char *fmt, ...) CV_PRINTF(1, 2);

#endif
