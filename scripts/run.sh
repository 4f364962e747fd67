#!/usr/bin/env bash
# The first README command: install what is missing, build, start PayDesk with the embedded backend.
# With a display (X11 or Wayland) it opens the desktop console `paydesk`, whose first-run flow creates
# (or opens) the single-site installation and runs the 18 services in the same process. Without a
# display it runs the headless `paydesk-server` in the foreground (Ctrl-C stops it gracefully,
# PostgreSQL and Redis included). Options are passed on, e.g. --data-dir DIR --base-port N.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${PAYDESK_HEADLESS:-0}" != 1 ]; then
  exec build/release/app/paydesk "$@"
fi
exec build/release/app/paydesk-server run "$@"
