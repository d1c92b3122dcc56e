# Sourced by the host tests that search the source tree for code that must not be there
# (no-console-parsing.sh, names-once.sh): they set 'dirs' (where to look), call
#   check DESCRIPTION REGEX [ALLOWED-FILE]
# once a rule (ok when no .c or .h file under $dirs but ALLOWED-FILE matches the extended
# REGEX; the hits are printed otherwise), then 'finish'.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
n=0 fails=0
check() {
	n=$((n + 1))
	hits=$(grep -rnE "$2" $dirs --include='*.c' --include='*.h' | grep -v "^${3:-/}:")
	if [ -z "$hits" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1:"
		sed 's/^/#   /' <<<"$hits"
		fails=$((fails + 1))
	fi
}
finish() {
	echo "1..$n"
	[ $fails = 0 ]
}
