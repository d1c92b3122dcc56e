// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellvisor_hostile: the root cell as an attacker of the hypervisor and of the other cells,
 * for the guest-tier tests only (tests/guest/scenarios/hostile-root.sh).  Each load makes
 * the one attack 'attack' names and leaves what came of it in read-only parameters in
 * /sys/module/cellvisor_hostile/parameters/; unload and load again for the next:
 *
 *   hvc     hypercall 'code' with 'a1', 'a2' and 'a3' as they are, as cellvisor.ko never
 *           would (buffer addresses in a running cell's RAM): 'result'
 *   create  CV_HC_CELL_CREATE with the hand-made blob /lib/firmware/'blob' (the CPUs it
 *           names offline in Linux); 'result'; a cell the hypervisor does create is
 *           destroyed again at once: 'created' its id, 'destroyed' that call's result
 *   write   a write of 'value' ('width' 32 or 64 bits) at physical 'addr' (the GIC, mapped
 *           with ioremap): 'before' and 'after' are what reads there returned around it
 *   read    the same without the write: 'after'
 *   sgi0r   ICC_SGI0R_EL1, and
 *   asgi1r  ICC_ASGI1R_EL1 written with 'value': 'result' 0 once the write returned
 *   dma     the root's QEMU edu at 00:'devfn' (bus mastering turned on) copies 256 bytes
 *           of a buffer of this module into its own buffer and back into another:
 *           'result' how many bytes arrived intact (256: the root's DMA works); then,
 *           when 'addr' is not 0, it writes its buffer to physical 'addr' (a cell's RAM,
 *           the hypervisor): 'after' 1 once that DMA finished
 *
 * One line in the kernel log says what was done and what came back.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/firmware.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/sysreg.h>

#include <cellvisor/hvc-arm64.h>

static char *attack = "hvc";
module_param(attack, charp, 0444);
MODULE_PARM_DESC(attack, "hvc, create, write, read, sgi0r, asgi1r or dma");

static ulong code = CV_HC_HYPERVISOR_GET_INFO;
module_param(code, ulong, 0444);
MODULE_PARM_DESC(code, "hvc: the call code");

static ulong a1, a2, a3;
module_param(a1, ulong, 0444);
MODULE_PARM_DESC(a1, "hvc: x1");
module_param(a2, ulong, 0444);
MODULE_PARM_DESC(a2, "hvc: x2");
module_param(a3, ulong, 0444);
MODULE_PARM_DESC(a3, "hvc: x3");

static char *blob = "cellvisor-hostile.cvb";
module_param(blob, charp, 0444);
MODULE_PARM_DESC(blob, "create: firmware file with the cell blob");

static uint devfn = 0x10;
module_param(devfn, uint, 0444);
MODULE_PARM_DESC(devfn, "dma: device << 3 | function of the edu on bus 0");

static ulong addr;
module_param(addr, ulong, 0444);
MODULE_PARM_DESC(addr, "write: physical address");

static ulong value;
module_param(value, ulong, 0444);
MODULE_PARM_DESC(value, "write, sgi0r, asgi1r: the value written");

static uint width = 32;
module_param(width, uint, 0444);
MODULE_PARM_DESC(width, "write: 32 or 64 bits");

static long result = -EINVAL;
module_param(result, long, 0444);
MODULE_PARM_DESC(result, "result: the hypercall's return value, 0 for writes");

static long created;
module_param(created, long, 0444);
MODULE_PARM_DESC(created, "result: id of a cell the hypervisor created (0: none)");

static long destroyed;
module_param(destroyed, long, 0444);
MODULE_PARM_DESC(destroyed, "result: what destroying that cell returned");

static ulong before, after;
module_param(before, ulong, 0444);
MODULE_PARM_DESC(before, "result: the value read before the write");
module_param(after, ulong, 0444);
MODULE_PARM_DESC(after, "result: the value read after the write");

static long cvh_hvc(unsigned long c, unsigned long x1, unsigned long x2, unsigned long x3)
{
	unsigned long args[3] = { x1, x2, x3 };

	return cv_hvc(c, args);
}

static int cvh_create(void)
{
	const struct firmware *fw;
	struct device *dev;
	void *buf;
	int ret;

	dev = root_device_register("cellvisor_hostile");
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	ret = request_firmware(&fw, blob, dev);
	root_device_unregister(dev);
	if (ret) {
		pr_err("cellvisor_hostile: no blob /lib/firmware/%s (%d)\n", blob, ret);
		return ret;
	}
	buf = kmemdup(fw->data, fw->size, GFP_KERNEL);	/* physically contiguous */
	if (buf) {
		result = cvh_hvc(CV_HC_CELL_CREATE, virt_to_phys(buf), fw->size, 0);
		if (result > 0) {
			created = result;
			destroyed = cvh_hvc(CV_HC_CELL_DESTROY, created, 0, 0);
		}
		kfree(buf);
	}
	pr_info("cellvisor_hostile: create with %s (%zu bytes): %ld; created %ld, destroyed %ld\n",
		blob, fw->size, result, created, destroyed);
	release_firmware(fw);
	return buf ? 0 : -ENOMEM;
}

static int cvh_access(bool write)
{
	void __iomem *p;

	if ((width != 32 && width != 64) || !IS_ALIGNED(addr, width / 8))
		return -EINVAL;
	p = ioremap(addr & PAGE_MASK, PAGE_SIZE);
	if (!p)
		return -ENOMEM;
	p += offset_in_page(addr);
	if (width == 32) {
		before = readl(p);
		if (write)
			writel(value, p);
		after = readl(p);
	} else {
		before = readq(p);
		if (write)
			writeq(value, p);
		after = readq(p);
	}
	iounmap((void __iomem *)((unsigned long)p & PAGE_MASK));
	result = 0;
	if (write)
		pr_info("cellvisor_hostile: write%u %#lx at %#lx: read %#lx before, %#lx after\n",
			width, value, addr, before, after);
	else
		pr_info("cellvisor_hostile: read%u at %#lx: %#lx\n", width, addr, after);
	return 0;
}

#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_COUNT		0x90
#define EDU_DMA_CMD		0x98
#define EDU_DMA_START		0x01
#define EDU_DMA_TO_RAM		0x02
#define EDU_DMA_BUFFER		0x40000
#define CVH_DMA_BYTES		256

/* One edu DMA transfer of CVH_DMA_BYTES; false if it does not finish within 2 s. */
static bool cvh_edu_dma(void __iomem *bar, u64 src, u64 dst, u64 dir)
{
	unsigned long end = jiffies + 2 * HZ;

	writeq(src, bar + EDU_DMA_SRC);
	writeq(dst, bar + EDU_DMA_DST);
	writeq(CVH_DMA_BYTES, bar + EDU_DMA_COUNT);
	writeq(EDU_DMA_START | dir, bar + EDU_DMA_CMD);
	while (time_before(jiffies, end)) {
		if (!(readq(bar + EDU_DMA_CMD) & EDU_DMA_START))
			return true;
		usleep_range(1000, 2000);
	}
	return false;
}

static int cvh_dma(void)
{
	struct pci_dev *pdev = pci_get_domain_bus_and_slot(0, 0, devfn);
	void __iomem *bar = NULL;
	u8 *out = NULL, *in = NULL;
	int ret = -ENOMEM, i;

	if (!pdev)
		return -ENODEV;
	out = kmalloc(CVH_DMA_BYTES, GFP_KERNEL);
	in = kzalloc(CVH_DMA_BYTES, GFP_KERNEL);
	ret = out && in ? pci_enable_device_mem(pdev) : -ENOMEM;
	if (ret)
		goto out;
	pci_set_master(pdev);
	bar = pci_iomap(pdev, 0, 0x100);
	if (!bar) {
		ret = -ENOMEM;
		goto disable;
	}
	for (i = 0; i < CVH_DMA_BYTES; i++)
		out[i] = 0x5a ^ i;
	/* The buffers are cacheable and QEMU's DMA is coherent: no cache maintenance. */
	result = 0;
	if (cvh_edu_dma(bar, virt_to_phys(out), EDU_DMA_BUFFER, 0) &&
	    cvh_edu_dma(bar, EDU_DMA_BUFFER, virt_to_phys(in), EDU_DMA_TO_RAM))
		for (i = 0; i < CVH_DMA_BYTES; i++)
			result += in[i] == out[i];
	if (addr)
		after = cvh_edu_dma(bar, EDU_DMA_BUFFER, addr, EDU_DMA_TO_RAM);
	pr_info("cellvisor_hostile: dma with edu 00:%02x.%u: %ld of %d bytes through its own RAM; "
		"write to %#lx: %s\n", devfn >> 3, devfn & 7, result, CVH_DMA_BYTES, addr,
		!addr ? "not tried" : after ? "finished" : "timed out");
	pci_iounmap(pdev, bar);
	ret = 0;
disable:
	pci_clear_master(pdev);
	pci_disable_device(pdev);
out:
	kfree(out);
	kfree(in);
	pci_dev_put(pdev);
	return ret;
}

static int __init cvh_init(void)
{
	if (!strcmp(attack, "hvc")) {
		result = cvh_hvc(code, a1, a2, a3);
		pr_info("cellvisor_hostile: hvc %lu (%#lx, %#lx, %#lx): %ld\n", code, a1, a2, a3,
			result);
		return 0;
	}
	if (!strcmp(attack, "create"))
		return cvh_create();
	if (!strcmp(attack, "dma"))
		return cvh_dma();
	if (!strcmp(attack, "write") || !strcmp(attack, "read"))
		return cvh_access(attack[0] == 'w');
	if (!strcmp(attack, "sgi0r") || !strcmp(attack, "asgi1r")) {
		if (attack[0] == 's')
			write_sysreg_s(value, SYS_ICC_SGI0R_EL1);
		else
			write_sysreg_s(value, SYS_ICC_ASGI1R_EL1);
		isb();
		result = 0;
		pr_info("cellvisor_hostile: %s := %#lx returned\n", attack, value);
		return 0;
	}
	pr_err("cellvisor_hostile: unknown attack '%s'\n", attack);
	return -EINVAL;
}

static void __exit cvh_exit(void)
{
}

module_init(cvh_init);
module_exit(cvh_exit);

MODULE_DESCRIPTION("Cellvisor guest-tier hostile root (tests only)");
MODULE_LICENSE("GPL");
