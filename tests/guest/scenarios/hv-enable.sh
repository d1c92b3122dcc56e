#!/bin/sh
# Hypervisor: enable makes Linux the deprivileged root cell and disable gives the machine
# back.  At EL1 under stage 2; the hypervisor answers hypercalls and counts exits on every
# CPU by reason; interrupts and IPIs go through it; its memory reads as zeros from the
# root; its console says what it did; hotplug goes through its PSCI; 20 enable/disable
# cycles in a row.
# timeout: 900
. /usr/lib/cellvisor-test/tap.sh
no_cellmgrd
cvtool=/usr/libexec/cellvisor-test/cvtool
sys=/sys/devices/cellvisor
blob=/usr/share/cellvisor/configs/system.cvb
probe() { # probe: CurrentEL, the hvc answer and a scan of the hypervisor memory
	rmmod cellvisor_test 2>/dev/null
	modprobe cellvisor_test hv_phys=0x70000000 hv_size=0x1000000 "$@" || return 1
	dmesg | grep 'cellvisor_test:' | tail -n1 | sed 's/^/# /'
}
param() { cat /sys/module/cellvisor_test/parameters/$1; }
stat() { cat $sys/cells/0/statistics/cpu$1/exits_$2; }
virtio_irqs() { # interrupts of the virtio devices so far, all CPUs
	sum=0
	for v in $(grep virtio /proc/interrupts | tr -s ' ' | cut -d' ' -f3-6); do sum=$((sum + v)); done
	echo $sum
}

modprobe cellvisor
$cvtool enable $blob; st=$?
t "enable succeeds" [ $st = 0 ]
t "the hypervisor console announces the root cell on 4 CPUs" \
	grep -q "Cellvisor: enabled on 4 CPUs; root cell 'root'" $sys/console

probe
t "the root cell runs at EL1" [ "$(param current_el)" = 1 ]
t "Cellvisor answers the probe hypercall with its ABI revision" [ "$(param hvc_answer)" = 2 ]
t "the hypervisor memory reads as zeros from the root cell" [ "$(param scan_nonzero)" = 0 ]
t "no image magic is visible in it" [ "$(param scan_magic)" = 0 ]

for c in 0 1 2 3; do
	h0=$(stat $c hypercall); t0=$(stat $c total)
	taskset -c $c cat $sys/mem_pool_used > /dev/null
	h1=$(stat $c hypercall); t1=$(stat $c total)
	echo "# cpu$c: hypercall exits $h0 -> $h1, total $t0 -> $t1"
	t "CPU $c: a hypercall made on it is counted there" [ "$h1" -gt "$h0" -a "$t1" -gt "$t0" ]
done

# Interrupts go through the hypervisor: a busy second on each CPU has timer ticks.
sgi0=0; for c in 0 1 2 3; do sgi0=$((sgi0 + $(stat $c sgi))); done
for c in 0 1 2 3; do
	i0=$(stat $c irq)
	taskset -c $c timeout 1 sh -c 'while :; do :; done'
	i1=$(stat $c irq)
	echo "# cpu$c: IRQ exits $i0 -> $i1"
	t "CPU $c: its interrupts are taken by the hypervisor and injected" [ "$i1" -gt "$i0" ]
done
sgi1=0; for c in 0 1 2 3; do sgi1=$((sgi1 + $(stat $c sgi))); done
echo "# SGIs sent by the root (trapped ICC_SGI1R_EL1 writes): $sgi0 -> $sgi1"
t "the root's IPIs trap and are routed by the hypervisor" [ "$sgi1" -gt "$sgi0" ]
v0=$(virtio_irqs)
for i in 1 2 3 4 5 6 7 8; do echo "# some output on the virtio test port ($i)"; sleep 0.2; done
v1=$(virtio_irqs)
echo "# virtio interrupts $v0 -> $v1"
t "virtio device interrupts (SPIs) reach the root through the hypervisor" [ "$v1" -gt "$v0" ]

p0=$(stat 3 psci); m0=$(stat 3 mmio); q0=$(stat 0 psci)
echo 0 > /sys/devices/system/cpu/cpu3/online
t "CPU 3 goes offline (PSCI CPU_OFF parks it in the hypervisor)" \
	[ "$(cat /sys/devices/system/cpu/online)" = 0-2 ]
taskset -c 0 sh -c "echo 1 > /sys/devices/system/cpu/cpu3/online"
t "CPU 3 comes back (PSCI CPU_ON from CPU 0)" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
p1=$(stat 3 psci); m1=$(stat 3 mmio); q1=$(stat 0 psci)
echo "# cpu3 psci $p0 -> $p1, mmio $m0 -> $m1; cpu0 psci $q0 -> $q1"
t "CPU 3 counted its PSCI call" [ "$p1" -gt "$p0" ]
t "CPU 0 counted CPU_ON and AFFINITY_INFO" [ "$q1" -ge $((q0 + 2)) ]
t "CPU 3's redistributor accesses were trapped and emulated (MMIO exits)" [ "$m1" -gt "$m0" ]
t "a task runs on CPU 3 again" [ "$(taskset -c 3 cat /proc/self/stat | cut -d' ' -f39)" = 3 ]

$cvtool disable; st=$?
t "disable succeeds" [ $st = 0 ]
probe
t "after disable: EL2 is the hyp stub's again" [ "$(param hvc_answer)" = $((0xbadca11)) ]
t "after disable: the hypervisor memory is plain memory again" [ "$(param scan_magic)" -ge 1 ]
rmmod cellvisor_test

# A CPU offline (parked in the hypervisor) at disable is handed to the firmware, powered off.
$cvtool enable $blob > /dev/null
echo 0 > /sys/devices/system/cpu/cpu2/online
$cvtool disable > /dev/null; st=$?
t "disable with CPU 2 parked in the hypervisor succeeds" [ $st = 0 ]
echo 1 > /sys/devices/system/cpu/cpu2/online
t "after disable, CPU 2 comes back through the firmware's PSCI" \
	[ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]

i=0
while [ $i -lt 20 ]; do
	$cvtool enable $blob > /dev/null || break
	[ "$(cat $sys/enabled)" = 1 ] || break
	$cvtool disable > /dev/null || break
	i=$((i + 1))
done
t "20 enable/disable cycles in a row ($i done)" [ $i = 20 ]
t "all CPUs online after the cycles" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
t "no oops, warning or hung task in the kernel log" \
	sh -c "! dmesg | grep -qE 'Oops|WARNING:|BUG:|blocked for more than|rcu.*stall'"
rmmod cellvisor
echo "1..$n"
[ $fails = 0 ]
