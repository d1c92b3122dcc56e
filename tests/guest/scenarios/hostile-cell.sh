#!/bin/sh
# Hostile cells (issue 11): one inmate per class of finding, each run next to gic-demo, the
# canary, on CPU 3:
#  sgi-storm      thousands of SGIs from two CPUs: broadcast, target lists with the root's
#                 and the canary's CPUs, Linux's "CPU stop" IPI among them, its own left
#                 pending; never answers shutdown
#  spi-livelock   its level-triggered SPI (edu's INTx) asserted: enabled where the hypervisor
#                 routed it, then routed to a root CPU and to any CPU, held with interrupts on
#  gic-rd         GICD_CTLR, GICR_CTLR.EnableLPIs, PROPBASER, PENDBASER, WAKER of its own
#                 and the others' redistributors, the others' PPI enables, the root's SPIs
#  sysreg         PMU, debug, ACTLR_EL1, set/way, ICC_SGI0R_EL1 and ICC_ASGI1R_EL1 (to
#                 itself, to everyone, to the root's CPUs), an IMPLEMENTATION DEFINED register
#  destroy-fault  its CPUs fault while the root destroys it
#  cpu-state      what its two CPUs hold when they start, right after the root's FP work there
#  reset-storm    PSCI SYSTEM_RESET from both its CPUs at once, after every restart, forever
# For each, what cellvisor(7) says happens (refused, read as zero, or the cell alone
# failed, with the hypervisor's line), and then: the canary ticks on, every root CPU
# answers, no oops, warning or stall in the kernel log, cvtool and sysfs answer; the
# attacker is destroyed, its CPUs are back online in Linux and answer, mem_pool_used is back.
# At the end a new cell runs, and the hypervisor disables.
# timeout: 900
. /usr/lib/cellvisor-test/tap.sh
. /usr/lib/cellvisor-test/cells.sh
no_cellmgrd

# ipi N: how many of Linux's IPI N all CPUs took (/proc/interrupts)
ipi() {
	awk -v k="IPI$1:" '$1 == k { s = 0; for (i = 2; $i ~ /^[0-9]+$/; i++) s += $i; print s }' \
		/proc/interrupts
}
# notified: how many notification interrupts (SPI 100) the module took
notified() { awk '/ cellvisor$/ { for (i = 2; $i ~ /^[0-9]+$/; i++) s += $i; print s }' /proc/interrupts; }
# cellsays ID REGEX: cell ID's console so far has a line matching REGEX
cellsays() {
	$cvtool console --cell $1 --nonblock 2>/dev/null | grep -qE -- "$2" ||
		{ echo "# cell $1's console lacks /$2/"; return 1; }
}
# show ID REGEX: cell ID's lines matching REGEX, as TAP comments
show() { $cvtool console --cell $1 --nonblock 2>/dev/null | grep -E -- "$2" | sed 's/^/# /'; }
# runs_past ID N: reset-storm in cell ID said "run M" for an M >= N within 60 s
runs_past() {
	for _ in $(seq 600); do
		_m=$($cvtool console --cell $1 --nonblock |
			sed -n 's/^reset-storm: run \([0-9]*\) on .*/\1/p' | tail -n1)
		[ "${_m:-0}" -ge "$2" ] && return 0
		sleep 0.1
	done
	echo "# reset-storm's last run: ${_m:-none}"
	return 1
}
# back ID WHAT CPU...: destroy cell ID; its CPUs online and answering, the pool as before it
back() {
	_id=$1 _what=$2
	shift 2
	t "destroy $_what" sh -c "$cvtool destroy $_id >/dev/null"
	t "  ... CPUs $* back online in Linux, answering" online "$@"
	t "  ... mem_pool_used back to $pool1" pool_is $pool1
	t "  ... no oops, warning or stall in the kernel log" no_kernel_trouble
}

modprobe cellvisor
t "enable" sh -c "$cvtool enable $cfg/system.cvb >/dev/null"
pool0=$(cat $sys/mem_pool_used)
g=$(up gic-demo)
t "gic-demo (the canary) started" [ -n "$g" ]
t "  ... ticks" expect $g "gic-demo: tick 3 " 10000
pool1=$(cat $sys/mem_pool_used)

# --- SGIs: none leaves the cell; its CPUs come back to Linux clean.
stop0=$(ipi 2) crash0=$(ipi 3)
s=$(up hostile-smp sgi-storm)
t "sgi-storm started on CPUs 1 and 2" [ -n "$s" ]
t "  ... CPU 1 sent its 2000 SGIs" expect $s "sgi-storm: CPU 1 sent " 120000
t "  ... CPU 2 sent its 2000 SGIs" expect $s "sgi-storm: CPU 2 sent " 120000
sgis=$(cat $sys/cells/$s/statistics/exits_sgi)
echo "# sgi-storm: $sgis SGI exits so far"
t "  ... each one trapped (at least 4000 SGI exits)" [ "$sgis" -ge 4000 ]
sleep 2
unharmed $g
echo "# IPI2 (CPU stop) $stop0 -> $(ipi 2), IPI3 (crash stop) $crash0 -> $(ipi 3)"
t "  ... no SGI reached Linux as its CPU stop IPIs (IPI2, IPI3 unchanged)" \
	eval '[ "$(ipi 2)" = "$stop0" ] && [ "$(ipi 3)" = "$crash0" ]'
back $s sgi-storm 1 2

# --- A level-triggered SPI held asserted: it reaches the cell's own CPU only.
p=$(up hostile-pci spi-livelock)
t "spi-livelock started on CPU 2 with edu 00:01.0" [ -n "$p" ]
t "  ... create routed its INTID 36 to the cell's CPU" \
	expect $p "spi-livelock: INTID 36 (edu INTx, level) is routed to 0x2; this CPU is 0x2" 20000
t "  ... the level interrupt came to the cell's CPU, again and again" \
	expect $p "spi-livelock: INTID 36 reached this CPU " 20000
show $p "reached this CPU"
t "  ... at least 10 times in 1 s" \
	cellsays $p "INTID 36 reached this CPU ([1-9][0-9]+) times"
t "  ... routing it to CPU 0 was refused" \
	expect $p "after routing INTID 36 to CPU 0: IROUTER 0x2 (still ours)" 10000
t "  ... routing it to any CPU (IRM) too" \
	cellsays $p "after routing INTID 36 to any CPU: IROUTER 0x2 \(still ours\)"
t "  ... the hypervisor said why" hvsaid "cell 'hostile-pci' may not route interrupt 36 to 0x0"
t "  ... the cell holds it asserted with interrupts on" expect $p "spi-livelock: holding INTID 36" 10000
sleep 2
unharmed $g
back $p spi-livelock 2
t "  ... edu is back in Linux" eventually [ -e /sys/bus/pci/devices/0000:00:01.0 ]

# --- The GIC's global and redistributor control registers: the cell's writes do nothing.
n0=$(notified)
r=$(up hostile gic-rd)
t "gic-rd started on CPU 2" [ -n "$r" ]
t "  ... none of its writes took effect" expect $r "gic-rd: 5 checked, 0 took effect" 30000
show $r "TOOK EFFECT"
t "  ... its GICD_CTLR := 0 changed nothing" \
	cellsays $r "GICD_CTLR := 0 \(every group off\): reads 0x[0-9a-f]* afterwards: ok"
t "  ... its own GICR_CTLR.EnableLPIs stays 0" \
	cellsays $r "own GICR_CTLR.EnableLPIs := 1: reads 0x[0-9a-f]*[02468ace] afterwards: ok"
t "  ... it wrote the others' frames too" cellsays $r "wrote GICR_ICENABLER0 := ~0 .* of frame 3"
unharmed $g
sleep 1
n1=$(notified)
echo "# notification interrupts (SPI 100, which the cell tried to disable and take): $n0 -> $n1"
t "  ... the root's notification interrupt still comes" [ "$n1" -gt "$n0" ]
rmmod cellvisor_hostile 2>/dev/null
lpis() { # lpis FRAME: GICR_CTLR of redistributor FRAME, as the root reads it
	rmmod cellvisor_hostile 2>/dev/null
	modprobe cellvisor_hostile attack=read addr=$((0x080a0000 + 0x20000 * $1)) &&
		cat /sys/module/cellvisor_hostile/parameters/after
}
for c in 0 1; do
	v=$(lpis $c)
	t "  ... LPIs of root CPU $c still off (its GICR_CTLR reads $v)" \
		eval '[ -n "$v" ] && [ $((v & 1)) = 0 ]'
done
rmmod cellvisor_hostile
back $r gic-rd 2

# --- Trapped system registers.
stop0=$(ipi 2) crash0=$(ipi 3)
y=$(up hostile sysreg)
t "sysreg started on CPU 2" [ -n "$y" ]
t "  ... PMU, debug, ACTLR read as zero, set/way done, group 0 and alternate SGIs its own" \
	expect $y "checks, 0 unexpected" 60000
show $y "UNEXPECTED|SGI"
t "  ... none of its SGIs reached Linux as its CPU stop IPIs" \
	eval '[ "$(ipi 2)" = "$stop0" ] && [ "$(ipi 3)" = "$crash0" ]'
if expect $y "sysreg: CPUACTLR_EL1 read returned" 3000; then
	# QEMU 7.2 does not implement HCR_EL2.TIDCP: the access never reaches the hypervisor.
	echo "# the CPU does not trap IMPLEMENTATION DEFINED registers (no HCR_EL2.TIDCP)"
	t "  ... an IMPLEMENTATION DEFINED register, not trapped by this CPU: the cell runs on" \
		wait_cell $y running
else
	t "  ... an IMPLEMENTATION DEFINED register failed the cell" wait_cell $y failed
	t "  ... the hypervisor said why" \
		hvsaid "cell 'hostile' CPU 2 stopped: unhandled system register access"
fi
t "  ... it started once: no trapped access restarted it" \
	[ "$($cvtool console --cell $y --nonblock | grep -c 'sysreg: started on CPU')" = 1 ]
unharmed $g
back $y sysreg 2

# --- Faults during the cell's own destroy.
f=$(up hostile-smp destroy-fault)
t "destroy-fault started on CPUs 1 and 2" [ -n "$f" ]
t "  ... its CPUs spin on hypercalls" expect $f "destroy-fault: CPUs 0x6 make hypercalls" 10000
sleep 1
t "destroy it: its CPUs fault meanwhile" sh -c "timeout 60 $cvtool destroy $f >/dev/null"
t "  ... CPU 2 faulted during the destroy" \
	hvsaid "cell 'hostile-smp' CPU 2 stopped: unhandled read at 0x70000000"
t "  ... CPU 1 too, after approving the shutdown" \
	hvsaid "cell 'hostile-smp' CPU 1 stopped: unhandled read at 0x70000000"
t "  ... so the cell ended failed, not shut down" \
	hvsaid "cell 'hostile-smp' approved the shutdown, but a CPU of it failed meanwhile: failed"
t "  ... CPUs 1 2 back online in Linux, answering" online 1 2
t "  ... mem_pool_used back to $pool1" pool_is $pool1
unharmed $g
x=$(timeout 60 $cvtool create $cfg/hostile.cvb)
t "  ... management goes on: a new cell is created" [ -n "$x" ]
t "  ... and destroyed" sh -c "timeout 60 $cvtool destroy $x >/dev/null"
t "  ... CPU 2 back online" online 2

# --- CPU state on hand-over: nothing of the root's survives into a cell.
head -c 4194304 /dev/zero | tr '\0' 'Z' > /tmp/neon
for c in 1 2; do
	taskset -c $c sha256sum /tmp/neon >/dev/null
	taskset -c $c awk 'BEGIN { for (i = 1; i < 100000; i++) s += 1.0 / i; print s }' >/dev/null
done
cs=$(up hostile-smp cpu-state)
t "cpu-state started on CPUs 1 and 2, right after the root's work there" [ -n "$cs" ]
t "  ... CPU 1 started clean" expect $cs "cpu-state: CPU 1: clean" 20000
t "  ... CPU 2 started clean" expect $cs "cpu-state: CPU 2: clean" 20000
show $cs "expected|not reset|clean"
unharmed $g
back $cs cpu-state 1 2

# --- Restarts without end: each one takes the hypervisor's management lock.
rs=$(up hostile-smp reset-storm)
t "reset-storm started on CPUs 1 and 2" [ -n "$rs" ]
# Its console ring holds its last 16 KiB only: on an idle machine run 1 is long gone.
t "  ... it runs" expect $rs "reset-storm: run " 10000
t "  ... and restarts, its run count going on (run 10 within 60 s)" runs_past $rs 10
# The pool goes up and down as each restart unmaps the cell's memory (its page tables go
# back to the pool) and maps it again: compare the highest of 20 readings, before and after.
pool_max() {
	_max=0
	for _ in $(seq 20); do
		_u=$(cat $sys/mem_pool_used)
		[ "$_u" -gt "$_max" ] && _max=$_u
		sleep 0.05
	done
	echo $_max
}
pool2=$(pool_max)
psci1=$(cat $sys/cells/$rs/statistics/exits_psci)
$cvtool console --tail --timeout 5000 >/tmp/reset-storm.hv
psci2=$(cat $sys/cells/$rs/statistics/exits_psci)
lines=$(grep -c "cell 'hostile-smp' restarted itself (PSCI SYSTEM_RESET)" /tmp/reset-storm.hv)
echo "# reset-storm: $((psci2 - psci1)) PSCI calls, $lines lines of the hypervisor about them in 5 s"
t "  ... it kept restarting meanwhile" [ "$psci2" -gt "$((psci1 + 10))" ]
t "  ... the hypervisor's lines about it stay rate-limited (at most 10 a second)" \
	[ "$lines" -le 66 ]
pool3=$(pool_max)
echo "# mem_pool_used at most $pool2 before, $pool3 after"
t "  ... mem_pool_used does not grow with its restarts" [ "$pool3" -le "$pool2" ]
t "  ... it never failed on the way (its CPUs always stopped for the restart)" \
	sh -c "! $cvtool console --nonblock | grep -q \"cell 'hostile-smp' failed while stopping\""
unharmed $g
t "  ... it is still restarting" sh -c "[ \$(cat $sys/cells/$rs/statistics/exits_psci) -gt $psci2 ]"
back $rs reset-storm 1 2

# --- Afterwards.
wrap_up $g $pool0
echo "1..$n"
[ $fails = 0 ]
