/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor: a ticket spinlock and atomic helpers (C11 __atomic builtins). */
#ifndef _CV_SPINLOCK_H
#define _CV_SPINLOCK_H

#include <asm/processor.h>
#include <cv/types.h>

typedef struct {
	unsigned int next;
	unsigned int owner;
} spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
	unsigned int ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

/* Take the lock only if it is free at once. */
static inline bool spin_trylock(spinlock_t *l)
{
	unsigned int owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);

	return __atomic_compare_exchange_n(&l->next, &owner, owner + 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

#define atomic_read(p)		__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define atomic_set(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define atomic_inc(p)		__atomic_add_fetch((p), 1, __ATOMIC_ACQ_REL)

#endif
