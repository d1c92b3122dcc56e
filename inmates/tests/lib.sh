# Helpers shared by the inmates' host-tier test scripts (sourced, not run).
#
# QEMU's -kernel loads a flat image 512 KiB into RAM, and -device loader collides with the
# device tree QEMU puts at the start of RAM; so each .bin is wrapped, byte for byte, into an
# ELF whose one segment sits at 0x40000000, the address the hypervisor loads inmates at.

bindir=$(cd "$(dirname "$0")/.." && pwd)
cross=${CROSS_COMPILE:-aarch64-linux-gnu-}
qemu=${QEMU:-qemu-system-aarch64}
tmp=$(mktemp -d)
qemu_pid=
cleanup() {
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

n=0
failed=0
pass() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
# check DESCRIPTION COMMAND...: one TAP line from the command's status.
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}
finish() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }	# T0 T1
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }	# X >= Y

# qemu_start NAME [QEMU ARGS...]: boots NAME.bin (or $image.bin) in the background on a plain
# QEMU virt machine, serial output in $raw, a gdb stub on $gdb_sock.  With $shim set, the
# machine has EL2 and el2-shim.S plays the hypervisor's hypercall console and PSCI there.
qemu_start() {
	local name=$1
	shift
	raw=$tmp/$name.raw
	gdb_sock=$tmp/$name.gdb
	qemu_err=$tmp/$name.qemu-err
	t_start=$(now)
	: > "$raw"
	local machine=virt,gic-version=3 entry=(-e 0x40000000)
	if [ -n "${shim:-}" ]; then
		# el2-shim at 0x7ff00000 starts at EL2 and enters the inmate at EL1
		machine=$machine,virtualization=on
		entry=(-Ttext=0x7ff00000 -e _start "$bindir/tests/el2-shim.o")
	fi
	if ! "${cross}ld" -N --no-warn-rwx-segments -o "$tmp/$name.elf" "${entry[@]}" \
		-b binary --section-start=.data=0x40000000 "$bindir/${image:-$name}.bin"; then
		echo "# cannot wrap $bindir/${image:-$name}.bin into an ELF with ${cross}ld"
		return 1
	fi
	"$qemu" -M "$machine" -cpu cortex-a57 -m "${mem:-1G}" -nic none -display none \
		-monitor none -serial "file:$raw" -gdb "unix:$gdb_sock,server,wait=off" \
		-kernel "$tmp/$name.elf" "$@" 2> "$qemu_err" &
	qemu_pid=$!
}

# wait_for REGEX MAX_SECONDS: until the output matches (true) or the time is up (false).
wait_for() {
	local deadline
	deadline=$(awk -v a="$(now)" -v m="$2" 'BEGIN { printf "%.2f", a + m }')
	while kill -0 "$qemu_pid" 2>/dev/null; do
		grep -qE "$1" "$raw" && return 0
		at_least "$(now)" "$deadline" && return 1
		sleep 0.05
	done
	grep -qE "$1" "$raw"
}

qemu_stop() {
	kill "$qemu_pid" 2>/dev/null
	wait "$qemu_pid" 2>/dev/null
	qemu_pid=
	if [ -s "$qemu_err" ] && ! grep -q 'terminating on signal' "$qemu_err"; then
		sed 's/^/# qemu: /' "$qemu_err"
	fi
	echo "# $(basename "$raw" .raw): $(wc -l < "$raw") lines in $(elapsed "$t_start" "$(now)") s"
}

# boot NAME UNTIL MAX_SECONDS [QEMU ARGS...]: start, wait for UNTIL, stop.  With $mark1 and
# $mark2 set, $t_first/$t_second tell when lines matching them first appeared.
boot() {
	local name=$1 until=$2 max=$3 deadline seen
	shift 3
	t_first= t_second=
	qemu_start "$name" "$@" || return 1
	deadline=$(awk -v a="$t_start" -v m="$max" 'BEGIN { printf "%.2f", a + m }')
	while kill -0 "$qemu_pid" 2>/dev/null; do
		seen=false
		grep -qE "$until" "$raw" && seen=true
		# after the check for UNTIL, so that a mark it implies is seen
		if [ -n "${mark1:-}" ] && [ -z "$t_first" ] && grep -qE "$mark1" "$raw"; then
			t_first=$(now)
		fi
		if [ -n "${mark2:-}" ] && [ -z "$t_second" ] && grep -qE "$mark2" "$raw"; then
			t_second=$(now)
		fi
		$seen && break
		at_least "$(now)" "$deadline" && break
		sleep 0.05
	done
	qemu_stop
}

# The guest's memory through QEMU's gdb stub (the inmate runs with the MMU off: virtual
# addresses are physical).  Each call stops the CPU for a moment, then lets it go on.
gdb_run() {
	gdb-multiarch -q -nx -batch -ex 'set architecture aarch64' \
		-ex "target remote $gdb_sock" "$@" -ex detach 2>&1
}
mem_read32() {
	gdb_run -ex "printf \"value=%u\\n\", *(unsigned int *)$1" | sed -n 's/^value=//p'
}
mem_write32() {
	gdb_run -ex "set var *(unsigned int *)$1 = $2" > /dev/null
}

# Assertions on the console output (CRs removed).
console() { tr -d '\r' < "$raw"; }
first_line_is() { [ "$(console | head -n1)" = "$1" ]; }
has_line() { console | grep -qxE "$1"; }
no_line() { ! console | grep -qE "$1"; }
count_lines() { console | grep -cE "$1"; }
show_on_failure() { [ "$failed" -gt "$1" ] && console | sed 's/^/#   | /'; return 0; }
