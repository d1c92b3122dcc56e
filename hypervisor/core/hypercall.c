// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor: hypercall dispatch and argument checks. */
#include <cellvisor/header.h>
#include <cellvisor/hypercall.h>
#include <cv/cell.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/hypercall.h>
#include <cv/percpu.h>

static long get_info(u64 what)
{
	switch (what) {
	case CV_INFO_MEM_POOL_SIZE:
		return (long)mem_pool.pages;
	case CV_INFO_MEM_POOL_USED:
		return (long)mem_pool.used;
	case CV_INFO_REMAP_POOL_SIZE:
		return (long)remap_pool.pages;
	case CV_INFO_REMAP_POOL_USED:
		return (long)remap_pool.used;
	case CV_INFO_NUM_CELLS:
		return cell_count();
	case CV_INFO_ABI_REVISION:
		return CV_ABI_REVISION;
	}
	return -CV_EINVAL;
}

static long cpu_info(u64 id, u64 what)
{
	struct per_cpu *cpu = per_cpu(id);

	if (!cpu)
		return -CV_EINVAL;
	if (what == CV_CPU_INFO_STATE)
		return cpu->state;
	if (what == CV_CPU_INFO_CELL)
		return cpu->cell ? (long)cpu->cell->id : -CV_EINVAL;
	if (what >= CV_CPU_INFO_STAT_BASE && what < CV_CPU_INFO_STAT_BASE + CV_NUM_STATS)
		return (long)(cpu->stats[what - CV_CPU_INFO_STAT_BASE] & 0x7fffffffffffffffULL);
	return -CV_EINVAL;
}

static long cell_state(u64 id)
{
	struct cell *c;
	long ret;

	cells_lock();
	c = id < CV_MAX_CELLS ? cell_find((unsigned int)id) : NULL;
	ret = c ? (long)cell_state_of(c) : -CV_ENOENT;
	cells_unlock();
	return ret;
}

/* Console bytes of the hypervisor (cell_id 0) or of a cell. */
static size_t read_console(const struct cell *from, u64 *seq, u64 *lost, char *out, size_t n)
{
	return from ? console_cell_read(&from->console, seq, lost, out, n) :
		      console_read(seq, lost, out, n);
}

/*
 * Copy new console bytes into the caller's buffer (struct cv_console_read), with the
 * registry lock held: the cell read from cannot go away meanwhile.
 */
static long console_read_locked(struct cell *c, u64 buf, u64 size, u64 cell_id)
{
	const struct cell *from = NULL;
	struct cv_console_read hdr;
	u64 done = 0, lost = 0, l;
	char chunk[256];
	size_t n;

	if (cell_id != 0) {
		from = cell_id < CV_MAX_CELLS ? cell_find((unsigned int)cell_id) : NULL;
		if (!from)
			return -CV_ENOENT;
	}
	if (size < sizeof(hdr) || size > (1ULL << 20))
		return -CV_EINVAL;
	if (!cell_ram_to_phys(c, buf, size, true))
		return -CV_EFAULT;
	if (cell_copy_from(c, &hdr, buf, sizeof(hdr)))
		return -CV_EFAULT;
	size -= sizeof(hdr);
	while (done < size) {
		n = read_console(from, &hdr.seq, &l, chunk, MIN(sizeof(chunk), size - done));
		lost += l;
		if (!n)
			break;
		if (cell_copy_to(c, buf + sizeof(hdr) + done, chunk, n))
			return -CV_EFAULT;
		done += n;
	}
	hdr.lost = lost;
	if (cell_copy_to(c, buf, &hdr, sizeof(hdr)))
		return -CV_EFAULT;
	return (long)done;
}

static long console_read_to(struct cell *c, u64 buf, u64 size, u64 cell_id)
{
	long ret;

	cells_lock();
	ret = console_read_locked(c, buf, size, cell_id);
	cells_unlock();
	return ret;
}

/* Bytes for the console of cell 'c': the hypervisor's for the root, else the cell's own. */
static void console_put(struct cell *c, const char *s, size_t len)
{
	size_t i;

	if (c == &root_cell)
		console_write(s, len);
	else
		for (i = 0; i < len; i++)
			console_cell_putc(&c->console, c->config->name, s[i]);
}

/* CV_HC_DEBUG_CONSOLE_WRITE: a whole line (or more) in one exit instead of one a byte. */
static long console_write_from(struct cell *c, u64 buf, u64 len)
{
	char chunk[CV_CONSOLE_WRITE_MAX];

	if (len > sizeof(chunk))
		return -CV_EINVAL;
	if (cell_copy_from(c, chunk, buf, len))
		return -CV_EFAULT;
	console_put(c, chunk, len);
	return (long)len;
}

long hypercall(struct per_cpu *cpu, u64 code, u64 arg1, u64 arg2, u64 arg3)
{
	bool root = cpu->cell == &root_cell;
	char ch;

	switch (code) {
	case CV_HC_HYPERVISOR_GET_INFO:
		return get_info(arg1);
	case CV_HC_DEBUG_CONSOLE_PUTC:
		if (arg1 > 0xff)
			return -CV_EINVAL;
		ch = (char)arg1;
		console_put(cpu->cell, &ch, 1);
		return 0;
	case CV_HC_DEBUG_CONSOLE_WRITE:
		return console_write_from(cpu->cell, arg1, arg2);
	}
	if (code > CV_HC_CELL_SHUTDOWN)
		return -CV_ENOSYS;
	if (!root)
		return -CV_EPERM;
	switch (code) {
	case CV_HC_DISABLE:
		return hv_disable(cpu);
	case CV_HC_CELL_GET_STATE:
		return cell_state(arg1);
	case CV_HC_CPU_GET_INFO:
		return cpu_info(arg1, arg2);
	case CV_HC_CONSOLE_READ:
		cell_root_looks();	/* before reading: what comes after raises again */
		return console_read_to(cpu->cell, arg1, arg2, arg3);
	case CV_HC_CELL_CREATE:
		return cell_create(arg1, arg2);
	case CV_HC_CELL_SET_LOADABLE:
		return cell_set_loadable(arg1);
	case CV_HC_CELL_START:
		return cell_start(arg1);
	case CV_HC_CELL_SHUTDOWN:
		return cell_shutdown(arg1);
	case CV_HC_CELL_DESTROY:
		return cell_destroy(arg1);
	}
	return -CV_ENOSYS;
}
