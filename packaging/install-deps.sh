#!/usr/bin/env bash
# Installs what Reconsole needs to build, run and test on Debian 12; does nothing when all is there.
set -euo pipefail

packages=(
    cmake ninja-build g++ ccache pkg-config clang-format
    qt6-base-dev qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev qtkeychain-qt6-dev
    libqt6sql6-sqlite libqt6sql6-psql libsqlite3-dev libpq-dev qt6-qpa-plugins libgl-dev
    postgresql dbus dbus-x11 gnome-keyring libsecret-tools xvfb xauth imagemagick
    libqt6svg6 dpkg-dev desktop-file-utils appstream librsvg2-bin man-db
    python3-pandas
    poppler-utils
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
