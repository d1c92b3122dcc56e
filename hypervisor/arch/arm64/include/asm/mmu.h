/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor arm64: translation table formats and the hypervisor's own mappings. */
#ifndef _ASM_MMU_H
#define _ASM_MMU_H

#include <cv/paging.h>

extern const struct pt_format el2_format;	/* stage 1 of EL2, 48-bit VA */
extern const struct pt_format s2_format;	/* stage 2, 40-bit IPA */
extern struct paging hv_paging;

#define MAIR_EL2_VALUE		0x04ffULL	/* attr 0: normal WB, attr 1: device nGnRE */
#define IPA_BITS		40
#define PARANGE_40		2

/* TCR_EL2 for a 48-bit VA and the given PARange. */
static inline u64 tcr_el2_value(u64 parange)
{
	return 16 | (1 << 8) | (1 << 10) | (3 << 12) | (MIN(parange, 5ULL) << 16) |
	       (1ULL << 23) | (1ULL << 31);
}

/* VTCR_EL2: 40-bit IPA starting at level 1 (two concatenated tables), 4 KiB, WBWA, IS. */
#define VTCR_EL2_VALUE	((64 - IPA_BITS) | (1 << 6) | (1 << 8) | (1 << 10) | (3 << 12) | \
			 ((u64)PARANGE_40 << 16) | (1ULL << 31))

void mmu_init(u64 root);		/* hv_paging over the tables arch_early built */
void flush_guest_tlb(void);

#endif
