/* SPDX-License-Identifier: GPL-2.0-only */
/* Tiny TAP helpers for the hypervisor's host unit tests. */
#ifndef _TAP_H
#define _TAP_H

#include <stdio.h>

static int tap_n, tap_failed;

#define ok(cond, ...) do {						\
	int __pass = !!(cond);						\
	tap_n++;							\
	if (!__pass)							\
		tap_failed++;						\
	printf("%sok %d - ", __pass ? "" : "not ", tap_n);		\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
