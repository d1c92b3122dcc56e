// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor kernel module: what is specific to arm64.
 *
 * Hypercalls are "hvc #CV_HVC_IMM"; entering the hypervisor goes through Linux's hyp stub
 * (HVC_SOFT_RESTART, see include/cellvisor/header.h).  Cache maintenance is done here with
 * our own loops, as the kernel's helpers for it are not exported to modules.
 */
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sizes.h>

#include <asm/barrier.h>
#include <asm/cputype.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#include <cellvisor/hvc-arm64.h>

#include "../../cellvisor.h"

#define CV_CTR_DMINLINE_SHIFT	16
#define CV_PFR0_EL2_SHIFT	8
#define CV_CURRENT_EL2		(2 << 2)	/* CurrentEL.EL */

/* What KVM's EL2 code answers to a function number it does not know (SMCCC). */
#define CV_SMCCC_NOT_SUPPORTED	(-1L)

long cv_arch_hypercall(unsigned long code, unsigned long arg1, unsigned long arg2,
		       unsigned long arg3, struct cv_ioctl_refusal *why)
{
	unsigned long args[3] = { arg1, arg2, arg3 };
	long ret = cv_hvc(code, args);

	if (why) {
		why->reason = args[0];
		why->object = args[1];
		why->holder = args[2];
	}
	return ret;
}

static u64 cv_current_el(void)
{
	u64 el;

	asm volatile("mrs %0, CurrentEL" : "=r" (el));
	return el;
}

/*
 * Make sure that an hvc from here reaches Linux's hyp stub before anything relies on it:
 * without EL2 the instruction is undefined, under VHE the kernel itself owns EL2, and
 * with KVM initialised its EL2 code answers instead of the stub.  The probe is a harmless
 * call for every candidate: the stub answers HVC_STUB_ERR to a number it does not know,
 * KVM answers "not supported", and a Cellvisor left running answers its ABI revision.
 */
int cv_arch_check_el2(struct device *dev)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	long ret;

	if (!((pfr0 >> CV_PFR0_EL2_SHIFT) & 0xf)) {
		dev_err(dev, "enable: the CPU implements no EL2, so there is nothing to run the hypervisor in (QEMU needs -M virt,virtualization=on)\n");
		return -ENODEV;
	}
	if (cv_current_el() == CV_CURRENT_EL2) {
		dev_err(dev, "enable: Linux itself runs at EL2 (VHE); boot it with kvm-arm.mode=none so that EL2 stays with the hyp stub\n");
		return -ENODEV;
	}
	ret = cv_arch_hypercall(CV_HC_HYPERVISOR_GET_INFO, CV_INFO_ABI_REVISION, 0, 0, NULL);
	if (ret == HVC_STUB_ERR)
		return 0;
	if (ret == CV_SMCCC_NOT_SUPPORTED) {
		dev_err(dev, "enable: KVM holds EL2, not the hyp stub; boot Linux with kvm-arm.mode=none\n");
		return -ENODEV;
	}
	if (ret >= 0 && ret < 0x10000) {
		dev_err(dev, "enable: a Cellvisor hypervisor (ABI revision %ld) is already running in EL2 without this module knowing it; reboot\n",
			ret);
		return -EBUSY;
	}
	dev_err(dev, "enable: EL2 answered the probe hypercall with %#lx, which is not Linux's hyp stub\n",
		ret);
	return -ENODEV;
}

/*
 * HVC_SOFT_RESTART: the stub branches to 'entry' at EL2 with the MMU off and x0 = 'base'.
 * The hypervisor returns here with eret at EL1, x0 = 0 or a negative errno.  The
 * frame record is saved on the stack and every other register is declared clobbered, so
 * that nothing depends on what the hypervisor preserves.
 */
int cv_arch_enter(phys_addr_t entry, phys_addr_t base, struct cv_ioctl_refusal *why)
{
	register unsigned long x0 asm("x0");
	register unsigned long x1 asm("x1");
	register unsigned long x2 asm("x2");
	register unsigned long x3 asm("x3");
	register unsigned long x4 asm("x4");

	x0 = HVC_SOFT_RESTART;
	x1 = entry;
	x2 = base;
	x3 = 0;
	x4 = 0;
	asm volatile("stp x29, x30, [sp, #-16]!\n\t"
		     "hvc #0\n\t"
		     "ldp x29, x30, [sp], #16"
		     : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3), "+r" (x4)
		     :
		     : "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
		       "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22",
		       "x23", "x24", "x25", "x26", "x27", "x28", "cc", "memory");
	/* A refused entry says why in x3 and x4 (include/cellvisor/header.h). */
	why->reason = x0 ? x3 : 0;
	why->object = x0 ? x4 : 0;
	why->holder = 0;
	return (int)(long)x0;
}

/* Clean and invalidate [addr, addr + size) to the point of coherency. */
void cv_arch_clean_dcache(void *addr, size_t size)
{
	u64 ctr = read_sysreg(ctr_el0);
	unsigned long line = 4UL << ((ctr >> CV_CTR_DMINLINE_SHIFT) & 0xf);
	unsigned long p = (unsigned long)addr & ~(line - 1);
	unsigned long end = (unsigned long)addr + size;
	unsigned long resched = p + SZ_1M;

	for (; p < end; p += line) {
		asm volatile("dc civac, %0" : : "r" (p) : "memory");
		if (p >= resched) {
			dsb(sy);
			cond_resched();
			resched = p + SZ_1M;
		}
	}
	dsb(sy);
}

/* Invalidate the instruction caches of every CPU in the inner shareable domain. */
void cv_arch_sync_icache(void)
{
	asm volatile("ic ialluis" : : : "memory");
	dsb(ish);
	isb();
}

int cv_arch_cpu_id(void)
{
	u64 mpidr = read_cpuid_mpidr();

	if (mpidr & (MPIDR_HWID_BITMASK & ~0xffULL))
		return -1;	/* configs number CPUs by Aff0 only */
	return MPIDR_AFFINITY_LEVEL(mpidr, 0);
}
