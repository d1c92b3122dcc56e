#!/bin/bash
# One set of names: the names of states, statistics and memory flags are defined once, in
# include/cellvisor/names.h (for the module, cellmgrd and cellctl), and the D-Bus names once,
# in cellmgrd/include/cellvisor-bus.h (for cellmgrd and cellctl).  No other C file of the
# module, the daemon or cellctl spells them.
dirs="kmod cellmgrd"
. "$(dirname "$0")/grep-rules.sh"
names=include/cellvisor/names.h bus=cellmgrd/include/cellvisor-bus.h
check "no other table of cell state names" '\[(CV_)?CELL_(STATE_)?[A-Z_]+\] *= *"' $names
check "no other table of statistics names" '\[CV_STAT_[A-Z_]+\] *= *"' $names
check "no sysfs statistics file spelt out" '"exits_' $names
check "no state name \"running/locked\" spelt out" '"running/locked"' $names
check "no memory flag table outside names.h" '\{ *CV_MEM_[A-Z_]+, *"' $names
check "the D-Bus spelling of memory flags is the JSON one" '"(comm-region|root-shared)"' $names
check "D-Bus names (service, objects, interfaces, errors) only in cellvisor-bus.h" \
	'"/?org[./]cellvisor[./]cell1' $bus
finish
