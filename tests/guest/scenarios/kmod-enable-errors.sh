#!/bin/sh
# Every way an enable can be refused before the hypervisor runs: each malformed system
# configuration, CPUs that do not match, hypervisor memory in Linux RAM, a missing or
# malformed image.  Each fails with its own errno and one explaining line in the kernel
# log, and leaves Linux exactly as it was (CPUs, /proc/iomem, sysfs, the module unloadable).
# timeout: 300
. /usr/lib/cellvisor-test/tap.sh
no_cellmgrd
cvtool=/usr/libexec/cellvisor-test/cvtool
sys=/sys/devices/cellvisor
blob=/usr/share/cellvisor/configs/system.cvb
fwpath=/sys/module/firmware_class/parameters/path
# refused KIND ERRNO LOGTEXT: enable with a blob mutated by KIND fails as described
refused() {
	$cvtool mutate $blob /tmp/bad-$1.cvb $1 || return 1
	dmesg -C
	errno $2 $cvtool enable /tmp/bad-$1.cvb || return 1
	dmesg | grep "cellvisor" | sed 's/^/# log: /'
	dmesg | grep -qF -- "$3" || return 1
	[ "$(dmesg | grep -c 'cellvisor: enable:')" = 1 ]
}
unchanged() {
	[ "$(cat $sys/enabled)" = 0 ] &&
	[ "$(cat /sys/devices/system/cpu/online)" = 0-3 ] &&
	! grep -q Cellvisor /proc/iomem &&
	[ -z "$(ls $sys/cells)" ]
}

modprobe cellvisor
t "system blob present" test -s $blob
t "bad magic -> EINVAL" refused magic EINVAL 'is not a system configuration blob'
rev=$(od -An -tu2 -j4 -N2 $blob | tr -d ' ')	# cv_blob_header.revision
t "revision from the future -> EPROTO" refused revision EPROTO \
	"has revision $((rev + 1)), this module reads revision $rev"
t "total_size not the size passed -> EINVAL" refused size EINVAL 'bytes long but'
t "reserved header field set -> EINVAL" refused reserved EINVAL 'non-zero reserved fields'
t "unknown system flag -> EINVAL" refused flags EINVAL 'unknown flags'
t "root cell outside the blob -> EINVAL" refused rootcell EINVAL 'does not lie inside'
t "root cell CPU set missing an online CPU -> ENXIO" refused cpus ENXIO 'are not in the root cell'"'"'s CPU set'
t "hypervisor memory inside Linux RAM -> EADDRINUSE" refused ram EADDRINUSE "overlaps Linux's System RAM"
t "Linux unchanged after the config errors" unchanged

echo 0 > /sys/devices/system/cpu/cpu3/online
dmesg -C
t "a CPU of the config offline -> ENXIO" reason ENXIO 53 $cvtool enable $blob
t "  ... explained" sh -c "dmesg | grep -qF 'are not online'"
echo 1 > /sys/devices/system/cpu/cpu3/online
t "CPU 3 back online" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]

# Images: a firmware directory of our own is searched before /lib/firmware.
mkdir -p /tmp/fw
echo -n /tmp/fw > $fwpath
$cvtool fake-image /tmp/fw/cellvisor.bin --magic 0x1234
dmesg -C
t "image without the magic -> ENOEXEC" reason ENOEXEC 57 $cvtool enable $blob
t "  ... explained" sh -c "dmesg | grep -qF 'is not a Cellvisor image'"
$cvtool fake-image /tmp/fw/cellvisor.bin --abi 99
dmesg -C
t "image of another ABI revision -> EPROTO" reason EPROTO 58 $cvtool enable $blob
t "  ... explained" sh -c "dmesg | grep -qF 'has ABI revision 99 but this module speaks revision 2'"
$cvtool fake-image /tmp/fw/cellvisor.bin
dmesg -C
t "image larger than the hypervisor memory -> EFBIG" reason EFBIG 55 $cvtool enable $blob
t "  ... explained" sh -c "dmesg | grep -qF 'but its memory is only 16384 KiB'"
echo -n "" > $fwpath
rm -rf /tmp/fw

if [ -e /lib/firmware/cellvisor.bin ]; then
	mv /lib/firmware/cellvisor.bin /lib/firmware/cellvisor.bin.away
fi
dmesg -C
t "no cellvisor.bin -> ENOENT" reason ENOENT 56 $cvtool enable $blob
t "  ... explained" sh -c "dmesg | grep -qF 'cannot load /lib/firmware/cellvisor.bin'"
[ -e /lib/firmware/cellvisor.bin.away ] && mv /lib/firmware/cellvisor.bin.away /lib/firmware/cellvisor.bin

t "Linux unchanged after the image errors" unchanged
t "the memory region was given back (claimable again)" sh -c "! grep -q Cellvisor /proc/iomem"
t "the module unloads: no reference leaked" rmmod cellvisor
t "the kernel is still healthy (no oops, no warning)" sh -c "! dmesg | grep -qE 'Oops|WARNING:|BUG:'"
echo "1..$n"
[ $fails = 0 ]
