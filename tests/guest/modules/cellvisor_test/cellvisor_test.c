// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellvisor_test: a module for the guest-tier tests only.  When loaded it
 *  - reads CurrentEL;
 *  - probes what answers an hvc: CV_HC_HYPERVISOR_GET_INFO(CV_INFO_ABI_REVISION) returns
 *    the ABI revision under Cellvisor, and HVC_STUB_ERR from Linux's hyp stub (for which
 *    the call number is not one of its own, so the probe is harmless either way);
 *  - optionally writes 'putc' to the caller's console with CV_HC_DEBUG_CONSOLE_PUTC
 *    (only when Cellvisor answered the probe);
 *  - optionally maps hv_phys..hv_phys+hv_size with memremap and counts the non-zero bytes
 *    and the 8-byte-aligned occurrences of the image magic there.
 * It reports one line in the kernel log and the same figures as read-only parameters in
 * /sys/module/cellvisor_test/parameters/.  Unload and load again to measure again.
 */
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>

#include <cellvisor/header.h>
#include <cellvisor/hvc-arm64.h>

static unsigned long hv_phys;
module_param(hv_phys, ulong, 0444);
MODULE_PARM_DESC(hv_phys, "physical start of the range to scan (0: no scan)");

static unsigned long hv_size;
module_param(hv_size, ulong, 0444);
MODULE_PARM_DESC(hv_size, "bytes to scan");

static char *putc;
module_param(putc, charp, 0444);
MODULE_PARM_DESC(putc, "text to write with CV_HC_DEBUG_CONSOLE_PUTC");

static int current_el;
module_param(current_el, int, 0444);
MODULE_PARM_DESC(current_el, "result: the exception level the module ran at");

static long hvc_answer;
module_param(hvc_answer, long, 0444);
MODULE_PARM_DESC(hvc_answer, "result: what answered GET_INFO(ABI_REVISION)");

static long scan_nonzero = -1;
module_param(scan_nonzero, long, 0444);
MODULE_PARM_DESC(scan_nonzero, "result: non-zero bytes in the range (-1: not scanned)");

static long scan_magic = -1;
module_param(scan_magic, long, 0444);
MODULE_PARM_DESC(scan_magic, "result: image magics in the range (-1: not scanned)");

static long cvt_hvc(unsigned long code, unsigned long arg1)
{
	unsigned long args[3] = { arg1, 0, 0 };

	return cv_hvc(code, args);
}

static int cvt_scan(void)
{
	const u64 *p;
	unsigned long i, n;
	long nonzero = 0, magic = 0;
	void *map;

	map = memremap(hv_phys, hv_size, MEMREMAP_WB);
	if (!map) {
		pr_err("cellvisor_test: cannot map %#lx+%#lx\n", hv_phys, hv_size);
		return -ENOMEM;
	}
	p = map;
	n = hv_size / sizeof(*p);
	for (i = 0; i < n; i++) {
		u64 v = READ_ONCE(p[i]);

		if (v == CV_IMAGE_MAGIC)
			magic++;
		for (; v; v >>= 8)
			nonzero += !!(v & 0xff);
		if (!(i % 65536))
			cond_resched();
	}
	memunmap(map);
	scan_nonzero = nonzero;
	scan_magic = magic;
	return 0;
}

static int __init cvt_init(void)
{
	u64 el;
	int ret;

	asm volatile("mrs %0, CurrentEL" : "=r" (el));
	current_el = (el >> 2) & 3;
	hvc_answer = cvt_hvc(CV_HC_HYPERVISOR_GET_INFO, CV_INFO_ABI_REVISION);

	if (putc && hvc_answer == CV_ABI_REVISION) {
		const char *s;

		for (s = putc; *s; s++)
			cvt_hvc(CV_HC_DEBUG_CONSOLE_PUTC, *s);
		cvt_hvc(CV_HC_DEBUG_CONSOLE_PUTC, '\n');
	}
	if (hv_phys && hv_size) {
		ret = cvt_scan();
		if (ret)
			return ret;
	}
	pr_info("cellvisor_test: CurrentEL=%d hvc=%#lx scan=%#lx+%#lx nonzero=%ld magic=%ld\n",
		current_el, hvc_answer, hv_phys, hv_size, scan_nonzero, scan_magic);
	return 0;
}

static void __exit cvt_exit(void)
{
}

module_init(cvt_init);
module_exit(cvt_exit);

MODULE_DESCRIPTION("Cellvisor guest-tier test probe (tests only)");
MODULE_LICENSE("GPL");
