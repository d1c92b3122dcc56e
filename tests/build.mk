# The guest lab: base image, scenario runner plumbing, the boot scenario.

GUEST_DIR := $(O)/guest
GUEST_BASE := $(GUEST_DIR)/base-$(shell cat tests/guest/packages tests/guest/mkbase | sha256sum | cut -c1-16).cpio
GUEST_IMAGE := $(GUEST_DIR)/initrd.cpio

$(call stage,tests/guest/rootfs/guest-runner,/usr/lib/cellvisor-test/guest-runner,0755)
$(call stage,tests/guest/rootfs/cellvisor-test.service,/lib/systemd/system/cellvisor-test.service,0644)
$(call stage,tests/guest/rootfs/autologin.conf,/etc/systemd/system/serial-getty@hvc0.service.d/autologin.conf,0644)
# /boot: the kernel's directory, which tests/guest/run shares over 9p.
$(call stage,tests/guest/rootfs/fstab,/etc/fstab,0644)
GUEST_MODULES += 9p 9pnet_virtio

GUEST_TESTS += tests/guest/scenarios/boot.sh
# Hostile cells and a hostile root (issue 11): the inmates of inmates/tests/, cellvisor_hostile.ko.
GUEST_TESTS += tests/guest/scenarios/hostile-cell.sh tests/guest/scenarios/hostile-root.sh
# DMA isolation with the SMMUv3 (issue 13): dma-attack, the root's edu, enable/disable.
GUEST_TESTS += tests/guest/scenarios/hostile-dma.sh
# Inter-cell links (issue 14): root <-> ivshmem-demo, link-hostile.
GUEST_TESTS += tests/guest/scenarios/link.sh
# Linux in a cell (issue 15): cell@linux-demo booting the root's kernel, its lifecycle and a
# panic; linux-demo talking to the root over a link with cellvisor.ko in the cell.
GUEST_TESTS += tests/guest/scenarios/linux-cell.sh tests/guest/scenarios/linux-link.sh \
	tests/guest/scenarios/linux-pci.sh

# The base image depends only on the package list and the script that assembles it.
$(GUEST_BASE): tests/guest/packages tests/guest/mkbase | $(DEPS)
	@mkdir -p $(@D)
	@echo "  BASE    $@ (Debian arm64 packages)"
	$(Q)rm -f $(GUEST_DIR)/base-*.cpio
	$(Q)tests/guest/mkbase tests/guest/packages $@
$(call stage,tests/guest/rootfs/modules-load.conf,/etc/modules-load.d/cellvisor-guest.conf,0644)
GUEST_BENCHES += tests/guest/bench/boot.sh

# Benchmarks of the root cell under the hypervisor.
BENCH_WORKLOAD := $(O)/tests/guest/bench/workload
$(BENCH_WORKLOAD): tests/guest/bench/workload.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(ARM64_CC) $(ARM64_CFLAGS) $(ARM64_LDFLAGS) -o $@ $<
ARM64_TARGETS += $(BENCH_WORKLOAD)
$(call stage,$(BENCH_WORKLOAD),/usr/libexec/cellvisor-test/workload,0755)
GUEST_BENCHES += tests/guest/bench/hypervisor.sh

# Kernel style of the module and of the test module; no console parsing; names defined once.
HOST_TESTS += tests/host/kmod-style.sh tests/host/no-console-parsing.sh tests/host/names-once.sh
BENCH_BUSLAT := $(O)/tests/guest/bench/buslat
$(BENCH_BUSLAT): tests/guest/bench/buslat.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(ARM64_CC) $(ARM64_CFLAGS) $(ARM64_LDFLAGS) -o $@ $< $(SYSTEMD_ARM64_LIBS)
ARM64_TARGETS += $(BENCH_BUSLAT)
$(call stage,$(BENCH_BUSLAT),/usr/libexec/cellvisor-test/buslat,0755)
GUEST_BENCHES += tests/guest/bench/cellmgrd.sh
GUEST_BENCHES += tests/guest/bench/cells.sh
# What DMA isolation (the SMMU's reconfiguration) costs create and destroy (issue 13).
GUEST_BENCHES += tests/guest/bench/dma.sh
# Inter-cell links (issue 14): round-trip latency, throughput, exits per message.
GUEST_BENCHES += tests/guest/bench/link.sh
# How long Linux takes to come up in a cell (issue 15).
GUEST_BENCHES += tests/guest/bench/linux.sh
$(call stage,tests/guest/rootfs/tap.sh,/usr/lib/cellvisor-test/tap.sh,0644)
$(call stage,tests/guest/rootfs/cells.sh,/usr/lib/cellvisor-test/cells.sh,0644)
$(call stage,tests/guest/rootfs/bus.sh,/usr/lib/cellvisor-test/bus.sh,0644)
