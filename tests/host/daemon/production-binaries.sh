#!/bin/bash
# The installed cellmgrd carries no test code: strings of each production binary (host and
# arm64 builds) show neither the test interface nor the test backend, and its --help offers
# the driver backend only.  The test build (after "--") must show both, so that the search
# is known to find them where they are.
#
#   production-binaries.sh PRODUCTION... -- TEST-BUILD
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
patterns=(org.cellvisor.test1 "test backend")
has() { strings -a "$1" | grep -qiF -- "$2"; }

prod=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do prod+=("$1"); shift; done
shift
test_build=${1:?usage: production-binaries.sh PRODUCTION... -- TEST-BUILD}

for p in "${patterns[@]}"; do
	if has "$test_build" "$p"; then ok "the test build contains \"$p\""
	else nok "the test build contains \"$p\" (is the search broken?)"; fi
	for b in "${prod[@]}"; do
		if has "$b" "$p"; then nok "$b contains \"$p\""
		else ok "$b contains no \"$p\""; fi
	done
done
host=${prod[0]}
if "$host" --help | grep -q -- '--backend=driver' && ! "$host" --help | grep -q -- '--backend=test'; then
	ok "$host --help offers the driver backend only"
else
	nok "$host --help offers the driver backend only"
	"$host" --help | sed 's/^/# /'
fi
if "$host" --backend=test:/nonexistent --state-dir=/nonexistent 2>&1 | grep -q 'unknown backend "test:/nonexistent"'; then
	ok "$host refuses --backend=test"
else
	nok "$host refuses --backend=test"
fi
echo "1..$n"
[ $fails = 0 ]
