# Guest-side helpers of the module's tests: cvtool drives /dev/cellvisor directly.

CVTOOL := $(O)/tests/guest/helpers/cvtool

$(CVTOOL): tests/guest/helpers/cvtool.c $(wildcard include/cellvisor/*.h)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(ARM64_CC) $(ARM64_CFLAGS) $(ARM64_LDFLAGS) -o $@ $<

ARM64_TARGETS += $(CVTOOL)
$(call stage,$(CVTOOL),/usr/libexec/cellvisor-test/cvtool,0755)

# cvlink: the old name of cellvisor-link (cellmgrd/link/) for the benchmark's script.
$(call stage,tests/guest/helpers/cvlink.sh,/usr/libexec/cellvisor-test/cvlink,0755)
