#!/bin/bash
# cellctl config create on the host, from device trees QEMU dumps of its virt machine
# (-M virt,...,dumpdtb=FILE: nothing binary is committed) and made-up command lines.
#   test-config-create.sh CELLCTL CONFIGS_DIR
set -u
cellctl=$1 configs=$2
qemu=${QEMU:-qemu-system-aarch64}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

# t DESCRIPTION EXPECTED_STATUS COMMAND...: run, keep stdout/stderr in $tmp/out, $tmp/err.
t() {
	local what=$1 want=$2 status
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	n=$((n + 1))
	if [ "$status" = "$want" ]; then
		echo "ok $n - $what (exit $status)"
	else
		echo "not ok $n - $what: exit $status, expected $want"
		sed 's/^/#   /' "$tmp/err" | head -n 20
		failed=$((failed + 1))
	fi
}
# is DESCRIPTION JSON-FILE PYTHON-EXPRESSION (on c, the parsed file): true.
is() {
	n=$((n + 1))
	if python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$2" "$3" 2>"$tmp/py"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: $3 is not true of:"
		sed 's/^/#   /' "$2" "$tmp/py" | head -n 60
		failed=$((failed + 1))
	fi
}
has() {
	n=$((n + 1))
	if grep -qF -- "$3" "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: no '$3' in:"
		sed 's/^/#   /' "$2" | head -n 20
		failed=$((failed + 1))
	fi
}
dtb() { # dtb NAME MACHINE-OPTIONS [QEMU ARGS...]: $tmp/NAME.dtb
	local name=$1 machine=$2
	shift 2
	"$qemu" -M "virt,$machine,dumpdtb=$tmp/$name.dtb" -cpu cortex-a57 -nodefaults \
		-display none "$@" >/dev/null 2>&1
	[ -s "$tmp/$name.dtb" ]
}
echo "console=hvc0 mem=768M quiet" >"$tmp/cmdline"
echo "console=hvc0 quiet" >"$tmp/nomem"

# The machine of the guest tests.
t "QEMU dumps the device tree of the test machine" 0 \
	dtb qemu gic-version=3,virtualization=on,its=on -smp 4 -m 1G
t "config create -o FILE" 0 "$cellctl" config create --fdt "$tmp/qemu.dtb" \
	--cmdline "$tmp/cmdline" -o "$tmp/sys.json"
has "notes on stderr: where the hypervisor memory is and why" "$tmp/err" \
	"cellctl: config create: note: hypervisor memory: the first 16 MiB above Linux's RAM (mem=768M), 0x70000000"
has "notes on stderr: the PL011 is the hypervisor's" "$tmp/err" \
	"note: debug console: the PL011 at 0x9000000 belongs to the hypervisor"
has "notes on stderr: how to give a device to a cell" "$tmp/err" \
	"to give a device or an interrupt (a PCI INTx line) to a cell, remove it from \"root_cell\""
g=$tmp/sys.json
is "hypervisor memory: 16 MiB right above mem=768M" "$g" \
	'c["hypervisor_memory"] == {"phys_start": "0x70000000", "size": "16 MiB"}'
is "debug console: the PL011 at 0x9000000, mirrored" "$g" \
	'c["debug_console"] == {"type": "pl011", "address": "0x9000000", "flags": ["mirror"]}'
is "4 CPUs (MPIDR Aff0 0-3), all the root cell's" "$g" \
	'c["platform"]["num_cpus"] == 4 and c["root_cell"]["cpus"] == ["0-3"]'
is "GICv3: GICD 0x8000000, GICR 0x80a0000, maintenance PPI 25 (from the GIC node)" "$g" \
	'(c["platform"]["gic"]["gicd_base"], c["platform"]["gic"]["gicr_base"], c["platform"]["gic"]["maintenance_irq"], c["platform"]["gic"]["version"]) == ("0x8000000", "0x80a0000", 25, 3)'
is "notify_irq: a free SPI, given to the root cell" "$g" \
	'c["platform"]["gic"]["notify_irq"] == 255 and 255 in c["root_cell"]["irqs"]'
is "PCI: the high ECAM 0x4010000000, domain 0, buses 0-255" "$g" \
	'c["platform"]["pci"] == {"ecam_base": "0x4010000000", "domain": 0, "bus_start": 0, "bus_end": 255}'
ram='[(r["phys_start"], r["size"]) for r in c["root_cell"]["memory_regions"] if "io" not in r["flags"]]'
io='[(r["phys_start"], r["size"]) for r in c["root_cell"]["memory_regions"] if "io" in r["flags"]]'
is "root RAM: Linux's 768 MiB, and the 240 MiB above the hypervisor for the cells" "$g" \
	"$ram == [('0x40000000', '768 MiB'), ('0x71000000', '240 MiB')]"
is "root devices: flash, RTC, fw_cfg, GPIO, virtio-mmio (16 KiB, merged), the PCI windows" "$g" \
	"$io == [('0x0', '128 MiB'), ('0x9010000', '4 KiB'), ('0x9020000', '4 KiB'), ('0x9030000', '4 KiB'), ('0xa000000', '16 KiB'), ('0x10000000', '752 MiB'), ('0x8000000000', '512 GiB')]"
is "neither the GIC, the ECAM nor the PL011 is a root device" "$g" \
	'not [r for r in c["root_cell"]["memory_regions"] if int(r["phys_start"], 16) in (0x8000000, 0x80a0000, 0x4010000000, 0x9000000)]'
is "root IRQs: RTC, PCI INTx 35-38, GPIO, virtio-mmio 48-79, notify; not the PL011's 33" "$g" \
	'c["root_cell"]["irqs"] == ["34-39", "48-79", 255]'
t "config check passes" 0 "$cellctl" config check "$g"
t "config check passes with the shipped gic-demo and uart-demo" 0 \
	"$cellctl" config check "$g" "$configs/gic-demo.json" "$configs/uart-demo.json"
t "pci-demo needs INTx 36, which the generated root holds (as the note says)" 1 \
	"$cellctl" config check "$g" "$configs/pci-demo.json"
has "  ... and config check says so" "$tmp/err" "INTID 36 belongs to the root cell"
t "without -o: the configuration on stdout, the same" 0 "$cellctl" config create -q \
	--fdt "$tmp/qemu.dtb" --cmdline "$tmp/cmdline"
cp "$tmp/out" "$tmp/stdout.json"
t "  ... -q: no notes" 0 test ! -s "$tmp/err"
t "  ... identical to the file" 0 cmp "$tmp/stdout.json" "$g"
t "--hypervisor-size 32M" 0 "$cellctl" config create --fdt "$tmp/qemu.dtb" \
	--cmdline "$tmp/cmdline" --hypervisor-size 32MiB -o "$tmp/hv32.json"
is "  ... 32 MiB at 0x70000000, the cells' RAM starts above it" "$tmp/hv32.json" \
	"c['hypervisor_memory']['size'] == '32 MiB' and $ram[1] == ('0x72000000', '224 MiB')"
t "--hypervisor-size not in pages: usage error" 2 "$cellctl" config create \
	--fdt "$tmp/qemu.dtb" --cmdline "$tmp/cmdline" --hypervisor-size 1000

# Other machines.
t "QEMU: 2 CPUs, 2 GiB" 0 dtb small gic-version=3,virtualization=on -smp 2 -m 2G
echo "mem=1G" >"$tmp/mem1g"
t "config create for it, mem=1G" 0 "$cellctl" config create --fdt "$tmp/small.dtb" \
	--cmdline "$tmp/mem1g" -o "$tmp/small.json"
is "  ... 2 CPUs" "$tmp/small.json" 'c["platform"]["num_cpus"] == 2 and c["root_cell"]["cpus"] == ["0-1"]'
is "  ... hypervisor at 0x80000000, then 1008 MiB for the cells" "$tmp/small.json" \
	"c['hypervisor_memory']['phys_start'] == '0x80000000' and $ram == [('0x40000000', '1 GiB'), ('0x81000000', '1008 MiB')]"
t "  ... config check passes" 0 "$cellctl" config check "$tmp/small.json"
t "no mem= on the command line: refused, nothing written" 1 "$cellctl" config create \
	--fdt "$tmp/qemu.dtb" --cmdline "$tmp/nomem" -o "$tmp/none.json"
has "  ... saying how to leave room" "$tmp/err" \
	"Linux uses all RAM (no \"mem=\"): boot it with \"mem=\" well below the 1024 MiB of RAM in the device tree"
t "  ... no file" 0 test ! -e "$tmp/none.json"
echo "mem=1016M" >"$tmp/mem1016"
t "mem= leaving less than the hypervisor memory: refused" 1 "$cellctl" config create \
	--fdt "$tmp/qemu.dtb" --cmdline "$tmp/mem1016"
has "  ... saying so" "$tmp/err" \
	"mem=1016M leaves no more than 16 MiB of RAM outside Linux: boot it with \"mem=\" well below"
t "QEMU: GICv2" 0 dtb gic2 gic-version=2 -smp 2 -m 1G
t "a GICv2 machine is refused" 1 "$cellctl" config create --fdt "$tmp/gic2.dtb" \
	--cmdline "$tmp/cmdline"
has "  ... naming what is missing" "$tmp/err" "no GICv3 (compatible \"arm,gic-v3\")"
head -c 4096 /dev/urandom >"$tmp/junk.dtb"
t "a file that is no device tree is refused" 1 "$cellctl" config create --fdt "$tmp/junk.dtb" \
	--cmdline "$tmp/cmdline"
has "  ... saying so" "$tmp/err" "not a valid flattened device tree"
printf '/dts-v1/;\n/ { #address-cells = <3>; #size-cells = <2>; };\n' >"$tmp/cells.dts"
if dtc -I dts -O dtb -o "$tmp/cells.dtb" "$tmp/cells.dts" 2>/dev/null; then
	t "a root with 3 address cells is refused" 1 "$cellctl" config create \
		--fdt "$tmp/cells.dtb" --cmdline "$tmp/cmdline"
	has "  ... saying why" "$tmp/err" "#address-cells 3 and #size-cells 2 are not 1 or 2"
else
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - dtc (device-tree-compiler) compiles a test tree"
fi
t "a device tree that is not there" 1 "$cellctl" config create --fdt "$tmp/missing.dtb"
has "  ... named" "$tmp/err" "cannot read the device tree $tmp/missing.dtb: No such file or directory"
t "an unknown option is a usage error" 2 "$cellctl" config create --bogus

# Broken device trees: 60 copies of the test machine's with bytes changed at random; each
# is answered with a configuration or a reason, never a crash (sanitizers: exit 99).
python3 - "$tmp/qemu.dtb" "$tmp/mut" <<'PY'
import os, random, sys
data = open(sys.argv[1], 'rb').read()
os.makedirs(sys.argv[2])
rng = random.Random(16)
for i in range(60):
    b = bytearray(data)
    for _ in range(rng.randint(1, 32)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    open(os.path.join(sys.argv[2], '%03d.dtb' % i), 'wb').write(bytes(b))
PY
bad=0 created=0
for f in "$tmp"/mut/*.dtb; do
	ASAN_OPTIONS=exitcode=99 UBSAN_OPTIONS=halt_on_error=1:exitcode=99 \
		"$cellctl" config create -q --fdt "$f" --cmdline "$tmp/cmdline" >/dev/null 2>"$tmp/mut.err"
	case $? in
	0) created=$((created + 1)) ;;
	1) grep -q "config create: " "$tmp/mut.err" || { bad=$((bad + 1)); echo "# $f: exit 1 without a reason"; } ;;
	*) bad=$((bad + 1)); echo "# $f:"; sed 's/^/#   /' "$tmp/mut.err" | head -n 5 ;;
	esac
done
n=$((n + 1))
if [ "$bad" = 0 ]; then
	echo "ok $n - 60 damaged device trees: $created configurations, the rest refused with a reason"
else
	failed=$((failed + 1)); echo "not ok $n - damaged device trees: $bad crashed or said nothing"
fi

echo "1..$n"
[ "$failed" = 0 ]
