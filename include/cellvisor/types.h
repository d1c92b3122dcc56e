/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Cellvisor ABI: fixed-size types.
 *
 * The kernel and userspace take __u8..__u64 from <linux/types.h>; the freestanding
 * hypervisor and inmates (which have no Linux headers) define them from <stdint.h>.
 */
#ifndef _CELLVISOR_TYPES_H
#define _CELLVISOR_TYPES_H

#if defined(__KERNEL__) || __STDC_HOSTED__
#include <linux/types.h>
#else
#include <stdint.h>
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int32_t __s32;
typedef int64_t __s64;
#endif

#endif /* _CELLVISOR_TYPES_H */
