# Sourced by the guest scenarios that drive cells through the module with cvtool, after
# tap.sh (. /usr/lib/cellvisor-test/cells.sh): paths, and the checks they share.
cvtool=/usr/libexec/cellvisor-test/cvtool
sys=/sys/devices/cellvisor
cfg=/usr/share/cellvisor/configs
inm=/usr/share/cellvisor/inmates

# hvsaid TEXT: the hypervisor console has a line with TEXT
hvsaid() {
	$cvtool console --nonblock 2>/dev/null | grep -qF -- "$1" ||
		{ echo "# hypervisor console lacks: $1"; return 1; }
}
# up CONFIG [INMATE]: create CONFIG.cvb, load INMATE (a name in $inm, or a path; default
# CONFIG's namesake) at 0x40000000, start; print the id
up() {
	case ${2:-$1} in
	*/*) _img=${2:-$1} ;;
	*) _img=$inm/${2:-$1}.bin ;;
	esac
	_id=$($cvtool create $cfg/$1.cvb) &&
		$cvtool load $_id "$_img@0x40000000" >/dev/null &&
		$cvtool start $_id >/dev/null && echo $_id
}
# expect ID TEXT TIMEOUT_MS: cell ID's console shows TEXT in time (its last lines if not)
expect() {
	$cvtool console --cell $1 --timeout $3 --expect "$2" >/tmp/expect.$1 2>&1 && return 0
	tail -n 3 /tmp/expect.$1 | sed 's/^/# cell: /'
	return 1
}
# cellsaid ID TEXT: cell ID's console so far has a line with TEXT
cellsaid() {
	$cvtool console --cell $1 --nonblock 2>/dev/null | grep -qF -- "$2" ||
		{ echo "# cell $1's console lacks: $2"; return 1; }
}
# lasttick ID: the number of gic-demo's last tick in cell ID
lasttick() {
	$cvtool console --cell $1 --nonblock | sed -n 's/^gic-demo: tick \([0-9]*\) .*/\1/p' |
		tail -n1
}
# ticking ID: gic-demo in cell ID ticks on (a new tick within 3 s)
ticking() {
	_k0=$(lasttick $1)
	for _ in $(seq 30); do
		sleep 0.1
		_k1=$(lasttick $1)
		[ "${_k1:-0}" -gt "${_k0:-0}" ] && return 0
	done
	echo "# gic-demo in cell $1: no tick after tick ${_k0:-none} in 3 s"
	return 1
}
# no_kernel_trouble: nothing in the kernel log says a CPU or the kernel got hurt
no_kernel_trouble() {
	! dmesg | grep -E 'Oops|BUG:|WARNING:|rcu.*stall|soft lockup|hard LOCKUP|Call trace|failed to come online|Unknown IPI|unexpected IPI' |
		sed 's/^/# dmesg: /' | grep .
}
# root_cpus_answer: every CPU online in Linux runs a task within 10 s
root_cpus_answer() {
	for _c in $(seq 0 3); do
		[ "$(cat /sys/devices/system/cpu/cpu$_c/online 2>/dev/null || echo 1)" = 1 ] || continue
		timeout 10 taskset -c $_c true || { echo "# CPU $_c does not answer"; return 1; }
	done
}
# online CPU...: each CPU is online in Linux (within 5 s) and runs a task
online() {
	for _c; do
		eventually sh -c "[ \"\$(cat /sys/devices/system/cpu/cpu$_c/online)\" = 1 ]" ||
			{ echo "# CPU $_c is not online"; return 1; }
		timeout 10 taskset -c $_c true || { echo "# CPU $_c does not answer"; return 1; }
	done
}
# unharmed CANARY: the root and gic-demo in cell CANARY took no harm; one TAP line each
unharmed() {
	t "  ... gic-demo (the canary) ticks on" ticking $1
	t "  ... every root CPU answers" root_cpus_answer
	t "  ... no oops, warning or stall in the kernel log" no_kernel_trouble
	t "  ... cvtool and sysfs answer" \
		sh -c "$cvtool info $1 >/dev/null && cat $sys/mem_pool_used $sys/cells/0/state >/dev/null"
}
# pool_is PAGES: mem_pool_used is PAGES (says what it is if not)
pool_is() {
	_u=$(cat $sys/mem_pool_used)
	[ "$_u" = "$1" ] || { echo "# mem_pool_used is $_u, not $1"; return 1; }
}
# put64 FILE OFFSET VALUE: VALUE as 8 little-endian bytes at OFFSET
put64() {
	_b='' _i=0
	while [ $_i -lt 8 ]; do
		_b="$_b$(printf '\\%03o' $(( ($3 >> (8 * _i)) & 255 )))"
		_i=$((_i + 1))
	done
	# shellcheck disable=SC2059 # the octal escapes are the format on purpose
	printf "$_b" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
# get64 FILE OFFSET: the 8 little-endian bytes at OFFSET, as a decimal number
get64() {
	od -An -tu8 -j "$2" -N8 "$1" | tr -d ' '
}
# Fields of a compiled cell blob (include/cellvisor/config.h), to make what cellctl would
# refuse: set_region BLOB INDEX FIELD VALUE for memory region INDEX (FIELD: 0 phys_start,
# 8 virt_start, 16 size, 24 flags); set_bar BLOB DEVICE BAR FIELD VALUE for a BAR of PCI
# device DEVICE (FIELD: 0 address, 8 size)
set_region() {
	_off=$(od -An -tu4 -j96 -N4 "$1" | tr -d ' ')	# cv_cell_config.mem_regions.offset
	put64 "$1" $((_off + 32 * $2 + $3)) "$4"
}
set_bar() {
	_off=$(od -An -tu4 -j112 -N4 "$1" | tr -d ' ')	# cv_cell_config.pci_devices.offset
	put64 "$1" $((_off + 112 * $2 + 16 + 16 * $3 + $4)) "$5"
}

# wrap_up CANARY POOL0: the end of a hostile or fuzz scenario: the gic-demo canary CANARY is
# destroyed, every CPU and the pool (mem_pool_used POOL0) are back, root CPUs answer, a new
# cell runs, the hypervisor disables and the kernel log is clean
wrap_up() {
	t "destroy gic-demo" sh -c "$cvtool destroy $1 >/dev/null"
	t "  ... every CPU online" [ "$(cat /sys/devices/system/cpu/online)" = 0-3 ]
	t "  ... mem_pool_used back to $2" pool_is $2
	t "  ... every root CPU answers" root_cpus_answer
	_g2=$(up gic-demo)
	t "a new cell afterwards" [ -n "$_g2" ]
	t "  ... ticks" expect $_g2 "gic-demo: tick 3 " 10000
	t "  ... destroyed" sh -c "$cvtool destroy $_g2 >/dev/null"
	t "disable" sh -c "$cvtool disable >/dev/null"
	t "no oops, warning or stall in the kernel log" no_kernel_trouble
}
