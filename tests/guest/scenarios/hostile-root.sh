#!/bin/sh
# A hostile root (issue 11): cellvisor_hostile.ko makes raw hypercalls and register writes
# that cellvisor.ko never would, next to the secret inmate (a cell that watches a pattern in
# its RAM, 0x7c200000 physically) and gic-demo, the canary:
#  - the root as a confused deputy: console write, console read and cell create with a
#    buffer in the running cell's RAM (or running into it) -> -EFAULT, the secret never on
#    the console, never changed;
#  - hand-made blobs (pci-demo's, patched): a BAR over the GIC distributor, over the
#    hypervisor's memory, over the cell's RAM; a root_shared region that is the cell's RAM;
#    an IO+execute region; two communication regions -> each refused with the reason;
#  - a BAR over another cell's BAR: hostile-pci's blob claiming the root's edu 00:02.0 with
#    its BAR where pci-demo's edu 00:01.0 decodes, while pci-demo runs -> refused;
#  - /dev/mem: a read() of the cell's RAM fails, a task that maps it gets SIGBUS, the
#    hypervisor logs the root's fault, Linux runs on;
#  - the GIC: GICD_CTLR := 0, the canary CPU's PPI enables off, EnableLPIs and PROPBASER of
#    a root CPU, ICC_SGI0R_EL1 and ICC_ASGI1R_EL1 -> no effect on the cells, LPIs stay off.
# After each: the canary ticks on, every root CPU answers, no oops, warning or stall in the
# kernel log, cvtool and sysfs answer; at the end the secret was never changed, both cells
# are destroyed, CPUs and the pool come back, a new cell runs, the hypervisor disables.
# timeout: 600
. /usr/lib/cellvisor-test/tap.sh
. /usr/lib/cellvisor-test/cells.sh
no_cellmgrd

secret=0x7c200000		# hostile.json: RAM at 0x7c000000; secret.c: 2 MiB in
par=/sys/module/cellvisor_hostile/parameters
# hostile PARAM=VALUE...: one attack of cellvisor_hostile; prints its 'result'
hostile() {
	rmmod cellvisor_hostile 2>/dev/null
	modprobe cellvisor_hostile "$@" || { echo "# modprobe cellvisor_hostile $* failed"; return 1; }
	cat $par/result
}
# is VALUE WANT WHAT: VALUE is WANT (says WHAT it was if not)
is() { [ "$1" = "$2" ] || { echo "# $3 is '$1', not '$2'"; return 1; }; }
# no_secret_out: the hypervisor console never showed the cell's secret
no_secret_out() {
	! $cvtool console --nonblock 2>/dev/null | grep -F CVSECRET | sed 's/^/# console: /' | grep .
}
# intact: the secret cell says its secret is intact in a check after now, and never changed
intact() {
	_c0=$($cvtool console --cell $s --nonblock | grep -c 'secret: intact after')
	for _ in $(seq 60); do
		sleep 0.5
		[ "$($cvtool console --cell $s --nonblock | grep -c 'secret: intact after')" -gt "$_c0" ] &&
			break
	done
	$cvtool console --cell $s --nonblock | grep 'secret: CHANGED' | sed 's/^/# /'
	! cellsaid $s "secret: CHANGED" >/dev/null &&
		[ "$($cvtool console --cell $s --nonblock | grep -c 'secret: intact after')" -gt "$_c0" ]
}
# refused BLOB ERRNO REASON: creating the hand-made BLOB returns -ERRNO and creates
# nothing; the hypervisor gives REASON
refused() {
	cp "$1" /lib/firmware/cellvisor-hostile.cvb
	_r=$(hostile attack=create blob=cellvisor-hostile.cvb) || return 1
	is "$_r" "-$2" "create's result" && is "$(cat $par/created)" 0 "the cell created" &&
		hvsaid "$3"
}
blob() { # blob NAME: /tmp/NAME.cvb, a copy of pci-demo's blob to patch; prints its path
	cp $cfg/pci-demo.cvb /tmp/$1.cvb && echo /tmp/$1.cvb
}

modprobe cellvisor
t "enable" sh -c "$cvtool enable $cfg/system.cvb >/dev/null"
pool0=$(cat $sys/mem_pool_used)
g=$(up gic-demo)
t "gic-demo (the canary) started" [ -n "$g" ]
t "  ... ticks" expect $g "gic-demo: tick 3 " 10000
s=$(up hostile secret)
t "the secret cell started on CPU 2" [ -n "$s" ]
t "  ... watches its secret" expect $s "secret: intact after 20 checks" 30000

# --- The confused deputy: the hypervisor reads and writes for the root only what the root
# owns now.
r=$(hostile attack=hvc code=11 a1=$secret a2=64)
t "console write of 64 bytes of the cell's RAM -> -EFAULT" is "$r" -14 "the result"
t "  ... the secret is not on the hypervisor console" no_secret_out
r=$(hostile attack=hvc code=9 a1=$secret a2=4096 a3=0)
t "console read into the cell's RAM -> -EFAULT" is "$r" -14 "the result"
r=$(hostile attack=hvc code=9 a1=$((0x7bfff000)) a2=8192 a3=0)
t "console read into a buffer of the root's that runs into the cell's RAM -> -EFAULT" \
	is "$r" -14 "the result"
r=$(hostile attack=hvc code=9 a1=$secret a2=4096 a3=$g)
t "the canary's console read into the cell's RAM -> -EFAULT" is "$r" -14 "the result"
r=$(hostile attack=hvc code=1 a1=$secret a2=4096)
t "cell create with the blob in the cell's RAM -> -EFAULT" is "$r" -14 "the result"
t "  ... the hypervisor says why" hvsaid "create: the blob at $secret is not in the root's RAM"
t "  ... the secret is unchanged" intact
unharmed $g

# --- Hand-made blobs: the hypervisor's own checks, with the CPU the blob names offline.
echo 0 > /sys/devices/system/cpu/cpu1/online
b=$(blob bar-gicd); set_bar $b 0 0 0 0x08000000; set_bar $b 0 0 8 0x10000
t "a BAR over the GIC distributor -> -EINVAL" refused $b 22 \
	"create 'pci-demo': BAR 0 of PCI device 00:01.0 (0x8000000, 0x10000 bytes) covers RAM, the hypervisor or the interrupt controller"
b=$(blob bar-hv); set_bar $b 0 0 0 0x70000000
t "a BAR over the hypervisor's memory -> -EINVAL" refused $b 22 \
	"create 'pci-demo': BAR 0 of PCI device 00:01.0 (0x70000000, 0x100000 bytes) covers RAM"
b=$(blob bar-cell); set_bar $b 0 0 0 0x7c000000
t "a BAR over the secret cell's RAM -> -EINVAL" refused $b 22 \
	"create 'pci-demo': BAR 0 of PCI device 00:01.0 (0x7c000000, 0x100000 bytes) covers RAM"
b=$(blob shared); set_region $b 0 0 0x7c000000; set_region $b 0 24 0x87
t "a root_shared region that is the secret cell's RAM -> -EBUSY" refused $b 16 \
	"create 'pci-demo': memory region 0 (0x7c000000, 0x400000 bytes) belongs to cell 'hostile'"
b=$(blob ioexec); set_region $b 0 0 0x10200000; set_region $b 0 24 0xf
t "an IO+execute region -> -EINVAL" refused $b 22 \
	"memory region 0: device memory (IO) cannot be loadable or executable"
b=$(blob twocomm); set_region $b 0 0 0; set_region $b 0 16 0x1000; set_region $b 0 24 0x43
t "two communication regions -> -EINVAL" refused $b 22 \
	"memory region 1: a second communication region (one per cell)"
cp $cfg/pci-demo.cvb /lib/firmware/cellvisor-hostile.cvb
r=$(hostile attack=create blob=cellvisor-hostile.cvb)
t "pci-demo's blob as it is is created (and destroyed by the module)" \
	eval '[ "$r" -gt 0 ] && [ "$(cat $par/created)" = "$r" ] && [ "$(cat $par/destroyed)" = 0 ]'
echo 1 > /sys/devices/system/cpu/cpu1/online
t "  ... CPU 1 back online" online 1
t "  ... the secret is unchanged" intact
unharmed $g

# --- /dev/mem: the root's own access to the cell's RAM faults in that task alone.
rm -f /tmp/mem.out
t "dd of the cell's RAM from /dev/mem fails" \
	sh -c "! dd if=/dev/mem of=/tmp/mem.out bs=4096 skip=$((secret / 4096)) count=1 2>/dev/null"
t "  ... and got none of the secret" sh -c "! grep -q CVSECRET /tmp/mem.out 2>/dev/null"
taskset -c 0 busybox devmem $secret 32 >/tmp/devmem.out 2>&1; st=$?
echo "# busybox devmem $secret (mmap of /dev/mem, read): status $st: $(cat /tmp/devmem.out)"
t "a task reading the cell's RAM through a /dev/mem mapping gets SIGBUS" is $st 135 "its status"
t "  ... the hypervisor logs the root's fault" \
	hvsaid "the root cell accessed what it does not own: read at $secret on CPU 0"
taskset -c 1 busybox devmem $secret 32 0x41414141 >/dev/null 2>&1; st=$?
t "a task writing it gets SIGBUS" is $st 135 "its status"
t "  ... the secret is unchanged" intact
unharmed $g

# --- The GIC, from the root.
hostile attack=write addr=0x08000000 value=0 >/dev/null
b0=$(cat $par/before) a0=$(cat $par/after)
t "GICD_CTLR := 0 from the root: ignored (reads $b0, then $a0)" \
	eval '[ "$a0" = "$b0" ] && [ "$a0" != 0 ]'
hostile attack=write addr=$((0x080a0000 + 3 * 0x20000 + 0x10180)) value=0xffffffff >/dev/null
t "the canary CPU's GICR_ICENABLER0 := ~0 from the root" is "$(cat $par/result)" 0 "the result"
t "  ... the canary ticks on" ticking $g
hostile attack=write addr=0x080a0000 value=0x1 >/dev/null
t "GICR_CTLR.EnableLPIs := 1 of root CPU 0: stays 0 (reads $(cat $par/after))" \
	eval '[ $(( $(cat $par/after) & 1 )) = 0 ]'
hostile attack=write addr=0x080a0070 width=64 value=0x7000000f >/dev/null
t "GICR_PROPBASER of root CPU 0 := the hypervisor's memory: reads 0" \
	is "$(cat $par/after)" 0 "PROPBASER"
r=$(hostile attack=sgi0r value=0x3)
t "ICC_SGI0R_EL1 (SGI 0 to CPUs 0 and 1) from the root returns" is "$r" 0 "the result"
r=$(hostile attack=asgi1r value=$((1 << 40)))
t "ICC_ASGI1R_EL1 (SGI 0 to every other CPU) from the root returns" is "$r" 0 "the result"
t "  ... neither was a fault of the root" \
	sh -c "! $cvtool console --nonblock | grep -q 'does not own: system register'"
rmmod cellvisor_hostile
unharmed $g
t "  ... the secret is unchanged" intact

# --- Afterwards.
t "destroy the secret cell" sh -c "$cvtool destroy $s >/dev/null"
t "  ... CPU 2 back online" online 2

# --- A BAR over a running cell's BAR: hostile-pci's blob patched to claim the root's edu
# 00:02.0 (no INTx, no interrupts) with BAR 0 at 0x10000000, where pci-demo's edu 00:01.0
# decodes.
p=$(up pci-demo)
t "pci-demo started on CPU 1 with edu 00:01.0, BAR 0 at 0x10000000" [ -n "$p" ]
b=/tmp/bar-bar.cvb
cp $cfg/hostile-pci.cvb $b
devs=$(od -An -tu4 -j112 -N4 $b | tr -d ' ')	# cv_cell_config.pci_devices.offset
put64 $b $devs $((0x10 << 24))			# domain 0, bus 0, devfn 00:02.0, flags 0
put64 $b $((devs + 8)) 0			# intx_irq 0 (none), reserved 0
put64 $b 104 0					# irq_ranges: none (offset 0, count 0)
echo 0 > /sys/devices/system/cpu/cpu2/online
t "a BAR over pci-demo's BAR -> -EBUSY" refused $b 16 \
	"create 'hostile-pci': BAR 0 of PCI device 00:02.0 (0x10000000, 0x100000 bytes) belongs to cell 'pci-demo'"
echo 1 > /sys/devices/system/cpu/cpu2/online
t "  ... CPU 2 back online" online 2
t "  ... pci-demo runs on and passes its checks" expect $p "pci-demo: all checks passed" 30000
t "  ... edu 00:02.0 is still Linux's" [ -e /sys/bus/pci/devices/0000:00:02.0 ]
rmmod cellvisor_hostile
unharmed $g
t "destroy pci-demo" sh -c "$cvtool destroy $p >/dev/null"
t "  ... CPU 1 back online" online 1
wrap_up $g $pool0
echo "1..$n"
[ $fails = 0 ]
