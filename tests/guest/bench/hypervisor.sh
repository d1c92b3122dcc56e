#!/bin/sh
# Benchmark of issue 4: the root cell's cost of running under the hypervisor (figures only).
#  - a fixed CPU-and-memory workload before and after enable, in the same boot, and the ratio
#  - exits per second of an idle root cell, by reason
#  - the latency of enable and of disable (ioctl round trip, all CPUs)
cvtool=/usr/libexec/cellvisor-test/cvtool
workload=/usr/libexec/cellvisor-test/workload
blob=/usr/share/cellvisor/configs/system.cvb
sys=/sys/devices/cellvisor
now_us() { echo $(( $(date +%s%N) / 1000 )); }
median() { sort -n | sed -n "$(( ($1 + 1) / 2 ))p"; }

systemctl is-system-running --wait >/dev/null
modprobe cellvisor || { echo "bench hypervisor: cannot load cellvisor.ko"; exit 1; }
runs=5
before=$(for i in $(seq $runs); do $workload 2>/dev/null; done | median $runs)

t0=$(now_us); $cvtool enable $blob >/dev/null || { echo "bench hypervisor: enable failed"; exit 1; }
t1=$(now_us)
after=$(for i in $(seq $runs); do $workload 2>/dev/null; done | median $runs)
echo "bench hypervisor: workload median of $runs: ${before} us native, ${after} us under the hypervisor"
echo "bench hypervisor: ratio $(awk "BEGIN { printf \"%.4f\", $after / $before }") (goal: at most 1.02)"

stats=$sys/cells/0/statistics
for s in $(ls $stats | grep -v '^cpu'); do eval "b_$s=$(cat $stats/$s)"; done
sleep 10
line=
for s in $(ls $stats | grep -v '^cpu'); do
	eval "d=\$(( $(cat $stats/$s) - b_$s ))"
	line="$line $s=$((d / 10))"
done
echo "bench hypervisor: idle root cell exits per second (all CPUs):$line"

t2=$(now_us); $cvtool disable >/dev/null || { echo "bench hypervisor: disable failed"; exit 1; }
t3=$(now_us)
echo "bench hypervisor: enable $((t1 - t0)) us, disable $((t3 - t2)) us (ioctl round trip)"
