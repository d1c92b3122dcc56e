#!/bin/bash
# A boot with cellvisor.service and cell@gic-demo.service enabled, as 'systemctl enable'
# leaves them: the hypervisor and the cell come up during the boot, before this script runs
# (it starts after multi-user.target); gic-demo's output is in its unit's journal; stopping
# cellvisor.service stops the cell first, then disables the hypervisor.
# enable: cellvisor.service cell@gic-demo.service
# timeout: 600
. /usr/lib/cellvisor-test/tap.sh
sys=/sys/devices/cellvisor
unit() { systemctl show -p "$2" --value "$1"; }
since_boot() { unit "$1" "${2}Monotonic"; }	# microseconds, 0 if it never happened

t "cellvisor.service is enabled" [ "$(systemctl is-enabled cellvisor.service)" = enabled ]
t "cell@gic-demo.service is enabled" [ "$(systemctl is-enabled cell@gic-demo.service)" = enabled ]
t "cells.target is enabled (package cellvisor, as its preset says)" [ "$(systemctl is-enabled cells.target)" = enabled ]
st=$(timeout 120 systemctl is-system-running --wait)
echo "# system: $st"
systemctl --no-pager --failed 2>&1 | sed 's/^/# /'
t "the system came up running, nothing failed" [ "$st" = running ]
t "cellvisor.service is active" [ "$(unit cellvisor.service ActiveState)" = active ]
t "cell@gic-demo.service is active" [ "$(unit cell@gic-demo.service ActiveState)" = active ]
t "cells.target is active" [ "$(unit cells.target ActiveState)" = active ]

hv=$(since_boot cellvisor.service ActiveEnterTimestamp)
cell=$(since_boot cell@gic-demo.service ActiveEnterTimestamp)
me=$(since_boot cellvisor-test.service ExecMainStartTimestamp)
echo "# since boot: hypervisor enabled ${hv} us, gic-demo running ${cell} us, this script ${me} us"
t "the boot enabled the hypervisor, then started the cell, then ran this script" \
	eval '[ "$hv" -gt 0 ] && [ "$hv" -le "$cell" ] && [ "$cell" -le "$me" ]'
t "the hypervisor is enabled (sysfs)" [ "$(cat $sys/enabled)" = 1 ]
t "gic-demo runs (cellctl)" [ "$(cellctl show -p State --value gic-demo)" = running ]
t "cellctl list shows it" sh -c "cellctl list --no-legend | grep -q '^gic-demo .*running'"
t "CPU 3 is the cell's, offline in Linux" [ "$(cat /sys/devices/system/cpu/cpu3/online)" = 0 ]
sleep 2
journalctl -u cell@gic-demo --no-pager -n 5 -o cat | sed 's/^/# journal: /'
t "gic-demo's ticks are in its unit's journal" \
	eval "journalctl -u cell@gic-demo -o cat | grep -q '^gic-demo: tick [0-9]* jitter'"
t "cellmgrd logged the enable with the boot's configuration" \
	eval "journalctl -b MESSAGE_ID=2c871ab9ca9845188a9b56f1bbb1e2fe -o cat |
		grep -q 'Hypervisor enabled with /etc/cellvisor/system.json'"

# Stopping the hypervisor's unit takes the cell down first (PartOf=, ordered after it).
t "systemctl stop cellvisor.service" systemctl stop cellvisor.service
t "  ... cell@gic-demo.service stopped too" [ "$(unit cell@gic-demo.service ActiveState)" = inactive ]
t "  ... and not failed" [ "$(unit cell@gic-demo.service Result)" = success ]
cell_off=$(since_boot cell@gic-demo.service InactiveEnterTimestamp)
hv_off=$(since_boot cellvisor.service InactiveEnterTimestamp)
echo "# since boot: gic-demo stopped ${cell_off} us, hypervisor disabled ${hv_off} us"
t "  ... the cell went before the hypervisor" eval '[ "$cell_off" -gt 0 ] && [ "$cell_off" -le "$hv_off" ]'
t "  ... the hypervisor is disabled" [ "$(cat $sys/enabled)" = 0 ]
t "  ... CPU 3 is back online in Linux" [ "$(cat /sys/devices/system/cpu/cpu3/online)" = 1 ]
t "  ... and the cell is gone from cellmgrd" sh -c "! cellctl list --no-legend | grep -q gic-demo"

echo "1..$n"
[ $fails = 0 ]
