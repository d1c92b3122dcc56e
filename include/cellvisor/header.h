/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Cellvisor image header and entry protocol, shared by the hypervisor and the module.
 *
 * cellvisor.bin is a flat image that starts with struct cv_image_header.  The module:
 *  1. claims the system config's hypervisor memory (hv_mem_phys, hv_mem_size) and maps it;
 *  2. copies the whole file to its start, zeroes the rest of core_size (the hypervisor's bss)
 *     and copies the system configuration blob to config_offset (the first 4 KiB boundary at
 *     or above core_size);
 *  3. fills in the "set by the module" fields below, then cleans the whole hypervisor memory
 *     to the point of coherency and invalidates the instruction cache;
 *  4. on every online CPU at the same time, interrupts off (stop_machine), issues Linux's
 *     hyp-stub HVC_SOFT_RESTART:
 *         x0 = 1 (HVC_SOFT_RESTART), x1 = hv_mem_phys + entry_offset,
 *         x2 = hv_mem_phys, x3 = 0, x4 = 0;  hvc #0
 *     The stub branches to x1 at EL2 with the MMU off and x0 = hv_mem_phys.
 *     The hypervisor saves what it needs to hand EL2 back (VBAR_EL2 holds the stub's
 *     vectors), waits for all online_cpus to arrive, sets itself up and returns with eret to
 *     the instruction after the hvc, now at EL1 under stage-2 translation, with x0 = 0; or,
 *     if any CPU failed, every CPU restores the stub and returns a negative errno in x0,
 *     leaving the machine as it was, and the reason of the first failure (reason.h) in x3,
 *     its object in x4 (0 and 0: no reason given).
 *
 * The console ring at console_offset (in the bss) is a __u64 count of the bytes ever written
 * followed by console_size bytes of text; byte n of the output is at n % console_size.
 * While the hypervisor runs it is read with CV_HC_CONSOLE_READ.  After a failed enable the
 * module reads it directly from the hypervisor memory, to tell why.
 *
 * Disable: CV_HC_DISABLE on every CPU at the same time (stop_machine again); each returns
 * at EL1 with the hyp stub back in EL2 and x0 = 0, or a negative errno on every CPU.
 */
#ifndef _CELLVISOR_HEADER_H
#define _CELLVISOR_HEADER_H

#include "types.h"

#define CV_IMAGE_MAGIC		0x524f534956434c45ULL	/* "ELCVISOR" as little-endian bytes */
#define CV_ABI_REVISION		2

struct cv_image_header {
	/* Set at link time. */
	__u64 magic;		/* CV_IMAGE_MAGIC */
	__u32 abi_revision;	/* CV_ABI_REVISION: module and hypervisor must agree */
	__u32 header_size;	/* sizeof(struct cv_image_header) */
	__u64 image_size;	/* bytes of the file */
	__u64 core_size;	/* bytes the hypervisor occupies, bss included, 4 KiB multiple */
	__u64 entry_offset;	/* arm64 entry point, from the start of the image */
	__u32 percpu_size;	/* bytes of per-CPU data the hypervisor takes from its memory */
	__u32 max_cpus;		/* the most CPUs this build supports */
	__u64 console_offset;	/* the console ring (below), from the start of the image */
	__u32 console_size;	/* bytes of text it holds, a power of two; 0: none */
	__u32 reserved0;	/* 0 */
	/* Set by the module before entry. */
	__u64 config_offset;	/* system config blob, from the start of hypervisor memory */
	__u64 config_size;
	__u64 online_cpus;	/* bitmap of Linux's online CPUs, by MPIDR Aff0 */
	__u32 num_online_cpus;
	__u32 reserved;		/* 0 */
};

#endif /* _CELLVISOR_HEADER_H */
