# Manual pages of every command, unit, file format and interface: package cellvisor
# (debhelper compresses them).
$(foreach f,$(wildcard man/*.[1-8]),\
	$(call stage,$(f),/usr/share/man/man$(subst .,,$(suffix $(f)))/$(notdir $(f)),0644,cellvisor))
