# cellconf: the configuration library shared by cellmgrd and cellctl (cellmgrd/lib/cellconf.h),
# built twice: for arm64 and for the host (ASan/UBSan).  Users add
#   $(CELLCONF_CFLAGS) to their compile flags, and link $(CELLCONF_ARM64_LIB) $(CELLCONF_ARM64_LIBS)
#   or $(CELLCONF_HOST_LIB) $(CELLCONF_HOST_LIBS).

CELLCONF_SRCS := $(wildcard cellmgrd/lib/*.c)
# hv-*.c compile the hypervisor's own config checks into the library (hv-rules.c).
# cellmgrd/include: cellvisor-bus.h, the D-Bus names that cellctl shares with cellmgrd.
CELLCONF_CFLAGS := -Icellmgrd/lib -Icellmgrd/include -Ihypervisor/include
CELLCONF_HOST_LIB := $(O)/host/cellconf/libcellconf.a
CELLCONF_ARM64_LIB := $(O)/arm64/cellconf/libcellconf.a
# libfdt (linux.c: the device tree of a Linux cell): libfdt-dev can not be installed for two
# architectures at once, so the arm64 build takes the (architecture-independent) headers of
# the host's libfdt-dev and links libfdt1:arm64's library by its file name.
CELLCONF_HOST_LIBS := $(or $(shell pkg-config --libs libcjson 2>/dev/null),-lcjson) -lfdt
CELLCONF_ARM64_LIBS := $(or $(shell PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig \
	pkg-config --libs libcjson 2>/dev/null),-lcjson) -l:libfdt.so.1
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
