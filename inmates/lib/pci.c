// SPDX-License-Identifier: GPL-2.0-only
/* PCI configuration space through ECAM: 4 KiB per function, bus << 20 | devfn << 12. */
#include <inmate.h>
#include <arch/board.h>

uintptr_t pci_ecam_base(void)
{
	struct cv_comm_region *comm = comm_region();

	if (comm && comm->pci_ecam_base)
		return comm->pci_ecam_base;
	return BOARD_PCI_ECAM_BASE;
}

static uintptr_t cfg_address(unsigned int bdf, unsigned int reg)
{
	return pci_ecam_base() + ((uintptr_t)(bdf & 0xffff) << 12) + (reg & 0xfff);
}

uint32_t pci_cfg_read(unsigned int bdf, unsigned int reg, unsigned int size)
{
	uintptr_t a = cfg_address(bdf, reg);

	switch (size) {
	case 1:
		return mmio_read8(a);
	case 2:
		return mmio_read16(a);
	default:
		return mmio_read32(a);
	}
}

void pci_cfg_write(unsigned int bdf, unsigned int reg, uint32_t value, unsigned int size)
{
	uintptr_t a = cfg_address(bdf, reg);

	switch (size) {
	case 1:
		mmio_write8(a, value);
		break;
	case 2:
		mmio_write16(a, value);
		break;
	default:
		mmio_write32(a, value);
		break;
	}
}

/* Bus 0 only: the devices of a cell on QEMU virt sit on the root bus. */
int pci_find_device(uint16_t vendor, uint16_t device)
{
	for (unsigned int dev = 0; dev < 32; dev++) {
		unsigned int functions = 1;

		for (unsigned int fn = 0; fn < functions; fn++) {
			unsigned int bdf = PCI_BDF(0, dev, fn);
			uint32_t id = pci_cfg_read(bdf, 0x00, 4);

			if ((id & 0xffff) == 0xffff)
				continue;
			if (fn == 0 && (pci_cfg_read(bdf, 0x0e, 1) & 0x80))
				functions = 8;
			if ((id & 0xffff) == vendor && id >> 16 == device)
				return (int)bdf;
		}
	}
	return -1;
}
