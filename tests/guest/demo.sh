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

say "Start the demo cells declaratively: systemctl start cell@NAME"
for c in gic-demo uart-demo pci-demo; do
	run systemctl start "cell@$c.service"
done
sleep 5
run cellctl list
for c in gic-demo pci-demo; do
	say "What $c printed (journalctl -u cell@$c)"
	journalctl -u "cell@$c" --no-pager -o cat | tail -n 12 | sed 's/^/  /'
done
echo "  (uart-demo drives the PL011 itself: its count is in the PL011 output below)"

say "Inter-cell communication: the root and ivshmem-demo share a link (1 MiB, doorbells both ways)"
echo "  the root's side is /dev/cellvisor-link-ivshmem-demo (cellvisor-link(4)), which the"
echo "  cellvisor-link tool (cellvisor-link(1)) talks through; gic-demo makes room on CPU 3"
run systemctl stop cell@gic-demo.service
run systemctl start cell@ivshmem-demo.service
run cellctl links
run cellvisor-link wait ivshmem-demo ivshmem-demo up 10000
printf '$ %s\n' "cellvisor-link send ivshmem-demo 'hello, cell: this is the root speaking'"
cellvisor-link send ivshmem-demo "hello, cell: this is the root speaking" 2>&1 | sed 's/^/  /'
run cellvisor-link receive ivshmem-demo
run cellvisor-link echo ivshmem-demo 100 4096
run cellvisor-link info ivshmem-demo
run cellctl links
say "What ivshmem-demo printed (journalctl -u cell@ivshmem-demo)"
journalctl -u cell@ivshmem-demo --no-pager -o cat | tail -n 8 | sed 's/^/  /'

say "Linux in a cell: the kernel the root runs (/vmlinuz) boots in cell@linux-demo on CPUs 2 and 3"
echo "  cellmgrd generates its device tree:"
run sh -c "cellctl config show --device-tree linux-demo | head -n 45"
echo "  its console is a PL011 the hypervisor emulates, and its journal is the unit's"
for c in uart-demo ivshmem-demo; do
	run systemctl stop "cell@$c.service"
done
run systemctl start cell@linux-demo.service
for _ in $(seq 600); do
	journalctl -u cell@linux-demo -o cat | grep -q "linux-demo: up" && break
	sleep 0.2
done
run cellctl list
say "What linux-demo printed (journalctl -u cell@linux-demo, first and last lines)"
journalctl -u cell@linux-demo --no-pager -o cat | grep -E "Booting Linux|Linux version|Machine model|psci:|GICv3: CPU|smp:|ttyAMA0|Run /init" | sed 's/^/  /'
journalctl -u cell@linux-demo --no-pager -o cat | grep "^linux-demo:" | sed 's/^/  /'
say "Stop it: its init answers the shutdown request and powers off"
run systemctl stop cell@linux-demo.service
journalctl -u cell@linux-demo --no-pager -o cat | tail -n 4 | sed 's/^/  /'
run systemctl is-active cell@linux-demo.service

say "Stop: the cells are shut down and destroyed, then cellvisor.service disables the hypervisor"
run systemctl stop cellvisor.service
run cat /sys/devices/cellvisor/enabled
echo "  CPUs online: $(cat /sys/devices/system/cpu/online)"
echo "demo: done"
