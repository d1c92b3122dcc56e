#!/bin/bash
# Run a test program, built without sanitizers, under valgrind; print one TAP line.
#   valgrind-run.sh PROGRAM [ARGS...]
set -u
log=$(mktemp)
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	"$@" >"$log" 2>&1
status=$?
tests=$(grep -c '^ok' "$log")
if [ "$status" = 0 ] && ! grep -q '^not ok' "$log" && [ "$tests" -gt 0 ]; then
	echo "ok 1 - $(basename "$1") under valgrind: $tests tests pass, no memory error or leak"
else
	grep -v '^ok' "$log" | tail -n 40 | sed 's/^/# /'
	echo "not ok 1 - $(basename "$1") under valgrind (status $status)"
fi
rm -f "$log"
echo "1..1"
