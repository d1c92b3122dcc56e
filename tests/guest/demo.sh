#!/bin/sh
# make demo: what Cellvisor does today, step by step, in the guest.
say() { printf '\n=== %s\n' "$*"; }

say "systemd: $(systemctl is-system-running --wait), uptime $(cut -d' ' -f1 /proc/uptime) s"
say "CPUs online: $(cat /sys/devices/system/cpu/online)"
dmesg | grep -E "started at EL2|hyp" | sed 's/^/  /'
grep -q ' __hyp_stub_vectors$' /proc/kallsyms && echo "  EL2 is held by Linux's hyp stub (__hyp_stub_vectors), KVM is off"
echo "demo: done"
