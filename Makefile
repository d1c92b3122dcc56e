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
#   make deb        the Debian packages (arm64), in $(O)/deb
#   make install DESTDIR=DIR   what the packages ship, at their paths under DIR
#                   (install-PACKAGE: one package's files)
#
# Conventions for <folder>/build.mk fragments (FRAGMENTS below lists them in the order read):
#   ARM64_TARGETS += files cross-built for the guest (prerequisites of 'all')
#   HOST_TESTS    += host test programs; each prints TAP ("ok N - ...", "not ok N - ...")
#   GUEST_TESTS   += scenario scripts for tests/guest/run, each printing TAP as well
#   GUEST_BENCHES += benchmark scripts, run together in one guest by 'make bench'
#   $(call stage,SOURCE,/PATH,MODE,PACKAGE)  a file of Debian package PACKAGE (see debian/):
#                   'make install' puts it at /PATH, and the guest image gets it from the .deb
#   $(call stage,SOURCE,/PATH/IN/GUEST,MODE)  a test-only file: staged into the guest image
#                   only, never packaged
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

# arm64 userspace programs, hardened as Debian builds them (dpkg-buildflags' defaults).
ARM64_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -I$(CURDIR)/include \
	-D_FORTIFY_SOURCE=2 -fstack-protector-strong -Wformat -Werror=format-security
ARM64_LDFLAGS := -Wl,-z,relro -Wl,-z,now

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

# The Debian packages (debian/control) and their version, from debian/changelog: the
# upstream part is CELLVISOR_VERSION (cellmgrd's Version, the DKMS tree's name).
PACKAGES := cellvisor cellvisor-firmware cellvisor-dkms
DEB_VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
CELLVISOR_VERSION := $(shell v='$(DEB_VERSION)'; echo "$${v%-*}")
DEB_DIR := $(O)/deb
# Inmates that only the guest tests use (inmates/build.mk): neither they nor their cell
# configurations (configs/build.mk) are packaged; the hostile ones attack the hypervisor.
INMATES_TEST_ONLY := fuzz sgi-storm spi-livelock gic-rd sysreg destroy-fault cpu-state secret \
	reset-storm link-hostile dma-attack
CONFIGS_TEST_ONLY := $(INMATES_TEST_ONLY) hostile hostile-smp hostile-pci hostile-dma
DEB_CHANGES := $(DEB_DIR)/cellvisor_$(DEB_VERSION)_arm64.changes
DEBS := $(DEB_DIR)/cellvisor_$(DEB_VERSION)_arm64.deb \
	$(DEB_DIR)/cellvisor-firmware_$(DEB_VERSION)_arm64.deb \
	$(DEB_DIR)/cellvisor-dkms_$(DEB_VERSION)_all.deb

# $(call stage,SOURCE,/PATH,MODE[,PACKAGE]): with PACKAGE, SOURCE is a file of that package,
# installed at /PATH by 'make install-PACKAGE'; without, a test-only file staged into the
# guest image at /PATH.
define stage-rule
ifeq ($(4),)
STAGE_FILES += $(STAGE)$(2)
$(STAGE)$(2): $(1)
	@mkdir -p $$(@D)
	$(Q)install -m $(3) $$< $$@
else
PKG_FILES_$(4) += $(1)
PKG_INSTALL_$(4) += $(1)|$(2)|$(3)
endif
endef
stage = $(eval $(call stage-rule,$(strip $(1)),$(strip $(2)),$(strip $(3)),$(strip $(4))))

.PHONY: all deps image check check-host check-guest demo shell bench fuzz clean deb install \
	$(addprefix install-,$(PACKAGES))
all: image

# Dependencies: one idempotent step, re-run when the installer changes or apt moves the
# host's linux-kbuild-6.1 (the guest kernel follows it).  $(DEPS) is an included makefile,
# so on a fresh tree make runs the step first and then starts over, reading everything that
# depends on the installed packages ($(shell pkg-config ...), the kernel release) afresh.
deps: $(DEPS)
$(DEPS): .ci/install-deps $(wildcard /var/lib/dpkg/info/linux-kbuild-6.1.list)
	$(Q).ci/install-deps $(O)
	$(Q)sed -n 's/^release=/KERNEL_RELEASE := /p' $(KERNEL)/release > $@.tmp && mv $@.tmp $@
# debian/rules builds with NO_DEPS=1: there the build dependencies are debian/control's.
ifeq ($(NO_DEPS),)
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)
include $(DEPS)
endif
else
DEPS :=
endif

# The fragments, each read after those whose variables it names: prerequisites are expanded
# as a fragment is read, so a fragment may use only what the fragments before it set.
FRAGMENTS := hypervisor kmod cellmgrd/lib cellmgrd/cellctl cellmgrd/daemon cellmgrd/link inmates \
	configs bus-interfaces units man tests tests/guest/helpers tests/guest/modules \
	tests/guest/modules/cellvisor_fuzz tests/guest/bench tests/host/hypervisor \
	tests/host/config tests/host/daemon tests/host/packages
FRAGMENTS_FOUND := $(patsubst ./%/build.mk,%,$(shell find . -name build.mk -not -path "./build/*" \
	-not -path "./.git/*" -not -path "./debian/*"))
ifneq ($(filter-out $(FRAGMENTS),$(FRAGMENTS_FOUND)),)
$(error $(addsuffix /build.mk,$(filter-out $(FRAGMENTS),$(FRAGMENTS_FOUND))) not read: add it to FRAGMENTS in Makefile)
endif
include $(addsuffix /build.mk,$(FRAGMENTS))

# Nothing is built before the dependencies are in place.
$(ARM64_TARGETS) $(HOST_TESTS): | $(DEPS)

clean:
	rm -rf $(O)

# Installation of the packaged files (rules after the fragments, so that the lists are
# complete): what debian/rules runs, one package at a time, into debian/PACKAGE.
PKG_FILES := $(foreach p,$(PACKAGES),$(PKG_FILES_$(p)))
.PHONY: packaged
packaged: $(PKG_FILES)
define install-rule
install-$(1): $$(PKG_FILES_$(1))
	@test -n "$$(DESTDIR)" || { echo "install-$(1): say where: DESTDIR=..." >&2; exit 1; }
	$$(Q)$$(foreach f,$$(PKG_INSTALL_$(1)),install -D -m $$(word 3,$$(subst |, ,$$(f))) \
		$$(word 1,$$(subst |, ,$$(f))) $$(DESTDIR)$$(word 2,$$(subst |, ,$$(f))) &&) true
install: install-$(1)
endef
$(foreach p,$(PACKAGES),$(eval $(call install-rule,$(p))))

# The Debian packages, cross-built for arm64 by dpkg-buildpackage through debian/rules (which
# comes back here for the files: install-PACKAGE).  Rebuilt when a packaged file, debian/ or
# a makefile changes.  The files debhelper generates in debian/ are removed afterwards (-tc).
DEB_SRCS := $(shell find debian -maxdepth 2 -type f -not -name '*.substvars' \
	-not -name '*debhelper*' -not -name files -not -path 'debian/.*' 2>/dev/null)
deb: $(DEB_CHANGES) $(DEBS)
$(DEB_CHANGES) $(DEBS) &: $(PKG_FILES) $(DEB_SRCS) $(filter %build.mk Makefile,$(MAKEFILE_LIST)) \
		| $(DEPS)
	@echo "  DEB     $(DEB_DIR)"
	@rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)
	+$(Q)DEB_DESTDIR=$(DEB_DIR) BUILD=$(O) CC=$(ARM64_CC) DEB_BUILD_OPTIONS=nocheck \
		dpkg-buildpackage -aarm64 -Pcross,nocheck -b -us -uc -tc \
		--changes-file=$(DEB_CHANGES) --buildinfo-file=$(DEB_CHANGES:.changes=.buildinfo) \
		--changes-option=-u$(DEB_DIR) --buildinfo-option=-u$(DEB_DIR) \
		>$(O)/deb.log 2>&1 || { tail -n 60 $(O)/deb.log >&2; rm -f $(DEB_CHANGES); exit 1; }
	$(Q)for d in $(DEBS); do test -f $$d || { echo "deb: $$d was not built" >&2; exit 1; }; done

# The guest image: the cached base, the packages unpacked and configured the way dpkg would
# (the module built from cellvisor-dkms as DKMS would), and the test-only files staged.
image: $(GUEST_IMAGE)
$(GUEST_IMAGE): $(GUEST_BASE) $(DEBS) $(STAGE_FILES) tests/guest/mkimage tests/guest/dkms-install \
		$(DEPS)
	@echo "  IMAGE   $@"
	$(Q)printf '%s\n' $(patsubst $(STAGE)/%,%,$(STAGE_FILES)) > $(GUEST_DIR)/stage.list
	$(Q)tests/guest/mkimage $(GUEST_BASE) $(STAGE) $(GUEST_DIR)/stage.list $(KERNEL) \
		"$(DEBS)" $@ $(GUEST_MODULES)

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
