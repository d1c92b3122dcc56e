#!/bin/sh
# Benchmark of issues 4 and 17: the root cell's cost of running under the hypervisor.
#  - a fixed workload pinned to CPU 1, native and under the hypervisor in the same boot,
#    interleaved round by round (enable/disable between), after one warm-up round of each:
#    wall-clock median and spread here; instruction counts from the TCG plugin's markers
#    (tests/guest/bench/report prints them on the host)
#  - exits per second of the root cell, idle and under I/O load (reading the virtio port
#    org.cellvisor.sink of tests/guest/run --sink), by reason
#  - the latency of enable and of disable (ioctl round trip, all CPUs)
# Every interval the plugin should measure is announced with "bench-interval: NAME" just
# before its first marker; the report pairs them in order.
cvtool=/usr/libexec/cellvisor-test/cvtool
workload=/usr/libexec/cellvisor-test/workload
blob=/usr/share/cellvisor/configs/system.cvb
sys=/sys/devices/cellvisor
rounds=${BENCH_ROUNDS:-4}
now_us() { echo $(( $(date +%s%N) / 1000 )); }
# "median MIN..MAX" of the numbers on stdin
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%d (min %d, max %d, n %d)", v[int((NR + 1) / 2)], v[1], v[NR], NR }'; }
run_wl() {	# LABEL: one workload run on CPU 1, its time on stdout
	echo "bench-interval: $1" >&2
	taskset -c 1 $workload 2>/dev/null
}
mark() { taskset -c 0 $workload --mark "$1"; }

systemctl is-system-running --wait >/dev/null
modprobe cellvisor || { echo "bench hypervisor: cannot load cellvisor.ko"; exit 1; }
tmp=$(mktemp -d)

# Warm-up: QEMU translates the workload, the kernel and the hypervisor once.
run_wl "warm native" >/dev/null
$cvtool enable $blob >/dev/null || { echo "bench hypervisor: enable failed"; exit 1; }
run_wl "warm hv" >/dev/null
$cvtool disable >/dev/null

# Each round: two native runs, enable, two runs under the hypervisor, disable.  Two of each,
# so that a first run after a switch that costs more than the second shows in the spread.
for r in $(seq "$rounds"); do
	for i in 1 2; do run_wl "wl native $r.$i" 2>&1 >>$tmp/native | sed 's/^/  /' >&2; done
	t0=$(now_us)
	$cvtool enable $blob >/dev/null || { echo "bench hypervisor: enable failed"; exit 1; }
	t1=$(now_us)
	for i in 1 2; do run_wl "wl hv $r.$i" 2>&1 >>$tmp/hv | sed 's/^/  /' >&2; done
	t2=$(now_us)
	$cvtool disable >/dev/null || { echo "bench hypervisor: disable failed"; exit 1; }
	t3=$(now_us)
	echo $((t1 - t0)) >>$tmp/enable
	echo $((t3 - t2)) >>$tmp/disable
	echo "bench hypervisor: wall-clock round $r: $(tail -n2 $tmp/native | tr '\n' ' ')us native," \
		"$(tail -n2 $tmp/hv | tr '\n' ' ')us under the hypervisor"
done
echo "bench hypervisor: workload wall-clock native: $(stats <$tmp/native) us"
echo "bench hypervisor: workload wall-clock under the hypervisor: $(stats <$tmp/hv) us"
paste -d' ' $tmp/native $tmp/hv | awk '{ print int($2 / $1 * 10000) }' >$tmp/ratio
echo "bench hypervisor: workload wall-clock ratio, run by run (x10000): $(stats <$tmp/ratio) ratio"
echo "bench hypervisor: enable: $(stats <$tmp/enable) us"
echo "bench hypervisor: disable: $(stats <$tmp/disable) us"

# Exits of the root cell: idle, then with I/O traffic on a virtio port (interrupts).
$cvtool enable $blob >/dev/null || { echo "bench hypervisor: enable failed"; exit 1; }
stats=$sys/cells/0/statistics
sink=
for n in /sys/class/virtio-ports/*/name; do
	[ "$(cat "$n" 2>/dev/null)" = org.cellvisor.sink ] && sink=/dev/$(basename "$(dirname "$n")")
done
measure() {	# NAME SECONDS [COMMAND...]: exits per second while COMMAND runs (or idle)
	name=$1 secs=$2
	shift 2
	[ $# -gt 0 ] && { "$@" & pid=$!; sleep 1; }
	for s in $(ls $stats | grep -v '^cpu'); do eval "b_$s=$(cat $stats/$s)"; done
	echo "bench-interval: exits $name" >&2
	mark 2
	sleep "$secs"
	mark 3
	line=
	for s in $(ls $stats | grep -v '^cpu'); do
		eval "d=\$(( $(cat $stats/$s) - b_$s ))"
		echo "bench hypervisor: root cell exits per second $name: $s: $((d / secs)) exits/s"
	done
	[ $# -gt 0 ] && { kill $pid; wait $pid 2>/dev/null; }
}
measure idle 10
if [ -n "$sink" ]; then
	# reading the port: QEMU fills the guest's buffers from /dev/zero, one interrupt a batch
	io() { exec dd if="$sink" of=/dev/null bs=65536 2>/dev/null; }
	measure "under I/O load" 10 io
else
	echo "bench hypervisor: no org.cellvisor.sink port: no figure under I/O load"
fi
$cvtool disable >/dev/null
rm -rf $tmp
