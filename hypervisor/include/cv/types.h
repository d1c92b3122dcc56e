/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor: basic types for the hypervisor (freestanding) and its host unit tests. */
#ifndef _CV_TYPES_H
#define _CV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <cellvisor/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;

/*
 * printf-style checks: in the host build only.  The freestanding build takes __u64 from
 * <stdint.h> (unsigned long) while %llx wants unsigned long long; both are 64 bits on arm64,
 * and the host build, where __u64 is unsigned long long, checks the same format strings.
 */
#if __STDC_HOSTED__
#define CV_PRINTF(fmt, args)	__attribute__((format(printf, fmt, args)))
#else
#define CV_PRINTF(fmt, args)
#endif

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1ULL << PAGE_SHIFT)
#define ALIGNED(x, a)		(((x) & ((a) - 1)) == 0)
#define ALIGN_UP(x, a)		(((x) + (a) - 1) & ~((u64)(a) - 1))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)		((a) < (b) ? (a) : (b))
#define MAX(a, b)		((a) > (b) ? (a) : (b))

/* Does [start, start + size) lie inside [base, base + len)?  Overflow-safe. */
static inline bool range_within(u64 start, u64 size, u64 base, u64 len)
{
	return start >= base && size <= len && start - base <= len - size;
}

/* Do [a, a + as) and [b, b + bs) overlap?  Both ranges must not wrap. */
static inline bool ranges_overlap(u64 a, u64 as, u64 b, u64 bs)
{
	return a < b + bs && b < a + as;
}

#endif
