#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only those missing. Runs as root (CI) or via sudo.
set -euo pipefail
need=()
# nginx-light: deploy/nginx/truyxuat.conf is checked with `nginx -t` and a request proxied through it (core/tests/test_deploy.py)
# redis-server: the shared cache of several nodes (TRUYXUAT_REDIS_URL), started by tests on a free loopback port
for pkg in postgresql chromium mosquitto mosquitto-clients zbar-tools golang-go golang-golang-x-mod-dev poppler-utils redis-server nginx-light; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
# espeak-ng, opus-tools: `truyxuat guidance_audio` voices the guidance lessons' drafts (issue 25); not needed by tests
for pkg in espeak-ng opus-tools; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
# wrk: the benchmarks' HTTP load (bench/epcis_http.py), with `make bench` (this script's argument "bench")
if [ "${1:-}" = "bench" ]; then
  dpkg -s wrk >/dev/null 2>&1 || need+=(wrk)
fi
# node and npm run GS1's epcis2.js SDK against a live server (events/tests/test_epcis2js.py); checked by command, as
# a NodeSource nodejs (which bundles npm) serves as well as Debian's nodejs and npm
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  need+=(nodejs npm)
fi
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
