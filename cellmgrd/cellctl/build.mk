# cellctl: for the guest (/usr/bin/cellctl) and for the host, where the tests and the build
# (configs/build.mk compiles configs with it) run it.  Every .c file here is part of it; verbs
# that need more libraries add them to CELLCTL_ARM64_LIBS / CELLCTL_HOST_LIBS.

CELLCTL_SRCS := $(wildcard cellmgrd/cellctl/*.c)
CELLCTL_HOST := $(O)/host/cellctl/cellctl
CELLCTL_ARM64 := $(O)/arm64/cellctl/cellctl
# This file is read before cellmgrd/lib/build.mk: name the library by its path.
CELLCTL_HOST_CONF := $(O)/host/cellconf/libcellconf.a
CELLCTL_ARM64_CONF := $(O)/arm64/cellconf/libcellconf.a
CELLCTL_HOST_LIBS += $(CELLCTL_HOST_CONF) $(CELLCONF_HOST_LIBS)
CELLCTL_ARM64_LIBS += $(CELLCTL_ARM64_CONF) $(CELLCONF_ARM64_LIBS)

CELLCTL_HOST_OBJS := $(patsubst cellmgrd/cellctl/%.c,$(O)/host/cellctl/%.o,$(CELLCTL_SRCS))
CELLCTL_ARM64_OBJS := $(patsubst cellmgrd/cellctl/%.c,$(O)/arm64/cellctl/%.o,$(CELLCTL_SRCS))

$(O)/host/cellctl/%.o: cellmgrd/cellctl/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Icellmgrd/lib -MMD -MP -c $< -o $@

$(O)/arm64/cellctl/%.o: cellmgrd/cellctl/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(ARM64_CC) $(ARM64_CFLAGS) -Icellmgrd/lib -MMD -MP -c $< -o $@

$(CELLCTL_HOST): $(CELLCTL_HOST_OBJS) $(CELLCTL_HOST_CONF)
	@echo "  LD      $@"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $(CELLCTL_HOST_OBJS) $(CELLCTL_HOST_LIBS)

$(CELLCTL_ARM64): $(CELLCTL_ARM64_OBJS) $(CELLCTL_ARM64_CONF)
	@echo "  LD      $@"
	$(Q)$(ARM64_CC) -o $@ $(CELLCTL_ARM64_OBJS) $(CELLCTL_ARM64_LIBS)

ARM64_TARGETS += $(CELLCTL_ARM64)
$(call stage,$(CELLCTL_ARM64),/usr/bin/cellctl,0755)

-include $(CELLCTL_HOST_OBJS:.o=.d) $(CELLCTL_ARM64_OBJS:.o=.d)
