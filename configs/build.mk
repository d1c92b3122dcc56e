# Configurations: configs/<arch>/*.json compiled by the host cellctl into binary blobs
# ($(O)/configs/arm64/<name>.cvb); installed both ways, see cellvisor-config(5):
#   system.json -> /etc/cellvisor/system.json, <cell>.json -> /etc/cellvisor/cells/<cell>.json
#                  (package cellvisor: conffiles)
#   <name>.cvb  -> /usr/share/cellvisor/configs/<name>.cvb (package cellvisor-firmware)
# A cell of a test-only inmate (INMATES_TEST_ONLY, Makefile) is test-only too: staged
# into the guest image at the same paths, not packaged.

CONFIGS_ARM64_SYSTEM := configs/arm64/system.json
CONFIGS_ARM64_CELLS := $(filter-out $(CONFIGS_ARM64_SYSTEM),$(wildcard configs/arm64/*.json))
CONFIGS_ARM64_OUT := $(O)/configs/arm64
CONFIGS_ARM64_BLOBS := $(patsubst configs/arm64/%.json,$(CONFIGS_ARM64_OUT)/%.cvb,\
	$(CONFIGS_ARM64_SYSTEM) $(CONFIGS_ARM64_CELLS))
# This file is read after cellmgrd/cellctl/build.mk: CELLCTL_HOST is set.
CONFIGS_CELLCTL := $(CELLCTL_HOST)

$(CONFIGS_ARM64_OUT)/system.cvb: $(CONFIGS_ARM64_SYSTEM) $(CONFIGS_CELLCTL)
	@mkdir -p $(@D)
	@echo "  CONFIG  $@"
	$(Q)$(CONFIGS_CELLCTL) config compile $< -o $@

$(CONFIGS_ARM64_OUT)/%.cvb: configs/arm64/%.json $(CONFIGS_ARM64_SYSTEM) $(CONFIGS_CELLCTL)
	@mkdir -p $(@D)
	@echo "  CONFIG  $@"
	$(Q)$(CONFIGS_CELLCTL) config compile --system $(CONFIGS_ARM64_SYSTEM) $< -o $@

ARM64_TARGETS += $(CONFIGS_ARM64_BLOBS)

configs-pkg = $(if $(filter $(CONFIGS_TEST_ONLY),$(basename $(notdir $(1)))),,$(2))

$(call stage,$(CONFIGS_ARM64_SYSTEM),/etc/cellvisor/system.json,0644,cellvisor)
$(foreach f,$(CONFIGS_ARM64_CELLS),\
	$(call stage,$(f),/etc/cellvisor/cells/$(notdir $(f)),0644,$(call configs-pkg,$(f),cellvisor)))
$(foreach f,$(CONFIGS_ARM64_BLOBS),\
	$(call stage,$(f),/usr/share/cellvisor/configs/$(notdir $(f)),0644,\
		$(call configs-pkg,$(f),cellvisor-firmware)))
