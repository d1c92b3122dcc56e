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
# until_is SECONDS WANT COMMAND...: COMMAND prints WANT within SECONDS (polled every 0.1 s)
until_is() {
	_n=$(($1 * 10)) _want=$2
	shift 2
	for _ in $(seq $_n); do
		[ "$("$@")" = "$_want" ] && return 0
		sleep 0.1
	done
	echo "# $*: $("$@"), wanted $_want"; return 1
}
# wait_state CELL STATE [SECONDS]: the cell's State property reaches STATE (default 15 s)
wait_state() { until_is "${3:-15}" "s \"$2\"" cprop "$1" State; }
# wait_unit UNIT ACTIVESTATE [SECONDS]: the unit reaches ACTIVESTATE (default 15 s)
wait_unit() { until_is "${3:-15}" "$2" unit "$1" ActiveState; }
# wait_log UNIT TEXT SECONDS: the unit's journal (since $since, when a scenario sets it)
# shows TEXT
wait_log() {
	for _ in $(seq $(($3 * 10))); do
		journalctl -u "$1" -o cat ${since:+--since "$since"} | grep -qF -- "$2" && return 0
		sleep 0.1
	done
	journalctl -u "$1" -o cat ${since:+--since "$since"} | tail -n 15 | sed 's/^/# /'
	return 1
}
# diag_unit UNIT: its status, as comments
diag_unit() { systemctl status --no-pager -n 20 "$1" 2>&1 | sed 's/^/# /'; }
