// SPDX-License-Identifier: GPL-2.0-only
/*
 * insncount: a QEMU TCG plugin (QEMU 7.2, plugin API version 1) that counts the instructions
 * each vCPU executes, split by where they are, and snapshots the counters when the guest
 * executes a marker instruction.
 *
 *   -plugin FILE.so,arg=out=PATH,arg=hv=LO-HI[:LO-HI...],arg=stats=ADDR:STRIDE:OFFSET
 *
 * Classes of instructions, by the address of their translation block:
 *   hv      inside one of the hv= ranges (the hypervisor's EL2 virtual range and, for its early
 *           entry with the MMU off, its physical range)
 *   kernel  the upper half (0xffff...: the root Linux at EL1)
 *   low     everything else (user space, and the inmates of other cells)
 *
 * Exits: a vCPU that enters an hv block after a block of another class starts an exit, which
 * ends at its next block outside the hypervisor.  The exit's reason is the hypervisor's own
 * statistic (CV_STAT_*) that it counted: with stats=ADDR:STRIDE:OFFSET, a store by hypervisor
 * code to ADDR + cpu * STRIDE + OFFSET + 8 * reason (struct per_cpu's stats[] of the cpus[]
 * array; cpu_stat() compiles to "str Xt, [Xn, #OFFSET + 8 * reason]", the only form watched)
 * names it (a management hypercall wins over plain "hypercall"; otherwise the first
 * non-total statistic).  Exits that count none are "other".  Instructions of the exit are
 * added to its reason.
 *
 * Marker: "hint #0x70" + k (k = 0..15) are NOPs on the CPU; when a vCPU executes one, the
 * plugin writes one line to PATH:
 *   mark SEQ K VCPU | hv kernel low exits[10] insns[10] | ... one group per vCPU
 * The counters are cumulative since QEMU started; differences between two marks are the
 * figures.
 *
 * Profile (for finding where a step's kernel instructions go, not for make bench): marker 4
 * starts a profile of the vCPU that executes it, marker 5 ends it and writes its hottest
 * kernel translation blocks, by instructions executed, as
 *   prof SEQ VCPU ADDRESS INSNS
 * lines (ADDRESS: the block's first instruction; symbolize with the guest's /proc/kallsyms).  Instructions are counted per translation block entered: a block left early by an
 * exception counts whole (the same way every time, so counts stay reproducible).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_VCPUS	16
#define MAX_RANGES	4
#define NUM_REASONS	10	/* CV_STAT_* 1..8 by number, 0 = other, 9 unused */
#define STAT_HYPERCALL	2
#define STAT_MANAGEMENT	3

enum cls { CLS_HV, CLS_KERNEL, CLS_LOW, NUM_CLS };

#define PROF_SLOTS	(1 << 16)
#define PROF_TOP	60

struct prof_slot {
	uint64_t pc, insns;
};

struct vcpu {
	uint64_t insns[NUM_CLS];
	struct prof_slot *prof;	/* while profiling, else NULL */
	uint64_t exits[NUM_REASONS];
	uint64_t exit_insns[NUM_REASONS];
	int in_exit;
	int reason;		/* of the current exit, -1 none yet */
	uint64_t cur_insns;	/* of the current exit */
} __attribute__((aligned(64)));

struct tb_info {
	uint64_t pc;
	uint32_t n;
	uint8_t cls;
};

static struct vcpu vcpus[MAX_VCPUS];
static uint64_t hv_lo[MAX_RANGES], hv_hi[MAX_RANGES];
static int n_ranges;
static uint64_t stats_addr, stats_stride, stats_off;
static FILE *out;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t seq;

static int classify(uint64_t pc)
{
	for (int i = 0; i < n_ranges; i++)
		if (pc >= hv_lo[i] && pc < hv_hi[i])
			return CLS_HV;
	return (pc >> 63) ? CLS_KERNEL : CLS_LOW;
}

static void end_exit(struct vcpu *v)
{
	int r = v->reason < 0 ? 0 : v->reason;

	v->exits[r]++;
	v->exit_insns[r] += v->cur_insns;
	v->in_exit = 0;
}

static void tb_exec(unsigned int idx, void *udata)
{
	const struct tb_info *t = udata;
	struct vcpu *v;

	if (idx >= MAX_VCPUS)
		return;
	v = &vcpus[idx];
	v->insns[t->cls] += t->n;
	if (v->prof && t->cls == CLS_KERNEL) {
		uint64_t h = (t->pc >> 2) * 0x9e3779b97f4a7c15ull >> 48;

		while (v->prof[h].pc && v->prof[h].pc != t->pc)
			h = (h + 1) & (PROF_SLOTS - 1);
		v->prof[h].pc = t->pc;	/* a full table would loop: 64 Ki blocks is plenty */
		v->prof[h].insns += t->n;
	}
	if (t->cls == CLS_HV) {
		if (!v->in_exit) {
			v->in_exit = 1;
			v->reason = -1;
			v->cur_insns = 0;
		}
		v->cur_insns += t->n;
	} else if (v->in_exit) {
		end_exit(v);
	}
}

static void hv_store(unsigned int idx, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
	uint64_t rel, slot;
	struct vcpu *v;
	int r;

	(void)info;
	(void)udata;
	if (idx >= MAX_VCPUS || !stats_stride || vaddr < stats_addr)
		return;
	rel = vaddr - stats_addr;
	if (rel >= MAX_VCPUS * stats_stride)
		return;
	slot = rel % stats_stride;
	if (slot < stats_off || slot >= stats_off + 8 * (NUM_REASONS - 1) || (slot - stats_off) % 8)
		return;
	r = (int)((slot - stats_off) / 8);
	v = &vcpus[idx];
	if (r == 0 || !v->in_exit)
		return;		/* CV_STAT_TOTAL says nothing about the reason */
	if (v->reason < 0 || (r == STAT_MANAGEMENT && v->reason == STAT_HYPERCALL))
		v->reason = r;
}

static int by_insns(const void *a, const void *b)
{
	const struct prof_slot *x = a, *y = b;

	return x->insns < y->insns ? 1 : x->insns > y->insns ? -1 : 0;
}

static void marker(unsigned int idx, void *udata)
{
	unsigned int k = (unsigned int)(uintptr_t)udata;

	if (k == 4 && idx < MAX_VCPUS && !vcpus[idx].prof)
		vcpus[idx].prof = calloc(PROF_SLOTS, sizeof(struct prof_slot));
	pthread_mutex_lock(&out_lock);
	if (k == 5 && idx < MAX_VCPUS && vcpus[idx].prof) {
		struct prof_slot *p = vcpus[idx].prof;

		vcpus[idx].prof = NULL;
		qsort(p, PROF_SLOTS, sizeof(*p), by_insns);
		for (int i = 0; i < PROF_TOP && p[i].insns; i++)
			fprintf(out, "prof %" PRIu64 " %u 0x%" PRIx64 " %" PRIu64 "\n", seq, idx,
				p[i].pc, p[i].insns);
		free(p);
	}
	fprintf(out, "mark %" PRIu64 " %u %u", seq++, k, idx);
	for (int i = 0; i < MAX_VCPUS; i++) {
		const struct vcpu *v = &vcpus[i];

		fprintf(out, " | %" PRIu64 " %" PRIu64 " %" PRIu64, v->insns[CLS_HV],
			v->insns[CLS_KERNEL], v->insns[CLS_LOW]);
		for (int r = 0; r < NUM_REASONS; r++)
			fprintf(out, " %" PRIu64, v->exits[r]);
		for (int r = 0; r < NUM_REASONS; r++)
			fprintf(out, " %" PRIu64, v->exit_insns[r]);
	}
	fputc('\n', out);
	fflush(out);
	pthread_mutex_unlock(&out_lock);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct tb_info *t = malloc(sizeof(*t));
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	if (!t)
		abort();
	t->n = (uint32_t)n;
	t->pc = qemu_plugin_tb_vaddr(tb);
	t->cls = (uint8_t)classify(qemu_plugin_tb_vaddr(tb));
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS, t);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint32_t op;

		if (qemu_plugin_insn_size(insn) != 4)
			continue;
		memcpy(&op, qemu_plugin_insn_data(insn), 4);
		/*
		 * Memory callbacks only on the hypervisor's "str Xt, [Xn, #imm]" whose offset
		 * can be a stats[] slot: QEMU 7.2 leaves an instruction's memory callbacks
		 * armed when it raises an exception (WFE, HVC, ...), and a later access then
		 * runs freed ones ("qemu_plugin_vcpu_mem_cb: code should not be reached").
		 * Such a store never raises one.
		 */
		if (t->cls == CLS_HV && stats_stride && (op & 0xffc00000u) == 0xf9000000u) {
			uint64_t off = ((op >> 10) & 0xfff) * 8;

			if (off >= stats_off && off < stats_off + 8 * (NUM_REASONS - 1))
				qemu_plugin_register_vcpu_mem_cb(insn, hv_store,
								 QEMU_PLUGIN_CB_NO_REGS,
								 QEMU_PLUGIN_MEM_W, NULL);
		}
		/* HINT #imm: 0xd503201f | imm << 5; markers are imm 0x70..0x7f */
		if ((op & ~(0x7fu << 5)) == 0xd503201fu && ((op >> 5) & 0x7f) >= 0x70)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, marker, QEMU_PLUGIN_CB_NO_REGS,
							       (void *)(uintptr_t)(((op >> 5) & 0x7f) - 0x70));
	}
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	(void)id;
	(void)p;
	marker(0, (void *)(uintptr_t)15);
	fclose(out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *path = NULL;

	(void)info;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "out=", 4) == 0) {
			path = argv[i] + 4;
		} else if (strncmp(argv[i], "hv=", 3) == 0) {
			char *s = argv[i] + 3, *end;

			while (*s && n_ranges < MAX_RANGES) {
				hv_lo[n_ranges] = strtoull(s, &end, 0);
				if (*end != '-')
					goto bad;
				hv_hi[n_ranges++] = strtoull(end + 1, &end, 0);
				s = *end == ':' ? end + 1 : end;
				if (*end && *end != ':')
					goto bad;
			}
		} else if (strncmp(argv[i], "stats=", 6) == 0) {
			char *end;

			stats_addr = strtoull(argv[i] + 6, &end, 0);
			if (*end != ':')
				goto bad;
			stats_stride = strtoull(end + 1, &end, 0);
			if (*end != ':')
				goto bad;
			stats_off = strtoull(end + 1, &end, 0);
			if (*end)
				goto bad;
		} else {
bad:
			fprintf(stderr, "insncount: bad argument '%s'\n", argv[i]);
			return -1;
		}
	}
	if (!path) {
		fprintf(stderr, "insncount: needs out=PATH\n");
		return -1;
	}
	out = fopen(path, "w");
	if (!out) {
		perror(path);
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
