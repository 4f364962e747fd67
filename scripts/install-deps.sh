#!/usr/bin/env bash
# Installs the Debian 12 packages PayDesk builds and runs with (docs/OPERATIONS.md). Idempotent:
# does nothing when everything is present. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
  cmake g++ ninja-build ccache pkg-config
  qt6-base-dev qt6-base-dev-tools libqt6sql6-psql libqt6sql6-sqlite
  qt6-declarative-dev qml6-module-qtquick qml6-module-qtqml qml6-module-qtquick-controls
  qml6-module-qtquick-layouts qml6-module-qtquick-window qml6-module-qtquick-templates
  qml6-module-qtqml-workerscript
  qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev qt6-svg-dev
  libhiredis-dev librdkafka-dev qtkeychain-qt6-dev prometheus-cpp-dev libssl-dev
  postgresql postgresql-contrib redis-server redis-tools prometheus
  xvfb xauth imagemagick curl openssl wrk gnome-keyring dbus-x11 libsecret-tools
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Package installs must not start system services (PayDesk runs its own PostgreSQL and Redis).
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
