#!/bin/sh
# cvlink: the former test helper's name and verbs, now cellvisor-link(1), for the scripts that
# still call it (tests/guest/bench/link.sh): wait-state is wait, await is receive.
cmd=$1
[ $# -gt 0 ] && shift
case $cmd in
wait-state) cmd=wait ;;
await) cmd=receive ;;
esac
exec cellvisor-link "$cmd" "$@"
