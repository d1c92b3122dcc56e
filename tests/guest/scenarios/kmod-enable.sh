#!/bin/sh
# Enable and disable through cellvisor.ko with the real hypervisor: the root cell is
# deprivileged (CurrentEL 1, hvc answered by Cellvisor, exit counters move), cannot read
# the hypervisor's memory, sees the sysfs tree and the notifications, the console streams,
# the module cannot be unloaded while enabled, enable twice is refused; disable hands
# everything back (the hyp stub answers again, the image is readable again); and
# enable/disable 20 times in a row leaks nothing.
# timeout: 900
. /usr/lib/cellvisor-test/tap.sh
no_cellmgrd
cvtool=/usr/libexec/cellvisor-test/cvtool
sys=/sys/devices/cellvisor
blob=/usr/share/cellvisor/configs/system.cvb
hv_phys=0x70000000
hv_size=0x1000000
param() { cat /sys/module/cellvisor_test/parameters/$1; }
probe() { # probe [ARGS]: load the test module once, report its line
	rmmod cellvisor_test 2>/dev/null
	modprobe cellvisor_test "$@" || return 1
	dmesg | grep 'cellvisor_test:' | tail -n1 | sed 's/^/# /'
}
stat_of() { cat $sys/cells/0/statistics/$1; }

modprobe cellvisor
t "cellvisor.bin is installed" test -s /lib/firmware/cellvisor.bin

# Before: Linux at EL1 with the hyp stub in EL2; the hypervisor memory holds no image.
probe hv_phys=$hv_phys hv_size=$hv_size
t "before enable: the hyp stub answers the probe hvc (HVC_STUB_ERR)" [ "$(param hvc_answer)" = $((0xbadca11)) ]

udevadm monitor --kernel --property --subsystem-match=misc > /tmp/uevents 2>&1 &
mon=$!
sleep 0.5
$cvtool console --expect "Cellvisor" --timeout 20000 > /tmp/console-follow 2>&1 &
follow=$!
sleep 0.3
start=$(date +%s%N)
out=$($cvtool enable $blob 2>&1); st=$?
end=$(date +%s%N)
echo "# enable: status $st: $out ($(( (end - start) / 1000000 )) ms)"
t "enable succeeds" [ $st = 0 ]
dmesg | grep cellvisor | tail -n 5 | sed 's/^/# log: /'
t "enabled reads 1" [ "$(cat $sys/enabled)" = 1 ]
v=$($cvtool version); echo "# version: $v"
t "GET_VERSION reports the running hypervisor's ABI revision" [ "$v" = "api=2 abi=2 hv_abi=2 enabled=1 reserved=0,0" ]
t "the root cell is cells/0, named root" [ "$(cat $sys/cells/0/name)" = root ]
t "cells/0 state is running" [ "$(cat $sys/cells/0/state)" = running ]
t "cells/0 cpus_assigned is 0-3" [ "$(cat $sys/cells/0/cpus_assigned)" = 0-3 ]
t "cells/0 cpus_failed is empty" [ -z "$(cat $sys/cells/0/cpus_failed)" ]
t "cell info ioctl agrees" [ "$($cvtool info 0)" = "name=root state=2 cpus=0xf failed=0" ]
echo "# pools: mem $(cat $sys/mem_pool_used)/$(cat $sys/mem_pool_size) remap $(cat $sys/remap_pool_used)/$(cat $sys/remap_pool_size)"
t "mem_pool_size is non-zero" [ "$(cat $sys/mem_pool_size)" -gt 0 ]
t "mem_pool_used <= mem_pool_size" [ "$(cat $sys/mem_pool_used)" -le "$(cat $sys/mem_pool_size)" ]
t "remap_pool_size is non-zero" [ "$(cat $sys/remap_pool_size)" -gt 0 ]
t "the hypervisor memory is claimed in /proc/iomem" grep -q "70000000-70ffffff : Cellvisor hypervisor" /proc/iomem

# Deprivileged.
probe hv_phys=$hv_phys hv_size=$hv_size putc=kmod-enable-marker-42
t "the root cell runs at EL1" [ "$(param current_el)" = 1 ]
t "Cellvisor, not the hyp stub, answers the probe hvc (ABI revision 2)" [ "$(param hvc_answer)" = 2 ]
t "the root cell reads no byte of the hypervisor memory (nonzero=0)" [ "$(param scan_nonzero)" = 0 ]
t "the root cell finds no image magic there" [ "$(param scan_magic)" = 0 ]
h1=$(stat_of exits_hypercall); tot1=$(stat_of exits_total)
for i in 1 2 3 4 5; do cat $sys/mem_pool_used > /dev/null; done
h2=$(stat_of exits_hypercall); tot2=$(stat_of exits_total)
echo "# exits_hypercall $h1 -> $h2, exits_total $tot1 -> $tot2"
t "exits_hypercall moves when the root cell makes hypercalls" [ "$h2" -ge $((h1 + 5)) ]
t "exits_total >= exits_hypercall" [ "$tot2" -ge "$h2" ]
for s in exits_mmio exits_management exits_irq exits_sgi exits_psci exits_smccc exits_maintenance; do
	test -r $sys/cells/0/statistics/$s || echo "# missing statistics/$s"
done
t "every statistics file exists (total and per CPU)" sh -c "ls $sys/cells/0/statistics/cpu3/exits_irq $sys/cells/0/statistics/exits_maintenance >/dev/null"

# Console.
wait $follow; st=$?
t "a reader blocked in poll() was woken with the hypervisor's output" [ $st = 0 ]
sed -n '1,5s/^/# console: /p' /tmp/console-follow
t "sysfs console shows the hypervisor console" [ -n "$(cat $sys/console)" ]
t "the root cell's putc text reached the console stream" $cvtool console --timeout 5000 --expect kmod-enable-marker-42

# Refusals while enabled.
t "enable twice -> EBUSY" reason EBUSY 50 $cvtool enable $blob
t "rmmod cellvisor refused while enabled" sh -c '! rmmod cellvisor 2>/dev/null'
t "module still loaded and enabled" [ "$(cat $sys/enabled)" = 1 ]

# CPU hotplug under the hypervisor.
echo 0 > /sys/devices/system/cpu/cpu2/online; st=$?
t "CPU 2 goes offline under the hypervisor" eval '[ $st = 0 ] && [ "$(cat /sys/devices/system/cpu/online)" = 0-1,3 ]'
echo 1 > /sys/devices/system/cpu/cpu2/online; st=$?
t "CPU 2 comes back online" eval '[ $st = 0 ] && [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]'

out=$($cvtool disable 2>&1); st=$?
echo "# disable: status $st: $out"
t "disable succeeds" [ $st = 0 ]
t "enabled reads 0" [ "$(cat $sys/enabled)" = 0 ]
t "cells/0 is gone" test ! -e $sys/cells/0
t "/proc/iomem no longer has the hypervisor" sh -c '! grep -q Cellvisor /proc/iomem'
probe hv_phys=$hv_phys hv_size=$hv_size
t "after disable: the hyp stub answers the probe hvc again" [ "$(param hvc_answer)" = $((0xbadca11)) ]
t "after disable: the image is visible in that memory again (so the scan can see it)" [ "$(param scan_magic)" -ge 1 ]
rmmod cellvisor_test
kill $mon; wait $mon 2>/dev/null
t "uevents: enabled and disabled announced by /dev/cellvisor" sh -c "grep -q CELLVISOR_EVENT=enabled /tmp/uevents && grep -q CELLVISOR_EVENT=disabled /tmp/uevents"
t "uevent: the root cell's creation, with its name" sh -c "grep -q CELL_NAME=root /tmp/uevents"

# 20 cycles.
meminfo() { sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo; }
avail0=$(meminfo MemAvailable)
slab0=$(meminfo Slab)
ok=0
i=0
total=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	s=$(date +%s%N)
	$cvtool enable $blob > /dev/null || break
	m=$(date +%s%N)
	$cvtool disable > /dev/null || break
	e=$(date +%s%N)
	echo "# cycle $i: enable $(( (m - s) / 1000000 )) ms, disable $(( (e - m) / 1000000 )) ms"
	ok=$i
done
t "20 enable/disable cycles in a row" [ $ok = 20 ]
avail1=$(meminfo MemAvailable)
slab1=$(meminfo Slab)
echo "# MemAvailable $avail0 -> $avail1 kB, Slab $slab0 -> $slab1 kB"
t "no memory leak over 20 cycles (slab grew < 512 kB)" [ $((slab1 - slab0)) -lt 512 ]
t "CPUs all online after the cycles" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
t "the module unloads after the cycles (no reference leaked)" rmmod cellvisor
t "no oops or warning in the kernel log" sh -c "! dmesg | grep -qE 'Oops|WARNING:|BUG:|cellvisor.*refused'"
echo "1..$n"
[ $fails = 0 ]
