# cellctl: for the guest (/usr/bin/cellctl) and for the host, where the tests and the build
# (configs/build.mk compiles configs with it) run it.  Every .c file here is part of it; verbs
# that need more libraries add them to CELLCTL_ARM64_LIBS / CELLCTL_HOST_LIBS.

CELLCTL_SRCS := $(wildcard cellmgrd/cellctl/*.c)
CELLCTL_HOST := $(O)/host/cellctl/cellctl
CELLCTL_ARM64 := $(O)/arm64/cellctl/cellctl
# libfdt (config create, config show --device-tree) comes with the library's
# CELLCONF_*_LIBS (cellmgrd/lib/build.mk).
CELLCTL_HOST_LIBS += $(CELLCONF_HOST_LIB) $(CELLCONF_HOST_LIBS)
CELLCTL_ARM64_LIBS += $(CELLCONF_ARM64_LIB) $(CELLCONF_ARM64_LIBS)

CELLCTL_HOST_OBJS := $(patsubst cellmgrd/cellctl/%.c,$(O)/host/cellctl/%.o,$(CELLCTL_SRCS))
CELLCTL_ARM64_OBJS := $(patsubst cellmgrd/cellctl/%.c,$(O)/arm64/cellctl/%.o,$(CELLCTL_SRCS))

$(O)/host/cellctl/%.o: cellmgrd/cellctl/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(CELLCONF_CFLAGS) -MMD -MP -c $< -o $@

$(O)/arm64/cellctl/%.o: cellmgrd/cellctl/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(Q)$(ARM64_CC) $(ARM64_CFLAGS) $(CELLCONF_CFLAGS) -MMD -MP -c $< -o $@

$(CELLCTL_HOST): $(CELLCTL_HOST_OBJS) $(CELLCONF_HOST_LIB)
	@echo "  LD      $@"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $(CELLCTL_HOST_OBJS) $(CELLCTL_HOST_LIBS)

$(CELLCTL_ARM64): $(CELLCTL_ARM64_OBJS) $(CELLCONF_ARM64_LIB)
	@echo "  LD      $@"
	$(Q)$(ARM64_CC) $(ARM64_LDFLAGS) -o $@ $(CELLCTL_ARM64_OBJS) $(CELLCTL_ARM64_LIBS)

ARM64_TARGETS += $(CELLCTL_ARM64)
$(call stage,$(CELLCTL_ARM64),/usr/bin/cellctl,0755,cellvisor)

-include $(CELLCTL_HOST_OBJS:.o=.d) $(CELLCTL_ARM64_OBJS:.o=.d)

# Parameters reaching an inmate, config create on this machine, the CLI conventions (issue 16).
GUEST_TESTS += tests/guest/scenarios/cellctl-machine.sh
