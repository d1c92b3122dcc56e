// SPDX-License-Identifier: GPL-2.0-only
/* arm64 CPU helpers, hypercalls, PSCI and exception reports for inmates. */
#include <inmate.h>
#include <arch/sysreg.h>

#define PSCI_0_2_FN_PSCI_VERSION	0x84000000U
#define PSCI_0_2_FN_CPU_OFF		0x84000002U
#define PSCI_0_2_FN_SYSTEM_OFF		0x84000008U
#define PSCI_0_2_FN_SYSTEM_RESET	0x84000009U

unsigned int cpu_id(void)
{
	return read_sysreg(mpidr_el1) & 0xff;
}

uint64_t cpu_affinity(void)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);

	return (mpidr & 0xffffffULL) | ((mpidr >> 32) & 0xff) << 24;
}

void irq_enable_local(void)
{
	__asm__ __volatile__("msr daifclr, #2" : : : "memory");
}

void irq_disable_local(void)
{
	__asm__ __volatile__("msr daifset, #2" : : : "memory");
}

void cpu_wait_for_interrupt(void)
{
	__asm__ __volatile__("dsb sy; wfi" : : : "memory");
}

noreturn void cpu_halt(void)
{
	__asm__ __volatile__("msr daifset, #0xf" : : : "memory");
	for (;;)
		__asm__ __volatile__("wfi" : : : "memory");
}

void hypercall_console_putc(char c)
{
	register uint64_t x0 __asm__("x0") = CV_HC_DEBUG_CONSOLE_PUTC;
	register uint64_t x1 __asm__("x1") = (unsigned char)c;

	/* x1..x3 come back with the reason of a refusal (reason.h). */
	__asm__ __volatile__("hvc #" __stringify(CV_HVC_IMM)
			     : "+r"(x0), "+r"(x1) : : "x2", "x3", "memory");
}

long hypercall(uint64_t code, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = code;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ __volatile__("hvc #" __stringify(CV_HVC_IMM)
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return (long)x0;
}

long hypercall_console_write(const char *s, size_t len)
{
	register uint64_t x0 __asm__("x0") = CV_HC_DEBUG_CONSOLE_WRITE;
	register uint64_t x1 __asm__("x1") = (uintptr_t)s;
	register uint64_t x2 __asm__("x2") = len;

	__asm__ __volatile__("hvc #" __stringify(CV_HVC_IMM)
			     : "+r"(x0), "+r"(x1), "+r"(x2) : : "x3", "memory");
	return (long)x0;
}

/*
 * PSCI conduit: SMC when the CPU has EL2 or EL3 (under the hypervisor, which traps SMC and
 * emulates PSCI); without either, SMC is undefined and PSCI can only be HVC, as on QEMU's virt
 * machine without virtualization=on.
 */
static bool psci_use_smc(void)
{
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);

	return ((pfr0 >> 8) & 0xf) || ((pfr0 >> 12) & 0xf);
}

static int32_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (psci_use_smc())
		__asm__ __volatile__("smc #0"
				     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : :
				     "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
				     "x13", "x14", "x15", "x16", "x17", "memory");
	else
		__asm__ __volatile__("hvc #0"
				     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : :
				     "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
				     "x13", "x14", "x15", "x16", "x17", "memory");
	return (int32_t)x0;
}

int32_t psci_version(void)
{
	return psci_call(PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
}

int32_t psci_cpu_off(void)
{
	return psci_call(PSCI_0_2_FN_CPU_OFF, 0, 0, 0);
}

int32_t psci_system_off(void)
{
	return psci_call(PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0);
}

int32_t psci_system_reset(void)
{
	return psci_call(PSCI_0_2_FN_SYSTEM_RESET, 0, 0, 0);
}

static const char *exception_class_name(unsigned int ec)
{
	switch (ec) {
	case 0x00: return "unknown reason (undefined instruction)";
	case 0x01: return "trapped WFI/WFE";
	case 0x07: return "trapped FP/SIMD access";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC";
	case 0x16: return "HVC";
	case 0x17: return "SMC";
	case 0x18: return "trapped system register access";
	case 0x20: return "instruction abort from a lower EL";
	case 0x21: return "instruction abort";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort from a lower EL";
	case 0x25: return "data abort";
	case 0x26: return "SP alignment fault";
	case 0x2f: return "SError";
	case 0x3c: return "BRK instruction";
	default: return "other";
	}
}

static const char *const vector_names[16] = {
	"sync (SP0)", "IRQ (SP0)", "FIQ (SP0)", "SError (SP0)",
	"sync", "IRQ", "FIQ", "SError",
	"sync (lower EL)", "IRQ (lower EL)", "FIQ (lower EL)", "SError (lower EL)",
	"sync (lower EL, AArch32)", "IRQ (lower EL, AArch32)", "FIQ (lower EL, AArch32)",
	"SError (lower EL, AArch32)",
};

static noreturn void exception_report(struct exception_frame *frame, unsigned int vector)
{
	uint64_t esr = read_sysreg(esr_el1);
	uint64_t far = read_sysreg(far_el1);
	unsigned int ec = (esr >> 26) & 0x3f;

	printf("%s: exception %s on CPU %u: EC 0x%02x (%s) ESR 0x%08lx FAR 0x%016lx ELR 0x%016lx\n",
	       inmate_name, vector_names[vector & 15], cpu_id(), ec, exception_class_name(ec),
	       (unsigned long)esr, (unsigned long)far, (unsigned long)frame->elr);
	printf("%s: stopped after the exception\n", inmate_name);
	cpu_halt();
}

extern char probe_insn[], probe_fixup[];

void exception_sync(struct exception_frame *frame)
{
	/* An abort on probe_read32()'s load: report failure to its caller. */
	if (frame->elr == (uintptr_t)probe_insn) {
		frame->elr = (uintptr_t)probe_fixup;
		return;
	}
	exception_report(frame, 4);
}

noreturn void exception_unexpected(struct exception_frame *frame, unsigned int vector)
{
	exception_report(frame, vector);
}
