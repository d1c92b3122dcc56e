// SPDX-License-Identifier: GPL-2.0-only
/* cellconf: diagnostics, number parsing and formatting, allocation, config objects. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cellvisor/names.h>

#include "internal.h"

const struct flag_name cc_mem_flag_names[] = {
	CV_MEM_FLAG_NAMES,
	{ 0, NULL },
};

const struct flag_name cc_cell_flag_names[] = {
	{ CV_CELL_PASSIVE_COMMREG, "passive_comm_region" },
	{ CV_CELL_NO_RESET, "no_reset" },
	{ CV_CELL_BOOT_CPU_ONLY, "boot_cpu_only" },
	{ 0, NULL },
};

const struct flag_name cc_console_flag_names[] = {
	{ CV_CONSOLE_MIRROR, "mirror" },
	{ 0, NULL },
};

const struct flag_name cc_link_peer_flag_names[] = {
	{ CV_LINK_PEER_WRITE, "write" },
	{ 0, NULL },
};

const char *const cc_console_type_names[CC_NUM_CONSOLE_TYPES] = {
	[CV_CONSOLE_NONE] = "none",
	[CV_CONSOLE_PL011] = "pl011",
	[CV_CONSOLE_HVC] = "hvc",
	[CV_CONSOLE_VPL011] = "vpl011",
};

static void oom(void)
{
	fputs("cellconf: out of memory\n", stderr);
	abort();
}

void *cc_xzalloc(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

char *cc_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

static char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	return s;
}

char *cc_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void cc_diags_init(struct cc_diags *d)
{
	memset(d, 0, sizeof(*d));
}

void cc_diags_free(struct cc_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		free(d->items[i].text);
	free(d->items);
	cc_diags_init(d);
}

void cc_report(struct cc_diags *d, enum cc_severity sev, const char *file, const char *path,
	       const char *hint, const char *fmt, ...)
{
	static const char *const label[] = { "", "warning: ", "note: " };
	va_list ap;
	char *msg;

	if (sev == CC_ERROR)
		d->errors++;
	else if (sev == CC_WARNING)
		d->warnings++;
	else
		d->notes++;
	/* Bounded, whatever the input: past the limit, messages are only counted. */
	if (d->count > CC_MAX_DIAGS)
		return;
	if (d->count == CC_MAX_DIAGS) {
		file = "cellconf";
		path = NULL;
		hint = "fix the first ones and check again";
		fmt = "too many problems: the others are not listed";
		sev = CC_NOTE;
	}
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);

	if (d->count == d->capacity) {
		d->capacity = d->capacity ? 2 * d->capacity : 16;
		d->items = realloc(d->items, d->capacity * sizeof(*d->items));
		if (!d->items)
			oom();
	}
	d->items[d->count].severity = sev;
	d->items[d->count].text = cc_xasprintf("%s: %s: %s%s%s%s%s", file,
					       path && *path ? path : ".", label[sev], msg,
					       hint ? " (" : "", hint ? hint : "",
					       hint ? ")" : "");
	d->count++;
	free(msg);
}

void cc_diags_print(const struct cc_diags *d, FILE *out, enum cc_severity min)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->items[i].severity <= min)
			fprintf(out, "%s\n", d->items[i].text);
}

static const struct {
	const char *name;
	unsigned shift;
} units[] = {
	{ "B", 0 }, { "KiB", 10 }, { "MiB", 20 }, { "GiB", 30 }, { "TiB", 40 },
	{ "K", 10 }, { "M", 20 }, { "G", 30 }, { "T", 40 },
};

bool cc_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts leading blanks and signs: we do not. */
	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2]))
			return false;
		v = strtoull(s + 2, &end, 16);
	} else {
		v = strtoull(s, &end, 10);
	}
	if (errno)
		return false;
	while (*end == ' ')
		end++;
	if (!*end) {
		*out = v;
		return true;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].name))
			continue;
		if (units[i].shift && v > (UINT64_MAX >> units[i].shift))
			return false;
		*out = (uint64_t)v << units[i].shift;
		return true;
	}
	return false;
}

/* "N UNIT" with N < 1024 (TiB: any N), else hex. */
void cc_format_size(uint64_t v, char *buf, size_t len)
{
	static const char *const names[] = { "TiB", "GiB", "MiB", "KiB" };
	static const unsigned shifts[] = { 40, 30, 20, 10 };

	for (unsigned i = 0; i < 4 && v; i++) {
		if (v & ((1ULL << shifts[i]) - 1) || (v >> shifts[i] >= 1024 && i))
			continue;
		snprintf(buf, len, "%llu %s", (unsigned long long)(v >> shifts[i]), names[i]);
		return;
	}
	snprintf(buf, len, "0x%llx", (unsigned long long)v);
}

void cc_path(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, PATH_MAX_LEN, fmt, ap);
	va_end(ap);
}

struct cc_config *cc_config_new(const char *file, enum cc_kind kind)
{
	struct cc_config *c = cc_xzalloc(sizeof(*c));

	c->file = cc_xstrdup(file);
	c->kind = kind;
	return c;
}

void cc_free(struct cc_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->num_images; i++)
		free(c->images[i].path);
	free(c->images);
	free(c->params_file);
	free(c->params_text);
	free(c->blob);
	free(c->file);
	free(c);
}

void *cc_params_page(const char *text)
{
	size_t n = strlen(text);
	char *page;

	if (n >= CC_PARAMS_PAGE_SIZE)
		return NULL;
	page = cc_xzalloc(CC_PARAMS_PAGE_SIZE);
	memcpy(page, text, n);
	return page;
}

const struct cv_system_config *cc_system(const struct cc_config *c)
{
	return c->kind == CC_KIND_SYSTEM ? c->blob : NULL;
}

const struct cv_cell_config *cc_cell(const struct cc_config *c)
{
	const struct cv_system_config *sys = cc_system(c);

	if (sys)
		return (const void *)((const char *)c->blob + sys->root_cell.offset);
	return c->blob;
}

void cc_cell_view(const struct cv_cell_config *cfg, struct cell_view *v)
{
	const char *base = (const char *)cfg;

	v->cfg = cfg;
	v->num_mem = cfg->mem_regions.count;
	v->num_irq = cfg->irq_ranges.count;
	v->num_pci = cfg->pci_devices.count;
	v->mem = (const void *)(base + cfg->mem_regions.offset);
	v->irq = (const void *)(base + cfg->irq_ranges.offset);
	v->pci = (const void *)(base + cfg->pci_devices.offset);
}

struct cc_config *cc_load_file(const char *file, struct cc_diags *d)
{
	struct cc_config *c = NULL;
	FILE *f = fopen(file, "rb");
	char *buf;
	size_t len;

	if (!f) {
		cc_report(d, CC_ERROR, file, NULL, "check the file name", "cannot open: %s",
			  strerror(errno));
		return NULL;
	}
	buf = cc_xzalloc(CC_MAX_FILE_SIZE + 1);
	len = fread(buf, 1, CC_MAX_FILE_SIZE + 1, f);
	if (ferror(f))
		cc_report(d, CC_ERROR, file, NULL, NULL, "cannot read: %s", strerror(errno));
	else if (len > CC_MAX_FILE_SIZE)
		cc_report(d, CC_ERROR, file, NULL, "a configuration is a few KiB",
			  "file is larger than %u bytes", CC_MAX_FILE_SIZE);
	else if (len >= 4 && (!memcmp(buf, "CVSY", 4) || !memcmp(buf, "CVCL", 4)))
		c = cc_load_blob(file, buf, len, d);
	else
		c = cc_load_json(file, buf, len, d);
	fclose(f);
	free(buf);
	return c;
}
