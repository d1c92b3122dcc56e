# The hypervisor: cellvisor.bin, a flat arm64 image that starts with struct cv_image_header,
# and host unit tests of its architecture-independent code.

HV_DIR := hypervisor
HV_OUT := $(O)/hypervisor
HV_ARCH := arm64
HV_CORE_SRCS := $(wildcard $(HV_DIR)/core/*.c)
HV_ARCH_SRCS := $(wildcard $(HV_DIR)/arch/$(HV_ARCH)/*.c) $(wildcard $(HV_DIR)/arch/$(HV_ARCH)/*.S)
HV_OBJS := $(patsubst $(HV_DIR)/%,$(HV_OUT)/%.o,$(HV_CORE_SRCS) $(filter-out %.lds.S,$(HV_ARCH_SRCS)))
HV_INCLUDES := -I$(HV_DIR)/include -I$(HV_DIR)/arch/$(HV_ARCH)/include -Iinclude

# Freestanding, no floating point or SIMD registers, no unaligned accesses (the first steps
# run with the MMU off), atomics inline, code linked at a fixed EL2 address but reached
# PC-relatively (small code model) so that it also runs at its physical address.
HV_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin -nostdlib \
	-mgeneral-regs-only -mstrict-align -mno-outline-atomics -mcmodel=small -march=armv8-a \
	-fno-pic -fno-pie -fno-stack-protector -fno-common -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -MMD -MP $(HV_INCLUDES)

ARM64_TARGETS += $(HV_OUT)/cellvisor.bin
$(call stage,$(HV_OUT)/cellvisor.bin,/lib/firmware/cellvisor.bin,0644,cellvisor-firmware)

$(HV_OUT)/%.c.o: $(HV_DIR)/%.c
	@mkdir -p $(@D)
	@echo "  HVCC    $<"
	$(Q)$(ARM64_CC) $(HV_CFLAGS) -c -o $@ $<

$(HV_OUT)/%.S.o: $(HV_DIR)/%.S
	@mkdir -p $(@D)
	@echo "  HVAS    $<"
	$(Q)$(ARM64_CC) $(HV_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

$(HV_OUT)/hv.lds: $(HV_DIR)/arch/$(HV_ARCH)/hv.lds.S $(HV_DIR)/arch/$(HV_ARCH)/include/asm/layout.h
	@mkdir -p $(@D)
	$(Q)$(ARM64_CC) -E -P -x c -D__ASSEMBLY__ $(HV_INCLUDES) -o $@ $<

$(HV_OUT)/cellvisor.elf: $(HV_OBJS) $(HV_OUT)/hv.lds
	@echo "  HVLD    $@"
	$(Q)$(CROSS_COMPILE)ld -nostdlib -static --no-dynamic-linker -z noexecstack \
		--no-warn-rwx-segments -T $(HV_OUT)/hv.lds -o $@ $(HV_OBJS) \
		$$($(ARM64_CC) -print-libgcc-file-name)

# The flat image must be exactly what the header says it is.
$(HV_OUT)/cellvisor.bin: $(HV_OUT)/cellvisor.elf
	$(Q)$(CROSS_COMPILE)objcopy -O binary $< $@.tmp
	$(Q)want=$$(( 0x$$($(CROSS_COMPILE)nm $< | awk '$$3 == "__image_size" { print $$1 }') )); \
	got=$$(stat -c %s $@.tmp); \
	[ "$$want" = "$$got" ] || { echo "cellvisor.bin: $$got bytes, header says $$want" >&2; \
		rm -f $@.tmp; exit 1; }
	$(Q)mv $@.tmp $@

-include $(HV_OBJS:.o=.d)

# Host unit tests of the generic code, with stand-ins for the arch headers.
HV_TEST_DIR := tests/host/hypervisor
HV_TEST_CFLAGS := $(HOST_CFLAGS) -I$(HV_DIR)/include -I$(HV_TEST_DIR)/fake-asm -I$(HV_TEST_DIR)
HV_TESTS := pool paging config console hypercall control link smmu
HOST_TESTS += $(patsubst %,$(O)/tests/host/hypervisor/test-%,$(HV_TESTS))

HV_TEST_DEPS_pool := core/pool.c core/lib.c
HV_TEST_DEPS_paging := core/paging.c
HV_TEST_DEPS_config := core/config.c core/lib.c
HV_TEST_DEPS_console := core/console.c core/lib.c
HV_TEST_DEPS_hypercall := core/hypercall.c core/cell.c core/config.c core/console.c core/lib.c \
	core/pool.c core/mmio.c core/link.c
HV_TEST_DEPS_control := core/control.c core/vuart.c core/pci.c core/cell.c core/config.c core/console.c \
	core/lib.c core/pool.c core/memory.c core/mmio.c core/link.c core/iommu.c core/paging.c
HV_TEST_DEPS_link := core/control.c core/vuart.c core/pci.c core/cell.c core/config.c core/console.c \
	core/lib.c core/pool.c core/memory.c core/mmio.c core/link.c core/iommu.c core/paging.c
# The SMMUv3 driver against a model of its registers; smmu-asm/ stands in for <asm/sysregs.h>.
HV_TEST_DEPS_smmu := core/iommu.c core/paging.c core/memory.c core/pool.c core/console.c \
	core/lib.c arch/$(HV_ARCH)/smmuv3.c
HV_TEST_CFLAGS_smmu := -I$(HV_TEST_DIR)/smmu-asm

define hv-test-rule
$(O)/tests/host/hypervisor/test-$(1): $(HV_TEST_DIR)/test-$(1).c $(HV_TEST_DIR)/tap.h \
		$(addprefix $(HV_DIR)/,$(HV_TEST_DEPS_$(1))) $(wildcard $(HV_DIR)/include/cv/*.h)
	@mkdir -p $$(@D)
	@echo "  HOSTCC  $$@"
	$(Q)$(HOST_CC) $(HV_TEST_CFLAGS_$(1)) $(HV_TEST_CFLAGS) -o $$@ $$(filter %.c,$$^) \
		$(HOST_LDFLAGS)
endef
$(foreach t,$(HV_TESTS),$(eval $(call hv-test-rule,$(t))))

# Guest-tier scenarios of the hypervisor.
GUEST_TESTS += tests/guest/scenarios/hv-enable.sh tests/guest/scenarios/hv-load.sh \
	tests/guest/scenarios/hv-malformed.sh tests/guest/scenarios/cell-lifecycle.sh
