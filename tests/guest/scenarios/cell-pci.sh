#!/bin/bash
# PCI configuration space partitioned per cell, the root cell included.  With the hypervisor
# enabled the root's accesses to ECAM trap and still reach its own functions; a cell's
# function leaves Linux when the cell is created (hot unplug), is invisible to the root while
# the cell holds it (a rescan does not find it), is driven by pci-demo in its cell, and comes
# back to Linux when the cell is destroyed, quiesced, with its BAR where it was.  The root's
# own edu (02.0) cannot be made to decode over the cell's BAR.
# timeout: 600
. /usr/lib/cellvisor-test/tap.sh
no_cellmgrd
cvtool=/usr/libexec/cellvisor-test/cvtool
sys=/sys/devices/cellvisor
cfg=/usr/share/cellvisor/configs
edu=/sys/bus/pci/devices/0000:00:01.0
bridge=/sys/bus/pci/devices/0000:00:00.0
edu2=/sys/bus/pci/devices/0000:00:02.0
# cfgword DEV OFFSET: a 16-bit word of the device's configuration space, read through sysfs
cfgword() { od -An -tx2 -j "$2" -N2 "$1/config" 2>/dev/null | tr -d ' '; }
cfgdword() { od -An -tx4 -j "$2" -N4 "$1/config" 2>/dev/null | tr -d ' '; }
decoding() { [ $((0x$(cfgword "$1" 4) & 2)) = 2 ]; }
bar0() { head -n1 "$edu/resource" | cut -d' ' -f1; }
mmio_exits() { cat $sys/cells/0/statistics/exits_mmio; }
kern() { dmesg | tail -n 20 | grep -qF -- "$1" || { echo "# kernel log lacks: $1"; return 1; }; }
run() { # run ID: load and start pci-demo in cell ID
	$cvtool load "$1" /usr/share/cellvisor/inmates/pci-demo.bin@0x40000000 >/dev/null &&
		$cvtool start "$1" >/dev/null
}
up() { # up: create, load, start pci-demo; print its id
	id=$($cvtool create $cfg/pci-demo.cvb) && run "$id" && echo "$id"
}
passes() { # passes ID: pci-demo in cell ID prints "all checks passed" within 20 s
	$cvtool console --cell "$1" --timeout 20000 --expect "pci-demo: all checks passed" \
		>/tmp/pci-demo.out 2>&1; st=$?
	sed 's/^/# cell: /' /tmp/pci-demo.out | tail -n 12
	return $st
}

t "before the hypervisor: edu (1234:11e8) is in Linux" \
	eval '[ "$(cfgword $edu 0)" = 1234 ] && [ "$(cfgword $edu 2)" = 11e8 ]'
bar=$(bar0)
echo "# edu BAR0: $bar"
modprobe cellvisor
t "enable" $cvtool enable $cfg/system.cvb

# The root cell's own functions, through the trapped ECAM.
m0=$(mmio_exits)
t "the root reads the host bridge's vendor (1b36) through the hypervisor" [ "$(cfgword $bridge 0)" = 1b36 ]
t "  ... and edu's (1234), not yet given away" [ "$(cfgword $edu 0)" = 1234 ]
m1=$(mmio_exits)
echo "# root MMIO exits: $m0 -> $m1"
t "  ... each read trapped (root MMIO exits went up)" [ "$m1" -gt "$m0" ]
t "a rescan by the root works with the hypervisor enabled" sh -c "echo 1 > /sys/bus/pci/rescan"
t "  ... all CPUs still online" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
t "  ... edu still there" [ -e $edu ]

# Given to a cell: hot-unplugged from Linux, hidden from the root.
id=$(up)
t "pci-demo created and started" [ -n "$id" ]
t "  ... the module unplugged edu from Linux first" kern "cell 'pci-demo': PCI device 0000:00:01.0 leaves Linux"
t "  ... edu is gone from Linux" [ ! -e $edu ]
t "pci-demo drives edu in its cell (liveness, factorial, INTx)" passes "$id"
echo 1 > /sys/bus/pci/rescan
t "a rescan by the root does not find the cell's function" [ ! -e $edu ]
t "  ... the root still sees its host bridge" [ "$(cfgword $bridge 0)" = 1b36 ]
t "  ... and the cell is undisturbed" [ "$(cat $sys/cells/$id/state)" = running ]

# Back to the root when the cell goes.
t "destroy pci-demo" $cvtool destroy "$id"
t "  ... edu is back in Linux" [ -e $edu ]
t "  ... it is edu (1234:11e8)" eval '[ "$(cfgword $edu 0)" = 1234 ] && [ "$(cfgword $edu 2)" = 11e8 ]'
cmd=$(cfgword $edu 4)
echo "# edu command register after destroy: $cmd"
t "  ... quiesced: no decoding, no bus mastering (command 0x$cmd)" [ $((0x$cmd & 7)) = 0 ]
t "  ... BAR0 where it was ($bar)" [ "$(bar0)" = "$bar" ]

# And once more: the device works in a cell again after its stay in Linux, while the root
# tries to put its own edu's BAR over it.
id=$($cvtool create $cfg/pci-demo.cvb)
t "pci-demo created again" [ -n "$id" ]
bar2=$(cfgdword $edu2 16)
echo 1 > $edu2/enable
t "the root's edu 02.0 decodes its BAR0 (0x$bar2)" decoding $edu2
poke $edu2/config 16 4 "$bar"
t "the root moves that BAR0 over the cell's edu ($bar)" [ "$(cfgdword $edu2 16)" = "$(printf %08x $bar)" ]
t "  ... and the hypervisor turned its decoding off" eval '! decoding $edu2'
t "  ... saying why" eventually grep -q "00:02.0 of the root cell: a BAR at $(printf 0x%x $bar)+0x100000 overlaps a BAR of cell 'pci-demo'; its memory decoding stays off" $sys/console
poke $edu2/config 4 2 $((0x$(cfgword $edu2 4) | 2))
t "  ... nor may the root turn it on again" eval '! decoding $edu2'
t "pci-demo runs" run "$id"
t "  ... and passes: its edu alone answers at $bar" passes "$id"
poke $edu2/config 16 4 "0x$bar2"
poke $edu2/config 4 2 $((0x$(cfgword $edu2 4) | 2))
t "the root's edu back at 0x$bar2 decodes again" decoding $edu2
t "  ... the cell is undisturbed" [ "$(cat $sys/cells/$id/state)" = running ]
echo 0 > $edu2/enable
t "  ... destroy" $cvtool destroy "$id"
t "  ... edu back in Linux" [ -e $edu ]
t "disable" $cvtool disable

echo "1..$n"
[ $fails = 0 ]
