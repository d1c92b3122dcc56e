// SPDX-License-Identifier: GPL-2.0-only
/* cellconf: structural checks of untrusted binary blobs. */
#include <string.h>

#include "internal.h"

#define ERR(path, hint, ...) cc_report(d, CC_ERROR, file, path, hint, __VA_ARGS__)

static bool check_header(const char *file, const char *prefix, const struct cv_blob_header *h,
			 uint32_t magic, size_t len, struct cc_diags *d)
{
	char path[PATH_MAX_LEN];
	bool ok = true;

	cc_path(path, "%s.header", prefix);
	if (h->magic != magic) {
		ERR(path, "not a Cellvisor configuration, or a cell given where a system is expected",
		    "magic is 0x%08x, expected 0x%08x", h->magic, magic);
		return false;
	}
	if (h->revision != CV_CONFIG_REVISION) {
		ERR(path, "recompile it from its JSON with this version of cellctl",
		    "revision %u, this software reads revision %u", h->revision,
		    CV_CONFIG_REVISION);
		ok = false;
	}
	if (h->reserved0 || h->reserved1) {
		ERR(path, "reserved fields must be 0", "reserved fields are set");
		ok = false;
	}
	if (h->total_size != len) {
		ERR(path, "the file is truncated or has trailing bytes",
		    "total_size is %u but the blob has %zu bytes", h->total_size, len);
		ok = false;
	}
	return ok;
}

struct array_desc {
	const char *name;
	const struct cv_array *a;
	size_t elem_size;
};

static bool check_arrays(const char *file, const char *prefix, struct array_desc *arr,
			 unsigned n, size_t fixed, size_t len, struct cc_diags *d)
{
	char path[PATH_MAX_LEN];
	bool ok = true;

	for (unsigned i = 0; i < n; i++) {
		uint64_t off = arr[i].a->offset, end = off + (uint64_t)arr[i].a->count * arr[i].elem_size;

		cc_path(path, "%s.%s", prefix, arr[i].name);
		if (arr[i].a->count > CC_MAX_ELEMENTS) {
			ERR(path, NULL, "%u entries, at most %u are supported", arr[i].a->count,
			    CC_MAX_ELEMENTS);
			ok = false;
		} else if (!arr[i].a->count) {
			if (off) {
				ERR(path, "an empty array has offset 0", "offset %llu with no entries",
				    (unsigned long long)off);
				ok = false;
			}
		} else if (off % 8 || off < fixed || end > len) {
			ERR(path, "the blob is corrupt",
			    "entries at bytes %llu..%llu are not inside the array space (bytes "
			    "%zu..%zu, 8-aligned)", (unsigned long long)off,
			    (unsigned long long)end, fixed, len);
			ok = false;
		}
	}
	for (unsigned i = 0; ok && i < n; i++)
		for (unsigned j = i + 1; j < n; j++) {
			uint64_t s1 = arr[i].a->offset, e1 = s1 + arr[i].a->count * arr[i].elem_size;
			uint64_t s2 = arr[j].a->offset, e2 = s2 + arr[j].a->count * arr[j].elem_size;

			if (s1 < e2 && s2 < e1) {
				cc_path(path, "%s.%s", prefix, arr[j].name);
				ERR(path, "the blob is corrupt", "entries overlap those of %s",
				    arr[i].name);
				ok = false;
			}
		}
	return ok;
}

static bool check_console(const char *file, const char *path, const struct cv_console *con,
			  struct cc_diags *d)
{
	bool ok = true;

	if (con->type >= CC_NUM_CONSOLE_TYPES) {
		ERR(path, "known: 0 none, 1 pl011, 2 hvc, 3 vpl011", "unknown console type %u", con->type);
		ok = false;
	}
	if (con->flags & ~CV_CONSOLE_VALID_FLAGS) {
		ERR(path, "unknown flag bits must be 0", "unknown console flags 0x%x", con->flags);
		ok = false;
	}
	return ok;
}

static bool check_cell(const char *file, const char *prefix, const void *blob, size_t len,
		       struct cc_diags *d)
{
	const struct cv_cell_config *c = blob;
	char path[PATH_MAX_LEN];
	struct cell_view v;
	bool ok;
	size_t n;

	if (len < sizeof(*c)) {
		cc_path(path, "%s.header", prefix);
		ERR(path, "the blob is truncated",
		    "%zu bytes, smaller than a cell configuration (%zu bytes)", len, sizeof(*c));
		return false;
	}
	if (!check_header(file, prefix, &c->hdr, CV_CELL_MAGIC, len, d))
		return false;
	ok = c->hdr.total_size == len;
	cc_path(path, "%s.name", prefix);
	n = strnlen(c->name, sizeof(c->name));
	if (n == sizeof(c->name)) {
		ERR(path, "names have at most 31 characters", "name is not NUL-terminated");
		ok = false;
	} else {
		for (size_t i = n; i < sizeof(c->name); i++)
			if (c->name[i]) {
				ERR(path, "pad the name with NUL bytes", "bytes after the name are set");
				ok = false;
				break;
			}
	}
	cc_path(path, "%s.flags", prefix);
	if (c->flags & ~CV_CELL_VALID_FLAGS) {
		ERR(path, "known: passive_comm_region, no_reset, boot_cpu_only", "unknown cell flags 0x%llx",
		    (unsigned long long)(c->flags & ~CV_CELL_VALID_FLAGS));
		ok = false;
	}
	cc_path(path, "%s.reserved", prefix);
	if (c->reserved) {
		ERR(path, "reserved fields must be 0", "reserved field is set");
		ok = false;
	}
	cc_path(path, "%s.console", prefix);
	ok &= check_console(file, path, &c->console, d);

	struct array_desc arr[] = {
		{ "memory_regions", &c->mem_regions, sizeof(struct cv_mem_region) },
		{ "irqs", &c->irq_ranges, sizeof(struct cv_irq_range) },
		{ "pci_devices", &c->pci_devices, sizeof(struct cv_pci_device) },
	};
	if (!check_arrays(file, prefix, arr, 3, sizeof(*c), len, d))
		return false;

	cc_cell_view(c, &v);
	for (uint32_t i = 0; i < v.num_mem; i++) {
		cc_path(path, "%s.memory_regions[%u].flags", prefix, i);
		if (v.mem[i].flags & ~CV_MEM_VALID_FLAGS) {
			ERR(path, "unknown flag bits must be 0", "unknown flags 0x%llx",
			    (unsigned long long)(v.mem[i].flags & ~CV_MEM_VALID_FLAGS));
			ok = false;
		}
	}
	for (uint32_t i = 0; i < v.num_pci; i++) {
		cc_path(path, "%s.pci_devices[%u]", prefix, i);
		if (v.pci[i].flags & ~CV_PCI_VALID_FLAGS || v.pci[i].reserved) {
			ERR(path, "unknown flag bits and reserved fields must be 0",
			    "flags 0x%x, reserved 0x%x", v.pci[i].flags, v.pci[i].reserved);
			ok = false;
		}
	}
	return ok;
}

static bool check_system(const char *file, const void *blob, size_t len, struct cc_diags *d)
{
	const struct cv_system_config *s = blob;
	bool ok;

	if (len < sizeof(*s)) {
		ERR(".header", "the blob is truncated",
		    "%zu bytes, smaller than a system configuration (%zu bytes)", len, sizeof(*s));
		return false;
	}
	if (!check_header(file, "", &s->hdr, CV_SYSTEM_MAGIC, len, d))
		return false;
	ok = true;
	if (s->flags & ~CV_SYSTEM_VALID_FLAGS) {
		ERR(".flags", "no system flags are defined", "unknown flags 0x%llx",
		    (unsigned long long)s->flags);
		ok = false;
	}
	ok &= check_console(file, ".debug_console", &s->debug_console, d);

	struct array_desc arr[] = { { "root_cell", &s->root_cell, 1 },
				    { "links", &s->links, sizeof(struct cv_link) } };
	if (!check_arrays(file, "", arr, 2, sizeof(*s), len, d))
		return false;
	if (!s->root_cell.count) {
		ERR(".root_cell", "the blob is corrupt", "no root cell");
		return false;
	}
	return check_cell(file, ".root_cell", (const char *)blob + s->root_cell.offset,
			  s->root_cell.count, d) && ok;
}

bool cc_check_structure(const char *file, const void *blob, size_t len, struct cc_diags *d)
{
	uint32_t magic;

	if (len < sizeof(magic)) {
		ERR(".header", "the blob is truncated", "%zu bytes, too short for a header", len);
		return false;
	}
	memcpy(&magic, blob, sizeof(magic));
	if (magic == CV_SYSTEM_MAGIC)
		return check_system(file, blob, len, d);
	return check_cell(file, "", blob, len, d);
}

struct cc_config *cc_load_blob(const char *file, const void *data, size_t len,
			       struct cc_diags *d)
{
	struct cc_config *c;
	uint32_t magic = 0;

	if (len > CC_MAX_FILE_SIZE) {
		ERR(".header", NULL, "blob of %zu bytes is larger than %u bytes", len,
		    CC_MAX_FILE_SIZE);
		return NULL;
	}
	if (len >= sizeof(magic))
		memcpy(&magic, data, sizeof(magic));
	c = cc_config_new(file, magic == CV_SYSTEM_MAGIC ? CC_KIND_SYSTEM : CC_KIND_CELL);
	/* A private copy: aligned, and safe from changes while it is checked and used. */
	c->blob = cc_xzalloc(len);
	if (len)
		memcpy(c->blob, data, len);
	c->blob_size = len;
	if (!cc_check_structure(file, c->blob, len, d)) {
		cc_free(c);
		return NULL;
	}
	return c;
}

/* The layout the blobs in the field have: a change here is an ABI change (bump the revision). */
_Static_assert(sizeof(struct cv_blob_header) == 16, "ABI");
_Static_assert(sizeof(struct cv_mem_region) == 32, "ABI");
_Static_assert(sizeof(struct cv_irq_range) == 8, "ABI");
_Static_assert(sizeof(struct cv_pci_device) == 112, "ABI");
_Static_assert(sizeof(struct cv_console) == 16, "ABI");
_Static_assert(sizeof(struct cv_cell_config) == 120, "ABI");
_Static_assert(sizeof(struct cv_iommu) == 32, "ABI");
_Static_assert(sizeof(struct cv_platform) == 80, "ABI");
_Static_assert(sizeof(struct cv_system_config) == 152, "ABI");
_Static_assert(sizeof(struct cv_link_peer) == 48, "ABI");
_Static_assert(sizeof(struct cv_link) == 248, "ABI");
