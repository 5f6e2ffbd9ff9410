#!/usr/bin/env bash
# The .deb as a fresh machine gets it: unpacked into a throwaway root (dpkg -x), both binaries
# run from there on system Qt alone, and the desktop entry, AppStream metainfo, icon and man
# pages it carries are valid and agree. Usage: tst_package.sh BUILD_DIR VERSION
set -uo pipefail
build=$1 version=$2
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "PASS: $*"; }

deb=$(ls -t "$build"/reconsole_"$version"-*_*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ]; then
    echo "FAIL: no $build/reconsole_$version-*.deb: build the package target first" \
        "(cmake --build $build --target package)"
    exit 1
fi
for binary in "$build/app/reconsole" "$build/app/reconsolectl"; do
    [ "$deb" -nt "$binary" ] || { echo "FAIL: $deb is older than $binary: build the package target again"; exit 1; }
done

root=$(mktemp -d /tmp/reconsole-package.XXXXXX)
trap 'rm -rf "$root"' EXIT
dpkg -x "$deb" "$root/fs" || { echo "FAIL: dpkg -x $deb"; exit 1; }
fs=$root/fs
id=org.reconsole.Reconsole

# What apt pulls in: the libraries dpkg-shlibdeps found, and the plugins Qt loads at run time.
depends=$(dpkg-deb -f "$deb" Depends)
for dep in libqt6core6 libqt6widgets6 libqt6sql6 libqt6network6 libqt6httpserver6 libqt6keychain1 \
    libqt6sql6-sqlite libqt6sql6-psql qt6-qpa-plugins libqt6svg6; do
    grep -Eq "(^|, )$dep( |,|$)" <<<"$depends" && pass "Depends: $dep" || fail "Depends lacks $dep: $depends"
done
grep -q gnome-keyring <<<"$(dpkg-deb -f "$deb" Recommends)" && pass "Recommends a Secret Service" ||
    fail "Recommends names no Secret Service"
[ "$(dpkg-deb -f "$deb" Version)" = "$version-1" ] && pass "version $version-1" ||
    fail "version $(dpkg-deb -f "$deb" Version), not $version-1"

# Both binaries run from the unpacked root, found by the loader on the system alone: nothing of
# the build tree (no RUNPATH into it, no LD_LIBRARY_PATH), no missing library.
run() { env -u LD_LIBRARY_PATH HOME="$root/home" XDG_RUNTIME_DIR="$root/run" QT_QPA_PLATFORM=offscreen "$@"; }
mkdir -p "$root/home" "$root/run" && chmod 700 "$root/run"
for name in reconsole reconsolectl; do
    binary=$fs/usr/bin/$name
    [ -x "$binary" ] || { fail "usr/bin/$name is not in the package"; continue; }
    if readelf -d "$binary" | grep -Eq 'RPATH|RUNPATH'; then fail "$name keeps a RUNPATH: $(readelf -d "$binary" | grep PATH)"; fi
    missing=$(run ldd "$binary" | grep 'not found')
    [ -z "$missing" ] && pass "$name: every library found" || fail "$name: $missing"
    out=$(run "$binary" --version 2>/dev/null)
    [ "$out" = "$name $version" ] && pass "$name --version: $out" || fail "$name --version printed '$out'"
done

# The console starts from the package: on first run it makes its database and draws its window.
run env RECONSOLE_NO_DIALOGS=1 timeout 120 "$fs/usr/bin/reconsole" \
    --screenshot "$root/first.png" >"$root/console.log" 2>&1
[ -s "$root/first.png" ] && pass "the console starts and draws its window" ||
    fail "the console did not start: $(tail -n 5 "$root/console.log")"

# The desktop entry and metainfo are valid, and the tree agrees with them (launchable, icon).
desktop=$fs/usr/share/applications/$id.desktop
metainfo=$fs/usr/share/metainfo/$id.metainfo.xml
icon=$fs/usr/share/icons/hicolor/scalable/apps/$id.svg
[ -f "$desktop" ] && desktop-file-validate "$desktop" && pass "desktop entry valid" || fail "desktop entry $desktop"
[ -f "$metainfo" ] && appstreamcli validate --no-net "$metainfo" >"$root/as.log" 2>&1 && pass "metainfo valid" ||
    fail "metainfo: $(cat "$root/as.log" 2>/dev/null)"
appstreamcli validate-tree --no-net "$fs" >"$root/tree.log" 2>&1 && pass "installed tree valid (validate-tree)" ||
    fail "validate-tree: $(cat "$root/tree.log")"
copyright=$fs/usr/share/doc/reconsole/copyright
grep -q '^License: GPL-3.0-or-later' "$copyright" 2>/dev/null && grep -q '<project_license>GPL-3.0-or-later<' "$metainfo" &&
    pass "licence named in the copyright file and the metainfo" || fail "licence missing from $copyright or the metainfo"
grep -q '<screenshot type="default">' "$metainfo" && grep -q 'docs/screenshots/operations.png' "$metainfo" &&
    pass "metainfo has a screenshot" || fail "metainfo has no screenshot"
[ -f "$(dirname "$0")/../../docs/screenshots/operations.png" ] && pass "the screenshot is in the repository" ||
    fail "docs/screenshots/operations.png is missing"
grep -qx "Icon=$id" "$desktop" && grep -qx "Exec=reconsole" "$desktop" && pass "desktop entry names the icon and binary" ||
    fail "desktop entry's Icon or Exec"
if [ -f "$icon" ] && rsvg-convert -w 64 -h 64 "$icon" -o "$root/icon.png" && [ -s "$root/icon.png" ]; then
    pass "icon renders"
else
    fail "icon $icon missing or does not render"
fi

# The man pages: gzipped, rendered by man without a warning, and saying what --help says.
for name in reconsole reconsolectl; do
    page=$fs/usr/share/man/man1/$name.1.gz
    [ -f "$page" ] || { fail "man page $name.1.gz is not in the package"; continue; }
    gzip -t "$page" || fail "$name.1.gz is not gzip"
    text=$(MANWIDTH=80 man --warnings -l "$page" 2>"$root/man.err")
    [ -s "$root/man.err" ] && fail "$name(1) warnings: $(cat "$root/man.err")"
    grep -q "^NAME" <<<"$text" && grep -q "^SYNOPSIS" <<<"$text" && pass "$name(1) renders" || fail "$name(1) renders no page"
    grep -q '~/.local/share/Reconsole/reconsole/reconsole.sqlite' <<<"$text" &&
        pass "$name(1): the default database, whole and for any user" || fail "$name(1): default database path"
done
man1=$fs/usr/share/man/man1
if [ -f "$man1/reconsole.1.gz" ] && [ -f "$man1/reconsolectl.1.gz" ]; then
    help=$(run "$fs/usr/bin/reconsole" --help 2>/dev/null)
    page=$(MANWIDTH=200 man -l "$man1/reconsole.1.gz" 2>/dev/null)
    for option in $(grep -oE '^  (-[a-z], )?--[a-z-]+' <<<"$help" | grep -oE -- '--[a-z-]+'); do
        grep -q -- "$option" <<<"$page" || fail "reconsole(1) lacks $option"
    done
    [ "$(grep -c -- '--man' <<<"$page")" -eq 0 ] && pass "reconsole(1): every --help option" || fail "reconsole(1) shows --man"
    help=$(run "$fs/usr/bin/reconsolectl" --help 2>/dev/null)
    page=$(MANWIDTH=200 man -l "$man1/reconsolectl.1.gz" 2>/dev/null)
    # A section per command, the same commands as --help lists, each with the options its --help shows
    # (those all share are under OPTIONS).
    commands=$(zcat "$man1/reconsolectl.1.gz" | sed -n 's/^\.SS //p' | sed 's/\\-/-/g')
    [ "$(wc -l <<<"$commands")" -eq "$(grep -cE '^  reconsolectl ' <<<"$help")" ] ||
        fail "reconsolectl(1) has $(wc -l <<<"$commands") command sections, --help lists $(grep -cE '^  reconsolectl ' <<<"$help")"
    while read -r command; do
        grep -qE "^  reconsolectl $command( |\$)" <<<"$help" || fail "reconsolectl(1)'s '$command' is not in --help"
        for option in $(run "$fs/usr/bin/reconsolectl" $command --help 2>/dev/null | grep -oE '^  --[a-z-]+'); do
            grep -q -- "$option" <<<"$page" || fail "reconsolectl(1) lacks $option of '$command'"
        done
    done <<<"$commands"
    pass "reconsolectl(1): $(wc -l <<<"$commands") commands, each with its options"
fi

echo "$failures failed"
[ "$failures" -eq 0 ]
