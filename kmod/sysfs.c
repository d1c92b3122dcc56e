// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor kernel module: the attributes of /sys/devices/cellvisor/ and the
 * notifications.
 *
 * Every change is announced twice: sysfs_notify() on the attribute that changed (for
 * poll() on the sysfs file) and a KOBJ_CHANGE uevent of the misc device /dev/cellvisor
 * (SUBSYSTEM=misc, DEVNAME=cellvisor) that says what happened in CELLVISOR_EVENT, plus
 * CELL_ID, CELL_NAME and CELL_STATE for events of a cell.  The root device itself cannot
 * send uevents (it belongs to no bus or class), hence the misc device.
 */
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "cellvisor.h"

void cv_notify_attr(struct kobject *kobj, const char *attr)
{
	sysfs_notify(kobj, NULL, attr);
}

void cv_notify(const char *event, struct cv_cell *cell)
{
	char ev[48], id[24], name[16 + CV_CELL_NAME_LEN], state[32];
	char *envp[5] = { ev, NULL };

	snprintf(ev, sizeof(ev), "CELLVISOR_EVENT=%s", event);
	if (cell) {
		snprintf(id, sizeof(id), "CELL_ID=%u", cell->id);
		snprintf(name, sizeof(name), "CELL_NAME=%s", cell->name);
		snprintf(state, sizeof(state), "CELL_STATE=%s", cv_cell_state_name(cell->state));
		envp[1] = id;
		envp[2] = name;
		envp[3] = state;
	}
	kobject_uevent_env(&cv.misc_dev->kobj, KOBJ_CHANGE, envp);
}

static ssize_t enabled_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(cv.enabled));
}
static DEVICE_ATTR_RO(enabled);

/* Pool figures, in pages of 4 KiB, as the hypervisor counts them; 0 when disabled. */
static ssize_t cv_pool_show(char *buf, unsigned int what)
{
	u64 val = 0;
	int ret;

	ret = down_read_killable(&cv.state_sem);
	if (ret)
		return ret;
	if (cv.enabled)
		val = cv_get_info(what);
	up_read(&cv.state_sem);
	return sysfs_emit(buf, "%llu\n", val);
}

#define CV_POOL_ATTR(_name, _what)						\
static ssize_t _name##_show(struct device *dev, struct device_attribute *attr,	\
			    char *buf)						\
{										\
	return cv_pool_show(buf, _what);					\
}										\
static DEVICE_ATTR_RO(_name)

CV_POOL_ATTR(mem_pool_size, CV_INFO_MEM_POOL_SIZE);
CV_POOL_ATTR(mem_pool_used, CV_INFO_MEM_POOL_USED);
CV_POOL_ATTR(remap_pool_size, CV_INFO_REMAP_POOL_SIZE);
CV_POOL_ATTR(remap_pool_used, CV_INFO_REMAP_POOL_USED);

static ssize_t console_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return cv_console_show_tail(cv.hv_console, buf);
}
static DEVICE_ATTR_RO(console);

static struct attribute *cv_root_attrs[] = {
	&dev_attr_enabled.attr,
	&dev_attr_mem_pool_size.attr,
	&dev_attr_mem_pool_used.attr,
	&dev_attr_remap_pool_size.attr,
	&dev_attr_remap_pool_used.attr,
	&dev_attr_console.attr,
	NULL,
};

static const struct attribute_group cv_root_group = {
	.attrs = cv_root_attrs,
};

const struct attribute_group *cv_root_groups[] = {
	&cv_root_group,
	NULL,
};
