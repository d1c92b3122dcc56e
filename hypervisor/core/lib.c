// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor: string and formatting helpers of the freestanding hypervisor. */
#include <cv/lib.h>

#if !__STDC_HOSTED__
/* Word-sized accesses for the bulk: scrubbing a cell's RAM byte by byte took seconds. */
typedef u64 __attribute__((may_alias)) word_t;

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;
	word_t w = 0x0101010101010101ULL * (unsigned char)c;

	for (; n && ((size_t)p & 7); n--)
		*p++ = (unsigned char)c;
	for (; n >= 8; n -= 8, p += 8)
		*(word_t *)p = w;
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((size_t)d ^ (size_t)s) & 7) == 0) {
		for (; n && ((size_t)d & 7); n--)
			*d++ = *s++;
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}
#endif

struct out {
	char *buf;
	size_t size;
	size_t len;		/* characters produced, even past size */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, unsigned long long v, unsigned int base, bool neg,
		    unsigned int width, char pad)
{
	char digits[24];
	unsigned int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		digits[n++] = '-';
	while (width > n) {
		put(o, pad);
		width--;
	}
	while (n)
		put(o, digits[--n]);
}

int cv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		unsigned int width = 0, longs = 0;
		unsigned long long v;
		char pad = ' ';
		const char *s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = *fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned int)(*fmt++ - '0');
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's':
			s = va_arg(ap, const char *);
			for (s = s ? s : "(null)"; *s; s++)
				put(&o, *s);
			break;
		case 'd': {
			long long d = longs ? va_arg(ap, long long) : va_arg(ap, int);

			v = d < 0 ? 0ULL - (unsigned long long)d : (unsigned long long)d;
			put_num(&o, v, 10, d < 0, width, pad);
			break;
		}
		case 'u':
		case 'x':
			v = longs ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
			put_num(&o, v, *fmt == 'u' ? 10 : 16, false, width, pad);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (unsigned long long)(size_t)va_arg(ap, void *), 16, false, width, pad);
			break;
		case '%':
			put(&o, '%');
			break;
		default:	/* unknown conversion: show it, take no argument */
			put(&o, '%');
			if (!*fmt)
				goto end;
			put(&o, *fmt);
		}
	}
end:
	if (size)
		buf[MIN(o.len, size - 1)] = 0;
	return (int)o.len;
}

int cv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = cv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
