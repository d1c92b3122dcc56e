#!/bin/bash
# The Debian packages 'make deb' built: each holds exactly the files the build's install
# list gives it (plus what debhelper adds), nothing test-only; control fields, conffiles and
# maintainer scripts do what users expect (cellmgrd enabled and started, cellvisor.service
# neither, nothing stopped by an upgrade, DKMS registered); lintian finds no error and no
# warning that debian/*.lintian-overrides does not explain.
#   packages.sh CHANGES MANIFEST VERSION CELLMGRD-HOST PRESET
# MANIFEST: "PACKAGE|SOURCE|/PATH|MODE" lines, the install list of the Makefile.
set -u
changes=$1 manifest=$2 version=$3 cellmgrd=$4 preset=$5
dir=$(dirname "$changes")
upstream=${version%-*}
# shellcheck source=tests/host/packages/tap.sh
. "$(dirname "$0")/tap.sh"

declare -A arch=([cellvisor]=arm64 [cellvisor-firmware]=arm64 [cellvisor-dkms]=all)
for p in cellvisor cellvisor-firmware cellvisor-dkms; do
	deb=$dir/${p}_${version}_${arch[$p]}.deb
	t "$p: ${deb##*/} was built" test -f "$deb"
	t "  ... is listed in the .changes" grep -qF " ${deb##*/}" "$changes"
	mkdir -p "$tmp/$p/ctl"
	dpkg-deb -e "$deb" "$tmp/$p/ctl" 2>/dev/null
	dpkg-deb -c "$deb" 2>/dev/null | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./|/|' |
		sort >"$tmp/$p/files"
	# What the install list gives the package, as debhelper leaves it: manual pages
	# compressed; plus its own files (copyright, changelog, lintian overrides, dkms.conf).
	grep "^$p|" "$manifest" | cut -d'|' -f3 | sed -E 's|^(/usr/share/man/.*)$|\1.gz|' \
		>"$tmp/$p/want"
	printf '%s\n' "/usr/share/doc/$p/copyright" "/usr/share/doc/$p/changelog.Debian.gz" \
		"/usr/share/lintian/overrides/$p" >>"$tmp/$p/want"
	[ "$p" != cellvisor-dkms ] || echo "/usr/src/cellvisor-$upstream/dkms.conf" >>"$tmp/$p/want"
	sort -o "$tmp/$p/want" "$tmp/$p/want"
	t "  ... holds exactly the files of the install list ($(wc -l <"$tmp/$p/want"))" \
		diff -u "$tmp/$p/want" "$tmp/$p/files"
	t "  ... nothing test-only (cellvisor-test, test modules, the fuzz inmate)" \
		sh -c "! grep -E 'cellvisor-test|cellvisor_test|cellvisor_fuzz|/fuzz\.(bin|cvb|json)$|/tests?/' '$tmp/$p/files'"
	t "  ... Architecture: ${arch[$p]}" [ "$(dpkg-deb -f "$deb" Architecture)" = "${arch[$p]}" ]
	# Modes as the install list says (dpkg-deb -c: -rwxr-xr-x for 0755).
	dpkg-deb -c "$deb" 2>/dev/null | awk '$1 !~ /^d/ { print $1, $6 }' | sed 's| \./| /|' \
		>"$tmp/$p/modes"
	bad=$(grep "^$p|" "$manifest" | while IFS='|' read -r _ _ path mode; do
		[[ $path == /usr/share/man/* ]] && path=$path.gz
		want=-rw-r--r--
		[ "$mode" = 0755 ] && want=-rwxr-xr-x
		grep -qxF -e "$want $path" "$tmp/$p/modes" || echo "$path: not $want"
	done)
	t "  ... modes as the install list says" sh -c "[ -z '$bad' ] || { echo '$bad'; exit 1; }"
done

ctl=$tmp/cellvisor/ctl
t "cellvisor: every file in /etc is a conffile" \
	diff -u <(grep '^/etc/' "$tmp/cellvisor/files") <(sort "$ctl/conffiles")
t "  ... /etc/cellvisor/system.json and the cells' configurations among them" \
	sh -c "grep -qx /etc/cellvisor/system.json '$ctl/conffiles' && grep -qx /etc/cellvisor/cells/gic-demo.json '$ctl/conffiles'"
deps=$(dpkg-deb -f "$dir/cellvisor_${version}_arm64.deb" Depends)
echo "# cellvisor Depends: $deps"
t "  ... depends on cellvisor-firmware of its version" grep -qF "cellvisor-firmware (= $version)" <<<"$deps"
t "  ... on cellvisor-dkms or a module package" grep -qF "cellvisor-dkms (= $version) | cellvisor-modules" <<<"$deps"
t "  ... on the system bus and on the libraries it links (shlibs)" \
	sh -c "echo '$deps' | grep -q 'dbus-system-bus' && echo '$deps' | grep -q 'libsystemd0 ' &&
		echo '$deps' | grep -q 'libcjson1 ' && echo '$deps' | grep -q 'libfdt1 '"
t "  ... cellmgrd and cellctl are arm64 programs" \
	sh -c "dpkg-deb --fsys-tarfile '$dir/cellvisor_${version}_arm64.deb' | tar -xO ./usr/sbin/cellmgrd | file - | grep -q 'ARM aarch64'"
t "  ... cellvisor-link, the root's side of a link, is an arm64 program with its man page" \
	sh -c "dpkg-deb --fsys-tarfile '$dir/cellvisor_${version}_arm64.deb' | tar -xO ./usr/bin/cellvisor-link | file - | grep -q 'ARM aarch64' &&
		dpkg-deb -c '$dir/cellvisor_${version}_arm64.deb' | grep -q ' ./usr/share/man/man1/cellvisor-link.1.gz$'"
t "  ... cellmgrd's version is the package's ($upstream)" \
	sh -c "'$cellmgrd' --version | grep -qx 'cellmgrd $upstream'"

# The postinst as dh_installsystemd wrote it: which units a first installation enables
# and starts.  cellvisor.service is enabled only again on an upgrade, when it was before.
enabled=$(sed -n "s/.*deb-systemd-helper enable '\([^']*\)'.*/\1/p" "$ctl/postinst" | sort)
again=$(sed -n "s/.*deb-systemd-helper debian-installed '\([^']*\)'.*/\1/p" "$ctl/postinst")
fresh=$(comm -23 <(echo "$enabled") <(echo "$again" | sort) | tr '\n' ' ')
started=$(sed -n "s/.*deb-systemd-invoke \$_dh_action '\([^']*\)'.*/\1/p" "$ctl/postinst" | tr '\n' ' ')
echo "# postinst: a first installation enables: $fresh; starts: $started"
t "postinst: a first installation enables cellmgrd.service and cells.target, nothing else" \
	[ "$fresh" = "cellmgrd.service cells.target " ]
t "  ... starts cellmgrd.service only (not cellvisor.service, not cells.target)" \
	[ "$started" = "cellmgrd.service " ]
t "  ... the policy of units/90-cellvisor.preset" \
	diff -u <(sed -n 's/^enable //p' "$preset" | sort) <(echo "$fresh" | tr ' ' '\n' | sed '/^$/d')
t "  ... which leaves cellvisor.service off" grep -qx 'disable cellvisor.service' "$preset"
t "preinst/prerm: an upgrade stops nothing (the hypervisor and the cells keep running)" \
	sh -c "! grep -h -A2 'upgrade' '$ctl/preinst' '$ctl/prerm' 2>/dev/null | grep -q 'deb-systemd-invoke stop'"
t "prerm: a removal stops cellmgrd" grep -q "deb-systemd-invoke stop 'cellmgrd.service'" "$ctl/prerm"

dctl=$tmp/cellvisor-dkms/ctl
ddeb=$dir/cellvisor-dkms_${version}_all.deb
dpkg-deb --fsys-tarfile "$ddeb" | tar -xO "./usr/src/cellvisor-$upstream/dkms.conf" >"$tmp/dkms.conf"
t "cellvisor-dkms: dkms.conf names cellvisor $upstream" \
	sh -c "grep -qx 'PACKAGE_NAME=\"cellvisor\"' '$tmp/dkms.conf' && grep -qx 'PACKAGE_VERSION=\"$upstream\"' '$tmp/dkms.conf'"
t "  ... depends on dkms" grep -q '^dkms' <<<"$(dpkg-deb -f "$ddeb" Depends)"
t "  ... its postinst hands cellvisor $upstream to DKMS" \
	sh -c "grep -qx 'DKMS_NAME=cellvisor' '$dctl/postinst' && grep -qx 'DKMS_VERSION=$upstream' '$dctl/postinst' && grep -q /usr/lib/dkms/common.postinst '$dctl/postinst'"
# shellcheck disable=SC2016 # the prerm's variables, literally
t "  ... its prerm removes it from DKMS" grep -q 'dkms remove -m $DKMS_NAME -v $DKMS_VERSION --all' "$dctl/prerm"
t "cellvisor-firmware: the hypervisor image is in /lib/firmware" \
	grep -qx /lib/firmware/cellvisor.bin "$tmp/cellvisor-firmware/files"
t "cellvisor-firmware: the linux-demo cell's initramfs" \
	grep -qx /usr/share/cellvisor/linux-demo/initramfs.cpio.gz "$tmp/cellvisor-firmware/files"

# lintian, as Debian's archive would run it, with --pedantic for the record.
lintian --pedantic --info --show-overrides "$changes" >"$tmp/lintian" 2>&1
lst=$?
grep -E '^[EWIPO]: ' "$tmp/lintian" | sed 's/^/# lintian: /'
t "lintian ran (status $lst: 0, or 1 for errors)" sh -c "[ $lst = 0 ] || [ $lst = 1 ] || { cat '$tmp/lintian'; exit 1; }"
t "lintian: no error" sh -c "! grep -E '^E: ' '$tmp/lintian'"
t "lintian: no warning without an override that explains it" sh -c "! grep -E '^W: ' '$tmp/lintian'"
# explained: every override in debian/*.lintian-overrides follows a comment (its reason).
explained() {
	local f bad=0
	for f in "$(cd "$(dirname "$0")/../../.." && pwd)"/debian/*.lintian-overrides; do
		awk -v f="${f##*/}" '/^#/ { c = 1; next } /^$/ { c = 0; next }
			!c { print f ": no reason given for: " $0; bad = 1 } END { exit bad }' "$f" || bad=1
	done
	return $bad
}
t "lintian: every override has its reason in a comment" explained

echo "1..$n"
[ $failed = 0 ]
