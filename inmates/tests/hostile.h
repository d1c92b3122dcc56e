/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the hostile test inmates share (inmates/tests/sgi-storm.c, spi-livelock.c, gic-rd.c,
 * sysreg.c, destroy-fault.c, cpu-state.c, secret.c, reset-storm.c): each attacks the
 * hypervisor in one way from a cell and prints what came of it, for the guest scenario
 * (hostile-cell.sh, hostile-root.sh) to check.  QEMU virt addresses; the GIC has 4 redistributor frames.
 */
#ifndef INMATE_TESTS_HOSTILE_H
#define INMATE_TESTS_HOSTILE_H

#include <inmate.h>
#include <arch/sysreg.h>

#define GICD_BASE		0x08000000UL
#define GICR_BASE		0x080a0000UL
#define GICR_STRIDE		0x20000UL
#define GICR_FRAMES		4
#define GICR_SGI_BASE		0x10000UL

#define ICC_SGI1R_EL1		S3_0_C12_C11_5
#define ICC_ASGI1R_EL1		S3_0_C12_C11_6
#define ICC_SGI0R_EL1		S3_0_C12_C11_7
#define ICC_RPR_EL1		S3_0_C12_C11_3
#define ICC_HPPIR1_EL1		S3_0_C12_C12_2
#define ICC_AP1R0_EL1		S3_0_C12_C9_0

#define SGIR_IRM		(1ULL << 40)	/* every CPU but the sender */
#define SPURIOUS		1023

/* An ICC_SGI*R_EL1 value: SGI 'intid' to the CPUs of cluster 0 in 'aff0_list' (bit n: n). */
static inline uint64_t sgir(unsigned int intid, uint64_t aff0_list)
{
	return (uint64_t)(intid & 0xf) << 24 | (aff0_list & 0xffff);
}

/*
 * The next interrupt of this CPU's (virtual) CPU interface within 'us' microseconds,
 * acknowledged and ended (priority drop and deactivation), with interrupts masked: its
 * INTID, or SPURIOUS.  irq_init() must have run (group 1 on, priority mask open).
 */
static inline unsigned int take_irq_within(uint64_t us)
{
	uint64_t end = timer_now() + timer_ns_to_ticks(us * 1000);
	unsigned int intid;

	do {
		intid = read_sysreg(ICC_IAR1_EL1) & 0xffffff;
		if (intid < 1020) {
			write_sysreg(ICC_EOIR1_EL1, intid);
			isb();
			return intid;
		}
	} while (timer_now() < end);
	return SPURIOUS;
}

#endif /* INMATE_TESTS_HOSTILE_H */
