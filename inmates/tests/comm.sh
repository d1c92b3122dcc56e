#!/bin/bash
# Host-tier test of the inmates' side of the communication region (include/cellvisor/comm.h):
# a plain QEMU virt machine with 2 GiB of RAM, a communication region page preloaded at
# 0x80000000, and this script playing the hypervisor through QEMU's gdb stub (writing
# msg_to_cell, reading reply_from_cell and cell_state).  The last cases add EL2 with
# el2-shim.S in it, for the hypercall console and PSCI through SMC.  Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

COMM=0x80000000
MSG=$((COMM + 0x08))
REPLY=$((COMM + 0x0c))
STATE=$((COMM + 0x10))

# le BYTES VALUE: VALUE as BYTES little-endian bytes on stdout.
le() {
	local i v=$2
	for ((i = 0; i < $1; i++)); do
		printf "\\x$(printf %02x $((v & 0xff)))"
		v=$((v >> 8))
	done
}
# comm_page FILE CELL_ID CONSOLE_TYPE: a communication region as the hypervisor fills it in.
comm_page() {
	{
		le 4 0x4d4d4356; le 2 1; le 2 0	# magic, revision, reserved
		le 4 0; le 4 0; le 4 0		# msg_to_cell, reply_from_cell, cell_state
		le 4 "$2"			# cell_id
		le 8 0x08000000; le 8 0x080a0000	# gicd_base, gicr_base
		le 8 $(($3 == 1 ? 0x09000000 : 0))	# console_base
		le 4 "$3"; le 4 0		# console_type, timer_freq_hz
		le 8 1; le 8 0x4010000000	# cpu_set (CPU 0), pci_ecam_base
	} > "$1"
	truncate -s 4096 "$1"
}
start_cell() {	# NAME CELL_ID CONSOLE_TYPE
	comm_page "$tmp/$1.comm" "$2" "$3"
	mem=2G qemu_start "$1" -device "loader,file=$tmp/$1.comm,addr=$COMM,force-raw=on"
}
is() {	# ACTUAL EXPECTED: with a diagnostic
	[ "$1" = "$2" ] && return 0
	echo "# got '$1', expected '$2'"
	return 1
}

# shutdown-deny: first request denied, second (after reply_from_cell reset) approved.
before=$failed
start_cell shutdown-deny 7 1
wait_for 'will deny' 10
check "shutdown-deny: finds the communication region and its PL011 console" \
	has_line 'shutdown-deny: cell 7, communication region at 0x80000000, console pl011 at 0x09000000'
check "shutdown-deny: reports cell_state RUNNING (2)" is "$(mem_read32 $STATE)" 2
mem_write32 $MSG 1
wait_for 'shutdown request 1:' 5
check "shutdown-deny: prints the denial of request 1" has_line 'shutdown-deny: shutdown request 1: denied'
check "shutdown-deny: reply_from_cell is DENIED (2)" is "$(mem_read32 $REPLY)" 2
sleep 0.3
check "shutdown-deny: answers a request only once" is "$(count_lines 'shutdown request [0-9]+:')" 1
mem_write32 $REPLY 0
wait_for 'shutdown request 2:' 5
check "shutdown-deny: approves request 2" has_line 'shutdown-deny: shutdown request 2: approved'
check "shutdown-deny: reply_from_cell is APPROVED (1)" is "$(mem_read32 $REPLY)" 1
qemu_stop
show_on_failure "$before"

# lock: RUNNING_LOCKED until asked to shut down, then RUNNING and approved.
before=$failed
start_cell lock 8 1
wait_for 'lock: locked' 10
check "lock: says it locked" has_line 'lock: locked \(cell state RUNNING_LOCKED\)'
check "lock: cell_state is RUNNING_LOCKED (3)" is "$(mem_read32 $STATE)" 3
mem_write32 $MSG 1
wait_for 'shutdown request 1:' 5
check "lock: unlocks, then approves" \
	eval 'has_line "lock: unlocked" && has_line "lock: shutdown request 1: approved"'
check "lock: cell_state back to RUNNING (2)" is "$(mem_read32 $STATE)" 2
check "lock: reply_from_cell is APPROVED (1)" is "$(mem_read32 $REPLY)" 1
qemu_stop
show_on_failure "$before"

# gic-demo: approves, and its timer stops with it.
before=$failed
start_cell gic-demo 9 1
wait_for 'gic-demo: tick 3 ' 10
check "gic-demo: ticks with the GIC addresses of the communication region" \
	has_line 'gic-demo: tick 3 jitter [0-9]+ ns min [0-9]+ ns max [0-9]+ ns'
mem_write32 $MSG 1
wait_for 'shutdown request 1:' 5
check "gic-demo: approves shutdown" has_line 'gic-demo: shutdown request 1: approved'
check "gic-demo: reply_from_cell is APPROVED (1)" is "$(mem_read32 $REPLY)" 1
ticks=$(count_lines 'gic-demo: tick ')
sleep 0.5
check "gic-demo: no tick after the approval" is "$(count_lines 'gic-demo: tick ')" "$ticks"
qemu_stop
show_on_failure "$before"

# Console type "none": nothing printed, shutdown still answered.
before=$failed
image=gic-demo start_cell gic-demo-silent 10 0
sleep 1
check "console none: nothing on the PL011" is "$(wc -c < "$raw")" 0
mem_write32 $MSG 1
sleep 0.5
check "console none: shutdown still approved (reply_from_cell 1)" is "$(mem_read32 $REPLY)" 1
qemu_stop
show_on_failure "$before"

# With EL2 (el2-shim): the hypercall console (LF line ends, no CR) and PSCI CPU_OFF by SMC.
before=$failed
image=shutdown-deny shim=1 start_cell shutdown-deny-hvc 11 2
wait_for 'will deny' 10
check "hypercall console: shutdown-deny prints through hvc #0x4356" \
	has_line 'shutdown-deny: cell 11, communication region at 0x80000000, console hypercall'
check "hypercall console: lines end in LF only" eval '! grep -q $'"'"'\r'"'"' "$raw"'
mem_write32 $MSG 1
wait_for 'shutdown request 1:' 5
mem_write32 $REPLY 0
wait_for 'el2-shim: PSCI CPU_OFF' 5
check "with EL2: denies, approves, then turns its CPU off by SMC" \
	eval 'has_line "shutdown-deny: shutdown request 1: denied" &&
	      has_line "shutdown-deny: shutdown request 2: approved" &&
	      has_line "el2-shim: PSCI CPU_OFF"'
check "with EL2: no unexpected exception reached EL2" no_line 'el2-shim: unexpected'
qemu_stop
show_on_failure "$before"

before=$failed
image=gic-demo shim=1 start_cell gic-demo-hvc 12 2
wait_for 'gic-demo: tick 3 ' 10
check "with EL2: gic-demo ticks through the GIC, printing by hypercall" \
	has_line 'gic-demo: tick 3 jitter [0-9]+ ns min [0-9]+ ns max [0-9]+ ns'
mem_write32 $MSG 1
wait_for 'el2-shim: PSCI CPU_OFF' 5
check "with EL2: gic-demo approves and turns its CPU off by SMC" \
	eval 'has_line "gic-demo: shutdown request 1: approved" && has_line "el2-shim: PSCI CPU_OFF"'
check "with EL2: no unexpected exception reached EL2" no_line 'el2-shim: unexpected'
qemu_stop
show_on_failure "$before"

finish
