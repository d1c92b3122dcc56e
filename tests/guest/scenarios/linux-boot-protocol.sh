#!/bin/bash
# The Linux payload's boot protocol on the real stack (issue 15), without a Linux: a cell with
# "linux" whose kernel is a 64-byte arm64 Image header and a few instructions that check what
# the boot stub hands over (x1 = x2 = x3 = 0, x0 = the device tree, whose FDT magic it reads),
# print "OK" (or "E") on the cell's vpl011 and end with PSCI SYSTEM_OFF.  Of the cell's two
# CPUs only the first runs it (boot_cpu_only, which the compiler sets for Linux).  cellmgrd generates
# the stub and the device tree, cellctl start loads all of it; the console shows the verdict;
# the cell ends shut down; the generated files go with the cell.
# timeout: 300
. /usr/lib/cellvisor-test/tap.sh
run() { # run STATUS COMMAND...: COMMAND exits with STATUS; its output goes to /tmp/out
	want=$1; shift
	"$@" >/tmp/out 2>&1; st=$?
	sed 's/^/# /' /tmp/out | head -n 30
	[ "$st" = "$want" ] || { echo "# $*: status $st, wanted $want"; return 1; }
}
said() { grep -qE -- "$1" /tmp/out || { echo "# output lacks: $1"; return 1; }; }
wait_state() { # wait_state CELL STATE SECONDS
	for _ in $(seq $(($3 * 10))); do [ "$(cellctl show -P State "$1" 2>&1)" = "$2" ] && return 0; sleep 0.1; done
	echo "# $1: $(cellctl show -P State "$1" 2>&1), wanted $2"; return 1
}

# cellmgrd has a private /tmp: files it reads go to /run
w=/run/cellvisor-test-linux
mkdir -p $w
# words FILE WORD...: 32-bit little-endian words
words() {
	f=$1; shift
	for x in "$@"; do
		printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((x & 255)) $((x >> 8 & 255)) \
			$((x >> 16 & 255)) $((x >> 24 & 255)))"
	done >"$f"
}
# The "kernel" (assembled once on the host with aarch64-linux-gnu-as; offsets in bytes):
k=(
	0x14000010 0		# 0x00: b 0x40 (code0), code1
	0 0 0x00200000 0 0xa 0	# text_offset 0, image_size 2 MiB, flags: little-endian, 4 KiB
	0 0 0 0 0 0		# reserved
	0x644d5241 0		# 0x38: the magic "ARM\x64", reserved
	0xd2a12005		# 0x40: mov x5, #0x9000000 (the vpl011)
	0xb5000181		# 0x44: cbnz x1, 0x74 (fail)
	0xb5000162		# 0x48: cbnz x2, 0x74
	0xb5000143		# 0x4c: cbnz x3, 0x74
	0xb9400001		# 0x50: ldr w1, [x0] (the device tree's first word)
	0x18000202		# 0x54: ldr w2, 0x94 (0xedfe0dd0: the FDT magic read little-endian)
	0x6b02003f		# 0x58: cmp w1, w2
	0x540000c1		# 0x5c: b.ne 0x74
	0x528009e4 0xb90000a4	# 0x60: mov w4, #'O'; str w4, [x5]
	0x52800964 0xb90000a4	# 0x68: mov w4, #'K'; str w4, [x5]
	0x14000003		# 0x70: b 0x7c
	0x528008a4 0xb90000a4	# 0x74: fail: mov w4, #'E'; str w4, [x5]
	0x52800144 0xb90000a4	# 0x7c: mov w4, #'\n'; str w4, [x5]
	0x52800100 0x72b08000	# 0x84: mov w0, #0x84000008 (PSCI SYSTEM_OFF)
	0xd4000003		# 0x8c: smc #0
	0x14000000		# 0x90: b .
	0xedfe0dd0		# 0x94: the magic
)
words $w/Image "${k[@]}"
head -c 5000 /dev/zero | tr '\0' r >$w/initrd
cat >$w/lxproto.json <<EOF
{
	"name": "lxproto",
	"cpus": [2, 3],
	"console": { "type": "vpl011", "address": "0x09000000" },
	"memory_regions": [
		{ "phys_start": "0x77000000", "virt_start": "0x40000000", "size": "48 MiB",
		  "flags": ["read", "write", "execute", "loadable"] },
		{ "virt_start": "0x80000000", "size": "4 KiB", "flags": ["read", "write", "comm_region"] }
	],
	"linux": { "kernel": "$w/Image", "initrd": "$w/initrd", "cmdline": "console=ttyAMA0" }
}
EOF

t "cellmgrd.service starts" systemctl start cellmgrd.service
t "enable with the shipped system.json" run 0 cellctl enable
t "config check: the Linux cell is valid here" run 0 cellctl config check $w/lxproto.json
t "config show --device-tree (arm64 cellctl, libfdt)" run 0 cellctl config show --device-tree $w/lxproto.json
t "  ... the stub at the base, the kernel 2 MiB up, the tree 2 MiB above its 2 MiB" \
	said 'boot stub at 0x40000000, kernel at 0x40200000, device tree at 0x40400000'
t "  ... the console node" said 'compatible = "arm,pl011", "arm,primecell";'
t "start it from its configuration" run 0 cellctl start --config=$w/lxproto.json lxproto
t "  ... it ends shut down (PSCI SYSTEM_OFF) within 10 s" wait_state lxproto "shut down" 10
t "  ... its console says OK: x1-x3 were 0, x0 pointed at the device tree" \
	run 0 cellctl console lxproto
t "  ... (OK), once: only the first of its two CPUs ran (boot_cpu_only)" \
	eval '[ "$(grep -c "^OK$" /tmp/out)" = 1 ] && ! grep -q E /tmp/out'
t "Images: stub, kernel, device tree, initrd" run 0 cellctl show -p Images --value lxproto
t "  ... from /run/cellmgrd/cells" said '/run/cellmgrd/cells/lxproto.boot@0x40000000.*/run/cellvisor-test-linux/Image@0x40200000.*/run/cellmgrd/cells/lxproto.dtb@0x40400000'
t "  ... its compiled blob has the flags no_reset and boot_cpu_only" run 0 cellctl config show --json /run/cellmgrd/cells/lxproto.blob
t "  ... (set by the compiler)" said '"no_reset", "boot_cpu_only"'
t "load and start again: the same verdict" eval \
	'cellctl load lxproto && cellctl start lxproto && wait_state lxproto "shut down" 10 &&
	 [ "$(cellctl console lxproto | grep -c "^OK$")" = 2 ]'
t "destroy" run 0 cellctl destroy lxproto
t "  ... its boot stub and device tree are gone" \
	test ! -e /run/cellmgrd/cells/lxproto.boot -a ! -e /run/cellmgrd/cells/lxproto.dtb
# A kernel that is no Image: CreateCell refuses it, saying why.
printf 'MZ nothing' >$w/notimage
sed "s|$w/Image|$w/notimage|" $w/lxproto.json >$w/lxbad.json
t "a kernel that is no arm64 Image is refused" run 1 cellctl start --config=$w/lxbad.json lxbad
t "  ... saying why" said 'linux.kernel: /run/cellvisor-test-linux/notimage is not an arm64 Image'
t "disable" run 0 cellctl disable
echo "1..$n"
[ $fails = 0 ]
