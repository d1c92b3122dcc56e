#!/bin/bash
# cellctl -H USER@HOST: the verbs against another machine's cellmgrd, over ssh and
# systemd-stdio-bridge (sd-bus's remote transport).  The other machine is this guest's own
# sshd, reached on localhost with a key like any remote host.  Root there manages the
# hypervisor and the cells; an unprivileged user there may read but is refused every change;
# a host that cannot be reached is named in the error.
# timeout: 600
. /usr/lib/cellvisor-test/tap.sh
sys=/sys/devices/cellvisor
R=root@localhost
# run STATUS COMMAND...: COMMAND exits with STATUS; its output goes to /tmp/out
run() {
	want=$1; shift
	"$@" >/tmp/out 2>&1; st=$?
	sed 's/^/# /' /tmp/out | head -n 12
	[ "$st" = "$want" ] || { echo "# $*: status $st, wanted $want"; return 1; }
}
said() { grep -q -- "$1" /tmp/out || { echo "# output lacks: $1"; return 1; }; }

# The remote end: host keys, sshd, one key that both accounts accept.
ssh-keygen -A >/dev/null
install -d -m 0700 /root/.ssh
ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519
cp /root/.ssh/id_ed25519.pub /root/.ssh/authorized_keys
install -d -m 0700 -o cvuser -g cvuser /home/cvuser/.ssh
install -m 0600 -o cvuser -g cvuser /root/.ssh/id_ed25519.pub /home/cvuser/.ssh/authorized_keys
printf 'Host *\n\tStrictHostKeyChecking accept-new\n\tBatchMode yes\n\tConnectTimeout 10\n' \
	> /root/.ssh/config
t "sshd is running" systemctl start ssh.service
t "ssh root@localhost works" run 0 ssh $R id -u

t "list over ssh before the hypervisor is enabled" run 0 cellctl -H $R list
t "enable over ssh" run 0 cellctl -H $R enable /etc/cellvisor/system.json
t "  ... the hypervisor is enabled here" [ "$(cat $sys/enabled)" = 1 ]
t "start gic-demo over ssh (create, load, start)" \
	run 0 cellctl -H $R start --wait --config=/etc/cellvisor/cells/gic-demo.json gic-demo
t "  ... running, says cellctl here" [ "$(cellctl show -p State --value gic-demo)" = running ]
t "show over ssh" run 0 cellctl -H $R show -p State --value gic-demo
t "  ... running" [ "$(cat /tmp/out)" = running ]
t "list --json over ssh" run 0 cellctl -H $R list --json
t "  ... has gic-demo" said '"name":[[:space:]]*"gic-demo"'
t "  ... running" said '"state":[[:space:]]*"running"'
sleep 2
t "console over ssh" run 0 cellctl -H $R console gic-demo
t "  ... shows the cell's ticks" said "gic-demo: tick [0-9]* jitter"
lasttick() { sed -n 's/^gic-demo: tick \([0-9]*\) .*/\1/p' "$1" | tail -n1; }
before=$(lasttick /tmp/out)
want=$((before + 10))
cellctl -H $R console -f gic-demo >/tmp/follow 2>&1 &
follower=$!
for _ in $(seq 120); do
	[ "$(lasttick /tmp/follow)" -ge $want ] 2>/dev/null && break
	sleep 0.5
done
kill $follower; wait $follower 2>/dev/null
echo "# console -f over ssh: last tick $before before, $(lasttick /tmp/follow) when stopped"
t "console -f over ssh follows: ticks 10 past the last one arrive" \
	[ "$(lasttick /tmp/follow)" -ge $want ]
t "  ... each tick once, in order" awk '/^gic-demo: tick / {
	if ($3 <= last) { print "# tick " $3 " after tick " last; exit 1 } last = $3 }' /tmp/follow
t "status over ssh" run 0 cellctl -H $R status gic-demo
t "  ... names the cell and its state" said "State: running"
t "the options may follow the verb: list -H" run 0 cellctl list -H $R --no-legend
t "  ... gic-demo listed" said "^gic-demo "

# An unprivileged account on the remote machine reads, but changes nothing.
t "cvuser@localhost may list" run 0 cellctl -H cvuser@localhost list --no-legend
t "  ... and sees gic-demo" said "^gic-demo "
t "cvuser@localhost may not shut gic-demo down (status 4)" \
	run 4 cellctl -H cvuser@localhost shutdown gic-demo
t "  ... told why: the polkit action it needs" said "is not allowed for uid 1000.*org.cellvisor.cell1.manage-cells"
t "cvuser@localhost may not disable (status 4)" run 4 cellctl -H cvuser@localhost disable
t "  ... gic-demo still running" [ "$(cellctl show -p State --value gic-demo)" = running ]

# A host that does not answer.
t "an unreachable host: status 6" run 6 cellctl -H root@nosuchhost.invalid list
t "  ... the error names the host" said "nosuchhost.invalid"

t "shutdown --destroy over ssh" run 0 cellctl -H $R shutdown --destroy gic-demo
t "  ... gone here" sh -c "! cellctl list --no-legend | grep -q gic-demo"
t "disable over ssh" run 0 cellctl -H $R disable
t "  ... the hypervisor is disabled here" [ "$(cat $sys/enabled)" = 0 ]

echo "1..$n"
[ $fails = 0 ]
