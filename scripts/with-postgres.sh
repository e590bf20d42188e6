#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server on a free loopback port, then stops and removes it.
#   scripts/with-postgres.sh <command…>     (the command sees TRUYXUAT_DATABASE_URL)
# Durability is off for speed (tests); TRUYXUAT_PG_DURABLE=1 keeps PostgreSQL's defaults (fsync, synchronous
# commit, full page writes) for benchmarks that claim durable commits.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$(mktemp -d /tmp/truyxuat-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${TRUYXUAT_PG_DURABLE:-0}" = "1" ] && fast=""
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $fast" >/dev/null
"$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -q -c 'create database truyxuat' >/dev/null
echo "postgresql: running on 127.0.0.1:$port${fast:+ (fsync off)}"
export TRUYXUAT_DATABASE_URL="postgres://postgres@127.0.0.1:$port/truyxuat"
"$@"
