// SPDX-License-Identifier: GPL-2.0-only
/*
 * secret: a cell that keeps a secret in its RAM and watches it, for the tests of a hostile
 * root (tests/guest/scenarios/hostile-root.sh): the root must not have the hypervisor read
 * it out (to the console, as a cell blob) or write over it.  SECRET_SIZE bytes at
 * SECRET_IPA (the cell's RAM, 2 MiB in), "CVSECRET" and a counter in every 16 bytes; checked
 * ten times a second.  Prints "secret: intact after N checks" every 20 checks and
 * "secret: CHANGED at offset N: ..." (then puts it back) when it differs.  Approves shutdown.
 */
#include "hostile.h"

INMATE_NAME("secret");

#define SECRET_IPA	0x40200000UL
#define SECRET_SIZE	8192

static volatile uint8_t *const secret = (volatile uint8_t *)SECRET_IPA;
static volatile bool tick_due;
static unsigned long checks, changes;

static uint8_t expected(unsigned int i)
{
	static const char mark[8] = { 'C', 'V', 'S', 'E', 'C', 'R', 'E', 'T' };

	return i % 16 < 8 ? (uint8_t)mark[i % 16] : (uint8_t)('a' + (i / 16 + i % 16) % 26);
}

static void fill(void)
{
	unsigned int i;

	for (i = 0; i < SECRET_SIZE; i++)
		secret[i] = expected(i);
}

static void check(void)
{
	unsigned int i;

	checks++;
	for (i = 0; i < SECRET_SIZE; i++) {
		if (secret[i] != expected(i)) {
			changes++;
			printf("secret: CHANGED at offset %u: 0x%02x, expected 0x%02x\n", i, secret[i],
			       expected(i));
			fill();
			return;
		}
	}
	if (checks % 20 == 0)
		printf("secret: intact after %lu checks\n", checks);
}

static void tick(uint64_t now, uint64_t due)
{
	(void)now;
	(void)due;
	tick_due = true;
}

void inmate_main(void)
{
	fill();
	if (irq_init() || ticker_start(10, tick)) {
		printf("secret: error: no timer\n");
		return;
	}
	printf("secret: %u bytes at 0x%lx, checked 10 times a second\n", SECRET_SIZE, SECRET_IPA);
	for (;;) {
		irq_disable_local();
		inmate_poll_shutdown(shutdown_approve);
		if (tick_due) {
			tick_due = false;
			check();
		}
		cpu_wait_for_interrupt();
		irq_enable_local();
	}
}
