#!/bin/sh
# make demo: Cellvisor end to end in the guest, the way a user drives it.
say() { printf '\n=== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed 's/^/  /'; }

say "The guest booted: systemd $(systemctl is-system-running --wait), uptime $(cut -d' ' -f1 /proc/uptime) s"
echo "  CPUs online: $(cat /sys/devices/system/cpu/online)"
dmesg | grep -E "CPU: All CPU\(s\) started at EL2" | sed 's/^/  /'
grep -q ' __hyp_stub_vectors$' /proc/kallsyms &&
	echo "  EL2 is held by Linux's hyp stub (__hyp_stub_vectors); KVM is off"

say "Enable the hypervisor: cellvisor.service asks cellmgrd, which loads cellvisor.ko and cellvisor.bin"
run systemctl start cellvisor.service
run systemctl --no-pager --lines=0 status cellmgrd.service cellvisor.service
dmesg | grep -E "cellvisor" | tail -n 3 | sed 's/^/  /'
run cellctl list
run busctl get-property org.cellvisor.cell1 /org/cellvisor/cell1 org.cellvisor.cell1.Manager Enabled
echo "  the root Linux now runs as a cell: exits so far $(cat /sys/devices/cellvisor/cells/0/statistics/exits_total 2>/dev/null)"

say "Linux keeps working as the root cell: CPU 3 leaves and comes back through PSCI, which the hypervisor now handles"
psci=/sys/devices/cellvisor/cells/0/statistics/exits_psci
before=$(cat $psci)
run sh -c 'echo 0 > /sys/devices/system/cpu/cpu3/online; cat /sys/devices/system/cpu/online'
run sh -c 'echo 1 > /sys/devices/system/cpu/cpu3/online; cat /sys/devices/system/cpu/online'
echo "  PSCI calls trapped by the hypervisor: $before -> $(cat $psci)"
run cellctl status root

say "Stop: cellvisor.service disables the hypervisor through cellmgrd"
run systemctl stop cellvisor.service
run cat /sys/devices/cellvisor/enabled
echo "  CPUs online: $(cat /sys/devices/system/cpu/online)"
echo "demo: done"
