// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor kernel module: cells and their management calls.  Their sysfs directories
 * /sys/devices/cellvisor/cells/<id>/ are in sysfs.c.
 */
#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <cellvisor/ioctl.h>
#include <cellvisor/names.h>

#include "cellvisor.h"

#define CV_LOAD_CHUNK	SZ_1M

static const char * const cv_state_names[] = CV_CELL_STATE_NAMES;

const char *cv_cell_state_name(u32 state)
{
	if (state < ARRAY_SIZE(cv_state_names))
		return cv_state_names[state];
	return "unknown";
}

/* Must be called with cells_lock held. */
static struct cv_cell *cv_cell_find_locked(u32 id)
{
	struct cv_cell *cell;

	list_for_each_entry(cell, &cv.cells, list)
		if (cell->id == id)
			return cell;
	return NULL;
}

struct cv_cell *cv_cell_find(u32 id)
{
	struct cv_cell *cell;

	mutex_lock(&cv.cells_lock);
	cell = cv_cell_find_locked(id);
	mutex_unlock(&cv.cells_lock);
	return cell;
}

/* The CPUs a cell holds now: the root cell's shrink while other cells exist. */
u64 cv_cell_cpus_assigned(struct cv_cell *cell)
{
	struct cv_cell *other;
	u64 set = cell->cpu_set;

	if (cell->id)
		return set;
	mutex_lock(&cv.cells_lock);
	list_for_each_entry(other, &cv.cells, list)
		if (other->id)
			set &= ~other->cpu_set;
	mutex_unlock(&cv.cells_lock);
	return set;
}

/* Needs state_sem. */
u64 cv_cell_cpus_failed(struct cv_cell *cell)
{
	u64 set = cv_cell_cpus_assigned(cell), failed = 0;
	unsigned int cpu;

	if (!cv.enabled)
		return 0;
	for (cpu = 0; cpu < CV_MAX_CPUS; cpu++)
		if ((set & BIT_ULL(cpu)) &&
		    cv_hc_cpu_get_info(cpu, CV_CPU_INFO_STATE) == CV_CPU_FAILED)
			failed |= BIT_ULL(cpu);
	return failed;
}

/*
 * Serialises the state updates: the poll work and the management calls both ask, and an
 * answer read before another caller's newer one must not be stored after it.
 */
static DEFINE_MUTEX(cv_state_lock);

/* Ask the hypervisor for the cell's state; notify when it changed.  Needs state_sem. */
void cv_cell_update_state(struct cv_cell *cell)
{
	long state;

	if (!cv.enabled)
		return;
	mutex_lock(&cv_state_lock);
	state = cv_hc_cell_get_state(cell->id);
	if (state < 0 || state == cell->state) {
		mutex_unlock(&cv_state_lock);
		return;
	}
	/* What explains the change (a fault, the cell's last words) is in the consoles first. */
	cv_console_refresh(cv.hv_console, &cv.root_dev->kobj);
	if (cv_cell_hv_console(cell))
		cv_console_refresh(cell->console, &cell->kobj);
	cell->state = state;
	cv_notify_attr(&cell->kobj, "state");
	cv_notify_attr(&cell->kobj, "cpus_failed");
	cv_notify("cell-state", cell);
	mutex_unlock(&cv_state_lock);
}

/*
 * Register a cell the hypervisor has created.  Takes over 'config'.  Needs state_sem.
 * Returns NULL only when sysfs could not be set up; the cell then exists in the
 * hypervisor without the module tracking it.
 */
struct cv_cell *cv_cell_add(u32 id, const char *name, u64 cpu_set,
			    struct cv_cell_config *config, size_t config_size)
{
	struct cv_cell *cell = kzalloc(sizeof(*cell), GFP_KERNEL);
	unsigned int cpu;

	if (!cell) {
		kfree(config);
		return NULL;
	}
	cell->id = id;
	strscpy(cell->name, name, sizeof(cell->name));
	cell->cpu_set = cpu_set;
	cell->config = config;
	cell->config_size = config_size;
	cell->state = id ? CV_CELL_STATE_CREATED : CV_CELL_STATE_RUNNING;
	INIT_LIST_HEAD(&cell->list);
	cv_cell_kobj_init(cell);
	if (id) {
		cell->console = cv_console_alloc(id, SZ_16K);
	} else {
		/* The root cell's console is the hypervisor's. */
		kref_get(&cv.hv_console->ref);
		cell->console = cv.hv_console;
	}
	if (!cell->console || kobject_add(&cell->kobj, cv.cells_kobj, "%u", id)) {
		kobject_put(&cell->kobj);
		return NULL;
	}
	cell->stats = cv_stats_add(cell, &cell->kobj, -1);
	for (cpu = 0; cell->stats && cpu < CV_MAX_CPUS; cpu++)
		if (cpu_set & BIT_ULL(cpu))
			cell->cpu_stats[cpu] = cv_stats_add(cell, &cell->stats->kobj, cpu);

	mutex_lock(&cv.cells_lock);
	list_add_tail(&cell->list, &cv.cells);
	mutex_unlock(&cv.cells_lock);

	cv_cell_update_state(cell);
	cv_notify("cell-created", cell);
	return cell;
}

/* Takes the cell off the list: lookups and the poll work no longer find it. */
void cv_cell_unlink(struct cv_cell *cell)
{
	mutex_lock(&cv.cells_lock);
	list_del_init(&cell->list);
	mutex_unlock(&cv.cells_lock);
}

/*
 * Removes an unlinked cell's sysfs directory and drops it.  Must be called without
 * state_sem (removing a directory waits for its readers, who may wait for state_sem),
 * and with mgmt_lock: the hypervisor may give the next cell the same id.
 */
void cv_cell_remove(struct cv_cell *cell)
{
	unsigned int cpu;

	if (cell->id)
		cv_console_close(cell->console);
	cv_notify("cell-destroyed", cell);
	for (cpu = 0; cpu < CV_MAX_CPUS; cpu++)
		cv_stats_del(cell->cpu_stats[cpu]);
	cv_stats_del(cell->stats);
	kobject_del(&cell->kobj);
	kobject_put(&cell->kobj);
}

static int cv_check_cell_config(struct device *dev, const struct cv_cell_config *c, u32 size,
				struct cv_ioctl_refusal *why)
{
	const struct cv_mem_region *mem;
	u32 i;

	if (c->hdr.magic != CV_CELL_MAGIC) {
		dev_err(dev, "create: the configuration starts with magic %#x, not %#x (\"CVCL\"): it is not a cell configuration blob\n",
			c->hdr.magic, CV_CELL_MAGIC);
		return -EINVAL;
	}
	if (c->hdr.revision != CV_CONFIG_REVISION) {
		dev_err(dev, "create: the cell configuration has revision %u, this module reads revision %u\n",
			c->hdr.revision, CV_CONFIG_REVISION);
		return cv_refuse(why, -EPROTO, CV_REASON_VERSION_MISMATCH, c->hdr.revision);
	}
	if (c->hdr.total_size != size || c->hdr.reserved0 || c->hdr.reserved1) {
		dev_err(dev, "create: the cell configuration's header is inconsistent (total_size %u, %u bytes passed, or reserved fields set)\n",
			c->hdr.total_size, size);
		return -EINVAL;
	}
	if (!c->name[0] || strnlen(c->name, sizeof(c->name)) == sizeof(c->name)) {
		dev_err(dev, "create: the cell's name is empty or not NUL-terminated\n");
		return -EINVAL;
	}
	if (!c->mem_regions.count ||
	    !cv_array_ok(&c->mem_regions, sizeof(*mem), size)) {
		dev_err(dev, "create: cell '%s': its memory regions do not lie inside its %u-byte configuration\n",
			c->name, size);
		return -EINVAL;
	}
	mem = (const void *)c + c->mem_regions.offset;
	for (i = 0; i < c->mem_regions.count; i++, mem++) {
		if (mem->virt_start + mem->size < mem->virt_start ||
		    mem->phys_start + mem->size < mem->phys_start) {
			dev_err(dev, "create: cell '%s': memory region %u wraps around\n",
				c->name, i);
			return -EINVAL;
		}
		/*
		 * The hypervisor only knows the root cell's configuration, which lists the
		 * RAM Linux runs in too: taking it from the root would pull live pages out
		 * from under the kernel.  The communication region has no address.
		 */
		if (!(mem->flags & CV_MEM_COMM_REGION) &&
		    cv_is_system_ram(mem->phys_start, mem->size)) {
			dev_err_ratelimited(dev, "create: cell '%s': memory region %u (%#llx+%#llx) is System RAM of the root Linux; give a cell only memory reserved with mem=\n",
					    c->name, i, mem->phys_start, mem->size);
			return cv_refuse(why, -EINVAL, CV_REASON_MEM_LINUX_RAM, i);
		}
	}
	if (!cv_array_ok(&c->pci_devices, sizeof(struct cv_pci_device), size)) {
		dev_err(dev, "create: cell '%s': its PCI devices do not lie inside its %u-byte configuration\n",
			c->name, size);
		return -EINVAL;
	}
	if (!c->cpu_set) {
		dev_err(dev, "create: cell '%s' has no CPU\n", c->name);
		return -EINVAL;
	}
	return 0;
}

static const struct cv_pci_device *cv_cell_pci(const struct cv_cell_config *c)
{
	return (const void *)c + c->pci_devices.offset;
}

/*
 * The cell's PCI functions leave Linux before the hypervisor hides them from the root
 * cell: their drivers are unbound and the devices removed, as on a hot unplug.
 */
static void cv_pci_remove(struct device *dev, const struct cv_cell_config *c)
{
	const struct cv_pci_device *d = cv_cell_pci(c);
	struct pci_dev *pdev;
	u32 i;

	for (i = 0; i < c->pci_devices.count; i++, d++) {
		pdev = pci_get_domain_bus_and_slot(d->domain, d->bus, d->devfn);
		if (!pdev)
			continue;
		dev_info(dev, "create: cell '%s': PCI device %s leaves Linux\n", c->name,
			 pci_name(pdev));
		pci_stop_and_remove_bus_device_locked(pdev);
		pci_dev_put(pdev);
	}
}

/* When the cell is gone (or was never made), Linux finds its PCI functions again. */
static void cv_pci_rescan(const struct cv_cell_config *c)
{
	const struct cv_pci_device *d;
	struct pci_bus *bus;
	u32 i;

	if (!c)
		return;
	pci_lock_rescan_remove();
	for (i = 0, d = cv_cell_pci(c); i < c->pci_devices.count; i++, d++) {
		bus = pci_find_bus(d->domain, d->bus);
		if (bus)
			pci_rescan_bus(bus);
	}
	pci_unlock_rescan_remove();
}

/* Linux's number of CPU 'id' of the configuration (MPIDR Aff0), or -ENXIO if unknown. */
static int cv_linux_cpu(unsigned int id)
{
	return id < CV_MAX_CPUS && cv.aff0_to_cpu[id] >= 0 ? cv.aff0_to_cpu[id] : -ENXIO;
}

/* The id of the cell that holds CPU 'id' of the configuration (0: none but the root). */
static u32 cv_cpu_holder(u64 id)
{
	struct cv_cell *cell;
	u32 holder = 0;

	mutex_lock(&cv.cells_lock);
	list_for_each_entry(cell, &cv.cells, list)
		if (cell->id && (cell->cpu_set & BIT_ULL(id)))
			holder = cell->id;
	mutex_unlock(&cv.cells_lock);
	return holder;
}

static void cv_cpus_online(struct device *dev, u64 set, const char *what)
{
	unsigned long bits[BITS_TO_LONGS(CV_MAX_CPUS)];
	unsigned int id;
	int cpu, ret;

	bitmap_from_u64(bits, set);
	for_each_set_bit(id, bits, CV_MAX_CPUS) {
		cpu = cv_linux_cpu(id);
		ret = cpu < 0 ? cpu : add_cpu(cpu);
		if (ret < 0)	/* 1: it was online already */
			dev_warn(dev, "%s: CPU %u could not be brought back online in Linux (%d); try 'echo 1 > /sys/devices/system/cpu/cpu%d/online'\n",
				 what, id, ret, cpu);
	}
}

/* Take the cell's CPUs out of Linux; on failure the ones taken come back. */
static int cv_cpus_offline(struct device *dev, const char *name, u64 set)
{
	unsigned long bits[BITS_TO_LONGS(CV_MAX_CPUS)];
	unsigned int id;
	int cpu, ret;

	bitmap_from_u64(bits, set);
	for_each_set_bit(id, bits, CV_MAX_CPUS) {
		cpu = cv_linux_cpu(id);
		ret = cpu < 0 ? cpu : remove_cpu(cpu);
		if (ret == 1)	/* offline already: parked, the hypervisor can take it */
			continue;
		if (ret) {
			dev_err(dev, "create: cell '%s': Linux cannot give up CPU %u (%d)\n",
				name, id, ret);
			cv_cpus_online(dev, set & (BIT_ULL(id) - 1), "create");
			return ret;
		}
	}
	return 0;
}

/*
 * A cell the hypervisor created but the module cannot track (no memory for it or its
 * sysfs directory) goes again, so that no cell exists that nobody can see or destroy.
 */
static void cv_cell_create_undo(struct device *dev, const struct cv_cell_config *config,
				u32 id)
{
	long ret = cv_hc_cell_destroy(id, false, NULL);

	if (ret < 0) {
		dev_err(dev, "create: cell '%s' (id %u) cannot be tracked by the module and the hypervisor refused to destroy it again (%ld); disable is impossible until it is destroyed\n",
			config->name, id, ret);
		return;
	}
	cv_cpus_online(dev, config->cpu_set, "create");
	cv_pci_rescan(config);
}

int cv_cell_create(const void __user *uconfig, u32 size, u32 *id,
		   struct cv_ioctl_refusal *why)
{
	struct device *dev = cv.misc_dev;
	struct cv_cell_config *config, *copy = NULL;
	struct cv_cell *cell, *root;
	u64 free_cpus;
	long ret;

	if (size < sizeof(*config) || size > CV_CONFIG_MAX_SIZE) {
		dev_err(dev, "create: a cell configuration of %u bytes is impossible (%zu to %u)\n",
			size, sizeof(*config), CV_CONFIG_MAX_SIZE);
		return cv_refuse(why, -EINVAL, CV_REASON_BAD_ARGUMENT, size);
	}
	/* Physically contiguous: the hypervisor reads it by its physical address. */
	config = alloc_pages_exact(size, GFP_KERNEL);
	if (!config)
		return -ENOMEM;
	if (copy_from_user(config, uconfig, size)) {
		ret = -EFAULT;
		goto out_free;
	}
	ret = cv_check_cell_config(dev, config, size, why);
	if (ret) {
		if (why && !why->reason)	/* a check that names no finer reason */
			cv_refuse(why, ret, CV_REASON_CONFIG_INVALID, 0);
		goto out_free;
	}
	/* The module's own copy, made before the cell exists: it cannot fail afterwards. */
	copy = kmemdup(config, size, GFP_KERNEL);
	if (!copy) {
		ret = -ENOMEM;
		goto out_free;
	}

	ret = mutex_lock_killable(&cv.mgmt_lock);
	if (ret)
		goto out_free;
	ret = down_read_killable(&cv.state_sem);
	if (ret)
		goto out_mgmt;
	if (!cv.enabled) {
		dev_err(dev, "create: cell '%s': the hypervisor is not enabled\n", config->name);
		ret = cv_refuse(why, -ENODEV, CV_REASON_NOT_ENABLED, 0);
		goto out_unlock;
	}

	root = cv_cell_find(0);
	free_cpus = root ? cv_cell_cpus_assigned(root) : 0;
	if (config->cpu_set & ~free_cpus) {
		dev_err(dev, "create: cell '%s': CPUs %#llx are not the root cell's to give (it holds %#llx)\n",
			config->name, config->cpu_set & ~free_cpus, free_cpus);
		ret = cv_refuse(why, -EBUSY, CV_REASON_CPU_BUSY,
				__ffs64(config->cpu_set & ~free_cpus));
		if (why)
			why->holder = cv_cpu_holder(why->object);
		goto out_unlock;
	}
	if (!(free_cpus & ~config->cpu_set)) {
		dev_err(dev, "create: cell '%s' would take every CPU of the root cell\n",
			config->name);
		ret = cv_refuse(why, -EBUSY, CV_REASON_CPUS_EMPTY_OR_ALL, config->cpu_set);
		goto out_unlock;
	}
	ret = cv_cpus_offline(dev, config->name, config->cpu_set);
	if (ret) {
		cv_refuse(why, ret, CV_REASON_CPU_ONLINE, 0);
		goto out_unlock;
	}
	cv_pci_remove(dev, config);

	ret = cv_hc_cell_create(virt_to_phys(config), size, why);
	if (ret <= 0) {
		dev_err(dev, "create: cell '%s': the hypervisor refused it (%ld, reason %u); its console says why\n",
			config->name, ret, why->reason);
		cv_cpus_online(dev, config->cpu_set, "create");
		cv_pci_rescan(config);
		if (!ret)
			ret = -EIO;
		goto out_unlock;
	}
	*id = ret;
	ret = 0;
	cell = cv_cell_add(*id, config->name, config->cpu_set, copy, size);
	copy = NULL;
	if (!cell) {
		dev_err(dev, "create: cell '%s' (id %u): the module is out of memory for its sysfs directory, or cells/%u still exists; the cell is destroyed again\n",
			config->name, *id, *id);
		cv_cell_create_undo(dev, config, *id);
		ret = -ENOMEM;
	}
	cv_refresh_pools();
out_unlock:
	up_read(&cv.state_sem);
out_mgmt:
	mutex_unlock(&cv.mgmt_lock);
out_free:
	kfree(copy);
	free_pages_exact(config, size);
	return ret;
}

/*
 * Starts a management call on non-root cell 'id': takes mgmt_lock and state_sem (held on 0,
 * released on failure) and looks the cell up.  Takes no reference: the cell stays valid
 * because mgmt_lock keeps it from being destroyed until cv_cell_update_unlock().
 */
static int cv_cell_lock_find(const char *what, u32 id, struct cv_cell **cellp,
			     struct cv_ioctl_refusal *why)
{
	struct device *dev = cv.misc_dev;
	int ret;

	ret = mutex_lock_killable(&cv.mgmt_lock);
	if (ret)
		return ret;
	ret = down_read_killable(&cv.state_sem);
	if (ret)
		goto out_mgmt;
	if (!cv.enabled) {
		dev_err(dev, "%s: cell %u: the hypervisor is not enabled\n", what, id);
		ret = cv_refuse(why, -ENODEV, CV_REASON_NOT_ENABLED, 0);
		goto out_unlock;
	}
	if (!id) {
		dev_err(dev, "%s: cell 0 is the root cell (Linux), which cannot be the target\n",
			what);
		ret = cv_refuse(why, -EINVAL, CV_REASON_BAD_ARGUMENT, 0);
		goto out_unlock;
	}
	*cellp = cv_cell_find(id);
	if (!*cellp) {
		dev_err(dev, "%s: there is no cell %u\n", what, id);
		ret = cv_refuse(why, -ENOENT, CV_REASON_NO_SUCH_CELL, id);
		goto out_unlock;
	}
	return 0;
out_unlock:
	up_read(&cv.state_sem);
out_mgmt:
	mutex_unlock(&cv.mgmt_lock);
	return ret;
}

/* Ends a management call begun by cv_cell_lock_find(): reads the cell's new state, unlocks. */
static void cv_cell_update_unlock(struct cv_cell *cell)
{
	cv_cell_update_state(cell);
	up_read(&cv.state_sem);
	mutex_unlock(&cv.mgmt_lock);
}

static int cv_hc_error(const char *what, struct cv_cell *cell, long ret)
{
	struct device *dev = cv.misc_dev;

	if (ret >= 0)
		return 0;
	if (ret == -EPERM)
		dev_err(dev, "%s: cell '%s': the hypervisor refused (-EPERM): a cell holds the lock, or the cell denied the request\n",
			what, cell->name);
	else
		dev_err(dev, "%s: cell '%s': the hypervisor refused (%ld); its console says why\n",
			what, cell->name, ret);
	return ret;
}

static const struct cv_mem_region *cv_loadable_region(struct cv_cell *cell, u64 target,
						      u64 size)
{
	const struct cv_mem_region *mem;
	u32 i;

	mem = (const void *)cell->config + cell->config->mem_regions.offset;
	for (i = 0; i < cell->config->mem_regions.count; i++, mem++) {
		/* The communication region has no address of its own to copy to. */
		if (!(mem->flags & CV_MEM_LOADABLE) ||
		    (mem->flags & (CV_MEM_IO | CV_MEM_COMM_REGION)))
			continue;
		if (target >= mem->virt_start && size <= mem->size &&
		    target - mem->virt_start <= mem->size - size)
			return mem;
	}
	return NULL;
}

static int cv_copy_image(struct device *dev, struct cv_cell *cell,
			 const struct cv_ioctl_image *img, const struct cv_mem_region *mem)
{
	phys_addr_t phys = mem->phys_start + (img->target - mem->virt_start);
	const char __user *src = u64_to_user_ptr(img->source);
	u64 done, chunk;
	void *dst;
	int ret = 0;

	dst = memremap(phys, img->size, MEMREMAP_WB);
	if (!dst) {
		dev_err(dev, "load: cell '%s': cannot map %#llx+%#llx\n",
			cell->name, (u64)phys, img->size);
		return -ENOMEM;
	}
	for (done = 0; done < img->size; done += chunk) {
		chunk = min_t(u64, img->size - done, CV_LOAD_CHUNK);
		if (copy_from_user(dst + done, src + done, chunk)) {
			ret = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	/* The cell starts with its caches off: the image must be in memory. */
	cv_arch_clean_dcache(dst, img->size);
	memunmap(dst);
	return ret;
}

int cv_cell_load(u32 id, const void __user *uimages, u32 num_images,
		 struct cv_ioctl_refusal *why)
{
	struct device *dev = cv.misc_dev;
	const struct cv_mem_region **regions = NULL;
	struct cv_ioctl_image *images;
	struct cv_cell *cell = NULL;
	u32 i;
	int ret;

	if (!num_images || num_images > CV_LOAD_MAX_IMAGES) {
		dev_err(dev, "load: cell %u: %u images; 1 to %u are possible\n",
			id, num_images, CV_LOAD_MAX_IMAGES);
		return cv_refuse(why, -EINVAL, CV_REASON_BAD_ARGUMENT, num_images);
	}
	images = memdup_user(uimages, num_images * sizeof(*images));
	if (IS_ERR(images))
		return PTR_ERR(images);
	regions = kcalloc(num_images, sizeof(*regions), GFP_KERNEL);
	if (!regions) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = cv_cell_lock_find("load", id, &cell, why);
	if (ret)
		goto out_free;
	if (!cell->config) {
		dev_err(dev, "load: cell '%s': its configuration is unknown to the module\n",
			cell->name);
		ret = -ENOMEM;
		goto out_put;
	}
	for (i = 0; i < num_images; i++) {
		if (images[i].flags) {
			dev_err(dev, "load: cell '%s': image %u has unknown flags %#llx\n",
				cell->name, i, images[i].flags);
			ret = cv_refuse(why, -EINVAL, CV_REASON_BAD_ARGUMENT, i);
			goto out_put;
		}
		if (!images[i].size) {
			dev_err(dev, "load: cell '%s': image %u is empty\n", cell->name, i);
			ret = cv_refuse(why, -EINVAL, CV_REASON_BAD_ARGUMENT, i);
			goto out_put;
		}
		regions[i] = cv_loadable_region(cell, images[i].target, images[i].size);
		if (!regions[i]) {
			dev_err(dev, "load: cell '%s': image %u (%#llx bytes at %#llx) does not fit inside one of the cell's loadable memory regions\n",
				cell->name, i, images[i].size, images[i].target);
			ret = cv_refuse(why, -ERANGE, CV_REASON_IMAGE_OUTSIDE, i);
			goto out_put;
		}
	}
	ret = cv_hc_error("load", cell, cv_hc_cell_set_loadable(id, why));
	if (ret)
		goto out_put;
	cv_cell_update_state(cell);
	for (i = 0; i < num_images && !ret; i++)
		ret = cv_copy_image(dev, cell, &images[i], regions[i]);
out_put:
	cv_cell_update_unlock(cell);
out_free:
	kfree(regions);
	kfree(images);
	return ret;
}

/* A management call that is one hypercall on an existing cell. */
static int cv_cell_call(const char *what, u32 id,
			long (*hc)(u32 id, struct cv_ioctl_refusal *why),
			struct cv_ioctl_refusal *why)
{
	struct cv_cell *cell;
	int ret;

	ret = cv_cell_lock_find(what, id, &cell, why);
	if (ret)
		return ret;
	ret = cv_hc_error(what, cell, hc(id, why));
	cv_cell_update_unlock(cell);
	return ret;
}

int cv_cell_start(u32 id, struct cv_ioctl_refusal *why)
{
	return cv_cell_call("start", id, cv_hc_cell_start, why);
}

int cv_cell_shutdown(u32 id, struct cv_ioctl_refusal *why)
{
	return cv_cell_call("shutdown", id, cv_hc_cell_shutdown, why);
}

/*
 * Needs mgmt_lock and state_sem.  On success the caller drops state_sem and calls
 * cv_cell_remove() before it drops mgmt_lock: the hypervisor gives the next cell the
 * lowest free id, so cells/<id> must be gone before another create can run.
 */
static int cv_cell_destroy_locked(struct cv_cell *cell, bool force,
				  struct cv_ioctl_refusal *why)
{
	struct device *dev = cv.misc_dev;
	long hc;
	int ret;

	cv_console_fetch(cell->console);	/* its last words */
	/* Off the list as it goes: the poll work must not ask for a cell that is gone. */
	mutex_lock(&cv.cells_lock);
	hc = cv_hc_cell_destroy(cell->id, force, why);
	if (hc >= 0)
		list_del_init(&cell->list);
	mutex_unlock(&cv.cells_lock);
	ret = cv_hc_error("destroy", cell, hc);
	if (ret)
		return ret;
	cv_cpus_online(dev, cell->cpu_set, "destroy");
	cv_pci_rescan(cell->config);
	cv_refresh_pools();
	return 0;
}

int cv_cell_destroy(u32 id, bool force, struct cv_ioctl_refusal *why)
{
	struct cv_cell *cell;
	int ret;

	ret = cv_cell_lock_find("destroy", id, &cell, why);
	if (ret)
		return ret;
	ret = cv_cell_destroy_locked(cell, force, why);
	if (ret) {
		cv_cell_update_unlock(cell);
		return ret;
	}
	up_read(&cv.state_sem);
	cv_cell_remove(cell);
	mutex_unlock(&cv.mgmt_lock);
	return 0;
}

/* At reboot: every cell but the root goes, as far as the hypervisor lets it. */
void cv_cells_destroy_all(void)
{
	struct cv_cell *cell, *found;
	u32 next = 1;

	for (;;) {
		mutex_lock(&cv.mgmt_lock);
		down_read(&cv.state_sem);
		if (!cv.enabled) {
			up_read(&cv.state_sem);
			mutex_unlock(&cv.mgmt_lock);
			return;
		}
		found = NULL;
		mutex_lock(&cv.cells_lock);
		list_for_each_entry(cell, &cv.cells, list)
			if (cell->id >= next && (!found || cell->id < found->id))
				found = cell;
		mutex_unlock(&cv.cells_lock);
		if (found) {
			next = found->id + 1;
			if (cv_cell_destroy_locked(found, false, NULL))
				found = ERR_PTR(-EBUSY);
		}
		up_read(&cv.state_sem);
		if (!IS_ERR_OR_NULL(found))
			cv_cell_remove(found);
		mutex_unlock(&cv.mgmt_lock);
		if (!found)
			return;
	}
}
