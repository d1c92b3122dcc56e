#!/bin/sh
# Benchmark of issue 15: how long the stock Debian kernel takes to come up in cell@linux-demo
# (figures only).  Each round: systemctl start, then the first line of the kernel in the
# unit's journal ("Linux version"), the init's "linux-demo: up", and systemctl stop (the
# graceful shutdown and the destroy).  The journal is polled every 50 ms; a warm-up round is
# not counted.
rounds=${BENCH_ROUNDS:-3}
tmp=$(mktemp -d)
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%d (min %d, max %d, n %d)", v[int((NR + 1) / 2)], v[1], v[NR], NR }'; }
fail() { echo "bench linux: $*"; systemctl stop cell@linux-demo.service; exit 1; }
# until_log SINCE TEXT: wait (at most 180 s) for TEXT in the cell's journal since SINCE
until_log() {
	for _ in $(seq 3600); do
		journalctl -u cell@linux-demo -o cat --since "$1" | grep -qF -- "$2" && return 0
		sleep 0.05
	done
	return 1
}

systemctl is-system-running --wait >/dev/null
systemctl start cellvisor.service || fail "cannot enable the hypervisor"
for round in 0 $(seq "$rounds"); do
	since=$(date '+%F %T')
	sleep 1		# the journal's --since has a resolution of one second
	t0=$(now_ms)
	systemctl start cell@linux-demo.service || fail "systemctl start failed"
	until_log "$since" "Linux version" || fail "no kernel banner"
	t1=$(now_ms)
	until_log "$since" "linux-demo: up" || fail "linux-demo did not come up"
	t2=$(now_ms)
	systemctl stop cell@linux-demo.service || fail "systemctl stop failed"
	t3=$(now_ms)
	[ "$round" = 0 ] && continue
	echo $((t1 - t0)) >>"$tmp/banner"
	echo $((t2 - t0)) >>"$tmp/up"
	echo $((t3 - t2)) >>"$tmp/stop"
done
echo "bench linux: systemctl start to the kernel's banner: $(stats <"$tmp/banner") ms"
echo "bench linux: systemctl start to linux-demo: up: $(stats <"$tmp/up") ms"
echo "bench linux: systemctl stop (graceful shutdown, destroy): $(stats <"$tmp/stop") ms"
rm -rf "$tmp"
