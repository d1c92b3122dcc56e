#!/bin/bash
# A Linux cell on the host (issue 15): compile a cell with "linux" against the shipped system
# configuration, with a small arm64 Image made here (a real header), and check the blob (entry,
# flags), the boot stub (disassembled), the device tree (dtc, fdtget: every node, values
# derived from the configs), and every error path.  Prints TAP.
#   test-linux.sh CELLCTL CONFIGS_DIR
set -u
cellctl=$1 configs=$2
sys=$configs/system.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
# t DESCRIPTION EXPECTED_STATUS COMMAND...: run, keep stdout/stderr in $tmp/out, $tmp/err.
t() {
	local what=$1 want=$2 status
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" = "$want" ]; then
		ok "$what (exit $status)"
	else
		nok "$what: exit $status, expected $want"
		sed 's/^/#   /' "$tmp/err" | head -n 20
	fi
}
# has DESCRIPTION FILE TEXT: the file contains the text.
has() {
	if grep -qF -- "$3" "$2"; then
		ok "$1"
	else
		nok "$1: no '$3' in:"
		sed 's/^/#   /' "$2" | head -n 20
	fi
}
# eq DESCRIPTION GOT WANT
eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1: got '$2', expected '$3'"; fi
}

# mkimage FILE TEXT_OFFSET IMAGE_SIZE FILE_SIZE [MAGIC [FLAGS]]: an arm64 Image header
# (code0 = b +64, code1, text_offset, image_size, flags, 3 reserved, magic, reserved), then
# zeros up to FILE_SIZE.
mkimage() {
	perl -e 'my ($f, $to, $is, $fs, $magic, $flags) = @ARGV;
		open(my $o, ">", $f) or die; binmode $o;
		my $h = pack("VV", 0x14000010, 0) . pack("Q<Q<Q<", $to, $is, $flags) .
			pack("Q<Q<Q<", 0, 0, 0) . pack("VV", $magic, 0);
		print $o $h, "\0" x ($fs - length($h));' \
		"$1" "$(($2))" "$(($3))" "$(($4))" "$((${5:-0x644d5241}))" "$((${6:-0xa}))"
}
hex() { printf '0x%x' "$1"; }

# Values of the cell below, and of the shipped system configuration.
base=$((0x40000000)) ram=$((96 << 20)) mib2=$((0x200000))
text_offset=0 image_size=$((0x1234000)) kernel_file=$((3 << 20)) initrd_size=123457
cmdline='console=ttyAMA0 earlycon rdinit=/init quiet'
gicd=$(grep -o '"gicd_base": *"[^"]*"' "$sys" | grep -o '0x[0-9a-f]*')
gicr=$(grep -o '"gicr_base": *"[^"]*"' "$sys" | grep -o '0x[0-9a-f]*')
num_cpus=$(grep -o '"num_cpus": *[0-9]*' "$sys" | grep -o '[0-9]*$')

mkimage "$tmp/Image" $text_offset $image_size $kernel_file
head -c $initrd_size /dev/urandom >"$tmp/initrd"
# mkcell FILE [SED-EXPRESSION...]: the Linux cell, edited.
mkcell() {
	local f=$1
	shift
	cat >"$f" <<EOF
{
	"name": "linux-test",
	"cpus": [1, 2],
	"console": { "type": "vpl011", "address": "0x09000000" },
	"memory_regions": [
		{ "phys_start": "0x78000000", "virt_start": "0x40000000", "size": "96 MiB",
		  "flags": ["read", "write", "execute", "loadable"] },
		{ "phys_start": "0x7e000000", "virt_start": "0x50000000", "size": "16 MiB",
		  "flags": ["read", "write", "execute", "loadable"] },
		{ "virt_start": "0x80000000", "size": "4 KiB", "flags": ["read", "write", "comm_region"] }
	],
	"linux": {
		"kernel": "$tmp/Image",
		"initrd": "$tmp/initrd",
		"cmdline": "$cmdline"
	}
}
EOF
	for e in "$@"; do sed -i "$e" "$f"; done
}
mkcell "$tmp/linux.json"

# ---- the good cell ----
t "a Linux cell checks against the shipped system" 0 "$cellctl" config check --system "$sys" "$tmp/linux.json"
has "  ... without a problem" "$tmp/out" "1 file checked against $sys: 0 errors, 0 warnings"
t "it compiles" 0 "$cellctl" config compile --system "$sys" "$tmp/linux.json" -o "$tmp/linux.cvb"
t "the blob decodes" 0 "$cellctl" config show --json "$tmp/linux.cvb"
has "the compiler set the entry: the boot stub at the base of the first RAM region" "$tmp/out" "\"entry\":	\"$(hex $base)\""
has "the compiler set the flags no_reset and boot_cpu_only" "$tmp/out" '"flags":	["no_reset", "boot_cpu_only"]'
t "show --json of the JSON file keeps \"linux\"" 0 "$cellctl" config show --json "$tmp/linux.json"
has "  ... with the kernel" "$tmp/out" "\"kernel\":	\"$tmp/Image\""
if grep -q '"entry"' "$tmp/out"; then nok "  ... and no entry, which the compiler sets"; else ok "  ... and no entry, which the compiler sets"; fi
cp "$tmp/out" "$tmp/rt.json"
t "  ... which compiles to the same blob" 0 "$cellctl" config compile --system "$sys" "$tmp/rt.json" -o "$tmp/rt.cvb"
t "  ... (identical)" 0 cmp "$tmp/linux.cvb" "$tmp/rt.cvb"
t "show describes the Linux payload" 0 "$cellctl" config show "$tmp/linux.json"
has "  ... the kernel" "$tmp/out" "Linux kernel:    $tmp/Image"
has "  ... the generated device tree" "$tmp/out" "device tree:     (generated)"

# ---- the device tree ----
t "config show --device-tree prints it" 0 "$cellctl" config show --device-tree --system "$sys" "$tmp/linux.json"
cp "$tmp/out" "$tmp/dts.txt"
kernel=$((base + mib2 + text_offset))
dtb=$(( (kernel + image_size + mib2 - 1) / mib2 * mib2 ))
has "  ... with where everything goes" "$tmp/dts.txt" "boot stub at $(hex $base), kernel at $(hex $kernel), device tree at $(hex $dtb)"
has "  ... as DTS: the root's compatible" "$tmp/dts.txt" 'compatible = "cellvisor,cell";'
has "  ... string lists" "$tmp/dts.txt" 'compatible = "arm,psci-1.0", "arm,psci-0.2";'
has "  ... cells" "$tmp/dts.txt" "reg = <0x0 $(hex $base) 0x0 $(hex $ram)>;"
has "  ... empty properties" "$tmp/dts.txt" "interrupt-controller;"
t "-o writes the DTB" 0 "$cellctl" config show --device-tree --system "$sys" "$tmp/linux.json" -o "$tmp/linux.dtb"
dtc -I dtb -O dts -o "$tmp/dtc.dts" "$tmp/linux.dtb" 2>"$tmp/dtc.err"
st=$?
if [ $st = 0 ] && [ ! -s "$tmp/dtc.err" ]; then ok "dtc decompiles it without a warning"
else nok "dtc decompiles it without a warning (exit $st)"; sed 's/^/#   /' "$tmp/dtc.err"; fi
dtb_size=$(stat -c %s "$tmp/linux.dtb")
has "  ... the header says how big it is" "$tmp/dts.txt" "device tree at $(hex $dtb) ($dtb_size bytes)"
initrd=$(( (dtb + dtb_size + 4095) / 4096 * 4096 ))
has "  ... and where the initrd goes: the next page after the device tree" "$tmp/dts.txt" "initrd at $(hex $initrd) ($initrd_size bytes)"

# g [-t TYPE] [-l] NODE [PROPERTY]: fdtget on the generated DTB
g() {
	local o=()
	while [ "${1#-}" != "$1" ]; do
		if [ "$1" = -t ]; then o+=("$1" "$2"); shift 2; else o+=("$1"); shift; fi
	done
	fdtget "${o[@]}" "$tmp/linux.dtb" "$@" 2>&1
}
eq "/ #address-cells" "$(g / '#address-cells')" 2
eq "/ #size-cells" "$(g / '#size-cells')" 2
eq "/ compatible" "$(g / compatible)" "cellvisor,cell"
eq "/ model names the cell" "$(g / model)" "Cellvisor cell linux-test"
gic_ph=$(g -t u /interrupt-controller@${gicd#0x0} phandle)
eq "/ interrupt-parent is the GIC" "$(g -t u / interrupt-parent)" "$gic_ph"
eq "/chosen bootargs is the command line" "$(g /chosen bootargs)" "$cmdline"
eq "/chosen stdout-path is the console node" "$(g /chosen stdout-path)" "/serial@9000000"
eq "/chosen linux,initrd-start (64-bit)" "$(g -t x /chosen linux,initrd-start)" "0 $(printf %x $initrd)"
eq "/chosen linux,initrd-end" "$(g -t x /chosen linux,initrd-end)" "0 $(printf %x $((initrd + initrd_size)))"
eq "/memory@40000000: the first RAM region" "$(g -t x /memory@40000000 reg)" "0 40000000 0 $(printf %x $ram)"
eq "  ... device_type" "$(g /memory@40000000 device_type)" memory
eq "/memory@50000000: the second RAM region" "$(g -t x /memory@50000000 reg)" "0 50000000 0 1000000"
eq "no memory node for the comm region" "$(g -l / | grep -c memory)" 2
eq "/cpus #address-cells" "$(g /cpus '#address-cells')" 1
eq "/cpus #size-cells" "$(g /cpus '#size-cells')" 0
eq "/cpus: one node per CPU of the cell" "$(g -l /cpus | tr '\n' ' ')" "cpu@1 cpu@2 "
for c in 1 2; do
	eq "cpu@$c reg is its MPIDR Aff0" "$(g /cpus/cpu@$c reg)" $c
	eq "cpu@$c device_type" "$(g /cpus/cpu@$c device_type)" cpu
	eq "cpu@$c compatible" "$(g /cpus/cpu@$c compatible)" "arm,armv8"
	eq "cpu@$c enable-method" "$(g /cpus/cpu@$c enable-method)" psci
done
eq "/psci compatible" "$(g /psci compatible)" "arm,psci-1.0 arm,psci-0.2"
eq "/psci method is smc" "$(g /psci method)" smc
gic=/interrupt-controller@${gicd#0x0}
eq "GIC compatible" "$(g $gic compatible)" "arm,gic-v3"
eq "GIC #interrupt-cells" "$(g $gic '#interrupt-cells')" 3
eq "GIC interrupt-controller" "$(g -t bx $gic interrupt-controller)" ""
eq "GIC reg: GICD 64 KiB, one GICR region for all $num_cpus CPUs" "$(g -t x $gic reg)" \
	"0 $(printf %x $gicd) 0 10000 0 $(printf %x $gicr) 0 $(printf %x $((num_cpus * 0x20000)))"
eq "/timer compatible" "$(g /timer compatible)" "arm,armv8-timer"
eq "/timer interrupts: PPIs 13, 14, 11, 10, level high" "$(g /timer interrupts)" "1 13 4 1 14 4 1 11 4 1 10 4"
eq "/timer always-on" "$(g -t bx /timer always-on)" ""
eq "console compatible" "$(g /serial@9000000 compatible)" "arm,pl011 arm,primecell"
eq "console reg: the vpl011's address, 4 KiB" "$(g -t x /serial@9000000 reg)" "0 9000000 0 1000"
eq "console interrupts: SPI 1" "$(g /serial@9000000 interrupts)" "0 1 4"
eq "console clock-names" "$(g /serial@9000000 clock-names)" "uartclk apb_pclk"
clk_ph=$(g -t u /apb-pclk phandle)
eq "console clocks: the fixed clock, twice" "$(g /serial@9000000 clocks)" "$clk_ph $clk_ph"
eq "fixed clock: 24 MHz" "$(g /apb-pclk clock-frequency)" 24000000
eq "fixed clock compatible" "$(g /apb-pclk compatible)" fixed-clock
eq "the communication region: compatible" "$(g /comm-region@80000000 compatible)" "cellvisor,comm-region"
eq "  ... reg: its address, 4 KiB" "$(g -t x /comm-region@80000000 reg)" "0 80000000 0 1000"

# ---- links: the cell's, from the system configuration, for cellvisor.ko in the cell ----
cat >"$tmp/link.json" <<'EOT'
		{
			"name": "lx-link",
			"phys_start": "0x7fe00000",
			"size": "1 MiB",
			"peers": [
				{ "cell": "root", "address": "0x7fe00000", "doorbell_irq": 102,
				  "flags": ["write"] },
				{ "cell": "linux-test", "address": "0x60000000", "doorbell_irq": 42,
				  "flags": ["write"] }
			]
		},
EOT
sed -e 's/"size": "239 MiB"/"size": "238 MiB"/' -e 's/100, 101\]/"100-102"]/' \
	-e '/"links": \[/r '"$tmp/link.json" "$sys" >"$tmp/sys-link.json"
mkcell "$tmp/linked.json" 's|"cpus": \[1, 2\],|"cpus": [1, 2], "irqs": [42],|'
t "a Linux cell that is a peer of a link" 0 "$cellctl" config show --device-tree --system "$tmp/sys-link.json" "$tmp/linked.json" -o "$tmp/linked.dtb"
lk() { fdtget "$@" 2>&1; }
eq "  ... link@60000000: compatible" "$(lk "$tmp/linked.dtb" /link@60000000 compatible)" "cellvisor,link"
eq "  ... its index among the system's links" "$(lk "$tmp/linked.dtb" /link@60000000 cellvisor,link-id)" 0
eq "  ... its name" "$(lk "$tmp/linked.dtb" /link@60000000 label)" lx-link
eq "  ... its peers, in order" "$(lk "$tmp/linked.dtb" /link@60000000 cellvisor,peers)" "root linux-test"
eq "  ... the cell's doorbell: SPI 10 (INTID 42), edge" "$(lk "$tmp/linked.dtb" /link@60000000 interrupts)" "0 10 1"
eq "  ... where the cell sees it" "$(lk -t x "$tmp/linked.dtb" /link@60000000 reg)" "0 60000000 0 100000"
eq "  ... and no node for a link the cell is no peer of (ivshmem-demo)" "$(lk -l "$tmp/linked.dtb" / | grep -c '^link@')" 1
dtc -I dtb -O dts -o /dev/null "$tmp/linked.dtb" 2>"$tmp/dtc.err"
if [ ! -s "$tmp/dtc.err" ]; then ok "  ... dtc: no warning"; else nok "  ... dtc: no warning"; sed 's/^/#   /' "$tmp/dtc.err"; fi

# ---- the boot stub (the daemon's NAME.boot; here from the library through a DTB-less path:
# the daemon test checks the file it writes, this checks the instructions) ----
if command -v aarch64-linux-gnu-objdump >/dev/null; then
	t "config show --boot-stub writes the boot stub" 0 "$cellctl" config show --boot-stub --system "$sys" "$tmp/linux.json" -o "$tmp/linux.boot"
	eq "  ... of 40 bytes" "$(stat -c %s "$tmp/linux.boot")" 40
	aarch64-linux-gnu-objdump -b binary -m aarch64 -D "$tmp/linux.boot" >"$tmp/objdump.txt"
	ins=$(awk '/^ +[0-9a-f]+:/ { $1 = ""; $2 = ""; sub(/^ +/, ""); print }' "$tmp/objdump.txt" | head -n 6 | sed 's/\t/ /g; s/ *\/\/.*//' | tr -s ' ')
	want="ldr x0, 0x18
ldr x4, 0x20
mov x1, xzr
mov x2, xzr
mov x3, xzr
br x4"
	eq "the stub: x0 = DTB, x1 = x2 = x3 = 0, branch to the kernel" "$ins" "$want"
	lit() { od -A n -t x8 -j "$1" -N 8 "$tmp/linux.boot" | tr -d ' '; }
	eq "  ... its first literal is the DTB's address" "$((0x$(lit 24)))" "$dtb"
	eq "  ... its second the kernel's" "$((0x$(lit 32)))" "$kernel"
else
	nok "aarch64-linux-gnu-objdump is missing (binutils-aarch64-linux-gnu)"
fi

# ---- a given device tree: used, with /chosen set ----
printf '/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>; model = "given"; chosen { bootargs = "old"; }; };\n' >"$tmp/given.dts"
dtc -I dts -O dtb -o "$tmp/given.dtb" "$tmp/given.dts" 2>/dev/null
mkcell "$tmp/given.json" "s|\"cmdline\"|\"device_tree\": \"$tmp/given.dtb\", \"cmdline\"|"
t "a given device tree is used" 0 "$cellctl" config show --device-tree --system "$sys" "$tmp/given.json" -o "$tmp/given-out.dtb"
eq "  ... as it is" "$(fdtget "$tmp/given-out.dtb" / model)" given
eq "  ... with the command line" "$(fdtget "$tmp/given-out.dtb" /chosen bootargs)" "$cmdline"
eq "  ... and the initrd's place" "$(fdtget -t x "$tmp/given-out.dtb" /chosen linux,initrd-end)" \
	"0 $(printf %x $(( (dtb + $(stat -c %s "$tmp/given-out.dtb") + 4095) / 4096 * 4096 + initrd_size)))"
mkcell "$tmp/noinitrd.json" '/"initrd":/d'
t "without an initrd" 0 "$cellctl" config show --device-tree --system "$sys" "$tmp/noinitrd.json" -o "$tmp/noinitrd.dtb"
if fdtget "$tmp/noinitrd.dtb" /chosen linux,initrd-start >/dev/null 2>&1; then nok "  ... /chosen has no initrd"; else ok "  ... /chosen has no initrd"; fi
mkcell "$tmp/pl011.json" 's|"type": "vpl011", "address": "0x09000000"|"type": "pl011", "address": "0x09000000"|' \
	's|\t\t{ "virt_start": "0x80000000"|\t\t{ "phys_start": "0x09000000", "size": "4 KiB", "flags": ["read", "write", "io"] },\n&|'
t "a pl011 console with its io region is fine" 0 "$cellctl" config show --device-tree --system "$sys" "$tmp/pl011.json" -o "$tmp/pl011.dtb"
eq "  ... and is described" "$(fdtget "$tmp/pl011.dtb" /serial@9000000 compatible 2>&1)" "arm,pl011 arm,primecell"
eq "  ... the io region is not memory" "$(fdtget -l "$tmp/pl011.dtb" / | grep -c memory)" 2
mkcell "$tmp/none.json" 's|"type": "vpl011", "address": "0x09000000"|"type": "none"|'
t "no console is fine" 0 "$cellctl" config show --device-tree --system "$sys" "$tmp/none.json" -o "$tmp/none.dtb"
if fdtget "$tmp/none.dtb" /chosen stdout-path >/dev/null 2>&1; then nok "  ... no stdout-path"; else ok "  ... no stdout-path"; fi
if fdtget -l "$tmp/linux.dtb" / | grep -q '^pcie@'; then nok "no PCI function: no PCI host"; else ok "no PCI function: no PCI host"; fi
# Two functions (INTx on 36; none) with a 32-bit BAR and a 64-bit one.
mkcell "$tmp/pci.json" 's|^\t"memory_regions"|\t"irqs": [36],\n\t"pci_devices": [\n\t\t{ "bdf": "00:01.0", "intx_irq": 36, "bars": [ { "address": "0x10000000", "size": "1 MiB" } ] },\n\t\t{ "bdf": "00:03.0", "bars": [ null, null, { "address": "0x8000200000", "size": "16 KiB" } ] }\n\t],\n&|'
t "a Linux cell with PCI functions" 0 "$cellctl" config show --device-tree --system "$sys" "$tmp/pci.json" -o "$tmp/pci.dtb"
p=/pcie@$(printf %x $(grep -o '"ecam_base": *"[^"]*"' "$sys" | grep -o '0x[0-9a-f]*'))
eq "  ... /chosen says probe-only" "$(fdtget "$tmp/pci.dtb" /chosen linux,pci-probe-only 2>&1)" 1
eq "  ... the PCI host is generic ECAM" "$(fdtget "$tmp/pci.dtb" $p compatible 2>&1)" pci-host-ecam-generic
eq "  ... on the platform's ECAM window, all its buses" "$(fdtget -t x "$tmp/pci.dtb" $p reg 2>&1) $(fdtget "$tmp/pci.dtb" $p bus-range 2>&1)" \
	"40 10000000 0 10000000 0 255"
eq "  ... a window per BAR: 32-bit memory, then 64-bit" "$(fdtget -t x "$tmp/pci.dtb" $p ranges 2>&1)" \
	"2000000 0 10000000 0 10000000 0 100000 3000000 80 200000 80 200000 0 4000"
eq "  ... every INTx pin of the first function on SPI 4 (36), level; none for the second" \
	"$(fdtget -t x "$tmp/pci.dtb" $p interrupt-map 2>&1)" \
	"$(for pin in 1 2 3 4; do printf '800 0 0 %s 1 0 4 4 ' $pin; done | sed 's/ $//')"

# ---- every error path: FILE: PATH: problem (hint), exit 1 ----
# bad FILE EXPECTED-TEXT DESCRIPTION: config check fails with the text.
bad() {
	t "$3: refused" 1 "$cellctl" config check --system "$sys" "$1"
	has "  ... saying so" "$tmp/err" "$2"
}
mkimage "$tmp/bad-magic" 0 $image_size 4096 0x12345678
mkcell "$tmp/e1.json" "s|$tmp/Image|$tmp/bad-magic|"
bad "$tmp/e1.json" "$tmp/e1.json: .linux.kernel: $tmp/bad-magic is not an arm64 Image" "bad magic"
printf '\037\213\010\000' >"$tmp/gz"
mkcell "$tmp/e1b.json" "s|$tmp/Image|$tmp/gz|"
bad "$tmp/e1b.json" "$tmp/e1b.json: .linux.kernel: $tmp/gz is compressed with gzip, not an arm64 Image (give the uncompressed arm64 Image" "a gzip-compressed kernel"
mkimage "$tmp/old" 0x80000 0 4096
mkcell "$tmp/e2.json" "s|$tmp/Image|$tmp/old|"
bad "$tmp/e2.json" "$tmp/e2.json: .linux.kernel: $tmp/old has image_size 0 in its header: too old a kernel" "image_size 0"
mkimage "$tmp/big" 0 $((80 << 20)) 4096
mkcell "$tmp/e3.json" "s|$tmp/Image|$tmp/big|"
bad "$tmp/e3.json" "$tmp/e3.json: .memory_regions[0]: the boot stub, the kernel (image_size 83886080 bytes), the device tree and the initrd ($initrd_size bytes) take" "too big for the region"
has "  ... how much is needed and what there is" "$tmp/err" "the first RAM region needs at least 116 MiB, it has 96 MiB (make the region larger, or the initrd smaller)"
mkcell "$tmp/e4.json" 's|"virt_start": "0x40000000"|"virt_start": "0x40100000"|'
bad "$tmp/e4.json" "$tmp/e4.json: .memory_regions[0].virt_start: the first RAM region of a Linux cell, which holds the kernel, starts at 0x40100000, not on a 2 MiB boundary" "a misaligned region"
mkcell "$tmp/e5.json" "s|\"$cmdline\"|\"$(head -c 2048 /dev/zero | tr '\0' x)\"|"
bad "$tmp/e5.json" "$tmp/e5.json: .linux.cmdline: 2048 bytes, Linux takes at most 2047 (shorten it)" "a command line over 2047 bytes"
mkcell "$tmp/e5b.json" "s|\"$cmdline\"|\"$(head -c 2047 /dev/zero | tr '\0' x)\"|"
t "a command line of 2047 bytes is fine" 0 "$cellctl" config check --system "$sys" "$tmp/e5b.json"
mkcell "$tmp/e6.json" 's|"cpus": \[1, 2\],|"cpus": [1, 2], "entry": "0x40000000",|'
bad "$tmp/e6.json" "$tmp/e6.json: .entry: \"entry\" given together with \"linux\"" "entry given"
mkcell "$tmp/e7.json" 's|"cpus": \[1, 2\],|"cpus": [1, 2], "parameters": { "address": "0x40100000", "text": "x" },|'
bad "$tmp/e7.json" "$tmp/e7.json: .parameters: \"parameters\" given together with \"linux\" (put them on the kernel's command line" "parameters given"
mkcell "$tmp/e8.json" 's|"type": "vpl011", "address": "0x09000000"|"type": "hvc"|'
bad "$tmp/e8.json" "$tmp/e8.json: .console.type: Linux cannot drive an \"hvc\" console" "an hvc console"
# Missing files: a note for config check (the files may be installed elsewhere), an error where
# they are read (CC_CHECK_FILES: config show --device-tree, the daemon).
mkcell "$tmp/e9.json" "s|$tmp/Image|$tmp/nothere|"
t "a missing kernel: config check notes it" 0 "$cellctl" config check --system "$sys" "$tmp/e9.json"
has "  ... saying what was not checked" "$tmp/err" "$tmp/e9.json: .linux.kernel: note: $tmp/nothere is not here: it was not checked"
t "  ... show --device-tree refuses it" 1 "$cellctl" config show --device-tree --system "$sys" "$tmp/e9.json"
has "  ... saying why" "$tmp/err" "$tmp/e9.json: .linux.kernel: cannot use $tmp/nothere: No such file or directory (install it, or fix the path)"
mkcell "$tmp/e10.json" "s|$tmp/initrd|$tmp/nothere|"
t "a missing initrd: show --device-tree refuses it" 1 "$cellctl" config show --device-tree --system "$sys" "$tmp/e10.json"
has "  ... saying why" "$tmp/err" "$tmp/e10.json: .linux.initrd: cannot use $tmp/nothere: No such file or directory"
mkcell "$tmp/e11.json" '0,/"execute", "loadable"\]/s//"loadable"]/'
bad "$tmp/e11.json" "$tmp/e11.json: .memory_regions[0].flags: RAM of a Linux cell must be readable, writable, executable and loadable; this region is not executable" "RAM that is not executable"
mkcell "$tmp/e12.json" '/"cmdline"/d' 's|"initrd": "\([^"]*\)",|"initrd": "\1"|'
bad "$tmp/e12.json" "$tmp/e12.json: .linux.cmdline: required key is missing" "no command line"
mkcell "$tmp/e13.json" "s|\"cmdline\"|\"device_tree\": \"$tmp/initrd\", \"cmdline\"|"
bad "$tmp/e13.json" "$tmp/e13.json: .linux.device_tree: $tmp/initrd is not a valid DTB" "a device tree that is no DTB"
mkcell "$tmp/e13b.json" "s|\"cmdline\"|\"device_tree\": \"/dev/zero\", \"cmdline\"|"
t "a device tree that is no regular file: refused where it is read" 1 "$cellctl" config show --device-tree --system "$sys" "$tmp/e13b.json"
has "  ... saying why" "$tmp/err" "$tmp/e13b.json: .linux.device_tree: cannot use /dev/zero: not a regular file"
mkcell "$tmp/e14.json" 's|"cmdline"|"bogus": 1, "cmdline"|'
bad "$tmp/e14.json" "$tmp/e14.json: .linux.bogus: unknown key (known keys here: kernel, initrd, cmdline, device_tree)" "an unknown key in linux"
mkcell "$tmp/e15.json" "s|\"cpus\": \[1, 2\],|\"cpus\": [1, 2], \"images\": [ { \"path\": \"$tmp/initrd\", \"address\": \"$(hex $kernel)\" } ],|"
bad "$tmp/e15.json" "$tmp/e15.json: .linux.kernel: overlaps .images[0] (load them at different addresses)" "an image over the kernel"
t "compile refuses a bad Linux cell" 1 "$cellctl" config compile --system "$sys" "$tmp/e3.json" -o "$tmp/e3.cvb"
t "show --device-tree refuses it too" 1 "$cellctl" config show --device-tree --system "$sys" "$tmp/e3.json"
t "show --device-tree of a cell without linux: refused" 1 "$cellctl" config show --device-tree --system "$sys" "$configs/gic-demo.json"
has "  ... saying why" "$tmp/err" "no Linux payload: no device tree to show"
t "show --device-tree with --json: usage error" 2 "$cellctl" config show --device-tree --json "$tmp/linux.json"
t "show -o without --device-tree: usage error" 2 "$cellctl" config show -o x "$tmp/linux.json"
# Without CC_CHECK_FILES (config check): a missing file is a note; the daemon makes it an error.
t "without the system, check notes what it could not check" 0 "$cellctl" config check "$tmp/linux.json"

echo "1..$n"
[ "$failed" = 0 ]
