/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cellconf: Cellvisor configuration library, shared by cellmgrd and cellctl.
 *
 * Reads the JSON formats of cellvisor-config(5) (libcjson) or the binary blobs of
 * <cellvisor/config.h>, checks them, compiles JSON to blobs and decodes blobs back to JSON.
 *
 * Every problem found is appended to a struct cc_diags as one line of the form
 *	FILE: JSON-PATH: problem (hint)
 * so a caller can report all of them, not just the first.  Binary input is addressed with the
 * same JSON paths (".memory_regions[2].size"), plus ".header" for the blob header.
 */
#ifndef CELLCONF_H
#define CELLCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cellvisor/config.h>

/* Limits of this library (documented in cellvisor-config(5)). */
#define CC_MAX_FILE_SIZE	(1U << 20)	/* JSON or binary input */
#define CC_MAX_ELEMENTS		1024		/* per array of a cell */
#define CC_MAX_DIAGS		1000		/* messages kept in a struct cc_diags */
/* "parameters": {"text": ...} is loaded as one page: the text, a NUL, zeros to the end. */
#define CC_PARAMS_PAGE_SIZE	4096

enum cc_severity { CC_ERROR, CC_WARNING, CC_NOTE };

struct cc_diag {
	enum cc_severity severity;
	char *text;			/* "FILE: PATH: problem (hint)", no newline */
};

struct cc_diags {
	struct cc_diag *items;
	size_t count, capacity;		/* at most CC_MAX_DIAGS + 1 messages are kept ... */
	unsigned errors, warnings, notes;	/* ... but all are counted */
};

void cc_diags_init(struct cc_diags *d);
void cc_diags_free(struct cc_diags *d);
/* Print every message with a severity at or above 'min' (CC_NOTE prints all), one per line. */
void cc_diags_print(const struct cc_diags *d, FILE *out, enum cc_severity min);
/* Append a message; 'path' may be NULL or "" for the whole file, 'hint' may be NULL. */
void cc_report(struct cc_diags *d, enum cc_severity sev, const char *file, const char *path,
	       const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

enum cc_kind { CC_KIND_SYSTEM, CC_KIND_CELL };

/* An image a cell file asks to load (JSON cell files only). */
struct cc_image {
	char *path;
	uint64_t address;		/* guest physical */
};

/*
 * "linux": a Linux kernel to boot in the cell (JSON cell files only; cellvisor-config(5),
 * LINUX).  initrd and device_tree are NULL when not given.
 */
struct cc_linux {
	char *kernel;			/* an arm64 Image (uncompressed) */
	char *initrd;
	char *cmdline;
	char *device_tree;		/* a DTB to use instead of the generated one */
};

/* A loaded configuration. */
struct cc_config {
	enum cc_kind kind;
	char *file;			/* name used in messages */
	bool from_json;
	void *blob;			/* struct cv_system_config or cv_cell_config, 8-aligned */
	size_t blob_size;
	/* JSON cell files only: what to load before the cell starts. */
	struct cc_image *images;
	size_t num_images;
	bool has_params;
	uint64_t params_address;	/* guest physical */
	char *params_file;		/* either a file to copy ... */
	char *params_text;		/* ... or this text (loaded as cc_params_page() makes it) */
	struct cc_linux *linux_cfg;	/* NULL unless the cell boots Linux */
};

/*
 * Load FILE: binary if it starts with a blob magic, JSON otherwise.  JSON is parsed and
 * compiled; binary input goes through the structural blob checks.  Returns NULL (and reports
 * why) if the input is unusable; a returned config still needs cc_validate().
 */
struct cc_config *cc_load_file(const char *file, struct cc_diags *d);
struct cc_config *cc_load_json(const char *file, const char *text, size_t len,
			       struct cc_diags *d);
struct cc_config *cc_load_blob(const char *file, const void *data, size_t len,
			       struct cc_diags *d);
void cc_free(struct cc_config *c);

/* The blob's structures (only for a config returned by the loaders). */
const struct cv_system_config *cc_system(const struct cc_config *c);	/* NULL for a cell */
const struct cv_cell_config *cc_cell(const struct cc_config *c);	/* the root cell of a system */

/* cc_validate() flags. */
#define CC_CHECK_FILES	(1U << 0)	/* images and parameter files must exist (else a note) */

/*
 * Check one configuration.  'system' (may be NULL) is the system config a cell is checked
 * against; without it, the rules needing the platform or the root cell are skipped and a note
 * says so.  Returns true when no error was found.
 */
bool cc_validate(const struct cc_config *c, const struct cc_config *system, unsigned flags,
		 struct cc_diags *d);

/* Check cells together: no two may claim the same CPU, memory, IRQ, device or name. */
bool cc_validate_set(const struct cc_config *const *cells, size_t n,
		     const struct cc_config *system, struct cc_diags *d);

/*
 * For the daemon: check an untrusted blob (structure, then every rule that applies to a
 * single blob), against an already loaded system config for a cell blob (may be NULL).
 */
bool cc_check_blob(const char *file, const void *data, size_t len,
		   const struct cc_config *system, struct cc_diags *d);

/*
 * The page "parameters": {"text": TEXT} loads: TEXT, its terminating NUL, then zeros up to
 * CC_PARAMS_PAGE_SIZE bytes (malloc'ed, CC_PARAMS_PAGE_SIZE bytes long).  NULL when TEXT and
 * its NUL do not fit in the page (cc_validate() reports that as an error).
 */
void *cc_params_page(const char *text);

/*
 * A Linux payload (linux.c): where the boot stub, the kernel, the device tree and the initrd
 * go in the first RAM region of the cell, and the stub and device tree themselves.
 */
#define CC_LINUX_CMDLINE_MAX	2047		/* bytes, without the NUL (arm64 COMMAND_LINE_SIZE) */
#define CC_LINUX_DTB_MAX	(2U << 20)	/* the arm64 boot protocol's limit */
#define CC_LINUX_MIN_FREE	(32ULL << 20)	/* left in the region for the kernel to run */
#define CC_LINUX_STUB_SIZE	40		/* bytes of the boot stub */

struct cc_linux_payload {
	uint32_t region;		/* index of the first RAM region (the lowest) */
	uint64_t base, size;		/* that region, guest physical */
	uint64_t stub_address;		/* = base = the blob's entry */
	uint64_t kernel_address;	/* base + 2 MiB + text_offset */
	uint64_t text_offset, image_size, kernel_file_size;	/* from the Image header */
	uint64_t dtb_address;		/* next 2 MiB boundary after the kernel's image_size */
	uint64_t initrd_address, initrd_size;	/* right after the DTB, page aligned; 0, 0 */
	uint64_t end;			/* end of all of it */
	bool complete;			/* every file was read: stub and dtb are there */
	uint8_t stub[CC_LINUX_STUB_SIZE];
	void *dtb;			/* malloc'ed flattened device tree */
	size_t dtb_size;
};

/*
 * Plan the Linux payload of cell C (c->linux_cfg set) against SYSTEM (needed to generate a
 * device tree; may be NULL, then only the rest is checked): reads the kernel's Image header,
 * the initrd's size and the device tree file, generates the device tree and the boot stub,
 * places them and reports every problem.  Without CC_CHECK_FILES in 'flags' a missing file is
 * a note and what depends on it is not checked (p->complete stays false).  Returns true when
 * no error was found; free the payload with cc_linux_payload_free() either way.
 */
bool cc_linux_plan(const struct cc_config *c, const struct cc_config *system, unsigned flags,
		   struct cc_linux_payload *p, struct cc_diags *d);
void cc_linux_payload_free(struct cc_linux_payload *p);

/*
 * The boot stub: x0 = dtb, x1 = x2 = x3 = 0, branch to kernel (AArch64, little-endian, to be
 * loaded at an 8-byte aligned address).
 */
void cc_linux_stub(uint64_t dtb, uint64_t kernel, uint8_t out[CC_LINUX_STUB_SIZE]);

/* Decode to the JSON format (malloc'ed, pretty-printed, ends with a newline). */
char *cc_to_json(const struct cc_config *c);
/* A human-readable description. */
void cc_print(const struct cc_config *c, FILE *out);

/* Parse a size or address: a number, "0x7fa00000", "4096", "64 MiB", "4KiB". */
bool cc_parse_u64(const char *s, uint64_t *out);
/* Format a size as "64 MiB" when it is a whole number of KiB/MiB/GiB/TiB, else hex. */
void cc_format_size(uint64_t v, char *buf, size_t len);

#endif /* CELLCONF_H */
