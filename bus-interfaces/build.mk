# The D-Bus API contract, installed where D-Bus tools look for interface descriptions
# (package cellvisor).
$(call stage,bus-interfaces/org.cellvisor.cell1.Manager.xml,/usr/share/dbus-1/interfaces/org.cellvisor.cell1.Manager.xml,0644,cellvisor)
$(call stage,bus-interfaces/org.cellvisor.cell1.Cell.xml,/usr/share/dbus-1/interfaces/org.cellvisor.cell1.Cell.xml,0644,cellvisor)
