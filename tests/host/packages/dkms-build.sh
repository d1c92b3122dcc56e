#!/bin/bash
# The DKMS path of cellvisor-dkms: its .deb unpacked into an empty root, far from the
# repository, and the tree built against the guest kernel's headers exactly as dkms would
# (tests/guest/dkms-install: dkms.conf's MAKE[0], BUILT_MODULE_NAME, install to
# updates/dkms); the result is an arm64 cellvisor.ko whose vermagic is the kernel's own.
#   dkms-build.sh DKMS-DEB VERSION KERNEL-DIR
# KERNEL-DIR is what .ci/install-deps unpacked (release, root/usr/src/linux-headers-*, ...).
set -u
deb=$1 version=$2 kernel=$3
top=$(cd "$(dirname "$0")/../../.." && pwd)
upstream=${version%-*}
release=$(sed -n 's/^release=//p' "$kernel/release")
headers=$kernel/root/usr/src/linux-headers-$release
# shellcheck source=tests/host/packages/tap.sh
. "$(dirname "$0")/tap.sh"

root=$tmp/root
mkdir -p "$root"
t "cellvisor-dkms unpacks (dpkg-deb -x)" dpkg-deb -x "$deb" "$root"
src=$root/usr/src/cellvisor-$upstream
conf=$src/dkms.conf
t "  ... into /usr/src/cellvisor-$upstream, with a dkms.conf" test -f "$conf"

# What dkms reads from dkms.conf, in a subshell with the variables dkms sets.
kernel_source_dir=/lib/modules/$release/build dkms_tree=/var/lib/dkms
# shellcheck disable=SC1090,SC2016,SC2034,SC2154 # dkms.conf is the package's, it reads kernelver
read_conf() { (kernelver=$release; . "$conf"; eval "echo \"\${$1}\""); }
make0=$(kernel_source_dir=$kernel_source_dir dkms_tree=$dkms_tree read_conf 'MAKE[0]')
echo "# dkms.conf: MAKE[0]=$make0"
t "dkms.conf: MAKE[0] builds M=\$dkms_tree/cellvisor/$upstream/build against the kernel's build dir" \
	[ "$make0" = "make -C $kernel_source_dir M=$dkms_tree/cellvisor/$upstream/build modules" ]
t "  ... BUILT_MODULE_NAME[0] is cellvisor" [ "$(read_conf 'BUILT_MODULE_NAME[0]')" = cellvisor ]
t "  ... DEST_MODULE_LOCATION[0] is /updates/dkms (where Debian's dkms puts it anyway)" \
	[ "$(read_conf 'DEST_MODULE_LOCATION[0]')" = /updates/dkms ]
t "  ... AUTOINSTALL: rebuilt for each new kernel" [ "$(read_conf AUTOINSTALL)" = yes ]
bea=$(read_conf BUILD_EXCLUSIVE_ARCH)
t "  ... built on aarch64 only (BUILD_EXCLUSIVE_ARCH $bea)" \
	bash -c "[[ aarch64 =~ $bea ]] && ! [[ x86_64 =~ $bea ]]"

# The build, as dkms install would do it.
t "dkms-install builds and installs it for $release" \
	"$top/tests/guest/dkms-install" "$root" cellvisor "$upstream" "$release" "$headers" "$tmp/work"
sed "s/^/# /" "$tmp/out"
ran=$(sed -n 's/^dkms-install: cellvisor [^ ]* for [^ ]*: //p' "$tmp/out")
t "  ... with MAKE[0] as dkms runs it (make -jN KERNELRELEASE=$release ...)" \
	[ "$ran" = "make -j$(nproc) KERNELRELEASE=$release -C $headers M=$tmp/work/dkms/cellvisor/$upstream/build modules" ]
ko=$root/lib/modules/$release/updates/dkms/cellvisor.ko
t "  ... the module is /lib/modules/$release/updates/dkms/cellvisor.ko" test -f "$ko"
t "  ... an arm64 kernel module" sh -c "file '$ko' | grep -q 'ELF 64-bit LSB relocatable, ARM aarch64'"
# The kernel's own modules carry its exact vermagic.
stock=$(find "$kernel/root/lib/modules/$release/kernel" -name virtio_console.ko | head -n1)
want=$(modinfo -F vermagic "$stock" 2>/dev/null)
got=$(modinfo -F vermagic "$ko" 2>/dev/null)
echo "# vermagic: $got (the kernel's: $want)"
t "  ... vermagic is the kernel's own" sh -c "[ -n '$want' ] && [ '$got' = '$want' ]"
t "  ... it is cellvisor, GPL, asks for cellvisor.bin" sh -c \
	"[ \"\$(modinfo -F name '$ko')\" = cellvisor ] && [ \"\$(modinfo -F license '$ko')\" = GPL ] && [ \"\$(modinfo -F firmware '$ko')\" = cellvisor.bin ]"
t "  ... stripped of debug information, as dkms does" sh -c "! readelf -S '$ko' | grep -q '\.debug_info'"
# Nothing came from the repository: the ABI headers are the tree's own include/.
t "  ... built from the package's tree alone (no path into the repository's sources)" \
	sh -c "! grep -rlE '$top/(include|kmod)/' --include='.*.cmd' '$tmp/work/dkms/cellvisor/$upstream/build'"
t "  ... with the headers of the tree's include/cellvisor" \
	sh -c "grep -q 'cellvisor/$upstream/build/include/cellvisor/ioctl.h' '$tmp/work/dkms/cellvisor/$upstream/build/.main.o.cmd'"

echo "1..$n"
[ $failed = 0 ]
