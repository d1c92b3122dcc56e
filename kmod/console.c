// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor kernel module: consoles.
 *
 * The hypervisor keeps a ring of its messages, and one per cell that writes through the
 * console hypercalls.  A delayed work fetches them with CV_HC_CONSOLE_READ into a page of
 * root-cell RAM and appends what is new to the module's own rings, which read() and poll()
 * on /dev/cellvisor and the sysfs "console" files serve.  The same work asks for every
 * cell's state, so that changes the cells make themselves (a failure, a shutdown, the
 * lock) are notified too.
 *
 * When the system configuration names a notification interrupt, the hypervisor raises it
 * on new console output and when a cell fails, and the work runs then, and otherwise once
 * every CV_POLL_NOTIFIED_MS for the states the cells change without the hypervisor seeing
 * it.  Without one the work polls every CV_POLL_MS.
 */
#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/of.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "cellvisor.h"

#define CV_POLL_MS		50
#define CV_POLL_NOTIFIED_MS	1000
#define CV_FWSPEC_GIC_SPI	0	/* first cell of a GIC interrupt specifier: an SPI */
#define CV_FETCH_ROUNDS		16	/* pages per console and poll, at most */
#define CV_SALVAGE_MAX		2048	/* bytes of a failed enable's console, at most */

static DEFINE_MUTEX(cv_fetch_lock);	/* cv.fetch_page and every hv_seq */

struct cv_conbuf *cv_console_alloc(u32 cell_id, size_t size)
{
	struct cv_conbuf *con = kzalloc(sizeof(*con), GFP_KERNEL);

	if (!con)
		return NULL;
	con->buf = kzalloc(size, GFP_KERNEL);
	if (!con->buf) {
		kfree(con);
		return NULL;
	}
	kref_init(&con->ref);
	spin_lock_init(&con->lock);
	init_waitqueue_head(&con->wait);
	con->size = size;
	con->cell_id = cell_id;
	return con;
}

static void cv_console_release(struct kref *ref)
{
	struct cv_conbuf *con = container_of(ref, struct cv_conbuf, ref);

	kfree(con->buf);
	kfree(con);
}

void cv_console_put(struct cv_conbuf *con)
{
	if (con)
		kref_put(&con->ref, cv_console_release);
}

void cv_console_close(struct cv_conbuf *con)
{
	spin_lock(&con->lock);
	con->closed = true;
	spin_unlock(&con->lock);
	wake_up_interruptible(&con->wait);
}

static void cv_console_append(struct cv_conbuf *con, const char *src, size_t n)
{
	size_t off, first;

	spin_lock(&con->lock);
	if (n > con->size) {
		con->head += n - con->size;
		src += n - con->size;
		n = con->size;
	}
	off = con->head & (con->size - 1);
	first = min(n, con->size - off);
	memcpy(con->buf + off, src, first);
	memcpy(con->buf, src + first, n - first);
	con->head += n;
	spin_unlock(&con->lock);
	wake_up_interruptible(&con->wait);
}

static u64 cv_console_oldest_locked(struct cv_conbuf *con)
{
	return con->head > con->size ? con->head - con->size : 0;
}

u64 cv_console_oldest(struct cv_conbuf *con)
{
	u64 oldest;

	spin_lock(&con->lock);
	oldest = cv_console_oldest_locked(con);
	spin_unlock(&con->lock);
	return oldest;
}

/*
 * Copy up to 'count' bytes from position *pos on; a reader that fell behind by more than
 * the ring skips to the oldest byte kept.  Returns the bytes copied.
 */
ssize_t cv_console_copy(struct cv_conbuf *con, u64 *pos, char *dst, size_t count)
{
	size_t n, off, first;

	spin_lock(&con->lock);
	*pos = clamp(*pos, cv_console_oldest_locked(con), con->head);
	n = min_t(u64, count, con->head - *pos);
	off = *pos & (con->size - 1);
	first = min(n, con->size - off);
	memcpy(dst, con->buf + off, first);
	memcpy(dst + first, con->buf, n - first);
	*pos += n;
	spin_unlock(&con->lock);
	return n;
}

/* The most recent text, as much as fits a sysfs page. */
ssize_t cv_console_show_tail(struct cv_conbuf *con, char *buf)
{
	u64 pos;

	if (!con)
		return 0;
	spin_lock(&con->lock);
	pos = con->head > PAGE_SIZE - 1 ? con->head - (PAGE_SIZE - 1) : 0;
	spin_unlock(&con->lock);
	return cv_console_copy(con, &pos, buf, PAGE_SIZE - 1);
}

/* Fetch what is new in the hypervisor's buffer for this console.  Needs state_sem. */
void cv_console_fetch(struct cv_conbuf *con)
{
	struct cv_console_read *hdr = cv.fetch_page;
	const long room = PAGE_SIZE - sizeof(*hdr);
	unsigned int round;
	long n;

	if (!con || !cv.enabled)
		return;
	mutex_lock(&cv_fetch_lock);
	for (round = 0; round < CV_FETCH_ROUNDS && !con->failed; round++) {
		hdr->seq = con->hv_seq;
		hdr->lost = 0;
		n = cv_hc_console_read(virt_to_phys(hdr), PAGE_SIZE, con->cell_id);
		if (n < 0 || n > room) {
			con->failed = true;
			if (con->cell_id)
				dev_warn(cv.misc_dev, "console of cell %u cannot be read (%ld); it is no longer followed\n",
					 con->cell_id, n);
			else
				dev_warn(cv.misc_dev, "the hypervisor console cannot be read (%ld); it is not followed until the next enable\n",
					 n);
			break;
		}
		con->hv_seq = hdr->seq;
		if (n)
			cv_console_append(con, (const char *)(hdr + 1), n);
		if (n < room)
			break;
	}
	mutex_unlock(&cv_fetch_lock);
}

/* Fetch; notify the sysfs "console" file under kobj if anything came.  Needs state_sem. */
void cv_console_refresh(struct cv_conbuf *con, struct kobject *kobj)
{
	u64 head = READ_ONCE(con->head);

	cv_console_fetch(con);
	if (READ_ONCE(con->head) != head)
		cv_notify_attr(kobj, "console");
}

/*
 * Bring the hypervisor console up to date: what a management call made the hypervisor
 * print is in /sys/devices/cellvisor/console and on /dev/cellvisor when the call returns.
 */
void cv_console_sync(void)
{
	down_read(&cv.state_sem);
	if (cv.enabled)
		cv_console_refresh(cv.hv_console, &cv.root_dev->kobj);
	up_read(&cv.state_sem);
}

/*
 * After a failed enable: take the hypervisor's last words from its console ring, still in its
 * memory (include/cellvisor/header.h), into the hypervisor console, and repeat them in the
 * kernel log.  Only this enable's output is there: the ring is in the bss the module zeroed.
 */
void cv_console_salvage(struct device *dev, const void *ring, u32 size)
{
	const char *text = ring + sizeof(u64);
	char *buf, *line, *next;
	size_t n, i;
	u64 seq;

	if (!size)
		return;
	/* What EL2 wrote, not lines cached here before the hypervisor ran. */
	cv_arch_clean_dcache((void *)ring, sizeof(u64) + size);
	seq = READ_ONCE(*(const u64 *)ring);
	n = min_t(u64, seq, min_t(u32, size, CV_SALVAGE_MAX));
	buf = kmalloc(n + 1, GFP_KERNEL);
	if (!buf || !n)
		goto out;
	for (i = 0; i < n; i++)
		buf[i] = text[(seq - n + i) & (size - 1)];
	buf[n] = '\0';
	cv_console_append(cv.hv_console, buf, n);
	cv_notify_attr(&cv.root_dev->kobj, "console");
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strstarts(line, "Cellvisor: "))
			line += strlen("Cellvisor: ");
		if (*line)
			dev_err(dev, "hypervisor: %s\n", line);
	}
out:
	kfree(buf);
}

static void cv_poll_fn(struct work_struct *work)
{
	struct cv_cell *cell;

	if (!down_read_trylock(&cv.state_sem))
		goto again;
	if (!cv.enabled) {
		up_read(&cv.state_sem);
		return;
	}
	cv_console_refresh(cv.hv_console, &cv.root_dev->kobj);

	mutex_lock(&cv.cells_lock);
	list_for_each_entry(cell, &cv.cells, list) {
		if (cv_cell_hv_console(cell))
			cv_console_refresh(cell->console, &cell->kobj);
		cv_cell_update_state(cell);
	}
	mutex_unlock(&cv.cells_lock);
	up_read(&cv.state_sem);
again:
	schedule_delayed_work(&cv.poll_work,
			      msecs_to_jiffies(cv.notify_virq ? CV_POLL_NOTIFIED_MS : CV_POLL_MS));
}

static irqreturn_t cv_notify_handler(int irq, void *data)
{
	mod_delayed_work(system_wq, &cv.poll_work, 0);
	return IRQ_HANDLED;
}

/*
 * Take the hypervisor's notification interrupt (platform.notify_irq, an SPI), mapped
 * through the GIC's interrupt domain.  Without it (none configured, no GICv3 node in the
 * device tree, or the mapping fails) the console work polls.
 */
void cv_notify_irq_start(u32 intid)
{
	struct device *dev = cv.misc_dev;
	struct irq_fwspec spec = {
		.param_count = 3,
		.param = { CV_FWSPEC_GIC_SPI, intid - 32, IRQ_TYPE_EDGE_RISING },
	};
	struct device_node *gic;
	unsigned int virq;
	int ret;

	cv.notify_intid = intid;
	if (intid < 32)		/* none (the hypervisor checked that it is an SPI) */
		return;
	gic = of_find_compatible_node(NULL, NULL, "arm,gic-v3");
	if (!gic) {
		dev_warn(dev, "no GICv3 in the device tree for the notification interrupt %u: polling every %d ms\n",
			 intid, CV_POLL_MS);
		return;
	}
	spec.fwnode = of_fwnode_handle(gic);
	virq = irq_create_fwspec_mapping(&spec);
	of_node_put(gic);
	if (!virq) {
		dev_warn(dev, "the notification interrupt %u cannot be mapped: polling every %d ms\n",
			 intid, CV_POLL_MS);
		return;
	}
	ret = request_irq(virq, cv_notify_handler, 0, "cellvisor", &cv);
	if (ret) {
		irq_dispose_mapping(virq);
		dev_warn(dev, "the notification interrupt %u cannot be requested (%d): polling every %d ms\n",
			 intid, ret, CV_POLL_MS);
		return;
	}
	cv.notify_virq = virq;
	dev_info(dev, "notification interrupt %u (IRQ %u): consoles fetched when the hypervisor says so\n",
		 intid, virq);
}

void cv_notify_irq_stop(void)
{
	if (!cv.notify_virq)
		return;
	free_irq(cv.notify_virq, &cv);
	irq_dispose_mapping(cv.notify_virq);
	cv.notify_virq = 0;
}

void cv_poll_init(void)
{
	INIT_DELAYED_WORK(&cv.poll_work, cv_poll_fn);
}

void cv_poll_start(void)
{
	schedule_delayed_work(&cv.poll_work, 0);
}

void cv_poll_stop(void)
{
	cancel_delayed_work_sync(&cv.poll_work);
}
