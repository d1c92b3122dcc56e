#!/bin/sh
# DMA isolation with the SMMUv3 (issue 13).  The guest's QEMU has iommu=smmuv3 (its node
# taken out of the root's device tree) and two edu devices that can address all memory:
# 00:01.0 for cells, 00:02.0 the root's own.
#  - the hypervisor takes the SMMU at enable; the root's own device DMAs to the root's RAM
#  - dma-attack (cell hostile-dma, edu 00:01.0): DMA through its own 'dma' RAM works; edu
#    reading the hypervisor's memory, the canary's RAM, the root's RAM and the cell's own RAM
#    without 'dma' brings nothing; writing there changes nothing, nor writing to the ITS's
#    and the distributor's MSI doorbells; the hypervisor names the device, the address, the
#    access and the cell for each; writing its BAR 0 over the root's RAM changes only the
#    cell's view of the register: the device still answers where it was
#  - the root's edu 00:02.0 writing into a cell's RAM or the hypervisor is blocked and
#    reported; the RAM of a destroyed cell is the root's to DMA to again
#  - the canary gic-demo ticks on, the root is unharmed, the pool is back after each cell
#  - enable and disable 20 times with the SMMU: the same pool usage every time, and Linux
#    gets the SMMU back as it left it (the root's device DMAs again after the last disable)
# timeout: 420
. /usr/lib/cellvisor-test/tap.sh
. /usr/lib/cellvisor-test/cells.sh
no_cellmgrd

# root_dma [ADDR]: the root's edu (00:02.0) copies a buffer through the root's RAM, then
# writes to physical ADDR if given; prints how many bytes came through (of 256)
root_dma() {
	rmmod cellvisor_hostile 2>/dev/null
	modprobe cellvisor_hostile attack=dma devfn=0x10 addr=${1:-0} || return 1
	cat /sys/module/cellvisor_hostile/parameters/result
	rmmod cellvisor_hostile
}
# blocked TEXT: the hypervisor reported a blocked DMA with TEXT, within 5 s
blocked() {
	eventually hvsaid "DMA blocked: device $1" >/dev/null ||
		{ echo "# hypervisor console lacks: DMA blocked: device $1"; return 1; }
}
nblocked() { $cvtool console --nonblock 2>/dev/null | grep -c "DMA blocked: device $1"; }

t "Linux does not see the SMMU (not in its device tree, no IOMMU group for 00:02.0)" \
	sh -c "! ls /sys/bus/platform/devices | grep -q smmu && [ ! -e /sys/bus/pci/devices/0000:00:02.0/iommu_group ]"
t "before the hypervisor: the root's edu DMAs through the root's RAM" \
	[ "$(root_dma)" = 256 ]
modprobe cellvisor
t "enable" sh -c "$cvtool enable $cfg/system.cvb >/dev/null"
t "  ... the hypervisor took the SMMU" hvsaid "Cellvisor: SMMUv3 at 0x9050000: 256 streams"
pool0=$(cat $sys/mem_pool_used)
t "the root's own edu still DMAs through the root's RAM" [ "$(root_dma)" = 256 ]
g=$(up gic-demo)
t "gic-demo (the canary) started" [ -n "$g" ]
t "  ... ticks" expect $g "gic-demo: tick 3 " 10000
pool1=$(cat $sys/mem_pool_used)

# --- A cell's device.
d=$(up hostile-dma dma-attack)
t "dma-attack started on CPU 2 with edu 00:01.0" [ -n "$d" ]
t "  ... DMA through its own 'dma' RAM works" expect $d "dma-attack: own RAM: 256 of 256 bytes" 20000
t "  ... reading the hypervisor's memory brought nothing" \
	expect $d "dma-attack: read the hypervisor at 0x70000000: nothing arrived" 30000
t "  ... nor reading the canary's RAM" \
	expect $d "dma-attack: read the canary gic-demo at 0x71000000: nothing arrived" 30000
t "  ... nor the root's RAM" expect $d "dma-attack: read the root at 0x50000000: nothing arrived" 30000
t "  ... nor its own RAM without 'dma'" \
	expect $d "dma-attack: read its own RAM without dma at 0x40400000: nothing arrived" 30000
t "  ... its write to its own RAM without 'dma' did not land" \
	expect $d "dma-attack: own RAM without dma at 0x40400000 holds its marker: not written" 30000
t "  ... its BAR 0 written over the root's RAM: its view says so, the device stays" \
	expect $d "dma-attack: BAR 0 written with 0x50000000, reads 0x50000000: the device still answers at 0x10000000" 30000
t "  ... done, nothing leaked" cellsaid $d "dma-attack: done, 0 leaked"
$cvtool console --nonblock | grep "DMA blocked" | sed 's/^/# /'
t "  ... the hypervisor reported its read of the hypervisor" \
	blocked "00:01.0 of cell 'hostile-dma' read 0x70000000"
t "  ... and of the canary's RAM" blocked "00:01.0 of cell 'hostile-dma' read 0x71000000"
t "  ... its write to the hypervisor" blocked "00:01.0 of cell 'hostile-dma' wrote 0x70000000"
t "  ... its write to the canary's RAM" blocked "00:01.0 of cell 'hostile-dma' wrote 0x71000000"
t "  ... its write to the root's RAM" blocked "00:01.0 of cell 'hostile-dma' wrote 0x50000000"
t "  ... its write to its own RAM without 'dma'" \
	blocked "00:01.0 of cell 'hostile-dma' wrote 0x40400000"
t "  ... its write to the ITS doorbell (an MSI)" \
	blocked "00:01.0 of cell 'hostile-dma' wrote 0x8090040"
t "  ... its write to GICD_SETSPI_NSR (a message-based SPI)" \
	blocked "00:01.0 of cell 'hostile-dma' wrote 0x8000040"
unharmed $g
t "  ... the cell itself runs on (a blocked DMA is the device's failure, not the cell's)" \
	[ "$(cat $sys/cells/$d/state)" = running ]

# --- The root's device, while the cells exist.
t "the root's edu writing into the canary's RAM: its own DMA still works" \
	[ "$(root_dma 0x71000000)" = 256 ]
t "  ... the write was blocked and reported" blocked "00:02.0 of cell 'root' wrote 0x71000000"
t "the root's edu writing into the hypervisor's memory" [ "$(root_dma 0x70001000)" = 256 ]
t "  ... blocked and reported" blocked "00:02.0 of cell 'root' wrote 0x70001000"
t "the root's edu writing into dma-attack's RAM" [ "$(root_dma 0x7d000000)" = 256 ]
t "  ... blocked and reported" blocked "00:02.0 of cell 'root' wrote 0x7d000000"
unharmed $g

t "destroy dma-attack" sh -c "$cvtool destroy $d >/dev/null"
t "  ... CPU 2 back online in Linux" online 2
t "  ... mem_pool_used back to $pool1" pool_is $pool1
t "  ... edu 00:01.0 is back in Linux" eventually [ -e /sys/bus/pci/devices/0000:00:01.0 ]
nb=$(nblocked "00:02.0 of cell 'root' wrote 0x7d000000")
t "the root's edu writes into that RAM again, now the root's" [ "$(root_dma 0x7d000000)" = 256 ]
sleep 1
t "  ... and nothing was blocked" [ "$(nblocked "00:02.0 of cell 'root' wrote 0x7d000000")" = "$nb" ]

# --- A well-behaved cell's DMA (pci-demo) next to it all, created and destroyed again.
for i in 1 2; do
	p=$(up pci-demo)
	t "pci-demo ($i): its edu DMAs to and from its RAM" \
		expect $p "pci-demo: DMA to and from the cell's RAM: ok" 30000
	t "  ... all its checks passed" expect $p "pci-demo: all checks passed" 10000
	t "  ... destroyed; mem_pool_used back to $pool1" \
		sh -c "$cvtool destroy $p >/dev/null && [ \$(cat $sys/mem_pool_used) = $pool1 ]"
done
wrap_up $g $pool0

# --- Enable and disable, 20 times.
bad=0
for i in $(seq 20); do
	$cvtool enable $cfg/system.cvb >/dev/null || { echo "# enable $i failed"; bad=$((bad + 1)); }
	u=$(cat $sys/mem_pool_used)
	[ "$u" = "$pool0" ] || { echo "# enable $i: mem_pool_used $u, not $pool0"; bad=$((bad + 1)); }
	hvsaid "SMMUv3 at 0x9050000: 256 streams" || bad=$((bad + 1))
	$cvtool disable >/dev/null || { echo "# disable $i failed"; bad=$((bad + 1)); }
done
t "enable and disable 20 times: every call worked, the SMMU taken, the pool at $pool0 each time" \
	[ $bad = 0 ]
t "  ... Linux has it back as it was: the root's edu DMAs again" [ "$(root_dma)" = 256 ]
t "no oops, warning or stall in the kernel log" no_kernel_trouble
echo "1..$n"
[ $fails = 0 ]
