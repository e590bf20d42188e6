#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only those missing. Runs as root (CI) or via sudo.
set -euo pipefail
need=()
for pkg in postgresql chromium mosquitto mosquitto-clients zbar-tools golang-go golang-golang-x-mod-dev poppler-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "system packages: done"
