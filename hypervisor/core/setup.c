// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor: enable and disable, the parts every architecture shares.
 *
 * Enable: every online CPU arrives here with its MMU on.  The master (chosen by the arch
 * entry) checks the system config and builds the pools and the root cell; then every CPU
 * sets itself up and the master waits until all online CPUs have arrived and publishes the
 * verdict: all go into the root cell, or all return the first error to Linux.
 */
#include <cellvisor/header.h>
#include <cv/cell.h>
#include <cv/config.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/hypercall.h>
#include <cv/iommu.h>
#include <cv/lib.h>
#include <cv/link.h>
#include <cv/paging.h>
#include <cv/percpu.h>

#define MEM_POOL_MAX_PAGES	65536		/* 256 MiB of hypervisor memory */
#define ARRIVAL_TIMEOUT_S	5

struct hypervisor hv;
static u64 mem_bitmap[POOL_BITMAP_WORDS(MEM_POOL_MAX_PAGES)];
static u32 verdict_ready;

static void set_error(int err)
{
	int none = 0;

	if (__atomic_compare_exchange_n(&hv.error, &none, err, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		hv.refusal = this_cpu()->refusal;	/* the first error's reason, or none */
}

/* The root cell sees the hypervisor's memory as one read-only page of zeros, repeated. */
static int hide_hypervisor(struct cell *root)
{
	void *zero = page_alloc(1);
	u64 off;
	int err;

	if (!zero)
		return -CV_ENOMEM;
	for (off = 0; off < hv.size; off += PAGE_SIZE) {
		err = arch_map_guest(root, hv.phys + off, hv_phys(zero), PAGE_SIZE, PT_READ);
		if (err)
			return err;
	}
	return 0;
}

static int root_cell_init(void)
{
	struct cell *root = &root_cell;
	int err;

	root->id = 0;
	root->state = CV_CELL_STATE_RUNNING;
	root->config = config_root_cell(hv.config);
	root->cpu_set = hv.online_cpus;
	err = arch_cell_init(root);
	if (!err)
		err = cell_map_regions(root);
	if (!err)
		err = hide_hypervisor(root);
	if (!err)
		err = arch_cell_devices(root);
	if (!err)
		err = pci_cell_init(root);
	if (!err)
		err = cell_add(root);
	if (!err)
		err = link_init();
	if (err)
		printk("Cellvisor: cannot build the root cell '%s' (error %d)\n",
		       root->config->name, err);
	return err;
}

static int master_init(const void *config, u64 config_size, u64 pool_start)
{
	const struct cv_system_config *sys = config;
	char why[200];
	u64 pages;
	int err;

	/* The MMU-off phase checked the memory size; the rest of the blob is unchecked yet. */
	hv.size = sys->hv_mem_size;
	if (pool_start >= hv.phys + hv.size) {
		printk("Cellvisor: no memory left for the page pool in 0x%llx bytes\n", hv.size);
		return refuse(-CV_ENOMEM, CV_REASON_HV_MEM_TOO_SMALL, 0, 0);
	}
	pages = MIN((hv.phys + hv.size - pool_start) / PAGE_SIZE, MEM_POOL_MAX_PAGES);
	pool_init(&mem_pool, pool_start, pages, mem_bitmap);
	/* Mirror to the UART early, so that a rejected configuration says why there too. */
	if (arch_console_init(&sys->debug_console))
		printk("Cellvisor: the debug console at 0x%llx cannot be used\n",
		       sys->debug_console.address);
	err = config_check_system(config, config_size, why, sizeof(why));
	if (err) {
		printk("Cellvisor: system configuration rejected: %s\n", why);
		return refuse(err, CV_REASON_CONFIG_INVALID, 0, 0);
	}
	if (sys->hv_mem_phys != hv.phys) {
		printk("Cellvisor: the configuration puts the hypervisor at 0x%llx, but it was "
		       "loaded at 0x%llx\n", sys->hv_mem_phys, hv.phys);
		return refuse(-CV_EINVAL, CV_REASON_CONFIG_INVALID, 0, 0);
	}
	hv.config = sys;
	console_set_notify(cell_notify_root);
	err = arch_init();
	if (!err)
		err = root_cell_init();
	if (!err)
		err = iommu_enable();
	return err;
}

static int cpu_init(struct per_cpu *cpu)
{
	if (!(hv.online_cpus >> cpu->id & 1)) {
		printk("Cellvisor: CPU %u entered, but it is not in the online set 0x%llx\n",
		       cpu->id, hv.online_cpus);
		return refuse(-CV_ENODEV, CV_REASON_ROOT_CPUS, cpu->id, 0);
	}
	cpu->cell = &root_cell;
	cpu->state = CV_CPU_RUNNING;
	return arch_cpu_init(cpu);
}

int hv_enable_cpu(struct per_cpu *cpu, bool master, const void *config, u64 config_size,
		  u64 pool_start)
{
	int err;

	if (master) {
		err = master_init(config, config_size, pool_start);
		if (err)
			set_error(err);
		atomic_set(&hv.master_done, 1);
	} else if (wait_for(&hv.master_done, 1, 2 * ARRIVAL_TIMEOUT_S)) {
		return -CV_ETIMEDOUT;
	}
	if (!atomic_read(&hv.error)) {
		err = cpu_init(cpu);
		if (err)
			set_error(err);
	}
	atomic_inc(&hv.arrived);
	if (master) {
		if (wait_for(&hv.arrived, hv.num_online_cpus, ARRIVAL_TIMEOUT_S)) {
			printk("Cellvisor: only %u of %u CPUs arrived\n", atomic_read(&hv.arrived),
			       hv.num_online_cpus);
			set_error(-CV_ETIMEDOUT);
		}
		err = atomic_read(&hv.error);
		if (err) {
			iommu_disable();
			printk("Cellvisor: enable failed (error %d); Linux keeps the machine\n", err);
		}
		else
			printk("Cellvisor: enabled on %u CPUs; root cell '%s'; memory pool %llu of "
			       "%llu pages used\n", hv.num_online_cpus, root_cell.config->name,
			       mem_pool.used, mem_pool.pages);
		atomic_set(&verdict_ready, 1);
	} else if (wait_for(&verdict_ready, 1, 2 * ARRIVAL_TIMEOUT_S)) {
		return -CV_ETIMEDOUT;
	}
	return atomic_read(&hv.error);
}

bool hv_disabling(void)
{
	return atomic_read(&hv.disabling);
}

static u32 running_root_cpus(void)
{
	u32 n = 0;
	u64 id;

	for (id = 0; id < MAX_CPUS; id++) {
		struct per_cpu *c = per_cpu(id);

		n += c && c->cell == &root_cell && c->state == CV_CPU_RUNNING;
	}
	return n;
}

long hv_disable(struct per_cpu *cpu)
{
	u32 expected = running_root_cpus();
	u64 id;

	if (cell_count() > 1) {
		printk("Cellvisor: disable refused: %u cells exist; destroy every cell first\n",
		       cell_count() - 1);
		return refuse(-CV_EBUSY, CV_REASON_CELLS_EXIST, cell_count() - 1, 0);
	}
	spin_lock(&hv.disable_lock);
	if (++hv.disable_arrived == expected) {
		iommu_disable();
		printk("Cellvisor: disabled; Linux owns the machine again\n");
		atomic_set(&hv.disabling, 1);
	}
	spin_unlock(&hv.disable_lock);
	if (wait_for(&hv.disabling, 1, ARRIVAL_TIMEOUT_S)) {
		spin_lock(&hv.disable_lock);
		if (!hv.disabling) {
			hv.disable_arrived--;
			spin_unlock(&hv.disable_lock);
			printk("Cellvisor: disable on CPU %u timed out: not every CPU called it\n",
			       cpu->id);
			return -CV_ETIMEDOUT;
		}
		spin_unlock(&hv.disable_lock);
	}
	for (id = 0; id < MAX_CPUS; id++) {
		struct per_cpu *c = per_cpu(id);

		if (c && c->state != CV_CPU_RUNNING)
			arch_cpu_kick(c);
	}
	arch_cpu_leave(cpu, 0);
}
