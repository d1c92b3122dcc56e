// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of the console ring and the formatter (hypervisor/core/console.c, lib.c). */
#include <string.h>

#include <cv/console.h>
#include <cv/lib.h>

#include "tap.h"

static char mirrored[64];
static size_t n_mirrored;

static void mirror(char c)
{
	if (n_mirrored < sizeof(mirrored) - 1)
		mirrored[n_mirrored++] = c;
}

static struct console_ring ring;

int main(void)
{
	char out[CV_CONSOLE_RING_SIZE + 64], buf[128];
	/* Through variables: the compiler would rightly refuse these as literals. */
	const char *volatile nothing = NULL, *volatile lone = "trailing %";
	u64 seq = 0, lost = 99, i;
	size_t n;

	console_ring_write(&ring, "hello\n", 6);
	n = console_ring_read(&ring, &seq, &lost, out, sizeof(out));
	ok(n == 6 && memcmp(out, "hello\n", 6) == 0 && seq == 6 && lost == 0,
	   "what was written is read back, seq advances");
	ok(console_ring_read(&ring, &seq, &lost, out, sizeof(out)) == 0, "nothing new: 0 bytes");
	console_ring_write(&ring, "abcdef", 6);
	n = console_ring_read(&ring, &seq, &lost, out, 4);
	ok(n == 4 && memcmp(out, "abcd", 4) == 0 && seq == 10, "a small buffer gets a part");
	n = console_ring_read(&ring, &seq, &lost, out, 4);
	ok(n == 2 && memcmp(out, "ef", 2) == 0 && seq == 12, "and the rest next time");

	for (i = 0; i < CV_CONSOLE_RING_SIZE + 100; i++)
		console_ring_write(&ring, i % 2 ? "y" : "x", 1);
	n = console_ring_read(&ring, &seq, &lost, out, sizeof(out));
	ok(n == CV_CONSOLE_RING_SIZE, "after an overflow the whole ring is read (%zu bytes)", n);
	ok(lost == 100, "lost counts the overwritten bytes (%llu)", (unsigned long long)lost);
	ok(out[n - 1] == 'y' && seq == ring.seq, "the newest byte comes last");
	seq = ring.seq + 5;
	n = console_ring_read(&ring, &seq, &lost, out, 10);
	ok(n == 10 && lost == 0, "a position from the future restarts at the oldest byte");

	console_set_mirror(mirror);
	printk("cpu %u: %s 0x%08llx %d%%\n", 3U, "ok", 0xabcULL, -42);
	ok(strcmp(mirrored, "cpu 3: ok 0x00000abc -42%\n") == 0, "printk formats and mirrors: %.25s",
	   mirrored);
	seq = cv_console.seq - 26;
	n = console_read(&seq, &lost, buf, sizeof(buf));
	ok(n == 26 && memcmp(buf, "cpu 3: ok 0x00000abc -42%\n", 26) == 0,
	   "printk text is in the hypervisor console ring");

	ok(cv_snprintf(buf, sizeof(buf), "%5u|%lx|%p", 42U, 0x1234UL, (void *)0x10) > 0 &&
	   strcmp(buf, "   42|1234|0x10") == 0, "width, %%lx, %%p: %s", buf);
	ok(cv_snprintf(buf, sizeof(buf), "%s|%c|%lld|%llu", nothing, 'z', -9223372036854775807LL - 1,
		       18446744073709551615ULL) > 0 &&
	   strcmp(buf, "(null)|z|-9223372036854775808|18446744073709551615") == 0,
	   "NULL string, char, extreme 64-bit values: %s", buf);
	ok(cv_snprintf(buf, 1, "abc") == 3 && buf[0] == 0, "a one-byte buffer holds just the NUL");
	ok(cv_snprintf(buf, sizeof(buf), lone) == 10 && strcmp(buf, "trailing %") == 0, "a lone %% at the end is kept");
	return tap_done();
}
