#!/bin/sh
# Hypervisor: the root cell keeps working under load while the hypervisor runs — every CPU
# busy, timers on time, I/O correct, CPUs taken offline and back again and again — and
# disable under that load leaves Linux running it.
# timeout: 900
. /usr/lib/cellvisor-test/tap.sh
no_cellmgrd
cvtool=/usr/libexec/cellvisor-test/cvtool
blob=/usr/share/cellvisor/configs/system.cvb
work=/tmp/hv-load
mkdir -p $work
ticks() { # local timer interrupts of CPU $1
	grep 'arch_timer' /proc/interrupts | head -n1 | tr -s ' ' | cut -d' ' -f$(($1 + 3))
}
within() { # within VALUE MIN MAX
	[ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}
sleep_ms() { # how long "sleep $1" took, in ms
	s=$(date +%s%N); sleep "$1"; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))
}

modprobe cellvisor
$cvtool enable $blob; st=$?
t "enable succeeds" [ $st = 0 ]

# Load: a busy loop on every CPU, and an I/O worker checking what it writes.
for c in 0 1 2 3; do
	taskset -c $c sh -c 'while :; do :; done' &
	echo $! >> $work/pids
done
(
	i=0
	while [ $i -lt 1000 ]; do
		dd if=/dev/urandom of=$work/data bs=64k count=4 2>/dev/null
		a=$(sha256sum < $work/data); cp $work/data $work/copy; b=$(sha256sum < $work/copy)
		[ "$a" = "$b" ] || { echo bad > $work/io-error; break; }
		i=$((i + 1))
		echo $i > $work/io-rounds
	done
) 2>/dev/null &
io=$!

before=""
for c in 0 1 2 3; do before="$before $(ticks $c)"; done
ms=$(sleep_ms 2)
echo "# sleep 2 took $ms ms under load"
# Never early; late only by what 7 busy tasks on 4 emulated CPUs cost the scheduler.
t "timers: sleep 2 under load lasts 2..10 s ($ms ms)" within "$ms" 1990 10000
c=0
for b in $before; do
	a=$(ticks $c)
	echo "# cpu$c timer interrupts $b -> $a"
	t "timers: CPU $c still takes its timer interrupts" [ "$a" -gt "$b" ]
	c=$((c + 1))
done

ok=0
for round in 1 2 3; do
	for c in 1 2 3; do
		echo 0 > /sys/devices/system/cpu/cpu$c/online || break 2
		echo 1 > /sys/devices/system/cpu/cpu$c/online || break 2
	done
	ok=$round
done
t "hotplug under load: CPUs 1-3 off and on, 3 rounds ($ok done)" [ $ok = 3 ]
t "all CPUs online after the hotplug rounds" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
for c in 1 2 3; do
	taskset -c $c sh -c 'while :; do :; done' &
	echo $! >> $work/pids
done
sleep 1
alive=0
for p in $(cat $work/pids); do kill -0 $p 2>/dev/null && alive=$((alive + 1)); done
t "all 7 busy loops are alive after hotplug ($alive)" [ $alive = 7 ]

r0=$(cat $work/io-rounds 2>/dev/null || echo 0)
sleep 8
r1=$(cat $work/io-rounds 2>/dev/null || echo 0)
echo "# I/O rounds $r0 -> $r1"
t "I/O keeps going under the hypervisor" [ "$r1" -gt "$r0" ]
t "I/O reads back what it wrote" [ ! -e $work/io-error ]

$cvtool disable; st=$?
t "disable under load succeeds" [ $st = 0 ]
ms=$(sleep_ms 1)
t "after disable: sleep 1 lasts 1..10 s ($ms ms)" within "$ms" 990 10000
r0=$(cat $work/io-rounds)
sleep 8
r1=$(cat $work/io-rounds)
t "after disable: I/O still going ($r0 -> $r1)" [ "$r1" -gt "$r0" ]
kill $(cat $work/pids) $io 2>/dev/null
wait 2>/dev/null
t "no oops, warning, hung task or RCU stall in the kernel log" \
	sh -c "! dmesg | grep -qE 'Oops|WARNING:|BUG:|blocked for more than|rcu.*stall'"
rm -rf $work
echo "1..$n"
[ $fails = 0 ]
