/* SPDX-License-Identifier: GPL-2.0-only */
/* arm64 system register access for inmates. */
#ifndef INMATE_ARCH_SYSREG_H
#define INMATE_ARCH_SYSREG_H

#include <stdint.h>

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

#define read_sysreg(reg) ({						\
	uint64_t __v;							\
	__asm__ __volatile__("mrs %0, " __stringify(reg) : "=r"(__v));	\
	__v;								\
})

#define write_sysreg(reg, val) do {					\
	uint64_t __v = (uint64_t)(val);					\
	__asm__ __volatile__("msr " __stringify(reg) ", %0" : : "r"(__v) : "memory"); \
} while (0)

/* GICv3 CPU interface registers, by encoding (no assembler extension needed). */
#define ICC_PMR_EL1		S3_0_C4_C6_0
#define ICC_IAR1_EL1		S3_0_C12_C12_0
#define ICC_EOIR1_EL1		S3_0_C12_C12_1
#define ICC_BPR1_EL1		S3_0_C12_C12_3
#define ICC_CTLR_EL1		S3_0_C12_C12_4
#define ICC_SRE_EL1		S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1		S3_0_C12_C12_7

static inline void isb(void)
{
	__asm__ __volatile__("isb" : : : "memory");
}

#endif /* INMATE_ARCH_SYSREG_H */
