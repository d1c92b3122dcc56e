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
