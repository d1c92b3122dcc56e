/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 MMIO accessors for inmates.
 *
 * Each access is exactly one plain load or store with a base register and no offset or
 * writeback, so that a hypervisor emulating the device sees a valid syndrome (ESR ISV = 1)
 * for it.  Inmates run with the MMU off, where every data access is Device-nGnRnE: these
 * accessors are ordered with respect to each other without extra barriers.
 */
#ifndef INMATE_ARCH_IO_H
#define INMATE_ARCH_IO_H

#include <stdint.h>

static inline uint8_t mmio_read8(uintptr_t addr)
{
	uint8_t v;

	__asm__ __volatile__("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint16_t mmio_read16(uintptr_t addr)
{
	uint16_t v;

	__asm__ __volatile__("ldrh %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v;

	__asm__ __volatile__("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint64_t mmio_read64(uintptr_t addr)
{
	uint64_t v;

	__asm__ __volatile__("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write8(uintptr_t addr, uint8_t v)
{
	__asm__ __volatile__("strb %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

static inline void mmio_write16(uintptr_t addr, uint16_t v)
{
	__asm__ __volatile__("strh %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	__asm__ __volatile__("str %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

static inline void mmio_write64(uintptr_t addr, uint64_t v)
{
	__asm__ __volatile__("str %0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

/* Order memory accesses against other observers (the hypervisor, devices). */
static inline void memory_barrier(void)
{
	__asm__ __volatile__("dsb sy" : : : "memory");
}

#endif /* INMATE_ARCH_IO_H */
