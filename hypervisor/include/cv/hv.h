/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor: global hypervisor state, memory helpers and the interface to the arch layer. */
#ifndef _CV_HV_H
#define _CV_HV_H

#include <cellvisor/config.h>
#include <cv/hypercall.h>
#include <cv/pool.h>
#include <cv/types.h>

struct cell;
struct cv_comm_region;
struct per_cpu;

struct hypervisor {
	const struct cv_system_config *config;	/* checked, in hypervisor memory */
	u64 phys;			/* hypervisor memory */
	u64 size;
	u64 virt_offset;		/* virtual minus physical address of hypervisor memory */
	u64 online_cpus;		/* the CPUs Linux had online at enable */
	u32 num_online_cpus;
	/* Enable: the first error any CPU met and why, and the rendezvous counters. */
	int error;
	struct refusal refusal;
	u32 master_done;
	u32 arrived;
	/* Disable. */
	spinlock_t disable_lock;
	u32 disable_arrived;
	u32 disabling;
};

extern struct hypervisor hv;
extern struct page_pool mem_pool, remap_pool;

static inline void *hv_virt(u64 phys)
{
	return (void *)(size_t)(phys + hv.virt_offset);
}

static inline u64 hv_phys(const void *virt)
{
	return (u64)(size_t)virt - hv.virt_offset;
}

/* Zeroed pages of the memory pool, aligned to their count (a power of two); NULL if full. */
void *page_alloc(unsigned int pages);
void page_free(void *virt, unsigned int pages);
/* The power of two of pages that holds 'size' bytes, for page_alloc(). */
unsigned int page_count(u64 size);

/* Wait until *flag reaches 'value' (or passes it, for counters); -CV_ETIMEDOUT after 's' seconds. */
int wait_for(const u32 *flag, u32 value, unsigned int s);

/* core/setup.c, called by the arch entry on every CPU with the MMU on. */
int hv_enable_cpu(struct per_cpu *cpu, bool master, const void *config, u64 config_size,
		  u64 pool_start);
/* CV_HC_DISABLE: returns only on failure. */
long hv_disable(struct per_cpu *cpu);
/* A parked or stopped CPU checks this: true when it must hand itself back. */
bool hv_disabling(void);

/* The arch layer. */
int arch_console_init(const struct cv_console *con);	/* mirror to the debug UART */
int arch_init(void);				/* once, after the root cell exists */
int arch_cpu_init(struct per_cpu *cpu);		/* every CPU, before the rendezvous */
void arch_cpu_activate(struct per_cpu *cpu);	/* every CPU, after it: start the root */
__attribute__((noreturn)) void arch_cpu_leave(struct per_cpu *cpu, long ret);
__attribute__((noreturn)) void arch_cpu_power_off(struct per_cpu *cpu);
int arch_cell_init(struct cell *c);		/* stage 2 root and VMID */
void arch_cell_destroy(struct cell *c);
int arch_cell_devices(struct cell *c);		/* after the memory regions: emulated devices */
/* The cell's SPIs change hands: disabled, not pending, routed to the first of 'cpus'. */
void arch_cell_irqs(const struct cell *c, u64 cpus);
int arch_map_guest(struct cell *c, u64 ipa, u64 pa, u64 size, unsigned int flags);
int arch_unmap_guest(struct cell *c, u64 ipa, u64 size);
/* Where the cell's stage 2 maps ipa as normal memory with PT_READ (and PT_WRITE), or 0. */
u64 arch_guest_phys(struct cell *c, u64 ipa, bool write);
void *arch_map_device(u64 phys, u64 size);
void *arch_map_temp(u64 phys);			/* one page, this CPU only */
void *arch_map_temp_io(u64 phys);		/* the same, device memory */
void arch_unmap_temp(void *virt);
void arch_cpu_kick(struct per_cpu *cpu);	/* wake a CPU waiting in arch_cpu_wait() */
void arch_raise_spi(u32 irq);			/* make a (wired) SPI pending */
void arch_cpu_wait(void);
/*
 * The communication region page to and from memory (clean and invalidate to the point of
 * coherency): a cell may map it uncached, as Linux's /dev/mem does, and would not see what
 * the hypervisor's cached writes left in a cache, nor the hypervisor its answers.
 */
void arch_comm_sync(struct cv_comm_region *comm);
/* Forget the TLB entries of the cell's VMID, on all CPUs. */
void arch_flush_guest_tlb(struct cell *c);
/* The platform facts of the communication region (GIC, timer). */
void arch_cell_comm(const struct cell *c, struct cv_comm_region *comm);

#endif
