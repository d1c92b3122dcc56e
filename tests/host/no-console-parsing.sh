#!/bin/bash
# No code decides anything from the hypervisor's console text: refusals travel as reason
# values (include/cellvisor/reason.h).  The daemon and cellctl neither search console text
# for the hypervisor's "Cellvisor: " lines nor quote them; the only console readers are the
# console buffers themselves (GetConsole, OpenConsole).  (The host tests' model of the
# driver, tests/host/daemon/backend-test.c, writes such lines but never reads them.)
dirs="cellmgrd/daemon cellmgrd/cellctl"
. "$(dirname "$0")/grep-rules.sh"
check "nothing looks for the hypervisor's console prefix" '"Cellvisor: |HV_PREFIX'
check "no error message quotes the hypervisor's console" 'hypervisor says'
check "no code searches console text" '(strstr|strncmp|memmem|regexec)\([^)]*(console|hv_con|text)'
finish
