// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of hypercall dispatch and argument checks (hypervisor/core/hypercall.c). */
#include <stdlib.h>
#include <string.h>

#include <cellvisor/header.h>
#include <cellvisor/hypercall.h>
#include <cv/cell.h>
#include <cv/config.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/hypercall.h>
#include <cv/percpu.h>

#include "tap.h"

/* Stand-ins for what the arch layer and the rest of the hypervisor provide. */
struct page_pool mem_pool = { .pages = 4000, .used = 19 };
struct page_pool remap_pool = { .pages = 4096, .used = 161 };
static struct per_cpu cpus[2];
static int disables;
static struct cv_system_config sys = { .platform.notify_irq = 287 };
struct hypervisor hv = { .config = &sys };
static unsigned int raised;

void arch_raise_spi(u32 irq)
{
	raised += irq == 287;
}

struct per_cpu *per_cpu(u64 id)
{
	return id < 2 ? &cpus[id] : NULL;
}

static struct per_cpu *current;	/* the CPU making the hypercall under test */

struct per_cpu *this_cpu(void)
{
	return current ? current : &cpus[0];
}

long hv_disable(struct per_cpu *cpu)
{
	(void)cpu;
	disables++;
	return 0;
}

/* Cell RAM is host memory here: physical address = host address. */
void *arch_map_temp(u64 phys)
{
	return (void *)(size_t)phys;
}

void arch_unmap_temp(void *virt)
{
	(void)virt;
}

int arch_map_guest(struct cell *c, u64 ipa, u64 pa, u64 size, unsigned int flags)
{
	(void)c; (void)ipa; (void)pa; (void)size; (void)flags;
	return 0;
}

int arch_unmap_guest(struct cell *c, u64 ipa, u64 size)
{
	(void)c; (void)ipa; (void)size;
	return 0;
}

/* The stage 2 maps what the configuration lists (cell.c checks the configuration too). */
u64 arch_guest_phys(struct cell *c, u64 ipa, bool write)
{
	const struct cv_mem_region *r = config_mem(c->config);
	unsigned int i;

	for (i = 0; i < c->config->mem_regions.count; i++)
		if (ipa - r[i].virt_start < r[i].size && (!write || (r[i].flags & CV_MEM_WRITE)))
			return r[i].phys_start + (ipa - r[i].virt_start);
	return 0;
}

/* The lifecycle (core/control.c) has its own tests: here only that calls reach it. */
static u64 last_call[2];

static long record(u64 call, u64 arg)
{
	last_call[0] = call;
	last_call[1] = arg;
	return 0;
}

long cell_create(u64 blob_ipa, u64 size)
{
	(void)size;
	return record(CV_HC_CELL_CREATE, blob_ipa);
}

long cell_set_loadable(u64 id)
{
	return record(CV_HC_CELL_SET_LOADABLE, id);
}

long cell_start(u64 id)
{
	return record(CV_HC_CELL_START, id);
}

long cell_shutdown(u64 id)
{
	return record(CV_HC_CELL_SHUTDOWN, id);
}

long cell_destroy(u64 id, u64 flags)
{
	(void)flags;
	return record(CV_HC_CELL_DESTROY, id);
}

u32 cell_state_of(const struct cell *c)
{
	return c->state;
}

struct root_blob {
	struct cv_cell_config cfg;
	struct cv_mem_region mem[2];
};

int main(void)
{
	u8 *ram = aligned_alloc(PAGE_SIZE, 3 * PAGE_SIZE), *ro = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	u64 ram_at = (u64)(size_t)ram, ro_at = (u64)(size_t)ro;
	struct root_blob blob = { 0 };
	struct cell other = { .id = 1, .state = CV_CELL_STATE_RUNNING };
	struct cv_console_read *hdr = (void *)(ram + 96);
	struct per_cpu *root_cpu = &cpus[0], *cell_cpu = &cpus[1];
	long r;

	blob.cfg.mem_regions = (struct cv_array){ sizeof(blob.cfg), 2 };
	blob.mem[0] = (struct cv_mem_region){ ram_at, ram_at, 3 * PAGE_SIZE,
					      CV_MEM_READ | CV_MEM_WRITE };
	blob.mem[1] = (struct cv_mem_region){ ro_at, ro_at, PAGE_SIZE, CV_MEM_READ };
	root_cell.config = &blob.cfg;
	root_cell.state = CV_CELL_STATE_RUNNING;
	other.config = &blob.cfg;
	cell_add(&root_cell);
	cell_add(&other);
	*root_cpu = (struct per_cpu){ .id = 0, .present = true, .cell = &root_cell };
	*cell_cpu = (struct per_cpu){ .id = 1, .present = true, .cell = &other,
				      .state = CV_CPU_PARKED };
	root_cpu->stats[CV_STAT_PSCI] = 7;

	ok(hypercall(root_cpu, CV_HC_HYPERVISOR_GET_INFO, CV_INFO_MEM_POOL_SIZE, 0, 0) == 4000 &&
	   hypercall(root_cpu, CV_HC_HYPERVISOR_GET_INFO, CV_INFO_MEM_POOL_USED, 0, 0) == 19 &&
	   hypercall(root_cpu, CV_HC_HYPERVISOR_GET_INFO, CV_INFO_REMAP_POOL_SIZE, 0, 0) == 4096 &&
	   hypercall(root_cpu, CV_HC_HYPERVISOR_GET_INFO, CV_INFO_REMAP_POOL_USED, 0, 0) == 161,
	   "GET_INFO reports the pools");
	ok(hypercall(root_cpu, CV_HC_HYPERVISOR_GET_INFO, CV_INFO_NUM_CELLS, 0, 0) == 2,
	   "GET_INFO counts the cells");
	ok(hypercall(cell_cpu, CV_HC_HYPERVISOR_GET_INFO, CV_INFO_ABI_REVISION, 0, 0) ==
	   CV_ABI_REVISION, "any cell may ask the ABI revision");
	ok(hypercall(root_cpu, CV_HC_HYPERVISOR_GET_INFO, 6, 0, 0) == -CV_EINVAL,
	   "GET_INFO of an unknown item: -EINVAL");

	ok(hypercall(cell_cpu, CV_HC_DISABLE, 0, 0, 0) == -CV_EPERM && disables == 0,
	   "DISABLE from another cell: -EPERM, nothing done");
	ok(hypercall(root_cpu, CV_HC_DISABLE, 0, 0, 0) == 0 && disables == 1,
	   "DISABLE from the root goes to hv_disable");
	ok(hypercall(cell_cpu, CV_HC_CPU_GET_INFO, 0, CV_CPU_INFO_STATE, 0) == -CV_EPERM &&
	   hypercall(cell_cpu, CV_HC_CONSOLE_READ, ram_at, 64, 0) == -CV_EPERM &&
	   hypercall(cell_cpu, CV_HC_CELL_CREATE, 0, 0, 0) == -CV_EPERM &&
	   hypercall(cell_cpu, CV_HC_CELL_GET_STATE, 0, 0, 0) == -CV_EPERM &&
	   hypercall(cell_cpu, CV_HC_CELL_SHUTDOWN, 1, 0, 0) == -CV_EPERM,
	   "every root-only call from another cell: -EPERM");
	current = cell_cpu;
	ok(hypercall(cell_cpu, CV_HC_CELL_CREATE, 0, 0, 0) == -CV_EPERM &&
	   cell_cpu->refusal.reason == CV_REASON_NOT_ROOT &&
	   cell_cpu->refusal.object == CV_HC_CELL_CREATE,
	   "... with the reason NOT_ROOT and the call as its object, on the caller's CPU");
	current = NULL;
	ok(hypercall(root_cpu, 99, 0, 0, 0) == -CV_ENOSYS &&
	   root_cpu->refusal.reason == CV_REASON_UNKNOWN_CALL && root_cpu->refusal.object == 99,
	   "an unknown call: -ENOSYS, reason UNKNOWN_CALL, the code as its object");
	ok(hypercall(root_cpu, CV_HC_HYPERVISOR_GET_INFO, CV_INFO_NUM_CELLS, 0, 0) == 2 &&
	   root_cpu->refusal.reason == CV_REASON_NONE && root_cpu->refusal.object == 0,
	   "the next call that succeeds returns no reason");

	ok(hypercall(root_cpu, CV_HC_CPU_GET_INFO, 1, CV_CPU_INFO_STATE, 0) == CV_CPU_PARKED,
	   "CPU_GET_INFO state");
	ok(hypercall(root_cpu, CV_HC_CPU_GET_INFO, 1, CV_CPU_INFO_CELL, 0) == 1,
	   "CPU_GET_INFO owning cell");
	ok(hypercall(root_cpu, CV_HC_CPU_GET_INFO, 0, CV_CPU_INFO_STAT_BASE + CV_STAT_PSCI, 0) == 7,
	   "CPU_GET_INFO statistics");
	ok(hypercall(root_cpu, CV_HC_CPU_GET_INFO, 0, CV_CPU_INFO_STAT_BASE + CV_NUM_STATS, 0) ==
	   -CV_EINVAL, "a statistic past the last: -EINVAL");
	ok(hypercall(root_cpu, CV_HC_CPU_GET_INFO, 0, 2, 0) == -CV_EINVAL,
	   "an unknown CPU item: -EINVAL");
	ok(hypercall(root_cpu, CV_HC_CPU_GET_INFO, 2, CV_CPU_INFO_STATE, 0) == -CV_EINVAL &&
	   hypercall(root_cpu, CV_HC_CPU_GET_INFO, ~0ULL, CV_CPU_INFO_STATE, 0) == -CV_EINVAL,
	   "a CPU the hypervisor does not have: -EINVAL");

	ok(hypercall(root_cpu, CV_HC_CELL_GET_STATE, 0, 0, 0) == CV_CELL_STATE_RUNNING,
	   "CELL_GET_STATE of the root");
	ok(hypercall(root_cpu, CV_HC_CELL_GET_STATE, 9, 0, 0) == -CV_ENOENT &&
	   hypercall(root_cpu, CV_HC_CELL_GET_STATE, 1ULL << 32, 0, 0) == -CV_ENOENT,
	   "CELL_GET_STATE of no cell: -ENOENT");

	ok(hypercall(root_cpu, CV_HC_DEBUG_CONSOLE_PUTC, 'Q', 0, 0) == 0 &&
	   cv_console.buf[(cv_console.seq - 1) % CV_CONSOLE_RING_SIZE] == 'Q',
	   "DEBUG_CONSOLE_PUTC of the root writes one character to the hypervisor console");
	ok(hypercall(cell_cpu, CV_HC_DEBUG_CONSOLE_PUTC, 'Z', 0, 0) == 0 &&
	   other.console.ring.seq == 1 && other.console.ring.buf[0] == 'Z' &&
	   cv_console.buf[(cv_console.seq - 1) % CV_CONSOLE_RING_SIZE] == 'Q',
	   "DEBUG_CONSOLE_PUTC of a cell goes to the cell's own console");
	ok(hypercall(root_cpu, CV_HC_DEBUG_CONSOLE_PUTC, 0x100, 0, 0) == -CV_EINVAL,
	   "PUTC of a value that is no byte: -EINVAL");

	printk("line one\n");
	hdr->seq = 0;
	hdr->lost = 5;
	r = hypercall(root_cpu, CV_HC_CONSOLE_READ, ram_at + 96, 3 * PAGE_SIZE - 96, 0);
	ok(r == (long)cv_console.seq && hdr->seq == cv_console.seq && hdr->lost == 0 &&
	   memcmp(ram + 96 + sizeof(*hdr) + r - 9, "line one\n", 9) == 0,
	   "CONSOLE_READ copies the console after the header (%ld bytes)", r);
	ok(hypercall(root_cpu, CV_HC_CONSOLE_READ, ram_at + 96, 3 * PAGE_SIZE - 96, 0) == 0,
	   "CONSOLE_READ from the end: 0 bytes");
	hdr->seq = 0;
	ok(hypercall(root_cpu, CV_HC_CONSOLE_READ, ram_at + 96, sizeof(*hdr) + 4, 0) == 4 &&
	   hdr->seq == 4, "a small buffer gets what fits");
	ok(hypercall(root_cpu, CV_HC_CONSOLE_READ, ram_at, sizeof(*hdr) - 1, 0) == -CV_EINVAL,
	   "a buffer smaller than the header: -EINVAL");
	ok(hypercall(root_cpu, CV_HC_CONSOLE_READ, ram_at, 64, 7) == -CV_ENOENT,
	   "a cell console that does not exist: -ENOENT");
	hdr->seq = 0;
	ok(hypercall(root_cpu, CV_HC_CONSOLE_READ, ram_at + 96, 64, 1) == 1 &&
	   ram[96 + sizeof(*hdr)] == 'Z' && hdr->seq == 1, "CONSOLE_READ of cell 1's console");
	ok(hypercall(root_cpu, CV_HC_CELL_DESTROY, 3, 0, 0) == 0 &&
	   last_call[0] == CV_HC_CELL_DESTROY && last_call[1] == 3 &&
	   hypercall(root_cpu, CV_HC_CELL_CREATE, 0x1234, 9, 0) == 0 &&
	   last_call[0] == CV_HC_CELL_CREATE && last_call[1] == 0x1234,
	   "the cell calls reach the lifecycle with their arguments");
	ok(hypercall(root_cpu, CV_HC_CONSOLE_READ, ram_at + 2 * PAGE_SIZE, PAGE_SIZE + 1, 0) ==
	   -CV_EFAULT, "a buffer running past the cell's RAM: -EFAULT");
	ok(hypercall(root_cpu, CV_HC_CONSOLE_READ, ro_at, 64, 0) == -CV_EFAULT,
	   "a buffer in read-only memory: -EFAULT");
	ok(hypercall(root_cpu, CV_HC_CONSOLE_READ, 0x1000, 64, 0) == -CV_EFAULT,
	   "a buffer outside the cell: -EFAULT");
	ok(hypercall(root_cpu, CV_HC_CONSOLE_READ, ~0ULL - 8, 64, 0) == -CV_EFAULT,
	   "a buffer wrapping around: -EFAULT");

	memcpy(ram + 2048, "a line\n", 7);
	ok(hypercall(cell_cpu, CV_HC_DEBUG_CONSOLE_WRITE, ram_at + 2048, 7, 0) == 7 &&
	   other.console.ring.seq == 8 && memcmp(other.console.ring.buf + 1, "a line\n", 7) == 0,
	   "DEBUG_CONSOLE_WRITE of a cell: the bytes on its own console, their number returned");
	ok(hypercall(root_cpu, CV_HC_DEBUG_CONSOLE_WRITE, ram_at + 2048, 7, 0) == 7 &&
	   memcmp(cv_console.buf + (cv_console.seq - 7) % CV_CONSOLE_RING_SIZE, "a line\n", 7) == 0,
	   "DEBUG_CONSOLE_WRITE of the root goes to the hypervisor console");
	ok(hypercall(cell_cpu, CV_HC_DEBUG_CONSOLE_WRITE, ram_at, 0, 0) == 0 &&
	   other.console.ring.seq == 8, "a WRITE of no bytes writes nothing");
	ok(hypercall(cell_cpu, CV_HC_DEBUG_CONSOLE_WRITE, ram_at, CV_CONSOLE_WRITE_MAX, 0) ==
	   CV_CONSOLE_WRITE_MAX, "a WRITE of CV_CONSOLE_WRITE_MAX bytes is whole");
	ok(hypercall(cell_cpu, CV_HC_DEBUG_CONSOLE_WRITE, ram_at, CV_CONSOLE_WRITE_MAX + 1, 0) ==
	   -CV_EINVAL, "a WRITE of more: -EINVAL");
	ok(hypercall(cell_cpu, CV_HC_DEBUG_CONSOLE_WRITE, 0x1000, 7, 0) == -CV_EFAULT &&
	   hypercall(cell_cpu, CV_HC_DEBUG_CONSOLE_WRITE, ram_at + 3 * PAGE_SIZE - 3, 7, 0) ==
	   -CV_EFAULT && hypercall(cell_cpu, CV_HC_DEBUG_CONSOLE_WRITE, ~0ULL - 2, 7, 0) ==
	   -CV_EFAULT, "a WRITE from outside the cell's RAM, past its end or wrapping: -EFAULT");

	console_set_notify(cell_notify_root);
	cell_root_looks();
	raised = 0;
	ok(hypercall(cell_cpu, CV_HC_DEBUG_CONSOLE_PUTC, 'x', 0, 0) == 0 && raised == 0 &&
	   hypercall(cell_cpu, CV_HC_DEBUG_CONSOLE_PUTC, '\n', 0, 0) == 0 && raised == 1,
	   "a cell's console line raises the root's notification interrupt");
	ok(hypercall(cell_cpu, CV_HC_DEBUG_CONSOLE_PUTC, '\n', 0, 0) == 0 && raised == 1,
	   "... once, until the root looks");
	hdr->seq = ~0ULL;
	ok(hypercall(root_cpu, CV_HC_CONSOLE_READ, ram_at + 96, 64, 1) >= 0 &&
	   hypercall(cell_cpu, CV_HC_DEBUG_CONSOLE_PUTC, '\n', 0, 0) == 0 && raised == 2,
	   "... and again after the root read a console");
	console_set_notify(NULL);

	ok(hypercall(root_cpu, 99, 0, 0, 0) == -CV_ENOSYS &&
	   hypercall(cell_cpu, 99, 0, 0, 0) == -CV_ENOSYS, "an unknown call: -ENOSYS");
	free(ram);
	free(ro);
	return tap_done();
}
