# The benchmarks' instruction-counting TCG plugin (host shared object, loaded by QEMU for
# 'make bench' only).  Its header comes from Debian's qemu source package of the installed
# qemu-system-arm (about 24 MB fetched once per QEMU version, cached under $(O)); 'make check'
# neither fetches it nor builds the plugin.

BENCH_OUT := $(O)/tests/guest/bench
BENCH_QEMU_VERSION := $(shell dpkg-query -W -f '$${Version}' qemu-system-arm 2>/dev/null | tr : _)
BENCH_QEMU_HEADER := $(O)/qemu-plugin-header/$(BENCH_QEMU_VERSION)/qemu-plugin.h
BENCH_PLUGIN := $(BENCH_OUT)/insncount.so
BENCH_PLUGIN_ARGS := $(BENCH_OUT)/plugin-args

$(BENCH_QEMU_HEADER): tests/guest/bench/plugin/fetch-header | $(DEPS)
	@echo "  FETCH   qemu-plugin.h of qemu $(BENCH_QEMU_VERSION)"
	$(Q)tests/guest/bench/plugin/fetch-header $(O)/qemu-plugin-header >/dev/null

$(BENCH_PLUGIN): tests/guest/bench/plugin/insncount.c $(BENCH_QEMU_HEADER)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -shared \
		-I$(dir $(BENCH_QEMU_HEADER)) -o $@ $< -lpthread

# Where the hypervisor counts its exits: cpus[] in cellvisor.elf, the offset of stats[] and
# the size of struct per_cpu from a compile of hvlayout.c with the hypervisor's flags.
$(BENCH_OUT)/hvlayout.o: tests/guest/bench/plugin/hvlayout.c | $(DEPS)
	@mkdir -p $(@D)
	@echo "  HVCC    $<"
	$(Q)$(ARM64_CC) $(HV_CFLAGS) -c -o $@ $<
-include $(BENCH_OUT)/hvlayout.d

$(BENCH_PLUGIN_ARGS): $(BENCH_OUT)/hvlayout.o $(HV_OUT)/cellvisor.elf
	$(Q)nm=$(CROSS_COMPILE)nm; \
	cpus=$$($$nm $(HV_OUT)/cellvisor.elf | awk '$$3 == "cpus" { print $$1 }'); \
	off=$$($$nm $< | awk '$$3 == "cvb_stats_off" { print $$1 }'); \
	size=$$($$nm $< | awk '$$3 == "cvb_per_cpu_size" { print $$1 }'); \
	[ -n "$$cpus" ] && [ -n "$$off" ] && [ -n "$$size" ] || \
		{ echo "bench: cannot find cpus[] or struct per_cpu's layout" >&2; exit 1; }; \
	echo "hv=0xf00000000000-0xf00001000000:0x70000000-0x71000000,stats=0x$$cpus:0x$$size:0x$$off" > $@

bench-plugin: $(BENCH_PLUGIN) $(BENCH_PLUGIN_ARGS)
.PHONY: bench-plugin

# A program with a known count, run under the plugin before the guest (plugin/selftest.sh).
BENCH_SELFTEST := $(BENCH_OUT)/selftest.elf
$(BENCH_SELFTEST): tests/guest/bench/plugin/selftest.S | $(DEPS)
	@mkdir -p $(@D)
	@echo "  AS      $@"
	$(Q)$(ARM64_CC) -c -o $(@:.elf=.o) $<
	$(Q)$(CROSS_COMPILE)ld -Ttext=0x40000000 -o $@ $(@:.elf=.o)

bench-plugin: $(BENCH_SELFTEST)

# The scripts whose intervals the plugin counts (make bench's second guest).
BENCH_COUNTED := tests/guest/bench/hypervisor.sh tests/guest/bench/cellmgrd.sh \
	tests/guest/bench/cells.sh \
	tests/guest/bench/dma.sh
