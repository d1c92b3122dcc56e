// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor kernel module: the attributes of /sys/devices/cellvisor/, of each cell's
 * directory cells/<id>/ and its statistics/, and the notifications.
 *
 * Every change is announced twice: sysfs_notify() on the attribute that changed (for
 * poll() on the sysfs file) and a KOBJ_CHANGE uevent of the misc device /dev/cellvisor
 * (SUBSYSTEM=misc, DEVNAME=cellvisor) that says what happened in CELLVISOR_EVENT, plus
 * CELL_ID, CELL_NAME and CELL_STATE for events of a cell.  The root device itself cannot
 * send uevents (it belongs to no bus or class), hence the misc device.
 */
#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include <linux/sysfs.h>

#include <cellvisor/names.h>

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

/* sysfs: cells/<id>/ */

struct cv_cell_attribute {
	struct attribute attr;
	ssize_t (*show)(struct cv_cell *cell, char *buf);
};

#define CV_CELL_ATTR(_name)						\
	static struct cv_cell_attribute cv_cell_attr_##_name = {	\
		.attr = { .name = __stringify(_name), .mode = 0444 },	\
		.show = cell_##_name##_show,				\
	}

static ssize_t cell_name_show(struct cv_cell *cell, char *buf)
{
	return sysfs_emit(buf, "%s\n", cell->name);
}

static ssize_t cell_state_show(struct cv_cell *cell, char *buf)
{
	return sysfs_emit(buf, "%s\n", cv_cell_state_name(cell->state));
}

static ssize_t cv_emit_cpu_set(char *buf, u64 set)
{
	unsigned long bits[BITS_TO_LONGS(CV_MAX_CPUS)];

	bitmap_from_u64(bits, set);
	return sysfs_emit(buf, "%*pbl\n", CV_MAX_CPUS, bits);
}

static ssize_t cell_cpus_assigned_show(struct cv_cell *cell, char *buf)
{
	return cv_emit_cpu_set(buf, cv_cell_cpus_assigned(cell));
}

static ssize_t cell_cpus_failed_show(struct cv_cell *cell, char *buf)
{
	u64 failed;
	int ret;

	ret = down_read_killable(&cv.state_sem);
	if (ret)
		return ret;
	failed = cv_cell_cpus_failed(cell);
	up_read(&cv.state_sem);
	return cv_emit_cpu_set(buf, failed);
}

static ssize_t cell_console_show(struct cv_cell *cell, char *buf)
{
	return cv_console_show_tail(cell->console, buf);
}

CV_CELL_ATTR(name);
CV_CELL_ATTR(state);
CV_CELL_ATTR(cpus_assigned);
CV_CELL_ATTR(cpus_failed);
CV_CELL_ATTR(console);

static struct attribute *cv_cell_attrs[] = {
	&cv_cell_attr_name.attr,
	&cv_cell_attr_state.attr,
	&cv_cell_attr_cpus_assigned.attr,
	&cv_cell_attr_cpus_failed.attr,
	&cv_cell_attr_console.attr,
	NULL,
};
ATTRIBUTE_GROUPS(cv_cell);

static ssize_t cv_cell_attr_show(struct kobject *kobj, struct attribute *attr, char *buf)
{
	struct cv_cell_attribute *a = container_of(attr, struct cv_cell_attribute, attr);

	return a->show(container_of(kobj, struct cv_cell, kobj), buf);
}

static const struct sysfs_ops cv_cell_sysfs_ops = {
	.show = cv_cell_attr_show,
};

static void cv_cell_release(struct kobject *kobj)
{
	struct cv_cell *cell = container_of(kobj, struct cv_cell, kobj);

	cv_console_put(cell->console);
	kfree(cell->config);
	kfree(cell);
}

static struct kobj_type cv_cell_ktype = {
	.release = cv_cell_release,
	.sysfs_ops = &cv_cell_sysfs_ops,
	.default_groups = cv_cell_groups,
};

/* The cell's kobject, to be added as cells/<id>: the cell is freed with its last reference. */
void cv_cell_kobj_init(struct cv_cell *cell)
{
	kobject_init(&cell->kobj, &cv_cell_ktype);
}

/* sysfs: cells/<id>/statistics/ and statistics/cpu<n>/ */

struct cv_stat_attribute {
	struct attribute attr;
	unsigned int stat;
};

static struct cv_stat_attribute cv_stat_attrs[CV_NUM_STATS];

static struct attribute *cv_stats_attrs[CV_NUM_STATS + 1];
ATTRIBUTE_GROUPS(cv_stats);

static ssize_t cv_stats_show(struct kobject *kobj, struct attribute *attr, char *buf)
{
	struct cv_stats_kobj *sk = container_of(kobj, struct cv_stats_kobj, kobj);
	struct cv_stat_attribute *a = container_of(attr, struct cv_stat_attribute, attr);
	unsigned long code = CV_CPU_INFO_STAT_BASE + a->stat;
	u64 set, sum = 0;
	unsigned int cpu;
	long val;
	int ret;

	set = sk->cpu < 0 ? cv_cell_cpus_assigned(sk->cell) : BIT_ULL(sk->cpu);
	ret = down_read_killable(&cv.state_sem);
	if (ret)
		return ret;
	if (!cv.enabled) {
		up_read(&cv.state_sem);
		return -ENODEV;
	}
	for (cpu = 0; cpu < CV_MAX_CPUS; cpu++) {
		if (!(set & BIT_ULL(cpu)))
			continue;
		val = cv_hc_cpu_get_info(cpu, code);
		if (val < 0) {
			up_read(&cv.state_sem);
			return val;
		}
		sum += val;
	}
	up_read(&cv.state_sem);
	return sysfs_emit(buf, "%llu\n", sum);
}

static const struct sysfs_ops cv_stats_sysfs_ops = {
	.show = cv_stats_show,
};

static void cv_stats_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct cv_stats_kobj, kobj));
}

static struct kobj_type cv_stats_ktype = {
	.release = cv_stats_release,
	.sysfs_ops = &cv_stats_sysfs_ops,
	.default_groups = cv_stats_groups,
};

/* statistics/ of a cell (cpu < 0) below 'parent', or cpu<n>/ of one CPU; NULL on failure. */
struct cv_stats_kobj *cv_stats_add(struct cv_cell *cell, struct kobject *parent, int cpu)
{
	struct cv_stats_kobj *sk = kzalloc(sizeof(*sk), GFP_KERNEL);
	int ret;

	if (!sk)
		return NULL;
	sk->cell = cell;
	sk->cpu = cpu;
	if (cpu < 0)
		ret = kobject_init_and_add(&sk->kobj, &cv_stats_ktype, parent, "statistics");
	else
		ret = kobject_init_and_add(&sk->kobj, &cv_stats_ktype, parent, "cpu%d", cpu);
	if (ret) {
		kobject_put(&sk->kobj);
		return NULL;
	}
	return sk;
}

void cv_stats_del(struct cv_stats_kobj *sk)
{
	if (!sk)
		return;
	kobject_del(&sk->kobj);
	kobject_put(&sk->kobj);
}

static const char * const cv_stat_names[CV_NUM_STATS] = CV_STAT_NAMES(CV_STAT_SYSFS_PREFIX);

/* The directory cells/ and the statistics attributes. */
int cv_cells_init(void)
{
	unsigned int i;

	for (i = 0; i < CV_NUM_STATS; i++) {
		cv_stat_attrs[i].attr.name = cv_stat_names[i];
		cv_stat_attrs[i].attr.mode = 0444;
		cv_stat_attrs[i].stat = i;
		cv_stats_attrs[i] = &cv_stat_attrs[i].attr;
	}
	cv.cells_kobj = kobject_create_and_add("cells", &cv.root_dev->kobj);
	return cv.cells_kobj ? 0 : -ENOMEM;
}

void cv_cells_exit(void)
{
	kobject_put(cv.cells_kobj);
}
