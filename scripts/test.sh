#!/usr/bin/env bash
# The second README command: install what is missing, build, run the whole test suite
# (unit, integration: real PostgreSQL and redis-server started by the tests on loopback ports),
# then the unit and integration tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
start=$(date +%s)

export PAYDESK_WERROR=ON
scripts/build.sh ci
ctest --preset ci

if [ "${PAYDESK_SKIP_SANITIZERS:-0}" != "1" ]; then
  scripts/build.sh asan
  ctest --preset asan
fi
echo "test.sh: finished in $(( $(date +%s) - start )) s"
