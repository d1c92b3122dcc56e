// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cellvisor arm64: the Arm SMMUv3 as the IOMMU of cv/iommu.h.
 *
 * Stage 1 only (QEMU 7.2's model implements nothing else): each cell has one context
 * descriptor (CD), index and ASID = the cell id, whose TTB0 is the cell's DMA map in the
 * AArch64 stage-1 format (4 KiB granule, 48-bit input).  The stream table is linear, one
 * entry (STE) per stream ID below 1 << stream_id_bits; an STE translates through one CD
 * with one context (S1CDMax 0).  Commands go through the command queue, each batch ends
 * with CMD_SYNC whose completion is polled with a time limit; faults are recorded (CD.R)
 * in the event queue, which iommu_poll() reads.  The SMMU's interrupts stay off.
 */
#include <asm/processor.h>
#include <asm/sysregs.h>
#include <cv/cell.h>
#include <cv/console.h>
#include <cv/errno.h>
#include <cv/hv.h>
#include <cv/iommu.h>
#include <cv/lib.h>

/* Registers (page 0, and page 1 at +64 KiB). */
#define IDR0			0x00
#define IDR0_S1P		BIT64(1)
#define IDR0_TTF_AA64		(2U << 2)
#define IDR0_COHACC		BIT64(4)
#define IDR1			0x04
#define IDR5			0x14
#define CR0			0x20
#define CR0_SMMUEN		BIT64(0)
#define CR0_EVENTQEN		BIT64(2)
#define CR0_CMDQEN		BIT64(3)
#define CR0ACK			0x24
#define CR1			0x28
#define CR2			0x2c
#define CR2_RECINVSID		BIT64(1)
#define GBPA			0x44
#define GBPA_UPDATE		BIT64(31)
#define IRQ_CTRL		0x50
#define GERROR			0x60
#define GERRORN			0x64
#define STRTAB_BASE		0x80
#define STRTAB_BASE_CFG		0x88
#define CMDQ_BASE		0x90
#define CMDQ_PROD		0x98
#define CMDQ_CONS		0x9c
#define EVENTQ_BASE		0xa0
#define EVENTQ_PROD		0x100a8
#define EVENTQ_CONS		0x100ac
#define Q_BASE_RA		BIT64(62)	/* read-allocate (WA for the event queue) */

/* CR1: queues and tables inner shareable, write-back cacheable. */
#define CR1_CACHEABLE		(1 | 1 << 2 | 3 << 4 | 1 << 6 | 1 << 8 | 3 << 10)

#define CMDQ_LOG2		8	/* 256 commands of 16 bytes: one page */
#define EVENTQ_LOG2		7	/* 128 events of 32 bytes: one page */

/* Commands. */
#define CMD_TLBI_NH_ASID	0x11
#define CMD_TLBI_NSNH_ALL	0x30
#define CMD_CFGI_STE		0x03
#define CMD_CFGI_ALL		0x04	/* CMD_CFGI_STE_RANGE, Range 31 */
#define CMD_CFGI_CD		0x05
#define CMD_SYNC		0x46

#define SYNC_TIMEOUT_MS		100

/* STE and CD fields. */
#define STE_V			BIT64(0)
#define STE_CFG_ABORT		(0ULL << 1)
#define STE_CFG_S1		(5ULL << 1)
#define CD_T0SZ(bits)		((u64)(64 - (bits)))
#define CD_IRGN0_WB		(1ULL << 8)
#define CD_ORGN0_WB		(1ULL << 10)
#define CD_SH0_INNER		(3ULL << 12)
#define CD_EPD1			BIT64(30)
#define CD_V			BIT64(31)
#define CD_IPS(x)		((u64)(x) << 32)
#define CD_AA64			BIT64(41)
#define CD_R			BIT64(45)	/* record faults */
#define CD_A			BIT64(46)	/* abort faulting transactions */
#define CD_ASID(x)		((u64)(x) << 48)
#define MAIR_WB			0xffULL		/* attr 0: normal, write-back */

#define DESC_ADDR		0x0000fffffffff000ULL
#define AF			BIT64(10)
#define SH_INNER		(3ULL << 8)

/* AArch64 stage-1 descriptors as the SMMU walks them: attr 0 of the CD's MAIR. */
const struct pt_format iommu_format = {
	.start_level = 0, .root_pages = 1, .block_level = 1,
	.addr_mask = DESC_ADDR, .type_mask = 3, .table = 3, .block = 1, .page = 3,
	.normal = AF | SH_INNER, .device = AF,
	.read = BIT64(6), .write = 0, .read_only = BIT64(7),	/* AP[1]: any privilege */
	.no_exec = BIT64(53) | BIT64(54),
};

static struct {
	u8 *regs;
	u64 *strtab;		/* 8 words per STE */
	unsigned int strtab_log2;
	u64 *cds;		/* 8 words per CD, one per cell id */
	u64 *cmdq;		/* 2 words per command */
	u64 *eventq;		/* 4 words per event */
	u32 cmd_prod, event_cons;
	u32 ips;
	/* What Linux left, put back at exit. */
	u32 saved_cr1, saved_cr2, saved_gbpa, saved_irq_ctrl;
	u32 saved_strtab_cfg;
	u64 saved_strtab, saved_cmdq, saved_eventq;
} smmu;

static u32 rd32(u32 off)
{
	return *(volatile u32 *)(smmu.regs + off);
}

static void wr32(u32 off, u32 v)
{
	*(volatile u32 *)(smmu.regs + off) = v;
}

static u64 rd64(u32 off)
{
	return *(volatile u64 *)(smmu.regs + off);
}

static void wr64(u32 off, u64 v)
{
	*(volatile u64 *)(smmu.regs + off) = v;
}

static u64 now_ms(void)
{
	return arch_counter() / (arch_counter_freq() / 1000);
}

/* Wait until (register & mask) == value; -CV_ETIMEDOUT after SYNC_TIMEOUT_MS. */
static int poll_reg(u32 off, u32 mask, u32 value)
{
	u64 start = now_ms();

	while ((rd32(off) & mask) != value) {
		if (now_ms() - start > SYNC_TIMEOUT_MS)
			return -CV_ETIMEDOUT;
		cpu_relax();
	}
	return 0;
}

static int write_cr0(u32 v)
{
	wr32(CR0, v);
	return poll_reg(CR0ACK, ~0U, v);
}

static u32 q_index(u32 v, unsigned int log2)
{
	return v & ((1U << log2) - 1);
}

static u32 q_next(u32 v, unsigned int log2)
{
	return (v + 1) & ((2U << log2) - 1);	/* index and wrap bit */
}

static bool q_full(u32 prod, u32 cons, unsigned int log2)
{
	return q_index(prod, log2) == q_index(cons, log2) && prod != cons;
}

/* Queue one command; the queue is drained by every sync, so a full queue is a stuck SMMU. */
static int command(u64 w0, u64 w1)
{
	u64 *slot;

	if (q_full(smmu.cmd_prod, rd32(CMDQ_CONS), CMDQ_LOG2)) {
		dsb(ish);
		wr32(CMDQ_PROD, smmu.cmd_prod);
		if (poll_reg(CMDQ_CONS, (2U << CMDQ_LOG2) - 1, smmu.cmd_prod)) {
			printk("Cellvisor: SMMU: the command queue does not drain\n");
			return -CV_ETIMEDOUT;
		}
	}
	slot = &smmu.cmdq[2 * q_index(smmu.cmd_prod, CMDQ_LOG2)];
	slot[0] = w0;
	slot[1] = w1;
	smmu.cmd_prod = q_next(smmu.cmd_prod, CMDQ_LOG2);
	return 0;
}

/* CMD_SYNC and wait until the SMMU consumed it: everything queued before is done. */
static int sync(void)
{
	u32 cons;
	int err = command(CMD_SYNC, 0);

	if (err)
		return err;
	dsb(ish);
	wr32(CMDQ_PROD, smmu.cmd_prod);
	err = poll_reg(CMDQ_CONS, (2U << CMDQ_LOG2) - 1, smmu.cmd_prod);
	cons = rd32(CMDQ_CONS);
	if (err || (cons >> 24 & 0x7f) || ((rd32(GERROR) ^ rd32(GERRORN)) & 1)) {
		printk("Cellvisor: SMMU: command queue stuck or in error (CONS 0x%x, GERROR 0x%x); "
		       "DMA translations may be stale\n", cons, rd32(GERROR));
		return err ? err : -CV_EIO;
	}
	return 0;
}

static void set_ste(u32 stream, unsigned int cell_id)
{
	u64 *ste = &smmu.strtab[8 * stream];

	/* The CD pointer changes in word 0 alone: the SMMU sees the old STE or the new one. */
	ste[1] = 0;
	ste[0] = STE_V | STE_CFG_S1 | hv_phys(&smmu.cds[8 * cell_id]);
	dsb(ishst);
}

void arch_iommu_stream(u32 stream, unsigned int cell_id)
{
	if (stream >> smmu.strtab_log2)
		return;		/* beyond the table: aborted anyway (config.c refuses such) */
	set_ste(stream, cell_id);
	command(CMD_CFGI_STE | (u64)stream << 32, 1);
	command(CMD_CFGI_CD | (u64)stream << 32, 1);
}

int arch_iommu_context(unsigned int cell_id, u64 tables)
{
	u64 *cd = &smmu.cds[8 * cell_id];

	if (cell_id >= CV_MAX_CELLS)
		return -CV_EINVAL;
	cd[1] = tables & DESC_ADDR;
	cd[2] = 0;
	cd[3] = MAIR_WB;
	cd[0] = CD_T0SZ(paging_va_bits(&iommu_format)) | CD_IRGN0_WB | CD_ORGN0_WB |
		CD_SH0_INNER | CD_EPD1 | CD_V | CD_IPS(smmu.ips) | CD_AA64 | CD_R | CD_A |
		CD_ASID(cell_id);
	dsb(ishst);
	return 0;
}

int arch_iommu_flush(unsigned int cell_id)
{
	int err = command(CMD_TLBI_NH_ASID | (u64)cell_id << 48, 0);

	return err ? err : sync();
}

static void put_back(void)
{
	write_cr0(0);
	wr32(IRQ_CTRL, smmu.saved_irq_ctrl);
	wr32(CR1, smmu.saved_cr1);
	wr32(CR2, smmu.saved_cr2);
	wr64(STRTAB_BASE, smmu.saved_strtab);
	wr32(STRTAB_BASE_CFG, smmu.saved_strtab_cfg);
	wr64(CMDQ_BASE, smmu.saved_cmdq);
	wr64(EVENTQ_BASE, smmu.saved_eventq);
	wr32(CMDQ_PROD, 0);
	wr32(CMDQ_CONS, 0);
	wr32(EVENTQ_PROD, 0);
	wr32(EVENTQ_CONS, 0);
	wr32(GBPA, (smmu.saved_gbpa & ~GBPA_UPDATE) | GBPA_UPDATE);
	poll_reg(GBPA, GBPA_UPDATE, 0);
}

static void free_tables(void)
{
	if (smmu.strtab)
		page_free(smmu.strtab, 1U << (smmu.strtab_log2 > 6 ? smmu.strtab_log2 - 6 : 0));
	if (smmu.cds)
		page_free(smmu.cds, 1);
	if (smmu.cmdq)
		page_free(smmu.cmdq, 1);
	if (smmu.eventq)
		page_free(smmu.eventq, 1);
	smmu.strtab = smmu.cds = smmu.cmdq = smmu.eventq = NULL;
}

static int refuse_smmu(const struct cv_iommu *cfg, const char *why)
{
	printk("Cellvisor: SMMU at 0x%llx: %s\n", cfg->base, why);
	return -CV_ENODEV;
}

int arch_iommu_init(const struct cv_iommu *cfg, u64 root_tables)
{
	u32 idr0, idr1, n, i;
	int err;

	_Static_assert(CV_MAX_CELLS * 64 <= PAGE_SIZE, "one page of context descriptors");
	smmu.regs = arch_map_device(cfg->base, cfg->size);
	if (!smmu.regs)
		return -CV_ENOMEM;
	idr0 = rd32(IDR0);
	idr1 = rd32(IDR1);
	if (!(idr0 & IDR0_S1P) || !(idr0 & IDR0_TTF_AA64))
		return refuse_smmu(cfg, "no stage-1 translation with AArch64 tables");
	if (!(rd32(IDR5) & BIT64(4)))
		return refuse_smmu(cfg, "no 4 KiB translation granule");
	if ((idr1 & 0x3f) < cfg->stream_id_bits)
		return refuse_smmu(cfg, "fewer stream ID bits than the configuration says");
	if ((idr1 >> 21 & 0x1f) < CMDQ_LOG2 || (idr1 >> 16 & 0x1f) < EVENTQ_LOG2)
		return refuse_smmu(cfg, "queues too small");
	if (rd32(CR0) & CR0_SMMUEN)
		return refuse_smmu(cfg, "already enabled: Linux drives it (remove it from the "
				   "root's device tree)");
	smmu.ips = MIN(rd32(IDR5) & 7, 5U);
	smmu.saved_cr1 = rd32(CR1);
	smmu.saved_cr2 = rd32(CR2);
	smmu.saved_gbpa = rd32(GBPA);
	smmu.saved_irq_ctrl = rd32(IRQ_CTRL);
	smmu.saved_strtab = rd64(STRTAB_BASE);
	smmu.saved_strtab_cfg = rd32(STRTAB_BASE_CFG);
	smmu.saved_cmdq = rd64(CMDQ_BASE);
	smmu.saved_eventq = rd64(EVENTQ_BASE);

	smmu.strtab_log2 = cfg->stream_id_bits;
	smmu.strtab = page_alloc(1U << (smmu.strtab_log2 > 6 ? smmu.strtab_log2 - 6 : 0));
	smmu.cds = page_alloc(1);
	smmu.cmdq = page_alloc(1);
	smmu.eventq = page_alloc(1);
	if (!smmu.strtab || !smmu.cds || !smmu.cmdq || !smmu.eventq) {
		free_tables();
		return -CV_ENOMEM;
	}
	arch_iommu_context(0, root_tables);
	for (i = 0, n = 1U << smmu.strtab_log2; i < n; i++)
		set_ste(i, 0);

	err = write_cr0(0);
	wr32(IRQ_CTRL, 0);
	wr32(CR1, CR1_CACHEABLE);
	wr32(CR2, CR2_RECINVSID);
	wr64(STRTAB_BASE, Q_BASE_RA | hv_phys(smmu.strtab));
	wr32(STRTAB_BASE_CFG, smmu.strtab_log2);	/* linear */
	wr64(CMDQ_BASE, Q_BASE_RA | hv_phys(smmu.cmdq) | CMDQ_LOG2);
	wr32(CMDQ_PROD, 0);
	wr32(CMDQ_CONS, 0);
	wr64(EVENTQ_BASE, Q_BASE_RA | hv_phys(smmu.eventq) | EVENTQ_LOG2);
	wr32(EVENTQ_PROD, 0);
	wr32(EVENTQ_CONS, 0);
	smmu.cmd_prod = smmu.event_cons = 0;
	dsb(ish);
	if (!err)
		err = write_cr0(CR0_CMDQEN | CR0_EVENTQEN);
	if (!err)
		err = command(CMD_CFGI_ALL, 31);
	if (!err)
		err = command(CMD_TLBI_NSNH_ALL, 0);
	if (!err)
		err = sync();
	if (!err)
		err = write_cr0(CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN);
	if (err) {
		put_back();
		free_tables();
		return err;
	}
	printk("Cellvisor: SMMUv3 at 0x%llx: %u streams, stage-1 DMA maps per cell\n",
	       cfg->base, 1U << smmu.strtab_log2);
	return 0;
}

void arch_iommu_exit(void)
{
	put_back();
	free_tables();
}

static const char *event_name(u32 type)
{
	switch (type) {
	case 0x02: return "stream ID beyond the stream table";
	case 0x03: return "STE fetch failed";
	case 0x04: return "bad STE";
	case 0x09: return "CD fetch failed";
	case 0x0a: return "bad CD";
	case 0x0b: return "translation table walk failed";
	case 0x10: return "translation fault";
	case 0x11: return "address size fault";
	case 0x12: return "access flag fault";
	case 0x13: return "permission fault";
	default: return "SMMU event";
	}
}

bool arch_iommu_pending(void)
{
	u32 prod = rd32(EVENTQ_PROD), cons = __atomic_load_n(&smmu.event_cons, __ATOMIC_RELAXED);

	return ((prod ^ cons) & ((2U << EVENTQ_LOG2) - 1)) || ((prod ^ cons) & BIT64(31));
}

bool arch_iommu_next_fault(struct iommu_fault *f)
{
	u32 prod = rd32(EVENTQ_PROD), overflow = prod & BIT64(31);
	const u64 *e;

	if (((prod ^ smmu.event_cons) & ((2U << EVENTQ_LOG2) - 1)) == 0) {
		if (overflow != (smmu.event_cons & BIT64(31))) {
			smmu.event_cons = (smmu.event_cons & ~BIT64(31)) | overflow;
			wr32(EVENTQ_CONS, smmu.event_cons);	/* acknowledge the overflow */
		}
		return false;
	}
	dsb(ld);
	e = &smmu.eventq[4 * q_index(smmu.event_cons, EVENTQ_LOG2)];
	f->type = e[0] & 0xff;
	f->stream = e[0] >> 32;
	f->what = event_name(f->type);
	f->has_addr = f->type >= 0x10 && f->type <= 0x13;
	f->addr = e[2];
	f->write = !(e[1] >> 35 & 1);
	smmu.event_cons = (q_next(smmu.event_cons, EVENTQ_LOG2)) | (smmu.event_cons & BIT64(31));
	wr32(EVENTQ_CONS, smmu.event_cons);
	return true;
}
