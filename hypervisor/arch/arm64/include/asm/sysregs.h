/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor arm64: system register access and the bits we use. */
#ifndef _ASM_SYSREGS_H
#define _ASM_SYSREGS_H

#define BIT64(n)		(1ULL << (n))

#define read_sysreg(r) ({ unsigned long long __v; \
	asm volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) \
	asm volatile("msr " #r ", %0" : : "r"((unsigned long long)(v)) : "memory")
#define isb()			asm volatile("isb" : : : "memory")
#define dsb(opt)		asm volatile("dsb " #opt : : : "memory")

/* HCR_EL2 */
#define HCR_VM			BIT64(0)
#define HCR_SWIO		BIT64(1)
#define HCR_FMO			BIT64(3)
#define HCR_IMO			BIT64(4)
#define HCR_AMO			BIT64(5)
#define HCR_TSC			BIT64(19)
#define HCR_TIDCP		BIT64(20)
#define HCR_TACR		BIT64(21)
#define HCR_TSW			BIT64(22)
#define HCR_RW			BIT64(31)
/* What every cell runs with (gic_hcr_bits() and context.c add their own). */
#define HCR_CELL		(HCR_VM | HCR_SWIO | HCR_TSC | HCR_AMO | HCR_RW | HCR_TSW)

/* CPTR_EL2 (non-VHE): the RES1 bits, no trap */
#define CPTR_EL2_RES1		0x33ffULL
#define HCR_STUB_VALUE		HCR_RW		/* what Linux's hyp stub runs with */

/* SCTLR_EL2 (non-VHE) and SCTLR_EL1 */
#define SCTLR_EL2_RES1		0x30c50830ULL
#define SCTLR_M			BIT64(0)
#define SCTLR_C			BIT64(2)
#define SCTLR_SA		BIT64(3)
#define SCTLR_I			BIT64(12)
#define SCTLR_EL1_RES1		0x30d00800ULL	/* reset state: MMU and caches off */

/* SPSR: EL1h with D, A, I, F masked */
#define SPSR_EL1H_MASKED	0x3c5ULL

/* ESR_ELx */
#define ESR_EC(esr)		(((esr) >> 26) & 0x3f)
#define ESR_IL			BIT64(25)
#define ESR_ISS(esr)		((esr) & 0x1ffffff)
#define EC_WFX			0x01
#define EC_HVC64		0x16
#define EC_SMC64		0x17
#define EC_SYSREG		0x18
#define EC_IABT_LOW		0x20
#define EC_DABT_LOW		0x24

/* Data abort ISS */
#define DABT_ISV		BIT64(24)
#define DABT_SAS(iss)		(((iss) >> 22) & 3)
#define DABT_SSE		BIT64(21)
#define DABT_SRT(iss)		(((iss) >> 16) & 0x1f)
#define DABT_SF			BIT64(15)
#define DABT_WNR		BIT64(6)
#define DABT_S1PTW		BIT64(7)
#define DABT_DFSC(iss)		((iss) & 0x3f)

/* Trapped MSR/MRS ISS: the register and the direction */
#define SYSREG_ISS_MASK		0x3ffc1eULL	/* Op0, Op2, Op1, CRn, CRm */
#define SYSREG_ISS(op0, op1, crn, crm, op2) \
	(((unsigned long long)(op0) << 20) | ((op2) << 17) | ((op1) << 14) | ((crn) << 10) | ((crm) << 1))
#define SYSREG_RT(iss)		(((iss) >> 5) & 0x1f)
#define SYSREG_READ		BIT64(0)
#define ISS_ICC_SGI1R_EL1	SYSREG_ISS(3, 0, 12, 11, 5)

/* ID_AA64MMFR0_EL1.PARange */
#define PARANGE(mmfr0)		((mmfr0) & 0xf)

#endif
