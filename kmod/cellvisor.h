/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cellvisor kernel module: internal interfaces.
 *
 * Locking:
 *  - cv.state_sem: write-held while the hypervisor is being enabled or disabled,
 *    read-held around every hypercall, so no hypercall can reach Linux's hyp stub
 *    (which ignores the hvc immediate and would take x0 as one of its own calls).
 *  - cv.mgmt_lock: serializes enable, disable and the cell management calls.  Taken
 *    outside state_sem: a call that removes a cell's sysfs directory drops state_sem
 *    first (removing waits for the directory's readers, who may wait for state_sem) but
 *    keeps mgmt_lock until the directory is gone, because the next cell the hypervisor
 *    creates may get the same id.
 *  - cv.cells_lock: protects the cell list (short sections only).
 *  - struct cv_conbuf.lock: a console ring (spinlock, taken from the poll work).
 */
#ifndef _CELLVISOR_KMOD_H
#define _CELLVISOR_KMOD_H

#include <linux/kobject.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <cellvisor/config.h>
#include <cellvisor/hypercall.h>
#include <cellvisor/ioctl.h>

struct device;

/* A console: bytes fetched from the hypervisor, kept in a ring for readers. */
struct cv_conbuf {
	struct kref ref;
	spinlock_t lock;		/* buf, head, closed */
	wait_queue_head_t wait;
	char *buf;
	size_t size;		/* power of two */
	u64 head;		/* bytes ever appended */
	u64 hv_seq;		/* position in the hypervisor's buffer */
	u32 cell_id;		/* 0: the hypervisor console */
	bool closed;		/* the cell is gone: readers get end of file */
	bool failed;		/* the hypervisor refused to read it: stop asking */
};

struct cv_stats_kobj {
	struct kobject kobj;
	struct cv_cell *cell;
	int cpu;		/* config CPU number, or -1 for the sum over the cell */
};

struct cv_cell {
	struct kobject kobj;		/* cells/<id> */
	struct cv_stats_kobj *stats;	/* cells/<id>/statistics */
	struct cv_stats_kobj *cpu_stats[CV_MAX_CPUS];
	struct list_head list;
	u32 id;
	u32 state;			/* last CV_CELL_STATE_* seen */
	char name[CV_CELL_NAME_LEN];
	u64 cpu_set;			/* CPUs of the configuration */
	struct cv_cell_config *config;	/* copy of the blob (NULL for the root cell) */
	size_t config_size;
	struct cv_conbuf *console;
};

struct cv_state {
	struct device *root_dev;	/* /sys/devices/cellvisor */
	struct device *misc_dev;	/* /dev/cellvisor, sends the uevents */
	struct kobject *cells_kobj;	/* /sys/devices/cellvisor/cells */

	struct rw_semaphore state_sem;	/* see the top of this file */
	struct mutex mgmt_lock;		/* serializes cell management */
	struct mutex cells_lock;	/* the cells list */

	bool enabled;
	bool in_cell;		/* loaded in a Linux cell: links only */
	u32 hv_abi_revision;
	phys_addr_t hv_phys;
	u64 hv_size;
	struct resource *hv_res;
	u64 root_cpu_set;		/* CPUs of the root cell's configuration */
	u32 num_cpus;			/* platform.num_cpus */
	int aff0_to_cpu[CV_MAX_CPUS];	/* Linux CPU of each config CPU, -1: none */

	u64 mem_pool_size, mem_pool_used;
	u64 remap_pool_size, remap_pool_used;

	struct list_head cells;		/* struct cv_cell, the root cell first */
	struct cv_conbuf *hv_console;
	void *fetch_page;		/* CV_HC_CONSOLE_READ target, in root RAM */
	struct delayed_work poll_work;
	u32 notify_intid;		/* platform.notify_irq, 0: none */
	unsigned int notify_virq;	/* its Linux IRQ while taken, else 0 */
};

extern struct cv_state cv;

/* Does an array of 'count' elements of 'elem' bytes at 'offset' lie inside the blob? */
static inline bool cv_array_ok(const struct cv_array *a, size_t elem, u32 total)
{
	if (!a->count)
		return true;
	if (a->offset % 8 || a->offset > total)
		return false;
	return (u64)a->count * elem <= total - a->offset;
}

/* Does the hypervisor keep the cell's console output (hypercalls, emulated UART)? */
static inline bool cv_cell_hv_console(const struct cv_cell *cell)
{
	u32 type = cell->config ? cell->config->console.type : CV_CONSOLE_NONE;

	return cell->id && (type == CV_CONSOLE_HVC || type == CV_CONSOLE_VPL011);
}

/* Note why a management call is refused, for its caller (reason.h); returns 'err'. */
static inline int cv_refuse(struct cv_ioctl_refusal *why, int err, u32 reason, u64 object)
{
	if (why) {
		why->reason = reason;
		why->object = object;
		why->holder = 0;
	}
	return err;
}

/*
 * arch/<arch>/: the only architecture-specific code.  A hypercall returns x0 and, in 'why'
 * when not NULL, the reason of a refusal (x1..x3).
 */
long cv_arch_hypercall(unsigned long code, unsigned long arg1, unsigned long arg2,
		       unsigned long arg3, struct cv_ioctl_refusal *why);
int cv_arch_check_el2(struct device *dev);
int cv_arch_enter(phys_addr_t entry, phys_addr_t base, struct cv_ioctl_refusal *why);
void cv_arch_clean_dcache(void *addr, size_t size);
void cv_arch_sync_icache(void);
int cv_arch_cpu_id(void);	/* the running CPU's number as configs count them, or -1 */

/* hypervisor.c */
int cv_enable(const void __user *uconfig, u32 size, struct cv_ioctl_refusal *why);
int cv_disable(struct cv_ioctl_refusal *why);
void cv_refresh_pools(void);
bool cv_is_system_ram(u64 phys, u64 size);
u64 cv_get_info(unsigned int what);
/*
 * The hypercalls of include/cellvisor/hypercall.h, typed; each needs state_sem.  'why' (may
 * be NULL) gets the hypervisor's reason of a refusal.
 */
long cv_hc_cell_create(phys_addr_t config, size_t size, struct cv_ioctl_refusal *why);
long cv_hc_cell_set_loadable(u32 id, struct cv_ioctl_refusal *why);
long cv_hc_cell_start(u32 id, struct cv_ioctl_refusal *why);
long cv_hc_cell_shutdown(u32 id, struct cv_ioctl_refusal *why);
long cv_hc_cell_destroy(u32 id, bool force, struct cv_ioctl_refusal *why);
long cv_hc_cell_get_state(u32 id);
long cv_hc_cpu_get_info(unsigned int cpu, unsigned long what);
long cv_hc_console_read(phys_addr_t buf, size_t size, u32 cell_id);
/* Inter-cell links (include/cellvisor/link.h), the root's side. */
long cv_hc_link_get_info(u32 link, u32 what, u32 peer);
long cv_hc_link_ring(u32 link, u32 peer);
long cv_hc_link_set_state(u32 link, u32 state);

/* cell.c */
struct cv_cell *cv_cell_add(u32 id, const char *name, u64 cpu_set,
			    struct cv_cell_config *config, size_t config_size);
void cv_cell_unlink(struct cv_cell *cell);
void cv_cell_remove(struct cv_cell *cell);
struct cv_cell *cv_cell_find(u32 id);
u64 cv_cell_cpus_assigned(struct cv_cell *cell);
u64 cv_cell_cpus_failed(struct cv_cell *cell);
void cv_cell_update_state(struct cv_cell *cell);
const char *cv_cell_state_name(u32 state);
int cv_cell_create(const void __user *uconfig, u32 size, u32 *id,
		   struct cv_ioctl_refusal *why);
int cv_cell_load(u32 id, const void __user *uimages, u32 num_images,
		 struct cv_ioctl_refusal *why);
int cv_cell_start(u32 id, struct cv_ioctl_refusal *why);
int cv_cell_shutdown(u32 id, struct cv_ioctl_refusal *why);
int cv_cell_destroy(u32 id, bool force, struct cv_ioctl_refusal *why);
void cv_cells_destroy_all(void);

/* console.c */
struct cv_conbuf *cv_console_alloc(u32 cell_id, size_t size);
void cv_console_put(struct cv_conbuf *con);
void cv_console_close(struct cv_conbuf *con);
u64 cv_console_oldest(struct cv_conbuf *con);
ssize_t cv_console_copy(struct cv_conbuf *con, u64 *pos, char *dst, size_t count);
void cv_console_fetch(struct cv_conbuf *con);
void cv_console_refresh(struct cv_conbuf *con, struct kobject *kobj);
void cv_console_sync(void);
void cv_console_salvage(struct device *dev, const void *ring, u32 size);
void cv_poll_init(void);
void cv_poll_start(void);
void cv_poll_stop(void);
void cv_notify_irq_start(u32 intid);
void cv_notify_irq_stop(void);
ssize_t cv_console_show_tail(struct cv_conbuf *con, char *buf);

/* link.c */
int cv_links_check(const struct cv_system_config *sys, u32 size);
void cv_links_start(const struct cv_system_config *sys);
void cv_links_stop(void);
void cv_links_restart(void);
/* In a Linux cell: the links of its device tree. */
int cv_links_cell_init(void);
void cv_links_cell_exit(void);
void cv_links_exit(void);

/* sysfs.c */
extern const struct attribute_group *cv_root_groups[];
int cv_cells_init(void);
void cv_cells_exit(void);
void cv_cell_kobj_init(struct cv_cell *cell);
struct cv_stats_kobj *cv_stats_add(struct cv_cell *cell, struct kobject *parent, int cpu);
void cv_stats_del(struct cv_stats_kobj *sk);
void cv_notify(const char *event, struct cv_cell *cell);
void cv_notify_attr(struct kobject *kobj, const char *attr);

#endif /* _CELLVISOR_KMOD_H */
