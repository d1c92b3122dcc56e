# Host tier of the daemon: cellmgrd (host build, test backend) on a private bus, with the
# helpers below; tests/host/daemon/daemon-bus.sh is the test, run through a wrapper that
# knows where everything was built.

DAEMON_TEST_OUT := $(O)/host/tests/daemon
DAEMON_TEST_HELPERS := $(DAEMON_TEST_OUT)/buscall $(DAEMON_TEST_OUT)/buswatch \
	$(DAEMON_TEST_OUT)/fake-polkit

$(DAEMON_TEST_OUT)/%: tests/host/daemon/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_LDFLAGS) -o $@ $< $(SYSTEMD_HOST_LIBS)

$(DAEMON_TEST_OUT)/daemon-bus: tests/host/daemon/daemon-bus.sh tests/host/daemon/cellctl-bus.sh \
		$(DAEMON_TEST_HELPERS) $(CELLMGRD_HOST) $(CELLCTL_HOST) \
		bus-interfaces/org.cellvisor.cell1.Manager.xml bus-interfaces/org.cellvisor.cell1.Cell.xml
	@mkdir -p $(@D)
	$(Q)printf '%s\n' '#!/bin/sh' \
		'export CELLMGRD=$${CELLMGRD:-$(CELLMGRD_HOST)} CELLCTL=$(CELLCTL_HOST) TOP=$(CURDIR)' \
		'export BUSCALL=$(DAEMON_TEST_OUT)/buscall BUSWATCH=$(DAEMON_TEST_OUT)/buswatch' \
		'export FAKE_POLKIT=$(DAEMON_TEST_OUT)/fake-polkit' \
		'export ASAN_OPTIONS=detect_leaks=1' \
		'exec $(CURDIR)/tests/host/daemon/daemon-bus.sh "$$@"' >$@
	$(Q)chmod +x $@

HOST_TESTS += $(DAEMON_TEST_OUT)/daemon-bus

# The same test with cellmgrd built without sanitizers and run under valgrind (memcheck:
# errors and definite/indirect leaks fail the daemon's exit status, which the test checks).
CELLMGRD_PLAIN_DIR := $(O)/host/cellmgrd-plain
CELLMGRD_PLAIN := $(CELLMGRD_PLAIN_DIR)/cellmgrd
PLAIN_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I$(CURDIR)/include
CELLMGRD_PLAIN_OBJS := $(patsubst cellmgrd/daemon/%.c,$(CELLMGRD_PLAIN_DIR)/d-%.o,$(CELLMGRD_SRCS)) \
	$(patsubst cellmgrd/lib/%.c,$(CELLMGRD_PLAIN_DIR)/l-%.o,$(CELLCONF_SRCS))

$(CELLMGRD_PLAIN_DIR)/d-%.o: cellmgrd/daemon/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(PLAIN_CFLAGS) $(CELLMGRD_CFLAGS) -MMD -MP -c $< -o $@
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
-include $(CELLMGRD_PLAIN_OBJS:.o=.d)
