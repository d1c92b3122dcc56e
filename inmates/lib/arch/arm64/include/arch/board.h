/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU virt machine facts, used when there is no communication region to say otherwise
 * (an inmate started on a plain QEMU virt machine, without the hypervisor).
 */
#ifndef INMATE_ARCH_BOARD_H
#define INMATE_ARCH_BOARD_H

#define BOARD_UART_BASE		0x09000000UL	/* PL011 */
#define BOARD_PCI_ECAM_BASE	0x4010000000UL	/* high ECAM, 256 buses */
#define BOARD_PCI_MMIO_BASE	0x10000000UL	/* 32-bit PCI memory window */
#define BOARD_PCI_MMIO_SIZE	0x2eff0000UL

#endif /* INMATE_ARCH_BOARD_H */
