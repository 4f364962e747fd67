#!/usr/bin/env bash
# Regenerates docs/api/<service>.openapi.json from a running server: each service serves the
# OpenAPI document of its own route table, so the files cannot drift from the code.
# Usage: scripts/export-openapi.sh [path/to/paydesk-server]   (default: build/release/app/paydesk-server)
set -euo pipefail
cd "$(dirname "$0")/.."
server="${1:-build/release/app/paydesk-server}"
base=47000
data=$(mktemp -d /tmp/paydesk-openapi-XXXXXX)
trap '"$server" stop --data-dir "$data/d" --base-port $base >/dev/null 2>&1 || true; rm -rf "$data"' EXIT
"$server" start --data-dir "$data/d" --base-port $base >/dev/null
"$server" status --json --data-dir "$data/d" --base-port $base |
  python3 -c 'import json,sys; [print(s["name"], s["port"]) for s in json.load(sys.stdin)["services"]]' |
  while read -r service port; do
    curl -sf "http://127.0.0.1:${port}/openapi.json" | python3 -m json.tool > "docs/api/${service}.openapi.json"
    echo "docs/api/${service}.openapi.json"
  done
