#!/bin/sh
# Benchmark of issues 5 and 17: cell lifecycle latencies and a running gic-demo (figures only).
#  - where the time of a cell start goes: Linux's CPU hotplug alone, then create, load, start
#    and the first console line one by one (cvtool: ioctl, no daemon), then the same through
#    cellmgrd and D-Bus (cellctl); three rounds each, median and spread; the plugin counts
#    each step's instructions by class (report on the host)
#  - shutdown + destroy
#  - exits per second of a running gic-demo
cvtool=/usr/libexec/cellvisor-test/cvtool
workload=/usr/libexec/cellvisor-test/workload
cfg=/usr/share/cellvisor/configs
img=/usr/share/cellvisor/inmates/gic-demo.bin
sys=/sys/devices/cellvisor
rounds=${BENCH_ROUNDS:-3}
tmp=$(mktemp -d)
now_us() { echo $(( $(date +%s%N) / 1000 )); }
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%d (min %d, max %d, n %d)", v[int((NR + 1) / 2)], v[1], v[NR], NR }'; }
# step NAME COMMAND...: run COMMAND on CPU 0 between markers, its time in ms to $tmp/NAME
step() {
	name=$1
	shift
	echo "bench-interval: start $name" >&2
	taskset -c 0 $workload --mark 2
	t0=$(now_us)
	taskset -c 0 "$@" >$tmp/out || { echo "bench cells: $name failed" >&2; return 1; }
	t1=$(now_us)
	taskset -c 0 $workload --mark 3
	echo $(( (t1 - t0) / 1000 )) >>"$tmp/$name"
}
fail() { echo "bench cells: $*"; $cvtool disable >/dev/null 2>&1; exit 1; }

systemctl is-system-running --wait >/dev/null
systemctl stop cellvisor.service cellmgrd.service 2>/dev/null
modprobe cellvisor && $cvtool enable $cfg/system.cvb >/dev/null || fail "cannot enable the hypervisor"

# Warm-up (not measured): one cell up and down.
id=$($cvtool create $cfg/gic-demo.cvb) && $cvtool load "$id" $img@0x40000000 >/dev/null &&
	$cvtool start "$id" >/dev/null &&
	$cvtool console --cell "$id" --timeout 20000 --expect "gic-demo: started" >/dev/null ||
	fail "gic-demo did not come up"
$cvtool shutdown "$id" >/dev/null && $cvtool destroy "$id" >/dev/null || fail "shutdown failed"

for r in $(seq "$rounds"); do
	# The floor of every step: starting a process (taskset and the command) and the markers.
	step "process spawn" true || fail "true failed"
	# Linux's part alone: CPU 3 (gic-demo's) offline and online again, under the hypervisor.
	step "hotplug offline" sh -c 'echo 0 > /sys/devices/system/cpu/cpu3/online' || fail "hotplug"
	step "hotplug online" sh -c 'echo 1 > /sys/devices/system/cpu/cpu3/online' || fail "hotplug"
	step create $cvtool create $cfg/gic-demo.cvb || fail "create failed"
	id=$(cat $tmp/out)
	step load $cvtool load "$id" $img@0x40000000 || fail "load failed"
	step start $cvtool start "$id" || fail "start failed"
	step "first line" $cvtool console --cell "$id" --timeout 20000 --expect "gic-demo: started" ||
		fail "gic-demo did not come up"
	if [ "$r" = 1 ]; then
		stats=$sys/cells/$id/statistics
		e0=$(cat $stats/exits_total)
		echo "bench-interval: exits gic-demo" >&2
		taskset -c 0 $workload --mark 2
		sleep 10
		taskset -c 0 $workload --mark 3
		e1=$(cat $stats/exits_total)
		echo "bench cells: running gic-demo: exits: $(( (e1 - e0) / 10 )) exits/s"
		for s in $(ls $stats | grep -v '^cpu'); do
			echo "bench cells: running gic-demo: $s since start: $(cat $stats/$s) exits"
		done
		echo "bench cells: gic-demo's own last line: $(cat $sys/cells/$id/console | grep jitter | tail -n 1)"
	fi
	step shutdown $cvtool shutdown "$id" || fail "shutdown failed"
	step destroy $cvtool destroy "$id" || fail "destroy failed"
done
for s in "process spawn" "hotplug offline" "hotplug online" create load start "first line" shutdown destroy; do
	echo "bench cells: cvtool $s: $(stats <"$tmp/$s") ms"
done
paste -d' ' "$tmp/create" "$tmp/load" "$tmp/start" "$tmp/first line" | awk '{ print $1 + $2 + $3 + $4 }' >$tmp/sum
echo "bench cells: cvtool create + load + start to the first console line: $(stats <$tmp/sum) ms"
echo "bench cells: CPUs online after destroy: $(cat /sys/devices/system/cpu/online)"
$cvtool disable >/dev/null

# The managed path: cellmgrd over D-Bus, same steps.  busctl monitor timestamps every
# message on the bus, so that each step splits into the daemon's part (from a method call
# to its reply, as the bus saw them) and the rest (cellctl's process, its connection, its
# other calls).
systemctl start cellmgrd.service || fail "cellmgrd does not start"
cellctl enable /etc/cellvisor/system.json >/dev/null || fail "cellctl enable failed"
busctl monitor --json=short >$tmp/monitor 2>/dev/null &
monitor=$!
sleep 2
for r in $(seq "$rounds"); do
	step "cellctl create" cellctl create /etc/cellvisor/cells/gic-demo.json || fail "cellctl create"
	step "cellctl load" cellctl load gic-demo || fail "cellctl load"
	step "cellctl start --wait" cellctl start --wait gic-demo || fail "cellctl start"
	step "cellctl shutdown --destroy" cellctl shutdown --destroy gic-demo || fail "cellctl shutdown"
done
# One process instead of three: create, load and start from the configuration.
for r in $(seq "$rounds"); do
	step "cellctl start --config --wait" cellctl start --config /etc/cellvisor/cells/gic-demo.json \
		--wait gic-demo || fail "cellctl start --config"
	cellctl shutdown --destroy gic-demo >/dev/null || fail "cellctl shutdown"
done
sleep 1
kill "$monitor"
wait "$monitor" 2>/dev/null
for s in "cellctl create" "cellctl load" "cellctl start --wait" "cellctl shutdown --destroy" \
	"cellctl start --config --wait"; do
	echo "bench cells: $s: $(stats <"$tmp/$s") ms"
done
paste -d' ' "$tmp/cellctl create" "$tmp/cellctl load" "$tmp/cellctl start --wait" | awk '{ print $1 + $2 + $3 }' >$tmp/csum
echo "bench cells: cellctl create + load + start --wait: $(stats <$tmp/csum) ms"
paste -d' ' $tmp/csum $tmp/sum | awk '{ print $1 - $2 }' >$tmp/share
echo "bench cells: daemon and D-Bus share of create + load + start (cellctl - cvtool): $(stats <$tmp/share) ms"
# Method call to reply, per method of cellmgrd, and the bus calls of each kind per round.
awk -v out="$tmp/m-" '
function f(k,  s) {
	if (!match($0, "\"" k "\":\"?[^,\"}]*"))
		return ""
	s = substr($0, RSTART, RLENGTH)
	sub(/^"[^"]*":"?/, "", s)
	return s
}
{
	type = f("type"); ts = f("timestamp-realtime"); member = f("member")
	if (type == "method_call") {
		calls[member]++
		if (f("destination") == "org.cellvisor.cell1") {
			key = f("sender") " " f("cookie")
			start[key] = ts
			name[key] = member
		}
	} else if (type == "method_return" || type == "error") {
		key = f("destination") " " f("reply_cookie")
		if (key in start) {
			print int((ts - start[key]) / 1000) >> (out name[key])
			delete start[key]
		}
	}
}
END { for (m in calls) print m, calls[m] > (out "count") }' $tmp/monitor
for m in CreateCell Load Start Shutdown Destroy GetCell Get; do
	[ -s "$tmp/m-$m" ] && echo "bench cells: cellmgrd $m, call to reply: $(stats <"$tmp/m-$m") ms"
done
n=$(( rounds * 2 ))
sort "$tmp/m-count" 2>/dev/null | while read -r m c; do
	echo "bench cells: bus method calls $m during the cellctl rounds: $c calls ($n cell starts)"
done
cellctl disable >/dev/null
rm -rf "$tmp"
