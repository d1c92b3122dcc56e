// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor arm64: per-CPU bring-up, activation of the root cell, and the way back. */
#include <asm/early.h>
#include <asm/gic.h>
#include <asm/layout.h>
#include <asm/mmu.h>
#include <asm/pl011.h>
#include <asm/sysregs.h>
#include <asm/traps.h>
#include <cellvisor/header.h>
#include <cv/cell.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/percpu.h>

u8 cv_stacks[CV_HV_MAX_CPUS][CV_STACK_SIZE] __attribute__((aligned(16)));
static struct per_cpu cpus[CV_HV_MAX_CPUS];
static u64 remap_bitmap[POOL_BITMAP_WORDS(CV_REMAP_PAGES)];
extern const struct cv_image_header cv_header;
void cv_power_off(u64 virt_offset) __attribute__((noreturn));

struct per_cpu *per_cpu(u64 id)
{
	return id < CV_HV_MAX_CPUS && cpus[id].present ? &cpus[id] : NULL;
}

struct per_cpu *this_cpu(void)
{
	return (struct per_cpu *)(size_t)read_sysreg(tpidr_el2);
}

struct trap_frame *guest_frame(unsigned int cpu)
{
	return (struct trap_frame *)(cv_stacks[cpu] + CV_STACK_SIZE) - 1;
}

int arch_console_init(const struct cv_console *con)
{
	pool_init(&remap_pool, CV_REMAP_VIRT, CV_REMAP_PAGES, remap_bitmap);
	if (con->type != CV_CONSOLE_PL011 || !(con->flags & CV_CONSOLE_MIRROR))
		return 0;
	if (!con->address || !ALIGNED(con->address, PAGE_SIZE) || pl011_init(con->address))
		return -CV_EINVAL;
	console_set_mirror(pl011_putc);
	return 0;
}

int arch_init(void)
{
	u64 id;

	/* A page of the remap area per CPU for cell memory, tables made once. */
	for (id = 0; id < CV_HV_MAX_CPUS; id++) {
		u64 va = pool_alloc(&remap_pool, 1, 1);

		if (!va || paging_map(&hv_paging, va, hv.phys, PAGE_SIZE, PT_READ) ||
		    paging_unmap(&hv_paging, va, PAGE_SIZE))
			return -CV_ENOMEM;
		cpus[id].arch.temp = (void *)(size_t)va;
	}
	dsb(ish);
	return gic_init();
}

int arch_cpu_init(struct per_cpu *cpu)
{
	return gic_cpu_init(cpu);
}

void arch_cpu_activate(struct per_cpu *cpu)
{
	gic_cpu_activate(cpu);
	write_sysreg(VTCR_EL2_VALUE, vtcr_el2);
	write_sysreg(cpu->cell->arch.vttbr, vttbr_el2);
	write_sysreg(HCR_CELL | gic_hcr_bits(), hcr_el2);
	isb();
	/* Linux's own translations were made without stage 2: forget them. */
	asm volatile("tlbi alle1" : : : "memory");
	dsb(nsh);
	isb();
}

__attribute__((noreturn)) void arch_cpu_leave(struct per_cpu *cpu, long ret)
{
	gic_cpu_exit(cpu);
	write_sysreg(HCR_STUB_VALUE, hcr_el2);
	write_sysreg(0, vttbr_el2);
	write_sysreg(cpu->arch.stub_vbar, vbar_el2);
	isb();
	asm volatile("tlbi alle1" : : : "memory");
	dsb(nsh);
	cv_leave(guest_frame(cpu->id), ret, hv.virt_offset);
}

__attribute__((noreturn)) void arch_cpu_power_off(struct per_cpu *cpu)
{
	gic_cpu_exit(cpu);
	write_sysreg(HCR_STUB_VALUE, hcr_el2);
	write_sysreg(0, vttbr_el2);
	write_sysreg(cpu->arch.stub_vbar, vbar_el2);
	isb();
	cv_power_off(hv.virt_offset);
}

void arch_cpu_kick(struct per_cpu *cpu)
{
	if (cpu->arch.gic_active)
		gic_kick(cpu);
	dsb(ish);
	asm volatile("sev");
}

void arch_cpu_wait(void)
{
	asm volatile("wfe" : : : "memory");
}

/* head.S, on every CPU with the MMU on and our vectors installed. */
__attribute__((noreturn)) void arch_cpu_main(u64 id, u64 stub_vbar, u64 virt_offset)
{
	const struct cv_image_header *h = &cv_header;
	struct per_cpu *cpu = &cpus[id];
	bool master = id == (u64)__builtin_ctzll(h->online_cpus);
	struct trap_frame *f = guest_frame(id);
	int err;

	cpu->id = id;
	cpu->arch.stub_vbar = stub_vbar;
	cpu->arch.mpidr = read_sysreg(mpidr_el1);
	cpu->present = true;
	write_sysreg(cpu, tpidr_el2);
	if (master) {
		hv.phys = CV_HV_VIRT - virt_offset;
		hv.virt_offset = virt_offset;
		hv.online_cpus = h->online_cpus;
		hv.num_online_cpus = h->num_online_cpus;
		mmu_init(read_sysreg(ttbr0_el2));
	}
	err = hv_enable_cpu(cpu, master, (const u8 *)h + h->config_offset, h->config_size,
			    cv_early.pool_start);
	if (err) {
		cpu->present = false;
		write_sysreg(stub_vbar, vbar_el2);
		isb();
		f->x[3] = hv.refusal.reason;	/* include/cellvisor/header.h */
		f->x[4] = hv.refusal.object;
		cv_leave(f, err, virt_offset);
	}
	arch_cpu_activate(cpu);
	f->x[0] = 0;
	guest_enter(f);
}

__attribute__((noreturn)) void arch_hv_fault(u64 esr, u64 elr, u64 far, u64 vector)
{
	printk("Cellvisor: FATAL: exception in the hypervisor on CPU %llu: vector %llu, "
	       "ESR 0x%llx, PC 0x%llx, FAR 0x%llx\n", read_sysreg(mpidr_el1) & 0xff, vector,
	       esr, elr, far);
	for (;;)
		asm volatile("wfi");
}
