/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cellvisor: checks of the binary configuration blobs (include/cellvisor/config.h).  The
 * hypervisor re-checks every blob it receives; a blob that passes can be walked without any
 * further bounds check.
 */
#ifndef _CV_CONFIG_H
#define _CV_CONFIG_H

#include <cellvisor/config.h>
#include <cv/types.h>

/*
 * 0 when the blob is sound, else -CV_EINVAL with one line in 'why' naming the field and the
 * problem.  A cell is checked against the platform it is meant for.
 */
int config_check_cell(const void *blob, u64 size, const struct cv_platform *plat,
		      char *why, size_t why_len);
int config_check_system(const void *blob, u64 size, char *why, size_t why_len);
/* The GICv3 frames the platform config names (cv_platform): distributor, redistributors. */
#define CV_GICD_SIZE		0x10000ULL
#define CV_GICR_STRIDE		0x20000ULL	/* RD_base and SGI_base frames of one CPU */

/*
 * What the hypervisor emulates and no cell may map, the root included: index 0, 1, ... the
 * distributor, the redistributors, PCI configuration space (size 0 without PCI).
 */
bool config_reserved_range(const struct cv_platform *p, unsigned int i, u64 *start,
			   u64 *size);
/* Is the interrupt in one of the (checked) cell's ranges? */
bool config_has_irq(const struct cv_cell_config *c, u32 irq);

/*
 * Links (link.h): the index of cell 'name' among the peers of link 'link' of a checked
 * system config, or -1; the rules a cell must meet to be the peers its name makes it.
 */
int config_link_peer(const struct cv_system_config *s, unsigned int link, const char *name);
int config_check_cell_links(const struct cv_system_config *s, const struct cv_cell_config *c,
			    char *why, size_t why_len);

static inline const struct cv_link *config_links(const struct cv_system_config *s)
{
	return (const void *)((const u8 *)s + s->links.offset);
}

static inline const struct cv_cell_config *config_root_cell(const struct cv_system_config *s)
{
	return (const void *)((const u8 *)s + s->root_cell.offset);
}

static inline const struct cv_mem_region *config_mem(const struct cv_cell_config *c)
{
	return (const void *)((const u8 *)c + c->mem_regions.offset);
}

static inline const struct cv_irq_range *config_irqs(const struct cv_cell_config *c)
{
	return (const void *)((const u8 *)c + c->irq_ranges.offset);
}

static inline const struct cv_pci_device *config_pci(const struct cv_cell_config *c)
{
	return (const void *)((const u8 *)c + c->pci_devices.offset);
}

#endif
