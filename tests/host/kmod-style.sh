#!/bin/bash
# The kernel code follows Linux kernel style: checkpatch.pl --strict, of the same kernel
# version as the headers (fetched by .ci/install-deps), finds nothing in any file.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
checkpatch=$O/checkpatch/scripts/checkpatch.pl
if [ ! -x "$checkpatch" ] && [ ! -f "$checkpatch" ]; then
	echo "not ok 1 - checkpatch.pl is missing: run .ci/install-deps $O"
	exit 1
fi
cd "$top" || exit 1
n=0 fails=0
for f in $(find kmod tests/guest/modules -name '*.[ch]' | sort); do
	n=$((n + 1))
	out=$(perl "$checkpatch" --strict --no-tree --terse --show-types -f "$f" 2>&1)
	if [ -z "$(grep -E ': (ERROR|WARNING|CHECK):' <<<"$out")" ]; then
		echo "ok $n - $f is checkpatch --strict clean"
	else
		echo "not ok $n - $f: checkpatch --strict:"
		grep -E ': (ERROR|WARNING|CHECK):' <<<"$out" | sed 's/^/#   /'
		fails=$((fails + 1))
	fi
done
echo "1..$n"
[ $fails = 0 ]
