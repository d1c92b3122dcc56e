#!/bin/bash
# Host tier: cellvisor-link (cellvisor-link(1)) without a hypervisor: its arguments, the
# messages and exit statuses of refusals, a device that does not exist (4), a file that is
# no link device.  The conversation over a real link is the guest scenario link.sh.
# Usage: link-tool.sh PATH-TO-cellvisor-link
tool=${1:?}
. "$(dirname "$0")/packages/tap.sh"
st() { "$tool" "$@" >"$tmp/o" 2>"$tmp/e"; echo $?; }
says() { grep -qF -- "$1" "$tmp/e" || { echo "stderr: $(cat "$tmp/e")"; return 1; }; }

t "--help: the commands, exit 0" sh -c "'$tool' --help | grep -q '^  echo LINK COUNT SIZE'"
t "no command: usage, exit 2" eval '[ "$(st)" = 2 ] && says "cellvisor-link: no command"'
t "an unknown command: exit 2" eval '[ "$(st frobnicate x)" = 2 ] && says "unknown command: frobnicate"'
t "a command without its link: exit 2" eval '[ "$(st info)" = 2 ] && says "no link: info"'
t "too many arguments: exit 2" eval '[ "$(st info a b)" = 2 ] && says "wrong number of arguments: info"'
t "a link name with a bad character: exit 2, the rule" \
	eval '[ "$(st info "a b")" = 2 ] && says "info a b: EINVAL (not a link name: 1 to 31 of A-Z a-z 0-9 _ . -)"'
t "a link name too long: exit 2" eval '[ "$(st info "$(printf %032d 0)")" = 2 ]'
t "a link that has no device: exit 4, says why and what to do" \
	eval '[ "$(st info no-such-link-here)" = 4 ] && says "info no-such-link-here: ENOENT (no device /dev/cellvisor-link-no-such-link-here: the hypervisor is not enabled, or the root cell is no peer of such a link"'
t "a state that is not up, down or a number: exit 2" eval '[ "$(st state x upp)" = 2 ]'
t "a state over 32 bits: exit 2" eval '[ "$(st state x 4294967296)" = 2 ]'
t "wait for something else than up or down: exit 2" eval '[ "$(st wait x 1 sideways)" = 2 ]'
t "a time limit of 0 ms: exit 2" eval '[ "$(st wait x 1 up 0)" = 2 ]'
t "echo with a count that is no number: exit 2" eval '[ "$(st echo x 1O 64)" = 2 ]'
t "fill with a byte over 255: exit 2" eval '[ "$(st fill x 256)" = 2 ]'
t "a file that is no link device: exit 1, the ioctl named" \
	eval '[ "$(st info /dev/null)" = 1 ] && says "info /dev/null: ENOTTY (CV_LINK_IOCTL_GET_INFO on /dev/null"'
t "list without link devices: none, exit 0" \
	eval '[ -e /dev/cellvisor-link-* ] || { [ "$(st list)" = 0 ] && grep -q "^0 links" "$tmp/o"; }'
echo "1..$n"
[ "$failed" = 0 ]
