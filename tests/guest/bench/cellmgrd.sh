#!/bin/sh
# Benchmark of issue 6: cellmgrd's footprint and D-Bus latency, beside systemd-machined's
# (figures only, no verdict).
buslat=/usr/libexec/cellvisor-test/buslat
n=1000
systemctl is-system-running --wait >/dev/null
systemctl start cellmgrd.service || { echo "bench cellmgrd: cellmgrd does not start"; exit 1; }
start=$(systemctl show -P ExecMainStartTimestampMonotonic cellmgrd.service)
ready=$(systemctl show -P ActiveEnterTimestampMonotonic cellmgrd.service)
pid=$(systemctl show -P MainPID cellmgrd.service)
echo "bench cellmgrd: start to READY=1: $(( (ready - start) / 1000 )) ms"
echo "bench cellmgrd: resident memory: $(sed -n 's/^VmRSS:[[:space:]]*//p' /proc/$pid/status)"
systemctl start cellvisor.service || echo "bench cellmgrd: (the hypervisor did not enable; measuring a disabled manager)"
root=$(busctl --system call org.cellvisor.cell1 /org/cellvisor/cell1 org.cellvisor.cell1.Manager GetCell s root 2>/dev/null | cut -d'"' -f2)
echo "bench cellmgrd: GetAll on the manager: $($buslat $n org.cellvisor.cell1 /org/cellvisor/cell1 org.cellvisor.cell1.Manager --getall)"
[ -n "$root" ] &&
	echo "bench cellmgrd: GetAll on cell 'root': $($buslat $n org.cellvisor.cell1 "$root" org.cellvisor.cell1.Cell --getall)"
echo "bench cellmgrd: ListCells: $($buslat $n org.cellvisor.cell1 /org/cellvisor/cell1 org.cellvisor.cell1.Manager ListCells)"
systemctl start systemd-machined.service
echo "bench cellmgrd: machined GetAll on its manager: $($buslat $n org.freedesktop.machine1 /org/freedesktop/machine1 org.freedesktop.machine1.Manager --getall)"
echo "bench cellmgrd: machined ListMachines: $($buslat $n org.freedesktop.machine1 /org/freedesktop/machine1 org.freedesktop.machine1.Manager ListMachines)"
# Side by side, interleaved so that the host's load falls on all three alike: rounds of 200
# GetAll on cellmgrd's manager, on cell 'root' (its Statistics: the driver's sysfs files) and
# on machined's manager; each round's median, then the median (min, max) over the rounds.
med() { sed -n 's/^median \([0-9]*\) us.*/\1/p'; }
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%d (min %d, max %d, n %d)", v[int((NR + 1) / 2)], v[1], v[NR], NR }'; }
tmp=$(mktemp -d)
for r in 1 2 3 4 5; do
	m=$($buslat 200 org.cellvisor.cell1 /org/cellvisor/cell1 org.cellvisor.cell1.Manager --getall | med)
	echo "$m" >>$tmp/manager
	if [ -n "$root" ]; then
		c=$($buslat 200 org.cellvisor.cell1 "$root" org.cellvisor.cell1.Cell --getall | med)
		echo "$c" >>$tmp/cell
		echo $(( c * 100 / m )) >>$tmp/ratio
	fi
	x=$($buslat 200 org.freedesktop.machine1 /org/freedesktop/machine1 org.freedesktop.machine1.Manager --getall | med)
	echo "$x" >>$tmp/machined
	echo $(( m * 100 / x )) >>$tmp/mratio
done
echo "bench cellmgrd: interleaved GetAll on the manager: $(stats <$tmp/manager) us"
[ -n "$root" ] && {
	echo "bench cellmgrd: interleaved GetAll on cell 'root': $(stats <$tmp/cell) us"
	echo "bench cellmgrd: interleaved GetAll cell 'root' / manager: $(stats <$tmp/ratio) %"
}
echo "bench cellmgrd: interleaved machined GetAll on its manager: $(stats <$tmp/machined) us"
echo "bench cellmgrd: interleaved GetAll cellmgrd's manager / machined's: $(stats <$tmp/mratio) %"
rm -rf "$tmp"
echo "bench cellmgrd: machined resident memory: $(sed -n 's/^VmRSS:[[:space:]]*//p' /proc/$(systemctl show -P MainPID systemd-machined.service)/status)"
# Counted (make bench's plugin run; markers are NOPs otherwise): instructions per call on
# every CPU (client, bus, daemon, kernel, hypervisor), after one call to warm up.
counted() { # counted NAME SERVICE PATH INTERFACE --getall
	name=$1
	shift
	# An interval is announced only for a call that works (report pairs them in order).
	busctl call "$1" "$2" org.freedesktop.DBus.Properties GetAll s "$3" >/dev/null 2>&1 || {
		echo "bench cellmgrd: $name: the call fails, not counted"
		return
	}
	echo "bench-interval: calls 200 $name" >&2
	taskset -c 0 $buslat --mark 200 "$@" >/dev/null
}
counted "GetAll on the manager" org.cellvisor.cell1 /org/cellvisor/cell1 org.cellvisor.cell1.Manager --getall
[ -n "$root" ] &&
	counted "GetAll on cell 'root'" org.cellvisor.cell1 "$root" org.cellvisor.cell1.Cell --getall
counted "machined GetAll on its manager" org.freedesktop.machine1 /org/freedesktop/machine1 org.freedesktop.machine1.Manager --getall
systemctl stop cellvisor.service
