#!/bin/sh
# The module's management calls from several processes at once (issue 11).  The
# hypervisor gives a new cell the lowest free id, so a create racing with a destroy gets
# the id just freed: its cells/<id> directory must be there when create returns, the old
# one gone, and every cell the hypervisor holds must be one the module tracks (else the
# final disable fails).  Two shells create and destroy gic-demo (CPU 3) and uart-demo
# (CPU 2) 30 times each, while two more read the cells' sysfs files and ask for their
# info (removing a directory waits for its readers) and a fifth asks to enable again and
# again (refused: already enabled, but it takes state_sem for writing, which holds up the
# readers behind it).
# timeout: 900
. /usr/lib/cellvisor-test/tap.sh
no_cellmgrd
cvtool=/usr/libexec/cellvisor-test/cvtool
sys=/sys/devices/cellvisor
cfg=/usr/share/cellvisor/configs
rounds=30

# worker NAME: create and destroy NAME $rounds times; a line in /tmp/race-NAME per problem
worker() {
	i=0
	: > /tmp/race-$1
	while [ $i -lt $rounds ]; do
		i=$((i + 1))
		if ! id=$($cvtool create $cfg/$1.cvb 2>&1); then
			echo "round $i: create: $id" >> /tmp/race-$1
			continue
		fi
		name=$(cat $sys/cells/$id/name 2>&1)
		[ "$name" = $1 ] || echo "round $i: cell $id: cells/$id/name says '$name'" >> /tmp/race-$1
		info=$($cvtool info $id 2>&1)
		case $info in
		name=$1\ *) ;;
		*) echo "round $i: cell $id: info says '$info'" >> /tmp/race-$1 ;;
		esac
		out=$($cvtool destroy $id 2>&1) ||
			echo "round $i: destroy $id: $out" >> /tmp/race-$1
	done
	echo done >> /tmp/race-$1
}

# enabler: enable attempts (each refused) until /tmp/race-run goes
enabler() {
	tries=0
	while [ -e /tmp/race-run ]; do
		$cvtool enable $cfg/system.cvb >/dev/null 2>&1
		tries=$((tries + 1))
	done
	echo $tries > /tmp/race-enables
}

# reader N: sysfs and GET_INFO of whatever cells exist, until /tmp/race-run goes
reader() {
	reads=0
	while [ -e /tmp/race-run ]; do
		for d in $sys/cells/*; do
			cat $d/state $d/cpus_failed $d/statistics/exits_total >/dev/null 2>&1
			$cvtool info ${d##*/} >/dev/null 2>&1
			reads=$((reads + 1))
		done
	done
	echo $reads > /tmp/race-reads$1
}

modprobe cellvisor
t "enable" $cvtool enable $cfg/system.cvb
dmesg -C

touch /tmp/race-run
reader 1 &
r1=$!
reader 2 &
r2=$!
enabler &
e=$!
worker gic-demo &
a=$!
worker uart-demo &
b=$!
wait $a
wait $b
rm -f /tmp/race-run
wait $r1 $r2 $e
echo "# readers: $(cat /tmp/race-reads1) and $(cat /tmp/race-reads2) directory reads; $(cat /tmp/race-enables) enable attempts"
for w in gic-demo uart-demo; do
	sed "s/^/# $w: /" /tmp/race-$w | head -n 20
	t "$w: $rounds creates and destroys beside the other, each id in sysfs and info while it exists" \
		[ "$(cat /tmp/race-$w)" = done ]
done
t "no cell but the root in sysfs" [ "$(ls $sys/cells)" = 0 ]
t "the module tracks no other cell (info 1..4 -> ENOENT)" sh -c \
	"for i in 1 2 3 4; do $cvtool info \$i 2>&1 | grep -q ': ENOENT (' || exit 1; done"
t "every CPU is Linux's again" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
t "the root cell holds them" [ "$(cat $sys/cells/0/cpus_assigned)" = 0-3 ]
dmesg | grep -E "kobject|track|WARNING|BUG" | head -n 5 | sed 's/^/# log: /'
t "no untracked cell, sysfs clash or warning in the kernel log" sh -c \
	"! dmesg | grep -qE 'kobject_add|cannot be tracked|out of memory to track|still exists|Oops|WARNING:|BUG:'"
# The hypervisor refuses to disable while any cell exists: so none is left behind.
t "disable" $cvtool disable
t "  ... enabled is 0" [ "$(cat $sys/enabled)" = 0 ]
echo "1..$n"
[ $fails = 0 ]
