# Host tier of the daemon: cellmgrd (host build, test backend) on a private bus, with the
# helpers below; tests/host/daemon/daemon-bus.sh is the test, run through a wrapper that
# knows where everything was built.

DAEMON_TEST_OUT := $(O)/host/tests/daemon
DAEMON_TEST_HELPERS := $(DAEMON_TEST_OUT)/buscall $(DAEMON_TEST_OUT)/buswatch \
	$(DAEMON_TEST_OUT)/fake-polkit

$(DAEMON_TEST_OUT)/%: tests/host/daemon/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_LDFLAGS) -o $@ $< $(SYSTEMD_HOST_LIBS)

$(DAEMON_TEST_OUT)/daemon-bus: tests/host/daemon/daemon-bus.sh tests/host/daemon/cellctl-bus.sh \
		$(DAEMON_TEST_HELPERS) $(CELLMGRD_HOST) $(CELLCTL_HOST) \
		bus-interfaces/org.cellvisor.cell1.Manager.xml bus-interfaces/org.cellvisor.cell1.Cell.xml
	@mkdir -p $(@D)
	$(Q)printf '%s\n' '#!/bin/sh' \
		'export CELLMGRD=$(CELLMGRD_HOST) CELLCTL=$(CELLCTL_HOST) TOP=$(CURDIR)' \
		'export BUSCALL=$(DAEMON_TEST_OUT)/buscall BUSWATCH=$(DAEMON_TEST_OUT)/buswatch' \
		'export FAKE_POLKIT=$(DAEMON_TEST_OUT)/fake-polkit' \
		'export ASAN_OPTIONS=detect_leaks=1' \
		'exec $(CURDIR)/tests/host/daemon/daemon-bus.sh "$$@"' >$@
	$(Q)chmod +x $@

HOST_TESTS += $(DAEMON_TEST_OUT)/daemon-bus
