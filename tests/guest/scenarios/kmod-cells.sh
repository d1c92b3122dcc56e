#!/bin/sh
# The module's side of the cell calls, with the hypervisor enabled.  First what the module
# checks itself (malformed blobs, CPUs that are not the root cell's to give, the root cell
# or unknown ids as targets, images outside the loadable regions); then a whole lifecycle
# of uart-demo through the ioctls: create (its CPU leaves Linux, cells/<id> appears),
# load, start, shutdown, destroy (the CPU comes back), with sysfs and uevents following.
# timeout: 600
. /usr/lib/cellvisor-test/tap.sh
no_cellmgrd
cvtool=/usr/libexec/cellvisor-test/cvtool
sys=/sys/devices/cellvisor
cfg=/usr/share/cellvisor/configs
img=/usr/share/cellvisor/inmates/uart-demo.bin
logged() { dmesg | tail -n 5 | grep -qF -- "$1"; }
variant() { # variant OUT CELL SED-SCRIPT: /tmp/OUT.cvb, a changed copy of CELL's config
	sed -e "$3" /etc/cellvisor/cells/$2.json > /tmp/$1.json &&
		cellctl config compile --system /etc/cellvisor/system.json /tmp/$1.json -o /tmp/$1.cvb
}
# system_ram ADDRESS: /proc/iomem says Linux uses ADDRESS as System RAM
system_ram() {
	for r in $(sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM$/\1:\2/p' /proc/iomem); do
		[ $(($1)) -ge $((0x${r%:*})) ] && [ $(($1)) -le $((0x${r#*:})) ] && return 0
	done
	echo "# $1 is not System RAM in /proc/iomem"; return 1
}
# set_region BLOB INDEX FIELD VALUE: rewrite a field of memory region INDEX in a compiled
# blob (FIELD: 0 phys_start, 8 virt_start, 16 size, 24 flags), past cellctl's checks
set_region() {
	off=$(od -An -tu4 -j96 -N4 "$1" | tr -d ' ')	# cv_cell_config.mem_regions.offset
	bytes=
	for i in 0 1 2 3 4 5 6 7; do bytes="$bytes\\$(printf %03o $(( ($4 >> (8 * i)) & 255 )))"; done
	printf "$bytes" | dd of="$1" bs=1 seek=$((off + 32 * $2 + $3)) conv=notrunc 2>/dev/null
}
no_cells() { # destroy what a refusal that failed left behind, so the rest can go on
	for c in $(ls $sys/cells); do [ $c = 0 ] || $cvtool destroy $c; done
}

modprobe cellvisor
t "enable" $cvtool enable $cfg/system.cvb

# What the module refuses by itself.
for k in magic revision name allcpus cpu63; do $cvtool mutate-cell $cfg/uart-demo.cvb /tmp/bad-$k.cvb $k; done
t "create: bad magic -> EINVAL" reason EINVAL 10 $cvtool create /tmp/bad-magic.cvb
t "  ... explained" logged "it is not a cell configuration blob"
t "create: revision from the future -> EPROTO" reason EPROTO 58 $cvtool create /tmp/bad-revision.cvb
t "create: name without NUL -> EINVAL" reason EINVAL 10 $cvtool create /tmp/bad-name.cvb
t "create: every CPU of the root cell -> EBUSY" reason EBUSY 20 $cvtool create /tmp/bad-allcpus.cvb
t "  ... explained" logged "would take every CPU of the root cell"
t "create: a CPU the root cell does not have -> EBUSY" reason EBUSY 21 $cvtool create /tmp/bad-cpu63.cvb
t "  ... explained" logged "are not the root cell's to give"
t "no CPU went offline over the refusals" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
t "start the root cell -> EINVAL" reason EINVAL 5 $cvtool start 0
t "destroy the root cell -> EINVAL" reason EINVAL 5 $cvtool destroy 0
t "  ... explained" logged "cell 0 is the root cell"
t "destroy an unknown cell -> ENOENT" reason ENOENT 3 $cvtool destroy 42
t "shutdown an unknown cell -> ENOENT" reason ENOENT 3 $cvtool shutdown 42
t "load an unknown cell -> ENOENT" reason ENOENT 3 $cvtool load 42 $img@0x40000000
t "info of an unknown cell -> ENOENT" errno ENOENT $cvtool info 42
t "no cell but the root in sysfs" [ "$(ls $sys/cells)" = 0 ]

# Memory Linux runs in: the hypervisor sees only the root cell's configuration, which lists
# it; the module knows what Linux uses (issue 11).
t "0x6f000000 is System RAM of this Linux" system_ram 0x6f000000
t "0x6f800000 is System RAM of this Linux" system_ram 0x6f800000
variant ram uart-demo 's/"0x71400000"/"0x6f000000"/'
t "create: a RAM region inside Linux's System RAM -> EINVAL" reason EINVAL 31 $cvtool create /tmp/ram.cvb
t "  ... explained, with cell, region and range" logged \
	"create: cell 'uart-demo': memory region 0 (0x6f000000+0x400000) is System RAM of the root Linux; give a cell only memory reserved with mem="
no_cells
variant shared uart-demo '/"memory_regions": \[/a { "phys_start": "0x6f800000", "virt_start": "0x50000000", "size": "64 KiB", "flags": ["read", "root_shared"] },'
t "create: a root-shared region inside System RAM -> EINVAL" reason EINVAL 31 $cvtool create /tmp/shared.cvb
t "  ... explained" logged "memory region 0 (0x6f800000+0x10000) is System RAM of the root Linux"
no_cells
t "  ... no CPU left Linux" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
t "  ... Linux's memory is intact (64 MiB through tmpfs and back)" sh -c \
	'head -c 64M /dev/urandom | tee /dev/shm/ram | md5sum > /tmp/sum1 && md5sum < /dev/shm/ram > /tmp/sum2 && cmp /tmp/sum1 /tmp/sum2; st=$?; rm -f /dev/shm/ram; exit $st'

# A whole lifecycle.
udevadm monitor --kernel --property --subsystem-match=misc > /tmp/uevents 2>&1 &
mon=$!
sleep 0.5
out=$($cvtool create $cfg/uart-demo.cvb 2>&1); st=$?
echo "# create: status $st: $out"; dmesg | tail -n 3 | sed 's/^/# log: /'
t "create uart-demo" [ $st = 0 ]
if [ $st != 0 ]; then
	echo "# the lifecycle cannot go on without the cell"
	$cvtool disable
	echo "1..$n"
	exit 1
fi
id=$out
t "  ... its id is > 0" [ "${id:-0}" -gt 0 ] 2>/dev/null
t "  ... cells/<id>/name is uart-demo" [ "$(cat $sys/cells/$id/name)" = uart-demo ]
t "  ... state created" wait_cell $id created
t "  ... cpus_assigned 2" [ "$(cat $sys/cells/$id/cpus_assigned)" = 2 ]
t "  ... the root cell gave CPU 2 up" [ "$(cat $sys/cells/0/cpus_assigned)" = 0-1,3 ]
t "  ... CPU 2 is offline in Linux" [ "$(cat /sys/devices/system/cpu/online)" = 0-1,3 ]
t "create it twice -> EBUSY (CPU 2 is taken)" reason EBUSY 21 $cvtool create $cfg/uart-demo.cvb
t "load below the loadable region -> ERANGE" reason ERANGE 45 $cvtool load $id $img@0x3ffff000
t "  ... explained" logged "does not fit inside one of the cell's loadable memory regions"
t "load past its end -> ERANGE" reason ERANGE 45 $cvtool load $id $img@0x403ff800
t "load into the comm region (not loadable) -> ERANGE" reason ERANGE 45 $cvtool load $id $img@0x80000000
head -c 4096 /dev/zero > /tmp/page.bin
t "load uart-demo.bin at 0x40000000" $cvtool load $id $img@0x40000000
t "  ... state loadable" wait_cell $id loadable
t "start" $cvtool start $id
t "  ... state running" wait_cell $id running
t "disable with a cell -> EBUSY" reason EBUSY 52 $cvtool disable
t "  ... explained" logged "destroy every cell first"
t "info agrees with sysfs" sh -c "$cvtool info $id | grep -q '^name=uart-demo state=2 cpus=0x4 failed=0$'"
t "shutdown" $cvtool shutdown $id
t "  ... state shut down" wait_cell $id "shut down"
t "destroy" $cvtool destroy $id
t "  ... cells/<id> is gone" test ! -e $sys/cells/$id
t "  ... CPU 2 is back online in Linux" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
t "  ... the root cell has CPU 2 again" [ "$(cat $sys/cells/0/cpus_assigned)" = 0-3 ]
t "destroy it again -> ENOENT" reason ENOENT 3 $cvtool destroy $id

# A CPU the administrator took offline already: remove_cpu() says 1 ("nothing to do"), which
# create passed to userspace as the ioctl's result (no id, no cell).
echo 0 > /sys/devices/system/cpu/cpu2/online
c=$($cvtool create $cfg/uart-demo.cvb 2>&1); st=$?
echo "# create with CPU 2 offline already: status $st: $c"
t "create with the cell's CPU already offline in Linux" [ $st = 0 ]
t "  ... returns the cell's id" [ "${c:-0}" -gt 0 ] 2>/dev/null
t "  ... cells/<id> is uart-demo" [ "$(cat $sys/cells/$c/name 2>&1)" = uart-demo ]
[ "${c:-0}" -gt 0 ] 2>/dev/null && $cvtool destroy $c
no_cells
t "  ... CPU 2 online again after destroy" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
echo 1 > /sys/devices/system/cpu/cpu2/online 2>/dev/null

# A communication region marked loadable: it has no address (phys_start 0), so a load there
# would write wherever physical address 0 is.
cp $cfg/uart-demo.cvb /tmp/comm.cvb
set_region /tmp/comm.cvb 2 24 0x63	# read, write, loadable, comm_region
c=$($cvtool create /tmp/comm.cvb 2>&1); st=$?
echo "# create with a loadable comm region: status $st: $c"
if [ $st = 0 ]; then
	t "load into a loadable comm region -> ERANGE" reason ERANGE 45 $cvtool load $c /tmp/page.bin@0x80000000
	t "  ... explained" logged "does not fit inside one of the cell's loadable memory regions"
	t "  ... destroy it" $cvtool destroy $c
else
	t "a loadable comm region is refused at create (the hypervisor's rule)" \
		sh -c 'case "$1" in *": EINVAL ("*) ;; *) exit 1 ;; esac' - "$c"
fi
no_cells
sleep 0.5
kill $mon; wait $mon 2>/dev/null
grep -E "CELLVISOR_EVENT|CELL_STATE" /tmp/uevents | sed 's/^/# uevent: /'
t "uevents: cell-created, cell-state and cell-destroyed for uart-demo" sh -c \
	"grep -q CELLVISOR_EVENT=cell-created /tmp/uevents && grep -q CELLVISOR_EVENT=cell-state /tmp/uevents && grep -q CELLVISOR_EVENT=cell-destroyed /tmp/uevents"
t "disable" $cvtool disable
t "no oops or warning in the kernel log" sh -c "! dmesg | grep -qE 'Oops|WARNING:|BUG:'"
echo "1..$n"
[ $fails = 0 ]
