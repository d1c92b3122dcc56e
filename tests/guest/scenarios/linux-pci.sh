#!/bin/bash
# A Linux cell with a PCI function (issue 15): linux-demo gets pci-demo's edu (00:01.0,
# BAR 0: 1 MiB at 0x10000000, INTx on SPI 36).  Its generated device tree has the PCI host
# (the platform's ECAM window, which the hypervisor traps), a window for the BAR and
# probe-only; Linux sizes the BAR through the hypervisor's view of it, finds it where the
# configuration puts it, enables the function and reads the edu's identification register
# through the BAR.  The real BAR never moves: the root gets the function back where it was.
# timeout: 900
. /usr/lib/cellvisor-test/tap.sh
. /usr/lib/cellvisor-test/bus.sh
edu=/sys/bus/pci/devices/0000:00:01.0
bar0() { head -n 1 "$edu/resource" | cut -d' ' -f1-2; }

cp /etc/cellvisor/cells/linux-demo.json /tmp/linux-demo.json.orig
cat >/tmp/pci.json <<'EOT'
	"irqs": [36],
	"pci_devices": [
		{ "bdf": "00:01.0", "intx_irq": 36,
		  "bars": [ { "address": "0x10000000", "size": "1 MiB" } ] }
	],
EOT
# the PCI part goes before "memory_regions"; the command line asks the init to read the BAR
awk 'FNR == NR { pci = pci $0 "\n"; next }
	/^\t"memory_regions"/ { printf "%s", pci }
	{ sub(/panic=-1"/, "panic=-1 linux-demo.pci-read\""); print }' /tmp/pci.json \
	/tmp/linux-demo.json.orig >/etc/cellvisor/cells/linux-demo.json
t "linux-demo with pci-demo's function is valid" \
	cellctl config check /etc/cellvisor/cells/linux-demo.json
cellctl config show --device-tree /etc/cellvisor/cells/linux-demo.json >/tmp/dt 2>&1
t "its device tree has the PCI host on the platform's ECAM window" \
	grep -q 'pcie@4010000000' /tmp/dt
t "  ... generic ECAM, probe-only, the BAR's window, INTx on SPI 4 (36)" \
	bash -c 'grep -q pci-host-ecam-generic /tmp/dt && grep -q "linux,pci-probe-only" /tmp/dt &&
		grep -q "ranges = <0x2000000 0x0 0x10000000 0x0 0x10000000 0x0 0x100000>" /tmp/dt &&
		grep -q "interrupt-map = <0x800 0x0 0x0 0x1 0x1 0x0 0x4 0x4" /tmp/dt' ||
	sed -n '/pcie@/,/};/p' /tmp/dt | sed 's/^/# /'

t "cellvisor.service starts" systemctl start cellvisor.service
before=$(bar0)
echo "# the root's edu: BAR 0 $before"
t "the root has the edu, BAR 0 at 0x10000000" [ "${before%% *}" = 0x0000000010000000 ]
t "systemctl start cell@linux-demo" systemctl start cell@linux-demo.service
t "  ... Linux is up" wait_log cell@linux-demo "linux-demo: up $(uname -r)" 180
t "  ... it found the function, BAR 0 (1 MiB) where the configuration puts it" \
	wait_log cell@linux-demo "linux-demo: pci 0000:00:01.0 0x1234:0x11e8, BAR 0 0x0000000010000000-0x00000000100fffff" 30
t "  ... and reads the edu's identification register through it" \
	wait_log cell@linux-demo "reads 0x010000ED" 30
t "  ... the root does not have it meanwhile" [ ! -e $edu ]
t "  ... the hypervisor saw no BAR bigger than the configuration's" \
	bash -c '! grep -q "decodes 0x" /sys/devices/cellvisor/console'
t "no stall, lockup or oops in the root" \
	bash -c '! dmesg | grep -iE "rcu.*stall|soft lockup|hung task|Oops|BUG:"'
t "systemctl stop cell@linux-demo" systemctl stop cell@linux-demo.service
t "  ... the unit is inactive" wait_unit cell@linux-demo.service inactive 30
t "the root has the edu back, its BAR 0 where it was" eval '[ "$(bar0)" = "$before" ]'
cp /tmp/linux-demo.json.orig /etc/cellvisor/cells/linux-demo.json
echo "1..$n"
[ "$fails" = 0 ]
