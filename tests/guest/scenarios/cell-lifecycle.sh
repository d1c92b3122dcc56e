#!/bin/sh
# The hypervisor's cell lifecycle through the module (cvtool): every transition and refusal
# of issue 5 with gic-demo, uart-demo and the test inmates; the console lines that explain
# each refusal; the pool and the CPUs back after destroy.
# timeout: 900
. /usr/lib/cellvisor-test/tap.sh
no_cellmgrd
cvtool=/usr/libexec/cellvisor-test/cvtool
sys=/sys/devices/cellvisor
cfg=/usr/share/cellvisor/configs
inm=/usr/share/cellvisor/inmates
hvsaid() { # hvsaid TEXT: the hypervisor console has a line with TEXT
	$cvtool console --nonblock 2>/dev/null | grep -qF -- "$1" ||
		{ echo "# hypervisor console lacks: $1"; return 1; }
}
cell_says() { # cell_says ID TEXT: the cell's console shows TEXT within 10 s
	$cvtool console --cell $1 --timeout 10000 --expect "$2" >/tmp/cellout.$1 2>&1; st=$?
	tail -n 3 /tmp/cellout.$1 | sed 's/^/# cell: /'
	return $st
}
new() { # new NAME: create NAME.cvb, print its id
	$cvtool create $cfg/$1.cvb
}
up() { # up NAME: create, load, start; print the id
	id=$(new $1) && $cvtool load $id $inm/$1.bin@0x40000000 >/dev/null &&
		$cvtool start $id >/dev/null && echo $id
}
variant() { # variant CELL SED-SCRIPT: /tmp/CELL-x.cvb, a changed copy of CELL's blob
	sed -e "$2" /etc/cellvisor/cells/$1.json > /tmp/$1-x.json
	cellctl config compile --system /etc/cellvisor/system.json /tmp/$1-x.json -o /tmp/$1-x.cvb
}
# set_phys BLOB ADDRESS: rewrite the first memory region's phys_start in a compiled blob,
# past cellctl's checks, to see the hypervisor refuse what cellctl would have refused
set_phys() {
	off=$(od -An -tu4 -j96 -N4 "$1" | tr -d ' ')	# cv_cell_config.mem_regions.offset
	bytes=
	for i in 0 1 2 3 4 5 6 7; do bytes="$bytes\\$(printf %03o $(( ($2 >> (8 * i)) & 255 )))"; done
	printf "$bytes" | dd of="$1" bs=1 seek="$off" conv=notrunc 2>/dev/null
}

modprobe cellvisor
t "enable" $cvtool enable $cfg/system.cvb
pool0=$(cat $sys/mem_pool_used)
echo "# mem_pool_used before any cell: $pool0"

# The notification interrupt (system.json: notify_irq 100) instead of polling every 50 ms.
notified() { awk '/ cellvisor$/ { for (i = 2; $i ~ /^[0-9]+$/; i++) s += $i; print s }' /proc/interrupts; }
root_hc() { s=0; for c in 0 1 2 3; do s=$((s + $(cat $sys/cells/0/statistics/cpu$c/exits_hypercall))); done; echo $s; }
t "the module took the notification interrupt" grep -q "GICv3 100 Edge *cellvisor$" /proc/interrupts
h0=$(root_hc); sleep 3; h1=$(root_hc)
echo "# idle root: $((h1 - h0)) hypercalls in 3 s"
t "  ... so an idle root makes a few hypercalls a second, not 40" [ $((h1 - h0)) -le 30 ]

# gic-demo: create, refusals before load, load, start, its ticks.
g=$(new gic-demo)
t "create gic-demo" [ -n "$g" ]
t "  ... state created" wait_cell $g created
t "  ... CPU 3 left Linux" [ "$(cat /sys/devices/system/cpu/online)" = 0-2 ]
t "start a cell that was not loaded -> EINVAL" reason EINVAL 41 $cvtool start $g
t "  ... the hypervisor says why" hvsaid "cell 'gic-demo' was not loaded"
t "load gic-demo" $cvtool load $g $inm/gic-demo.bin@0x40000000
t "  ... state loadable" wait_cell $g loadable
t "start gic-demo" $cvtool start $g
t "  ... state running" wait_cell $g running
t "  ... ticks with jitter on its console" cell_says $g "gic-demo: tick 3 jitter"
t "load into a running cell -> EBUSY" reason EBUSY 40 $cvtool load $g $inm/gic-demo.bin@0x40000000
t "  ... the hypervisor says why" hvsaid "cell 'gic-demo' is running; shut it down first"
t "  ... gic-demo still running" wait_cell $g running
# Its console takes a line per hypercall (CV_HC_DEBUG_CONSOLE_WRITE), not one a character.
lasttick() { $cvtool console --cell $g --nonblock | sed -n 's/^gic-demo: tick \([0-9]*\) .*/\1/p' | tail -n1; }
h0=$(cat $sys/cells/$g/statistics/exits_hypercall); k0=$(lasttick); n0=$(notified)
sleep 2
h1=$(cat $sys/cells/$g/statistics/exits_hypercall); k1=$(lasttick); n1=$(notified)
echo "# gic-demo: ticks $k0 -> $k1, hypercall exits $h0 -> $h1, notifications $n0 -> $n1"
t "  ... its lines raise the root's notification interrupt" [ "$n1" -gt "$n0" ]
t "  ... one console hypercall a line (at most 2 a tick)" \
	eval '[ "$k1" -gt "$k0" ] && [ $((h1 - h0)) -le $((2 * (k1 - k0 + 1))) ]'

# What is already taken.
variant uart-demo 's/0x71400000/0x71200000/'
t "create with gic-demo's memory -> EBUSY" reason EBUSY 26 $cvtool create /tmp/uart-demo-x.cvb
t "  ... the hypervisor says why" hvsaid "belongs to cell 'gic-demo'"
cp $cfg/lock.cvb /tmp/lock-x.cvb && set_phys /tmp/lock-x.cvb 0x10000000
t "create with memory that is not root RAM -> EINVAL" reason EINVAL 24 $cvtool create /tmp/lock-x.cvb
t "  ... the hypervisor says why" hvsaid "is not RAM of the root cell"
variant fault 's/"cpus": \[2\]/"cpus": [3]/'
t "create with gic-demo's CPU -> EBUSY" reason EBUSY 21 $cvtool create /tmp/fault-x.cvb
t "no CPU went offline over the refusals" [ "$(cat /sys/devices/system/cpu/online)" = 0-2 ]

# A faulting cell ends failed; root and gic-demo carry on.
f=$(up fault)
t "fault cell created and started" [ -n "$f" ]
t "  ... ends failed" wait_cell $f failed
t "  ... the fault on the console, with address and syndrome" \
	hvsaid "cell 'fault' CPU 2 stopped: unhandled read at 0x70000000 (ESR"
t "  ... its CPU is marked failed" [ "$(cat $sys/cells/$f/cpus_failed)" = 2 ]
t "  ... gic-demo still ticks" cell_says $g "tick 20 "
t "  ... the root cell still works" sh -c 'echo root-alive | grep -q alive'
t "destroy the failed cell" $cvtool destroy $f
t "  ... CPU 2 back online in Linux" [ "$(cat /sys/devices/system/cpu/online)" = 0-2 ]

# Lock: while 'lock' runs locked, other cells are not reconfigured.
l=$(up lock)
t "lock cell started" [ -n "$l" ]
t "  ... reports running/locked" wait_cell $l "running/locked"
t "create another cell while locked -> EPERM" reason EPERM 4 $cvtool create $cfg/uart-demo.cvb
t "  ... the hypervisor names the locking cell" hvsaid "cell 'lock' is running locked"
t "destroy gic-demo while locked -> EPERM" reason EPERM 4 $cvtool destroy $g
t "  ... gic-demo still running" wait_cell $g running
t "shutdown the lock cell (it unlocks, approves)" $cvtool shutdown $l
t "  ... state shut down" wait_cell $l "shut down"
t "destroy the lock cell" $cvtool destroy $l

# A denied shutdown, then an approved one.
d=$(up shutdown-deny)
t "shutdown-deny started" [ -n "$d" ]
t "  ... running" wait_cell $d running
sleep 0.5
t "first shutdown request denied -> EPERM" reason EPERM 42 $cvtool shutdown $d
t "  ... the hypervisor says it refused" hvsaid "cell 'shutdown-deny' refused to shut down"
t "  ... still running" wait_cell $d running
t "second request approved" $cvtool shutdown $d
t "  ... state shut down" wait_cell $d "shut down"
t "  ... its console tells both" sh -c "$cvtool console --cell $d --nonblock | grep -q 'request 2: approved'"
t "destroy shutdown-deny" $cvtool destroy $d
d=$(up shutdown-deny)
t "shutdown-deny again" wait_cell $d running
sleep 0.5
t "  ... destroy refused by the cell -> EPERM" reason EPERM 42 $cvtool destroy $d
asked() { $cvtool console --nonblock | grep -c "cell 'shutdown-deny' refused to shut down"; }
n0=$(asked)
t "  ... destroy --force goes through" $cvtool destroy --force $d
t "  ... without asking the cell again" [ "$(asked)" = "$n0" ]
t "  ... the hypervisor says it is destroyed" hvsaid "cell 'shutdown-deny' destroyed"
t "  ... CPU 2 back online in Linux" eventually sh -c "[ \"\$(cat /sys/devices/system/cpu/cpu2/online)\" = 1 ]"

# A cell that never answers: the request times out after its shutdown_timeout_ms (500).
s=$(up silent)
t "silent started" [ -n "$s" ]
t "  ... running" wait_cell $s running
t "  ... says it will not answer" cell_says $s "will not answer any shutdown request"
t "shutdown of a cell that does not answer -> ETIMEDOUT" reason ETIMEDOUT 43 $cvtool shutdown $s
t "  ... the hypervisor says why, with the timeout" \
	hvsaid "cell 'silent' did not answer the shutdown request within 500 ms: failed"
t "  ... state failed" wait_cell $s failed
t "  ... its CPU is still the cell's (not online in Linux)" \
	sh -c "[ \"\$(cat /sys/devices/system/cpu/cpu2/online)\" = 0 ]"
t "destroy the failed cell" $cvtool destroy $s
t "  ... CPU 2 back online in Linux" sh -c "[ \"\$(cat /sys/devices/system/cpu/cpu2/online)\" = 1 ]"

# Cells that stop themselves with PSCI: SYSTEM_RESET starts the cell again, SYSTEM_OFF and
# CPU_OFF of its last CPU end it shut down (cellvisor(7)); PSCI never returns to them.
said_cell() { $cvtool console --cell $1 --nonblock | grep -qF -- "$2"; }
r=$(up selfstop)
t "selfstop started" [ -n "$r" ]
t "  ... restarted itself: its second run" eventually said_cell $r "selfstop: run 2: PSCI SYSTEM_OFF"
t "  ... the hypervisor says it restarted" hvsaid "cell 'selfstop' restarted itself (PSCI SYSTEM_RESET)"
t "  ... then shut itself down: state shut down" wait_cell $r "shut down"
t "  ... the hypervisor says why" hvsaid "cell 'selfstop' shut itself down (PSCI SYSTEM_OFF)"
t "  ... PSCI never returned to it" sh -c "! $cvtool console --cell $r --nonblock | grep -q 'NOT STOPPED'"
t "  ... it can be loaded and started again: run 1 again" sh -c "$cvtool load $r $inm/selfstop.bin@0x40000000 >/dev/null && $cvtool start $r >/dev/null"
t "  ... and it ends shut down again" wait_cell $r "shut down"
t "  ... destroyed" $cvtool destroy $r
o=$(up cpuoff)
t "cpuoff started" [ -n "$o" ]
t "  ... its only CPU turned itself off: state shut down" wait_cell $o "shut down"
t "  ... the hypervisor says why" hvsaid "cell 'cpuoff' shut itself down (its last CPU called PSCI CPU_OFF)"
t "  ... destroyed" $cvtool destroy $o
t "  ... CPU 2 back online in Linux" sh -c "[ \"\$(cat /sys/devices/system/cpu/cpu2/online)\" = 1 ]"
t "gic-demo ran on through all of it" wait_cell $g running

# uart-demo writes the PL011 itself; it runs beside gic-demo.
u=$(up uart-demo)
t "uart-demo started" [ -n "$u" ]
t "  ... running" wait_cell $u running
sleep 3
t "  ... still running after 3 s (counts on the PL011)" wait_cell $u running
t "destroy a running uart-demo (shutdown first)" $cvtool destroy $u
t "  ... said so" hvsaid "cell 'uart-demo' shut down"

t "shutdown gic-demo" $cvtool shutdown $g
t "  ... state shut down" wait_cell $g "shut down"
t "  ... its console: approved" sh -c "$cvtool console --cell $g --nonblock | grep -q 'shutdown request 1: approved'"
t "destroy gic-demo" $cvtool destroy $g
t "  ... every CPU back online" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
t "  ... the hypervisor says so" hvsaid "cell 'gic-demo' destroyed; CPUs 0x8 back to the root cell"
t "  ... mem_pool_used back to $pool0" [ "$(cat $sys/mem_pool_used)" = "$pool0" ]
t "CPU 3 works in Linux again" taskset -c 3 true
t "disable" $cvtool disable
t "no oops or warning in the kernel log" sh -c "! dmesg | grep -qE 'Oops|WARNING:|BUG:'"
echo "1..$n"
[ $fails = 0 ]
