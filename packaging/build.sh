#!/usr/bin/env bash
# Configures and builds into build/ (or $RECONSOLE_BUILD_DIR); incremental after the first time.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${RECONSOLE_BUILD_DIR:-$root/build}
# Paths relative to the checkout in ccache's eyes, so a fresh clone elsewhere (as CI makes)
# reuses what an earlier build of the same sources compiled.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build" -j"$(nproc)"
