# Kernel modules used only by the guest-tier tests, built like kmod/ (see kmod/build.mk,
# read before this file: KMOD_* are set) and staged to /lib/modules/<release>/extra/.

CVTEST_OUT := $(O)/tests/guest/modules/cellvisor_test
CVTEST_SRCS := $(wildcard tests/guest/modules/cellvisor_test/*.c tests/guest/modules/cellvisor_test/Kbuild)

$(CVTEST_OUT)/cellvisor_test.ko: $(CVTEST_SRCS) $(wildcard include/cellvisor/*.h) \
		tests/guest/modules/build.mk kmod/build.mk
	@$(kmod-check-release)
	@mkdir -p $(CVTEST_OUT)
	@$(call kmod-links,tests/guest/modules/cellvisor_test,$(CVTEST_OUT))
	@echo "  KMOD    $@"
	+$(Q)$(MAKE) -C $(KMOD_KDIR) M=$(CVTEST_OUT) ARCH=arm64 CROSS_COMPILE=$(CROSS_COMPILE) \
		CELLVISOR_INCLUDE=$(CURDIR)/include modules >$(CVTEST_OUT)/build.log 2>&1 || \
		{ cat $(CVTEST_OUT)/build.log >&2; exit 1; }
	$(Q)! grep -v "^make" $(CVTEST_OUT)/build.log | grep -E "warning:|WARNING:" >&2 || \
		{ echo "cellvisor_test: warnings are errors" >&2; rm -f $@; exit 1; }

ARM64_TARGETS += $(CVTEST_OUT)/cellvisor_test.ko
$(call stage,$(CVTEST_OUT)/cellvisor_test.ko,/lib/modules/$(KMOD_RELEASE)/extra/cellvisor_test.ko,0644)
