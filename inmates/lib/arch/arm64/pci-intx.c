// SPDX-License-Identifier: GPL-2.0-only
/* Where a PCI function's INTx pin arrives on QEMU's virt machine. */
#include <inmate.h>

#define VIRT_PCI_INTX_FIRST_INTID	(32 + 3)	/* SPIs 3..6: INTA..INTD of slot 0 */

/*
 * The host bridge's interrupt map rotates the four lines by slot: pin P (1 = INTA) of the
 * device in slot S arrives on line (S + P - 1) mod 4.  Bus 0 only (no bridges to swizzle).
 */
unsigned int pci_intx_irq(unsigned int bdf)
{
	unsigned int pin = pci_cfg_read(bdf, 0x3d, 1);
	unsigned int slot = (bdf >> 3) & 0x1f;

	if (pin < 1 || pin > 4)
		return 0;
	return VIRT_PCI_INTX_FIRST_INTID + (slot + pin - 1) % 4;
}
