# systemd units, D-Bus and polkit files, bash completion: package cellvisor.

UNITS_DIR := /lib/systemd/system
$(call stage,units/cellmgrd.service,$(UNITS_DIR)/cellmgrd.service,0644,cellvisor)
$(call stage,units/cellvisor.service,$(UNITS_DIR)/cellvisor.service,0644,cellvisor)
$(call stage,units/cell@.service,$(UNITS_DIR)/cell@.service,0644,cellvisor)
$(call stage,units/cells.target,$(UNITS_DIR)/cells.target,0644,cellvisor)
$(call stage,units/90-cellvisor.preset,/lib/systemd/system-preset/90-cellvisor.preset,0644,cellvisor)
$(call stage,units/org.cellvisor.cell1.service,/usr/share/dbus-1/system-services/org.cellvisor.cell1.service,0644,cellvisor)
$(call stage,units/org.cellvisor.cell1.conf,/usr/share/dbus-1/system.d/org.cellvisor.cell1.conf,0644,cellvisor)
$(call stage,units/org.cellvisor.cell1.policy,/usr/share/polkit-1/actions/org.cellvisor.cell1.policy,0644,cellvisor)
$(call stage,units/cellctl.bash-completion,/usr/share/bash-completion/completions/cellctl,0644,cellvisor)
$(call stage,units/cellvisor-link.bash-completion,/usr/share/bash-completion/completions/cellvisor-link,0644,cellvisor)
