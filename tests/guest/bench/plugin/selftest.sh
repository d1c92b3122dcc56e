#!/bin/sh
# Check the instruction-counting plugin on a program with a known answer (selftest.S).
#   selftest.sh PLUGIN.so SELFTEST.elf NM
# Prints "bench plugin: self-test: ..." and exits non-zero when a count is not the expected one.
set -eu
so=$1 elf=$2 nm=$3
sym() { $nm "$elf" | awk -v s="$1" '$3 == s { print "0x" $1 }'; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
timeout 60 qemu-system-aarch64 -M virt -cpu cortex-a57 -m 128M -nodefaults -display none \
	-no-reboot -kernel "$elf" \
	-plugin "file=$so,out=$out,hv=$(sym hvfunc)-$(sym hvfunc_end),stats=$(sym stats):0x168:0x18"
# vCPU 0's group of the two markers: hv kernel low exits[10] insns[10]
got=$(awk -F' [|] ' '/^mark [0-9]+ [01] / { print $2 }' "$out" | awk '
	NR == 1 { for (i = 1; i <= NF; i++) a[i] = $i }
	NR == 2 { printf "%d %d %d %d %d", $1 - a[1], $3 - a[3], $4 - a[4], $8 - a[8], $18 - a[18] }')
want="12 2012 0 3 12"
if [ "$got" = "$want" ]; then
	echo "bench plugin: self-test: hypervisor 12, other 2012 insns, 3 irq exits of 4 insns: as expected"
else
	echo "bench plugin: self-test FAILED: got '$got' (hv low other-exits irq-exits irq-insns), want '$want'"
	cat "$out"
	exit 1
fi
