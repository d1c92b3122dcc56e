// SPDX-License-Identifier: GPL-2.0-only
/*
 * A small printf to the console: %d %i %u %x %X %p %s %c %%, flags '-' and '0', a field
 * width, and the length modifiers l, ll and z.
 */
#include <inmate.h>

struct spec {
	bool left;
	bool zero;
	unsigned int width;
};

static int pad(unsigned int n, char c)
{
	for (unsigned int i = 0; i < n; i++)
		console_putc(c);
	return n;
}

static int put_field(const char *s, size_t len, const struct spec *sp, bool numeric)
{
	unsigned int fill = sp->width > len ? sp->width - len : 0;
	int n = 0;

	if (!sp->left && sp->zero && numeric) {
		/* the sign, if any, goes before the zeros */
		if (*s == '-') {
			console_putc('-');
			s++;
			len--;
			n++;
		}
		n += pad(fill, '0');
	} else if (!sp->left) {
		n += pad(fill, ' ');
	}
	for (size_t i = 0; i < len; i++)
		console_putc(s[i]);
	n += len;
	if (sp->left)
		n += pad(fill, ' ');
	return n;
}

static int put_number(unsigned long long v, bool negative, unsigned int base, bool upper,
		      const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[32];
	size_t pos = sizeof(buf);

	do {
		buf[--pos] = digits[v % base];
		v /= base;
	} while (v);
	if (negative)
		buf[--pos] = '-';
	return put_field(buf + pos, sizeof(buf) - pos, sp, true);
}

int vprintf(const char *fmt, va_list ap)
{
	int n = 0;

	for (; *fmt; fmt++) {
		struct spec sp = { 0 };
		int longs = 0;

		if (*fmt != '%') {
			console_putc(*fmt);
			n++;
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (unsigned int)(*fmt++ - '0');
		for (;; fmt++) {
			if (*fmt == 'l')
				longs++;
			else if (*fmt == 'z')
				longs = 1;
			else
				break;
		}

		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = longs > 1 ? va_arg(ap, long long) :
				      longs ? va_arg(ap, long) : va_arg(ap, int);
			unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v :
					       (unsigned long long)v;

			n += put_number(mag, v < 0, 10, false, &sp);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			unsigned long long v = longs > 1 ? va_arg(ap, unsigned long long) :
					       longs ? va_arg(ap, unsigned long) :
					       va_arg(ap, unsigned int);

			n += put_number(v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', &sp);
			break;
		}
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(ap, void *);

			console_putc('0');
			console_putc('x');
			n += 2;
			if (sp.width > 2)
				sp.width -= 2;
			n += put_number(v, false, 16, false, &sp);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			n += put_field(s, strlen(s), &sp, false);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			n += put_field(&c, 1, &sp, false);
			break;
		}
		case '%':
			console_putc('%');
			n++;
			break;
		case '\0':
			return n;
		default:
			/* unknown conversion: show it as written */
			console_putc('%');
			console_putc(*fmt);
			n += 2;
			break;
		}
	}
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
