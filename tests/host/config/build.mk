# Host tests of the configuration library and of cellctl's config verbs, and the fuzzer.
#   make check    runs test-config, test-cellctl and 20 s of fuzzing
#   make fuzz     fuzzes for FUZZ_SECONDS (default 600); crashes land in $(O)/fuzz/

CONFIG_TESTS_OUT := $(O)/tests/host/config
CONFIG_TEST := $(CONFIG_TESTS_OUT)/test-config
CONFIG_TEST_CELLCTL := $(CONFIG_TESTS_OUT)/test-cellctl
CONFIG_FUZZER := $(O)/fuzz/fuzz-config
CONFIG_FUZZ_BRIEF := $(CONFIG_TESTS_OUT)/fuzz-config-brief
CONFIG_FUZZ_CORPUS := $(O)/fuzz/config-corpus
# seeds/: shapes no shipped configuration has (a Linux cell).
CONFIG_SEEDS = $(wildcard configs/arm64/*.json) $(CONFIGS_ARM64_BLOBS) \
	$(wildcard tests/host/config/seeds/*.json)
CONFIG_DIR_FLAG := -DCONFIGS_DIR='"$(CURDIR)/configs/arm64"'
FUZZ_SECONDS ?= 600

$(CONFIG_TEST): tests/host/config/test-config.c $(CELLCONF_HOST_LIB) cellmgrd/lib/cellconf.h
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(CELLCONF_CFLAGS) $(CONFIG_DIR_FLAG) -o $@ $< \
		$(CELLCONF_HOST_LIB) $(CELLCONF_HOST_LIBS) $(HOST_LDFLAGS)

# libFuzzer needs clang: the library is compiled again, instrumented, into the fuzzer.
$(CONFIG_FUZZER): tests/host/config/fuzz-config.c $(CELLCONF_SRCS) $(wildcard cellmgrd/lib/*.h) \
		| $(DEPS)
	@mkdir -p $(@D)
	@echo "  FUZZER  $@"
	$(Q)clang -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -I$(CURDIR)/include $(CELLCONF_CFLAGS) $(CONFIG_DIR_FLAG) \
		-o $@ $< $(CELLCONF_SRCS) $(CELLCONF_HOST_LIBS)

# The host tier runs scripts without arguments: small wrappers bind them to the build.
$(CONFIG_TEST_CELLCTL): tests/host/config/test-cellctl.sh $(CELLCTL_HOST)
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\nexec %s %s %s %s\n' $(CURDIR)/$< $(CELLCTL_HOST) \
		$(CURDIR)/configs/arm64 $(CURDIR) >$@ && chmod +x $@

CONFIG_TEST_CREATE := $(CONFIG_TESTS_OUT)/test-config-create
$(CONFIG_TEST_CREATE): tests/host/config/test-config-create.sh $(CELLCTL_HOST)
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\nexec %s %s %s\n' $(CURDIR)/$< $(CELLCTL_HOST) \
		$(CURDIR)/configs/arm64 >$@ && chmod +x $@

# A Linux cell (issue 15): layout, boot stub (objdump), device tree (dtc, fdtget), errors.
CONFIG_TEST_LINUX := $(CONFIG_TESTS_OUT)/test-linux
$(CONFIG_TEST_LINUX): tests/host/config/test-linux.sh $(CELLCTL_HOST)
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\nexec %s %s %s\n' $(CURDIR)/$< $(CELLCTL_HOST) \
		$(CURDIR)/configs/arm64 >$@ && chmod +x $@

CONFIG_FUZZ_DESC := the config parser and validator
$(CONFIG_FUZZ_BRIEF): tests/host/fuzz-run.sh $(CONFIG_FUZZER) $(CONFIG_SEEDS)
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\nexec %s %s %s 20 "%s" %s\n' $(CURDIR)/$< $(CONFIG_FUZZER) \
		$(CONFIG_FUZZ_CORPUS) "$(CONFIG_FUZZ_DESC)" "$(abspath $(CONFIG_SEEDS))" >$@ && chmod +x $@

# The same unit tests without sanitizers, under valgrind.
CONFIG_TEST_PLAIN := $(CONFIG_TESTS_OUT)/test-config-plain
CONFIG_TEST_VALGRIND := $(CONFIG_TESTS_OUT)/test-config-valgrind
$(CONFIG_TEST_PLAIN): tests/host/config/test-config.c $(CELLCONF_SRCS) \
		$(wildcard cellmgrd/lib/*.h) | $(DEPS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(HOST_CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -I$(CURDIR)/include \
		$(CELLCONF_CFLAGS) $(CONFIG_DIR_FLAG) -o $@ $< $(CELLCONF_SRCS) $(CELLCONF_HOST_LIBS)
$(CONFIG_TEST_VALGRIND): tests/host/config/valgrind-run.sh $(CONFIG_TEST_PLAIN)
	$(Q)printf '#!/bin/sh\nexec %s %s\n' $(CURDIR)/$< $(CONFIG_TEST_PLAIN) >$@ && chmod +x $@

HOST_TESTS += $(CONFIG_TEST) $(CONFIG_TEST_VALGRIND) $(CONFIG_TEST_CELLCTL) $(CONFIG_FUZZ_BRIEF) \
	$(CONFIG_TEST_CREATE) $(CONFIG_TEST_LINUX)

.PHONY: fuzz-config
fuzz: fuzz-config
fuzz-config: $(CONFIG_FUZZER) $(CONFIG_SEEDS)
	$(Q)tests/host/fuzz-run.sh $(CONFIG_FUZZER) $(CONFIG_FUZZ_CORPUS) $(FUZZ_SECONDS) \
		"$(CONFIG_FUZZ_DESC)" $(abspath $(CONFIG_SEEDS))
