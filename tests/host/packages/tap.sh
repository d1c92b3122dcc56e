# shellcheck shell=bash
# Sourced by the package tests: TAP output into $n and $failed, a scratch directory $tmp.
# t DESCRIPTION COMMAND...: one TAP line for the command's status (its output as comments
# when it fails).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
t() {
	local what=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>&1; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		sed 's/^/#   /' "$tmp/out" | head -n 40
		failed=$((failed + 1))
	fi
}
