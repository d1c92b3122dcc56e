# Kernel modules used only by the guest-tier tests, built like kmod/ (see kmod/build.mk,
# read before this file: KMOD_* are set) and staged to /lib/modules/<release>/extra/:
#   cellvisor_test  a root that calls the hypervisor as cellvisor.ko never would
#   cellvisor_fuzz  random hypercalls and cell creations from the root (scenarios/fuzz.sh)
#   cellvisor_hostile  one attack of a hostile root per load (scenarios/hostile-root.sh)

# $(call guest-test-module,NAME): build tests/guest/modules/NAME/ into NAME.ko and stage it.
define guest-test-module
$(O)/tests/guest/modules/$(1)/$(1).ko: $(wildcard tests/guest/modules/$(1)/*.c \
		tests/guest/modules/$(1)/Kbuild) $(wildcard include/cellvisor/*.h) \
		tests/guest/modules/build.mk kmod/build.mk
	@$$(kmod-check-release)
	@mkdir -p $$(@D)
	@$$(call kmod-links,tests/guest/modules/$(1),$$(@D))
	@echo "  KMOD    $$@"
	+$$(Q)$$(MAKE) -C $$(KMOD_KDIR) M=$$(@D) ARCH=arm64 CROSS_COMPILE=$$(CROSS_COMPILE) \
		CELLVISOR_INCLUDE=$$(CURDIR)/include modules >$$(@D)/build.log 2>&1 || \
		{ cat $$(@D)/build.log >&2; exit 1; }
	$$(Q)! grep -v "^make" $$(@D)/build.log | grep -E "warning:|WARNING:" >&2 || \
		{ echo "$(1): warnings are errors" >&2; rm -f $$@; exit 1; }
	@touch $$@

ARM64_TARGETS += $(O)/tests/guest/modules/$(1)/$(1).ko
$$(call stage,$(O)/tests/guest/modules/$(1)/$(1).ko,/lib/modules/$$(KMOD_RELEASE)/extra/$(1).ko,0644)
endef
$(foreach m,cellvisor_test cellvisor_fuzz cellvisor_hostile,$(eval $(call guest-test-module,$(m))))
