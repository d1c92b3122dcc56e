#!/bin/bash
# Host tier: cellmgrd-test (cellmgrd's objects, ASan/UBSan, with the model of the driver of
# backend-test.c) on a private dbus-daemon, with a stand-in polkit.  Driven with buscall
# (prints error names), busctl and cellctl; signals recorded by buswatch.  Prints TAP.
#
# Needs: CELLMGRD, BUSCALL, BUSWATCH, FAKE_POLKIT, CELLCTL (paths), TOP (source tree).
set -u
: "${CELLMGRD:?}" "${BUSCALL:?}" "${BUSWATCH:?}" "${FAKE_POLKIT:?}" "${TOP:?}"
CELLCTL=${CELLCTL:-}

n=0 failures=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $*"; }
check() { # check DESCRIPTION COMMAND...
	local d=$1; shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}
diag() { sed 's/^/# /' "$@"; }

dir=$(mktemp -d /tmp/cellmgrd-test.XXXXXX)
chmod 755 "$dir"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

# ---- the private bus: anyone may connect, as on the system bus ----
cat >"$dir/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile --print-address=3 \
	3>"$dir/address" 2>"$dir/bus.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$dir/address" ] && break; sleep 0.05; done
export DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$dir/address")
check "private dbus-daemon runs" test -n "$DBUS_SYSTEM_BUS_ADDRESS"

echo allow >"$dir/policy"
"$FAKE_POLKIT" "$dir/policy" "$dir/polkit.log" 2>"$dir/polkit.err" &
pids+=($!)

"$BUSWATCH" >"$dir/signals" 2>"$dir/buswatch.err" &
pids+=($!)

M=/org/cellvisor/cell1
MI=org.cellvisor.cell1.Manager
CI=org.cellvisor.cell1.Cell
TI=org.cellvisor.test1.Control
call() { "$BUSCALL" "$@"; }
mprop() { busctl get-property org.cellvisor.cell1 $M $MI "$1" | cut -d' ' -f2- | tr -d '"'; }
cprop() { busctl get-property org.cellvisor.cell1 "$1" $CI "$2" | cut -d' ' -f2- | tr -d '"'; }
ctl() { call /org/cellvisor/test1 $TI Control sss "$1" "$2" "${3:-}"; }
# wait_for FILE PATTERN: up to 5 s for a line matching PATTERN
wait_for() { for _ in $(seq 100); do grep -q -- "$2" "$1" && return 0; sleep 0.05; done; return 1; }
# wait_prop OBJECT PROPERTY VALUE: up to 5 s for a cell property to read VALUE
wait_prop() { for _ in $(seq 100); do [ "$(cprop "$1" "$2")" = "$3" ] && return 0; sleep 0.05; done; return 1; }

start_daemon() {
	"$CELLMGRD" --backend="test:$dir/model" --state-dir="$dir/state" --log-stderr \
		>>"$dir/cellmgrd.log" 2>&1 &
	daemon=$!
	pids+=($daemon)
	for _ in $(seq 200); do
		busctl status org.cellvisor.cell1 >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}
check "cellmgrd starts with the test backend and owns org.cellvisor.cell1" start_daemon
wait_for "$dir/signals" watching

# ---- the contract: introspection equals bus-interfaces/*.xml ----
# One line per member (method, signal, property with its args and annotations), sorted.
normalize() { # normalize IFACE < XML
	awk -v want="$1" '
		/<interface / { inside = index($0, "name=\"" want "\"") > 0; next }
		/<\/interface>/ { inside = 0; next }
		!inside { next }
		{ gsub(/^[ \t]+|[ \t]+$/, ""); if ($0 == "") next }
		/^<(method|signal|property) / {
			if (cur != "") print cur
			cur = $0
			if ($0 ~ /\/>$/) { print cur; cur = "" }
			next
		}
		/^<\/(method|signal|property)>/ { print cur; cur = ""; next }
		{ cur = cur " " $0 }
	' | sed 's/ *\/>/>/g' | sort
}
for iface in Manager; do
	busctl introspect --xml-interface org.cellvisor.cell1 $M >"$dir/intro-$iface.xml"
	normalize org.cellvisor.cell1.$iface <"$dir/intro-$iface.xml" >"$dir/got-$iface"
	normalize org.cellvisor.cell1.$iface <"$TOP/bus-interfaces/org.cellvisor.cell1.$iface.xml" \
		>"$dir/want-$iface"
	if [ -s "$dir/want-$iface" ] && diff -u "$dir/want-$iface" "$dir/got-$iface" >"$dir/diff"; then
		ok "introspection of org.cellvisor.cell1.$iface equals bus-interfaces/ ($(wc -l <"$dir/want-$iface") members)"
	else
		nok "introspection of org.cellvisor.cell1.$iface equals bus-interfaces/"
		diag "$dir/diff"
	fi
done

check "not enabled at start: Enabled=false" test "$(mprop Enabled)" = false
out=$(call $M $MI Disable)
check "Disable when not enabled: NotEnabled" grep -q "^ERROR org.cellvisor.cell1.Error.NotEnabled" <<<"$out"

# ---- configurations for the tests: the shipped system config, cells with test images ----
sys=$TOP/configs/arm64/system.json
head -c 8192 /dev/urandom >"$dir/demo.bin"
mkcell() { # mkcell NAME CPU PHYS [extra json]
	cat >"$dir/$1.json" <<EOF
{
	"name": "$1",
	"cpus": [$2],
	"entry": "0x40000000",
	"shutdown_timeout_ms": 1500,
	"console": { "type": "hvc" },
	"memory_regions": [
		{ "phys_start": "$3", "virt_start": "0x40000000", "size": "4 MiB",
		  "flags": ["read", "write", "execute", "loadable"] },
		{ "virt_start": "0x80000000", "size": "4 KiB", "flags": ["read", "write", "comm_region"] }
	],
	"images": [ { "path": "$dir/demo.bin", "address": "0x40000000" } ]
}
EOF
}
mkcell alpha 1 0x71000000
mkcell beta 2 0x71400000
mkcell gamma 2 0x71800000	# CPU of beta
mkcell delta 3 0x71400000	# memory of beta
sed 's/"cpus": \[1\]/"cpus": [1], "bogus_key": 1/' "$dir/alpha.json" >"$dir/bad.json"

out=$(call $M $MI CreateCell s "$dir/alpha.json")
check "CreateCell before Enable: NotEnabled" grep -q "Error.NotEnabled" <<<"$out"

# A refusal by the hypervisor itself: the modelled GIC implements fewer interrupts than the
# configuration says (the model prints the hypervisor's line, then its "enable failed" summary).
ctl "" gic-lines 224 >/dev/null
out=$(call $M $MI Enable s "$sys")
echo "# $out"
check "Enable refused by the hypervisor: InvalidConfiguration, from its reason value" grep -qF "ERROR org.cellvisor.cell1.Error.InvalidConfiguration: $sys: the GIC implements 224 interrupts (GICD_TYPER), fewer than \"platform.gic.num_irqs\" says; correct it" <<<"$out"
check "... whose console has the reason in words" grep -qF "the configuration says the GIC has 256 interrupts, but it implements 224 (GICD_TYPER)" <<<"$(call $M $MI GetConsole)"
check "... in one line" test "$(wc -l <<<"$out")" = 1
check "... and the hypervisor stays disabled" test "$(mprop Enabled)" = false
check "the refusal is in the hypervisor console too" grep -q "enable failed (error -22)" <<<"$(call $M $MI GetConsole)"
ctl "" gic-lines 0 >/dev/null

out=$(call $M $MI Enable s "$sys")
check "Enable $sys succeeds" test -z "$out"
check "Enabled=true after Enable" test "$(mprop Enabled)" = true
check "PropertiesChanged Enabled=true seen" wait_for "$dir/signals" "PropertiesChanged $M $MI.*Enabled=true"
check "SystemConfigPath is the enabling file" test "$(mprop SystemConfigPath)" = "$sys"
check "NumCells=1 (the root cell)" test "$(mprop NumCells)" = 1
check "MemPoolSize > MemPoolUsed > 0" test "$(mprop MemPoolSize)" -gt "$(mprop MemPoolUsed)" -a "$(mprop MemPoolUsed)" -gt 0

# Links (issue 14): LinkChanged when a link comes with the hypervisor and when its peers come,
# go or change state (the model: a cell's peer is up while it runs).
check "LinkChanged: the link came with Enable, the root up, no ivshmem-demo" \
	wait_for "$dir/signals" "^LinkChanged ivshmem-demo root:0:1 ivshmem-demo:-1:0$"
mkcell ivshmem-demo 3 0x72c00000
sed -i 's/"images"/"irqs": [40],\n\t"images"/' "$dir/ivshmem-demo.json"
ivd=$(call $M $MI CreateCell s "$dir/ivshmem-demo.json")
check "CreateCell ivshmem-demo, the link's other peer" test "$ivd" = "$M/cell/ivshmem_2ddemo"
ivid=$(cprop "$ivd" Id)
check "LinkChanged: peer ivshmem-demo is cell $ivid, down" \
	wait_for "$dir/signals" "^LinkChanged ivshmem-demo root:0:1 ivshmem-demo:$ivid:0$"
out=$(call "$ivd" $CI Load 'a(st)' 0)$(call "$ivd" $CI Start)
check "ivshmem-demo loaded and started" test -z "$out"
check "LinkChanged: peer ivshmem-demo up" \
	wait_for "$dir/signals" "^LinkChanged ivshmem-demo root:0:1 ivshmem-demo:$ivid:1$"
n0=$(grep -c "^LinkChanged" "$dir/signals")
busctl call org.cellvisor.cell1 $M $MI ListLinks >/dev/null
sleep 0.5
check "nothing changed, nothing signalled ($n0 LinkChanged)" test "$(grep -c "^LinkChanged" "$dir/signals")" = "$n0"
out=$(call "$ivd" $CI Terminate)
check "ivshmem-demo terminated" test -z "$out"
check "LinkChanged: peer ivshmem-demo gone" \
	wait_for "$dir/signals" "^LinkChanged ivshmem-demo root:0:1 ivshmem-demo:-1:0$"
check "... in that order: created, up, gone" eval 'grep "^LinkChanged" "$dir/signals" | tail -n 4 | cut -d" " -f4 | tr "\n" " " | grep -q "^ivshmem-demo:-1:0 ivshmem-demo:$ivid:0 ivshmem-demo:$ivid:1 ivshmem-demo:-1:0 $"'
out=$(call $M $MI Enable s "$sys")
check "Enable twice: AlreadyEnabled" grep -q "Error.AlreadyEnabled" <<<"$out"
out=$(call $M $MI Enable s "relative.json")
check "Enable with a relative path: InvalidArgs" grep -q "org.freedesktop.DBus.Error.InvalidArgs" <<<"$out"

root=$(call $M $MI GetCell s root)
check "GetCell root -> the root cell's object" test "$root" = "$M/cell/root"
check "root cell is running" test "$(cprop "$root" State)" = running

out=$(call $M $MI CreateCell s "$dir/bad.json")
if grep -q "Error.InvalidConfiguration" <<<"$out" && grep -q "$dir/bad.json: .*bogus_key" <<<"$out"; then
	ok "bad configuration: InvalidConfiguration carrying the validator's FILE: PATH: message"
else
	nok "bad configuration: InvalidConfiguration carrying the validator's message"
	echo "# $out"
fi
out=$(call $M $MI CreateCell s "$sys")
check "CreateCell with a system configuration: InvalidConfiguration" grep -q "Error.InvalidConfiguration" <<<"$out"

alpha=$(call $M $MI CreateCell s "$dir/alpha.json")
check "CreateCell alpha -> /org/cellvisor/cell1/cell/alpha" test "$alpha" = "$M/cell/alpha"
check "CellNew alpha seen" wait_for "$dir/signals" "CellNew alpha $M/cell/alpha"
check "InterfacesAdded (ObjectManager) for alpha seen" wait_for "$dir/signals" "InterfacesAdded $M/cell/alpha"
check "alpha: State=created" test "$(cprop "$alpha" State)" = created
check "alpha: ConfigPath" test "$(cprop "$alpha" ConfigPath)" = "$dir/alpha.json"
check "alpha: CPUs=[1]" test "$(cprop "$alpha" CPUs)" = "1 1"
check "alpha: MemoryRegions from the config" grep -q '^2 1895825408 1073741824 4194304 4 read write execute loadable 0 2147483648 4096 3 read write comm_region$' <<<"$(cprop "$alpha" MemoryRegions)"
check "alpha: CreationTimestamp set" test "$(cprop "$alpha" CreationTimestamp)" -gt 0
check "root cell lost CPU 1" test "$(cprop "$root" CPUs)" = "3 0 2 3"
out=$(call $M $MI CreateCell s "$dir/alpha.json")
check "CreateCell alpha again: CellExists" grep -q "Error.CellExists" <<<"$out"
check "ListCells lists root and alpha" test "$(call $M $MI ListCells | cut -d'|' -f1,2 | tr '\n' ' ')" = "root|running alpha|created "
check "GetManagedObjects lists the cells" grep -q "alpha" <<<"$(busctl call org.cellvisor.cell1 $M org.freedesktop.DBus.ObjectManager GetManagedObjects)"

if busctl introspect --xml-interface org.cellvisor.cell1 "$alpha" >"$dir/intro-Cell.xml"; then
	normalize $CI <"$dir/intro-Cell.xml" >"$dir/got-Cell"
	normalize $CI <"$TOP/bus-interfaces/org.cellvisor.cell1.Cell.xml" >"$dir/want-Cell"
	if [ -s "$dir/want-Cell" ] && diff -u "$dir/want-Cell" "$dir/got-Cell" >"$dir/diff"; then
		ok "introspection of org.cellvisor.cell1.Cell equals bus-interfaces/ ($(wc -l <"$dir/want-Cell") members)"
	else
		nok "introspection of org.cellvisor.cell1.Cell equals bus-interfaces/"
		diag "$dir/diff"
	fi
else
	nok "introspection of a cell object"
fi

out=$(call "$alpha" $CI Load 'a(st)' 1 "$dir/demo.bin" 0x50000000)
check "Load outside the loadable region: InvalidImage" grep -q "Error.InvalidImage" <<<"$out"
out=$(call "$alpha" $CI Load 'a(st)' 1 "$dir/missing.bin" 0x40000000)
check "Load of a missing file: InvalidImage naming it" grep -q "Error.InvalidImage.*missing.bin" <<<"$out"
: >"$dir/empty.bin"
out=$(call "$alpha" $CI Load 'a(st)' 1 "$dir/empty.bin" 0x40000000)
check "Load of an empty file: InvalidImage naming it" grep -q "Error.InvalidImage: image $dir/empty.bin for cell \"alpha\" is empty" <<<"$out"
head -c 5000000 /dev/urandom >"$dir/big.bin"	# its region is 4 MiB
out=$(call "$alpha" $CI Load 'a(st)' 1 "$dir/big.bin" 0x40000000)
check "Load of an image bigger than the cell's region: InvalidImage" grep -q "Error.InvalidImage" <<<"$out"
out=$(call "$alpha" $CI Load 'a(st)' 0)
check "Load() with the config's images succeeds" test -z "$out"
check "alpha: State=loadable" test "$(cprop "$alpha" State)" = loadable
check "alpha: LoadTimestamp set" test "$(cprop "$alpha" LoadTimestamp)" -gt 0
check "PropertiesChanged State=loadable seen" wait_for "$dir/signals" "PropertiesChanged $alpha $CI.*State=\"loadable\""
out=$(call "$alpha" $CI Start)
check "Start succeeds" test -z "$out"
check "alpha: State=running" test "$(cprop "$alpha" State)" = running
check "PropertiesChanged State=running with StartTimestamp seen" wait_for "$dir/signals" "PropertiesChanged $alpha $CI.*State=\"running\".*StartTimestamp="
out=$(call "$alpha" $CI Start)
check "Start of a running cell: InvalidState" grep -q "Error.InvalidState" <<<"$out"
out=$(call "$alpha" $CI Load 'a(st)' 0)
check "Load of a running cell: InvalidState" grep -q "Error.InvalidState" <<<"$out"
check "Statistics: exit counters by reason, total > 0" grep -q '^9 total [1-9][0-9]* mmio [0-9]* hypercall' <<<"$(cprop "$alpha" Statistics)"

# ---- console ----
ctl alpha print "hello from alpha
second line
" >/dev/null
sleep 0.2
check "GetConsole returns the cell's output" grep -q "hello from alpha" <<<"$(call "$alpha" $CI GetConsole)"
call "$alpha" $CI OpenConsole b true >"$dir/follow" &
follower=$!
sleep 0.3
ctl alpha print "later output
" >/dev/null
check "OpenConsole(follow) streams old and new output" wait_for "$dir/follow" "later output"
check "OpenConsole(follow) had the backlog first" grep -q "hello from alpha" "$dir/follow"
check "OpenConsole(false) ends after the backlog" eval 'timeout 5 "$BUSCALL" "$alpha" $CI OpenConsole b false | grep -q "later output"' 
check "hypervisor console: GetConsole on the manager" grep -q "Cellvisor" <<<"$(call $M $MI GetConsole)"

# ---- conflicts ----
beta=$(call $M $MI CreateCell s "$dir/beta.json")
check "CreateCell beta" test "$beta" = "$M/cell/beta"
out=$(call $M $MI CreateCell s "$dir/gamma.json")
echo "# $out"
check "CPU of another cell: CPUBusy naming it" grep -q "Error.CPUBusy.*beta" <<<"$out"
# The module refuses CPUs it cannot give before asking the hypervisor, with a reason value too.
check "... naming the CPU and what to do" grep -qF "wants CPU 2, but cell \"beta\" holds it; destroy that cell first or change \"cpus\" in $dir/gamma.json" <<<"$out"
out=$(call $M $MI CreateCell s "$dir/delta.json")
echo "# $out"
check "memory of another cell: MemoryBusy naming it" grep -q "Error.MemoryBusy.*beta" <<<"$out"
check "... naming the region" grep -qF "memory region 0 of cell \"delta\" belongs to cell \"beta\"; destroy that cell first or change \"memory_regions\" in $dir/delta.json" <<<"$out"

# ---- shutdown: refused, locked, slow (not blocking others), silent ----
ctl alpha answer deny >/dev/null
out=$(call "$alpha" $CI Shutdown)
check "Shutdown denied by the cell: ShutdownRefused" grep -q "Error.ShutdownRefused" <<<"$out"
check "... saying so" grep -qF "cell \"alpha\" refused to shut down; it keeps running" <<<"$out"
check "alpha still running after the refusal" test "$(cprop "$alpha" State)" = running

ctl alpha lock >/dev/null
check "alpha: State=running/locked" wait_prop "$alpha" State "running/locked"
check "PropertiesChanged State=running/locked seen" wait_for "$dir/signals" "State=\"running/locked\""
out=$(call "$beta" $CI Load 'a(st)' 0)
check "Load of beta while alpha holds the lock: HypervisorLocked naming alpha" grep -q "Error.HypervisorLocked.*alpha" <<<"$out"
out=$(call "$beta" $CI Destroy)
check "Destroy of beta while locked: HypervisorLocked" grep -q "Error.HypervisorLocked" <<<"$out"
check "... naming the call and the locker" grep -qF "Destroy refused: cell \"alpha\" holds the hypervisor locked" <<<"$out"
# The hypervisor's shutdown does not check the lock; a cell that does not run stays as it is.
out=$(call "$beta" $CI Shutdown)
check "Shutdown of beta while alpha holds the lock goes through" test -z "$out"
check "... beta, never started, stays created" test "$(cprop "$beta" State)" = created
ctl alpha unlock >/dev/null

ctl alpha answer "approve 3000" >/dev/null
t0=$(date +%s%N)
call "$alpha" $CI Shutdown >"$dir/shutdown.out" &
sd=$!
sleep 0.3
t1=$(date +%s%N)
busctl get-property org.cellvisor.cell1 "$beta" $CI State >/dev/null
call $M $MI ListCells >/dev/null
t2=$(date +%s%N)
check "other callers answered during a 3 s shutdown ($(( (t2 - t1) / 1000000 )) ms)" test $(( (t2 - t1) / 1000000 )) -lt 1000
out=$(call "$alpha" $CI Start)
check "a second operation on the busy cell: Busy" grep -q "Error.Busy\|Error.InvalidState" <<<"$out"
wait $sd
t3=$(date +%s%N)
check "slow Shutdown replied after the cell's delay ($(( (t3 - t0) / 1000000 )) ms)" test $(( (t3 - t0) / 1000000 )) -ge 2900 -a ! -s "$dir/shutdown.out"
check "alpha: State=shut down" test "$(cprop "$alpha" State)" = "shut down"
check "alpha: ShutdownTimestamp set" test "$(cprop "$alpha" ShutdownTimestamp)" -gt 0
check "PropertiesChanged State=\"shut down\" seen" wait_for "$dir/signals" "PropertiesChanged $alpha $CI.*State=\"shut down\""
out=$(call "$alpha" $CI Start)
check "Start of a shut down cell not loaded again: InvalidState" grep -q "Error.InvalidState.*load it first" <<<"$out"
check "... saying why" grep -qF "cell \"alpha\" cannot be started: it was not loaded since it was created, shut down or failed; load it first" <<<"$out"
kill $follower 2>/dev/null

call "$beta" $CI Load 'a(st)' 0 >/dev/null && call "$beta" $CI Start >/dev/null
ctl beta answer silent >/dev/null
# Meanwhile alpha refuses a shutdown of its own (after 1 s, while beta's 1.5 s run): each error
# quotes the hypervisor's line about its own cell.
call "$alpha" $CI Load 'a(st)' 0 >/dev/null && call "$alpha" $CI Start >/dev/null
# A refusal while another cell holds the lock is the cell's own, not the lock's.
ctl beta lock >/dev/null
ctl alpha answer deny >/dev/null
out=$(call "$alpha" $CI Shutdown)
check "Shutdown refused by alpha while beta holds the lock: ShutdownRefused" grep -q "Error.ShutdownRefused" <<<"$out"
ctl beta unlock >/dev/null
ctl alpha answer "deny 1000" >/dev/null
call "$alpha" $CI Shutdown >"$dir/alpha-deny.out" &
ad=$!
sleep 0.2
out=$(call "$beta" $CI Shutdown)
wait $ad
check "Shutdown never answered: ShutdownTimeout" grep -q "Error.ShutdownTimeout" <<<"$out"
check "... with beta's own reason and timeout, not alpha's refusal made meanwhile" grep -qF "cell \"beta\" did not answer the shutdown request in 1500 ms and was marked failed" <<<"$out"
check "alpha's concurrent refusal has alpha's reason" grep -qF "ShutdownRefused: cell \"alpha\" refused to shut down" "$dir/alpha-deny.out"
ctl alpha answer approve >/dev/null
out=$(call "$alpha" $CI Shutdown)
check "alpha shut down again" test -z "$out" -a "$(cprop "$alpha" State)" = "shut down"
check "beta: State=failed, FailedCPUs=[2]" test "$(cprop "$beta" State)/$(cprop "$beta" FailedCPUs)" = "failed/1 2"
check "PropertiesChanged State=failed seen" wait_for "$dir/signals" "PropertiesChanged $beta $CI.*State=\"failed\""

# ---- authorization: everyone reads, polkit decides for non-root callers ----
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
check "unprivileged caller can read properties" test "$(nobody busctl get-property org.cellvisor.cell1 $M $MI Enabled)" = "b true"
echo deny >"$dir/policy"
: >"$dir/polkit.log"
out=$(nobody "$BUSCALL" "$alpha" $CI Destroy)
check "unprivileged Destroy refused: NotAuthorized with a readable message" grep -q "Error.NotAuthorized: Destroy of cell alpha is not allowed for uid 65534" <<<"$out"
check "polkit asked for manage-cells about the caller's bus name, with the cell" grep -q "^org.cellvisor.cell1.manage-cells system-bus-name 0 cell=alpha -> deny" "$dir/polkit.log"
out=$(nobody "$BUSCALL" $M $MI Disable)
check "unprivileged Disable refused via manage-hypervisor" grep -q "Error.NotAuthorized" <<<"$out"
check "polkit asked for manage-hypervisor" grep -q "^org.cellvisor.cell1.manage-hypervisor " "$dir/polkit.log"
echo challenge >"$dir/policy"
out=$(nobody "$BUSCALL" --interactive "$alpha" $CI Destroy)
check "interactive flag passed to polkit (flags=1), challenge explained" grep -q "authentication" <<<"$out"
check "polkit got AllowUserInteraction" grep -q "manage-cells system-bus-name 1 " "$dir/polkit.log"
check "alpha not destroyed by the refused calls" test "$(cprop "$alpha" State)" = "shut down"
echo allow >"$dir/policy"
: >"$dir/polkit.log"
call "$alpha" $CI Load 'a(st)' 0 >/dev/null
out=$(nobody "$BUSCALL" "$alpha" $CI Start)
check "unprivileged Start allowed when polkit says yes" test -z "$out"
check "root callers are not sent to polkit" test "$(grep -c . "$dir/polkit.log")" = 1

# ---- restart: kill -9, the cells are found again with their state and records ----
created_before=$(cprop "$alpha" CreationTimestamp)
kill -9 "$daemon"
wait "$daemon" 2>/dev/null
check "cellmgrd restarts after kill -9" start_daemon
check "alpha recovered: running" test "$(cprop "$alpha" State)" = running
check "beta recovered: failed" test "$(cprop "$beta" State)" = failed
check "alpha keeps ConfigPath and CreationTimestamp across the restart" test "$(cprop "$alpha" ConfigPath)|$(cprop "$alpha" CreationTimestamp)" = "$dir/alpha.json|$created_before"
check "hypervisor still enabled with its SystemConfigPath" test "$(mprop Enabled)|$(mprop SystemConfigPath)" = "true|$sys"

# ---- a cell faults on its own: State follows, the journal says so ----
ctl alpha fail >/dev/null
check "a faulting cell: State=failed via the driver notification" wait_prop "$alpha" State failed
check "PropertiesChanged failed for alpha after the restart" wait_for "$dir/signals" "PropertiesChanged $alpha $CI.*State=\"failed\""
check "the failure is logged with the cell's name" wait_for "$dir/cellmgrd.log" 'alpha: Cell "alpha" failed'

# ---- Restart: from failed, running and shut down; Terminate: whatever the cell answers ----
out=$(call "$alpha" $CI Restart)
check "Restart of a failed cell succeeds" test -z "$out"
check "... it runs again, images loaded again" test "$(cprop "$alpha" State)" = running -a "$(cprop "$alpha" LoadTimestamp)" -gt 0
check "PropertiesChanged failed -> running for alpha seen" wait_for "$dir/signals" "PropertiesChanged $alpha $CI.*State=\"running\""
l0=$(cprop "$alpha" LoadTimestampMonotonic) s0=$(cprop "$alpha" StartTimestampMonotonic)
sd0=$(grep -c "PropertiesChanged $alpha $CI.*State=\"shut down\"" "$dir/signals")
ctl alpha answer "approve 300" >/dev/null
out=$(call "$alpha" $CI Restart)
check "Restart of a running cell succeeds" test -z "$out"
check "... shut down, loaded and started again (Load and Start timestamps moved)" test "$(cprop "$alpha" State)" = running -a "$(cprop "$alpha" LoadTimestampMonotonic)" -gt "$l0" -a "$(cprop "$alpha" StartTimestampMonotonic)" -gt "$s0"
sleep 0.2
check "... one Restart on the bus: State never read \"shut down\" meanwhile" test "$(grep -c "PropertiesChanged $alpha $CI.*State=\"shut down\"" "$dir/signals")" = "$sd0"
check "... StartTimestamp announced" wait_for "$dir/signals" "PropertiesChanged $alpha $CI.*StartTimestamp=$(cprop "$alpha" StartTimestamp)"
ctl alpha answer approve >/dev/null
call "$alpha" $CI Shutdown >/dev/null
check "alpha shut down" test "$(cprop "$alpha" State)" = "shut down"
out=$(call "$alpha" $CI Restart)
check "Restart of a shut down cell succeeds" test -z "$out" -a "$(cprop "$alpha" State)" = running
ctl alpha answer deny >/dev/null
out=$(call "$alpha" $CI Restart)
echo "# $out"
check "Restart of a cell that refuses the shutdown: ShutdownRefused, not restarted" grep -qF "Error.ShutdownRefused: cell \"alpha\" refused to shut down, so it was not restarted; it keeps running" <<<"$out"
check "... it keeps running" test "$(cprop "$alpha" State)" = running
out=$(call "$root" $CI Restart)
check "Restart of the root cell: InvalidState" grep -qF "Error.InvalidState: \"root\" is the root cell: it cannot be restarted" <<<"$out"
out=$(call "$root" $CI Terminate)
check "Terminate of the root cell: InvalidState" grep -qF "Error.InvalidState: \"root\" is the root cell: it cannot be terminated" <<<"$out"
mkcell zeta 3 0x71c00000
sed -i 's/"images": .*/"images": []/' "$dir/zeta.json"
zeta=$(call $M $MI CreateCell s "$dir/zeta.json")
out=$(call "$zeta" $CI Restart)
check "Restart of a cell whose configuration has no images: InvalidImage" grep -q "Error.InvalidImage: cell \"zeta\" has no images in its configuration" <<<"$out"
call "$zeta" $CI Load 'a(st)' 1 "$dir/demo.bin" 0x40000000 >/dev/null
call "$zeta" $CI Start >/dev/null
ctl zeta answer deny >/dev/null
out=$(call "$zeta" $CI Destroy)
check "Destroy of zeta, which refuses: ShutdownRefused" grep -q "Error.ShutdownRefused" <<<"$out"
ctl zeta answer stuck >/dev/null
out=$(call "$zeta" $CI Terminate)
echo "# $out"
check "Terminate of a cell whose CPUs do not stop: TerminateFailed" grep -qF "Error.TerminateFailed: the CPUs of cell \"zeta\" did not stop, so it could not be terminated" <<<"$out"
check "... zeta is still there" test "$(cprop "$zeta" State)" = running
ctl zeta answer deny >/dev/null
echo deny >"$dir/policy"
: >"$dir/polkit.log"
out=$(nobody "$BUSCALL" "$zeta" $CI Terminate)
check "unprivileged Terminate refused: NotAuthorized naming its own action" grep -qF "Error.NotAuthorized: Terminate of cell zeta is not allowed for uid 65534 (pid" <<<"$out"
check "... org.cellvisor.cell1.terminate-cells" grep -q "it needs the polkit action org.cellvisor.cell1.terminate-cells" <<<"$out"
check "polkit asked for terminate-cells with the cell" grep -q "^org.cellvisor.cell1.terminate-cells system-bus-name 0 cell=zeta -> deny" "$dir/polkit.log"
out=$(nobody "$BUSCALL" "$alpha" $CI Restart)
check "unprivileged Restart refused" grep -q "Error.NotAuthorized: Restart of cell alpha" <<<"$out"
check "polkit asked for manage-cells for a Restart" grep -q "^org.cellvisor.cell1.manage-cells system-bus-name 0 cell=alpha -> deny" "$dir/polkit.log"
echo allow >"$dir/policy"
out=$(nobody "$BUSCALL" "$zeta" $CI Terminate)
check "Terminate of a cell that refuses shutdowns (authorized through polkit) succeeds" test -z "$out"
check "... zeta is gone: CellRemoved" wait_for "$dir/signals" "CellRemoved zeta"
check "... the journal says terminated" wait_for "$dir/cellmgrd.log" 'Cell "zeta" terminated, requested by uid 65534'
check "... and the root cell has CPU 3 again" grep -q " 3$" <<<"$(cprop "$root" CPUs)"
out=$(call "$zeta" $CI Terminate)
check "Terminate of a cell that is gone: UnknownObject" grep -q "UnknownObject\|UnknownMethod" <<<"$out"
ctl alpha answer approve >/dev/null
ctl alpha fail >/dev/null
check "alpha failed again, for the teardown" wait_prop "$alpha" State failed

# ---- teardown: Disable refused with cells, then destroy, then disable ----
out=$(call $M $MI Disable)
check "Disable with cells: CellsRemaining" grep -q "Error.CellsRemaining" <<<"$out"
# beta runs again, locked, and still never answers a shutdown request (1.5 s).
call "$beta" $CI Load 'a(st)' 0 >/dev/null && call "$beta" $CI Start >/dev/null
ctl beta lock >/dev/null
out=$(call $M $MI Disable)
check "Disable while a cell holds the lock: CellsRemaining (the module counts cells)" grep -q "Error.CellsRemaining" <<<"$out"
ctl beta unlock >/dev/null
out=$(call "$beta" $CI Destroy)
check "Destroy of a cell that never answers the shutdown request succeeds" test -z "$out"
out=$(call "$alpha" $CI Destroy)
check "Destroy of a failed cell succeeds" test -z "$out"
check "CellRemoved alpha seen" wait_for "$dir/signals" "CellRemoved alpha"
check "InterfacesRemoved for alpha seen" wait_for "$dir/signals" "InterfacesRemoved $M/cell/alpha"
out=$(call $M $MI GetCell s alpha)
check "GetCell of a destroyed cell: NoSuchCell" grep -q "Error.NoSuchCell" <<<"$out"
check "root got its CPUs back" test "$(cprop "$root" CPUs)" = "4 0 1 2 3"
# ---- parameters as text: a page kept in the state directory, loaded after the images ----
mkcell pcell 1 0x71000000
sed -i 's|"images": \[|"parameters": { "address": "0x40100000", "text": "rate=20 label=x" },\n\t"images": [|' "$dir/pcell.json"
pcell=$(call $M $MI CreateCell s "$dir/pcell.json")
check "CreateCell of a cell with \"parameters\": {\"text\": ...}" test "$pcell" = "$M/cell/pcell"
check "pcell: Images lists its image, then its parameter page in the state directory" \
	test "$(cprop "$pcell" Images)" = "2 $dir/demo.bin 1073741824 $dir/state/cells/pcell.params 1074790400"
check "... a page of 4096 bytes: the text, a NUL, zeros" \
	cmp "$dir/state/cells/pcell.params" <(printf 'rate=20 label=x'; head -c 4081 /dev/zero)
out=$(call "$pcell" $CI Load 'a(st)' 0)
check "pcell: Load() of its configuration's images and parameters succeeds" test -z "$out"
out=$(call "$pcell" $CI Destroy)
check "pcell: Destroy succeeds" test -z "$out"
check "... and removes its parameter page" test ! -e "$dir/state/cells/pcell.params"
long=$(head -c 4096 /dev/zero | tr '\0' a)
sed "s|rate=20 label=x|$long|" "$dir/pcell.json" >"$dir/plong.json"
out=$(call $M $MI CreateCell s "$dir/plong.json")
check "CreateCell with a text that does not fit in the page: InvalidConfiguration" \
	grep -qF "Error.InvalidConfiguration: $dir/plong.json: .parameters.text: 4096 characters do not fit in the 4096-byte parameter page" <<<"$out"

# ---- a Linux cell: boot stub and device tree in the state directory, loaded as images ----
# An arm64 Image header (image_size 4 MiB) and a 64 KiB file; an initrd of 1000 bytes.
perl -e 'open(my $o, ">", $ARGV[0]) or die; binmode $o;
	my $h = pack("VV", 0x14000010, 0) . pack("Q<Q<Q<", 0, 4 << 20, 10) .
		pack("Q<Q<Q<", 0, 0, 0) . pack("VV", 0x644d5241, 0);
	print $o $h, "\0" x (65536 - length($h));' "$dir/Image"
head -c 1000 /dev/zero | tr '\0' i >"$dir/initrd"
mklinux() { # mklinux NAME KERNEL
	cat >"$dir/$1.json" <<EOF
{
	"name": "$1",
	"cpus": [1],
	"console": { "type": "vpl011", "address": "0x09000000" },
	"memory_regions": [
		{ "phys_start": "0x72000000", "virt_start": "0x40000000", "size": "48 MiB",
		  "flags": ["read", "write", "execute", "loadable"] },
		{ "virt_start": "0x80000000", "size": "4 KiB", "flags": ["read", "write", "comm_region"] }
	],
	"linux": { "kernel": "$2", "initrd": "$dir/initrd", "cmdline": "console=ttyAMA0" }
}
EOF
}
mklinux lx "$dir/Image"
lx=$(call $M $MI CreateCell s "$dir/lx.json")
check "CreateCell of a Linux cell" test "$lx" = "$M/cell/lx"
# stub at the base, kernel 2 MiB up, DTB at the 2 MiB boundary after its 4 MiB, initrd next page
dtb_size=$(stat -c %s "$dir/state/cells/lx.dtb" 2>/dev/null || echo 0)
initrd_at=$(( 0x40600000 + (dtb_size + 4095) / 4096 * 4096 ))
check "lx: Images: boot stub, kernel, device tree, initrd" \
	test "$(cprop "$lx" Images)" = "4 $dir/state/cells/lx.boot $((0x40000000)) $dir/Image $((0x40200000)) $dir/state/cells/lx.dtb $((0x40600000)) $dir/initrd $initrd_at"
check "lx: the compiled blob has the flags no_reset and boot_cpu_only" grep -q '"no_reset", "boot_cpu_only"' \
	<("$CELLCTL" config show --json "$dir/state/cells/lx.blob" 2>&1)
check "lx: its boot stub is 40 bytes" test "$(stat -c %s "$dir/state/cells/lx.boot")" = 40
if command -v aarch64-linux-gnu-objdump >/dev/null; then
	check "lx: the boot stub loads x0 from its first literal and branches to x4" \
		test "$(aarch64-linux-gnu-objdump -b binary -m aarch64 -D "$dir/state/cells/lx.boot" |
			awk '/^ +[0-9a-f]+:/ { print $3, $4, $5 }' | head -n 6 | tr '\n' ';')" = \
		"ldr x0, 0x18;ldr x4, 0x20;mov x1, xzr;mov x2, xzr;mov x3, xzr;br x4 ;"
fi
check "lx: the stub's literals: DTB and kernel addresses" \
	test "$(od -A n -t x8 -j 24 "$dir/state/cells/lx.boot" | tr -s ' ')" = " 0000000040600000 0000000040200000"
check "lx: its device tree has the command line" \
	test "$(fdtget "$dir/state/cells/lx.dtb" /chosen bootargs)" = console=ttyAMA0
check "lx: ... and the initrd's place" \
	test "$(fdtget -t x "$dir/state/cells/lx.dtb" /chosen linux,initrd-start)" = "0 $(printf %x $initrd_at)"
out=$(call "$lx" $CI Load 'a(st)' 0)
check "lx: Load() of stub, kernel, device tree and initrd succeeds" test -z "$out"
out=$(call "$lx" $CI Destroy)
check "lx: Destroy succeeds" test -z "$out"
check "... and removes its boot stub and device tree" \
	test ! -e "$dir/state/cells/lx.boot" -a ! -e "$dir/state/cells/lx.dtb"
# A kernel that is no Image: refused before anything is created or written.
printf 'MZ not an Image' >"$dir/notimage"
mklinux lxbad "$dir/notimage"
out=$(call $M $MI CreateCell s "$dir/lxbad.json")
check "CreateCell with a kernel that is no arm64 Image: InvalidConfiguration, saying why" \
	grep -qF "Error.InvalidConfiguration: $dir/lxbad.json: .linux.kernel: $dir/notimage is not an arm64 Image" <<<"$out"
check "... no file left" test ! -e "$dir/state/cells/lxbad.boot" -a ! -e "$dir/state/cells/lxbad.dtb"
check "... and no cell" grep -q "Error.NoSuchCell" <<<"$(call $M $MI GetCell s lxbad)"
mklinux lxgone "$dir/nothere"
out=$(call $M $MI CreateCell s "$dir/lxgone.json")
check "CreateCell with a missing kernel: InvalidConfiguration, naming the file" \
	grep -qF "Error.InvalidConfiguration: $dir/lxgone.json: .linux.kernel: cannot use $dir/nothere: No such file or directory" <<<"$out"
# The driver refuses the creation (CPU 1 is taken): the prepared files go again.
mkcell holder 1 0x71000000
holder=$(call $M $MI CreateCell s "$dir/holder.json")
out=$(call $M $MI CreateCell s "$dir/lx.json")
check "CreateCell of a Linux cell the driver refuses: an error" grep -q "^ERROR" <<<"$out"
check "... and its boot stub and device tree are removed" \
	test ! -e "$dir/state/cells/lx.boot" -a ! -e "$dir/state/cells/lx.dtb"
call "$holder" $CI Destroy >/dev/null

out=$(call $M $MI Disable)
check "Disable succeeds" test -z "$out"
check "Enabled=false, NumCells=0" test "$(mprop Enabled)/$(mprop NumCells)" = "false/0"
check "LinkChanged: the link went with Disable (no peers)" wait_for "$dir/signals" "^LinkChanged ivshmem-demo$"

# ---- cellctl's bus verbs against the same daemon ----
if [ -n "$CELLCTL" ] && [ -x "$CELLCTL" ]; then
	. "$TOP/tests/host/daemon/cellctl-bus.sh"
fi

# ---- clean exit: SIGTERM, no leak (LeakSanitizer runs at exit) ----
kill -TERM "$daemon"
wait "$daemon"
st=$?
check "cellmgrd exits 0 on SIGTERM, sanitizers silent" test "$st" = 0
if grep -q "ERROR: \(Address\|Leak\)Sanitizer\|runtime error" "$dir/cellmgrd.log"; then
	nok "no sanitizer report in cellmgrd's log"
	grep -A20 "Sanitizer\|runtime error" "$dir/cellmgrd.log" | head -40 | sed 's/^/# /'
else
	ok "no sanitizer report in cellmgrd's log"
fi
echo "1..$n"
[ $failures = 0 ]
