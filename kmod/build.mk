# The kernel module cellvisor.ko, built against the stock Debian headers that
# .ci/install-deps unpacked under $(KERNEL) (KERNEL_RELEASE, from $(DEPS)).
#
# Kbuild writes its objects next to the sources, so the module is built in $(O)/kmod, a
# tree of symbolic links to the sources.  KMOD_KDIR may point at other headers, but they
# must be of the same release as the guest kernel: the build refuses otherwise.
#
#   make $(O)/kmod/cellvisor.ko    the module (part of 'make'; warnings are errors)
#   make kmod-checkpatch           checkpatch.pl --strict over the module's sources
#                                  (CHECKPATCH=path/to/checkpatch.pl)

KMOD_RELEASE := $(KERNEL_RELEASE)
KMOD_KDIR ?= $(KERNEL)/root/usr/src/linux-headers-$(KMOD_RELEASE)
KMOD_OUT := $(O)/kmod
KMOD_SRCS := $(shell find kmod -name '*.[ch]' -o -name Kbuild)
KMOD_KBUILD = $(MAKE) -C $(KMOD_KDIR) M=$(KMOD_OUT) ARCH=arm64 \
	CROSS_COMPILE=$(CROSS_COMPILE) CELLVISOR_INCLUDE=$(CURDIR)/include

# $(call kmod-links,SOURCE-DIR,OUT-DIR): mirror SOURCE-DIR's module sources as symlinks.
kmod-links = cd $(1) && find . -name '*.[ch]' -o -name Kbuild | while read -r f; do \
	mkdir -p "$(2)/$${f%/*}" && ln -sfn "$(CURDIR)/$(1)/$$f" "$(2)/$$f"; done

# Refuse headers of another release than the guest kernel's.
kmod-check-release = \
	hdr=$$(sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KMOD_KDIR)/include/generated/utsrelease.h 2>/dev/null); \
	test "$$hdr" = "$(KMOD_RELEASE)" || { echo "kmod: the headers in $(KMOD_KDIR) are for kernel '$$hdr', the guest runs $(KMOD_RELEASE); build against the matching headers" >&2; exit 1; }

$(KMOD_OUT)/cellvisor.ko: $(KMOD_SRCS) $(wildcard include/cellvisor/*.h) kmod/build.mk
	@$(kmod-check-release)
	@mkdir -p $(KMOD_OUT)
	@$(call kmod-links,kmod,$(KMOD_OUT))
	@echo "  KMOD    $@ (for $(KMOD_RELEASE))"
	+$(Q)$(KMOD_KBUILD) $(if $(filter 1,$(V)),V=1) modules >$(KMOD_OUT)/build.log 2>&1 || \
		{ cat $(KMOD_OUT)/build.log >&2; exit 1; }
	$(Q)! grep -v "^make" $(KMOD_OUT)/build.log | grep -E "warning:|WARNING:" >&2 || \
		{ echo "kmod: warnings are errors" >&2; rm -f $@; exit 1; }
	@touch $@ # Kbuild leaves a module it finds up to date alone: not so for make

ARM64_TARGETS += $(KMOD_OUT)/cellvisor.ko

# Package cellvisor-dkms: the module's sources and the ABI headers they include, as one tree
# that DKMS builds for every installed kernel (dkms.conf: kmod/dkms.conf, put in place by
# dh_dkms with the version filled in).  The guest image's cellvisor.ko is built from that
# package the way DKMS would (tests/guest/dkms-install), not from $(KMOD_OUT).
KMOD_DKMS_TREE := /usr/src/cellvisor-$(CELLVISOR_VERSION)
$(foreach f,$(KMOD_SRCS),$(call stage,$(f),$(KMOD_DKMS_TREE)/$(f:kmod/%=%),0644,cellvisor-dkms))
$(foreach f,$(wildcard include/cellvisor/*.h),$(call stage,$(f),$(KMOD_DKMS_TREE)/$(f),0644,cellvisor-dkms))

CHECKPATCH ?= $(firstword $(wildcard /usr/src/linux-source-6.1/scripts/checkpatch.pl \
	$(O)/checkpatch/scripts/checkpatch.pl))

.PHONY: kmod-checkpatch
kmod-checkpatch:
	@test -n "$(CHECKPATCH)" || { echo "kmod-checkpatch: no checkpatch.pl; pass CHECKPATCH=" >&2; exit 1; }
	$(Q)cd $(O) && $(CHECKPATCH) --strict --no-tree --terse -f \
		$(addprefix $(CURDIR)/,$(shell find kmod tests/guest/modules -name "*.[ch]"))

GUEST_TESTS += tests/guest/scenarios/kmod-basics.sh tests/guest/scenarios/kmod-enable-errors.sh \
	tests/guest/scenarios/kmod-enable.sh tests/guest/scenarios/kmod-cells.sh \
	tests/guest/scenarios/cell-pci.sh tests/guest/scenarios/kmod-races.sh
