# Host tests of the Debian packages (read before the Makefile's deb rules: DEB_CHANGES, DEBS
# and the install lists are named here, used when the recipes run):
#   test-packages   the .debs' files against the install list, control fields, maintainer
#                   scripts, lintian
#   test-dkms       cellvisor-dkms built against the guest kernel's headers as dkms would

PKG_TEST_OUT := $(O)/tests/host/packages
PKG_MANIFEST := $(PKG_TEST_OUT)/manifest

# The install list, one "PACKAGE|SOURCE|/PATH|MODE" a line.
$(PKG_MANIFEST): $(filter %build.mk Makefile,$(MAKEFILE_LIST))
	@mkdir -p $(@D)
	$(Q)printf '%s\n' $(foreach p,$(PACKAGES),$(foreach f,$(PKG_INSTALL_$(p)),'$(p)|$(f)')) >$@

$(PKG_TEST_OUT)/test-packages: tests/host/packages/packages.sh tests/host/packages/tap.sh $(PKG_MANIFEST) $(DEB_CHANGES) \
		$(CELLMGRD_HOST) units/90-cellvisor.preset
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\nexec %s %s %s %s %s %s\n' $(CURDIR)/$< $(DEB_CHANGES) $(PKG_MANIFEST) \
		$(DEB_VERSION) $(CELLMGRD_HOST) $(CURDIR)/units/90-cellvisor.preset >$@ && chmod +x $@

$(PKG_TEST_OUT)/test-dkms: tests/host/packages/dkms-build.sh tests/host/packages/tap.sh tests/guest/dkms-install $(DEBS)
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\nexec %s %s %s %s\n' $(CURDIR)/$< \
		$(DEB_DIR)/cellvisor-dkms_$(DEB_VERSION)_all.deb $(DEB_VERSION) $(KERNEL) >$@ && chmod +x $@

HOST_TESTS += $(PKG_TEST_OUT)/test-packages $(PKG_TEST_OUT)/test-dkms
