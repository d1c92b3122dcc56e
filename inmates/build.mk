# Bare-metal inmates: one flat binary per inmate, linked at 0x40000000 (the start of a cell's
# RAM), installed as /usr/share/cellvisor/inmates/<name>.bin.  See cellvisor-inmates(7).
# Package cellvisor-firmware ships the demos and the test inmates cellvisor-inmates(7)
# documents; INMATES_TEST_ONLY (set in Makefile) are for the guest tests only (staged, not
# packaged).

INMATES_DEMOS := gic-demo uart-demo pci-demo ivshmem-demo
INMATES_TESTS := shutdown-deny lock fault silent
INMATES_TESTS += fuzz selfstop cpuoff
# The hostile cells of issue 11 (tests/guest/scenarios/hostile-cell.sh, hostile-root.sh).
INMATES_TESTS += sgi-storm spi-livelock gic-rd sysreg destroy-fault cpu-state secret reset-storm
# DMA isolation (issue 13: tests/guest/scenarios/hostile-dma.sh).
INMATES_TESTS += dma-attack
# A cell that is no peer of a link tries to use it (issue 14, tests/guest/scenarios/link.sh).
INMATES_TESTS += link-hostile
INMATES := $(INMATES_DEMOS) $(INMATES_TESTS)

INMATES_OUT := $(O)/inmates
INMATES_LDS := inmates/lib/arch/arm64/inmate.lds
INMATES_CFLAGS := -std=c11 -O2 -g -ffreestanding -nostdlib -mgeneral-regs-only \
	-mstrict-align -mno-outline-atomics -fno-pic -fno-pie -fno-stack-protector -fno-common \
	-fno-tree-loop-distribute-patterns -ffunction-sections -fdata-sections \
	-Wall -Wextra -Werror -MMD -MP \
	-I$(CURDIR)/include -Iinmates/lib/include -Iinmates/lib/arch/arm64/include
INMATES_LDFLAGS := -nostdlib -static -no-pie -Wl,--gc-sections -Wl,--build-id=none \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,-T,$(INMATES_LDS)

INMATES_LIB_SRCS := $(wildcard inmates/lib/*.c inmates/lib/arch/arm64/*.c) \
	inmates/lib/arch/arm64/head.S
INMATES_LIB_OBJS := $(patsubst inmates/%,$(INMATES_OUT)/obj/%.o,$(INMATES_LIB_SRCS))
INMATES_BINS := $(patsubst %,$(INMATES_OUT)/%.bin,$(INMATES))

$(INMATES_OUT)/obj/%.c.o: inmates/%.c
	@mkdir -p $(@D)
	$(Q)$(ARM64_CC) $(INMATES_CFLAGS) -c $< -o $@

$(INMATES_OUT)/obj/%.S.o: inmates/%.S
	@mkdir -p $(@D)
	$(Q)$(ARM64_CC) $(INMATES_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

# $(call inmate-rule,NAME,SOURCE)
define inmate-rule
$(INMATES_OUT)/$(1).elf: $(INMATES_OUT)/obj/$(2).o $(INMATES_LIB_OBJS) $(INMATES_LDS)
	$(Q)$(ARM64_CC) $(INMATES_CFLAGS) $(INMATES_LDFLAGS) -o $$@ \
		$(INMATES_OUT)/obj/$(2).o $(INMATES_LIB_OBJS)
$(INMATES_OUT)/$(1).bin: $(INMATES_OUT)/$(1).elf
	$(Q)$(CROSS_COMPILE)objcopy -O binary $$< $$@
$(call stage,$(INMATES_OUT)/$(1).bin,/usr/share/cellvisor/inmates/$(1).bin,0644,$(if $(filter $(1),$(INMATES_TEST_ONLY)),,cellvisor-firmware))
endef
$(foreach i,$(INMATES_DEMOS),$(eval $(call inmate-rule,$(i),demos/$(i).c)))
$(foreach i,$(INMATES_TESTS),$(eval $(call inmate-rule,$(i),tests/$(i).c)))

ARM64_TARGETS += $(INMATES_BINS)

# Host tier: boot the inmates on a plain QEMU virt machine and check their output
# (inmates-smoke), and their side of the communication region (inmates-comm).
INMATES_HOST_TESTS := $(INMATES_OUT)/tests/inmates-smoke $(INMATES_OUT)/tests/inmates-comm
$(INMATES_OUT)/tests/lib.sh: inmates/tests/lib.sh
	@mkdir -p $(@D)
	$(Q)install -m 0644 $< $@
$(INMATES_OUT)/tests/inmates-smoke: inmates/tests/smoke.sh $(INMATES_OUT)/tests/lib.sh $(INMATES_BINS)
	@mkdir -p $(@D)
	$(Q)install -m 0755 $< $@
$(INMATES_OUT)/tests/el2-shim.o: inmates/tests/el2-shim.S
	@mkdir -p $(@D)
	$(Q)$(ARM64_CC) -c $< -o $@
$(INMATES_OUT)/tests/inmates-comm: inmates/tests/comm.sh $(INMATES_OUT)/tests/lib.sh $(INMATES_BINS) \
		$(INMATES_OUT)/tests/el2-shim.o
	@mkdir -p $(@D)
	$(Q)install -m 0755 $< $@
HOST_TESTS += $(INMATES_HOST_TESTS)

.PHONY: inmates
inmates: $(INMATES_BINS) $(INMATES_HOST_TESTS)

-include $(INMATES_LIB_OBJS:.o=.d) $(patsubst %,$(INMATES_OUT)/obj/demos/%.c.d,$(INMATES_DEMOS)) \
	$(patsubst %,$(INMATES_OUT)/obj/tests/%.c.d,$(INMATES_TESTS))

# The initramfs of the linux-demo cell (issue 15): Debian's static busybox, which
# .ci/install-deps fetches, and inmates/linux/init, as a gzip'ed newc cpio.
LINUX_DEMO_INITRD := $(INMATES_OUT)/linux-demo/initramfs.cpio.gz
$(LINUX_DEMO_INITRD): inmates/linux/init $(O)/busybox/busybox
	@mkdir -p $(@D)
	@echo "  CPIO    $@"
	$(Q)rm -rf $(@D)/root && mkdir -p $(@D)/root/bin
	$(Q)install -m 0755 $(O)/busybox/busybox $(@D)/root/bin/busybox
	$(Q)install -m 0755 inmates/linux/init $(@D)/root/init
	$(Q)(cd $(@D)/root && find . | LC_ALL=C sort | \
		cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9n > $@.tmp
	$(Q)mv $@.tmp $@
$(call stage,$(LINUX_DEMO_INITRD),/usr/share/cellvisor/linux-demo/initramfs.cpio.gz,0644,cellvisor-firmware)
$(O)/busybox/busybox:
	$(Q).ci/install-deps $(O)
