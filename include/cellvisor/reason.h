/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Cellvisor ABI: why a call was refused, as a value.
 *
 * Every refusal comes with an errno (the kind of failure) and, where the refuser knows more,
 * a reason (what exactly), an object (which CPU, region, interrupt, ...) and a holder (which
 * cell holds it).  The hypervisor returns them from every hypercall in x1, x2 and x3
 * (hypercall.h); cellvisor.ko passes them, and its own, out in struct cv_ioctl_refusal
 * (ioctl.h).  The console lines that say the same for people are never to be parsed.
 */
#ifndef _CELLVISOR_REASON_H
#define _CELLVISOR_REASON_H

#include "types.h"

/* Nothing more specific than the errno. */
#define CV_REASON_NONE			0

/* The call itself.  object: see each. */
#define CV_REASON_NOT_ROOT		1	/* a root-only call from another cell */
#define CV_REASON_UNKNOWN_CALL		2	/* object: the call code */
#define CV_REASON_NO_SUCH_CELL		3	/* object: the id asked for */
#define CV_REASON_LOCKED		4	/* holder: the cell running locked */
#define CV_REASON_BAD_ARGUMENT		5	/* an argument out of range */
#define CV_REASON_NOT_CALLERS_RAM	6	/* object: a buffer address not in the caller's RAM */

/* Creating a cell: its configuration and the hypervisor's room. */
#define CV_REASON_CONFIG_INVALID	10	/* the blob breaks a rule of cellvisor-config(5) */
#define CV_REASON_NO_CELL_SLOT		11	/* object: the number of cells there can be */
#define CV_REASON_NO_MEMORY		12	/* the hypervisor's memory pool is full */
#define CV_REASON_BUILD_FAILED		13	/* object: the hypervisor's internal errno */

/* Creating a cell: what it asks for is not the root cell's to give. */
#define CV_REASON_CPUS_EMPTY_OR_ALL	20	/* no CPU, or every CPU of the root cell */
#define CV_REASON_CPU_BUSY		21	/* object: the CPU; holder: its cell */
#define CV_REASON_CPU_ONLINE		22	/* object: the CPU, still running Linux */
#define CV_REASON_CPU_WOKEN		23	/* object: the CPU, brought up meanwhile */
#define CV_REASON_MEM_NOT_ROOT_RAM	24	/* object: region index */
#define CV_REASON_MEM_RESERVED		25	/* object: region index: a device region over
						   RAM, the hypervisor or the GIC */
#define CV_REASON_MEM_BUSY		26	/* object: region index; holder: the cell */
#define CV_REASON_IRQ_BUSY		27	/* object: INTID; holder: the cell (0: root) */
#define CV_REASON_PCI_BUSY		28	/* object: bus << 8 | devfn; holder (0: root) */
#define CV_REASON_BAR_RESERVED		29	/* object: device index << 8 | BAR: over RAM,
						   the hypervisor or the GIC */
#define CV_REASON_BAR_BUSY		30	/* object: device index << 8 | BAR; holder */
#define CV_REASON_MEM_LINUX_RAM		31	/* (module) object: region index: System RAM of
						   the root Linux */

/* The lifecycle of a cell. */
#define CV_REASON_CELL_RUNNING		40	/* load of a running cell */
#define CV_REASON_NOT_LOADED		41	/* start of a cell not loaded; object: its state */
#define CV_REASON_SHUTDOWN_DENIED	42	/* the cell said no */
#define CV_REASON_SHUTDOWN_TIMEOUT	43	/* no answer in time (the cell failed); object:
						   the timeout in ms */
#define CV_REASON_CPUS_DO_NOT_STOP	44	/* object: the cell's CPU set */
#define CV_REASON_IMAGE_OUTSIDE		45	/* (module) object: image index: not inside one
						   loadable region */

/* The hypervisor as a whole (most found by cellvisor.ko before it enters). */
#define CV_REASON_ALREADY_ENABLED	50
#define CV_REASON_NOT_ENABLED		51
#define CV_REASON_CELLS_EXIST		52	/* disable: object: how many cells */
#define CV_REASON_ROOT_CPUS		53	/* the root cell's CPUs are not those online */
#define CV_REASON_HV_MEM_IN_USE		54	/* hypervisor memory overlaps Linux RAM or another
						   driver's region */
#define CV_REASON_HV_MEM_TOO_SMALL	55	/* object: KiB needed */
#define CV_REASON_NO_FIRMWARE		56	/* no /lib/firmware/cellvisor.bin */
#define CV_REASON_BAD_FIRMWARE		57	/* cellvisor.bin malformed */
#define CV_REASON_VERSION_MISMATCH	58	/* ABI or blob revision not the module's */
#define CV_REASON_NO_EL2		59	/* no hyp stub at EL2 to enter through */
#define CV_REASON_CPU_HOTPLUG		60	/* a CPU went on- or offline meanwhile */
#define CV_REASON_SYSTEM_REJECTED	61	/* the hypervisor failed to start for a reason
						   it did not name; object: its errno */
#define CV_REASON_GIC_TOO_SMALL		62	/* the configuration names more interrupts than
						   the GIC implements; object: those it does */

#define CV_REASON_IOMMU			63	/* the IOMMU cannot be set up (absent, in use,
						   lacking a feature); object: its address */

/* Inter-cell links (link.h).  object: the link id, or link id << 8 | peer index. */
#define CV_REASON_NO_SUCH_LINK		70	/* object: the link id */
#define CV_REASON_LINK_NOT_PEER		71	/* the caller is no peer of link 'object' */
#define CV_REASON_LINK_PEER_BUSY	72	/* create: object: link << 8 | peer; holder: the
						   cell that is that peer already */
#define CV_REASON_LINK_CONFLICT		73	/* create: object: link << 8 | peer: the peer's
						   address meets the cell's memory, devices or
						   the interrupt controller, or its doorbell is
						   not an interrupt of the cell's own */
#define CV_REASON_LINK_PEER_ABSENT	74	/* ring: object: link << 8 | peer: its cell does
						   not exist or does not run */

#define CV_REASON_MAX			74

#endif /* _CELLVISOR_REASON_H */
