# cellctl's D-Bus verbs against the test daemon; sourced by daemon-bus.sh (which provides
# check, ok, nok, ctl, cprop, wait_for, start_daemon, $dir, $sys, $M ...), after the
# hypervisor was disabled there.

cc() { "$CELLCTL" "$@"; }
st() { "$@" >"$dir/cc.out" 2>"$dir/cc.err"; echo $?; }

ctl "" gic-lines 224 >/dev/null
check "cellctl enable refused by the hypervisor: exit 1" test "$(st cc enable "$sys")" = 1
sed 's/^/# /' "$dir/cc.err"
check "... prints the daemon's message" grep -qF "cellctl: enable: $sys: the GIC implements 224 interrupts (GICD_TYPER)" "$dir/cc.err"
ctl "" gic-lines 0 >/dev/null
check "cellctl enable: exit 0" test "$(st cc enable "$sys")" = 0
check "cellctl enable again: exit 7, says already enabled" test "$(st cc enable "$sys")/$(grep -c "already enabled" "$dir/cc.err")" = 7/1
check "cellctl create prints the cell's object" test "$(cc create "$dir/alpha.json")" = "$M/cell/alpha"
mkcell epsilon 2 0x71000000	# memory of alpha
check "cellctl create refused by the hypervisor: exit 7" test "$(st cc create "$dir/epsilon.json")" = 7
sed 's/^/# /' "$dir/cc.err"
check "... prints the reason" grep -qF "memory region 0 of cell \"epsilon\" belongs to cell \"alpha\"" "$dir/cc.err"
check "cellctl list: table with header, rows and legend" eval 'cc list >"$dir/list" && grep -q "^NAME  *ID STATE  *CPUS" "$dir/list" && grep -q "^alpha  *1 created  *1$" "$dir/list" && grep -q "^2 cells listed." "$dir/list"'
check "cellctl list --no-legend: rows only" test "$(cc list --no-legend | wc -l)" = 2
check "cellctl list --json" grep -q '"name":"alpha","id":1,"state":"created","object":"/org/cellvisor/cell1/cell/alpha","cpus":\[1\]' <<<"$(cc list --json)"
# Links (issue 14): system.json's link "ivshmem-demo" between the root and a cell of that name.
check "cellctl links: the root's link and its peers, one line each" eval 'cc links >"$dir/links" && grep -q "^ivshmem-demo  *1 MiB  *0x7ff00000  *0 root  *0 up  *0  *0  *0$" "$dir/links" && grep -q "^  *1 ivshmem-demo  *- down  *0  *0  *0$" "$dir/links" && grep -q "^1 link of the root cell listed." "$dir/links"'
sed 's/^/# /' "$dir/links"
check "cellctl links --json" grep -q '"name":"ivshmem-demo","size":1048576,"address":2146435072,"doorbell_irq":101,"writable":true,"events":0,"peers":\[{"cell":"root","id":0,"state":"up","state_value":1,"received":0,"sent":0,"coalesced":0},{"cell":"ivshmem-demo","id":-1,"state":"down"' <<<"$(cc links --json)"
check "cellctl show NAME -p State --value" test "$(cc show alpha -p State --value)" = created
check "cellctl show NAME -p Name,CPUs" test "$(cc show alpha -p Name,CPUs | tr '\n' ' ')" = "Name=alpha CPUs=1 "
check "cellctl show (manager) Enabled=yes" grep -qx "Enabled=yes" <<<"$(cc show)"
check "cellctl show --json NAME" grep -q '"State":"created"' <<<"$(cc show --json alpha)"
check "cellctl show -p Nonsense: exit 1" test "$(st cc show alpha -p Nonsense)" = 1

# ---- conventions shared with systemctl/machinectl (issue 16) ----
check "no verb is list" test "$(cc)" = "$(cc list)"
check "no verb, options only: list with them (--no-legend)" test "$(cc --no-legend | wc -l)" = 2
check "-P NAME is --value -p NAME" test "$(cc show alpha -P State)" = created
check "-P before the name" test "$(cc show -P CPUs alpha)" = 1
check "show hides empty properties" eval '! cc show alpha | grep -q "^FailedCPUs="'
check "show -a shows them too" grep -qx "FailedCPUs=" <<<"$(cc show -a alpha)"
check "show --all, the same" test "$(cc show --all alpha | wc -l)" = "$(cc show -a alpha | wc -l)"
check "show -p names an empty one: shown" test "$(cc show alpha -p FailedCPUs)" = "FailedCPUs="
check "--json=short: one line" test "$(cc show --json=short alpha | wc -l)" = 1
check "--json=pretty: indented, the same document" eval 'test "$(cc show --json=pretty alpha | wc -l)" -gt 5 && python3 -c "import json, sys; a, b = sys.argv[1:]; sys.exit(json.loads(a) != json.loads(b))" "$(cc show --json=pretty alpha -p Name,State,CPUs)" "$(cc show --json alpha -p Name,State,CPUs)"'
check "list --json=pretty" eval 'cc list --json=pretty | python3 -c "import json, sys; sys.exit(len(json.load(sys.stdin)) != 2)"'
check "--json=yaml: usage error, exit 2" test "$(st cc list --json=yaml)" = 2
check "... saying what is accepted" grep -qF -- "--json=yaml: say --json=short or --json=pretty" "$dir/cc.err"
check "list -q: rows only" test "$(cc list -q | wc -l)" = 2
check "status -q NAME: no output, exit 0 for a cell that did not fail" test "$(st cc status -q alpha)/$(cat "$dir/cc.out")" = "0/"
check "show -q, console -q, config show -q: accepted" eval 'cc show -q alpha >/dev/null && cc console -q alpha >/dev/null && cc config show -q "$sys" >/dev/null'
mkcell zeta 3 0x71c00000
check "create with two files: exit 0, -q: no output" test "$(st cc create -q "$dir/gamma.json" "$dir/zeta.json")/$(cat "$dir/cc.out")" = "0/"
check "show -P State with two names: a value for each" test "$(cc show -P State gamma zeta | grep -c '^created$')" = 2
check "status with two names: both, a blank line between" eval 'cc status gamma zeta >"$dir/st2" && grep -q "gamma (id" "$dir/st2" && grep -q "zeta (id" "$dir/st2" && grep -qx "" "$dir/st2"'
check "show --json with two names: one document each" test "$(cc show --json -p Name gamma zeta | tr '\n' ' ')" = '{"Name":"gamma"} {"Name":"zeta"} '
check "start with two names that are not loaded: exit 7, each refused" eval 'test "$(st cc start gamma zeta)" = 7 && test "$(grep -c "load it first" "$dir/cc.err")" = 2'
cc load gamma && cc load zeta
check "start with two names: exit 0, both run" eval 'test "$(st cc start gamma zeta)" = 0 && test "$(cc show -P State gamma zeta | grep -c "^running$")" = 2'
check "start of running cells: exit 7, as for one" test "$(st cc start gamma zeta)" = 7
check "start -q of a running cell: exit 7, nothing said" test "$(st cc start -q gamma)/$(cat "$dir/cc.err")" = "7/"
check "start --config with two names: usage error" test "$(st cc start --config "$dir/gamma.json" gamma zeta)" = 2
check "shutdown with two names: both shut down" eval 'cc shutdown gamma zeta && test "$(cc show -P State gamma zeta | grep -c "^shut down$")" = 2'
check "destroy gamma nosuch zeta: exit 5 (the first failure), the others done" eval 'test "$(st cc destroy gamma nosuch zeta)" = 5 && test "$(st cc show gamma)" = 5 && test "$(st cc show zeta)" = 5'

# The pager: only on a terminal (script(1) gives one), never with --no-pager.
printf '#!/bin/sh\necho paged >>"%s"\nexec cat\n' "$dir/pager.log" >"$dir/pager"
chmod +x "$dir/pager"
onatty() { script -qec "$*" /dev/null </dev/null; }
check "list on a terminal goes through \$PAGER" eval 'PAGER=$dir/pager onatty "$CELLCTL" list >"$dir/tty.out" && grep -q "^alpha " "$dir/tty.out" && test "$(cat "$dir/pager.log" 2>/dev/null)" = paged'
: >"$dir/pager.log"
check "... not with --no-pager" eval 'PAGER=$dir/pager onatty "$CELLCTL" list --no-pager >"$dir/tty.out" && grep -q "^alpha " "$dir/tty.out" && test ! -s "$dir/pager.log"'
check "... not when stdout is no terminal" eval 'PAGER=$dir/pager cc list >/dev/null && test ! -s "$dir/pager.log"'
check "... not with PAGER=cat" eval 'PAGER=cat onatty "$CELLCTL" show alpha >/dev/null && test ! -s "$dir/pager.log"'
check "... \$CELLCTL_PAGER first; show and status page too" eval 'CELLCTL_PAGER=$dir/pager PAGER=false onatty "$CELLCTL" show alpha >/dev/null && onatty CELLCTL_PAGER=$dir/pager "$CELLCTL" status alpha >/dev/null && test "$(grep -c paged "$dir/pager.log")" = 2'
: >"$dir/pager.log"
check "... console too" eval 'CELLCTL_PAGER=$dir/pager onatty "$CELLCTL" console alpha >/dev/null && test "$(grep -c paged "$dir/pager.log")" = 1'
check "cellctl start --config (exists: load + start): exit 0" test "$(st cc start --config "$dir/alpha.json" alpha)" = 0
check "alpha running after cellctl start" test "$(cc show alpha -p State --value)" = running
check "cellctl start of a running cell: exit 7" test "$(st cc start alpha)" = 7
ctl alpha print "status line one
status line two
" >/dev/null
sleep 0.2
cc status alpha >"$dir/status"
check "cellctl status: name, state, CPUs, memory and the last console lines" eval 'grep -q "alpha (id 1)" "$dir/status" && grep -q "State: running since" "$dir/status" && grep -q "CPUs: 1" "$dir/status" && grep -q "Memory: 0x71000000-0x713fffff -> 0x40000000 (read,write,execute,loadable)" "$dir/status" && grep -q "^status line two" "$dir/status"'
check "cellctl status --json has the console" grep -q '"console":"status line one\\nstatus line two\\n"' <<<"$(cc status --json alpha)"
check "cellctl status (hypervisor)" grep -q "Cellvisor hypervisor - enabled" <<<"$(cc status)"
check "cellctl console NAME prints the backlog" grep -q "status line one" <<<"$(cc console alpha)"
check "cellctl console --hypervisor" grep -q "Cellvisor" <<<"$(cc console --hypervisor)"
check "cellctl console of an unknown cell: exit 5" test "$(st cc console nosuch)" = 5

# As cell@.service runs it: create, load, start, then follow the console until the cell stops.
cc start --config "$dir/beta.json" --follow beta >"$dir/unit.out" 2>"$dir/unit.err" &
unit=$!
check "start --config --follow creates and starts the cell" eval 'for _ in $(seq 100); do [ "$(cc show beta -p State --value 2>/dev/null)" = running ] && break; sleep 0.05; done; [ "$(cc show beta -p State --value)" = running ]'
ctl beta print "before restart
" >/dev/null
check "the follower prints the cell's output" wait_for "$dir/unit.out" "before restart"
kill -9 "$daemon"
wait "$daemon" 2>/dev/null
sleep 0.5
check "cellmgrd restarted under the follower" start_daemon
ctl beta print "after restart
" >/dev/null
check "the follower reattaches and prints new output" wait_for "$dir/unit.out" "after restart"
check "... without repeating what it had printed" test "$(grep -c "before restart" "$dir/unit.out")" = 1
check "the follower is still running" kill -0 $unit
ctl beta fail >/dev/null
wait $unit
check "the follower exits 3 when the cell fails" test $? = 3
check "cellctl status of a failed cell: exit 3" test "$(st cc status beta)" = 3
check "cellctl status -q of a failed cell: exit 3, no output" test "$(st cc status -q beta)/$(cat "$dir/cc.out")" = "3/"
check "cellctl shutdown --destroy of a failed cell: exit 0, cell gone" eval 'cc shutdown --destroy beta && test "$(st cc show beta)" = 5'
check "cellctl shutdown --destroy of a missing cell: exit 0 (idempotent for units)" cc shutdown --destroy beta

# --wait is woken by the cell's PropertiesChanged signals: the match it adds is seen on the bus.
dbus-monitor --system "type='method_call',interface='org.freedesktop.DBus',member='AddMatch'" \
	>"$dir/addmatch" 2>/dev/null &
mon=$!
pids+=($mon)
sleep 0.5
check "cellctl start --config --wait: exit 0, the cell runs" eval 'test "$(st cc start --config "$dir/beta.json" --wait beta)" = 0 && test "$(cc show beta -p State --value)" = running'
check "... having waited on the cell's PropertiesChanged" wait_for "$dir/addmatch" "path='$M/cell/beta',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged'"
kill $mon
check "cellctl shutdown --destroy beta: exit 0" cc shutdown --destroy beta

# cell@.service's stop: ExecStop= shuts the cell down, then systemd sends the follower SIGTERM
# (the follower itself, not a shell running it).
"$CELLCTL" start --config "$dir/beta.json" --follow beta >"$dir/unit.out" 2>"$dir/unit.err" &
unit=$!
check "a follower again" eval 'for _ in $(seq 100); do [ "$(cc show beta -p State --value 2>/dev/null)" = running ] && break; sleep 0.05; done; [ "$(cc show beta -p State --value)" = running ]'
ctl beta print "first words
" >/dev/null
check "... it follows (as after READY=1)" wait_for "$dir/unit.out" "first words"
ctl beta print "last words
" >/dev/null
check "cellctl shutdown beta (ExecStop=)" cc shutdown beta
kill -TERM $unit
wait $unit
st=$?
check "the follower exits 0 on SIGTERM after the shutdown (status $st; $(tr '\n' ' ' <"$dir/unit.err"))" \
	test $st = 0
check "... having printed the cell's last words" grep -q "last words" "$dir/unit.out"
check "cellctl shutdown --destroy beta: exit 0" cc shutdown --destroy beta

ctl alpha answer deny >/dev/null
check "cellctl shutdown refused by the cell: exit 7" test "$(st cc shutdown alpha)" = 7
check "... with the daemon's message" grep -q "refused to shut down" "$dir/cc.err"
echo deny >"$dir/policy"
check "unprivileged cellctl destroy: exit 4" test "$(st setpriv --reuid=65534 --regid=65534 --clear-groups "$CELLCTL" destroy --no-ask-password alpha)" = 4
echo allow >"$dir/policy"
ctl alpha answer approve >/dev/null
check "cellctl shutdown + destroy: exit 0" eval 'cc shutdown alpha && cc destroy alpha'
check "cellctl destroy of a missing cell: exit 5" test "$(st cc destroy alpha)" = 5

# restart and terminate, several cells at a time; shutdown --destroy (the unit's stop)
# terminates a cell that refuses.
check "cellctl start --config alpha and beta" eval 'cc start --config "$dir/alpha.json" alpha && cc start --config "$dir/beta.json" beta'
ctl alpha answer deny >/dev/null
check "cellctl restart of a cell that refuses the shutdown: exit 7" test "$(st cc restart alpha)" = 7
check "... saying it was not restarted" grep -qF "cell \"alpha\" refused to shut down, so it was not restarted" "$dir/cc.err"
ctl alpha answer approve >/dev/null
s0=$(cc show alpha -p StartTimestampMonotonic --value)
check "cellctl restart alpha beta: exit 0, both running" eval 'test "$(st cc restart alpha beta)" = 0 && test "$(cc show alpha -p State --value)/$(cc show beta -p State --value)" = running/running'
check "... alpha started again (StartTimestamp moved)" test "$(cc show alpha -p StartTimestampMonotonic --value)" != "$s0"
check "cellctl restart of a missing cell among others: exit 5, the others restarted" test "$(st cc restart nosuch alpha)/$(cc show alpha -p State --value)" = 5/running
ctl alpha answer deny >/dev/null
ctl beta answer deny >/dev/null
check "cellctl terminate of a cell that refuses shutdowns: exit 0, gone" eval 'test "$(st cc terminate alpha)" = 0 && test "$(st cc show alpha)" = 5'
check "cellctl terminate of a missing cell: exit 5" test "$(st cc terminate alpha)" = 5
check "cellctl shutdown --destroy of a cell that refuses: exit 0" test "$(st cc shutdown --destroy beta)" = 0
check "... saying it terminates it" grep -q "cell beta did not shut down; terminating it" "$dir/cc.err"
check "... beta is gone" test "$(st cc show beta)" = 5
check "cellctl disable: exit 0" test "$(st cc disable)" = 0
check "cellctl disable again: exit 7" test "$(st cc disable)" = 7
check "cellctl against no daemon: exit 6" test "$(DBUS_SYSTEM_BUS_ADDRESS=unix:path=$dir/nonexistent st cc list)" = 6
