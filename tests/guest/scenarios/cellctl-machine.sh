#!/bin/bash
# cellctl and the machine (issue 16): a cell's "parameters" reach its inmate (gic-demo's
# rate, shown on its console; uart-demo's count, after which it stops itself); "cellctl
# config create" writes a system configuration from this machine's device tree that checks,
# enables the hypervisor as it is, runs a cell, disables.
# timeout: 300
. /usr/lib/cellvisor-test/tap.sh
# run STATUS COMMAND...: COMMAND exits with STATUS; its output goes to /tmp/out
run() {
	want=$1; shift
	"$@" >/tmp/out 2>&1; st=$?
	sed 's/^/# /' /tmp/out | head -n 20
	[ "$st" = "$want" ] || { echo "# $*: status $st, wanted $want"; return 1; }
}
said() { grep -qE -- "$1" /tmp/out || { echo "# output lacks: $1"; return 1; }; }
console_has() { # console_has CELL REGEX: within 10 s
	for _ in $(seq 100); do cellctl console "$1" 2>/dev/null | grep -qE -- "$2" && return 0; sleep 0.1; done
	cellctl console "$1" 2>&1 | tail -n 8 | sed 's/^/# /'; return 1
}
lasttick() { cellctl console gic-demo | sed -n 's/^gic-demo: tick \([0-9]*\) .*/\1/p' | tail -n1; }

t "cellmgrd.service starts" systemctl start cellmgrd.service
t "enable with the shipped system.json" run 0 cellctl enable

# ---- parameters ----
t "start gic-demo from the shipped configuration (parameters rate=10)" \
	run 0 cellctl start --wait --config=/etc/cellvisor/cells/gic-demo.json gic-demo
t "  ... its console shows the parameters it found" console_has gic-demo '^gic-demo: parameters: rate=10$'
t "  ... and the rate taken from them" console_has gic-demo '^gic-demo: virtual timer at 10 Hz '
t "  ... Images lists the parameter page cellmgrd keeps" \
	run 0 cellctl show -p Images --value gic-demo
t "  ... /run/cellmgrd/cells/gic-demo.params at 0x40100000" said '/run/cellmgrd/cells/gic-demo.params@0x40100000'
t "  ... which holds the text, a NUL and zeros (4096 bytes)" \
	cmp /run/cellmgrd/cells/gic-demo.params <(printf 'rate=10'; head -c 4089 /dev/zero)
t "shutdown --destroy gic-demo" run 0 cellctl shutdown --destroy gic-demo
t "  ... its parameter page is gone" [ ! -e /run/cellmgrd/cells/gic-demo.params ]

# cellmgrd has a private /tmp: files it reads go to /run
w=/run/cellvisor-test-machine
mkdir -p $w
sed 's/"rate=10"/"rate=25, label=fast"/' /etc/cellvisor/cells/gic-demo.json >$w/gic-fast.json
t "start gic-demo with \"rate=25, label=fast\"" \
	run 0 cellctl start --wait --config=$w/gic-fast.json gic-demo
t "  ... its console shows them" console_has gic-demo '^gic-demo: parameters: rate=25, label=fast$'
t "  ... it ticks at 25 Hz" console_has gic-demo '^gic-demo: virtual timer at 25 Hz '
# Ticks are due at start + n / rate: a late tick is caught up, never early.  So more ticks
# than 10 per second since the start (with 0.2 s to spare) cannot be 10 Hz.
sleep 2
k=$(lasttick) up=$(cut -d' ' -f1 /proc/uptime) st=$(cellctl show -P StartTimestampMonotonic gic-demo)
echo "# tick $k at $up s of uptime; started at $st us"
t "  ... more ticks since its start than 10 Hz could give" \
	awk -v k="$k" -v u="$up" -v s="$st" 'BEGIN { exit !(k > 10 * (u - s / 1e6) + 2) }'
t "  ... load again, then start: the same parameters" eval \
	'cellctl shutdown gic-demo && cellctl load gic-demo && cellctl start --wait gic-demo'
t "shutdown --destroy gic-demo" run 0 cellctl shutdown --destroy gic-demo

# uart-demo: "count=0" (shipped) counts forever, "count=2" stops itself after two
wait_state() { # wait_state CELL STATE SECONDS
	for _ in $(seq $(($3 * 10))); do [ "$(cellctl show -P State "$1" 2>&1)" = "$2" ] && return 0; sleep 0.1; done
	echo "# $1: $(cellctl show -P State "$1" 2>&1), wanted $2"; return 1
}
t "start uart-demo from the shipped configuration (count=0)" \
	run 0 cellctl start --wait --config=/etc/cellvisor/cells/uart-demo.json uart-demo
sleep 4
t "  ... still running after 4 s" [ "$(cellctl show -P State uart-demo)" = running ]
t "shutdown --destroy uart-demo" run 0 cellctl shutdown --destroy uart-demo
sed 's/"count=0"/"count=2"/' /etc/cellvisor/cells/uart-demo.json >$w/uart-two.json
t "start uart-demo with count=2" run 0 cellctl start --config=$w/uart-two.json uart-demo
t "  ... it stops itself after two counts: shut down within 10 s" wait_state uart-demo "shut down" 10
t "destroy uart-demo" run 0 cellctl destroy uart-demo
t "disable" run 0 cellctl disable

# ---- config create ----
t "config create -o FILE from /sys/firmware/fdt and /proc/cmdline" \
	run 0 cellctl config create -o $w/system.json
t "  ... notes on stderr say what the user must decide" said 'note: hypervisor memory: the first 16 MiB above'
sed 's/^/# /' $w/system.json
t "  ... CPUs 0-3, the hypervisor at 0x70000000, the PL011 at 0x9000000" eval \
	"grep -q '\"num_cpus\":.*4' $w/system.json && grep -q '\"0x70000000\"' $w/system.json &&
	 grep -q '\"address\":.*\"0x9000000\"' $w/system.json"
t "config check passes, with the shipped gic-demo.json" \
	run 0 cellctl config check $w/system.json /etc/cellvisor/cells/gic-demo.json
t "enable with it" run 0 cellctl enable $w/system.json
t "  ... enabled with it" eval '[ "$(cellctl show -p SystemConfigPath --value)" = $w/system.json ]'
t "start gic-demo" run 0 cellctl start --wait --config=/etc/cellvisor/cells/gic-demo.json gic-demo
t "  ... it ticks" console_has gic-demo '^gic-demo: tick 3 '
t "shutdown --destroy gic-demo" run 0 cellctl shutdown --destroy gic-demo
t "disable" run 0 cellctl disable
t "  ... disabled" [ "$(cat /sys/devices/cellvisor/enabled)" = 0 ]

echo "1..$n"
[ "$fails" = 0 ]
