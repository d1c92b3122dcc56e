#!/bin/sh
# Benchmark: how long the guest takes to boot to multi-user under TCG (figures, no verdict).
systemctl is-system-running --wait >/dev/null
echo "bench boot: $(systemd-analyze | head -n1)"
echo "bench boot: $(systemd-analyze | grep 'multi-user.target reached' || true)"
echo "bench boot: slowest units:"
systemd-analyze blame | head -n 5 | sed 's/^/bench boot:   /'
