# cellmgrd: the manager daemon, for the guest (/usr/sbin/cellmgrd) and for the host (ASan/UBSan).
# Both have the driver backend only (backends.c); the host tests link the same objects with
# their own backend list instead of backends.o (tests/host/daemon/build.mk: cellmgrd-test).

CELLMGRD_SRCS := $(wildcard cellmgrd/daemon/*.c)
CELLMGRD_HOST := $(O)/host/cellmgrd/cellmgrd
CELLMGRD_ARM64 := $(O)/arm64/cellmgrd/cellmgrd
CELLMGRD_CFLAGS := -D_GNU_SOURCE -Icellmgrd/lib -Icellmgrd/include -Icellmgrd/daemon -pthread \
	-DCELLVISOR_VERSION='"$(CELLVISOR_VERSION)"'
SYSTEMD_HOST_LIBS := $(or $(shell pkg-config --libs libsystemd 2>/dev/null),-lsystemd)
SYSTEMD_ARM64_LIBS := $(or $(shell PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig \
	pkg-config --libs libsystemd 2>/dev/null),-lsystemd)

CELLMGRD_HOST_OBJS := $(patsubst cellmgrd/daemon/%.c,$(O)/host/cellmgrd/%.o,$(CELLMGRD_SRCS))
CELLMGRD_ARM64_OBJS := $(patsubst cellmgrd/daemon/%.c,$(O)/arm64/cellmgrd/%.o,$(CELLMGRD_SRCS))

$(O)/host/cellmgrd/%.o: cellmgrd/daemon/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(CELLMGRD_CFLAGS) -MMD -MP -c $< -o $@

$(O)/arm64/cellmgrd/%.o: cellmgrd/daemon/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(Q)$(ARM64_CC) $(ARM64_CFLAGS) $(CELLMGRD_CFLAGS) -MMD -MP -c $< -o $@

$(CELLMGRD_HOST): $(CELLMGRD_HOST_OBJS) $(CELLCONF_HOST_LIB)
	@echo "  LD      $@"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -pthread -o $@ $(CELLMGRD_HOST_OBJS) $(CELLCONF_HOST_LIB) \
		$(CELLCONF_HOST_LIBS) $(SYSTEMD_HOST_LIBS)

$(CELLMGRD_ARM64): $(CELLMGRD_ARM64_OBJS) $(CELLCONF_ARM64_LIB)
	@echo "  LD      $@"
	$(Q)$(ARM64_CC) $(ARM64_LDFLAGS) -pthread -o $@ $(CELLMGRD_ARM64_OBJS) $(CELLCONF_ARM64_LIB) \
		$(CELLCONF_ARM64_LIBS) $(SYSTEMD_ARM64_LIBS)

ARM64_TARGETS += $(CELLMGRD_ARM64)
$(call stage,$(CELLMGRD_ARM64),/usr/sbin/cellmgrd,0755,cellvisor)

# The version comes from debian/changelog (CELLVISOR_VERSION).
$(O)/host/cellmgrd/main.o $(O)/host/cellmgrd/manager.o $(O)/arm64/cellmgrd/main.o \
	$(O)/arm64/cellmgrd/manager.o: debian/changelog

# cellctl's D-Bus verbs (cellmgrd/cellctl/bus*.c) need sd-bus.
CELLCTL_HOST_LIBS += $(SYSTEMD_HOST_LIBS)
CELLCTL_ARM64_LIBS += $(SYSTEMD_ARM64_LIBS)

-include $(CELLMGRD_HOST_OBJS:.o=.d) $(CELLMGRD_ARM64_OBJS:.o=.d)

# Guest tier: the real stack.
GUEST_TESTS += tests/guest/scenarios/daemon-hypervisor.sh
GUEST_TESTS += tests/guest/scenarios/daemon-cells.sh
GUEST_TESTS += tests/guest/scenarios/daemon-boot.sh
GUEST_TESTS += tests/guest/scenarios/daemon-remote.sh
GUEST_TESTS += tests/guest/scenarios/daemon-restart.sh
# The Linux payload's boot stub and device tree, handed to a stand-in kernel (issue 15).
GUEST_TESTS += tests/guest/scenarios/linux-boot-protocol.sh
