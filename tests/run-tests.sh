#!/usr/bin/env bash
# The whole test suite, as CI runs it: install, build, start the real services the tests use
# (a throwaway PostgreSQL 15 cluster on 127.0.0.1, a Secret Service on a private D-Bus
# session with an empty, unlocked keyring), run every test, stop the services. Formatting is
# checked first.
# Extra arguments go to ctest, e.g. `-R tst_store -V`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/packaging/install-deps.sh"
# The house style (.clang-format) stays applied: any file it would change fails the run.
(cd "$root" && git ls-files -z '*.cpp' '*.h' | xargs -0 clang-format --dry-run -Werror) ||
    { echo "Formatting differs from .clang-format: run clang-format -i on the files above." >&2; exit 1; }
bash "$root/packaging/build.sh"
build=${RECONSOLE_BUILD_DIR:-$root/build}
# The .deb (tests/packaging/tst_package.sh unpacks and runs it), and the desktop entry and
# AppStream metainfo it carries, as software centres read them.
cmake --build "$build" --target package
desktop-file-validate "$root/packaging/org.reconsole.Reconsole.desktop"
appstreamcli validate --no-net "$build/packaging/org.reconsole.Reconsole.metainfo.xml"

work=$(mktemp -d /tmp/reconsole-tests.XXXXXX)
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres() {
    # initdb refuses to run as root.
    if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
cleanup() {
    as_postgres "$pgbin/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=$(( 20000 + RANDOM % 30000 ))
while ! port_free "$port"; do port=$(( 20000 + RANDOM % 30000 )); done

[ "$(id -u)" -eq 0 ] && chown postgres "$work"
as_postgres "$pgbin/initdb -D $work/pg -U reconsole --auth=trust -E UTF8 >$work/initdb.log 2>&1"
# The superuser the tests set up with is trusted; every other user needs its password, as a
# team member would (the password-from-keychain tests depend on it).
as_postgres "printf 'local all all trust\nhost all reconsole 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n' >$work/pg/pg_hba.conf"
as_postgres "$pgbin/pg_ctl -D $work/pg -o '-c listen_addresses=127.0.0.1 -p $port -k $work -c fsync=off' -l $work/pg.log -w start >/dev/null"

export RECONSOLE_TEST_PG_URL="postgresql://reconsole@127.0.0.1:$port/postgres"
export RECONSOLE_REQUIRE_PG=1 RECONSOLE_REQUIRE_KEYCHAIN=1 RECONSOLE_NO_DIALOGS=1
export QT_QPA_PLATFORM=offscreen
export HOME="$work/home" XDG_RUNTIME_DIR="$work/run"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

dbus-run-session -- bash -c '
    eval "$(printf "\n" | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    ctest --test-dir "$0" --output-on-failure -j2 "${@:1}"' "$build" "$@" 2> >(grep -v "Failed to set fd limit" >&2)
