// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor kernel module: inter-cell links, one character device for each link the root
 * cell is a peer of (include/cellvisor/link-ioctl.h, cellvisor-link(4)).
 *
 * The devices exist while the hypervisor is enabled.  The root's doorbell interrupt counts
 * an event, wakes readers and schedules a refresh of the peers' states, which updates the
 * cached values sysfs shows and sends a uevent when a peer's cell or state changed.
 *
 * Locking: the cached values are under link->lock (a spinlock; the interrupt handler only
 * counts).  Hypercalls need cv.state_sem read-held; the refresh work only tries it, so that
 * disable, which holds it for writing, can cancel the work.  Sysfs attributes never take it.
 */
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/ioport.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include <cellvisor/link-ioctl.h>

#include "cellvisor.h"

#define CV_LINK_FWSPEC_SPI	0	/* first cell of a GIC interrupt specifier: an SPI */
#define CV_LINK_RETRY_MS	20	/* the refresh work, when state_sem is busy */
#define CV_LINK_REFRESH_MS	10	/* ... after a doorbell */
#define CV_LINK_UEVENT_MS	200	/* peer-state uevents: at most one in this time */

struct cv_link_dev {
	struct kref ref;
	struct miscdevice misc;
	char devname[48];
	char name[CV_LINK_NAME_LEN];
	u32 id;
	u64 phys, size;
	struct resource *res;		/* the memory, claimed in /proc/iomem */
	u32 intid;
	unsigned int virq;
	bool own_virq;			/* its mapping is the module's (the root's) */
	bool writable;
	bool dead;			/* the hypervisor is gone: every call fails */
	wait_queue_head_t wait;
	struct delayed_work work;
	atomic64_t events;		/* doorbell interrupts taken */
	spinlock_t lock;		/* now, last_uevent, uevent_owed */
	struct cv_link_event now;	/* the last refresh */
	unsigned long last_uevent;	/* jiffies of the last peer-state uevent */
	bool uevent_owed;		/* a change came too soon after it: one follows */
};

struct cv_link_file {
	struct cv_link_dev *link;
	u64 seen;			/* events up to which this file has read */
};

static struct cv_link_dev *cv_links[CV_LINK_MAX_LINKS];
static struct cv_link *cv_link_cfg;	/* the links of the system config, for a restart */
static u32 cv_link_cfg_count;		/* after a refused disable */

static void cv_link_release(struct kref *ref)
{
	kfree(container_of(ref, struct cv_link_dev, ref));
}

/* Ask the hypervisor for the peers' cells, states and counters.  Needs state_sem. */
static int cv_link_query(struct cv_link_dev *link, struct cv_link_event *ev)
{
	u32 p;
	long v;

	memset(ev, 0, sizeof(*ev));
	ev->events = atomic64_read(&link->events);
	spin_lock_irq(&link->lock);
	ev->num_peers = link->now.num_peers;
	ev->self = link->now.self;
	for (p = 0; p < ev->num_peers; p++)
		memcpy(ev->peers[p].cell, link->now.peers[p].cell, sizeof(ev->peers[p].cell));
	spin_unlock_irq(&link->lock);
	if (link->dead || !cv.enabled)
		return -ENODEV;
	for (p = 0; p < ev->num_peers; p++) {
		v = cv_hc_link_get_info(link->id, CV_LINK_INFO_CELL, p);
		ev->peers[p].cell_id = v < 0 ? -1 : v;
		v = cv_hc_link_get_info(link->id, CV_LINK_INFO_STATE, p);
		if (v < 0)
			return v;
		ev->peers[p].state = v;
		ev->peers[p].received = cv_hc_link_get_info(link->id, CV_LINK_INFO_RECEIVED, p);
		ev->peers[p].sent = cv_hc_link_get_info(link->id, CV_LINK_INFO_SENT, p);
		ev->peers[p].coalesced = cv_hc_link_get_info(link->id, CV_LINK_INFO_COALESCED, p);
	}
	return 0;
}

/*
 * Take a new snapshot; notify sysfs readers, and udev when a peer came, went or changed.
 * A peer that changes its state in a loop must not keep udev (and the root) busy: the
 * uevents of a link are at least CV_LINK_UEVENT_MS apart, and a change that comes sooner is
 * told by one uevent at the end of that time (the refresh work runs again then).
 */
static void cv_link_update(struct cv_link_dev *link, const struct cv_link_event *ev)
{
	char name[64], peers[64], *envp[] = { name, peers, NULL };
	unsigned long next;
	bool changed = false, send = false;
	u32 p;

	spin_lock_irq(&link->lock);
	for (p = 0; p < ev->num_peers; p++)
		changed |= ev->peers[p].cell_id != link->now.peers[p].cell_id ||
			   ev->peers[p].state != link->now.peers[p].state;
	link->now = *ev;
	next = link->last_uevent + msecs_to_jiffies(CV_LINK_UEVENT_MS);
	if ((changed || link->uevent_owed) && time_before(jiffies, next)) {
		link->uevent_owed = true;
	} else if (changed || link->uevent_owed) {
		link->uevent_owed = false;
		link->last_uevent = jiffies;
		send = true;
	}
	spin_unlock_irq(&link->lock);
	sysfs_notify(&link->misc.this_device->kobj, NULL, "events");
	if (changed)
		sysfs_notify(&link->misc.this_device->kobj, NULL, "peers");
	if (!send) {
		if (READ_ONCE(link->uevent_owed) && !READ_ONCE(link->dead))
			schedule_delayed_work(&link->work, time_before(jiffies, next) ?
					      next - jiffies : 0);
		return;
	}
	snprintf(name, sizeof(name), "CELLVISOR_LINK=%s", link->name);
	snprintf(peers, sizeof(peers), "CELLVISOR_LINK_EVENT=peer-state");
	kobject_uevent_env(&link->misc.this_device->kobj, KOBJ_CHANGE, envp);
}

static void cv_link_work(struct work_struct *work)
{
	struct cv_link_dev *link = container_of(to_delayed_work(work), struct cv_link_dev, work);
	struct cv_link_event ev;
	int ret;

	if (!down_read_trylock(&cv.state_sem)) {
		schedule_delayed_work(&link->work, msecs_to_jiffies(CV_LINK_RETRY_MS));
		return;
	}
	ret = cv_link_query(link, &ev);
	if (!ret)
		cv_link_update(link, &ev);
	up_read(&cv.state_sem);
}

static irqreturn_t cv_link_irq(int irq, void *data)
{
	struct cv_link_dev *link = data;

	atomic64_inc(&link->events);
	wake_up_interruptible(&link->wait);
	/* Not again while one is pending: a burst of doorbells costs one refresh. */
	schedule_delayed_work(&link->work, msecs_to_jiffies(CV_LINK_REFRESH_MS));
	return IRQ_HANDLED;
}

static int cv_link_open(struct inode *inode, struct file *file)
{
	struct cv_link_dev *link = container_of(file->private_data, struct cv_link_dev, misc);
	struct cv_link_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	kref_get(&link->ref);	/* misc_open() holds the registry: the link is there */
	f->link = link;
	f->seen = atomic64_read(&link->events);
	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int cv_link_close(struct inode *inode, struct file *file)
{
	struct cv_link_file *f = file->private_data;

	kref_put(&f->link->ref, cv_link_release);
	kfree(f);
	return 0;
}

static bool cv_link_ready(struct cv_link_file *f)
{
	return atomic64_read(&f->link->events) != f->seen || READ_ONCE(f->link->dead);
}

static ssize_t cv_link_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct cv_link_file *f = file->private_data;
	struct cv_link_event ev;
	int ret;

	if (count < sizeof(ev))
		return -EINVAL;
	if (!cv_link_ready(f)) {
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(f->link->wait, cv_link_ready(f));
		if (ret)
			return ret;
	}
	ret = down_read_killable(&cv.state_sem);
	if (ret)
		return ret;
	ret = cv_link_query(f->link, &ev);
	if (!ret)
		cv_link_update(f->link, &ev);	/* the device exists while state_sem is held */
	up_read(&cv.state_sem);
	if (ret)
		return ret;
	f->seen = ev.events;
	if (copy_to_user(buf, &ev, sizeof(ev)))
		return -EFAULT;
	return sizeof(ev);
}

static __poll_t cv_link_poll(struct file *file, poll_table *wait)
{
	struct cv_link_file *f = file->private_data;

	poll_wait(file, &f->link->wait, wait);
	if (READ_ONCE(f->link->dead))
		return EPOLLHUP | EPOLLERR;
	return cv_link_ready(f) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int cv_link_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct cv_link_dev *link = ((struct cv_link_file *)file->private_data)->link;
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 pages = link->size >> PAGE_SHIFT;

	if (READ_ONCE(link->dead))
		return -ENODEV;
	if (vma->vm_pgoff >= pages || len >> PAGE_SHIFT > pages - vma->vm_pgoff)
		return -EINVAL;
	if (!link->writable) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	vma->vm_flags |= VM_IO | VM_DONTEXPAND | VM_DONTDUMP;
	return remap_pfn_range(vma, vma->vm_start, (link->phys >> PAGE_SHIFT) + vma->vm_pgoff,
			       len, vma->vm_page_prot);
}

/* Ring a peer (ring) or set the root's state (!ring). */
static long cv_link_call(struct cv_link_dev *link, bool ring, u32 arg)
{
	long ret = down_read_killable(&cv.state_sem);

	if (ret)
		return ret;
	if (link->dead || !cv.enabled)
		ret = -ENODEV;
	else
		ret = ring ? cv_hc_link_ring(link->id, arg) : cv_hc_link_set_state(link->id, arg);
	/* The root's own state rings no one here: refresh (sysfs, uevent) all the same. */
	if (!ring && !ret)
		schedule_delayed_work(&link->work, 0);
	up_read(&cv.state_sem);
	if (ret < 0 && ret != -ENOTCONN && ret != -ENODEV)
		dev_err_ratelimited(link->misc.this_device, "link '%s': the hypervisor refused to %s %u (%ld)\n",
				    link->name, ring ? "ring peer" : "set the root's state to", arg,
				    ret);
	return ret < 0 ? ret : 0;
}

static long cv_link_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct cv_link_dev *link = ((struct cv_link_file *)file->private_data)->link;
	void __user *uarg = (void __user *)arg;
	struct cv_link_set_state st;
	struct cv_link_ring ring;
	struct cv_link_info *info;
	long ret;

	switch (cmd) {
	case CV_LINK_IOCTL_GET_INFO:
		info = kzalloc(sizeof(*info), GFP_KERNEL);
		if (!info)
			return -ENOMEM;
		ret = down_read_killable(&cv.state_sem);
		if (!ret) {
			ret = cv_link_query(link, &info->now);
			if (!ret)
				cv_link_update(link, &info->now);
			up_read(&cv.state_sem);
		}
		if (!ret) {
			memcpy(info->name, link->name, sizeof(info->name));
			info->size = link->size;
			info->address = link->phys;
			info->doorbell_irq = link->intid;
			info->flags = link->writable ? CV_LINK_INFO_F_WRITABLE : 0;
			info->link_id = link->id;
			if (copy_to_user(uarg, info, sizeof(*info)))
				ret = -EFAULT;
		}
		kfree(info);
		return ret;
	case CV_LINK_IOCTL_RING:
		if (copy_from_user(&ring, uarg, sizeof(ring)))
			return -EFAULT;
		if (ring.flags || ring.reserved)
			return -EINVAL;
		return cv_link_call(link, true, ring.peer);
	case CV_LINK_IOCTL_SET_STATE:
		if (copy_from_user(&st, uarg, sizeof(st)))
			return -EFAULT;
		if (st.flags || st.reserved)
			return -EINVAL;
		return cv_link_call(link, false, st.state);
	}
	return -ENOTTY;
}

static const struct file_operations cv_link_fops = {
	.owner = THIS_MODULE,
	.open = cv_link_open,
	.release = cv_link_close,
	.read = cv_link_read,
	.poll = cv_link_poll,
	.mmap = cv_link_mmap,
	.unlocked_ioctl = cv_link_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

/* Sysfs: /sys/class/misc/cellvisor-link-<name>/ */
static struct cv_link_dev *cv_link_of(struct device *dev)
{
	struct miscdevice *misc = dev_get_drvdata(dev);

	return container_of(misc, struct cv_link_dev, misc);
}

static ssize_t name_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", cv_link_of(dev)->name);
}
static DEVICE_ATTR_RO(name);

static ssize_t size_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", cv_link_of(dev)->size);
}
static DEVICE_ATTR_RO(size);

static ssize_t address_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%#llx\n", cv_link_of(dev)->phys);
}
static DEVICE_ATTR_RO(address);

static ssize_t doorbell_irq_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", cv_link_of(dev)->intid);
}
static DEVICE_ATTR_RO(doorbell_irq);

static ssize_t writable_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", cv_link_of(dev)->writable);
}
static DEVICE_ATTR_RO(writable);

static ssize_t events_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(&cv_link_of(dev)->events));
}
static DEVICE_ATTR_RO(events);

/*
 * One line per peer: index, cell name, cell id (- if absent), state, received, sent,
 * coalesced.
 */
static ssize_t peers_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct cv_link_dev *link = cv_link_of(dev);
	struct cv_link_event *ev = kmalloc(sizeof(*ev), GFP_KERNEL);
	ssize_t len = 0;
	u32 p;

	if (!ev)
		return -ENOMEM;
	spin_lock_irq(&link->lock);
	*ev = link->now;
	spin_unlock_irq(&link->lock);
	for (p = 0; p < ev->num_peers && p < CV_LINK_MAX_PEERS; p++) {
		const struct cv_link_peer_info *e = &ev->peers[p];

		if (e->cell_id < 0)
			len += sysfs_emit_at(buf, len, "%u %s - %u %u %u %u\n", p, e->cell,
					     e->state, e->received, e->sent, e->coalesced);
		else
			len += sysfs_emit_at(buf, len, "%u %s %d %u %u %u %u\n", p, e->cell,
					     e->cell_id, e->state, e->received, e->sent,
					     e->coalesced);
	}
	kfree(ev);
	return len;
}
static DEVICE_ATTR_RO(peers);

static struct attribute *cv_link_attrs[] = {
	&dev_attr_name.attr,
	&dev_attr_size.attr,
	&dev_attr_address.attr,
	&dev_attr_doorbell_irq.attr,
	&dev_attr_writable.attr,
	&dev_attr_events.attr,
	&dev_attr_peers.attr,
	NULL,
};
ATTRIBUTE_GROUPS(cv_link);

/* The root's doorbell SPI as a Linux interrupt, through the GIC's domain; 0 if none. */
static unsigned int cv_link_map_spi(u32 intid)
{
	struct irq_fwspec spec = {
		.param_count = 3,
		.param = { CV_LINK_FWSPEC_SPI, intid - 32, IRQ_TYPE_EDGE_RISING },
	};
	struct device_node *gic = of_find_compatible_node(NULL, NULL, "arm,gic-v3");
	unsigned int virq;

	if (!gic)
		return 0;
	spec.fwnode = of_fwnode_handle(gic);
	virq = irq_create_fwspec_mapping(&spec);
	of_node_put(gic);
	return virq;
}

static void cv_link_free_irq(struct cv_link_dev *link)
{
	if (!link->virq)
		return;
	free_irq(link->virq, link);
	if (link->own_virq)
		irq_dispose_mapping(link->virq);
	link->virq = 0;
}

/* A link device for peer 'self' of link 'id', its peers' names still empty. */
static struct cv_link_dev *cv_link_alloc(u32 id, const char *name, u32 self, u32 num_peers)
{
	struct cv_link_dev *link = kzalloc(sizeof(*link), GFP_KERNEL);
	u32 p;

	if (!link)
		return NULL;
	kref_init(&link->ref);
	spin_lock_init(&link->lock);
	init_waitqueue_head(&link->wait);
	INIT_DELAYED_WORK(&link->work, cv_link_work);
	link->id = id;
	strscpy(link->name, name, sizeof(link->name));
	link->now.num_peers = min_t(u32, num_peers, CV_LINK_MAX_PEERS);
	link->now.self = self;
	for (p = 0; p < link->now.num_peers; p++)
		link->now.peers[p].cell_id = -1;
	return link;
}

/*
 * Ask the hypervisor where the link is, claim its memory, take its doorbell interrupt
 * 'virq' (disposed of with the link when 'own_virq'), register the device under
 * 'parent' and set the caller's state up.  The link is freed on failure.
 */
static int cv_link_register(struct cv_link_dev *link, struct device *parent,
			    unsigned int virq, bool own_virq)
{
	struct device *log = cv.in_cell ? parent : cv.misc_dev;
	struct cv_link_event ev;
	int ret;

	link->phys = cv_hc_link_get_info(link->id, CV_LINK_INFO_ADDRESS, 0);
	link->size = cv_hc_link_get_info(link->id, CV_LINK_INFO_SIZE, 0);
	link->intid = cv_hc_link_get_info(link->id, CV_LINK_INFO_IRQ, 0);
	link->writable = cv_hc_link_get_info(link->id, CV_LINK_INFO_WRITABLE, 0) == 1;
	snprintf(link->devname, sizeof(link->devname), "cellvisor-link-%s", link->name);
	link->misc.minor = MISC_DYNAMIC_MINOR;
	link->misc.name = link->devname;
	link->misc.fops = &cv_link_fops;
	link->misc.groups = cv_link_groups;
	link->misc.parent = parent;
	link->misc.mode = 0600;

	if (!virq) {
		dev_err(log, "link '%s': its doorbell interrupt %u cannot be mapped; no device for it\n",
			link->name, link->intid);
		ret = -ENXIO;
		goto err_free;
	}
	link->res = request_mem_region(link->phys, link->size, link->devname);
	if (!link->res) {
		dev_err(log, "link '%s': its memory %#llx+%#llx is claimed by another driver (see /proc/iomem)\n",
			link->name, link->phys, link->size);
		ret = -EADDRINUSE;
		goto err_virq;
	}
	ret = request_irq(virq, cv_link_irq, 0, link->devname, link);
	if (ret) {
		dev_err(log, "link '%s': its doorbell interrupt %u cannot be requested (%d)\n",
			link->name, link->intid, ret);
		goto err_mem;
	}
	link->virq = virq;
	link->own_virq = own_virq;
	ret = misc_register(&link->misc);
	if (ret) {
		dev_err(log, "link '%s': cannot register /dev/%s (%d)\n", link->name,
			link->devname, ret);
		cv_link_free_irq(link);
		cancel_delayed_work_sync(&link->work);	/* an interrupt may have queued it */
		release_mem_region(link->phys, link->size);
		kfree(link);
		return ret;
	}
	cv_links[link->id] = link;
	cv_hc_link_set_state(link->id, CV_LINK_STATE_UP);
	if (!cv_link_query(link, &ev))
		cv_link_update(link, &ev);
	dev_info(log, "link '%s': /dev/%s, %llu KiB at %#llx, doorbell interrupt %u\n",
		 link->name, link->devname, link->size >> 10, link->phys, link->intid);
	return 0;

err_mem:
	release_mem_region(link->phys, link->size);
err_virq:
	if (own_virq && virq)
		irq_dispose_mapping(virq);
err_free:
	kfree(link);
	return ret;
}

/* The caller's state down, the device gone; open files get ENODEV. */
static void cv_link_unregister(struct cv_link_dev *link)
{
	cv_links[link->id] = NULL;
	if (cv.enabled)
		cv_hc_link_set_state(link->id, CV_LINK_STATE_DOWN);
	cv_link_free_irq(link);
	WRITE_ONCE(link->dead, true);
	cancel_delayed_work_sync(&link->work);
	wake_up_interruptible(&link->wait);
	misc_deregister(&link->misc);
	release_mem_region(link->phys, link->size);
	kref_put(&link->ref, cv_link_release);
}

/* One link the root is a peer of: the device, its interrupt, the root's state up. */
static int cv_link_add(u32 id, const struct cv_link *cfg)
{
	struct cv_link_dev *link;
	long self;
	u32 p;

	self = cv_hc_link_get_info(id, CV_LINK_INFO_SELF, 0);
	if (self < 0)
		return self == -EPERM ? 0 : self;	/* -EPERM: not the root's link */
	link = cv_link_alloc(id, cfg->name, self, cfg->num_peers);
	if (!link)
		return -ENOMEM;
	for (p = 0; p < link->now.num_peers; p++)
		strscpy(link->now.peers[p].cell, cfg->peers[p].cell,
			sizeof(link->now.peers[p].cell));
	return cv_link_register(link, cv.root_dev,
				cv_link_map_spi(cv_hc_link_get_info(id, CV_LINK_INFO_IRQ, 0)),
				true);
}

static void cv_links_add_all(void)
{
	u32 i;
	int ret;

	for (i = 0; i < cv_link_cfg_count; i++) {
		ret = cv_link_add(i, &cv_link_cfg[i]);
		if (ret)
			dev_err(cv.misc_dev, "link %u: no device (%d)\n", i, ret);
	}
}

/*
 * Before enable: the links' memory must not be Linux's RAM (the cells would share it with
 * whatever Linux put there).  The hypervisor checks the rest of the links' configuration.
 */
int cv_links_check(const struct cv_system_config *sys, u32 size)
{
	const struct cv_link *l = (const void *)sys + sys->links.offset;
	u32 i;

	if (!cv_array_ok(&sys->links, sizeof(*l), size)) {
		dev_err(cv.misc_dev, "enable: the links array (offset %u, %u entries) does not lie inside the %u-byte system configuration\n",
			sys->links.offset, sys->links.count, size);
		return -EINVAL;
	}
	for (i = 0; i < sys->links.count; i++) {
		if (l[i].size && l[i].phys_start + l[i].size > l[i].phys_start &&
		    !cv_is_system_ram(l[i].phys_start, l[i].size))
			continue;
		dev_err(cv.misc_dev, "enable: the memory of link %u (%#llx+%#llx) is empty or overlaps Linux's System RAM; reserve it (e.g. mem=) or move it\n",
			i, l[i].phys_start, l[i].size);
		return -EADDRINUSE;
	}
	return 0;
}

/*
 * After enable, state_sem write-held: a device for each link of the (checked) system
 * config the root is a peer of.
 */
void cv_links_start(const struct cv_system_config *sys)
{
	u32 n = min_t(u32, sys->links.count, CV_LINK_MAX_LINKS);

	cv_links_exit();
	if (!n)
		return;
	cv_link_cfg = kmemdup((const void *)sys + sys->links.offset, n * sizeof(*cv_link_cfg),
			      GFP_KERNEL);
	if (!cv_link_cfg)
		return;
	cv_link_cfg_count = n;
	cv_links_add_all();
}

/* Before disable, state_sem write-held: the root goes down, the devices go. */
void cv_links_stop(void)
{
	struct cv_link_dev *link;
	u32 i;

	for (i = 0; i < CV_LINK_MAX_LINKS; i++)
		if (cv_links[i])
			cv_link_unregister(cv_links[i]);
}

/* A refused disable: the devices again. */
void cv_links_restart(void)
{
	cv_links_add_all();
}

void cv_links_exit(void)
{
	kfree(cv_link_cfg);
	cv_link_cfg = NULL;
	cv_link_cfg_count = 0;
}

/*
 * In a Linux cell, cellvisor.ko only gives the cell the links it is a peer of, as the
 * device tree cellmgrd generates for it describes them: a link@ADDRESS node with
 * compatible "cellvisor,link", the link's index ("cellvisor,link-id"), its name ("label"),
 * its peers' cell names ("cellvisor,peers") and the cell's doorbell interrupt.  Where the
 * memory is and whether the cell may write it, the hypervisor says.
 */
static int cv_link_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *np = dev->of_node;
	struct cv_link_dev *link;
	const char *name, *peer;
	long self, peers;
	int virq, ret;
	u32 id, p;

	if (of_property_read_u32(np, "cellvisor,link-id", &id) || id >= CV_LINK_MAX_LINKS ||
	    of_property_read_string(np, "label", &name)) {
		dev_err(dev, "%pOF: no cellvisor,link-id below %u or no label; give the cell the device tree cellmgrd generates\n",
			np, CV_LINK_MAX_LINKS);
		return -EINVAL;
	}
	self = cv_hc_link_get_info(id, CV_LINK_INFO_SELF, 0);
	peers = cv_hc_link_get_info(id, CV_LINK_INFO_NUM_PEERS, 0);
	if (self < 0 || peers < 0) {
		dev_err(dev, "link %u ('%s'): the hypervisor refuses to say (%ld): this cell is no peer of it\n",
			id, name, self < 0 ? self : peers);
		return self < 0 ? self : peers;
	}
	virq = platform_get_irq(pdev, 0);
	if (virq < 0)
		return virq;
	link = cv_link_alloc(id, name, self, peers);
	if (!link)
		return -ENOMEM;
	for (p = 0; p < link->now.num_peers; p++)
		if (!of_property_read_string_index(np, "cellvisor,peers", p, &peer))
			strscpy(link->now.peers[p].cell, peer, sizeof(link->now.peers[p].cell));
	ret = cv_link_register(link, dev, virq, false);
	if (!ret)
		platform_set_drvdata(pdev, link);
	return ret;
}

static int cv_link_remove(struct platform_device *pdev)
{
	cv_link_unregister(platform_get_drvdata(pdev));
	return 0;
}

static const struct of_device_id cv_link_of_match[] = {
	{ .compatible = "cellvisor,link" },
	{ }
};
MODULE_DEVICE_TABLE(of, cv_link_of_match);

static struct platform_driver cv_link_driver = {
	.probe = cv_link_probe,
	.remove = cv_link_remove,
	.driver = {
		.name = "cellvisor-link",
		.of_match_table = cv_link_of_match,
	},
};

int cv_links_cell_init(void)
{
	return platform_driver_register(&cv_link_driver);
}

void cv_links_cell_exit(void)
{
	platform_driver_unregister(&cv_link_driver);
}
