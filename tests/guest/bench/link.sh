#!/bin/sh
# Benchmark of issue 14: the link between the root and ivshmem-demo (figures only).
#  - round-trip latency: the root writes 64 bytes, rings the cell; the cell echoes them and
#    rings back; the root takes the interrupt and reads the echo (cvlink echo, every byte
#    checked), 300 round trips a round
#  - throughput: 20 messages of 512 KiB - 64 bytes (half the link) each way
#  - exits per message: the hypervisor's exit counters of the root and of the cell over the
#    latency run, by reason, divided by the messages
cvtool=/usr/libexec/cellvisor-test/cvtool
cvlink=/usr/libexec/cellvisor-test/cvlink
cfg=/usr/share/cellvisor/configs
img=/usr/share/cellvisor/inmates/ivshmem-demo.bin
sys=/sys/devices/cellvisor
dev=/dev/cellvisor-link-ivshmem-demo
rounds=${BENCH_ROUNDS:-3}
msgs=300
tmp=$(mktemp -d)
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%s (min %s, max %s, n %d)", v[int((NR + 1) / 2)], v[1], v[NR], NR }'; }
fail() { echo "bench link: $*"; $cvtool disable >/dev/null 2>&1; exit 1; }
exits() { # exits CELL REASON: that exit counter of the cell, summed over its CPUs
	cat $sys/cells/$1/statistics/exits_$2
}

systemctl is-system-running --wait >/dev/null
systemctl stop cellvisor.service cellmgrd.service 2>/dev/null
modprobe cellvisor && $cvtool enable $cfg/system.cvb >/dev/null || fail "cannot enable the hypervisor"
id=$($cvtool create $cfg/ivshmem-demo.cvb) && $cvtool load "$id" $img@0x40000000 >/dev/null &&
	$cvtool start "$id" >/dev/null && $cvlink wait-state $dev 1 up 20000 >/dev/null ||
	fail "ivshmem-demo did not come up"
# Warm-up (not measured).
taskset -c 0 $cvlink echo $dev 20 64 >/dev/null || fail "warm-up echo failed"

for r in $(seq "$rounds"); do
	for c in 0 "$id"; do
		for s in total hypercall irq mmio; do echo "$(exits $c $s)" >"$tmp/before-$c-$s"; done
	done
	taskset -c 0 $cvlink echo $dev $msgs 64 >$tmp/out || fail "echo failed: $(cat $tmp/out)"
	for c in 0 "$id"; do
		for s in total hypercall irq mmio; do
			echo $(( $(exits $c $s) - $(cat "$tmp/before-$c-$s") )) >>"$tmp/exits-$c-$s"
		done
	done
	sed -n 's/.*data ok; \([0-9.]*\) us each.*/\1/p' $tmp/out >>$tmp/latency
	taskset -c 0 $cvlink echo $dev 20 524224 >$tmp/out || fail "throughput echo failed"
	sed -n 's/.* \([0-9.]*\) MB\/s both ways.*/\1/p' $tmp/out >>$tmp/throughput
done
echo "bench link: round trip of 64 bytes (doorbell, echo, doorbell back): $(stats <$tmp/latency) us"
echo "bench link: throughput with 512 KiB messages, both directions counted: $(stats <$tmp/throughput) MB/s"
for c in 0 "$id"; do
	who=root
	[ "$c" = 0 ] || who=ivshmem-demo
	for s in total hypercall irq mmio; do
		per=$(awk -v n=$msgs '{ printf "%.2f\n", $1 / n }' "$tmp/exits-$c-$s" | stats)
		echo "bench link: exits of the $who per round trip, $s: $per"
	done
done
$cvtool destroy "$id" >/dev/null
$cvtool disable >/dev/null
rm -rf "$tmp"
