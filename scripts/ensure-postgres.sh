#!/usr/bin/env bash
# Makes a PostgreSQL server reachable for the test suite and prints its URL on stdout.
# Uses $KOPPEL_TEST_PG_URL when that server answers; otherwise installs Debian's postgresql package if
# needed and starts a throwaway cluster on a non-default port with its data in a temporary folder.
set -euo pipefail
log() { echo "[ensure-postgres] $*" >&2; }

if [ -n "${KOPPEL_TEST_PG_URL:-}" ] && psql "$KOPPEL_TEST_PG_URL" -Atqc 'select 1' >/dev/null 2>&1; then
  echo "$KOPPEL_TEST_PG_URL"
  exit 0
fi

PORT="${KOPPEL_TEST_PG_PORT:-54329}"
URL="postgres://koppel@127.0.0.1:${PORT}/koppel_test"
if psql "$URL" -Atqc 'select 1' >/dev/null 2>&1; then
  echo "$URL"
  exit 0
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ]; then
  log "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

datadir=$(mktemp -d /tmp/koppel-pg.XXXXXX)
# initdb refuses to run as root, so the cluster belongs to the postgres system user.
chown postgres:postgres "$datadir"
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
run "$bindir/initdb -D $datadir -U postgres --auth=trust -E UTF8 >/dev/null"
run "$bindir/pg_ctl -D $datadir -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on' -l $datadir/server.log -w start >/dev/null"
psql "postgres://postgres@127.0.0.1:${PORT}/postgres" -qc "create role koppel login superuser" >/dev/null
psql "postgres://postgres@127.0.0.1:${PORT}/postgres" -qc "create database koppel_test owner koppel" >/dev/null
log "started PostgreSQL on port $PORT (data in $datadir)"
echo "$URL"
