/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Cellvisor ABI: the names of values that cross it, for the module's sysfs files, cellmgrd's
 * D-Bus properties and cellctl, defined here once.
 *
 * The tables are initializers, so that each user has its own array without a definition in
 * a header:
 *
 *	static const char * const state_names[] = CV_CELL_STATE_NAMES;
 *	static const char * const sysfs_stat_names[] = CV_STAT_NAMES(CV_STAT_SYSFS_PREFIX);
 *
 * Every name is also documented where it is seen: cellvisor(4) for sysfs,
 * org.cellvisor.cell1(5) for D-Bus, cellvisor-config(5) for the configuration.
 */
#ifndef _CELLVISOR_NAMES_H
#define _CELLVISOR_NAMES_H

#include "config.h"
#include "hypercall.h"

/*
 * Cell states (CV_CELL_STATE_*): the text of sysfs cells/<id>/state and of the cell's State
 * property on D-Bus.
 */
#define CV_CELL_STATE_NAME_CREATED		"created"
#define CV_CELL_STATE_NAME_LOADABLE		"loadable"
#define CV_CELL_STATE_NAME_RUNNING		"running"
#define CV_CELL_STATE_NAME_RUNNING_LOCKED	"running/locked"
#define CV_CELL_STATE_NAME_SHUT_DOWN		"shut down"
#define CV_CELL_STATE_NAME_FAILED		"failed"

#define CV_CELL_STATE_NAMES {						\
	[CV_CELL_STATE_CREATED] = CV_CELL_STATE_NAME_CREATED,		\
	[CV_CELL_STATE_LOADABLE] = CV_CELL_STATE_NAME_LOADABLE,		\
	[CV_CELL_STATE_RUNNING] = CV_CELL_STATE_NAME_RUNNING,		\
	[CV_CELL_STATE_RUNNING_LOCKED] = CV_CELL_STATE_NAME_RUNNING_LOCKED, \
	[CV_CELL_STATE_SHUT_DOWN] = CV_CELL_STATE_NAME_SHUT_DOWN,	\
	[CV_CELL_STATE_FAILED] = CV_CELL_STATE_NAME_FAILED,		\
}

/*
 * Exit statistics (CV_STAT_*), each name after 'prefix': the files of sysfs
 * cells/<id>/statistics/ have CV_STAT_SYSFS_PREFIX ("exits_total"), the keys of the cell's
 * Statistics property on D-Bus none ("total").
 */
#define CV_STAT_SYSFS_PREFIX	"exits_"
#define CV_STAT_NAMES(prefix) {						\
	[CV_STAT_TOTAL] = prefix "total",				\
	[CV_STAT_MMIO] = prefix "mmio",					\
	[CV_STAT_HYPERCALL] = prefix "hypercall",			\
	[CV_STAT_MANAGEMENT] = prefix "management",			\
	[CV_STAT_IRQ] = prefix "irq",					\
	[CV_STAT_SGI] = prefix "sgi",					\
	[CV_STAT_PSCI] = prefix "psci",					\
	[CV_STAT_SMCCC] = prefix "smccc",				\
	[CV_STAT_MAINTENANCE] = prefix "maintenance",			\
}

/*
 * Memory region flags (CV_MEM_*): the words of "flags" in the JSON configuration
 * (cellvisor-config(5)) and of the MemoryRegions property on D-Bus.  A list of
 * { flag, name } initializers, in bit order, for an array of such pairs:
 *
 *	static const struct { __u64 flag; const char *name; } f[] = { CV_MEM_FLAG_NAMES };
 */
#define CV_MEM_FLAG_NAMES						\
	{ CV_MEM_READ, "read" },					\
	{ CV_MEM_WRITE, "write" },					\
	{ CV_MEM_EXECUTE, "execute" },					\
	{ CV_MEM_IO, "io" },						\
	{ CV_MEM_DMA, "dma" },						\
	{ CV_MEM_LOADABLE, "loadable" },				\
	{ CV_MEM_COMM_REGION, "comm_region" },				\
	{ CV_MEM_ROOTSHARED, "root_shared" }

#endif /* _CELLVISOR_NAMES_H */
