#!/bin/bash
# Linux in a cell talks over a link (issues 14 and 15): the system gets a link 'linux-link'
# (1 MiB) between the root and linux-demo; linux-demo's initramfs gets cellvisor.ko (the
# root's own DKMS build: the cell runs the same kernel) and cellvisor-link(1) with its C
# library, appended as a second cpio.  In the cell, cellvisor.ko binds the link node of the
# generated device tree and makes /dev/cellvisor-link-linux-link; its init answers the root:
# the root fills the link with a byte and sets its state to it, the cell checks all of it,
# fills it with the complement and says so with its state and doorbell.
# timeout: 900
. /usr/lib/cellvisor-test/tap.sh
. /usr/lib/cellvisor-test/bus.sh
link=linux-link
dev=/sys/class/misc/cellvisor-link-$link
peer_state() { # peer_state CELL: its state on the link, as the root's device shows it
	cellvisor-link info $link >/dev/null 2>&1
	awk -v c="$1" '$2 == c { print $4 }' $dev/peers
}

# The system with the link: 1 MiB taken from the end of the root's RAM for cells, a doorbell
# interrupt each (the root's 102, the cell's 42).
cp /etc/cellvisor/system.json /tmp/system.json.orig
cp /etc/cellvisor/cells/linux-demo.json /tmp/linux-demo.json.orig
cat >/tmp/link.json <<'EOT'
		{
			"name": "linux-link",
			"phys_start": "0x7fe00000",
			"size": "1 MiB",
			"peers": [
				{ "cell": "root", "address": "0x7fe00000", "doorbell_irq": 102,
				  "flags": ["write"] },
				{ "cell": "linux-demo", "address": "0x50000000", "doorbell_irq": 42,
				  "flags": ["write"] }
			]
		},
EOT
sed -e 's/"size": "239 MiB"/"size": "238 MiB"/' -e 's/100, 101\]/"100-102"]/' \
	-e '/"links": \[/r /tmp/link.json' /tmp/system.json.orig >/etc/cellvisor/system.json
t "the system with linux-link is valid" cellctl config check /etc/cellvisor/system.json

# linux-demo's initramfs plus the module and the tool.
release=$(uname -r)
extra=$(mktemp -d)
mkdir -p "$extra/lib/modules" "$extra/usr/bin" "$extra/lib/aarch64-linux-gnu"
cp "/lib/modules/$release/updates/dkms/cellvisor.ko" "$extra/lib/modules/"
cp /usr/bin/cellvisor-link "$extra/usr/bin/"
cp -L /lib/ld-linux-aarch64.so.1 "$extra/lib/"
cp -L /lib/aarch64-linux-gnu/libc.so.6 "$extra/lib/aarch64-linux-gnu/"
# compressed too: an uncompressed archive after the gzip'ed one would have to start on a
# multiple of 4 bytes
(cd "$extra" && find . | busybox cpio -o -H newc 2>/dev/null | busybox gzip -c) >/tmp/linux-extra.cpio
cat /usr/share/cellvisor/linux-demo/initramfs.cpio.gz /tmp/linux-extra.cpio >/run/linux-link.cpio
t "the extra archive has the module, the tool and the C library" \
	bash -c 'busybox gzip -dc /tmp/linux-extra.cpio | busybox cpio -t 2>/dev/null | grep -c -e cellvisor.ko -e bin/cellvisor-link -e libc.so.6 | grep -qx 3'
sed -e 's|"/usr/share/cellvisor/linux-demo/initramfs.cpio.gz"|"/run/linux-link.cpio"|' \
	-e 's|^\t"memory_regions"|\t"irqs": [42],\n\t"memory_regions"|' \
	/tmp/linux-demo.json.orig >/etc/cellvisor/cells/linux-demo.json
t "linux-demo with the link's doorbell and the bigger initramfs is valid" \
	cellctl config check --system /etc/cellvisor/system.json /etc/cellvisor/cells/linux-demo.json
t "the generated device tree has the link" \
	bash -c 'cellctl config show --device-tree /etc/cellvisor/cells/linux-demo.json | grep -q "cellvisor,link"'

t "cellvisor.service starts with it" systemctl start cellvisor.service
t "the root has /dev/cellvisor-link-$link" test -c /dev/cellvisor-link-$link
t "systemctl start cell@linux-demo" systemctl start cell@linux-demo.service
t "  ... Linux is up" wait_log cell@linux-demo "linux-demo: up $release" 180
t "  ... cellvisor.ko in the cell made the link's device" \
	wait_log cell@linux-demo "linux-demo: link $link: 1048576 bytes at 0x50000000, doorbell interrupt 42" 30
t "  ... and the root sees the cell's side up" cellvisor-link wait $link linux-demo up 30000

t "the root fills the link with 165 and says so (its state, which rings the cell)" \
	bash -c "cellvisor-link fill $link 165 && cellvisor-link state $link 165"
ok=1
for _ in $(seq 300); do [ "$(peer_state linux-demo)" = 90 ] && { ok=0; break; }; sleep 0.1; done
t "  ... the cell answers: its state is 90 (255 - 165)" [ $ok = 0 ]
t "  ... every byte of the link is 90 now" cellvisor-link check $link 90
t "  ... the cell's journal says what it got" \
	wait_log cell@linux-demo "linux-demo: link $link: 1048576 bytes of 165 from the root, answered 90" 10
t "  ... the cell rang the root: its doorbell count went up" [ "$(cat $dev/events)" -gt 0 ]
t "a second round: 7 -> 248" bash -c "cellvisor-link fill $link 7 && cellvisor-link state $link 7"
ok=1
for _ in $(seq 300); do [ "$(peer_state linux-demo)" = 248 ] && { ok=0; break; }; sleep 0.1; done
t "  ... answered" bash -c "[ $ok = 0 ] && cellvisor-link check $link 248"

t "systemctl stop cell@linux-demo" systemctl stop cell@linux-demo.service
t "  ... the root sees the cell's side down" cellvisor-link wait $link linux-demo down 30000
t "  ... the unit is inactive" wait_unit cell@linux-demo.service inactive 30

systemctl stop cellvisor.service
cp /tmp/system.json.orig /etc/cellvisor/system.json
cp /tmp/linux-demo.json.orig /etc/cellvisor/cells/linux-demo.json
rm -rf "$extra" /tmp/linux-extra.cpio /run/linux-link.cpio
echo "1..$n"
[ $fails = 0 ]
