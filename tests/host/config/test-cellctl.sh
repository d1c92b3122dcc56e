#!/bin/bash
# cellctl config check|compile|show on the host: exit status, messages, round trips.
#   test-cellctl.sh CELLCTL CONFIGS_DIR SOURCE_TOP
set -u
cellctl=$1 configs=$2 top=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

# t DESCRIPTION EXPECTED_STATUS COMMAND...: run, keep stdout/stderr in $tmp/out, $tmp/err.
t() {
	local what=$1 want=$2 status
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	n=$((n + 1))
	if [ "$status" = "$want" ]; then
		echo "ok $n - $what (exit $status)"
	else
		echo "not ok $n - $what: exit $status, expected $want"
		sed 's/^/#   /' "$tmp/err" | head -n 20
		failed=$((failed + 1))
	fi
}

# has DESCRIPTION FILE TEXT: the file contains the text.
has() {
	n=$((n + 1))
	if grep -qF -- "$3" "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: no '$3' in:"
		sed 's/^/#   /' "$2" | head -n 20
		failed=$((failed + 1))
	fi
}

sys=$configs/system.json
cells=("$configs/gic-demo.json" "$configs/uart-demo.json" "$configs/pci-demo.json")

t "every config checks alone: system" 0 "$cellctl" config check "$sys"
for c in "${cells[@]}"; do
	t "every config checks alone: $(basename "$c")" 0 "$cellctl" config check "$c"
	has "a cell alone says what it could not check" "$tmp/err" "note: checked without a system configuration"
	t "with --system: $(basename "$c")" 0 "$cellctl" config check --system "$sys" "$c"
done
t "the whole set checks together" 0 "$cellctl" config check "$sys" "${cells[@]}"
has "the summary counts the files" "$tmp/out" "4 files checked: 0 errors, 0 warnings"
t "options may come before the verb (cellctl --system F config check)" 0 \
	"$cellctl" --system "$sys" config check "${cells[0]}"
t "  ... and before the config verb's own verb" 0 "$cellctl" config --system "$sys" check "${cells[0]}"

for f in "$sys" "${cells[@]}"; do
	name=$(basename "$f" .json)
	t "compile $name" 0 "$cellctl" config compile --system "$sys" "$f" -o "$tmp/$name.cvb"
	t "show $name.cvb as JSON" 0 "$cellctl" config show --json "$tmp/$name.cvb"
	cp "$tmp/out" "$tmp/$name.rt.json"
	t "recompile the decoded $name" 0 "$cellctl" config compile --system "$sys" \
		"$tmp/$name.rt.json" -o "$tmp/$name.rt.cvb"
	n=$((n + 1))
	if cmp -s "$tmp/$name.cvb" "$tmp/$name.rt.cvb"; then
		echo "ok $n - round trip of $name: JSON -> blob -> JSON -> blob is identical"
	else
		echo "not ok $n - round trip of $name changed the blob"
		failed=$((failed + 1))
	fi
	t "check the blob of $name" 0 "$cellctl" config check --system "$sys" "$tmp/$name.cvb"
done
t "show a JSON cell, readable" 0 "$cellctl" config show "$configs/pci-demo.json"
has "show lists the PCI device" "$tmp/out" "0000:00:01.0 INTx 36, BAR0 0x10000000 1 MiB"
t "show a binary system, readable" 0 "$cellctl" config show "$tmp/system.cvb"
has "show names the platform" "$tmp/out" "4 CPUs, GICv3: GICD 0x8000000, GICR 0x80a0000"

# Invalid input: every problem, in FILE: PATH: problem form, exit 1.
sed -e 's/"cpus": \[3\]/"cpus": [0, 3]/' -e 's/"4 MiB"/"0"/' "$configs/gic-demo.json" >"$tmp/bad.json"
t "an invalid cell is rejected" 1 "$cellctl" config check "$sys" "$tmp/bad.json"
t "  ... also with the system given as an option before the verb" 1 \
	"$cellctl" --system "$sys" config check "$tmp/bad.json"
has "first problem reported" "$tmp/err" "$tmp/bad.json: .cpus: CPU 0 always stays with the root cell"
has "second problem reported too" "$tmp/err" "$tmp/bad.json: .memory_regions[0].size: region is empty"
t "compile refuses an invalid cell" 1 "$cellctl" config compile --system "$sys" "$tmp/bad.json" -o "$tmp/bad.cvb"
n=$((n + 1))
if [ ! -e "$tmp/bad.cvb" ]; then echo "ok $n - no output written for an invalid cell"
else echo "not ok $n - output written for an invalid cell"; failed=$((failed + 1)); fi
sed 's/"cpus": \[2\]/"cpus": [3]/' "$configs/uart-demo.json" >"$tmp/clash.json"
t "two cells with the same CPU are rejected together" 1 "$cellctl" config check "$sys" "$configs/gic-demo.json" "$tmp/clash.json"
has "the clash names both cells" "$tmp/err" "$tmp/clash.json: .cpus: CPU 3 is also claimed by cell \"gic-demo\" ($configs/gic-demo.json)"
printf '{ "name": ' >"$tmp/syntax.json"
t "broken JSON is rejected" 1 "$cellctl" config check "$tmp/syntax.json"
has "syntax error with its line" "$tmp/err" "$tmp/syntax.json: .: invalid JSON at line 1"
head -c 200 "$tmp/pci-demo.cvb" >"$tmp/trunc.cvb"
t "a truncated blob is rejected by check" 1 "$cellctl" config check "$tmp/trunc.cvb"
has "truncation explained" "$tmp/err" "$tmp/trunc.cvb: .header: total_size is 304 but the blob has 200 bytes"
t "a truncated blob is rejected by show" 1 "$cellctl" config show "$tmp/trunc.cvb"
t "a missing file is rejected" 1 "$cellctl" config check "$tmp/none.json"
has "missing file explained" "$tmp/err" "$tmp/none.json: .: cannot open: No such file or directory"
t "two system files are rejected" 1 "$cellctl" config check "$sys" "$sys"

# Usage errors: exit 2.
# No verb is "list" (as with machinectl): here, without a daemon, exit 6 as list.
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$tmp/no-bus
t "no verb: list, which finds no daemon here" 6 "$cellctl"
cp "$tmp/err" "$tmp/err-noverb"
t "  ... as list does" 6 "$cellctl" list
cp "$tmp/err" "$tmp/err-list"
t "  ... saying the same" 0 cmp "$tmp/err-list" "$tmp/err-noverb"
unset DBUS_SYSTEM_BUS_ADDRESS
t "an unknown option alone: usage error" 2 "$cellctl" --frobnicate
t "unknown verb" 2 "$cellctl" frobnicate
t "config without a command" 2 "$cellctl" config
t "check without files" 2 "$cellctl" config check
t "compile without -o" 2 "$cellctl" config compile "$sys"
t "show with -o" 2 "$cellctl" config show -o x "$sys"
t "unknown option" 2 "$cellctl" config check --frob "$sys"
t "--help" 0 "$cellctl" --help
has "--help lists the config verbs" "$tmp/out" "config check [--system FILE] FILE..."

# The man page documents every key, flag and console type the parser accepts, and its
# examples are valid configurations.
man=$top/man/cellvisor-config.5
words=$( (awk '/keys\[\] = \{/ { f = 1 } f { print } /NULL \};/ { f = 0 }' "$top/cellmgrd/lib/parse.c"
	grep -h -o '{ CV_[A-Z_]*, "[a-z_]*" }' "$top/cellmgrd/lib/common.c"
	grep -h -o '\[CV_CONSOLE_[A-Z0-9]*\] = "[a-z0-9]*"' "$top/cellmgrd/lib/common.c") |
	grep -o '"[a-z0-9_]*"' | tr -d '"' | sort -u)
undocumented=
for w in $words; do
	grep -qE "(^|[^a-z0-9_])$w([^a-z0-9_]|\$)" "$man" || undocumented="$undocumented $w"
done
n=$((n + 1))
if [ -n "$words" ] && [ -z "$undocumented" ]; then
	echo "ok $n - cellvisor-config(5) documents all $(echo $words | wc -w) keys, flags and console types"
else
	echo "not ok $n - cellvisor-config(5) lacks:$undocumented"
	failed=$((failed + 1))
fi
awk -v dir="$tmp" '/^\.EX/ { f = 1; getline; if ($0 !~ /^\{/) { f = 0; next }; k++ }
	/^\.EE/ { f = 0 } f { gsub(/\\-/, "-"); print > (dir "/example" k ".json") }' "$man"
t "the man page's examples check together" 0 "$cellctl" config check "$tmp"/example*.json
has "the man page has four complete examples" "$tmp/out" "4 files checked: 0 errors"

echo "1..$n"
[ "$failed" = 0 ]
