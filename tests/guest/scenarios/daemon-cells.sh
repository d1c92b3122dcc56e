#!/bin/bash
# cellmgrd with real cells: cell@gic-demo enabled the way an administrator does it, its
# output in its journal; systemctl start/stop of cell@uart-demo and cell@pci-demo; busctl for
# every method and property of a cell; PropertiesChanged for every transition; kill -9 of
# cellmgrd while cells run (every cell recovered with its state, units undisturbed); a cell
# refusing shutdown, a cell locking the hypervisor, a faulting cell leaving its unit failed.
# Needs the hypervisor's cell calls.
# timeout: 900
. /usr/lib/cellvisor-test/tap.sh
. /usr/lib/cellvisor-test/bus.sh

busctl monitor --json=short $S >/tmp/monitor 2>&1 &
sleep 1

# Enabled for boot, brought up now.
systemctl enable cellvisor.service cells.target cell@gic-demo.service 2>&1 | sed 's/^/# /'
t "cell@gic-demo enabled in cells.target" [ -e /etc/systemd/system/cells.target.wants/cell@gic-demo.service ]
systemctl start cells.target
t "cellvisor.service active" wait_unit cellvisor.service active
t "cell@gic-demo active" wait_unit cell@gic-demo.service active || diag_unit cell@gic-demo
t "gic-demo running" wait_state gic-demo running
sleep 3
journalctl -u cell@gic-demo --no-pager -n 10 -o cat | sed 's/^/# gic-demo: /'
t "the cell's output is in its unit's journal" [ -n "$(journalctl -u cell@gic-demo -o cat -t gic-demo | grep -v '^cellctl')" ]

# Every method and property through busctl.
for u in uart-demo pci-demo; do
	t "systemctl start cell@$u" systemctl start cell@$u.service || diag_unit cell@$u
	t "  ... $u running" wait_state $u running
done
p=$(cellpath uart-demo)
for prop in Name Id State CPUs FailedCPUs MemoryRegions Interrupts Devices ConfigPath Images \
	Statistics CreationTimestamp LoadTimestamp StartTimestamp StateChangeTimestamp; do
	t "busctl get-property uart-demo $prop" busctl get-property $S "$p" $CI $prop
done
t "pci-demo owns the edu device" grep -q '"0000:00:0' <<<"$(cprop pci-demo Devices)"
t "pci-demo drives edu in its cell: liveness, factorial, INTx (\"all checks passed\")" \
	wait_log cell@pci-demo.service "pci-demo: all checks passed" 15
t "Statistics count exits" grep -q 'total' <<<"$(cprop uart-demo Statistics)"
t "busctl GetConsole on a cell" busctl call $S "$p" $CI GetConsole
t "systemctl stop cell@uart-demo: shut down and destroyed" systemctl stop cell@uart-demo.service
t "  ... the cell is gone" eval '[ -z "$(cellpath uart-demo)" ]'
sleep 1
for st in created loadable running "shut down"; do
	t "PropertiesChanged State=\"$st\" for uart-demo" \
		grep -q "uart_2ddemo.*\"State\":{\"type\":\"s\",\"data\":\"$st\"}" /tmp/monitor
done
t "CellNew and CellRemoved for uart-demo" eval 'grep -q "\"member\":\"CellNew\".*uart-demo" /tmp/monitor && grep -q "\"member\":\"CellRemoved\".*uart-demo" /tmp/monitor'

# By hand through busctl: create, load, start, shutdown, destroy.
o=$(busctl call $S $M $S.Manager CreateCell s /etc/cellvisor/cells/uart-demo.json | cut -d'"' -f2)
t "busctl CreateCell" [ "$o" = $M/cell/uart_2ddemo ]
t "busctl Load (images of the config)" busctl call $S "$o" $CI Load 'a(st)' 0
t "busctl Start" busctl call $S "$o" $CI Start
t "busctl Shutdown" busctl call --timeout=60 $S "$o" $CI Shutdown
t "busctl Destroy" busctl call --timeout=60 $S "$o" $CI Destroy

# kill -9 while cells run.
before=$(busctl call $S $M $S.Manager ListCells)
pid=$(unit cellmgrd.service MainPID)
kill -9 "$pid"
for _ in $(seq 100); do
	new=$(unit cellmgrd.service MainPID)
	[ "$new" != 0 ] && [ "$new" != "$pid" ] && [ "$(unit cellmgrd.service ActiveState)" = active ] && break
	sleep 0.1
done
t "kill -9 cellmgrd: restarted by systemd" [ "$new" != "$pid" ]
t "  ... every cell recovered with its state" [ "$(busctl call $S $M $S.Manager ListCells)" = "$before" ]
t "  ... cell@ units still active" eval '[ "$(unit cell@gic-demo.service ActiveState)" = active ] && [ "$(unit cell@pci-demo.service ActiveState)" = active ]'
t "  ... gic-demo keeps its ConfigPath" [ "$(cprop gic-demo ConfigPath)" = 's "/etc/cellvisor/cells/gic-demo.json"' ]

# An unprivileged user; a bad configuration.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups busctl call $S "$(cellpath gic-demo)" $CI Shutdown 2>&1); echo "# $out"
t "unprivileged Shutdown refused" grep -q "not allowed" <<<"$out"
sed 's/"cpus"/"bogus": 1, "cpus"/' /etc/cellvisor/cells/uart-demo.json >/etc/cellvisor/bad-cell.json
out=$(busctl call $S $M $S.Manager CreateCell s /etc/cellvisor/bad-cell.json 2>&1); echo "# $out"
t "bad cell configuration: the validator's message" grep -q "/etc/cellvisor/bad-cell.json: .*bogus" <<<"$out"

# Cells that refuse, lock, fault (inmates of the inmates issue).
mk() { # mk NAME INMATE: a cell like uart-demo running another inmate
	sed -e "s/\"uart-demo\"/\"$1\"/" -e "s|inmates/uart-demo.bin|inmates/$2.bin|" \
		/etc/cellvisor/cells/uart-demo.json >/etc/cellvisor/cells/$1.json
}
mk deny shutdown-deny
t "a cell that refuses shutdown starts" systemctl start cell@deny.service
out=$(cellctl shutdown deny 2>&1); st=$?; echo "# $out"
t "  ... cellctl shutdown: exit 7, refused" eval '[ $st = 7 ] && grep -q "refused" <<<"$out"'
t "  ... still running" wait_state deny running
systemctl kill -s KILL cell@deny.service; systemctl reset-failed cell@deny.service 2>/dev/null
cellctl destroy deny >/dev/null 2>&1
mk fault fault
systemctl start cell@fault.service
t "a faulting cell leaves its unit failed" wait_unit cell@fault.service failed || diag_unit cell@fault
t "  ... with result exit-code (status 3)" [ "$(unit cell@fault.service ExecMainStatus)" = 3 ]

# A cell that stops itself (PSCI CPU_OFF of its only CPU, /etc/cellvisor/cells/cpuoff.json,
# console through the hypervisor): its unit ends inactive, not failed, the unit's stop
# destroys the cell, and its journal has what the cell said.
systemctl start cell@cpuoff.service
t "a cell that turns its CPU off ends its unit inactive" \
	wait_unit cell@cpuoff.service inactive || diag_unit cell@cpuoff
t "  ... with status 0" [ "$(unit cell@cpuoff.service ExecMainStatus)" = 0 ]
t "  ... and the cell is gone" eval '! cellctl status cpuoff >/dev/null 2>&1'
t "  ... its journal has the cell's last words" \
	sh -c "journalctl -b --no-pager -u cell@cpuoff | grep -q 'cpuoff: PSCI CPU_OFF'"

# Statistics come from sysfs files cellmgrd keeps open once read: a cell destroyed and
# created again under the same id while cellmgrd cannot look (SIGSTOP) must be read from the
# new cell's files, not fail on the old ones (ENODEV) nor keep them.
cvtool=/usr/libexec/cellvisor-test/cvtool
total() { sed -n 's/.*"total" \([0-9]*\).*/\1/p'; }
id=$($cvtool create /usr/share/cellvisor/configs/uart-demo.cvb)
t "a cell created behind cellmgrd's back (cvtool, id $id) is followed" wait_state uart-demo created
p=$(cellpath uart-demo)
t "  ... its Statistics are read (total $(cprop uart-demo Statistics | total))" \
	[ -n "$(cprop uart-demo Statistics | total)" ]
pid=$(unit cellmgrd.service MainPID)
kill -STOP "$pid"
$cvtool destroy "$id" >/dev/null
id2=$($cvtool create /usr/share/cellvisor/configs/uart-demo.cvb)
stats=/sys/devices/cellvisor/cells/$id2/statistics/exits_total
s1=$(cat "$stats")
busctl get-property $S "$p" $CI Statistics >/tmp/stats-after 2>&1 &
bg=$!
sleep 0.5
kill -CONT "$pid"
wait $bg
st=$?
s2=$(cat "$stats")
v=$(total </tmp/stats-after)
echo "# stopped: destroyed $id, created $id2; Statistics total $v, sysfs $s1 before, $s2 after: $(cat /tmp/stats-after)"
t "  ... created again under the same id while cellmgrd was stopped" [ "$id2" = "$id" ]
t "  ... the first Get after SIGCONT answers from the new cell's files" \
	eval '[ $st = 0 ] && [ -n "$v" ] && [ "$v" -ge "$s1" ] && [ "$v" -le "$s2" ]'
s1=$(cat "$stats"); v=$(cprop uart-demo Statistics | total); s2=$(cat "$stats")
t "  ... and the next ($v, sysfs $s1..$s2)" eval '[ -n "$v" ] && [ "$v" -ge "$s1" ] && [ "$v" -le "$s2" ]'
fds=$(ls -l /proc/"$pid"/fd 2>&1)
grep -q "cells/$id/statistics/exits_total" <<<"$fds" || echo "$fds" | sed 's/^/# fd: /'
t "  ... from descriptors it keeps open" grep -q "cells/$id/statistics/exits_total" <<<"$fds"
$cvtool destroy "$id2" >/dev/null
gone() { for _ in $(seq 100); do [ -z "$(cellpath "$1")" ] && return 0; sleep 0.1; done; return 1; }
t "  ... and it is forgotten once destroyed" gone uart-demo
t "  ... cellmgrd holds no descriptor of a removed cell's statistics" \
	eval '! ls -l /proc/$pid/fd | grep -q "cells/$id/statistics"'

systemctl stop cells.target cell@gic-demo.service cell@pci-demo.service
t "stopping cellvisor.service stops the cells and disables" systemctl stop cellvisor.service
t "  ... disabled" [ "$(cat /sys/devices/cellvisor/enabled)" = 0 ]
journalctl -b --no-pager -u cellmgrd -n 40 -o short-monotonic | sed 's/^/# journal: /'
echo "1..$n"
[ $fails = 0 ]
