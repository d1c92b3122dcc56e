// SPDX-License-Identifier: GPL-2.0-only
/* Cellvisor: hypercall dispatch and argument checks. */
#include <cellvisor/header.h>
#include <cellvisor/hypercall.h>
#include <cv/cell.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/hypercall.h>
#include <cv/lib.h>
#include <cv/link.h>
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
	c = cell_find(id);
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
		from = cell_find(cell_id);
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

/* The calls, each with what it needs: the handlers take (cpu, x1, x2, x3). */
#define ARGS struct per_cpu *cpu, u64 a1, u64 a2, u64 a3
#define UNUSED (void)cpu, (void)a1, (void)a2, (void)a3

static long hc_disable(ARGS) { UNUSED; return hv_disable(cpu); }
static long hc_create(ARGS) { UNUSED; return cell_create(a1, a2); }
static long hc_start(ARGS) { UNUSED; return cell_start(a1); }
static long hc_set_loadable(ARGS) { UNUSED; return cell_set_loadable(a1); }
static long hc_destroy(ARGS) { UNUSED; return cell_destroy(a1, a2); }
static long hc_shutdown(ARGS) { UNUSED; return cell_shutdown(a1); }
static long hc_get_info(ARGS) { UNUSED; return get_info(a1); }
static long hc_cell_state(ARGS) { UNUSED; return cell_state(a1); }
static long hc_cpu_info(ARGS) { UNUSED; return cpu_info(a1, a2); }

static long hc_putc(ARGS)
{
	char ch = (char)a1;

	UNUSED;
	if (a1 > 0xff)
		return -CV_EINVAL;
	console_put(cpu->cell, &ch, 1);
	return 0;
}

static long hc_console_read(ARGS)
{
	UNUSED;
	cell_root_looks();	/* before reading: what comes after raises again */
	return console_read_to(cpu->cell, a1, a2, a3);
}

static long hc_console_write(ARGS) { UNUSED; return console_write_from(cpu->cell, a1, a2); }
static long hc_link_info(ARGS) { return link_get_info(cpu, a1, a2, a3); }
static long hc_link_ring(ARGS) { UNUSED; return link_ring(cpu, a1, a2); }
static long hc_link_state(ARGS) { UNUSED; return link_set_state(cpu, a1, a2); }

static const struct {
	long (*fn)(ARGS);
	bool root_only;		/* -CV_EPERM from any other cell */
	bool management;	/* counted as CV_STAT_MANAGEMENT */
} calls[] = {
	[CV_HC_DISABLE]			= { hc_disable, true, true },
	[CV_HC_CELL_CREATE]		= { hc_create, true, true },
	[CV_HC_CELL_START]		= { hc_start, true, true },
	[CV_HC_CELL_SET_LOADABLE]	= { hc_set_loadable, true, true },
	[CV_HC_CELL_DESTROY]		= { hc_destroy, true, true },
	[CV_HC_HYPERVISOR_GET_INFO]	= { hc_get_info, false, false },
	[CV_HC_CELL_GET_STATE]		= { hc_cell_state, true, false },
	[CV_HC_CPU_GET_INFO]		= { hc_cpu_info, true, false },
	[CV_HC_DEBUG_CONSOLE_PUTC]	= { hc_putc, false, false },
	[CV_HC_CONSOLE_READ]		= { hc_console_read, true, false },
	[CV_HC_CELL_SHUTDOWN]		= { hc_shutdown, true, true },
	[CV_HC_DEBUG_CONSOLE_WRITE]	= { hc_console_write, false, false },
	[CV_HC_LINK_GET_INFO]		= { hc_link_info, false, false },
	[CV_HC_LINK_RING]		= { hc_link_ring, false, false },
	[CV_HC_LINK_SET_STATE]		= { hc_link_state, false, false },
};

bool hypercall_is_management(u64 code)
{
	return code < ARRAY_SIZE(calls) && calls[code].management;
}

long hypercall(struct per_cpu *cpu, u64 code, u64 arg1, u64 arg2, u64 arg3)
{
	memset(&cpu->refusal, 0, sizeof(cpu->refusal));
	if (code >= ARRAY_SIZE(calls) || !calls[code].fn)
		return refuse(-CV_ENOSYS, CV_REASON_UNKNOWN_CALL, code, 0);
	if (calls[code].root_only && cpu->cell != &root_cell)
		return refuse(-CV_EPERM, CV_REASON_NOT_ROOT, code, 0);
	return calls[code].fn(cpu, arg1, arg2, arg3);
}
