#!/usr/bin/env bash
# Configures and builds PayDesk with Ninja and ccache. Usage: scripts/build.sh [preset] (default: release)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/paydesk-ccache}"
# Paths relative to the checkout, so a fresh clone elsewhere (CI) reuses the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
ccache --max-size=2G >/dev/null 2>&1 || true
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
