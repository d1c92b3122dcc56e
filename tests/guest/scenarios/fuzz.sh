#!/bin/sh
# Fuzzing the hypervisor from a cell and from the root (issue 11), next to a running
# gic-demo, the canary:
#  - the fuzz inmate (inmates/tests/fuzz.c) makes FUZZ_CELL_OPS random hypercalls, SMCs,
#    GIC distributor/redistributor accesses, system register accesses and SGIs in a cell;
#  - then the root fuzzing module (cellvisor_fuzz.ko) makes FUZZ_ROOT_OPS random
#    hypercalls and cell creations with blobs mutated from pci-demo's, on a CPU taken
#    offline for it;
# one after the other, then: the fuzz cell reached "done", gic-demo still ticks, every root CPU answers, no
# oops, warning or stall in the kernel log, the module and sysfs answer, everything can be
# destroyed, CPUs and the memory pool come back, a new cell runs, and disable works.
# FUZZ_SEED (default below) seeds both, so a run is reproducible: the seed is in the TAP
# output.  FUZZ_LAST_FATAL=1 ends the cell's run with a read of 0x70000000 (the cell must
# then end failed, and say so).  FUZZ_CELL_VERBOSE_FROM=N and FUZZ_ROOT_VERBOSE_FROM=N print
# every operation from N on, in the cell's console and in the kernel log.  FUZZ_ROOT_ARGS adds
# parameters of cellvisor_fuzz (allow_start=0: never start the cells it creates).
# 'make fuzz' runs a copy of this script with those variables set in front of it.
# timeout: 1500
. /usr/lib/cellvisor-test/tap.sh
. /usr/lib/cellvisor-test/cells.sh
no_cellmgrd
seed=${FUZZ_SEED:-20261205}
cell_ops=${FUZZ_CELL_OPS:-10000}
root_ops=${FUZZ_ROOT_OPS:-10000}
last_fatal=${FUZZ_LAST_FATAL:-0}
cell_verbose=${FUZZ_CELL_VERBOSE_FROM:--1}
root_verbose=${FUZZ_ROOT_VERBOSE_FROM:--1}
root_args=${FUZZ_ROOT_ARGS:-}
cell_ms=$((cell_ops * 60 > 600000 ? cell_ops * 60 : 600000))	# 10000 ops take about 60 s
echo "# fuzz: seed $seed, $cell_ops cell operations, $root_ops root operations" \
	"(FUZZ_SEED=$seed FUZZ_CELL_OPS=$cell_ops FUZZ_ROOT_OPS=$root_ops" \
	"FUZZ_LAST_FATAL=$last_fatal FUZZ_ROOT_ARGS='$root_args' to reproduce)"

modprobe cellvisor
t "enable" $cvtool enable $cfg/system.cvb
pool0=$(cat $sys/mem_pool_used)
g=$(up gic-demo)
t "gic-demo (the canary) started" [ -n "$g" ]
t "  ... ticks" expect $g "gic-demo: tick 3 " 10000

# The fuzz inmate's parameters are words after its marker in a copy of the image.
cp $inm/fuzz.bin /tmp/fuzz.bin
at=$(grep -obUa CVFUZZ01 /tmp/fuzz.bin | head -n1 | cut -d: -f1)
t "the fuzz image has its parameter block" [ -n "$at" ]
put64 /tmp/fuzz.bin $((at + 8)) "$seed"
put64 /tmp/fuzz.bin $((at + 16)) "$cell_ops"
put64 /tmp/fuzz.bin $((at + 24)) "$last_fatal"
put64 /tmp/fuzz.bin $((at + 32)) "$cell_verbose"
f=$(up fuzz /tmp/fuzz.bin)
t "fuzz cell started (seed $seed, $cell_ops ops)" [ -n "$f" ]
t "  ... its first progress line" expect $f "fuzz: 1000 ops, seed $seed" 300000

if [ "$last_fatal" = 1 ]; then
	t "fuzz cell: done $cell_ops ops" expect $f "fuzz: done $cell_ops ops, seed $seed" $cell_ms
	t "  ... then failed by its deliberate last op" wait_cell $f failed
	t "  ... which the hypervisor reports" \
		hvsaid "cell 'fuzz' CPU 2 stopped: unhandled read at 0x70000000"
else
	t "fuzz cell: done $cell_ops ops" expect $f "fuzz: done $cell_ops ops, seed $seed" $cell_ms
	t "  ... still running" wait_cell $f running
fi
$cvtool console --cell $f --nonblock | grep '^fuzz: \(seed\|[0-9]* hypercalls\|done\|timer\|warning\)' |
	sed 's/^/# /'

k0=$(lasttick $g); sleep 2; k1=$(lasttick $g)
echo "# gic-demo ticks $k0 -> $k1"
t "gic-demo still ticks" [ "${k1:-0}" -gt "${k0:-0}" ]
t "  ... and runs" wait_cell $g running
t "every root CPU answers" root_cpus_answer
t "no oops, warning or stall in the kernel log" no_kernel_trouble
t "cvtool info answers for both cells" sh -c "$cvtool info $g && $cvtool info $f"
t "sysfs answers" sh -c "cat $sys/mem_pool_used $sys/cells/$f/state >/dev/null"
t "destroy the fuzz cell" $cvtool destroy $f
echo "# mem_pool_used: $pool0 at the start, $(cat $sys/mem_pool_used) after the fuzz cell"
t "  ... CPU 2 back online in Linux" \
	eventually sh -c "[ \"\$(cat /sys/devices/system/cpu/cpu2/online)\" = 1 ]"
# Then the root, on CPU 2 (so that a hypercall that never returns leaves CPU 0 to the
# shell), with CPU 1 offline, so that mutated blobs naming it can be created.
echo 0 > /sys/devices/system/cpu/cpu1/online
cp $cfg/pci-demo.cvb /lib/firmware/cellvisor-fuzz.cvb
keep=$(( 1 << g ))
# The module works in its init, with the results in its parameters from the start: a
# hypercall that never returns (a hypervisor CPU stuck, a lock never released) shows as
# done_ops not moving.
# shellcheck disable=SC2086 # root_args: one parameter a word
taskset -c 2 modprobe cellvisor_fuzz seed=$seed ops=$root_ops keep=$keep \
	verbose_from=$root_verbose $root_args &
mp=$!
p=/sys/module/cellvisor_fuzz/parameters
last=-1 still=0
while kill -0 $mp 2>/dev/null; do
	sleep 5
	now=$(cat $p/done_ops 2>/dev/null || echo 0)
	if [ "$now" = "$last" ]; then still=$((still + 5)); else still=0; fi
	last=$now
	[ $still -ge 120 ] && break
done
if kill -0 $mp 2>/dev/null; then
	echo "# the root fuzzing module is stuck in operation $last (counting from 0) for 120 s;" \
		"rerun with FUZZ_SEED=$seed FUZZ_ROOT_VERBOSE_FROM=$((last > 20 ? last - 20 : 0))" \
		"to see the calls in the kernel log"
	dmesg | grep cellvisor_fuzz | tail -n 25 | sed 's/^/# dmesg: /'
	$cvtool console --nonblock --tail 2>/dev/null | tail -n 25 | sed 's/^/# hypervisor: /' &
	sleep 5
	t "root fuzzing module: $root_ops ops with seed $seed (stuck in op $last)" false
	echo "1..$n"
	exit 1
fi
t "root fuzzing module: $root_ops ops with seed $seed" wait $mp
dmesg | grep 'cellvisor_fuzz: \(returned\|done\)' | sed 's/^/# /'
t "  ... made every operation" [ "$(cat $p/done_ops 2>/dev/null)" = "$root_ops" ]
echo "# root fuzz: $(cat $p/creates) creates, $(cat $p/created) created, $(cat $p/started) started, $(cat $p/destroyed) destroyed"
t "  ... every cell it created was destroyed" \
	sh -c "[ $(cat $p/leaked) = 0 ] && [ $(cat $p/created) = $(cat $p/destroyed) ]"
t "  ... unloads" rmmod cellvisor_fuzz
echo "# mem_pool_used: $(cat $sys/mem_pool_used) after the root fuzzer"
echo 1 > /sys/devices/system/cpu/cpu1/online
t "CPU 1 back online in Linux" [ "$(cat /sys/devices/system/cpu/cpu1/online)" = 1 ]

k0=$(lasttick $g); sleep 2; k1=$(lasttick $g)
echo "# gic-demo ticks $k0 -> $k1"
t "gic-demo still ticks" [ "${k1:-0}" -gt "${k0:-0}" ]
t "every root CPU answers" root_cpus_answer
t "no oops, warning or stall in the kernel log" no_kernel_trouble
wrap_up $g $pool0
echo "1..$n"
[ $fails = 0 ]
