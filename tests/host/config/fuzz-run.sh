#!/bin/bash
# Run the configuration fuzzer for SECONDS and print one TAP line.
#   fuzz-run.sh FUZZER CORPUS_DIR SECONDS SEED...
# The corpus directory persists between runs; the seeds (our configs) are copied into it.
set -u
fuzzer=$1 corpus=$2 seconds=$3
shift 3
mkdir -p "$corpus"
cp -f "$@" "$corpus"/
log=$(mktemp)
"$fuzzer" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=1024 \
	-artifact_prefix="$corpus/../" "$corpus" >"$log" 2>&1
status=$?
runs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*')
if [ "$status" = 0 ] && [ -n "$runs" ]; then
	echo "ok 1 - fuzzing the config parser and validator for ${seconds} s: $runs inputs, no failure"
else
	tail -n 40 "$log" | sed 's/^/# /'
	echo "not ok 1 - fuzzing the config parser and validator (status $status, see the crash above)"
fi
rm -f "$log"
echo "1..1"
[ "$status" = 0 ]
