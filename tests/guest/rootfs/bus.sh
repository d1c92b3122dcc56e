# Sourced by the guest scenarios that drive cells through cellmgrd, after tap.sh
# (. /usr/lib/cellvisor-test/bus.sh): the bus names, and the waits they share.
S=org.cellvisor.cell1
M=/org/cellvisor/cell1
CI=org.cellvisor.cell1.Cell
# cellpath CELL: its object path, empty when cellmgrd has no such cell
cellpath() { busctl call $S $M $S.Manager GetCell s "$1" 2>/dev/null | cut -d'"' -f2; }
# cprop CELL PROPERTY: busctl's reading of it
cprop() { busctl get-property $S "$(cellpath "$1")" $CI "$2" 2>&1; }
# unit UNIT PROPERTY: systemd's value of it
unit() { systemctl show -p "$2" --value "$1"; }
# wait_state CELL STATE [SECONDS]: the cell's State property reaches STATE (default 15 s)
wait_state() {
	for _ in $(seq $((${3:-15} * 10))); do
		[ "$(cprop "$1" State)" = "s \"$2\"" ] && return 0
		sleep 0.1
	done
	echo "# $1: State = $(cprop "$1" State), wanted $2"; return 1
}
# wait_unit UNIT ACTIVESTATE [SECONDS]: the unit reaches ACTIVESTATE (default 15 s)
wait_unit() {
	for _ in $(seq $((${3:-15} * 10))); do
		[ "$(unit "$1" ActiveState)" = "$2" ] && return 0
		sleep 0.1
	done
	echo "# $1: $(unit "$1" ActiveState), wanted $2"; return 1
}
# diag_unit UNIT: its status, as comments
diag_unit() { systemctl status --no-pager -n 20 "$1" 2>&1 | sed 's/^/# /'; }
