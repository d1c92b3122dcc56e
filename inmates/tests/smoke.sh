#!/bin/bash
# Host-tier smoke test of the inmates: boot each one alone on a plain QEMU virt machine (no
# hypervisor, no communication region: console on the PL011) and check what it prints.
# Installed next to the binaries as $(O)/inmates/tests/inmates-smoke; prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

for bin in gic-demo uart-demo pci-demo shutdown-deny lock fault silent; do
	check "$bin.bin is built" test -s "$bindir/$bin.bin"
done

# gic-demo: 10 Hz virtual timer through the GIC; jitter lines consistent.  How large the
# jitter is under TCG depends on the host's load: that is for benchmarks, not for a test.
before=$failed
mark1='gic-demo: tick 1 ' mark2='gic-demo: tick 11 '
boot gic-demo 'gic-demo: tick 11 ' 10
mark1= mark2=
check "gic-demo: first line says it started on CPU 0" first_line_is "gic-demo: started on CPU 0"
check "gic-demo: runs without a communication region on the PL011" \
	has_line 'gic-demo: no communication region at 0x80000000: running without the hypervisor, console pl011 at 0x09000000'
check "gic-demo: reports the timer it uses, at the default rate without parameters" \
	eval "has_line 'gic-demo: virtual timer at 10 Hz on INTID 27, counter at [1-9][0-9]* Hz' &&
	      no_line 'gic-demo: parameters'"
gic_ticks_ok() {
	awk '/^gic-demo: tick / {
		if ($0 !~ /^gic-demo: tick [0-9]+ jitter [0-9]+ ns min [0-9]+ ns max [0-9]+ ns$/) {
			print "# malformed: " $0; exit 1 }
		t = $3; j = $5; mn = $8; mx = $11
		if (t != ++expect) { print "# tick " t " after tick " expect - 1; exit 1 }
		if (mn > j || j > mx) { print "# jitter outside min/max: " $0; exit 1 }
		if (expect > 1 && (mn > pmn || mx < pmx)) { print "# min/max went backwards: " $0; exit 1 }
		pmn = mn; pmx = mx
	} END { if (expect < 11) { print "# only " expect + 0 " ticks"; exit 1 } }' <(console)
}
check "gic-demo: 11 consecutive ticks, jitter within min..max, min/max monotonic" gic_ticks_ok
# How long the ticks took is printed, not checked: under TCG it measures the host's load
# (ticks the host saw late look too fast), which is for benchmarks, not tests.
[ -n "$t_first" ] && [ -n "$t_second" ] &&
	echo "# gic-demo: ticks 1..11 took $(elapsed "$t_first" "$t_second") s"
show_on_failure "$before"

# Parameters: a page like the one "parameters": {"text": ...} loads (the text, a NUL, zeros)
# put at 0x40100000 by QEMU's loader device, as the hypervisor's loader would.
# params_page TEXT: the page's file.
params_page() {
	printf '%s' "$1" > "$tmp/params.page"
	truncate -s 4096 "$tmp/params.page"
	echo "$tmp/params.page"
}
params_boot() {	# NAME TEXT UNTIL
	image=gic-demo boot "$1" "$3" 10 \
		-device "loader,file=$(params_page "$2"),addr=0x40100000,force-raw=on"
}
before=$failed
params_boot gic-params 'rate=25, label=x' 'gic-demo: tick 3 '
check "gic-demo: prints the parameters it found" has_line 'gic-demo: parameters: rate=25, label=x'
check "gic-demo: its rate comes from the parameter \"rate\"" \
	has_line 'gic-demo: virtual timer at 25 Hz on INTID 27, counter at [1-9][0-9]* Hz'
show_on_failure "$before"
before=$failed
params_boot gic-params-last 'rate=7 rate=0x0c' 'gic-demo: tick 1 '
check "gic-demo: the last of two values counts, hex accepted" \
	has_line 'gic-demo: virtual timer at 12 Hz on INTID 27, counter at [1-9][0-9]* Hz'
show_on_failure "$before"
before=$failed
params_boot gic-params-bad 'rate=fast' 'gic-demo: tick 1 '
check "gic-demo: a rate that is not a number is reported and the default used" \
	eval "has_line 'gic-demo: parameter rate=fast is not a number from 1 to 1000: using 10' &&
	      has_line 'gic-demo: virtual timer at 10 Hz on INTID 27, counter at [1-9][0-9]* Hz'"
show_on_failure "$before"
before=$failed
params_boot gic-params-range 'rate=0 xrate=5' 'gic-demo: tick 1 '
check "gic-demo: a rate out of range is reported; another name ending in rate is not it" \
	eval "has_line 'gic-demo: parameter rate=0 is not a number from 1 to 1000: using 10' &&
	      has_line 'gic-demo: virtual timer at 10 Hz on INTID 27, counter at [1-9][0-9]* Hz'"
show_on_failure "$before"
before=$failed
printf 'rate=5\001' > "$tmp/binary.page"
truncate -s 4096 "$tmp/binary.page"
image=gic-demo boot gic-params-binary 'gic-demo: tick 1 ' 10 \
	-device "loader,file=$tmp/binary.page,addr=0x40100000,force-raw=on"
check "gic-demo: a page that is not text is no parameters" \
	eval "no_line 'gic-demo: parameters' &&
	      has_line 'gic-demo: virtual timer at 10 Hz on INTID 27, counter at [1-9][0-9]* Hz'"
show_on_failure "$before"

# uart-demo: a counter once per second, written straight to the PL011.
before=$failed
mark1='uart-demo: count 1[^0-9]' mark2='uart-demo: count 3'
boot uart-demo 'uart-demo: count 3' 10
mark1= mark2=
check "uart-demo: first line says it started on CPU 0" first_line_is "uart-demo: started on CPU 0"
check "uart-demo: drives the PL011 at 0x09000000" \
	has_line 'uart-demo: writing to the PL011 at 0x09000000 directly, one count per second'
uart_counts_ok() {
	[ "$(console | grep '^uart-demo: count ' | head -n3 | tr '\n' ,)" = \
	  "uart-demo: count 1,uart-demo: count 2,uart-demo: count 3," ]
}
check "uart-demo: counts 1, 2, 3" uart_counts_ok
[ -n "$t_first" ] && [ -n "$t_second" ] &&
	echo "# uart-demo: counts 1..3 took $(elapsed "$t_first" "$t_second") s"
show_on_failure "$before"

# uart-demo with the parameter count=2: two counts, then PSCI SYSTEM_OFF, which QEMU (no
# firmware, PSCI through HVC) answers by powering off.
before=$failed
t0=$(now)
# until a third count (which must not come) or 6 s, unless QEMU powers off before
image=uart-demo boot uart-count 'uart-demo: count 3' 6 \
	-device "loader,file=$(params_page 'count=2'),addr=0x40100000,force-raw=on"
t1=$(now)
check "uart-demo count=2: QEMU powered off by itself within 5 s ($(elapsed "$t0" "$t1") s)" \
	eval "! at_least $t1 $(awk -v a="$t0" 'BEGIN { printf "%.2f", a + 5 }')"
check "uart-demo count=2: says so" has_line 'uart-demo: 2 counts, then PSCI SYSTEM_OFF \(parameter count\)'
check "uart-demo count=2: counts 1, 2, then SYSTEM_OFF, no third" eval \
	"[ \"\$(console | grep '^uart-demo: \(count\|all\)' | tr '\\n' ,)\" = \
	   'uart-demo: count 1,uart-demo: count 2,uart-demo: all counts done: PSCI SYSTEM_OFF,' ]"
check "uart-demo count=2: the machine powered off (SYSTEM_OFF did not return)" \
	no_line 'SYSTEM_OFF returned'
show_on_failure "$before"

# pci-demo with QEMU's edu device: every step ok.
before=$failed
# edu's DMA addresses are masked to 28 bits unless told otherwise: 40 bits reach the RAM.
boot pci-demo 'pci-demo: (all checks passed|[0-9]+ checks FAILED)' 10 -device edu,dma_mask=0xffffffffff
check "pci-demo: first line says it started on CPU 0" first_line_is "pci-demo: started on CPU 0"
check "pci-demo: finds edu on bus 0" has_line 'pci-demo: found edu 1234:11e8 at 00:[0-9a-f]{2}\.0'
check "pci-demo: programs the unassigned BAR0" \
	has_line 'pci-demo: BAR0 was unassigned: programmed 0x10000000 \(size 0x100000\)'
check "pci-demo: liveness register returns the complement" \
	has_line 'pci-demo: liveness: wrote 0x12345678, read 0xedcba987'
check "pci-demo: factorial(10) computed by the device" \
	has_line 'pci-demo: factorial\(10\) = 3628800 \(expected 3628800\)'
check "pci-demo: INTx routed to an SPI of the PCI lines" \
	has_line 'pci-demo: INTx pin A routed to INTID (35|36|37|38)'
check "pci-demo: interrupt received after the factorial" has_line 'pci-demo: factorial interrupt: ok'
check "pci-demo: interrupt raised by software received" has_line 'pci-demo: raised interrupt: ok'
check "pci-demo: edu copied a buffer of RAM into its own and back by DMA" \
	has_line 'pci-demo: DMA of 256 bytes from 0x4[0-9a-f]+ through edu to 0x4[0-9a-f]+: done, 256 bytes match'
check "pci-demo: all checks passed, none failed" \
	eval 'has_line "pci-demo: all checks passed" && no_line FAILED'
show_on_failure "$before"

# pci-demo without the device: a clear error, no crash.
before=$failed
image=pci-demo boot pci-demo-nodev 'checks FAILED' 10
check "pci-demo without edu: says the device is missing and what to do" \
	has_line 'pci-demo: error: no edu device \(1234:11e8\) on bus 0: start QEMU with -device edu and give it to this cell'
show_on_failure "$before"

# shutdown-deny and lock: start and say what they will do (the protocol itself needs the
# hypervisor: guest tier).
before=$failed
boot shutdown-deny 'will deny' 10
check "shutdown-deny: first line says it started on CPU 0" first_line_is "shutdown-deny: started on CPU 0"
check "shutdown-deny: announces its policy" \
	has_line 'shutdown-deny: will deny the first shutdown request and approve the second'
show_on_failure "$before"
before=$failed
boot lock 'nothing to lock' 10
check "lock: first line says it started on CPU 0" first_line_is "lock: started on CPU 0"
check "lock: without a communication region it has nothing to lock" \
	has_line 'lock: no communication region: nothing to lock'
show_on_failure "$before"

before=$failed
boot silent 'will not answer' 10
check "silent: first line says it started on CPU 0" first_line_is "silent: started on CPU 0"
check "silent: announces that it will not answer" \
	has_line 'silent: will not answer any shutdown request'
show_on_failure "$before"

# fault: no hypervisor stops it, so the read succeeds; then the library's exception report.
before=$failed
boot fault 'stopped after the exception' 10
check "fault: first line says it started on CPU 0" first_line_is "fault: started on CPU 0"
check "fault: announces the foreign read" \
	has_line "fault: reading 0x70000000, which is not this cell's memory"
check "fault: says it was not stopped (no hypervisor here)" \
	has_line 'fault: NOT STOPPED: read 0x70000000 returned 0x[0-9a-f]{8} \(no hypervisor\?\)'
check "fault: exception report with class, ESR, FAR and ELR inside the image" \
	has_line 'fault: exception sync on CPU 0: EC 0x00 \(unknown reason \(undefined instruction\)\) ESR 0x02000000 FAR 0x[0-9a-f]{16} ELR 0x00000000400[0-9a-f]{5}'
check "fault: stops after the exception" \
	eval 'has_line "fault: stopped after the exception" && no_line "NOT STOPPED after"'
show_on_failure "$before"

# An image loaded at the wrong address (QEMU -kernel of the flat binary) says so.
before=$failed
raw=$tmp/wrong.raw
: > "$raw"
"$qemu" -M virt,gic-version=3 -cpu cortex-a57 -m 1G -nic none -display none -monitor none \
	-serial "file:$raw" -kernel "$bindir/uart-demo.bin" 2>/dev/null &
qemu_pid=$!
wait_for 'linked to run at' 5
kill "$qemu_pid" 2>/dev/null
wait "$qemu_pid" 2>/dev/null
qemu_pid=
check "an image loaded elsewhere than 0x40000000 says where and how to load it" \
	has_line 'uart-demo: error: loaded at 0x40080000 but linked to run at 0x40000000: load the flat image at the start of the cell.s RAM .*'
show_on_failure "$before"

finish
