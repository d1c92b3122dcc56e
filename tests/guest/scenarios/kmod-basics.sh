#!/bin/sh
# cellvisor.ko on its own, hypervisor disabled: the device, its sysfs tree, the version
# query, the argument checks of every ioctl, who may open the device, the console read
# path when there is nothing to read, and load/unload.
# timeout: 300
. /usr/lib/cellvisor-test/tap.sh
no_cellmgrd
cvtool=/usr/libexec/cellvisor-test/cvtool
sys=/sys/devices/cellvisor
# logged TEXT: the kernel log's last lines contain TEXT
logged() { dmesg | tail -n 20 | grep -qF -- "$1"; }

t "modprobe cellvisor" modprobe cellvisor
t "/dev/cellvisor is a character device" test -c /dev/cellvisor
t "/dev/cellvisor is root-only (0600)" [ "$(stat -c %a /dev/cellvisor)" = 600 ]
t "the device sits under /sys/devices/cellvisor" sh -c 'readlink -f /sys/class/misc/cellvisor | grep -q "^/sys/devices/cellvisor/"'
for f in enabled mem_pool_size mem_pool_used remap_pool_size remap_pool_used console; do
	t "sysfs $f exists" test -r $sys/$f
done
t "enabled reads 0" [ "$(cat $sys/enabled)" = 0 ]
t "mem_pool_size reads 0 while disabled" [ "$(cat $sys/mem_pool_size)" = 0 ]
t "cells/ exists and is empty" sh -c "[ -d $sys/cells ] && [ -z \"\$(ls $sys/cells)\" ]"

v=$($cvtool version); echo "# version: $v"
t "GET_VERSION: api 2, abi 2, no hypervisor, reserved zero" [ "$v" = "api=2 abi=2 hv_abi=0 enabled=0 reserved=0,0" ]
t "unknown ioctl number -> ENOTTY" errno ENOTTY $cvtool ioctl-raw 0x7f
t "disable while disabled -> EINVAL" reason EINVAL 51 $cvtool disable
t "  ... with one clear line in the log" logged "disable: the hypervisor is not enabled"
t "DISABLE with unknown flags -> EINVAL" errno EINVAL $cvtool disable --flags 1
t "DISABLE with a non-zero reserved field -> EINVAL" errno EINVAL $cvtool disable --reserved
t "  ... and the log says why" logged "CV_IOCTL_DISABLE: unknown flags or a non-zero reserved field"
blob=/usr/share/cellvisor/configs/system.cvb
t "ENABLE with an unknown flag -> EINVAL" errno EINVAL $cvtool enable $blob --flags 0x80
t "  ... and the log says why" logged "CV_IOCTL_ENABLE: unknown flags or a non-zero reserved field (this module speaks API 2"
t "ENABLE with a reserved field set -> EINVAL" errno EINVAL $cvtool enable $blob --reserved
t "ENABLE with a size of 8 bytes -> EINVAL" reason EINVAL 5 $cvtool enable $blob --size 8
t "ENABLE with a size of 1 GiB -> EINVAL" reason EINVAL 5 $cvtool enable $blob --size 0x40000000
t "start a cell while disabled -> ENODEV" reason ENODEV 51 $cvtool start 1
t "destroy a cell while disabled -> ENODEV" reason ENODEV 51 $cvtool destroy 1
t "cell info while disabled -> ENODEV" errno ENODEV $cvtool info 0
cell=/usr/share/cellvisor/configs/uart-demo.cvb
t "create a cell while disabled -> ENODEV" reason ENODEV 51 $cvtool create $cell
t "  ... with one clear line in the log" logged "the hypervisor is not enabled"
t "load a cell while disabled -> ENODEV" reason ENODEV 51 $cvtool load 1 $cell@0
t "console of a cell that does not exist -> ENOENT" errno ENOENT $cvtool console --cell 7 --nonblock
t "an unprivileged user cannot open the device" sh -c "! su -s /bin/sh cvuser -c 'exec 3</dev/cellvisor' 2>/dev/null"
out=$($cvtool console --nonblock); st=$?
t "non-blocking read of an empty console returns at once (EAGAIN, no bytes)" eval '[ $st = 0 ] && [ -z "$out" ]'
out=$($cvtool console --timeout 300); st=$?
t "poll on an empty console times out without data" eval '[ $st = 0 ] && [ -z "$out" ]'
t "rmmod while disabled" rmmod cellvisor
t "sysfs tree gone after rmmod" test ! -e $sys
t "modprobe again" modprobe cellvisor
t "enabled reads 0 after reload" [ "$(cat $sys/enabled)" = 0 ]
echo "1..$n"
[ $fails = 0 ]
