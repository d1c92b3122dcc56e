#!/bin/sh
# Benchmark of issue 5: cell lifecycle latencies and a running gic-demo (figures only).
#  - create + load + start to the cell's first console line
#  - shutdown + destroy
#  - exits per second of a running gic-demo, and its jitter as seen under emulation
cvtool=/usr/libexec/cellvisor-test/cvtool
cfg=/usr/share/cellvisor/configs
img=/usr/share/cellvisor/inmates/gic-demo.bin
sys=/sys/devices/cellvisor
now_us() { echo $(( $(date +%s%N) / 1000 )); }

systemctl is-system-running --wait >/dev/null
modprobe cellvisor && $cvtool enable $cfg/system.cvb >/dev/null ||
	{ echo "bench cells: cannot enable the hypervisor"; exit 1; }
t0=$(now_us)
id=$($cvtool create $cfg/gic-demo.cvb) && $cvtool load "$id" $img@0x40000000 >/dev/null &&
	$cvtool start "$id" >/dev/null &&
	$cvtool console --cell "$id" --timeout 20000 --expect "gic-demo: started" >/dev/null ||
	{ echo "bench cells: gic-demo did not come up"; $cvtool disable; exit 1; }
t1=$(now_us)
echo "bench cells: create + load + start to the first console line: $(( (t1 - t0) / 1000 )) ms"
stats=$sys/cells/$id/statistics
e0=$(cat $stats/exits_total); sleep 10; e1=$(cat $stats/exits_total)
echo "bench cells: running gic-demo: $(( (e1 - e0) / 10 )) exits per second" \
	"(irq $(cat $stats/exits_irq), hypercall $(cat $stats/exits_hypercall) in all)"
echo "bench cells: gic-demo's own last line: $(cat $sys/cells/$id/console | grep jitter | tail -n 1)"
t2=$(now_us)
$cvtool shutdown "$id" >/dev/null && $cvtool destroy "$id" >/dev/null ||
	echo "bench cells: shutdown or destroy failed"
t3=$(now_us)
echo "bench cells: shutdown + destroy: $(( (t3 - t2) / 1000 )) ms (CPUs back online: $(cat /sys/devices/system/cpu/online))"
$cvtool disable >/dev/null
