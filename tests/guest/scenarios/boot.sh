#!/bin/sh
# The guest lab itself: systemd reaches multi-user with the system bus, on 4 CPUs, and Linux
# booted at EL2 with EL2 left to the hyp stub (KVM off), as Cellvisor needs; and Cellvisor's
# Debian packages as the image installed them: cellmgrd enabled and running from the boot,
# the module the one DKMS built from cellvisor-dkms, the hypervisor left for the
# administrator to enable.
# timeout: 300
. /usr/lib/cellvisor-test/tap.sh

state=$(systemctl is-system-running --wait)
t "systemd reached multi-user without failed units (state: $state)" [ "$state" = running ]
[ "$state" = running ] || systemctl --failed --no-legend
t "multi-user.target is active" systemctl -q is-active multi-user.target
t "the D-Bus system bus answers" sh -c "busctl --system status org.freedesktop.DBus >/dev/null"
t "polkit answers on the bus" sh -c "busctl --system introspect org.freedesktop.PolicyKit1 /org/freedesktop/PolicyKit1/Authority >/dev/null"
t "4 CPUs online" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
t "every CPU started at EL2" sh -c 'dmesg | grep -q "CPU: All CPU(s) started at EL2" 2>/dev/null'
t "the hyp stub holds EL2 (__hyp_stub_vectors present)" grep -q ' __hyp_stub_vectors$' /proc/kallsyms
t "KVM did not take EL2" sh -c '! dmesg | grep -q "kvm \[[0-9]*\]: Hyp mode initialized"'
t "Linux RAM ends at 0x70000000 (mem=768M)" sh -c 'grep "System RAM" /proc/iomem | tail -n1 | grep -q -- "-6fffffff"'
t "the unprivileged user exists" sh -c "id cvuser >/dev/null"

rel=$(uname -r)
t "cellmgrd.service is enabled (package cellvisor's postinst)" [ "$(systemctl is-enabled cellmgrd.service)" = enabled ]
t "  ... and came up with the boot" systemctl -q is-active cellmgrd.service
t "cells.target is enabled" [ "$(systemctl is-enabled cells.target)" = enabled ]
t "cellvisor.service is not enabled: the administrator decides" [ "$(systemctl is-enabled cellvisor.service)" = disabled ]
t "cellvisor.ko is the module DKMS built and installed" [ "$(modinfo -n cellvisor)" = "/lib/modules/$rel/updates/dkms/cellvisor.ko" ]
t "  ... for this kernel (vermagic $(modinfo -F vermagic cellvisor))" sh -c "modinfo -F vermagic cellvisor | grep -q '^$rel '"
t "  ... loaded for cellmgrd" grep -q '^cellvisor ' /proc/modules
t "the hypervisor is not enabled" [ "$(cat /sys/devices/cellvisor/enabled)" = 0 ]
t "cellctl reaches cellmgrd, which says so" sh -c "cellctl status | grep -q 'Cellvisor hypervisor - not enabled'"
t "the configuration is in place (conffiles)" test -f /etc/cellvisor/system.json -a -f /etc/cellvisor/cells/gic-demo.json
echo "# multi-user reached after $(systemctl show -P UserspaceTimestampMonotonic) us of userspace; uptime $(cut -d' ' -f1 /proc/uptime) s"
echo "1..$n"
[ $fails = 0 ]
