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
check "cellctl links: the root's link and its peers, one line each" eval 'cc links >"$dir/links" && grep -q "^ivshmem-demo  *1 MiB  *0x7ff00000  *0 root  *0 up  *0  *0$" "$dir/links" && grep -q "^  *1 ivshmem-demo  *- down  *0  *0$" "$dir/links" && grep -q "^1 link of the root cell listed." "$dir/links"'
sed 's/^/# /' "$dir/links"
check "cellctl links --json" grep -q '"name":"ivshmem-demo","size":1048576,"address":2146435072,"doorbell_irq":101,"writable":true,"events":0,"peers":\[{"cell":"root","id":0,"state":"up","state_value":1,"received":0,"sent":0},{"cell":"ivshmem-demo","id":-1,"state":"down"' <<<"$(cc links --json)"
check "cellctl show NAME -p State --value" test "$(cc show alpha -p State --value)" = created
check "cellctl show NAME -p Name,CPUs" test "$(cc show alpha -p Name,CPUs | tr '\n' ' ')" = "Name=alpha CPUs=1 "
check "cellctl show (manager) Enabled=yes" grep -qx "Enabled=yes" <<<"$(cc show)"
check "cellctl show --json NAME" grep -q '"State":"created"' <<<"$(cc show --json alpha)"
check "cellctl show -p Nonsense: exit 1" test "$(st cc show alpha -p Nonsense)" = 1
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

ctl alpha answer deny >/dev/null
check "cellctl shutdown refused by the cell: exit 7" test "$(st cc shutdown alpha)" = 7
check "... with the daemon's message" grep -q "refused to shut down" "$dir/cc.err"
echo deny >"$dir/policy"
check "unprivileged cellctl destroy: exit 4" test "$(st setpriv --reuid=65534 --regid=65534 --clear-groups "$CELLCTL" destroy --no-ask-password alpha)" = 4
echo allow >"$dir/policy"
ctl alpha answer approve >/dev/null
check "cellctl shutdown + destroy: exit 0" eval 'cc shutdown alpha && cc destroy alpha'
check "cellctl destroy of a missing cell: exit 5" test "$(st cc destroy alpha)" = 5
check "cellctl disable: exit 0" test "$(st cc disable)" = 0
check "cellctl disable again: exit 7" test "$(st cc disable)" = 7
check "cellctl against no daemon: exit 6" test "$(DBUS_SYSTEM_BUS_ADDRESS=unix:path=$dir/nonexistent st cc list)" = 6
