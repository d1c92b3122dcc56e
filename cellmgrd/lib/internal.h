/* SPDX-License-Identifier: GPL-2.0-only */
/* cellconf internals shared by the library's files. */
#ifndef CELLCONF_INTERNAL_H
#define CELLCONF_INTERNAL_H

#include "cellconf.h"

#define PAGE_SIZE_4K		0x1000ULL
#define PATH_MAX_LEN		160

struct flag_name {
	uint64_t bit;
	const char *name;
};

extern const struct flag_name cc_mem_flag_names[];	/* terminated by { 0, NULL } */
extern const struct flag_name cc_cell_flag_names[];
extern const struct flag_name cc_console_flag_names[];
extern const struct flag_name cc_link_peer_flag_names[];
extern const char *const cc_console_type_names[];	/* indexed by CV_CONSOLE_* */
#define CC_NUM_CONSOLE_TYPES	4

/* A view of a cell blob that passed the structural checks. */
struct cell_view {
	const struct cv_cell_config *cfg;
	const struct cv_mem_region *mem;
	const struct cv_irq_range *irq;
	const struct cv_pci_device *pci;
	uint32_t num_mem, num_irq, num_pci;
};

void cc_cell_view(const struct cv_cell_config *cfg, struct cell_view *v);

/* Structural checks of an untrusted blob: header, arrays, reserved fields, flags, name. */
bool cc_check_structure(const char *file, const void *blob, size_t len, struct cc_diags *d);

/*
 * The hypervisor's checks of the blob (hv-rules.c), against SYS's platform for a cell
 * (skipped without it): reports one error with the hypervisor's reason if it would refuse.
 */
void cc_check_hypervisor_rules(const struct cc_config *c, const struct cv_system_config *sys,
			       struct cc_diags *d);

/* xmalloc-style helpers: abort on out-of-memory, which is not an input error. */
void *cc_xzalloc(size_t size);
char *cc_xstrdup(const char *s);
char *cc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Format a JSON path into a PATH_MAX_LEN buffer (truncating). */
void cc_path(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct cc_config *cc_config_new(const char *file, enum cc_kind kind);

static inline uint32_t cc_align8(uint32_t v)
{
	return (v + 7U) & ~7U;
}

#endif
