#!/bin/bash
# No code decides anything from the hypervisor's console text: refusals travel as reason
# values (include/cellvisor/reason.h).  The daemon and cellctl neither search console text
# for the hypervisor's "Cellvisor: " lines nor quote them; the only console readers are the
# console buffers themselves (GetConsole, OpenConsole).  (The host tests' model of the
# driver, tests/host/daemon/backend-test.c, writes such lines but never reads them.)
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
n=0 fails=0
check() {
	n=$((n + 1))
	hits=$(grep -rnE "$2" cellmgrd/daemon cellmgrd/cellctl --include='*.c' --include='*.h')
	if [ -z "$hits" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1:"
		sed 's/^/#   /' <<<"$hits"
		fails=$((fails + 1))
	fi
}
check "nothing looks for the hypervisor's console prefix" '"Cellvisor: |HV_PREFIX'
check "no error message quotes the hypervisor's console" 'hypervisor says'
check "no code searches console text" '(strstr|strncmp|memmem|regexec)\([^)]*(console|hv_con|text)'
echo "1..$n"
[ $fails = 0 ]
