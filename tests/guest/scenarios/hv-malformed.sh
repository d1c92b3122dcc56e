#!/bin/sh
# Hypervisor: system configurations that the module lets through but the hypervisor's own
# checks reject.  Every CPU must come back with -EINVAL, Linux must carry on exactly as
# before (CPUs online, EL2 back with the hyp stub), and the hypervisor's reason must reach
# the kernel log and the console file although it is gone; a sound configuration still
# enables.
# timeout: 600
. /usr/lib/cellvisor-test/tap.sh
no_cellmgrd
cvtool=/usr/libexec/cellvisor-test/cvtool
sys=/sys/devices/cellvisor
blob=/usr/share/cellvisor/configs/system.cvb
bad=/tmp/bad.cvb
read32() { od -An -tu4 -j"$2" -N4 "$1" | tr -d ' '; }
stub_answers() {
	rmmod cellvisor_test 2>/dev/null
	modprobe cellvisor_test || return 1
	[ "$(cat /sys/module/cellvisor_test/parameters/hvc_answer)" = $((0xbadca11)) ]
}
# Offsets in struct cv_system_config and the embedded root cell (include/cellvisor/config.h).
root=$(read32 $blob 136)
regions=$((root + $(read32 $blob $((root + 96)))))
irqs=$((root + $(read32 $blob $((root + 104)))))

reject() { # reject DESCRIPTION OFFSET VALUE REASON: REASON is what the hypervisor says
	cp $blob $bad
	poke $bad "$2" 4 "$3"
	mark=$(dmesg | wc -l)
	out=$($cvtool enable $bad 2>&1); st=$?
	dmesg | tail -n +$((mark + 1)) >/tmp/klog
	echo "# $1: status $st: $out"
	grep cellvisor /tmp/klog | sed 's/^/# /'
	t "$1: refused with EINVAL" sh -c "[ $st != 0 ] && echo '$out' | grep -q EINVAL"
	t "$1: the module logs that it failed" grep -q 'cellvisor.*failed to start (-22)' /tmp/klog
	t "$1: ... and the hypervisor's reason" \
		eval "grep 'cellvisor.*hypervisor: ' /tmp/klog | grep -qF '$4'"
	t "$1: ... which the console file has too" \
		eval "tail -c 512 $sys/console | grep -qF '$4'"
	t "$1: Linux keeps all 4 CPUs" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
	t "$1: the hyp stub holds EL2 again" stub_answers
	t "$1: not enabled" [ "$(cat $sys/enabled)" = 0 ]
}

modprobe cellvisor
reject "GIC version 2" 72 2 "GIC version 2 is not supported"
reject "maintenance interrupt not a PPI" 76 40 "maintenance interrupt 40 is not a PPI"
reject "interrupt count not a multiple of 32" 96 100 "100 interrupts, must be"
reject "more interrupts (288) than the GIC implements (256)" 96 288 \
	"says the GIC has 288 interrupts, but it implements 256"
reject "unknown debug console type" 48 7 "unknown type 7"
reject "hypervisor memory grown over the root's RAM at 0x71000000" 32 $((32 << 20)) \
	"overlaps the hypervisor memory"
reject "root memory region with an unknown flag" $((regions + 24)) \
	$(( $(read32 $blob $((regions + 24))) | 0x200 )) "unknown flags 0x200"
reject "root interrupt range starting at an SGI" $irqs 10 "is not within the SPIs"
reject "IOMMU stream table of 17 bits" 128 17 "IOMMU stream ID bits 17, must be 1..16"
reject "IOMMU registers at 0x09051000, not 64 KiB aligned" 104 $((0x09051000)) \
	"IOMMU registers 0x9051000+0x20000 are not 64 KiB aligned"

$cvtool enable $blob; st=$?
t "a sound configuration still enables after all that" [ $st = 0 ]
t "the hypervisor console announces the new enable" \
	grep -q "Cellvisor: enabled on 4 CPUs" $sys/console
$cvtool disable; st=$?
t "and disables" [ $st = 0 ]
t "no oops or warning in the kernel log" sh -c "! dmesg | grep -qE 'Oops|WARNING:|BUG:'"
rmmod cellvisor_test cellvisor
echo "1..$n"
[ $fails = 0 ]
