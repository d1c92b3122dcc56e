# Host tier of the daemon: cellmgrd-test on a private bus, with the helpers below;
# tests/host/daemon/daemon-bus.sh is the test, run through a wrapper that knows where
# everything was built.
#
# cellmgrd-test is the host build of cellmgrd (the same objects) with backend-test.c, which
# adds the in-process model of the driver and its org.cellvisor.test1.Control object, in
# place of backends.o: the production binaries never contain them (production-binaries.sh).

DAEMON_TEST_OUT := $(O)/host/tests/daemon
CELLMGRD_TEST := $(O)/host/cellmgrd-test/cellmgrd-test
CELLMGRD_TEST_CFLAGS := $(CELLMGRD_CFLAGS) -Ihypervisor/include
CELLMGRD_TEST_OBJS := $(filter-out %/backends.o,$(CELLMGRD_HOST_OBJS)) \
	$(O)/host/cellmgrd-test/backend-test.o

$(O)/host/cellmgrd-test/backend-test.o: tests/host/daemon/backend-test.c | $(DEPS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(CELLMGRD_TEST_CFLAGS) -MMD -MP -c $< -o $@

$(CELLMGRD_TEST): $(CELLMGRD_TEST_OBJS) $(CELLCONF_HOST_LIB)
	@echo "  LD      $@"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -pthread -o $@ $(CELLMGRD_TEST_OBJS) $(CELLCONF_HOST_LIB) \
		$(CELLCONF_HOST_LIBS) $(SYSTEMD_HOST_LIBS)
DAEMON_TEST_HELPERS := $(DAEMON_TEST_OUT)/buscall $(DAEMON_TEST_OUT)/buswatch \
	$(DAEMON_TEST_OUT)/fake-polkit

$(DAEMON_TEST_OUT)/%: tests/host/daemon/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_LDFLAGS) -o $@ $< $(SYSTEMD_HOST_LIBS)

$(DAEMON_TEST_OUT)/daemon-bus: tests/host/daemon/daemon-bus.sh tests/host/daemon/cellctl-bus.sh \
		$(DAEMON_TEST_HELPERS) $(CELLMGRD_TEST) $(CELLCTL_HOST) \
		bus-interfaces/org.cellvisor.cell1.Manager.xml bus-interfaces/org.cellvisor.cell1.Cell.xml
	@mkdir -p $(@D)
	$(Q)printf '%s\n' '#!/bin/sh' \
		'export CELLMGRD=$${CELLMGRD:-$(CELLMGRD_TEST)} CELLCTL=$(CELLCTL_HOST) TOP=$(CURDIR)' \
		'export BUSCALL=$(DAEMON_TEST_OUT)/buscall BUSWATCH=$(DAEMON_TEST_OUT)/buswatch' \
		'export FAKE_POLKIT=$(DAEMON_TEST_OUT)/fake-polkit' \
		'export ASAN_OPTIONS=detect_leaks=1' \
		'exec $(CURDIR)/tests/host/daemon/daemon-bus.sh "$$@"' >$@
	$(Q)chmod +x $@

HOST_TESTS += $(DAEMON_TEST_OUT)/daemon-bus

# The same test with cellmgrd-test built without sanitizers and run under valgrind (memcheck:
# errors and definite/indirect leaks fail the daemon's exit status, which the test checks).
CELLMGRD_PLAIN_DIR := $(O)/host/cellmgrd-plain
CELLMGRD_PLAIN := $(CELLMGRD_PLAIN_DIR)/cellmgrd-test
PLAIN_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I$(CURDIR)/include
CELLMGRD_PLAIN_OBJS := $(patsubst cellmgrd/daemon/%.c,$(CELLMGRD_PLAIN_DIR)/d-%.o,\
		$(filter-out %/backends.c,$(CELLMGRD_SRCS))) \
	$(CELLMGRD_PLAIN_DIR)/t-backend-test.o \
	$(patsubst cellmgrd/lib/%.c,$(CELLMGRD_PLAIN_DIR)/l-%.o,$(CELLCONF_SRCS))

$(CELLMGRD_PLAIN_DIR)/d-%.o: cellmgrd/daemon/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(PLAIN_CFLAGS) $(CELLMGRD_CFLAGS) -MMD -MP -c $< -o $@
$(CELLMGRD_PLAIN_DIR)/t-%.o: tests/host/daemon/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(PLAIN_CFLAGS) $(CELLMGRD_TEST_CFLAGS) -MMD -MP -c $< -o $@
$(CELLMGRD_PLAIN_DIR)/l-%.o: cellmgrd/lib/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(PLAIN_CFLAGS) $(CELLCONF_CFLAGS) -MMD -MP -c $< -o $@
$(CELLMGRD_PLAIN): $(CELLMGRD_PLAIN_OBJS)
	$(Q)$(HOST_CC) -pthread -o $@ $^ $(CELLCONF_HOST_LIBS) $(SYSTEMD_HOST_LIBS)

$(DAEMON_TEST_OUT)/daemon-bus-valgrind: $(DAEMON_TEST_OUT)/daemon-bus $(CELLMGRD_PLAIN) \
		tests/host/daemon/valgrind-cellmgrd
	$(Q)printf '%s\n' '#!/bin/sh' 'export CELLMGRD_PLAIN=$(CELLMGRD_PLAIN)' \
		'export CELLMGRD=$(CURDIR)/tests/host/daemon/valgrind-cellmgrd' \
		'exec $(DAEMON_TEST_OUT)/daemon-bus "$$@"' >$@
	$(Q)chmod +x $@

HOST_TESTS += $(DAEMON_TEST_OUT)/daemon-bus-valgrind
-include $(CELLMGRD_PLAIN_OBJS:.o=.d) $(CELLMGRD_TEST_OBJS:.o=.d)

# The installed daemon (arm64) and its host build have no test backend and no test interface.
$(DAEMON_TEST_OUT)/production-binaries: tests/host/daemon/production-binaries.sh \
		$(CELLMGRD_HOST) $(CELLMGRD_ARM64) $(CELLMGRD_TEST)
	@mkdir -p $(@D)
	$(Q)printf '%s\n' '#!/bin/sh' \
		'exec $(CURDIR)/$< $(CELLMGRD_HOST) $(CELLMGRD_ARM64) -- $(CELLMGRD_TEST)' >$@
	$(Q)chmod +x $@

HOST_TESTS += $(DAEMON_TEST_OUT)/production-binaries
