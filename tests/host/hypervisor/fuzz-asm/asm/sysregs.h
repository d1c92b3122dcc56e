/* SPDX-License-Identifier: GPL-2.0-only */
/* The real <asm/sysregs.h>, with its barriers as the host's fences (the fuzzer runs on x86). */
#ifndef FUZZ_ASM_SYSREGS_H
#define FUZZ_ASM_SYSREGS_H

#include_next <asm/sysregs.h>

#undef dsb
#define dsb(opt)	__atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif
