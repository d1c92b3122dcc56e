# cellconf: the configuration library shared by cellmgrd and cellctl (cellmgrd/lib/cellconf.h),
# built twice: for arm64 and for the host (ASan/UBSan).  Users add
#   $(CELLCONF_CFLAGS) to their compile flags, and link $(CELLCONF_ARM64_LIB) $(CELLCONF_ARM64_LIBS)
#   or $(CELLCONF_HOST_LIB) $(CELLCONF_HOST_LIBS).

# CELLCONF_SRCS, CELLCONF_CFLAGS, CELLCONF_{HOST,ARM64}_LIB{,S} are set in
# cellmgrd/cellctl/build.mk, the first fragment of cellmgrd/ that make reads, so that every
# fragment can name them in prerequisites.

CELLCONF_HOST_OBJS := $(patsubst cellmgrd/lib/%.c,$(O)/host/cellconf/%.o,$(CELLCONF_SRCS))
CELLCONF_ARM64_OBJS := $(patsubst cellmgrd/lib/%.c,$(O)/arm64/cellconf/%.o,$(CELLCONF_SRCS))

$(O)/host/cellconf/%.o: cellmgrd/lib/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(CELLCONF_CFLAGS) -MMD -MP -c $< -o $@

$(O)/arm64/cellconf/%.o: cellmgrd/lib/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(Q)$(ARM64_CC) $(ARM64_CFLAGS) $(CELLCONF_CFLAGS) -MMD -MP -c $< -o $@

$(CELLCONF_HOST_LIB): $(CELLCONF_HOST_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(CELLCONF_ARM64_LIB): $(CELLCONF_ARM64_OBJS)
	$(Q)rm -f $@ && $(CROSS_COMPILE)ar rcs $@ $^

ARM64_TARGETS += $(CELLCONF_ARM64_LIB)

-include $(CELLCONF_HOST_OBJS:.o=.d) $(CELLCONF_ARM64_OBJS:.o=.d)
