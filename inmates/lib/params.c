// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parameters: the text a cell's configuration gives in "parameters": {"text": ...}, which
 * the loader puts at INMATE_PARAMS as one page (the text, a NUL, zeros).  The text is a list
 * of NAME=VALUE words separated by spaces, tabs, newlines or commas.  See
 * cellvisor-inmates(7).
 */
#include <inmate.h>

#define PARAMS_PAGE_SIZE	4096

static bool is_separator(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',';
}

/*
 * The page is only taken as parameters when it holds printable text ending in a NUL: a cell
 * loaded without parameters finds zeros there (the hypervisor scrubs a destroyed cell's
 * RAM), or its own data if it runs larger than INMATE_PARAMS.
 */
const char *cell_params(void)
{
	const char *p = (const char *)INMATE_PARAMS;
	uint32_t word;

	if (!probe_read32(INMATE_PARAMS, &word))
		return NULL;
	for (size_t i = 0; i < PARAMS_PAGE_SIZE; i++) {
		char c = p[i];

		if (!c)
			return i ? p : NULL;
		if ((c < ' ' || c > '~') && !is_separator(c))
			return NULL;
	}
	return NULL;
}

/* The value of NAME (its length in *len), NULL when the parameters do not set it. */
static const char *param_find(const char *name, size_t *len)
{
	const char *p = cell_params(), *found = NULL;
	size_t n = strlen(name);

	while (p && *p) {
		const char *w = p;

		while (*p && !is_separator(*p))
			p++;
		if ((size_t)(p - w) > n && w[n] == '=' && !memcmp(w, name, n)) {
			found = w + n + 1;	/* the last one wins */
			*len = (size_t)(p - found);
		}
		while (*p && is_separator(*p))
			p++;
	}
	return found;
}

bool param_str(const char *name, char *buf, size_t size)
{
	size_t len = 0;
	const char *v = param_find(name, &len);

	if (!v || !size || len >= size)
		return false;
	memcpy(buf, v, len);
	buf[len] = '\0';
	return true;
}

static bool parse_u32(const char *s, size_t len, uint32_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return false;
		v = v * base + d;
		if (v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

uint32_t param_u32(const char *name, uint32_t def, uint32_t min, uint32_t max)
{
	size_t len = 0;
	const char *v = param_find(name, &len);
	uint32_t value;

	if (!v)
		return def;
	if (!parse_u32(v, len, &value) || value < min || value > max) {
		char shown[24];
		size_t n = len < sizeof(shown) - 1 ? len : sizeof(shown) - 1;

		memcpy(shown, v, n);
		shown[n] = '\0';
		printf("%s: parameter %s=%s%s is not a number from %u to %u: using %u\n",
		       inmate_name, name, shown, n < len ? "..." : "", min, max, def);
		return def;
	}
	return value;
}
