/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor: the few C library functions the hypervisor has (core/lib.c). */
#ifndef _CV_LIB_H
#define _CV_LIB_H

#include <stdarg.h>
#include <cv/types.h>

#if !__STDC_HOSTED__
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strnlen(const char *s, size_t max);
#else
#include <string.h>
#endif

/* printf subset: %% %c %s %d %u %x %lx %llx %ld %lu %lld %llu %p, with '0' flag and width. */
int cv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int cv_snprintf(char *buf, size_t size, const char *fmt, ...) CV_PRINTF(3, 4);

#endif
