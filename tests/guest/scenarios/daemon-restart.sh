#!/bin/bash
# Restart and Terminate of cells through cellmgrd (issue 16): cellctl restart from running
# (under its unit, which stays active), from shut down (a cell that turned its CPU off) and
# from failed (a cell that faulted, its image replaced meanwhile); systemctl restart of a
# cell's unit (running, failed, shut down); cellctl terminate of a cell that refuses shutdowns, and the unit's stop
# terminating it; a Restart=on-failure drop-in bringing a failing cell back.
# Needs the hypervisor's cell calls.
# timeout: 420
. /usr/lib/cellvisor-test/tap.sh
. /usr/lib/cellvisor-test/bus.sh
INM=/usr/share/cellvisor/inmates
gone() { [ -z "$(cellpath "$1")" ]; }
# run COMMAND...: run it, its output as comments; $st its status, $out its output
run() { out=$("$@" 2>&1); st=$?; echo "# $* -> $st"; [ -n "$out" ] && sed 's/^/#   /' <<<"$out"; }
# flaky NAME IMAGE: a cell like fault (CPU 2, hypervisor console) whose image is a file of
# its own, /etc/cellvisor/NAME.bin, a copy of IMAGE, to be replaced while the cell exists
flaky() {
	cp "$INM/$2.bin" /etc/cellvisor/$1.bin
	sed -e "s/\"fault\"/\"$1\"/" -e "s|$INM/fault.bin|/etc/cellvisor/$1.bin|" \
		/etc/cellvisor/cells/fault.json >/etc/cellvisor/cells/$1.json
}

systemctl start cellvisor.service
t "cellvisor.service active" wait_unit cellvisor.service active

# ---- from running, under its unit: the cell is kept, the unit does not notice ----
systemctl start cell@gic-demo.service
t "cell@gic-demo running" wait_state gic-demo running || diag_unit cell@gic-demo
pid=$(unit cell@gic-demo.service MainPID)
id=$(cprop gic-demo Id) created=$(cprop gic-demo CreationTimestamp)
started=$(cprop gic-demo StartTimestampMonotonic)
banners() { journalctl -u cell@gic-demo -o cat -t gic-demo | grep -c "gic-demo: virtual timer at"; }
t "its banner is in the unit's journal once" eval '[ "$(banners)" = 1 ]'
run cellctl restart gic-demo
t "cellctl restart gic-demo (running): exit 0" [ $st = 0 ]
t "  ... running" wait_state gic-demo running
t "  ... the same cell (Id, CreationTimestamp), started again (StartTimestamp moved)" \
	eval '[ "$(cprop gic-demo Id)|$(cprop gic-demo CreationTimestamp)" = "$id|$created" ] &&
	      [ "$(cprop gic-demo StartTimestampMonotonic)" != "$started" ]'
sleep 2
t "  ... its unit stayed active, with the same main process" \
	eval '[ "$(unit cell@gic-demo.service ActiveState)/$(unit cell@gic-demo.service MainPID)" = "active/$pid" ]'
t "  ... which copied the restarted cell's banner to the journal" eventually eval '[ "$(banners)" = 2 ]'

# ---- systemctl restart: a new cell from the configuration ----
t "systemctl restart cell@gic-demo" systemctl restart cell@gic-demo.service
t "  ... running, unit active" eval 'wait_state gic-demo running && wait_unit cell@gic-demo.service active'
t "  ... a new cell (CreationTimestamp moved)" [ "$(cprop gic-demo CreationTimestamp)" != "$created" ]
systemctl stop cell@gic-demo.service

# ---- from shut down: cpuoff turns its only CPU off, each time it starts ----
run cellctl start --config /etc/cellvisor/cells/cpuoff.json cpuoff
t "cpuoff shut itself down" wait_state cpuoff "shut down"
started=$(cprop cpuoff StartTimestampMonotonic)
run cellctl restart cpuoff
t "cellctl restart cpuoff (shut down): exit 0" [ $st = 0 ]
t "  ... it ran again (its line twice on its console) and shut itself down again" \
	eventually eval '[ "$(cellctl console cpuoff | grep -c "cpuoff: PSCI CPU_OFF")" = 2 ] &&
			 [ "$(cprop cpuoff State)" = "s \"shut down\"" ]'
t "  ... StartTimestamp moved" [ "$(cprop cpuoff StartTimestampMonotonic)" != "$started" ]
cellctl destroy cpuoff

# ---- from failed: the image is replaced meanwhile, Restart reads it again ----
flaky flaky fault
run cellctl start --config /etc/cellvisor/cells/flaky.json flaky
t "flaky (the fault inmate) failed" wait_state flaky failed
cp $INM/silent.bin /etc/cellvisor/flaky.bin
run cellctl restart flaky
t "cellctl restart flaky (failed): exit 0" [ $st = 0 ]
t "  ... running the new image" eventually eval 'cellctl console flaky | grep -q "silent: will not answer"'
sleep 1
t "  ... and still running" wait_state flaky running
run cellctl terminate flaky
t "cellctl terminate flaky (a cell that never answers): exit 0, gone" eval '[ $st = 0 ] && gone flaky'

# ---- a cell that refuses to shut down ----
systemctl start cell@shutdown-deny.service
t "cell@shutdown-deny running" wait_state shutdown-deny running || diag_unit cell@shutdown-deny
run cellctl restart shutdown-deny
t "cellctl restart of a cell that refuses: exit 7, not restarted" \
	eval '[ $st = 7 ] && grep -q "refused to shut down, so it was not restarted" <<<"$out"'
t "  ... still running, its unit active" \
	eval 'wait_state shutdown-deny running && [ "$(unit cell@shutdown-deny.service ActiveState)" = active ]'
run cellctl terminate shutdown-deny
t "cellctl terminate shutdown-deny: exit 0, the cell is gone" eval '[ $st = 0 ] && gone shutdown-deny'
t "  ... CPU 1 back in the root cell" grep -q '^au 4 0 1 2 3$' <<<"$(cprop root CPUs)"
t "  ... its unit ended inactive" wait_unit cell@shutdown-deny.service inactive
systemctl start cell@shutdown-deny.service
t "cell@shutdown-deny running again" wait_state shutdown-deny running
t "systemctl stop cell@shutdown-deny: succeeds" systemctl stop cell@shutdown-deny.service
t "  ... inactive, not failed" [ "$(unit cell@shutdown-deny.service ActiveState)" = inactive ]
t "  ... the cell is gone (terminated)" gone shutdown-deny
t "  ... the unit's journal says why" \
	sh -c "journalctl -u cell@shutdown-deny -o cat | grep -q 'cell shutdown-deny did not shut down; terminating it'"

# ---- systemctl restart of a unit whose cell failed, or shut itself down ----
cp $INM/fault.bin /etc/cellvisor/flaky.bin
systemctl start cell@flaky.service
t "cell@flaky (the fault inmate) failed" wait_unit cell@flaky.service failed
cp $INM/silent.bin /etc/cellvisor/flaky.bin
t "systemctl restart cell@flaky (failed)" systemctl restart cell@flaky.service
t "  ... active, the cell running" eval 'wait_unit cell@flaky.service active && wait_state flaky running'
systemctl stop cell@flaky.service
offs() { journalctl -u cell@cpuoff -o cat | grep -c "cpuoff: PSCI CPU_OFF"; }
systemctl start cell@cpuoff.service
t "cell@cpuoff ends inactive (its cell shut itself down)" \
	eval 'wait_unit cell@cpuoff.service inactive && eventually eval "[ \$(offs) = 1 ]"'
t "systemctl restart cell@cpuoff (shut down)" systemctl restart cell@cpuoff.service
t "  ... it ran again and ended inactive again" \
	eval 'wait_unit cell@cpuoff.service inactive && eventually eval "[ \$(offs) = 2 ]"'

# ---- Restart=on-failure: a cell that fails comes back ----
flaky flaky2 fault
mkdir -p /run/systemd/system/cell@flaky2.service.d
cat >/run/systemd/system/cell@flaky2.service.d/restart.conf <<EOF
[Unit]
StartLimitIntervalSec=0

[Service]
Restart=on-failure
RestartSec=1
EOF
systemctl daemon-reload
systemctl start --no-block cell@flaky2.service
restarted() { [ "$(unit cell@flaky2.service NRestarts)" -ge 1 ]; }
for _ in $(seq 300); do restarted && break; sleep 0.1; done
t "cell@flaky2 (Restart=on-failure) failed and was restarted" restarted || diag_unit cell@flaky2
cp $INM/silent.bin /etc/cellvisor/flaky2.bin
t "  ... once its image works, it is back: running, unit active" \
	eval 'wait_state flaky2 running && wait_unit cell@flaky2.service active' || diag_unit cell@flaky2
n0=$(unit cell@flaky2.service NRestarts)
sleep 3
t "  ... and stays so (no more restarts)" \
	eval '[ "$(cprop flaky2 State)|$(unit cell@flaky2.service NRestarts)" = "s \"running\"|$n0" ]'
t "  ... the unit's journal has the failures" \
	sh -c "journalctl -u cell@flaky2 -o cat | grep -qE 'cell (flaky2 )?failed'"
t "systemctl stop cell@flaky2: the cell is gone" eval 'systemctl stop cell@flaky2.service; gone flaky2'
rm -rf /run/systemd/system/cell@flaky2.service.d
systemctl daemon-reload

t "stopping cellvisor.service disables the hypervisor" systemctl stop cellvisor.service
t "  ... disabled" [ "$(cat /sys/devices/cellvisor/enabled)" = 0 ]
journalctl -b --no-pager -u cellmgrd -n 30 -o short-monotonic | sed 's/^/# journal: /'
echo "1..$n"
[ $fails = 0 ]
