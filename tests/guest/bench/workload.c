// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload: a fixed CPU-and-memory workload for the root cell benchmark.  It walks a
 * 64 MiB buffer with a stride that defeats the caches and mixes in integer arithmetic, then
 * prints how long that took in microseconds.  The same binary runs before and after the
 * hypervisor is enabled, so the ratio of the two figures is the hypervisor's overhead.
 *
 *   workload [ROUNDS]      default 4
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BUF_WORDS (64u << 20) / sizeof(uint64_t)

int main(int argc, char **argv)
{
	unsigned int rounds = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 0) : 4;
	uint64_t *buf = malloc(BUF_WORDS * sizeof(*buf));
	struct timespec t0, t1;
	uint64_t acc = 1;

	if (!buf || rounds == 0) {
		fprintf(stderr, "workload: %s\n", buf ? "ROUNDS must be a positive number" :
			"cannot allocate 64 MiB");
		return 1;
	}
	for (size_t i = 0; i < BUF_WORDS; i++)
		buf[i] = i * 2654435761u;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int r = 0; r < rounds; r++) {
		/* 4099 words = 32 KiB + 8 bytes: every step lands on a new cache line and page */
		for (size_t i = 0, j = r; i < BUF_WORDS; i++, j = (j + 4099) % BUF_WORDS) {
			acc = acc * 6364136223846793005u + buf[j];
			buf[j] = acc ^ (acc >> 29);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%llu\n", (unsigned long long)((t1.tv_sec - t0.tv_sec) * 1000000 +
					     (t1.tv_nsec - t0.tv_nsec) / 1000));
	fprintf(stderr, "workload: checksum %llx\n", (unsigned long long)acc);
	free(buf);
	return 0;
}
