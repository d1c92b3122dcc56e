// SPDX-License-Identifier: GPL-2.0-only
/* cellconf: JSON (cellvisor-config(5)) to binary blob. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"

struct pctx {
	const char *file;
	struct cc_diags *d;
};

#define ERR(p, path, hint, ...) cc_report((p)->d, CC_ERROR, (p)->file, path, hint, __VA_ARGS__)

struct cell_build {
	struct cv_cell_config cfg;
	struct cv_mem_region *mem;
	struct cv_irq_range *irq;
	struct cv_pci_device *pci;
	uint32_t num_mem, num_irq, num_pci;
};

static const char *type_name(const cJSON *j)
{
	if (cJSON_IsNumber(j))
		return "a number";
	if (cJSON_IsString(j))
		return "a string";
	if (cJSON_IsArray(j))
		return "an array";
	if (cJSON_IsObject(j))
		return "an object";
	if (cJSON_IsBool(j))
		return "a boolean";
	return "null";
}

static void subpath(char *buf, const char *path, const char *key)
{
	cc_path(buf, "%s.%s", path, key);
}

static void indexpath(char *buf, const char *path, int i)
{
	cc_path(buf, "%s[%d]", path, i);
}

/* Report unknown and duplicate keys of 'obj'; 'known' is NULL-terminated. */
static void check_keys(struct pctx *p, const cJSON *obj, const char *path,
		       const char *const *known)
{
	char hint[256] = "known keys here: ", sub[PATH_MAX_LEN];

	for (unsigned i = 0; known[i]; i++)
		snprintf(hint + strlen(hint), sizeof(hint) - strlen(hint), "%s%s",
			 i ? ", " : "", known[i]);
	for (const cJSON *c = obj->child; c; c = c->next) {
		bool ok = false;

		subpath(sub, path, c->string);
		for (unsigned i = 0; known[i] && !ok; i++)
			ok = !strcmp(c->string, known[i]);
		if (!ok)
			ERR(p, sub, hint, "unknown key");
		for (const cJSON *o = obj->child; o != c; o = o->next)
			if (!strcmp(o->string, c->string)) {
				ERR(p, sub, "remove one of them", "key given twice");
				break;
			}
	}
}

static bool expect(struct pctx *p, const cJSON *j, const char *path, bool ok, const char *what,
		   const char *hint)
{
	if (!ok)
		ERR(p, path, hint, "expected %s, got %s", what, type_name(j));
	return ok;
}

/* The member 'key' of 'obj', or NULL; a missing required member is reported. */
static const cJSON *member(struct pctx *p, const cJSON *obj, const char *path, const char *key,
			   bool required, const char *hint)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
	char sub[PATH_MAX_LEN];

	if (!j && required) {
		subpath(sub, path, key);
		ERR(p, sub, hint, "required key is missing");
	}
	return j;
}

/* A number, or a string such as "0x1000" or "64 MiB". */
static bool get_u64(struct pctx *p, const cJSON *j, const char *path, uint64_t *out)
{
	if (cJSON_IsNumber(j)) {
		double v = j->valuedouble;

		/* Above 2^53 doubles skip integers: 2^53 + 1 would read as 2^53. */
		if (!isfinite(v) || v < 0 || v != floor(v) || v >= 9007199254740992.0) {
			ERR(p, path, "write large values as strings such as \"0x4010000000\"",
			    "%g is not a whole number from 0 to 2^53 - 1", v);
			return false;
		}
		*out = (uint64_t)v;
		return true;
	}
	if (!expect(p, j, path, cJSON_IsString(j), "a number or a string",
		    "write e.g. 4096, \"0x1000\" or \"4 KiB\""))
		return false;
	if (!cc_parse_u64(j->valuestring, out)) {
		ERR(p, path, "write e.g. 4096, \"0x1000\" or \"4 KiB\"; units: KiB, MiB, GiB, TiB",
		    "\"%.40s\" is not a number, address or size", j->valuestring);
		return false;
	}
	return true;
}

static bool get_uint(struct pctx *p, const cJSON *j, const char *path, uint64_t max,
		     uint64_t *out)
{
	if (!get_u64(p, j, path, out))
		return false;
	if (*out > max) {
		ERR(p, path, NULL, "%llu is too large (at most %llu)", (unsigned long long)*out,
		    (unsigned long long)max);
		return false;
	}
	return true;
}

/* Optional member as a u64 with a default. */
static void opt_u64(struct pctx *p, const cJSON *obj, const char *path, const char *key,
		    bool required, uint64_t max, uint64_t *out)
{
	const cJSON *j = member(p, obj, path, key, required, NULL);
	char sub[PATH_MAX_LEN];

	subpath(sub, path, key);
	if (j)
		get_uint(p, j, sub, max, out);
}

static void get_flags(struct pctx *p, const cJSON *j, const char *path,
		      const struct flag_name *names, uint64_t *out)
{
	char hint[200] = "known flags: ", sub[PATH_MAX_LEN];
	int i = 0;

	for (unsigned n = 0; names[n].name; n++)
		snprintf(hint + strlen(hint), sizeof(hint) - strlen(hint), "%s%s", n ? ", " : "",
			 names[n].name);
	*out = 0;
	if (!expect(p, j, path, cJSON_IsArray(j), "an array of flag names", hint))
		return;
	for (const cJSON *f = j->child; f; f = f->next, i++) {
		unsigned n;

		indexpath(sub, path, i);
		if (!expect(p, f, sub, cJSON_IsString(f), "a string", hint))
			continue;
		for (n = 0; names[n].name && strcmp(names[n].name, f->valuestring); n++)
			;
		if (!names[n].name)
			ERR(p, sub, hint, "unknown flag \"%.40s\"", f->valuestring);
		else if (*out & names[n].bit)
			ERR(p, sub, "remove one of them", "flag \"%s\" given twice", names[n].name);
		else
			*out |= names[n].bit;
	}
}

/* An array member: NULL if absent (or reported if required) or of the wrong type. */
static const cJSON *get_array(struct pctx *p, const cJSON *obj, const char *path,
			      const char *key, bool required, const char *hint)
{
	const cJSON *j = member(p, obj, path, key, required, hint);
	char sub[PATH_MAX_LEN];

	subpath(sub, path, key);
	if (!j || !expect(p, j, sub, cJSON_IsArray(j), "an array", hint))
		return NULL;
	if (cJSON_GetArraySize(j) > CC_MAX_ELEMENTS) {
		ERR(p, sub, NULL, "more than %u entries", CC_MAX_ELEMENTS);
		return NULL;
	}
	return j;
}

static const cJSON *get_object(struct pctx *p, const cJSON *obj, const char *path,
			       const char *key, bool required, const char *const *keys)
{
	const cJSON *j = member(p, obj, path, key, required, NULL);
	char sub[PATH_MAX_LEN];

	subpath(sub, path, key);
	if (!j || !expect(p, j, sub, cJSON_IsObject(j), "an object", NULL))
		return NULL;
	check_keys(p, j, sub, keys);
	return j;
}

/* A number N, or a string "N" or "FIRST-LAST". */
static bool get_range(struct pctx *p, const cJSON *j, const char *path, uint64_t max,
		      uint64_t *first, uint64_t *last)
{
	const char *hint = "write a number, or a range such as \"48-79\"";
	char buf[64], *dash;

	if (cJSON_IsNumber(j)) {
		if (!get_uint(p, j, path, max, first))
			return false;
		*last = *first;
		return true;
	}
	if (!expect(p, j, path, cJSON_IsString(j), "a number or a string", hint))
		return false;
	snprintf(buf, sizeof(buf), "%s", j->valuestring);
	dash = strchr(buf, '-');
	if (dash)
		*dash = 0;
	if (!cc_parse_u64(buf, first) || !cc_parse_u64(dash ? dash + 1 : buf, last) ||
	    strlen(j->valuestring) >= sizeof(buf)) {
		ERR(p, path, hint, "\"%.40s\" is not a number or range", j->valuestring);
		return false;
	}
	if (*first > *last || *last > max) {
		ERR(p, path, hint, "\"%.40s\" is not a range within 0..%llu", j->valuestring,
		    (unsigned long long)max);
		return false;
	}
	return true;
}

static void parse_cpus(struct pctx *p, const cJSON *obj, const char *path, uint64_t *set)
{
	const cJSON *a = get_array(p, obj, path, "cpus", true, "e.g. [1] or [\"0-3\"]");
	char sub[PATH_MAX_LEN];
	int i = 0;

	*set = 0;
	if (!a)
		return;
	for (const cJSON *c = a->child; c; c = c->next, i++) {
		uint64_t first, last;

		cc_path(sub, "%s.cpus[%d]", path, i);
		if (!get_range(p, c, sub, CV_MAX_CPUS - 1, &first, &last))
			continue;
		for (uint64_t cpu = first; cpu <= last; cpu++) {
			if (*set & (1ULL << cpu))
				ERR(p, sub, "list each CPU once", "CPU %llu listed twice",
				    (unsigned long long)cpu);
			*set |= 1ULL << cpu;
		}
	}
}

static void parse_mem(struct pctx *p, const cJSON *obj, const char *path, struct cell_build *b)
{
	static const char *const keys[] = { "phys_start", "virt_start", "size", "flags", NULL };
	const cJSON *a = get_array(p, obj, path, "memory_regions", true, NULL);
	char rp[PATH_MAX_LEN], sub[PATH_MAX_LEN];
	int i = 0;

	if (!a)
		return;
	b->mem = cc_xzalloc(cJSON_GetArraySize(a) * sizeof(*b->mem));
	for (const cJSON *r = a->child; r; r = r->next, i++) {
		struct cv_mem_region *m = &b->mem[b->num_mem++];
		const cJSON *j;

		cc_path(rp, "%s.memory_regions[%d]", path, i);
		if (!expect(p, r, rp, cJSON_IsObject(r), "an object", NULL))
			continue;
		check_keys(p, r, rp, keys);
		uint64_t flags = 0, phys = 0, virt, size = 0;

		j = member(p, r, rp, "flags", true, "e.g. [\"read\", \"write\"]");
		subpath(sub, rp, "flags");
		if (j)
			get_flags(p, j, sub, cc_mem_flag_names, &flags);
		opt_u64(p, r, rp, "phys_start", !(flags & CV_MEM_COMM_REGION), UINT64_MAX, &phys);
		virt = phys;
		opt_u64(p, r, rp, "virt_start", false, UINT64_MAX, &virt);
		opt_u64(p, r, rp, "size", true, UINT64_MAX, &size);
		*m = (struct cv_mem_region){ phys, virt, size, flags };
	}
}

static void parse_irqs(struct pctx *p, const cJSON *obj, const char *path, struct cell_build *b)
{
	const cJSON *a = get_array(p, obj, path, "irqs", false, "e.g. [36, \"48-79\"]");
	char sub[PATH_MAX_LEN];
	int i = 0;

	if (!a)
		return;
	b->irq = cc_xzalloc(cJSON_GetArraySize(a) * sizeof(*b->irq));
	for (const cJSON *c = a->child; c; c = c->next, i++) {
		uint64_t first, last;

		cc_path(sub, "%s.irqs[%d]", path, i);
		if (!get_range(p, c, sub, UINT32_MAX - 1, &first, &last))
			continue;
		b->irq[b->num_irq].first = first;
		b->irq[b->num_irq++].count = last - first + 1;
	}
}

/* Up to 'max' hexadecimal digits. */
static const char *hex_field(const char *s, unsigned max, unsigned *out)
{
	unsigned n = 0;

	*out = 0;
	for (; n < max; n++, s++) {
		unsigned v;

		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			break;
		*out = *out * 16 + v;
	}
	return n ? s : NULL;
}

/* "[DDDD:]BB:DD.F" */
static bool parse_bdf(const char *s, unsigned *domain, unsigned *bus, unsigned *dev,
		      unsigned *fn)
{
	const char *colon = strchr(s, ':');

	*domain = 0;
	if (colon && strchr(colon + 1, ':')) {
		s = hex_field(s, 4, domain);
		if (!s || *s++ != ':')
			return false;
	}
	s = hex_field(s, 2, bus);
	if (!s || *s++ != ':')
		return false;
	s = hex_field(s, 2, dev);
	if (!s || *s++ != '.' || *dev > 31)
		return false;
	s = hex_field(s, 1, fn);
	return s && !*s && *fn <= 7;
}

static void parse_bars(struct pctx *p, const cJSON *dev, const char *dp, struct cv_pci_device *d)
{
	static const char *const keys[] = { "address", "size", NULL };
	const cJSON *a = get_array(p, dev, dp, "bars", false, "up to 6 BARs: null or an object");
	char bp[PATH_MAX_LEN];
	int i = 0;

	if (!a)
		return;
	if (cJSON_GetArraySize(a) > CV_PCI_NUM_BARS) {
		subpath(bp, dp, "bars");
		ERR(p, bp, "list BARs 0 to 5, null for an unused one",
		    "%d BARs given, a function has at most %d", cJSON_GetArraySize(a),
		    CV_PCI_NUM_BARS);
		return;
	}
	for (const cJSON *b = a->child; b; b = b->next, i++) {
		cc_path(bp, "%s.bars[%d]", dp, i);
		if (cJSON_IsNull(b))
			continue;
		if (!expect(p, b, bp, cJSON_IsObject(b), "an object or null", NULL))
			continue;
		uint64_t addr = 0, size = 0;

		check_keys(p, b, bp, keys);
		opt_u64(p, b, bp, "address", true, UINT64_MAX, &addr);
		opt_u64(p, b, bp, "size", true, UINT64_MAX, &size);
		d->bars[i] = (struct cv_pci_bar){ addr, size };
	}
}

static void parse_pci(struct pctx *p, const cJSON *obj, const char *path, struct cell_build *b)
{
	static const char *const keys[] = { "bdf", "intx_irq", "bars", NULL };
	const cJSON *a = get_array(p, obj, path, "pci_devices", false, NULL);
	char dp[PATH_MAX_LEN], sub[PATH_MAX_LEN];
	int i = 0;

	if (!a)
		return;
	b->pci = cc_xzalloc(cJSON_GetArraySize(a) * sizeof(*b->pci));
	for (const cJSON *dev = a->child; dev; dev = dev->next, i++) {
		struct cv_pci_device *d = &b->pci[b->num_pci++];
		unsigned domain, bus, slot, fn;
		uint64_t irq = 0;
		const cJSON *j;

		cc_path(dp, "%s.pci_devices[%d]", path, i);
		if (!expect(p, dev, dp, cJSON_IsObject(dev), "an object", NULL))
			continue;
		check_keys(p, dev, dp, keys);
		j = member(p, dev, dp, "bdf", true, "e.g. \"00:01.0\"");
		subpath(sub, dp, "bdf");
		if (j && expect(p, j, sub, cJSON_IsString(j), "a string", "e.g. \"00:01.0\"")) {
			if (parse_bdf(j->valuestring, &domain, &bus, &slot, &fn)) {
				d->domain = domain;
				d->bus = bus;
				d->devfn = slot << 3 | fn;
			} else {
				ERR(p, sub, "write [DOMAIN:]BUS:DEVICE.FUNCTION in hex, e.g. \"00:01.0\"",
				    "\"%.40s\" is not a PCI address", j->valuestring);
			}
		}
		opt_u64(p, dev, dp, "intx_irq", false, UINT32_MAX, &irq);
		d->intx_irq = irq;
		parse_bars(p, dev, dp, d);
	}
}

static void parse_console(struct pctx *p, const cJSON *obj, const char *path, const char *key,
			  struct cv_console *con)
{
	static const char *const keys[] = { "type", "address", "flags", NULL };
	const char *hint = "one of \"none\", \"pl011\", \"hvc\", \"vpl011\"";
	const cJSON *c = get_object(p, obj, path, key, false, keys), *j;
	char cp[PATH_MAX_LEN], sub[PATH_MAX_LEN];
	uint64_t flags = 0, addr = 0;

	if (!c)
		return;
	subpath(cp, path, key);
	j = member(p, c, cp, "type", true, hint);
	subpath(sub, cp, "type");
	if (j && expect(p, j, sub, cJSON_IsString(j), "a string", hint)) {
		unsigned t;

		for (t = 0; t < CC_NUM_CONSOLE_TYPES; t++)
			if (!strcmp(j->valuestring, cc_console_type_names[t]))
				break;
		if (t == CC_NUM_CONSOLE_TYPES)
			ERR(p, sub, hint, "unknown console type \"%.40s\"", j->valuestring);
		con->type = t;
	}
	opt_u64(p, c, cp, "address", false, UINT64_MAX, &addr);
	con->address = addr;
	j = member(p, c, cp, "flags", false, NULL);
	subpath(sub, cp, "flags");
	if (j)
		get_flags(p, j, sub, cc_console_flag_names, &flags);
	con->flags = flags;
}

static void parse_images(struct pctx *p, const cJSON *obj, struct cc_config *c)
{
	static const char *const keys[] = { "path", "address", NULL };
	const cJSON *a = get_array(p, obj, "", "images", false, NULL), *j;
	char ip[PATH_MAX_LEN], sub[PATH_MAX_LEN];
	int i = 0;

	if (!a)
		return;
	c->images = cc_xzalloc(cJSON_GetArraySize(a) * sizeof(*c->images));
	for (const cJSON *img = a->child; img; img = img->next, i++) {
		struct cc_image *im = &c->images[c->num_images++];

		cc_path(ip, ".images[%d]", i);
		im->path = cc_xstrdup("");
		if (!expect(p, img, ip, cJSON_IsObject(img), "an object", NULL))
			continue;
		check_keys(p, img, ip, keys);
		j = member(p, img, ip, "path", true, "the file to load, e.g. \"/usr/share/...\"");
		subpath(sub, ip, "path");
		if (j && expect(p, j, sub, cJSON_IsString(j) && *j->valuestring, "a file name",
				NULL)) {
			free(im->path);
			im->path = cc_xstrdup(j->valuestring);
		}
		cc_path(ip, ".images[%d]", i);
		opt_u64(p, img, ip, "address", true, UINT64_MAX, &im->address);
	}
}

static void parse_params(struct pctx *p, const cJSON *obj, struct cc_config *c)
{
	static const char *const keys[] = { "address", "file", "text", NULL };
	const cJSON *o = get_object(p, obj, "", "parameters", false, keys), *f, *t;

	if (!o)
		return;
	c->has_params = true;
	opt_u64(p, o, ".parameters", "address", true, UINT64_MAX, &c->params_address);
	f = cJSON_GetObjectItemCaseSensitive(o, "file");
	t = cJSON_GetObjectItemCaseSensitive(o, "text");
	if (!f == !t)
		ERR(p, ".parameters", "give \"file\" (a file to load) or \"text\" (its contents)",
		    "needs exactly one of \"file\" and \"text\"");
	if (f && expect(p, f, ".parameters.file", cJSON_IsString(f) && *f->valuestring,
			"a file name", NULL))
		c->params_file = cc_xstrdup(f->valuestring);
	if (t && expect(p, t, ".parameters.text", cJSON_IsString(t), "a string", NULL))
		c->params_text = cc_xstrdup(t->valuestring);
}

static void parse_linux(struct pctx *p, const cJSON *obj, struct cc_config *c)
{
	static const char *const keys[] = { "kernel", "initrd", "cmdline", "device_tree", NULL };
	static const char *const files[] = { "kernel", "initrd", "device_tree" };
	const cJSON *o = get_object(p, obj, "", "linux", false, keys), *j;
	char sub[PATH_MAX_LEN];

	if (!o)
		return;
	c->linux_cfg = cc_xzalloc(sizeof(*c->linux_cfg));
	for (unsigned i = 0; i < 3; i++) {
		char **out = i == 0 ? &c->linux_cfg->kernel : i == 1 ? &c->linux_cfg->initrd :
			     &c->linux_cfg->device_tree;

		j = member(p, o, ".linux", files[i], !i, "the arm64 Image to boot, e.g. "
			   "\"/usr/share/cellvisor/linux/Image\"");
		subpath(sub, ".linux", files[i]);
		if (j && expect(p, j, sub, cJSON_IsString(j) && *j->valuestring, "a file name",
				NULL))
			*out = cc_xstrdup(j->valuestring);
	}
	if (!c->linux_cfg->kernel)
		c->linux_cfg->kernel = cc_xstrdup("");
	j = member(p, o, ".linux", "cmdline", true, "the kernel's command line, e.g. "
		   "\"console=ttyAMA0 earlycon\"");
	if (j && expect(p, j, ".linux.cmdline", cJSON_IsString(j), "a string", NULL))
		c->linux_cfg->cmdline = cc_xstrdup(j->valuestring);
	else
		c->linux_cfg->cmdline = cc_xstrdup("");
}

/*
 * A Linux cell: the compiler sets the entry (the boot stub at the base of the lowest RAM
 * region) and the flags no_reset (Linux cannot start twice from the same memory) and
 * boot_cpu_only (Linux brings its other CPUs up with PSCI CPU_ON); parameters mean nothing
 * to Linux.
 */
static void finish_linux(struct pctx *p, const cJSON *obj, struct cell_build *b)
{
	bool found = false;

	if (cJSON_GetObjectItemCaseSensitive(obj, "entry"))
		ERR(p, ".entry", "remove it: the boot stub at the start of the first RAM region "
		    "is the entry of a Linux cell", "\"entry\" given together with \"linux\"");
	if (cJSON_GetObjectItemCaseSensitive(obj, "parameters"))
		ERR(p, ".parameters", "put them on the kernel's command line (.linux.cmdline)",
		    "\"parameters\" given together with \"linux\"");
	for (uint32_t i = 0; i < b->num_mem; i++) {
		const struct cv_mem_region *m = &b->mem[i];

		if (m->flags & (CV_MEM_IO | CV_MEM_COMM_REGION))
			continue;
		if (!found || m->virt_start < b->cfg.entry)
			b->cfg.entry = m->virt_start;
		found = true;
	}
	b->cfg.flags |= CV_CELL_NO_RESET | CV_CELL_BOOT_CPU_ONLY;
}

static void parse_cell(struct pctx *p, const cJSON *obj, const char *path, bool root,
		       struct cell_build *b, struct cc_config *c)
{
	static const char *const root_keys[] = { "name", "cpus", "flags", "console",
		"memory_regions", "irqs", "pci_devices", NULL };
	static const char *const cell_keys[] = { "name", "cpus", "flags", "console",
		"memory_regions", "irqs", "pci_devices", "entry", "shutdown_timeout_ms",
		"images", "parameters", "linux", NULL };
	char sub[PATH_MAX_LEN];
	const cJSON *j;
	uint64_t v;

	check_keys(p, obj, path, root ? root_keys : cell_keys);
	b->cfg.hdr.magic = CV_CELL_MAGIC;
	b->cfg.hdr.revision = CV_CONFIG_REVISION;

	j = member(p, obj, path, "name", true, "e.g. \"gic-demo\"");
	subpath(sub, path, "name");
	if (j && expect(p, j, sub, cJSON_IsString(j), "a string", NULL)) {
		if (strlen(j->valuestring) >= CV_CELL_NAME_LEN)
			ERR(p, sub, "shorten it", "name is longer than %d characters",
			    CV_CELL_NAME_LEN - 1);
		else
			strcpy(b->cfg.name, j->valuestring);
	}
	parse_cpus(p, obj, path, &v);
	b->cfg.cpu_set = v;
	j = member(p, obj, path, "flags", false, NULL);
	subpath(sub, path, "flags");
	if (j) {
		get_flags(p, j, sub, cc_cell_flag_names, &v);
		b->cfg.flags = v;
	}
	parse_console(p, obj, path, "console", &b->cfg.console);
	parse_mem(p, obj, path, b);
	parse_irqs(p, obj, path, b);
	parse_pci(p, obj, path, b);
	if (root)
		return;
	parse_linux(p, obj, c);
	if (c->linux_cfg) {
		finish_linux(p, obj, b);
	} else {
		opt_u64(p, obj, path, "entry", true, UINT64_MAX, &v);
		b->cfg.entry = v;
	}
	v = 1000;
	opt_u64(p, obj, path, "shutdown_timeout_ms", false, CV_SHUTDOWN_TIMEOUT_MAX_MS, &v);
	b->cfg.shutdown_timeout_ms = v;
	parse_images(p, obj, c);
	parse_params(p, obj, c);
}

/* Lay out a cell blob: the struct, then memory regions, IRQ ranges and PCI devices. */
static void *assemble_cell(struct cell_build *b, size_t *size)
{
	uint32_t mem_size = b->num_mem * sizeof(*b->mem);
	uint32_t irq_size = b->num_irq * sizeof(*b->irq);
	uint32_t pci_size = b->num_pci * sizeof(*b->pci);
	uint32_t off = cc_align8(sizeof(b->cfg));
	struct cv_cell_config *cfg;
	char *blob;

	*size = off + mem_size + cc_align8(irq_size) + pci_size;
	blob = cc_xzalloc(*size);
	cfg = (void *)blob;
	*cfg = b->cfg;
	cfg->hdr.total_size = *size;
	cfg->mem_regions = (struct cv_array){ b->num_mem ? off : 0, b->num_mem };
	if (mem_size)
		memcpy(blob + off, b->mem, mem_size);
	off += mem_size;
	cfg->irq_ranges = (struct cv_array){ b->num_irq ? off : 0, b->num_irq };
	if (irq_size)
		memcpy(blob + off, b->irq, irq_size);
	off += cc_align8(irq_size);
	cfg->pci_devices = (struct cv_array){ b->num_pci ? off : 0, b->num_pci };
	if (pci_size)
		memcpy(blob + off, b->pci, pci_size);
	return blob;
}

static void free_build(struct cell_build *b)
{
	free(b->mem);
	free(b->irq);
	free(b->pci);
}

static void parse_iommu(struct pctx *p, const cJSON *plat, struct cv_iommu *m)
{
	static const char *const keys[] = { "type", "base", "size", "event_irq",
		"stream_id_bits", NULL };
	const char *hint = "\"smmuv3\" (leave \"iommu\" out for none)";
	const cJSON *o = get_object(p, plat, ".platform", "iommu", false, keys), *j;
	uint64_t v;

	if (!o)
		return;
	j = member(p, o, ".platform.iommu", "type", true, hint);
	if (j && expect(p, j, ".platform.iommu.type", cJSON_IsString(j), "a string", hint)) {
		if (!strcmp(j->valuestring, "smmuv3"))
			m->type = CV_IOMMU_SMMUV3;
		else
			ERR(p, ".platform.iommu.type", hint, "unknown IOMMU type \"%.40s\"",
			    j->valuestring);
	}
	opt_u64(p, o, ".platform.iommu", "base", true, UINT64_MAX, &v);
	m->base = v;
	opt_u64(p, o, ".platform.iommu", "size", true, UINT64_MAX, &v);
	m->size = v;
	v = 0;
	opt_u64(p, o, ".platform.iommu", "event_irq", false, UINT32_MAX, &v);
	m->event_irq = v;
	opt_u64(p, o, ".platform.iommu", "stream_id_bits", true, UINT32_MAX, &v);
	m->stream_id_bits = v;
}

/* A name of at most CV_CELL_NAME_LEN - 1 characters into 'out' (NUL-padded). */
static void get_name(struct pctx *p, const cJSON *obj, const char *path, const char *key,
		     const char *hint, char *out)
{
	const cJSON *j = member(p, obj, path, key, true, hint);
	char sub[PATH_MAX_LEN];

	subpath(sub, path, key);
	if (j && expect(p, j, sub, cJSON_IsString(j), "a string", NULL)) {
		if (strlen(j->valuestring) >= CV_CELL_NAME_LEN)
			ERR(p, sub, "shorten it", "name is longer than %d characters",
			    CV_CELL_NAME_LEN - 1);
		else
			strcpy(out, j->valuestring);
	}
}

/* "links": inter-cell links (link.h), into a malloc'ed array. */
static void parse_links(struct pctx *p, const cJSON *root, struct cv_link **out, uint32_t *n)
{
	static const char *const keys[] = { "name", "phys_start", "size", "peers", NULL };
	static const char *const peer_keys[] = { "cell", "address", "doorbell_irq", "flags",
		NULL };
	const cJSON *a = get_array(p, root, "", "links", false, NULL);
	char lp[PATH_MAX_LEN], pp[PATH_MAX_LEN], sub[PATH_MAX_LEN];
	int i = 0;

	*out = NULL;
	*n = 0;
	if (!a)
		return;
	*out = cc_xzalloc((cJSON_GetArraySize(a) + 1) * sizeof(**out));
	for (const cJSON *o = a->child; o; o = o->next, i++) {
		struct cv_link *l = &(*out)[(*n)++];
		const cJSON *peers;
		uint64_t v;
		int k = 0;

		cc_path(lp, ".links[%d]", i);
		if (!expect(p, o, lp, cJSON_IsObject(o), "an object", NULL))
			continue;
		check_keys(p, o, lp, keys);
		get_name(p, o, lp, "name", "e.g. \"demo\"", l->name);
		opt_u64(p, o, lp, "phys_start", true, UINT64_MAX, &v);
		l->phys_start = v;
		opt_u64(p, o, lp, "size", true, UINT64_MAX, &v);
		l->size = v;
		peers = get_array(p, o, lp, "peers", true, "2 to 4 cells");
		subpath(sub, lp, "peers");
		if (peers && (cJSON_GetArraySize(peers) < 2 ||
			      cJSON_GetArraySize(peers) > CV_LINK_MAX_PEERS)) {
			ERR(p, sub, NULL, "%d peers, a link has 2 to %d",
			    cJSON_GetArraySize(peers), CV_LINK_MAX_PEERS);
			continue;
		}
		for (const cJSON *e = peers ? peers->child : NULL; e; e = e->next, k++) {
			struct cv_link_peer *q = &l->peers[l->num_peers++];
			const cJSON *f;

			cc_path(pp, "%s.peers[%d]", lp, k);
			if (!expect(p, e, pp, cJSON_IsObject(e), "an object", NULL))
				continue;
			check_keys(p, e, pp, peer_keys);
			get_name(p, e, pp, "cell", "the name of a cell, or of the root cell",
				 q->cell);
			opt_u64(p, e, pp, "address", true, UINT64_MAX, &v);
			q->virt_start = v;
			opt_u64(p, e, pp, "doorbell_irq", true, UINT32_MAX, &v);
			q->doorbell_irq = v;
			f = member(p, e, pp, "flags", false, NULL);
			subpath(sub, pp, "flags");
			if (f) {
				get_flags(p, f, sub, cc_link_peer_flag_names, &v);
				q->flags = v;
			}
		}
	}
}

static void parse_system(struct pctx *p, const cJSON *root, struct cv_system_config *sys,
			 struct cell_build *rc)
{
	static const char *const keys[] = { "hypervisor_memory", "debug_console", "platform",
		"root_cell", "links", NULL };
	static const char *const hv_keys[] = { "phys_start", "size", NULL };
	static const char *const plat_keys[] = { "num_cpus", "gic", "pci", "iommu", NULL };
	static const char *const gic_keys[] = { "version", "gicd_base", "gicr_base",
		"maintenance_irq", "num_irqs", "notify_irq", NULL };
	static const char *const pci_keys[] = { "ecam_base", "domain", "bus_start", "bus_end",
		NULL };
	struct cv_platform *pl = &sys->platform;
	const cJSON *o;
	uint64_t v;

	check_keys(p, root, "", keys);
	sys->hdr.magic = CV_SYSTEM_MAGIC;
	sys->hdr.revision = CV_CONFIG_REVISION;
	o = get_object(p, root, "", "hypervisor_memory", true, hv_keys);
	if (o) {
		opt_u64(p, o, ".hypervisor_memory", "phys_start", true, UINT64_MAX, &v);
		sys->hv_mem_phys = v;
		opt_u64(p, o, ".hypervisor_memory", "size", true, UINT64_MAX, &v);
		sys->hv_mem_size = v;
	}
	parse_console(p, root, "", "debug_console", &sys->debug_console);
	o = get_object(p, root, "", "platform", true, plat_keys);
	if (o) {
		const cJSON *g, *pci;

		opt_u64(p, o, ".platform", "num_cpus", true, CV_MAX_CPUS, &v);
		pl->num_cpus = v;
		g = get_object(p, o, ".platform", "gic", true, gic_keys);
		if (g) {
			opt_u64(p, g, ".platform.gic", "version", true, UINT32_MAX, &v);
			pl->gic_version = v;
			opt_u64(p, g, ".platform.gic", "gicd_base", true, UINT64_MAX, &v);
			pl->gicd_base = v;
			opt_u64(p, g, ".platform.gic", "gicr_base", true, UINT64_MAX, &v);
			pl->gicr_base = v;
			opt_u64(p, g, ".platform.gic", "maintenance_irq", true, UINT32_MAX, &v);
			pl->maintenance_irq = v;
			opt_u64(p, g, ".platform.gic", "num_irqs", true, UINT32_MAX, &v);
			pl->num_irqs = v;
			v = 0;
			opt_u64(p, g, ".platform.gic", "notify_irq", false, UINT32_MAX, &v);
			pl->notify_irq = v;
		}
		pci = get_object(p, o, ".platform", "pci", false, pci_keys);
		if (pci) {
			opt_u64(p, pci, ".platform.pci", "ecam_base", true, UINT64_MAX, &v);
			pl->pci_ecam_base = v;
			v = 0;
			opt_u64(p, pci, ".platform.pci", "domain", false, UINT16_MAX, &v);
			pl->pci_domain = v;
			opt_u64(p, pci, ".platform.pci", "bus_start", true, UINT8_MAX, &v);
			pl->pci_bus_start = v;
			opt_u64(p, pci, ".platform.pci", "bus_end", true, UINT8_MAX, &v);
			pl->pci_bus_end = v;
		}
		parse_iommu(p, o, &pl->iommu);
	}
	o = member(p, root, "", "root_cell", true, NULL);
	if (o && expect(p, o, ".root_cell", cJSON_IsObject(o), "an object", NULL))
		parse_cell(p, o, ".root_cell", true, rc, NULL);
}

static bool is_system_json(const cJSON *root)
{
	static const char *const keys[] = { "hypervisor_memory", "debug_console", "platform",
		"root_cell", NULL };

	for (unsigned i = 0; keys[i]; i++)
		if (cJSON_GetObjectItemCaseSensitive(root, keys[i]))
			return true;
	return false;
}

/*
 * What cJSON accepts but loses without a word, found in the text (already valid JSON):
 * a \u0000 escape ends its string there, and a number written with a sign, fraction or
 * exponent that still reads as a whole number (-0, 4096.0, 1e3, 0.00000000000000001e17,
 * 1e-400) is taken as that number.  Reported with the JSON path of the value.
 */
struct text_level {
	size_t base;		/* length of the container's own path */
	int index;		/* of the next element of an array */
	bool array;
};

static void text_value_path(char *path, const struct text_level *l)
{
	if (l->array)
		snprintf(path + l->base, PATH_MAX_LEN - l->base, "[%d]", l->index);
}

static void check_text(struct pctx *p, const char *s, const char *end)
{
	struct text_level *lv = cc_xzalloc((CJSON_NESTING_LIMIT + 2) * sizeof(*lv));
	char path[PATH_MAX_LEN] = "";
	bool want_key = false;
	int depth = 0;

	while (s < end) {
		struct text_level *l = &lv[depth];
		char c = *s;

		if (c == '{' || c == '[') {
			if (depth)
				text_value_path(path, l);
			if (depth > CJSON_NESTING_LIMIT)
				break;		/* cJSON refused it already */
			l = &lv[++depth];
			*l = (struct text_level){ strlen(path), 0, c == '[' };
			want_key = c == '{';
			s++;
		} else if (c == '}' || c == ']') {
			if (depth)
				depth--;
			path[lv[depth + 1].base] = 0;
			s++;
		} else if (c == ',') {
			if (l->array)
				l->index++;
			else
				want_key = true;
			s++;
		} else if (c == ':') {
			want_key = false;
			s++;
		} else if (c == '"') {
			const char *start = ++s;
			bool nul = false;

			for (; s < end && *s != '"'; s++) {
				if (*s != '\\')
					continue;
				if (s + 5 < end && !strncmp(s + 1, "u0000", 5))
					nul = true;
				s++;
			}
			if (!depth)
				break;
			if (want_key && !l->array)
				snprintf(path + l->base, PATH_MAX_LEN - l->base, ".%.*s",
					 (int)(s - start), start);
			else
				text_value_path(path, l);
			if (nul)
				ERR(p, path, "remove it: JSON strings here cannot hold a NUL",
				    want_key && !l->array ? "key contains \\u0000 (a NUL character)" :
				    "string contains \\u0000 (a NUL character), which would end it there");
			s++;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			const char *start = s;
			bool exact = true;
			double v;

			for (; s < end && strchr("+-0123456789.eE", *s); s++)
				if (*s == '-' || *s == '.' || *s == 'e' || *s == 'E')
					exact = false;
			v = strtod(start, NULL);
			text_value_path(path, l);
			/* What get_u64() would take as a whole number, but not as written. */
			if (!exact && isfinite(v) && v >= 0 && v == floor(v))
				ERR(p, path, "write whole numbers as digits only, e.g. 4096",
				    "%.*s is not written as a whole number", (int)(s - start), start);
		} else {
			s++;
		}
	}
	free(lv);
}

static void syntax_error(struct pctx *p, const char *text, size_t len, const char *at)
{
	unsigned line = 1, col = 1;
	const char *s;

	if (!at || at < text || at > text + len)
		at = text + len;
	for (s = text; s < at; s++, col++)
		if (*s == '\n') {
			line++;
			col = 0;
		}
	cc_report(p->d, CC_ERROR, p->file, NULL,
		  "look for a missing comma, quote or bracket; comments are not allowed",
		  "invalid JSON at line %u, column %u", line, col);
}

struct cc_config *cc_load_json(const char *file, const char *text, size_t len,
			       struct cc_diags *d)
{
	struct pctx p = { file, d };
	unsigned errors = d->errors;
	struct cc_config *c = NULL;
	struct cell_build cell = { 0 };
	const char *end = NULL;
	char *copy;
	cJSON *root;

	if (memchr(text, 0, len)) {
		cc_report(d, CC_ERROR, file, NULL, "is this a binary file?",
			  "contains a NUL byte, not valid JSON text");
		return NULL;
	}
	/* cJSON wants the terminating NUL inside the length to reject trailing garbage. */
	copy = cc_xzalloc(len + 1);
	memcpy(copy, text, len);
	root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, true);
	if (!root)
		syntax_error(&p, copy, len, end);
	else if (cJSON_IsObject(root))
		check_text(&p, copy, copy + len);
	free(copy);
	if (!root)
		return NULL;
	if (!cJSON_IsObject(root)) {
		ERR(&p, NULL, "a configuration is a JSON object { ... }", "expected an object, got %s",
		    type_name(root));
		cJSON_Delete(root);
		return NULL;
	}
	if (is_system_json(root)) {
		struct cv_system_config sys = { 0 };
		size_t cell_size;
		void *cell_blob;

		struct cv_link *links;
		uint32_t num_links;

		c = cc_config_new(file, CC_KIND_SYSTEM);
		parse_system(&p, root, &sys, &cell);
		parse_links(&p, root, &links, &num_links);
		cell_blob = assemble_cell(&cell, &cell_size);
		sys.root_cell.offset = cc_align8(sizeof(sys));
		sys.root_cell.count = cell_size;
		sys.links.offset = num_links ? cc_align8(sys.root_cell.offset + cell_size) : 0;
		sys.links.count = num_links;
		sys.hdr.total_size = num_links ? sys.links.offset + num_links * sizeof(*links) :
				     sys.root_cell.offset + cell_size;
		c->blob_size = sys.hdr.total_size;
		c->blob = cc_xzalloc(c->blob_size);
		memcpy(c->blob, &sys, sizeof(sys));
		memcpy((char *)c->blob + sys.root_cell.offset, cell_blob, cell_size);
		if (num_links)
			memcpy((char *)c->blob + sys.links.offset, links,
			       num_links * sizeof(*links));
		free(links);
		free(cell_blob);
	} else {
		c = cc_config_new(file, CC_KIND_CELL);
		parse_cell(&p, root, "", false, &cell, c);
		c->blob = assemble_cell(&cell, &c->blob_size);
	}
	c->from_json = true;
	free_build(&cell);
	cJSON_Delete(root);
	if (d->errors != errors) {
		cc_report(d, CC_NOTE, file, NULL, "fix these first",
			  "the other rules are checked once the file parses");
		cc_free(c);
		return NULL;
	}
	return c;
}
