// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor kernel module: /dev/cellvisor, module setup and the reboot notifier.
 *
 * The module loads the Cellvisor hypervisor (cellvisor.bin) under the running Linux,
 * which becomes its root cell, and manages the cells through hypercalls.  The device ABI
 * is in include/cellvisor/ioctl.h and cellvisor(4).
 */
#include <linux/capability.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/poll.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include <cellvisor/header.h>
#include <cellvisor/ioctl.h>

#include "cellvisor.h"

struct cv_state cv;

/* One open file: which console it reads, and where it is. */
struct cv_file {
	struct mutex lock;		/* con and pos */
	struct cv_conbuf *con;
	u64 pos;
};

static bool cv_reserved_zero(const __u64 *r, unsigned int n)
{
	while (n--)
		if (*r++)
			return false;
	return true;
}

/* An ioctl structure with unknown flags or a non-zero reserved field: -EINVAL, and why. */
static long cv_bad_args(const char *ioctl)
{
	dev_err_ratelimited(cv.misc_dev, "%s: unknown flags or a non-zero reserved field (this module speaks API %u, see cellvisor(4))\n",
			    ioctl, CV_API_VERSION);
	return -EINVAL;
}

static int cv_open(struct inode *inode, struct file *file)
{
	struct cv_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	kref_get(&cv.hv_console->ref);
	f->con = cv.hv_console;
	f->pos = cv_console_oldest(f->con);
	file->private_data = f;
	return stream_open(inode, file);
}

static int cv_release(struct inode *inode, struct file *file)
{
	struct cv_file *f = file->private_data;

	cv_console_put(f->con);
	kfree(f);
	return 0;
}

static bool cv_file_pending(struct cv_file *f)
{
	return READ_ONCE(f->con->head) != f->pos || READ_ONCE(f->con->closed);
}

static ssize_t cv_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct cv_file *f = file->private_data;
	size_t len = min_t(size_t, count, PAGE_SIZE);
	ssize_t n;
	char *buf;
	int ret;

	if (!count)
		return 0;
	buf = kmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = mutex_lock_interruptible(&f->lock);
	if (ret)
		goto out_free;
	for (;;) {
		n = cv_console_copy(f->con, &f->pos, buf, len);
		if (n || READ_ONCE(f->con->closed))
			break;
		if (file->f_flags & O_NONBLOCK) {
			n = -EAGAIN;
			break;
		}
		ret = wait_event_interruptible(f->con->wait, cv_file_pending(f));
		if (ret) {
			n = ret;
			break;
		}
	}
	mutex_unlock(&f->lock);
	if (n > 0 && copy_to_user(ubuf, buf, n))
		n = -EFAULT;
	ret = n;
out_free:
	kfree(buf);
	return ret;
}

static __poll_t cv_poll(struct file *file, poll_table *wait)
{
	struct cv_file *f = file->private_data;
	struct cv_conbuf *con;
	__poll_t mask = 0;

	mutex_lock(&f->lock);
	con = f->con;
	poll_wait(file, &con->wait, wait);
	if (READ_ONCE(con->head) != f->pos)
		mask |= EPOLLIN | EPOLLRDNORM;
	else if (READ_ONCE(con->closed))
		mask |= EPOLLHUP;
	mutex_unlock(&f->lock);
	return mask;
}

static long cv_ioctl_get_version(void __user *uarg)
{
	struct cv_ioctl_version v = {
		.api_version = CV_API_VERSION,
		.abi_revision = CV_ABI_REVISION,
		.hv_abi_revision = READ_ONCE(cv.hv_abi_revision),
		.flags = READ_ONCE(cv.enabled) ? CV_VERSION_ENABLED : 0,
	};

	return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

/*
 * A management call's answer: its refusal (reason.h) goes back with the structure when it
 * failed; a create that succeeded returns the new id in it.
 */
static long cv_answer(void __user *uarg, const void *a, size_t size, long ret, bool always)
{
	if ((ret || always) && copy_to_user(uarg, a, size))
		return ret ?: -EFAULT;
	return ret;
}

static long cv_ioctl_enable(void __user *uarg)
{
	struct cv_ioctl_enable a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.flags || !cv_reserved_zero(a.reserved, ARRAY_SIZE(a.reserved)))
		return cv_bad_args("CV_IOCTL_ENABLE");
	memset(&a.refusal, 0, sizeof(a.refusal));
	return cv_answer(uarg, &a, sizeof(a),
			 cv_enable(u64_to_user_ptr(a.config), a.config_size, &a.refusal), false);
}

static long cv_ioctl_disable(void __user *uarg)
{
	struct cv_ioctl_disable a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.flags || a.reserved0 || !cv_reserved_zero(a.reserved, ARRAY_SIZE(a.reserved)))
		return cv_bad_args("CV_IOCTL_DISABLE");
	memset(&a.refusal, 0, sizeof(a.refusal));
	return cv_answer(uarg, &a, sizeof(a), cv_disable(&a.refusal), false);
}

static long cv_ioctl_cell_create(void __user *uarg)
{
	struct cv_ioctl_cell_create a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.flags || a.reserved0 || !cv_reserved_zero(a.reserved, ARRAY_SIZE(a.reserved)))
		return cv_bad_args("CV_IOCTL_CELL_CREATE");
	memset(&a.refusal, 0, sizeof(a.refusal));
	/* The cell exists even if the caller cannot learn its id: it is in sysfs too. */
	return cv_answer(uarg, &a, sizeof(a),
			 cv_cell_create(u64_to_user_ptr(a.config), a.config_size, &a.id,
					&a.refusal), true);
}

static long cv_ioctl_cell_load(void __user *uarg)
{
	struct cv_ioctl_cell_load a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.flags || a.reserved0 || !cv_reserved_zero(a.reserved, ARRAY_SIZE(a.reserved)))
		return cv_bad_args("CV_IOCTL_CELL_LOAD");
	memset(&a.refusal, 0, sizeof(a.refusal));
	return cv_answer(uarg, &a, sizeof(a),
			 cv_cell_load(a.id, u64_to_user_ptr(a.images), a.num_images, &a.refusal),
			 false);
}

static long cv_ioctl_cell_id(unsigned int cmd, void __user *uarg)
{
	struct cv_ioctl_cell_id a;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if ((a.flags & ~(cmd == CV_IOCTL_CELL_DESTROY ? CV_CELL_DESTROY_FORCE : 0)) ||
	    !cv_reserved_zero(a.reserved, ARRAY_SIZE(a.reserved)))
		return cv_bad_args(cmd == CV_IOCTL_CELL_START ? "CV_IOCTL_CELL_START" :
				   cmd == CV_IOCTL_CELL_SHUTDOWN ? "CV_IOCTL_CELL_SHUTDOWN" :
				   "CV_IOCTL_CELL_DESTROY");
	memset(&a.refusal, 0, sizeof(a.refusal));
	switch (cmd) {
	case CV_IOCTL_CELL_START:
		ret = cv_cell_start(a.id, &a.refusal);
		break;
	case CV_IOCTL_CELL_SHUTDOWN:
		ret = cv_cell_shutdown(a.id, &a.refusal);
		break;
	default:
		ret = cv_cell_destroy(a.id, a.flags & CV_CELL_DESTROY_FORCE, &a.refusal);
		break;
	}
	return cv_answer(uarg, &a, sizeof(a), ret, false);
}

static long cv_ioctl_cell_get_info(void __user *uarg)
{
	struct cv_ioctl_cell_info a;
	struct cv_cell *cell;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.flags || a.reserved0 || !cv_reserved_zero(a.reserved, ARRAY_SIZE(a.reserved)))
		return cv_bad_args("CV_IOCTL_CELL_GET_INFO");
	ret = down_read_killable(&cv.state_sem);
	if (ret)
		return ret;
	if (!cv.enabled) {
		ret = -ENODEV;
		goto out;
	}
	mutex_lock(&cv.cells_lock);
	cell = NULL;
	list_for_each_entry(cell, &cv.cells, list)
		if (cell->id == a.id)
			break;
	if (list_entry_is_head(cell, &cv.cells, list)) {
		mutex_unlock(&cv.cells_lock);
		ret = -ENOENT;
		goto out;
	}
	/*
	 * The state as recorded (sysfs, uevents): the poll work, the notification and the
	 * management calls record it, each after fetching the consoles that explain it.
	 */
	a.state = cell->state;
	memcpy(a.name, cell->name, sizeof(a.name));
	kobject_get(&cell->kobj);	/* a concurrent destroy may unlink it now */
	mutex_unlock(&cv.cells_lock);
	a.cpus_assigned = cv_cell_cpus_assigned(cell);
	a.cpus_failed = cv_cell_cpus_failed(cell);
	kobject_put(&cell->kobj);
	ret = copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
out:
	up_read(&cv.state_sem);
	return ret;
}

static long cv_ioctl_console_attach(struct cv_file *f, void __user *uarg)
{
	struct cv_ioctl_console a;
	struct cv_conbuf *con = NULL;
	struct cv_cell *cell;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.flags & ~(CV_CONSOLE_TAIL | CV_CONSOLE_HYPERVISOR) ||
	    !cv_reserved_zero(a.reserved, ARRAY_SIZE(a.reserved)))
		return cv_bad_args("CV_IOCTL_CONSOLE_ATTACH");
	if (!a.id != !!(a.flags & CV_CONSOLE_HYPERVISOR)) {
		dev_err_ratelimited(cv.misc_dev, "CV_IOCTL_CONSOLE_ATTACH: id %u with%s CV_CONSOLE_HYPERVISOR; the hypervisor console is id 0, a cell's console its id\n",
				    a.id, a.flags & CV_CONSOLE_HYPERVISOR ? "" : "out");
		return -EINVAL;
	}
	if (a.flags & CV_CONSOLE_HYPERVISOR) {
		con = cv.hv_console;
		kref_get(&con->ref);
	} else {
		mutex_lock(&cv.cells_lock);
		list_for_each_entry(cell, &cv.cells, list) {
			if (cell->id == a.id) {
				con = cell->console;
				kref_get(&con->ref);
				break;
			}
		}
		mutex_unlock(&cv.cells_lock);
		if (!con)
			return -ENOENT;
	}
	mutex_lock(&f->lock);
	cv_console_put(f->con);
	f->con = con;
	f->pos = (a.flags & CV_CONSOLE_TAIL) ? READ_ONCE(con->head) : cv_console_oldest(con);
	mutex_unlock(&f->lock);
	return 0;
}

static long cv_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	long ret;

	switch (cmd) {
	case CV_IOCTL_GET_VERSION:
		return cv_ioctl_get_version(uarg);
	case CV_IOCTL_CELL_GET_INFO:
		return cv_ioctl_cell_get_info(uarg);
	case CV_IOCTL_CONSOLE_ATTACH:
		return cv_ioctl_console_attach(file->private_data, uarg);
	case CV_IOCTL_ENABLE:
	case CV_IOCTL_DISABLE:
	case CV_IOCTL_CELL_CREATE:
	case CV_IOCTL_CELL_LOAD:
	case CV_IOCTL_CELL_START:
	case CV_IOCTL_CELL_SHUTDOWN:
	case CV_IOCTL_CELL_DESTROY:
		break;
	default:
		return -ENOTTY;
	}
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case CV_IOCTL_ENABLE:
		ret = cv_ioctl_enable(uarg);
		break;
	case CV_IOCTL_DISABLE:
		ret = cv_ioctl_disable(uarg);
		break;
	case CV_IOCTL_CELL_CREATE:
		ret = cv_ioctl_cell_create(uarg);
		break;
	case CV_IOCTL_CELL_LOAD:
		ret = cv_ioctl_cell_load(uarg);
		break;
	default:
		ret = cv_ioctl_cell_id(cmd, uarg);
		break;
	}
	cv_console_sync();	/* what the call made the hypervisor say, or why it refused */
	return ret;
}

static const struct file_operations cv_fops = {
	.owner = THIS_MODULE,
	.open = cv_open,
	.release = cv_release,
	.read = cv_read,
	.poll = cv_poll,
	.unlocked_ioctl = cv_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

static struct miscdevice cv_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "cellvisor",
	.fops = &cv_fops,
	.mode = 0600,
};

/* Hand the machine back to Linux before it restarts or powers off. */
static int cv_reboot(struct notifier_block *nb, unsigned long code, void *unused)
{
	int ret;

	if (!READ_ONCE(cv.enabled))
		return NOTIFY_DONE;
	cv_cells_destroy_all();
	ret = cv_disable(NULL);
	if (ret)
		dev_err(cv.misc_dev, "reboot: could not disable the hypervisor (%d)\n", ret);
	return NOTIFY_DONE;
}

static struct notifier_block cv_reboot_nb = {
	.notifier_call = cv_reboot,
};

static int __init cv_init(void)
{
	int ret;

	init_rwsem(&cv.state_sem);
	if (of_machine_is_compatible("cellvisor,cell")) {
		/* In a Linux cell: the hypervisor runs it already; only its links are ours. */
		cv.in_cell = true;
		cv.enabled = true;
		return cv_links_cell_init();
	}
	mutex_init(&cv.mgmt_lock);
	mutex_init(&cv.cells_lock);
	INIT_LIST_HEAD(&cv.cells);
	cv_poll_init();

	cv.hv_console = cv_console_alloc(0, SZ_64K);
	cv.fetch_page = (void *)get_zeroed_page(GFP_KERNEL);
	if (!cv.hv_console || !cv.fetch_page) {
		ret = -ENOMEM;
		goto err_free;
	}
	cv.root_dev = root_device_register("cellvisor");
	if (IS_ERR(cv.root_dev)) {
		ret = PTR_ERR(cv.root_dev);
		goto err_free;
	}
	ret = sysfs_create_groups(&cv.root_dev->kobj, cv_root_groups);
	if (ret)
		goto err_root;
	ret = cv_cells_init();
	if (ret)
		goto err_groups;
	cv_misc.parent = cv.root_dev;
	ret = misc_register(&cv_misc);
	if (ret)
		goto err_cells;
	cv.misc_dev = cv_misc.this_device;
	ret = register_reboot_notifier(&cv_reboot_nb);
	if (ret)
		goto err_misc;
	return 0;

err_misc:
	misc_deregister(&cv_misc);
err_cells:
	cv_cells_exit();
err_groups:
	sysfs_remove_groups(&cv.root_dev->kobj, cv_root_groups);
err_root:
	root_device_unregister(cv.root_dev);
err_free:
	free_page((unsigned long)cv.fetch_page);
	cv_console_put(cv.hv_console);
	return ret;
}

/* Only reached while disabled: enabling takes a reference on the module. */
static void __exit cv_exit(void)
{
	if (cv.in_cell) {
		cv_links_cell_exit();
		return;
	}
	unregister_reboot_notifier(&cv_reboot_nb);
	misc_deregister(&cv_misc);
	cv_cells_exit();
	sysfs_remove_groups(&cv.root_dev->kobj, cv_root_groups);
	root_device_unregister(cv.root_dev);
	free_page((unsigned long)cv.fetch_page);
	cv_console_put(cv.hv_console);
	cv_links_exit();
}

module_init(cv_init);
module_exit(cv_exit);

MODULE_DESCRIPTION("Cellvisor: static partitioning hypervisor loader and cell manager");
MODULE_LICENSE("GPL");
MODULE_FIRMWARE("cellvisor.bin");
