#!/bin/sh
# Benchmark of issue 13: what DMA isolation costs a cell's create and destroy.  pci-demo
# (edu 00:01.0: its stream moves to the cell's DMA map and back, its RAM leaves the root's
# DMA map and returns) and gic-demo (no PCI: only the root's map changes), each created
# and destroyed $BENCH_ROUNDS times with the SMMU (system.cvb) and without it (the same blob
# with platform.iommu zeroed, which the hypervisor takes as "no IOMMU"); median and spread
# of the wall-clock ms, and with the plugin each step's instructions by class (report).
cvtool=/usr/libexec/cellvisor-test/cvtool
workload=/usr/libexec/cellvisor-test/workload
cfg=/usr/share/cellvisor/configs
rounds=${BENCH_ROUNDS:-5}
tmp=$(mktemp -d)
now_us() { echo $(( $(date +%s%N) / 1000 )); }
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%d (min %d, max %d, n %d)", v[int((NR + 1) / 2)], v[1], v[NR], NR }'; }
# step NAME COMMAND...: run COMMAND on CPU 0 between markers, its time in ms to $tmp/NAME
step() {
	name=$1
	shift
	echo "bench-interval: start $name" >&2
	taskset -c 0 $workload --mark 2
	t0=$(now_us)
	taskset -c 0 "$@" >$tmp/out || { echo "bench dma: $name failed" >&2; return 1; }
	t1=$(now_us)
	taskset -c 0 $workload --mark 3
	echo $(( (t1 - t0) / 1000 )) >>"$tmp/$name"
}
fail() { echo "bench dma: $*"; $cvtool disable >/dev/null 2>&1; exit 1; }

systemctl is-system-running --wait >/dev/null
systemctl stop cellvisor.service cellmgrd.service 2>/dev/null
modprobe cellvisor || fail "no cellvisor.ko"
# struct cv_system_config: platform.iommu is the 32 bytes at offset 104.
cp $cfg/system.cvb $tmp/nosmmu.cvb
dd if=/dev/zero of=$tmp/nosmmu.cvb bs=1 seek=104 count=32 conv=notrunc 2>/dev/null

for mode in smmu nosmmu; do
	blob=$cfg/system.cvb
	[ $mode = nosmmu ] && blob=$tmp/nosmmu.cvb
	$cvtool enable $blob >/dev/null || fail "cannot enable the hypervisor ($mode)"
	if [ $mode = smmu ]; then
		grep -q "SMMUv3 at" /sys/devices/cellvisor/console || fail "the SMMU is not on"
	else
		grep -q "no IOMMU configured" /sys/devices/cellvisor/console || fail "the SMMU is on"
	fi
	for cell in pci-demo gic-demo; do
		# Warm-up, not measured.
		id=$($cvtool create $cfg/$cell.cvb) && $cvtool destroy "$id" >/dev/null ||
			fail "$cell: create/destroy failed"
		for r in $(seq "$rounds"); do
			step "$mode create $cell" $cvtool create $cfg/$cell.cvb || fail "create failed"
			id=$(cat $tmp/out)
			step "$mode destroy $cell" $cvtool destroy "$id" || fail "destroy failed"
		done
	done
	$cvtool disable >/dev/null || fail "disable failed"
done
for cell in pci-demo gic-demo; do
	for op in create destroy; do
		for mode in smmu nosmmu; do
			echo "bench dma: cvtool $op $cell, $mode: $(stats <"$tmp/$mode $op $cell") ms"
		done
	done
done
rm -rf "$tmp"
