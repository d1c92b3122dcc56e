// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor kernel module: enabling and disabling the hypervisor.
 *
 * Enable checks everything it can before touching the machine (system blob, CPUs, the
 * hypervisor memory, the image), then copies the image and the configuration into the
 * hypervisor memory as include/cellvisor/header.h describes and enters it on every online
 * CPU at once.  Any failure leaves Linux exactly as it was.
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/firmware.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <cellvisor/header.h>
#include <cellvisor/ioctl.h>

#include "cellvisor.h"

#define CV_FIRMWARE	"cellvisor.bin"

struct cv_cpu_call {
	cpumask_t online;		/* the online CPUs the caller prepared for */
	phys_addr_t entry;
	phys_addr_t base;
	int result[NR_CPUS];
	struct cv_ioctl_refusal why[NR_CPUS];	/* each CPU's reason of its result */
};

static long cv_hypercall(struct cv_ioctl_refusal *why, unsigned long code,
			 unsigned long arg1, unsigned long arg2, unsigned long arg3)
{
	lockdep_assert_held(&cv.state_sem);
	if (WARN_ON_ONCE(!cv.enabled))
		return cv_refuse(why, -ENODEV, CV_REASON_NOT_ENABLED, 0);
	return cv_arch_hypercall(code, arg1, arg2, arg3, why);
}

long cv_hc_cell_create(phys_addr_t config, size_t size, struct cv_ioctl_refusal *why)
{
	return cv_hypercall(why, CV_HC_CELL_CREATE, config, size, 0);
}

long cv_hc_cell_set_loadable(u32 id, struct cv_ioctl_refusal *why)
{
	return cv_hypercall(why, CV_HC_CELL_SET_LOADABLE, id, 0, 0);
}

long cv_hc_cell_start(u32 id, struct cv_ioctl_refusal *why)
{
	return cv_hypercall(why, CV_HC_CELL_START, id, 0, 0);
}

long cv_hc_cell_shutdown(u32 id, struct cv_ioctl_refusal *why)
{
	return cv_hypercall(why, CV_HC_CELL_SHUTDOWN, id, 0, 0);
}

long cv_hc_cell_destroy(u32 id, bool force, struct cv_ioctl_refusal *why)
{
	return cv_hypercall(why, CV_HC_CELL_DESTROY, id, force ? CV_DESTROY_FORCE : 0, 0);
}

long cv_hc_cell_get_state(u32 id)
{
	return cv_hypercall(NULL, CV_HC_CELL_GET_STATE, id, 0, 0);
}

long cv_hc_cpu_get_info(unsigned int cpu, unsigned long what)
{
	return cv_hypercall(NULL, CV_HC_CPU_GET_INFO, cpu, what, 0);
}

long cv_hc_console_read(phys_addr_t buf, size_t size, u32 cell_id)
{
	return cv_hypercall(NULL, CV_HC_CONSOLE_READ, buf, size, cell_id);
}

long cv_hc_link_get_info(u32 link, u32 what, u32 peer)
{
	return cv_hypercall(NULL, CV_HC_LINK_GET_INFO, link, what, peer);
}

long cv_hc_link_ring(u32 link, u32 peer)
{
	return cv_hypercall(NULL, CV_HC_LINK_RING, link, peer, 0);
}

long cv_hc_link_set_state(u32 link, u32 state)
{
	return cv_hypercall(NULL, CV_HC_LINK_SET_STATE, link, state, 0);
}

u64 cv_get_info(unsigned int what)
{
	long ret = cv_hypercall(NULL, CV_HC_HYPERVISOR_GET_INFO, what, 0, 0);

	return ret < 0 ? 0 : ret;
}

/* Refresh the pool figures; notify the attributes that changed.  Needs state_sem. */
void cv_refresh_pools(void)
{
	u64 mem_used = 0, remap_used = 0;

	if (cv.enabled) {
		cv.mem_pool_size = cv_get_info(CV_INFO_MEM_POOL_SIZE);
		cv.remap_pool_size = cv_get_info(CV_INFO_REMAP_POOL_SIZE);
		mem_used = cv_get_info(CV_INFO_MEM_POOL_USED);
		remap_used = cv_get_info(CV_INFO_REMAP_POOL_USED);
	} else {
		cv.mem_pool_size = 0;
		cv.remap_pool_size = 0;
	}
	if (mem_used != cv.mem_pool_used) {
		cv.mem_pool_used = mem_used;
		cv_notify_attr(&cv.root_dev->kobj, "mem_pool_used");
	}
	if (remap_used != cv.remap_pool_used) {
		cv.remap_pool_used = remap_used;
		cv_notify_attr(&cv.root_dev->kobj, "remap_pool_used");
	}
}

/* Does [phys, phys + size) touch memory Linux uses as System RAM (see /proc/iomem)? */
bool cv_is_system_ram(u64 phys, u64 size)
{
	return size && region_intersects(phys, size, IORESOURCE_SYSTEM_RAM,
					 IORES_DESC_NONE) != REGION_DISJOINT;
}

/* The checks the module needs before it enters; the hypervisor checks the rest. */
static int cv_check_system_config(struct device *dev, const struct cv_system_config *sys,
				  u32 size)
{
	const struct cv_cell_config *root;

	if (sys->hdr.magic != CV_SYSTEM_MAGIC) {
		dev_err(dev, "enable: the configuration starts with magic %#x, not %#x (\"CVSY\"): it is not a system configuration blob\n",
			sys->hdr.magic, CV_SYSTEM_MAGIC);
		return -EINVAL;
	}
	if (sys->hdr.revision != CV_CONFIG_REVISION) {
		dev_err(dev, "enable: the system configuration has revision %u, this module reads revision %u; recompile it with the matching tools\n",
			sys->hdr.revision, CV_CONFIG_REVISION);
		return -EPROTO;
	}
	if (sys->hdr.total_size != size) {
		dev_err(dev, "enable: the system configuration says it is %u bytes long but %u bytes were passed\n",
			sys->hdr.total_size, size);
		return -EINVAL;
	}
	if (sys->hdr.reserved0 || sys->hdr.reserved1) {
		dev_err(dev, "enable: the system configuration has non-zero reserved fields\n");
		return -EINVAL;
	}
	if (sys->flags & ~CV_SYSTEM_VALID_FLAGS) {
		dev_err(dev, "enable: the system configuration has unknown flags %#llx\n",
			sys->flags & ~CV_SYSTEM_VALID_FLAGS);
		return -EINVAL;
	}
	if (!sys->hv_mem_size || !PAGE_ALIGNED(sys->hv_mem_phys) ||
	    !PAGE_ALIGNED(sys->hv_mem_size) ||
	    sys->hv_mem_phys + sys->hv_mem_size < sys->hv_mem_phys) {
		dev_err(dev, "enable: the hypervisor memory %#llx+%#llx is empty, not page-aligned or wraps around\n",
			sys->hv_mem_phys, sys->hv_mem_size);
		return -EINVAL;
	}
	if (!sys->platform.num_cpus || sys->platform.num_cpus > CV_MAX_CPUS) {
		dev_err(dev, "enable: the platform has %u CPUs; 1 to %u are supported\n",
			sys->platform.num_cpus, CV_MAX_CPUS);
		return -EINVAL;
	}
	if (sys->root_cell.count < sizeof(*root) || !cv_array_ok(&sys->root_cell, 1, size)) {
		dev_err(dev, "enable: the root cell blob (offset %u, %u bytes) does not lie inside the %u-byte system configuration\n",
			sys->root_cell.offset, sys->root_cell.count, size);
		return -EINVAL;
	}
	root = (const void *)sys + sys->root_cell.offset;
	if (root->hdr.magic != CV_CELL_MAGIC || root->hdr.total_size != sys->root_cell.count) {
		dev_err(dev, "enable: the embedded root cell is not a cell blob of %u bytes (magic %#x, size %u)\n",
			sys->root_cell.count, root->hdr.magic, root->hdr.total_size);
		return -EINVAL;
	}
	if (root->hdr.revision != CV_CONFIG_REVISION) {
		dev_err(dev, "enable: the root cell blob has revision %u, this module reads revision %u\n",
			root->hdr.revision, CV_CONFIG_REVISION);
		return -EPROTO;
	}
	if (strnlen(root->name, sizeof(root->name)) == sizeof(root->name)) {
		dev_err(dev, "enable: the root cell's name is not NUL-terminated\n");
		return -EINVAL;
	}
	if (sys->platform.num_cpus < CV_MAX_CPUS &&
	    root->cpu_set >> sys->platform.num_cpus) {
		dev_err(dev, "enable: the root cell's CPU set %#llx names CPUs beyond the platform's %u\n",
			root->cpu_set, sys->platform.num_cpus);
		return -EINVAL;
	}
	return 0;
}

static void cv_read_cpu_id(void *data)
{
	int *ids = data;

	ids[smp_processor_id()] = cv_arch_cpu_id();
}

/*
 * The root cell's CPU set must be exactly the online CPUs: the hypervisor takes over the
 * CPUs that enter it, and a CPU of the configuration that is offline could not enter.
 * Records the CPU numbering and returns the online CPUs in *online (cpus locked).
 */
static int cv_check_cpus(struct device *dev, u64 cpu_set, u64 *online_set, cpumask_t *online)
{
	int *ids, cpu, ret = 0;
	u64 online_ids = 0;

	ids = kcalloc(nr_cpu_ids, sizeof(*ids), GFP_KERNEL);
	if (!ids)
		return -ENOMEM;
	cpus_read_lock();
	on_each_cpu(cv_read_cpu_id, ids, 1);
	cpumask_copy(online, cpu_online_mask);
	cpus_read_unlock();

	memset(cv.aff0_to_cpu, 0xff, sizeof(cv.aff0_to_cpu));
	for_each_cpu(cpu, online) {
		if (ids[cpu] < 0 || ids[cpu] >= CV_MAX_CPUS) {
			dev_err(dev, "enable: CPU %d has an MPIDR beyond affinity level 0, which configurations cannot name\n",
				cpu);
			ret = -ENXIO;
			goto out;
		}
		online_ids |= BIT_ULL(ids[cpu]);
		cv.aff0_to_cpu[ids[cpu]] = cpu;
	}
	if (online_ids != cpu_set) {
		u64 missing = cpu_set & ~online_ids, extra = online_ids & ~cpu_set;

		if (missing)
			dev_err(dev, "enable: the root cell's CPUs %#llx are not online (online: %#llx); bring them online first\n",
				missing, online_ids);
		else
			dev_err(dev, "enable: online CPUs %#llx are not in the root cell's CPU set %#llx; add them to the configuration or take them offline\n",
				extra, cpu_set);
		ret = -ENXIO;
	}
	*online_set = online_ids;
out:
	kfree(ids);
	return ret;
}

static int cv_check_image(struct device *dev, const struct firmware *fw,
			  const struct cv_system_config *sys, u32 config_size,
			  unsigned int cpus)
{
	const struct cv_image_header *h = (const void *)fw->data;
	u64 config_offset, need;

	if (fw->size < sizeof(*h) || h->magic != CV_IMAGE_MAGIC) {
		dev_err(dev, "enable: /lib/firmware/%s is not a Cellvisor image (no magic \"ELCVISOR\" at its start); reinstall it\n",
			CV_FIRMWARE);
		return -ENOEXEC;
	}
	if (h->abi_revision != CV_ABI_REVISION) {
		dev_err(dev, "enable: /lib/firmware/%s has ABI revision %u but this module speaks revision %u; install matching versions\n",
			CV_FIRMWARE, h->abi_revision, CV_ABI_REVISION);
		return -EPROTO;
	}
	if (h->header_size != sizeof(*h) || h->image_size != fw->size ||
	    h->core_size < h->image_size || !PAGE_ALIGNED(h->core_size) ||
	    h->entry_offset >= h->image_size || h->entry_offset % 4 ||
	    (h->console_size && (!is_power_of_2(h->console_size) || h->console_offset % 8 ||
				 h->console_offset > h->core_size ||
				 h->core_size - h->console_offset < 8 + (u64)h->console_size))) {
		dev_err(dev, "enable: /lib/firmware/%s has an inconsistent header (header %u bytes, image %llu of %zu bytes, core %llu, entry %#llx, console %u bytes at %#llx)\n",
			CV_FIRMWARE, h->header_size, h->image_size, fw->size, h->core_size,
			h->entry_offset, h->console_size, h->console_offset);
		return -ENOEXEC;
	}
	if (h->max_cpus < sys->platform.num_cpus) {
		dev_err(dev, "enable: /lib/firmware/%s supports %u CPUs, the platform has %u\n",
			CV_FIRMWARE, h->max_cpus, sys->platform.num_cpus);
		return -ENXIO;
	}
	config_offset = PAGE_ALIGN(h->core_size);
	need = config_offset + PAGE_ALIGN(config_size) + (u64)h->percpu_size * cpus;
	if (need > sys->hv_mem_size) {
		dev_err(dev, "enable: the hypervisor needs %llu KiB (image with bss %llu KiB, configuration, per-CPU data for %u CPUs) but its memory is only %llu KiB\n",
			need >> 10, h->core_size >> 10, cpus, sys->hv_mem_size >> 10);
		return -EFBIG;
	}
	return 0;
}

static int cv_enter_cpu(void *data)
{
	struct cv_cpu_call *call = data;
	int cpu = smp_processor_id();

	/* CPU hotplug cannot run now; it must not have run since the checks either. */
	if (!cpumask_equal(cpu_online_mask, &call->online)) {
		call->result[cpu] = -EAGAIN;
		return -EAGAIN;
	}
	asm volatile("ic iallu\n\tdsb nsh\n\tisb" : : : "memory");
	call->result[cpu] = cv_arch_enter(call->entry, call->base, &call->why[cpu]);
	return call->result[cpu];
}

static int cv_disable_cpu(void *data)
{
	struct cv_cpu_call *call = data;
	int cpu = smp_processor_id();

	call->result[cpu] = cv_arch_hypercall(CV_HC_DISABLE, 0, 0, 0, &call->why[cpu]);
	return call->result[cpu];
}

/*
 * The first CPU's non-zero result, with a line for every CPU that disagrees; its reason
 * goes to 'why'.
 */
static int cv_cpu_results(struct device *dev, struct cv_cpu_call *call, const char *what,
			  struct cv_ioctl_refusal *why)
{
	int cpu, ret = 0;

	for_each_cpu(cpu, &call->online) {
		if (!call->result[cpu])
			continue;
		if (!ret) {
			ret = call->result[cpu];
			if (why)
				*why = call->why[cpu];
		} else if (call->result[cpu] != ret) {
			dev_warn(dev, "%s: CPU %d returned %d\n", what, cpu, call->result[cpu]);
		}
	}
	return ret;
}

static int cv_load_and_enter(struct device *dev, const struct cv_system_config *sys,
			     u32 size, u64 online_set, struct cv_cpu_call *call,
			     struct cv_ioctl_refusal *why)
{
	const struct firmware *fw;
	struct cv_image_header *h;
	unsigned int cpus = hweight64(online_set);
	void *hv;
	int ret;

	ret = request_firmware(&fw, CV_FIRMWARE, dev);
	if (ret) {
		dev_err(dev, "enable: cannot load /lib/firmware/%s (%d); install the hypervisor image\n",
			CV_FIRMWARE, ret);
		return cv_refuse(why, ret, CV_REASON_NO_FIRMWARE, 0);
	}
	ret = cv_check_image(dev, fw, sys, size, cpus);
	if (ret) {
		cv_refuse(why, ret, ret == -EPROTO ? CV_REASON_VERSION_MISMATCH :
				    ret == -ENXIO ? CV_REASON_ROOT_CPUS :
				    ret == -EFBIG ? CV_REASON_HV_MEM_TOO_SMALL :
				    CV_REASON_BAD_FIRMWARE, 0);
		goto out_fw;
	}

	hv = memremap(sys->hv_mem_phys, sys->hv_mem_size, MEMREMAP_WB);
	if (!hv) {
		dev_err(dev, "enable: cannot map the hypervisor memory %#llx+%#llx\n",
			sys->hv_mem_phys, sys->hv_mem_size);
		ret = -ENOMEM;
		goto out_fw;
	}
	h = hv;
	memcpy(hv, fw->data, fw->size);
	memset(hv + fw->size, 0, h->core_size - fw->size);
	h->config_offset = PAGE_ALIGN(h->core_size);
	h->config_size = size;
	memcpy(hv + h->config_offset, sys, size);
	h->online_cpus = online_set;
	h->num_online_cpus = cpus;
	h->reserved = 0;

	call->entry = sys->hv_mem_phys + h->entry_offset;
	call->base = sys->hv_mem_phys;
	memset(call->result, 0, sizeof(call->result));

	cv_arch_clean_dcache(hv, sys->hv_mem_size);
	cv_arch_sync_icache();

	ret = stop_machine(cv_enter_cpu, call, &call->online);
	ret = cv_cpu_results(dev, call, "enable", why) ?: ret;

	if (ret == -EAGAIN) {
		dev_err(dev, "enable: a CPU went online or offline while the hypervisor was being entered; try again\n");
		cv_refuse(why, ret, CV_REASON_CPU_HOTPLUG, 0);
	} else if (ret) {
		if (!why->reason)
			cv_refuse(why, ret, CV_REASON_SYSTEM_REJECTED, -ret);
		/* It is gone, but what it said is still in its memory. */
		cv_console_salvage(dev, hv + h->console_offset, h->console_size);
		dev_err(dev, "enable: the hypervisor failed to start (%d) and handed every CPU back; its console says why (above, and in /sys/devices/cellvisor/console)\n",
			ret);
	}
	/* From now on the root cell must not touch this memory. */
	memunmap(hv);
out_fw:
	release_firmware(fw);
	return ret;
}

int cv_enable(const void __user *uconfig, u32 size, struct cv_ioctl_refusal *why)
{
	struct device *dev = cv.misc_dev;
	const struct cv_cell_config *root;
	struct cv_system_config *sys;
	struct cv_cpu_call *call;
	struct resource *res;
	struct cv_cell *cell;
	u64 online_set = 0;
	int ret;

	if (size < sizeof(*sys) || size > CV_CONFIG_MAX_SIZE) {
		dev_err(dev, "enable: a system configuration of %u bytes is impossible (%zu to %u)\n",
			size, sizeof(*sys), CV_CONFIG_MAX_SIZE);
		return cv_refuse(why, -EINVAL, CV_REASON_BAD_ARGUMENT, size);
	}
	/* Not before a disable that raced with us has removed the old cells/0. */
	ret = mutex_lock_killable(&cv.mgmt_lock);
	if (ret)
		return ret;
	ret = down_write_killable(&cv.state_sem);
	if (ret)
		goto out_mgmt;
	if (cv.enabled) {
		dev_err(dev, "enable: the hypervisor is already enabled; disable it first\n");
		ret = cv_refuse(why, -EBUSY, CV_REASON_ALREADY_ENABLED, 0);
		goto out_unlock;
	}
	sys = memdup_user(uconfig, size);
	if (IS_ERR(sys)) {
		ret = PTR_ERR(sys);
		goto out_unlock;
	}
	call = kzalloc(sizeof(*call), GFP_KERNEL);
	if (!call) {
		ret = -ENOMEM;
		goto out_free;
	}

	ret = cv_check_system_config(dev, sys, size);
	if (ret) {
		cv_refuse(why, ret, ret == -EPROTO ? CV_REASON_VERSION_MISMATCH :
				    CV_REASON_CONFIG_INVALID, 0);
		goto out_free;
	}
	root = (const void *)sys + sys->root_cell.offset;
	ret = cv_check_cpus(dev, root->cpu_set, &online_set, &call->online);
	if (ret) {
		cv_refuse(why, ret, ret == -ENXIO ? CV_REASON_ROOT_CPUS : CV_REASON_NONE, 0);
		goto out_free;
	}
	ret = cv_arch_check_el2(dev);
	if (ret) {
		cv_refuse(why, ret, CV_REASON_NO_EL2, 0);
		goto out_free;
	}

	if (cv_is_system_ram(sys->hv_mem_phys, sys->hv_mem_size)) {
		dev_err(dev, "enable: the hypervisor memory %#llx+%#llx overlaps Linux's System RAM; reserve it (e.g. mem=) or move it\n",
			sys->hv_mem_phys, sys->hv_mem_size);
		ret = cv_refuse(why, -EADDRINUSE, CV_REASON_HV_MEM_IN_USE, 0);
		goto out_free;
	}
	ret = cv_links_check(sys, size);
	if (ret) {
		cv_refuse(why, ret, CV_REASON_LINK_CONFLICT, 0);
		goto out_free;
	}
	res = request_mem_region(sys->hv_mem_phys, sys->hv_mem_size, "Cellvisor hypervisor");
	if (!res) {
		dev_err(dev, "enable: the hypervisor memory %#llx+%#llx is claimed by another driver (see /proc/iomem)\n",
			sys->hv_mem_phys, sys->hv_mem_size);
		ret = cv_refuse(why, -EADDRINUSE, CV_REASON_HV_MEM_IN_USE, 0);
		goto out_free;
	}

	ret = cv_load_and_enter(dev, sys, size, online_set, call, why);
	if (ret) {
		release_mem_region(sys->hv_mem_phys, sys->hv_mem_size);
		goto out_free;
	}

	/* Linux runs as the root cell now. */
	cv.enabled = true;
	__module_get(THIS_MODULE);
	cv.hv_res = res;
	cv.hv_phys = sys->hv_mem_phys;
	cv.hv_size = sys->hv_mem_size;
	cv.root_cpu_set = root->cpu_set;
	cv.num_cpus = sys->platform.num_cpus;
	cv.hv_abi_revision = cv_get_info(CV_INFO_ABI_REVISION);
	cv.hv_console->hv_seq = 0;
	cv.hv_console->failed = false;
	cv_refresh_pools();
	dev_info(dev, "hypervisor enabled on CPUs %#llx, %llu KiB at %#llx; Linux is the root cell '%s'\n",
		 online_set, cv.hv_size >> 10, cv.hv_phys, root->name);

	cell = cv_cell_add(0, root->name, root->cpu_set, NULL, 0);
	if (!cell)
		dev_warn(dev, "enable: no memory for the root cell's sysfs entries\n");
	cv_notify_attr(&cv.root_dev->kobj, "enabled");
	cv_notify_attr(&cv.root_dev->kobj, "mem_pool_size");
	cv_notify_attr(&cv.root_dev->kobj, "remap_pool_size");
	cv_notify("enabled", NULL);
	cv_notify_irq_start(sys->platform.notify_irq);
	cv_links_start(sys);
	cv_poll_start();
	ret = 0;
out_free:
	kfree(call);
	if (!IS_ERR(sys))
		kfree(sys);
out_unlock:
	up_write(&cv.state_sem);
out_mgmt:
	mutex_unlock(&cv.mgmt_lock);
	return ret;
}

int cv_disable(struct cv_ioctl_refusal *why)
{
	struct device *dev = cv.misc_dev;
	struct cv_cpu_call *call;
	struct cv_cell *cell, *root;
	unsigned int others = 0;
	int ret;

	ret = mutex_lock_killable(&cv.mgmt_lock);
	if (ret)
		return ret;
	ret = down_write_killable(&cv.state_sem);
	if (ret)
		goto out_mgmt;
	if (!cv.enabled) {
		dev_err(dev, "disable: the hypervisor is not enabled\n");
		ret = cv_refuse(why, -EINVAL, CV_REASON_NOT_ENABLED, 0);
		goto out_unlock;
	}
	mutex_lock(&cv.cells_lock);
	root = NULL;
	list_for_each_entry(cell, &cv.cells, list) {
		if (cell->id == 0) {
			root = cell;
		} else {
			dev_err(dev, "disable: cell %u ('%s') still exists; destroy every cell first\n",
				cell->id, cell->name);
			others++;
		}
	}
	mutex_unlock(&cv.cells_lock);
	if (others)
		ret = cv_refuse(why, -EBUSY, CV_REASON_CELLS_EXIST, others);
	if (ret)
		goto out_unlock;

	call = kzalloc(sizeof(*call), GFP_KERNEL);
	if (!call) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	cv_notify_irq_stop();
	cv_links_stop();
	cv_poll_stop();
	cv_console_fetch(cv.hv_console);	/* the last words of the hypervisor */

	cpus_read_lock();
	cpumask_copy(&call->online, cpu_online_mask);
	cpus_read_unlock();
	ret = stop_machine(cv_disable_cpu, call, cpu_online_mask);
	ret = cv_cpu_results(dev, call, "disable", why) ?: ret;
	kfree(call);
	if (ret) {
		dev_err(dev, "disable: the hypervisor refused (%d) and stays enabled; see its console\n",
			ret);
		cv_notify_irq_start(cv.notify_intid);
		cv_links_restart();
		cv_poll_start();
		goto out_unlock;
	}

	cv.enabled = false;
	if (root)
		cv_cell_unlink(root);
	release_mem_region(cv.hv_phys, cv.hv_size);
	cv.hv_res = NULL;
	cv.hv_abi_revision = 0;
	cv_refresh_pools();
	cv_notify_attr(&cv.root_dev->kobj, "enabled");
	cv_notify_attr(&cv.root_dev->kobj, "mem_pool_size");
	cv_notify_attr(&cv.root_dev->kobj, "remap_pool_size");
	cv_notify("disabled", NULL);
	dev_info(dev, "hypervisor disabled; Linux owns the machine again\n");
	up_write(&cv.state_sem);
	/* Under mgmt_lock: a new enable adds cells/0 again. */
	if (root)
		cv_cell_remove(root);
	mutex_unlock(&cv.mgmt_lock);
	module_put(THIS_MODULE);
	return 0;
out_unlock:
	up_write(&cv.state_sem);
out_mgmt:
	mutex_unlock(&cv.mgmt_lock);
	return ret;
}
