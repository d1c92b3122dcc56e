# Cellvisor: top-level build.
#
# One non-recursive make for everything: each subsystem adds its rules in its own
# <folder>/build.mk, included below.  arm64 artifacts are cross-built, host tests natively;
# everything lands under $(O) (default ./build).
#
#   make            build every arm64 artifact and the guest image
#   make check      host tier, then guest tier; ends with "N passed, N failed"
#   make demo       boot the guest and run the showcase
#   make shell      boot the guest with an interactive root shell on the terminal
#   make bench      benchmarks that print figures
#   make fuzz       run the fuzz targets (FUZZ_SECONDS, default 600)
#
# Conventions for <folder>/build.mk fragments:
#   ARM64_TARGETS += files cross-built for the guest (prerequisites of 'all')
#   HOST_TESTS    += host test programs; each prints TAP ("ok N - ...", "not ok N - ...")
#   GUEST_TESTS   += scenario scripts for tests/guest/run, each printing TAP as well
#   GUEST_BENCHES += benchmark scripts, run together in one guest by 'make bench'
#   $(call stage,SOURCE,/PATH/IN/GUEST,MODE)  installs a file into the guest image
#   GUEST_MODULES += in-tree kernel modules (by name) the guest needs, dependencies follow

O := $(abspath $(or $(BUILD),build))
CROSS_COMPILE ?= aarch64-linux-gnu-
HOST_CC ?= gcc
ARM64_CC := $(CROSS_COMPILE)gcc
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
export O

# Host tier programs: warnings are errors, sanitizers always on.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all -I$(CURDIR)/include
HOST_LDFLAGS := -fsanitize=address,undefined

# arm64 userspace programs.
ARM64_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -I$(CURDIR)/include

STAGE := $(O)/stage
KERNEL := $(O)/kernel
# What .ci/install-deps installed, as make variables (KERNEL_RELEASE); see 'deps' below.
DEPS := $(O)/deps.mk

ARM64_TARGETS :=
HOST_TESTS :=
GUEST_TESTS :=
GUEST_BENCHES :=
STAGE_FILES :=
GUEST_MODULES := virtio_mmio virtio_console

# $(call stage,SOURCE,/PATH/IN/GUEST,MODE): install SOURCE into the guest image.
define stage-rule
STAGE_FILES += $(STAGE)$(2)
$(STAGE)$(2): $(1)
	@mkdir -p $$(@D)
	$(Q)install -m $(3) $$< $$@
endef
stage = $(eval $(call stage-rule,$(1),$(2),$(3)))

.PHONY: all deps image check check-host check-guest demo shell bench fuzz clean
all: image

# Dependencies: one idempotent step, re-run when the installer changes or apt moves the
# host's linux-kbuild-6.1 (the guest kernel follows it).  $(DEPS) is an included makefile,
# so on a fresh tree make runs the step first and then starts over, reading everything that
# depends on the installed packages ($(shell pkg-config ...), the kernel release) afresh.
deps: $(DEPS)
$(DEPS): .ci/install-deps $(wildcard /var/lib/dpkg/info/linux-kbuild-6.1.list)
	$(Q).ci/install-deps $(O)
	$(Q)sed -n 's/^release=/KERNEL_RELEASE := /p' $(KERNEL)/release > $@.tmp && mv $@.tmp $@
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)
include $(DEPS)
endif

include $(sort $(shell find . -name build.mk -not -path "./build/*" -not -path "./.git/*"))

# Nothing is built before the dependencies are in place.
$(ARM64_TARGETS) $(HOST_TESTS): | $(DEPS)

clean:
	rm -rf $(O)

# The guest image: the cached base plus everything staged (rules after the fragments, so
# that STAGE_FILES is complete).
image: $(GUEST_IMAGE)
$(GUEST_IMAGE): $(GUEST_BASE) $(STAGE_FILES) tests/guest/mkimage $(DEPS)
	@echo "  IMAGE   $@"
	$(Q)printf '%s\n' $(patsubst $(STAGE)/%,%,$(STAGE_FILES)) > $(GUEST_DIR)/stage.list
	$(Q)tests/guest/mkimage $(GUEST_BASE) $(STAGE) $(GUEST_DIR)/stage.list $(KERNEL) $@ \
		$(GUEST_MODULES)

check: image $(HOST_TESTS)
	$(Q)tests/check --host $(HOST_TESTS) --guest $(GUEST_TESTS)

check-host: $(HOST_TESTS)
	$(Q)tests/check --host $(HOST_TESTS)

check-guest: image
	$(Q)tests/check --guest $(GUEST_TESTS)

demo: image
	$(Q)tests/guest/run --name demo --timeout 900 tests/guest/demo.sh; st=$$?; \
	echo; echo "=== The PL011: what the hypervisor and the cells printed"; \
	sed 's/^/  /' $(O)/guest/consoles/demo/pl011.log; exit $$st

# The benchmarks run twice: in a guest of their own for the wall-clock figures, then with the
# instruction-counting plugin loaded (which slows QEMU down) for the counted figures, which
# tests/guest/bench/report prints from the plugin's log (that guest's own output is kept in
# $(O)/guest/bench-count.output).
bench: image bench-plugin
	$(Q)tests/guest/bench/plugin/selftest.sh $(BENCH_PLUGIN) $(BENCH_SELFTEST) $(CROSS_COMPILE)nm
	$(Q)tests/guest/run --name bench --timeout 1800 --sink $(GUEST_BENCHES); st=$$?; \
	echo "bench: counting run (plugin loaded): $(BENCH_COUNTED)"; \
	mkdir -p $(O)/guest/consoles; \
	tests/guest/run --name bench-count --timeout 2400 --sink \
		--plugin $(BENCH_PLUGIN),$$(cat $(BENCH_PLUGIN_ARGS)) $(BENCH_COUNTED) \
		> $(O)/guest/bench-count.output 2>&1 || { st=1; tail -n 30 $(O)/guest/bench-count.output; }; \
	tests/guest/bench/report $(O)/guest/consoles/bench-count || st=1; exit $$st

shell: image
	$(Q)tests/guest/run --shell
