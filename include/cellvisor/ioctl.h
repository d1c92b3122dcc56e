/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Cellvisor device ABI: the ioctls of /dev/cellvisor (see cellvisor(4)).
 *
 * Every argument is a fixed-size structure with natural alignment and explicit padding;
 * user pointers travel as __u64.  Every input structure carries 'flags' (unknown bits make
 * the call fail with EINVAL) and reserved fields that must be zero (EINVAL otherwise), so
 * that later API versions can give them a meaning.  CV_IOCTL_GET_VERSION tells which
 * version of this API the module speaks; from version 2 on, a new version only ever adds
 * ioctls, flags or meanings of reserved fields, so a program built for version N >= 2 works
 * with any module of version >= N.  (Version 2 gave every management call an output
 * struct cv_ioctl_refusal, which changed their numbers: version 1 programs get ENOTTY.)
 *
 * Besides the ioctls, read() on /dev/cellvisor streams a console (the hypervisor's, or a
 * cell's after CV_IOCTL_CONSOLE_ATTACH) and poll() reports POLLIN when new bytes arrived.
 * The state of the hypervisor and of every cell is in sysfs, /sys/devices/cellvisor/.
 *
 * CPU sets are bitmaps where bit n is the CPU with MPIDR Aff0 = n, as in config.h.
 *
 * Errors (negative return of ioctl(), errno set; cellvisor(4) has the full list per call):
 *   every call   ENOTTY unknown command; EFAULT bad pointer; EINVAL unknown flag bit or
 *                non-zero reserved field; EPERM caller lacks CAP_SYS_ADMIN (all but
 *                GET_VERSION and CELL_GET_INFO); EINTR interrupted while waiting
 *   ENABLE       EBUSY already enabled; EINVAL malformed system blob; EPROTO blob revision
 *                or cellvisor.bin ABI revision not the module's; ENXIO the root cell's CPU
 *                set is not exactly the online CPUs; EADDRINUSE hypervisor memory overlaps
 *                Linux RAM or another driver's region; ENOENT no cellvisor.bin; ENOEXEC
 *                cellvisor.bin malformed; EFBIG image, config and per-CPU data do not fit
 *                in the hypervisor memory; ENODEV no EL2 hyp stub to enter through;
 *                EAGAIN a CPU went on- or offline during enable; ENOMEM; or the negative
 *                errno the hypervisor returned from its entry (Linux is left as it was)
 *   DISABLE      EINVAL not enabled; EBUSY cells other than the root still exist
 *   cell calls   ENODEV hypervisor not enabled; ENOENT no cell with that id; EINVAL the
 *                root cell (id 0) where it cannot be the target; ERANGE (LOAD) an image
 *                not inside one loadable region; EINVAL/EPROTO (CREATE) malformed blob;
 *                and whatever the hypervisor answers, passed on unchanged: EPERM a cell
 *                holds the lock (running/locked) or the shutdown was denied, EBUSY a CPU,
 *                region, IRQ or device is not the root's to give, ENOSYS the running
 *                hypervisor does not know the call (an older cellvisor.bin than the module)
 */
#ifndef _CELLVISOR_IOCTL_H
#define _CELLVISOR_IOCTL_H

#include <linux/ioctl.h>
#include "types.h"
#include "config.h"
#include "reason.h"

#define CV_API_VERSION		2

/* Not taken in Linux's Documentation/userspace-api/ioctl/ioctl-number.rst */
#define CV_IOCTL_MAGIC		0xC7

#define CV_CONFIG_MAX_SIZE	(256 * 1024)	/* largest system or cell blob accepted */
#define CV_LOAD_MAX_IMAGES	64		/* largest num_images of CV_IOCTL_CELL_LOAD */

/* CV_IOCTL_GET_VERSION: output only. */
#define CV_VERSION_ENABLED	(1U << 0)	/* flags: the hypervisor is enabled */

struct cv_ioctl_version {
	__u32 api_version;	/* CV_API_VERSION of the module */
	__u32 abi_revision;	/* CV_ABI_REVISION (header.h) the module loads */
	__u32 hv_abi_revision;	/* revision the running hypervisor reports; 0: not enabled */
	__u32 flags;		/* CV_VERSION_* */
	__u64 reserved[2];	/* 0 */
};

/*
 * Why a management call was refused, filled in whenever it fails (also when the errno
 * says all there is: reason CV_REASON_NONE).  Output only: its input value is ignored.
 * The kernel log and the hypervisor console say the same in words, for people.
 */
struct cv_ioctl_refusal {
	__u32 reason;		/* CV_REASON_* (reason.h) */
	__u32 reserved;		/* 0 */
	__u64 object;		/* what the reason concerns: a CPU, region index, INTID, ... */
	__u64 holder;		/* the id of the cell that holds it (0: the root cell) */
};

/* CV_IOCTL_ENABLE: load cellvisor.bin and make the calling Linux the root cell. */
struct cv_ioctl_enable {
	__u64 config;		/* in: user pointer to a system blob (struct cv_system_config) */
	__u32 config_size;	/* in: its size in bytes, == its header's total_size */
	__u32 flags;		/* in: none defined: 0 */
	__u64 reserved[2];	/* in: 0 */
	struct cv_ioctl_refusal refusal;	/* out */
};

/* CV_IOCTL_DISABLE: hand the machine back to Linux. */
struct cv_ioctl_disable {
	__u32 flags;		/* in: none defined: 0 */
	__u32 reserved0;	/* in: 0 */
	__u64 reserved[2];	/* in: 0 */
	struct cv_ioctl_refusal refusal;	/* out */
};

/* CV_IOCTL_CELL_CREATE: create a cell from a cell blob; its CPUs leave Linux. */
struct cv_ioctl_cell_create {
	__u64 config;		/* in: user pointer to a cell blob (struct cv_cell_config) */
	__u32 config_size;	/* in: its size in bytes, == its header's total_size */
	__u32 flags;		/* in: none defined: 0 */
	__u32 id;		/* out: the new cell's id (> 0) */
	__u32 reserved0;	/* in: 0 */
	__u64 reserved[2];	/* in: 0 */
	struct cv_ioctl_refusal refusal;	/* out */
};

/* One image for CV_IOCTL_CELL_LOAD. */
struct cv_ioctl_image {
	__u64 source;		/* user pointer to the bytes to copy */
	__u64 size;		/* bytes, > 0 */
	/* Guest physical address: the image must lie in one CV_MEM_LOADABLE region. */
	__u64 target;
	__u64 flags;		/* none defined: 0 */
};

/*
 * CV_IOCTL_CELL_LOAD: make the cell's loadable regions accessible to the root cell
 * (the cell goes to state "loadable", whatever ran in it stops) and copy the images in.
 */
struct cv_ioctl_cell_load {
	__u32 id;		/* cell id */
	__u32 num_images;	/* 1 .. CV_LOAD_MAX_IMAGES */
	__u64 images;		/* user pointer to num_images struct cv_ioctl_image */
	__u32 flags;		/* none defined: 0 */
	__u32 reserved0;	/* 0 */
	__u64 reserved[2];	/* 0 */
	struct cv_ioctl_refusal refusal;	/* out */
};

/*
 * CV_IOCTL_CELL_DESTROY: do not ask a running cell to shut down; stop it whatever it
 * would answer (another cell's lock still counts).
 */
#define CV_CELL_DESTROY_FORCE	(1U << 0)

/* CV_IOCTL_CELL_START, CV_IOCTL_CELL_SHUTDOWN, CV_IOCTL_CELL_DESTROY. */
struct cv_ioctl_cell_id {
	__u32 id;		/* cell id */
	__u32 flags;		/* DESTROY: CV_CELL_DESTROY_FORCE; else none: 0 */
	__u64 reserved[2];	/* 0 */
	struct cv_ioctl_refusal refusal;	/* out */
};

/* CV_IOCTL_CELL_GET_INFO: what sysfs shows of one cell, in one consistent snapshot. */
struct cv_ioctl_cell_info {
	__u32 id;			/* in: cell id (0: the root cell) */
	__u32 flags;			/* in: none defined: 0 */
	__u32 state;			/* out: CV_CELL_STATE_* (hypercall.h) */
	__u32 reserved0;		/* out: 0 */
	__u64 cpus_assigned;		/* out: CPU set of the cell */
	__u64 cpus_failed;		/* out: those of its CPUs the hypervisor marked failed */
	char name[CV_CELL_NAME_LEN];	/* out: NUL-terminated */
	__u64 reserved[4];		/* in: 0; out: 0 */
};

/*
 * CV_IOCTL_CONSOLE_ATTACH: make read() and poll() on this file descriptor follow the
 * console of cell 'id' (the text it writes with CV_HC_DEBUG_CONSOLE_PUTC) instead of the
 * hypervisor console.  Once the cell is destroyed, read() returns 0 (end of file) after the
 * last buffered byte.
 */
/* Start after what is buffered now, instead of at the oldest buffered byte. */
#define CV_CONSOLE_TAIL		(1U << 0)
/* Follow the hypervisor console again; 'id' must be 0. */
#define CV_CONSOLE_HYPERVISOR	(1U << 1)

struct cv_ioctl_console {
	__u32 id;		/* cell id, > 0 */
	__u32 flags;		/* CV_CONSOLE_TAIL, CV_CONSOLE_HYPERVISOR */
	__u64 reserved[2];	/* 0 */
};

#define CV_IOCTL_GET_VERSION	_IOR(CV_IOCTL_MAGIC, 0x00, struct cv_ioctl_version)
#define CV_IOCTL_ENABLE		_IOWR(CV_IOCTL_MAGIC, 0x01, struct cv_ioctl_enable)
#define CV_IOCTL_DISABLE	_IOWR(CV_IOCTL_MAGIC, 0x02, struct cv_ioctl_disable)
#define CV_IOCTL_CELL_CREATE	_IOWR(CV_IOCTL_MAGIC, 0x03, struct cv_ioctl_cell_create)
#define CV_IOCTL_CELL_LOAD	_IOWR(CV_IOCTL_MAGIC, 0x04, struct cv_ioctl_cell_load)
#define CV_IOCTL_CELL_START	_IOWR(CV_IOCTL_MAGIC, 0x05, struct cv_ioctl_cell_id)
#define CV_IOCTL_CELL_SHUTDOWN	_IOWR(CV_IOCTL_MAGIC, 0x06, struct cv_ioctl_cell_id)
#define CV_IOCTL_CELL_DESTROY	_IOWR(CV_IOCTL_MAGIC, 0x07, struct cv_ioctl_cell_id)
#define CV_IOCTL_CELL_GET_INFO	_IOWR(CV_IOCTL_MAGIC, 0x08, struct cv_ioctl_cell_info)
#define CV_IOCTL_CONSOLE_ATTACH	_IOW(CV_IOCTL_MAGIC, 0x09, struct cv_ioctl_console)

#endif /* _CELLVISOR_IOCTL_H */
