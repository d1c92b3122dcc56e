#!/bin/bash
# Linux in a cell (issue 15): the stock Debian kernel the root runs (/vmlinuz) boots in
# cell@linux-demo (CPUs 2-3, 124 MiB, the emulated PL011 as its console) from a device tree
# cellmgrd generates; its console is the unit's journal; the root keeps working meanwhile;
# systemctl stop shuts it down gracefully (its init answers the request in the comm region
# and powers off); CPUs and memory come back; five start/stop cycles in a row; a Linux that
# panics ends its cell failed (SYSTEM_RESET of a no_reset cell) while pci-demo runs on.
# timeout: 1200
. /usr/lib/cellvisor-test/tap.sh
. /usr/lib/cellvisor-test/bus.sh
sys=/sys/devices/cellvisor
since=
online() { cat /sys/devices/system/cpu/cpu$1/online; }
release=$(uname -r)

t "/boot has the kernel the root runs, /vmlinuz points at it" \
	cmp -s /vmlinuz "/boot/vmlinuz-$release"
t "cellvisor.service starts" systemctl start cellvisor.service
pool0=$(cat $sys/mem_pool_used)
echo "# mem_pool_used with no cell: $pool0"
t "cellctl config show prints linux-demo's device tree" \
	bash -c 'cellctl config show --device-tree /etc/cellvisor/cells/linux-demo.json >/tmp/dt &&
		grep -q "arm,gic-v3" /tmp/dt && grep -q "linux,initrd-start" /tmp/dt'

# The root hashes 64 MiB while the cell boots.
(head -c 64M /dev/zero | sha256sum >/tmp/root-work) &
work=$!
since=$(date '+%F %T')
t "systemctl start cell@linux-demo" systemctl start cell@linux-demo.service
t "  ... running" wait_state linux-demo running 30
t "  ... its journal has the kernel's banner" wait_log cell@linux-demo "Linux version $release" 120
t "  ... its CPUs: the second came up through PSCI CPU_ON in the cell" \
	wait_log cell@linux-demo "smp: Brought up 1 node, 2 CPUs" 120
t "  ... its console is the emulated PL011 (ttyAMA0)" \
	wait_log cell@linux-demo "ttyAMA0 at MMIO 0x9000000" 60
t "  ... and its init says: linux-demo: up $release" \
	wait_log cell@linux-demo "linux-demo: up $release" 120
t "  ... with 2 CPUs" wait_log cell@linux-demo "linux-demo: 2 CPUs" 10
wait $work
t "the root's work meanwhile is done and right" \
	[ "$(cut -d' ' -f1 /tmp/root-work)" = 3b6a07d0d404fab4e23b6d34bc6696a6a312dd92821332385e5af7c01c421351 ]
t "the root's CPUs 2 and 3 are the cell's" [ "$(online 2)$(online 3)" = 00 ]
t "no stall, lockup or oops in the root" \
	bash -c '! dmesg | grep -iE "rcu.*stall|soft lockup|hung task|Oops|BUG:"'

t "systemctl stop cell@linux-demo" systemctl stop cell@linux-demo.service
t "  ... its init answered the shutdown request" \
	wait_log cell@linux-demo "linux-demo: shutdown requested, powering off" 10
t "  ... and Linux powered off (PSCI SYSTEM_OFF)" wait_log cell@linux-demo "reboot: Power down" 10
t "  ... the unit is inactive, not failed" wait_unit cell@linux-demo.service inactive 30
t "  ... the cell is gone" eval '[ -z "$(cellpath linux-demo)" ]'
t "  ... CPUs 2 and 3 are the root's again" eval '[ "$(online 2)$(online 3)" = 11 ]'
t "  ... the hypervisor's memory pool is as before ($pool0 pages)" \
	[ "$(cat $sys/mem_pool_used)" = "$pool0" ]

cycles=0
for i in 1 2 3 4 5; do
	since=$(date '+%F %T')
	systemctl start cell@linux-demo.service &&
		wait_log cell@linux-demo "linux-demo: up $release" 120 >/dev/null &&
		systemctl stop cell@linux-demo.service &&
		wait_unit cell@linux-demo.service inactive && [ "$(online 2)$(online 3)" = 11 ] &&
		cycles=$((cycles + 1))
	echo "# cycle $i: $cycles good so far"
done
t "five start/stop cycles in a row, each up and shut down" [ $cycles = 5 ]
t "  ... the pool is as before" [ "$(cat $sys/mem_pool_used)" = "$pool0" ]

# A Linux that panics: a copy of linux-demo whose init crashes the kernel (panic=-1 makes
# Linux reset at once; SYSTEM_RESET of a no_reset cell fails it), beside pci-demo.
since=$(date '+%F %T')
t "cell@pci-demo starts as a bystander" systemctl start cell@pci-demo.service
t "  ... pci-demo: all checks passed" wait_log cell@pci-demo "pci-demo: all checks passed" 60
sed -e 's/"linux-demo"/"linux-panic"/' -e 's/"cmdline": "\([^"]*\)"/"cmdline": "\1 linux-demo.panic"/' \
	/etc/cellvisor/cells/linux-demo.json >/etc/cellvisor/cells/linux-panic.json
t "linux-panic's config differs in name and command line only" \
	bash -c 'diff /etc/cellvisor/cells/linux-demo.json /etc/cellvisor/cells/linux-panic.json | grep -c "^<" | grep -qx 2'
systemctl start cell@linux-panic.service
t "a panicking Linux: its journal has the panic" \
	wait_log cell@linux-panic "Kernel panic - not syncing" 180
t "  ... the hypervisor ends its cell failed, saying why" \
	bash -c "cellctl console --hypervisor 2>/dev/null | grep -qF \"cell 'linux-panic' failed: it cannot restart in place\""
t "  ... its unit fails: the follower exits 3 (the cell failed)" \
	eval 'wait_unit cell@linux-panic.service failed 30 && [ "$(unit cell@linux-panic.service ExecMainStatus)" = 3 ]'
t "  ... and the failed cell is destroyed (ExecStopPost)" eval '[ -z "$(cellpath linux-panic)" ]'
t "  ... pci-demo still runs" wait_state pci-demo running
t "  ... and the root is unharmed" bash -c '! dmesg | grep -iE "rcu.*stall|soft lockup|Oops|BUG:"'
systemctl stop cell@linux-panic.service cell@pci-demo.service
systemctl reset-failed cell@linux-panic.service
rm -f /etc/cellvisor/cells/linux-panic.json
t "  ... once stopped, CPUs and pool are back" \
	eval '[ "$(online 1)$(online 2)$(online 3)" = 111 ] && [ "$(cat $sys/mem_pool_used)" = "$pool0" ]'
echo "1..$n"
[ $fails = 0 ]
