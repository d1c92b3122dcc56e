/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Cellvisor binary configuration ABI, shared by the hypervisor, the kernel module and
 * userspace (which compiles it from JSON, see cellvisor-config(5)).
 *
 * A configuration is a "blob": a header (magic, revision, total size) followed by fixed-size
 * structures.  Variable-length parts are arrays described by a struct cv_array: a byte
 * offset from the start of the blob and an element count; every element has the fixed size
 * of its type.  All integers are little-endian, all structures naturally aligned with
 * explicit padding, and every reserved field and every unknown flag bit must be zero.
 *
 * A system blob describes the whole machine and embeds the root cell's blob; a cell blob
 * describes one cell.  Consumers must treat both as untrusted: check the header, that every
 * array lies inside total_size, and every value, before using any of it.
 */
#ifndef _CELLVISOR_CONFIG_H
#define _CELLVISOR_CONFIG_H

#include "link.h"
#include "types.h"

#define CV_SYSTEM_MAGIC		0x59535643U	/* "CVSY" as little-endian bytes */
#define CV_CELL_MAGIC		0x4c435643U	/* "CVCL" as little-endian bytes */
#define CV_CONFIG_REVISION	2

#define CV_CELL_NAME_LEN	32	/* including the terminating NUL */
#define CV_MAX_CPUS		64	/* CPU sets are one 64-bit word */
#define CV_PCI_NUM_BARS		6

/* Every blob starts with this header. */
struct cv_blob_header {
	__u32 magic;		/* CV_SYSTEM_MAGIC or CV_CELL_MAGIC */
	__u16 revision;		/* CV_CONFIG_REVISION */
	__u16 reserved0;	/* must be 0 */
	__u32 total_size;	/* bytes, header and all arrays included */
	__u32 reserved1;	/* must be 0 */
};

/* An array inside a blob: elements of a fixed size, starting 'offset' bytes into the blob. */
struct cv_array {
	__u32 offset;		/* from the start of the blob, aligned to 8; 0 when count is 0 */
	__u32 count;
};

/* Memory region flags. */
#define CV_MEM_READ		(1ULL << 0)
#define CV_MEM_WRITE		(1ULL << 1)
#define CV_MEM_EXECUTE		(1ULL << 2)
#define CV_MEM_IO		(1ULL << 3)	/* device memory: mapped uncached, never loadable */
#define CV_MEM_DMA		(1ULL << 4)	/* devices of the cell may DMA here */
#define CV_MEM_LOADABLE		(1ULL << 5)	/* root may map it to load images before start */
#define CV_MEM_COMM_REGION	(1ULL << 6)	/* the cell's communication region (one page) */
#define CV_MEM_ROOTSHARED	(1ULL << 7)	/* stays mapped in the root cell too */
#define CV_MEM_VALID_FLAGS	((1ULL << 8) - 1)

/*
 * A memory region: 'size' bytes at host physical 'phys_start' appear at guest physical
 * 'virt_start' in the cell.  Addresses and size are multiples of 4 KiB.  The communication
 * region has phys_start 0 (the hypervisor provides the page) and size 4 KiB.
 */
struct cv_mem_region {
	__u64 phys_start;
	__u64 virt_start;
	__u64 size;
	__u64 flags;		/* CV_MEM_* */
};

/* A range of interrupt lines (GIC INTIDs) owned by the cell: first .. first + count - 1. */
struct cv_irq_range {
	__u32 first;
	__u32 count;
};

/* A PCI BAR as assigned on the host; size 0 means the BAR is unused. */
struct cv_pci_bar {
	__u64 address;		/* host physical, also the address the cell sees */
	__u64 size;
};

#define CV_PCI_VALID_FLAGS	0U

/*
 * A PCI function owned by the cell.  The hypervisor maps each BAR into the cell at its host
 * address (the cell's memory regions do not list BARs); BARs lie in the root cell's I/O
 * regions (its PCI windows).  No cell maps the ECAM window: the hypervisor mediates
 * configuration space.  A function listed in the root cell is the root's own, never a cell's;
 * the root cell sees every function no other cell holds.
 */
struct cv_pci_device {
	__u16 domain;
	__u8 bus;
	__u8 devfn;		/* device << 3 | function */
	__u32 flags;		/* none defined yet: must be 0 */
	__u32 intx_irq;		/* INTID its INTx pin is routed to; 0 if it has none */
	__u32 reserved;		/* must be 0 */
	struct cv_pci_bar bars[CV_PCI_NUM_BARS];
};

/* Console types. */
#define CV_CONSOLE_NONE		0
#define CV_CONSOLE_PL011	1	/* the cell drives the UART itself */
#define CV_CONSOLE_HVC		2	/* the cell writes through CV_HC_DEBUG_CONSOLE_PUTC */
#define CV_CONSOLE_VPL011	3	/* the hypervisor emulates a PL011 at 'address' (guest
					   physical, in no memory region of the cell): what the
					   cell transmits goes to its console, as with HVC */

#define CV_CONSOLE_MIRROR	(1U << 0)	/* system console: copy hypervisor messages */
#define CV_CONSOLE_VALID_FLAGS	CV_CONSOLE_MIRROR

struct cv_console {
	__u64 address;		/* MMIO base of the UART */
	__u32 type;		/* CV_CONSOLE_* */
	__u32 flags;		/* CV_CONSOLE_MIRROR and friends */
};

/* The longest a cell may take to answer a shutdown request (a root CPU waits for it). */
#define CV_SHUTDOWN_TIMEOUT_MAX_MS	10000

/* Cell flags. */
#define CV_CELL_PASSIVE_COMMREG	(1ULL << 0)	/* the cell never answers shutdown requests:
						   it may be destroyed at any time */
#define CV_CELL_NO_RESET	(1ULL << 1)	/* PSCI SYSTEM_RESET ends the cell failed instead
						   of restarting it at its entry: its images
						   must be loaded again (an OS such as Linux
						   cannot start twice from the same memory) */
#define CV_CELL_BOOT_CPU_ONLY	(1ULL << 2)	/* a start wakes only the cell's first CPU;
						   the others wait for PSCI CPU_ON (what an
						   operating system's firmware does) */
#define CV_CELL_VALID_FLAGS	(CV_CELL_PASSIVE_COMMREG | CV_CELL_NO_RESET | \
				 CV_CELL_BOOT_CPU_ONLY)

/* A cell: header, then these fields, then the arrays wherever 'offset' says. */
struct cv_cell_config {
	struct cv_blob_header hdr;	/* magic CV_CELL_MAGIC */
	char name[CV_CELL_NAME_LEN];	/* NUL-terminated, NUL-padded, [A-Za-z0-9_.-] */
	__u64 flags;			/* CV_CELL_* */
	__u64 cpu_set;			/* bit n: CPU n (MPIDR Aff0 of the QEMU virt machine) */
	__u64 entry;			/* guest physical address the CPUs start at */
	__u32 shutdown_timeout_ms;	/* how long the cell may take to answer a shutdown,
					   at most CV_SHUTDOWN_TIMEOUT_MAX_MS */
	__u32 reserved;			/* must be 0 */
	struct cv_console console;	/* the UART the cell writes to, if any */
	struct cv_array mem_regions;	/* struct cv_mem_region; the root cell's include the
					   RAM that cells take while they exist */
	struct cv_array irq_ranges;	/* struct cv_irq_range: SPIs only; the root cell's are
					   its own devices' lines, never given to a cell */
	struct cv_array pci_devices;	/* struct cv_pci_device */
};

#define CV_GIC_V3		3

/* IOMMU types. */
#define CV_IOMMU_NONE		0	/* devices reach all memory: no DMA isolation */
#define CV_IOMMU_SMMUV3		1	/* Arm SMMUv3 (stage-1 translation is enough) */

#define CV_IOMMU_MIN_SIZE	0x20000	/* an SMMUv3: register pages 0 and 1 */
#define CV_IOMMU_MAX_STREAM_BITS 16

/*
 * The IOMMU in front of the PCI host bridge, owned by the hypervisor: no cell maps its
 * registers.  A PCI function's stream ID is its requester ID, bus << 8 | devfn (the
 * identity iommu-map of the QEMU virt machine); the stream table has an entry for the
 * stream IDs 0 .. (1 << stream_id_bits) - 1, and a device beyond it can do no DMA at all.
 */
struct cv_iommu {
	__u64 base;			/* MMIO base of its registers, 64 KiB aligned */
	__u64 size;			/* bytes of register space, at least CV_IOMMU_MIN_SIZE */
	__u32 type;			/* CV_IOMMU_*; NONE: every other field is 0 */
	__u32 event_irq;		/* SPI INTID of its event queue, kept from every cell
					   (the hypervisor polls the queue); 0: none */
	__u32 stream_id_bits;		/* 1 .. CV_IOMMU_MAX_STREAM_BITS */
	__u32 reserved;			/* must be 0 */
};

/* Platform: what the hypervisor must know of the machine. */
struct cv_platform {
	__u64 gicd_base;
	__u64 gicr_base;		/* redistributors of all CPUs, 128 KiB apart */
	__u32 gic_version;		/* CV_GIC_V3 */
	__u32 maintenance_irq;		/* PPI INTID of the GIC maintenance interrupt */
	__u64 pci_ecam_base;		/* 0: no PCI */
	__u16 pci_domain;
	__u8 pci_bus_start;
	__u8 pci_bus_end;
	__u32 num_cpus;			/* CPUs 0 .. num_cpus - 1 exist */
	__u32 num_irqs;			/* INTIDs 0 .. num_irqs - 1 exist (SPIs from 32) */
	__u32 notify_irq;		/* SPI INTID of the root cell the hypervisor raises on
					   console output and cell state changes; 0: none */
	struct cv_iommu iommu;		/* DMA isolation of the PCI devices */
};

#define CV_SYSTEM_VALID_FLAGS	0ULL

/* The whole machine: header, these fields, then the root cell's blob at root_cell.offset. */
struct cv_system_config {
	struct cv_blob_header hdr;	/* magic CV_SYSTEM_MAGIC */
	__u64 flags;			/* none defined yet: must be 0 */
	__u64 hv_mem_phys;		/* the hypervisor's own memory (code, data, pools) */
	__u64 hv_mem_size;
	struct cv_console debug_console;
	struct cv_platform platform;
	struct cv_array root_cell;	/* one embedded blob: offset, and count = its size in bytes */
	struct cv_array links;		/* struct cv_link (link.h): inter-cell links */
};

#endif /* _CELLVISOR_CONFIG_H */
