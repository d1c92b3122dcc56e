# libFuzzer targets of the hypervisor's generic code, compiled for the host with clang and
# ASan/UBSan (read after hypervisor/build.mk: HV_* are set):
#   fuzz-hv-config  config_check_system()/config_check_cell() on arbitrary bytes
#   fuzz-hv-mmio    MMIO dispatch and the emulated GICD/GICR and ECAM, with isolation checks
#   make check      runs each for $(HV_FUZZ_BRIEF_SECONDS) s
#   make fuzz       runs each for FUZZ_SECONDS (default 600); crashes land in $(O)/fuzz/

HV_FUZZ_BRIEF_SECONDS ?= 15
HV_FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -I$(CURDIR)/include -I$(HV_DIR)/include
HV_FUZZ_DEPS := $(wildcard $(HV_DIR)/include/cv/*.h include/cellvisor/*.h)

$(O)/fuzz/fuzz-hv-config: $(HV_TEST_DIR)/fuzz-hv-config.c $(HV_DIR)/core/config.c \
		$(HV_DIR)/core/lib.c $(HV_FUZZ_DEPS) | $(DEPS)
	@mkdir -p $(@D)
	@echo "  FUZZER  $@"
	$(Q)clang $(HV_FUZZ_CFLAGS) -I$(HV_TEST_DIR)/fake-asm -o $@ $(filter %.c,$^)

# gic-dist.c needs the CPUs' MPIDR: fuzz-asm/ has its own <asm/percpu.h>, and its
# <asm/sysregs.h> is the real one with host fences for barriers; the rest of the stand-ins
# come from fake-asm/, and <asm/gic.h> is the real one.
$(O)/fuzz/fuzz-hv-mmio: $(HV_TEST_DIR)/fuzz-hv-mmio.c $(HV_DIR)/core/mmio.c $(HV_DIR)/core/pci.c \
		$(HV_DIR)/core/cell.c $(HV_DIR)/core/config.c $(HV_DIR)/core/lib.c \
		$(HV_DIR)/arch/$(HV_ARCH)/gic-dist.c $(wildcard $(HV_TEST_DIR)/fuzz-asm/asm/*.h) \
		$(HV_FUZZ_DEPS) | $(DEPS)
	@mkdir -p $(@D)
	@echo "  FUZZER  $@"
	$(Q)clang $(HV_FUZZ_CFLAGS) -I$(HV_TEST_DIR)/fuzz-asm -I$(HV_TEST_DIR)/fake-asm \
		-I$(HV_DIR)/arch/$(HV_ARCH)/include -o $@ $(filter %.c,$^)

HV_FUZZ_SEEDS_config = $(CONFIGS_ARM64_BLOBS)
HV_FUZZ_SEEDS_mmio =
HV_FUZZ_DESC_config := the hypervisor's config checks
HV_FUZZ_DESC_mmio := the hypervisor's MMIO dispatch and GIC/ECAM emulation

# $(call hv-fuzz-rule,NAME): the brief run of make check, and fuzz-hv-NAME for make fuzz.
define hv-fuzz-rule
$(O)/tests/host/hypervisor/fuzz-hv-$(1)-brief: tests/host/fuzz-run.sh $(O)/fuzz/fuzz-hv-$(1) \
		$$(HV_FUZZ_SEEDS_$(1))
	@mkdir -p $$(@D)
	$(Q)printf '#!/bin/sh\nexec %s %s %s %s "%s" %s\n' $(CURDIR)/$$< $(O)/fuzz/fuzz-hv-$(1) \
		$(O)/fuzz/hv-$(1)-corpus $(HV_FUZZ_BRIEF_SECONDS) "$(HV_FUZZ_DESC_$(1))" \
		"$$(abspath $$(HV_FUZZ_SEEDS_$(1)))" >$$@ && chmod +x $$@
HOST_TESTS += $(O)/tests/host/hypervisor/fuzz-hv-$(1)-brief

.PHONY: fuzz-hv-$(1)
fuzz: fuzz-hv-$(1)
fuzz-hv-$(1): $(O)/fuzz/fuzz-hv-$(1) $$(HV_FUZZ_SEEDS_$(1))
	$(Q)tests/host/fuzz-run.sh $(O)/fuzz/fuzz-hv-$(1) $(O)/fuzz/hv-$(1)-corpus \
		$(FUZZ_SECONDS) "$(HV_FUZZ_DESC_$(1))" $$(abspath $$(HV_FUZZ_SEEDS_$(1)))
endef
$(foreach f,config mmio,$(eval $(call hv-fuzz-rule,$(f))))
