# cellvisor-link: the root's side of an inter-cell link from the command line
# (/usr/bin/cellvisor-link, package cellvisor; cellvisor-link(1)).  The host build is for
# its host test (arguments and refusals; the guest scenario link.sh talks over a real link).

CVLINK_TOOL_ARM64 := $(O)/arm64/link/cellvisor-link
CVLINK_TOOL_HOST := $(O)/host/link/cellvisor-link

$(CVLINK_TOOL_ARM64): cellmgrd/link/cellvisor-link.c $(wildcard include/cellvisor/*.h)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(ARM64_CC) $(ARM64_CFLAGS) $(ARM64_LDFLAGS) -o $@ $<

$(CVLINK_TOOL_HOST): cellmgrd/link/cellvisor-link.c $(wildcard include/cellvisor/*.h)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_LDFLAGS) -o $@ $<

ARM64_TARGETS += $(CVLINK_TOOL_ARM64)
$(call stage,$(CVLINK_TOOL_ARM64),/usr/bin/cellvisor-link,0755,cellvisor)

$(O)/host/tests/link/cellvisor-link-args: tests/host/link-tool.sh $(CVLINK_TOOL_HOST)
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\nexec %s %s\n' $(CURDIR)/$< $(CVLINK_TOOL_HOST) >$@ && chmod +x $@
HOST_TESTS += $(O)/host/tests/link/cellvisor-link-args
