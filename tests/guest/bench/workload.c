// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload: a fixed CPU-and-memory workload for the root cell benchmark.  It walks a
 * 64 MiB buffer with a stride that defeats the caches and mixes in integer arithmetic, then
 * prints how long that took in microseconds.  The same binary runs before and after the
 * hypervisor is enabled, so the ratio of the two figures is the hypervisor's overhead.
 *
 *   workload [ROUNDS]      default 4
 *   workload --mark K      execute marker K (0..15) and exit
 *
 * The timed part is enclosed in the markers of the instruction-counting TCG plugin
 * (plugin/insncount.c): "hint #0x70" before it and "hint #0x71" after it.  HINT with an
 * unallocated immediate is a NOP on the CPU; the plugin sees it being translated.
 * --mark K executes "hint #(0x70 + K)" alone, for the scripts to delimit an interval.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUF_WORDS (64u << 20) / sizeof(uint64_t)

#define MARK(k) asm volatile("hint #(0x70 + " #k ")" ::: "memory")

static int mark(unsigned int k)
{
	switch (k) {
	case 0: MARK(0); break;
	case 1: MARK(1); break;
	case 2: MARK(2); break;
	case 3: MARK(3); break;
	case 4: MARK(4); break;
	case 5: MARK(5); break;
	case 6: MARK(6); break;
	case 7: MARK(7); break;
	case 8: MARK(8); break;
	case 9: MARK(9); break;
	case 10: MARK(10); break;
	case 11: MARK(11); break;
	case 12: MARK(12); break;
	case 13: MARK(13); break;
	case 14: MARK(14); break;
	default:
		fprintf(stderr, "workload: marker 0..14\n");
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int rounds;
	uint64_t *buf;
	struct timespec t0, t1;
	uint64_t acc = 1;

	if (argc == 3 && strcmp(argv[1], "--mark") == 0)
		return mark((unsigned int)strtoul(argv[2], NULL, 0));
	rounds = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 0) : 4;
	buf = malloc(BUF_WORDS * sizeof(*buf));

	if (!buf || rounds == 0) {
		fprintf(stderr, "workload: %s\n", buf ? "ROUNDS must be a positive number" :
			"cannot allocate 64 MiB");
		return 1;
	}
	for (size_t i = 0; i < BUF_WORDS; i++)
		buf[i] = i * 2654435761u;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	MARK(0);
	for (unsigned int r = 0; r < rounds; r++) {
		/* 4099 words = 32 KiB + 8 bytes: every step lands on a new cache line and page */
		for (size_t i = 0, j = r; i < BUF_WORDS; i++, j = (j + 4099) % BUF_WORDS) {
			acc = acc * 6364136223846793005u + buf[j];
			buf[j] = acc ^ (acc >> 29);
		}
	}
	MARK(1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%llu\n", (unsigned long long)((t1.tv_sec - t0.tv_sec) * 1000000 +
					     (t1.tv_nsec - t0.tv_nsec) / 1000));
	fprintf(stderr, "workload: checksum %llx\n", (unsigned long long)acc);
	free(buf);
	return 0;
}
