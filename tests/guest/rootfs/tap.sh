# Sourced by the guest scenarios (. /usr/lib/cellvisor-test/tap.sh): TAP output.
# t DESCRIPTION COMMAND...: run COMMAND, print one TAP line for its status; $fails counts the
# failures and $n the checks, so a scenario ends with: echo "1..$n"; [ $fails = 0 ]
n=0
fails=0
t() {
	desc=$1; shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $desc"; else echo "not ok $n - $desc"; fails=$((fails + 1)); fi
}

# wait_cell ID STATE: cell ID reaches STATE in the module's sysfs within 10 s
wait_cell() {
	for _ in $(seq 100); do
		[ "$(cat /sys/devices/cellvisor/cells/"$1"/state 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	echo "# cell $1 state: $(cat /sys/devices/cellvisor/cells/"$1"/state 2>&1), wanted $2"
	return 1
}

# eventually COMMAND...: COMMAND succeeds within 5 s (asynchronous news: consoles, uevents)
eventually() {
	for _ in $(seq 50); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# poke FILE OFFSET SIZE VALUE: VALUE as SIZE (1, 2 or 4) little-endian bytes at OFFSET (a
# multiple of SIZE), in one write: a sysfs PCI "config" file makes it one config access
poke() {
	_p="" _i=0
	while [ $_i -lt "$3" ]; do
		_p="$_p$(printf '\\%03o' $(($4 >> (8 * _i) & 255)))"
		_i=$((_i + 1))
	done
	# shellcheck disable=SC2059 # the octal escapes are the format on purpose
	printf "$_p" | dd of="$1" bs="$3" seek=$(($2 / $3)) count=1 conv=notrunc 2>/dev/null
}

# errno NAME COMMAND...: the command fails and cvtool names errno NAME
errno() {
	want=$1; shift
	out=$("$@" 2>&1); st=$?
	echo "# $*: status $st: $out"
	[ $st != 0 ] && echo "$out" | grep -q ": $want ("
}

# reason NAME N COMMAND...: a management command of cvtool fails with errno NAME and the
# refusal reason N of include/cellvisor/reason.h (cvtool prints "refusal: reason=N ...")
reason() {
	want=$1 why=$2; shift 2
	out=$("$@" 2>&1); st=$?
	echo "# $*: status $st: $out"
	[ $st != 0 ] && echo "$out" | grep -q ": $want (" &&
		echo "$out" | grep -q "refusal: reason=$why "
}

# no_cellmgrd: for a scenario that drives /dev/cellvisor itself.  Package cellvisor enables
# cellmgrd.service, which holds the device open from boot (a managed system's only opener:
# the module could not be unloaded, and the daemon would follow every change): stop it.
# Nothing in such a scenario calls its bus name, so D-Bus does not activate it again.
# Called before any check: if it cannot, the scenario stops there with one failure.
no_cellmgrd() {
	systemctl stop cellmgrd.service && ! systemctl -q is-active cellmgrd.service && return 0
	echo "not ok 1 - cellmgrd.service stops, so that this scenario has /dev/cellvisor to itself"
	echo "1..1"
	exit 1
}
