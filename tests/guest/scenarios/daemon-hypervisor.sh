#!/bin/bash
# cellmgrd in the real stack, hypervisor level: the units (cellmgrd.service Type=notify with
# its watchdog, cellvisor.service enabling through the daemon), the D-Bus API as installed
# (introspection equals /usr/share/dbus-1/interfaces), PropertiesChanged, polkit refusing an
# unprivileged user, a bad configuration answered with the validator's message, kill -9 of
# cellmgrd recovered by systemd without disturbing the hypervisor, the journal.
# timeout: 600
. /usr/lib/cellvisor-test/tap.sh
S=org.cellvisor.cell1
M=/org/cellvisor/cell1
MI=org.cellvisor.cell1.Manager
prop() { busctl get-property $S $M $MI "$1" 2>&1; }
unit() { systemctl show -p "$2" --value "$1"; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
wait_prop() { # wait_prop PROPERTY VALUE
	for _ in $(seq 100); do [ "$(prop "$1")" = "$2" ] && return 0; sleep 0.1; done
	echo "# $1 = $(prop "$1"), wanted $2"; return 1
}

t "cellmgrd.service starts (Type=notify: READY=1 reached)" systemctl start cellmgrd.service
systemctl status --no-pager -n 30 cellmgrd.service 2>&1 | sed 's/^/# /'
t "  ... active, with a STATUS= line" [ "$(unit cellmgrd.service ActiveState)" = active ] 
unit cellmgrd.service StatusText | sed 's/^/# status: /'
t "  ... says the hypervisor is not enabled" grep -q "not enabled" <<<"$(unit cellmgrd.service StatusText)"
t "  ... watchdog armed (WatchdogUSec=30s)" [ "$(unit cellmgrd.service WatchdogUSec)" = 30s ]
t "  ... the only opener of /dev/cellvisor is cellmgrd" \
	[ "$(for p in /proc/[0-9]*; do ls -l $p/fd 2>/dev/null | grep -q /dev/cellvisor && cat $p/comm; done | sort -u)" = cellmgrd ]

# The contract, as installed.
AWK=$(command -v awk || command -v mawk || echo "busybox awk")
normalize() {
	$AWK -v want="$1" '
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
busctl introspect --xml-interface $S $M | normalize $MI >/tmp/got
normalize $MI </usr/share/dbus-1/interfaces/$MI.xml >/tmp/want
t "introspection of the Manager equals the installed XML ($(wc -l </tmp/want) members)" \
	eval '[ -s /tmp/want ] && diff -u /tmp/want /tmp/got'

busctl monitor --json=short $S >/tmp/monitor 2>&1 &
mon=$!
sleep 1
t "cellvisor.service enables the hypervisor through cellmgrd" systemctl start cellvisor.service
t "  ... Enabled=true" wait_prop Enabled "b true"
t "  ... SystemConfigPath=/etc/cellvisor/system.json" [ "$(prop SystemConfigPath)" = 's "/etc/cellvisor/system.json"' ]
t "  ... sysfs agrees" [ "$(cat /sys/devices/cellvisor/enabled)" = 1 ]
t "  ... HypervisorABI and pool sizes are filled in" \
	eval '[ "$(prop HypervisorABI)" != "u 0" ] && [ "$(prop MemPoolSize)" != "t 0" ]'
t "  ... the root cell is an object, running" \
	[ "$(busctl get-property $S $M/cell/root $S.Cell State)" = 's "running"' ]
t "  ... STATUS= follows" grep -q "Hypervisor enabled" <<<"$(unit cellmgrd.service StatusText)"
sleep 1
t "PropertiesChanged Enabled=true was emitted" grep -q '"Enabled":{"type":"b","data":true}' /tmp/monitor
t "the journal has the structured enable message" \
	eval 'journalctl -b -u cellmgrd MESSAGE_ID=2c871ab9ca9845188a9b56f1bbb1e2fe -o cat | grep -q "Hypervisor enabled with /etc/cellvisor/system.json"'
t "the hypervisor's console is copied into cellmgrd's journal" \
	eval 'journalctl -b -u cellmgrd -o cat | grep -q "^hypervisor: "'

# Everyone reads; changing needs polkit.
t "an unprivileged user reads the properties" [ "$(nobody busctl get-property $S $M $MI Enabled)" = "b true" ]
t "an unprivileged user lists cells with cellctl" eval 'nobody cellctl list | grep -q "^root "'
out=$(nobody busctl call $S $M $MI Disable 2>&1); echo "# $out"
t "an unprivileged Disable is refused with a readable message" grep -q "is not allowed for uid 65534" <<<"$out"
nobody cellctl disable --no-ask-password 2>/tmp/err; st=$?
t "  ... cellctl exits 4 (not authorized)" [ $st = 4 ]
t "the hypervisor is still enabled" [ "$(prop Enabled)" = "b true" ]

# A bad configuration: the validator's message comes back as a named error.
sed 's/"hypervisor_memory"/"bogus_key": 1, "hypervisor_memory"/' /etc/cellvisor/system.json >/etc/cellvisor/bad.json
busctl call $S $M $MI Disable
out=$(busctl call $S $M $MI Enable s /etc/cellvisor/bad.json 2>&1); echo "# $out"
t "Enable with a bad file: the validator's FILE: PATH: message" grep -q "/etc/cellvisor/bad.json: .*bogus_key" <<<"$out"
cellctl enable /etc/cellvisor/bad.json 2>/tmp/err; st=$?
t "  ... cellctl exits 1 and prints it" eval '[ $st = 1 ] && grep -q bogus_key /tmp/err'
t "  ... nothing was enabled" [ "$(cat /sys/devices/cellvisor/enabled)" = 0 ]
# Valid for the validator, refused by the hypervisor itself: its reason comes back too.
sed 's/"num_irqs": 256/"num_irqs": 288/' /etc/cellvisor/system.json >/etc/cellvisor/big.json
cellctl enable /etc/cellvisor/big.json 2>/tmp/err; st=$?
sed 's/^/# /' /tmp/err
t "Enable refused by the hypervisor (288 INTIDs, the GIC has 256): cellctl exits 1" [ $st = 1 ]
t "  ... with the hypervisor's reason, as a value" grep -qF 'big.json: the GIC implements 256 interrupts (GICD_TYPER), fewer than "platform.gic.num_irqs" says; correct it' /tmp/err
t "  ... and in words in the kernel log" sh -c "dmesg | grep -qF 'the configuration says the GIC has 288 interrupts, but it implements 256'"
t "  ... nothing was enabled" [ "$(cat /sys/devices/cellvisor/enabled)" = 0 ]
t "cellctl enable (default file) works" cellctl enable
t "cellctl enable again exits 7" eval 'cellctl enable; [ $? = 7 ]'

# kill -9: systemd restarts cellmgrd; the hypervisor stays as it was.
pid=$(unit cellmgrd.service MainPID)
kill -9 "$pid"
for _ in $(seq 100); do
	new=$(unit cellmgrd.service MainPID)
	[ "$new" != 0 ] && [ "$new" != "$pid" ] && [ "$(unit cellmgrd.service ActiveState)" = active ] && break
	sleep 0.1
done
t "kill -9 cellmgrd: systemd restarts it" eval '[ "$new" != "$pid" ] && [ "$(unit cellmgrd.service NRestarts)" -ge 1 ]'
t "  ... it finds the hypervisor enabled, with its configuration path" \
	eval '[ "$(prop Enabled)" = "b true" ] && [ "$(prop SystemConfigPath)" = "s \"/etc/cellvisor/system.json\"" ]'
t "  ... cellvisor.service was not disturbed" [ "$(unit cellvisor.service ActiveState)" = active ]
t "cellctl status shows the hypervisor" eval 'cellctl status | grep -q "Cellvisor hypervisor - enabled"'
t "cellctl show -p NumCells --value = 1" [ "$(cellctl show -p NumCells --value)" = 1 ]

t "stopping cellvisor.service disables the hypervisor" systemctl stop cellvisor.service
t "  ... Enabled=false" wait_prop Enabled "b false"
sleep 1
kill $mon 2>/dev/null
t "PropertiesChanged Enabled=false was emitted" grep -q '"Enabled":{"type":"b","data":false}' /tmp/monitor
t "cellmgrd's stop is clean (SIGTERM, exit 0)" eval 'systemctl stop cellmgrd.service && [ "$(unit cellmgrd.service Result)" = success ]'
t "D-Bus activation starts cellmgrd again on the first call" \
	eval 'busctl get-property $S $M $MI Enabled >/dev/null && [ "$(unit cellmgrd.service ActiveState)" = active ]'
journalctl -b --no-pager -u cellmgrd -u cellvisor -n 60 -o short-monotonic | sed 's/^/# journal: /'
echo "1..$n"
[ $fails = 0 ]
