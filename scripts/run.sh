#!/usr/bin/env bash
# The first README command: install what is missing, build, start PayDesk with the embedded backend.
# The desktop console comes with a later release; until then this runs paydesk-server in the
# foreground (Ctrl-C stops it gracefully, PostgreSQL and Redis included).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
exec build/release/app/paydesk-server run "$@"
