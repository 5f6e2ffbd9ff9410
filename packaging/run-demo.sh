#!/usr/bin/env bash
# Quick start: install, build, and open the console on demo data with the sandbox provider
# running in-process. Extra arguments go to reconsole (e.g. --screenshot shot.png).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/packaging/install-deps.sh"
bash "$root/packaging/build.sh"
console="${RECONSOLE_BUILD_DIR:-$root/build}/app/reconsole"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec "$console" --demo "$@"
fi
# No desktop session: a virtual display, and a private unlocked keyring for the sandbox key.
echo "No display found: running under Xvfb with a private keyring." >&2
export HOME=${RECONSOLE_DEMO_HOME:-$HOME}
exec dbus-run-session -- bash -c '
    eval "$(printf "\n" | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    exec xvfb-run -a -s "-screen 0 1600x1000x24" "$0" --demo "$@"' "$console" "$@"
