#!/bin/bash
# Run one of the libFuzzer targets for SECONDS and print one TAP line.
#   fuzz-run.sh FUZZER CORPUS_DIR SECONDS DESCRIPTION [SEED...]
# The corpus directory persists between runs; the seeds are copied into it.  A crash leaves
# its input next to the corpus (crash-*, timeout-*, leak-*): reproduce with 'FUZZER FILE'.
set -u
fuzzer=$1 corpus=$2 seconds=$3 desc=$4
shift 4
mkdir -p "$corpus"
[ $# = 0 ] || cp -f "$@" "$corpus"/
log=$(mktemp)
"$fuzzer" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$corpus/../$(basename "$fuzzer")-" "$corpus" >"$log" 2>&1
status=$?
runs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*')
if [ "$status" = 0 ] && [ -n "$runs" ]; then
	echo "ok 1 - fuzzing $desc for ${seconds} s: $runs inputs, no failure"
else
	tail -n 40 "$log" | sed 's/^/# /'
	echo "not ok 1 - fuzzing $desc (status $status, see the crash above)"
fi
rm -f "$log"
echo "1..1"
[ "$status" = 0 ]
