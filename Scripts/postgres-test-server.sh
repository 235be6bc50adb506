#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster on loopback for the tests: initdb into DIR, a free port, a fresh
# password for the role "evidence" (scram-sha-256; no trust), byte-order collation as SQLite has.
#
#   Scripts/postgres-test-server.sh start DIR [OWNER_PID]   prints postgres://evidence:PASSWORD@127.0.0.1:PORT/postgres?sslmode=disable
#   Scripts/postgres-test-server.sh stop DIR
#
# With OWNER_PID, the cluster stops by itself once that process has gone, and DIR is removed. Needs Debian's
# postgresql package (Scripts/test.sh installs it); run as root, the cluster runs as the postgres user.
set -euo pipefail

usage() { echo "usage: $0 start DIR [OWNER_PID] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
command=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_cluster() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
}

case "$command" in
stop)
  stop_cluster
  ;;
start)
  [ -n "$bin" ] || { echo "postgres-test-server: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 3; }
  owner=${3:-}
  mkdir -p "$dir"
  stop_cluster
  rm -rf "$dir/data"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  printf '%s\n' "$password" > "$dir/password"
  chmod 600 "$dir/password"
  if [ "$(id -u)" = 0 ]; then chown -R postgres "$dir"; fi
  as_postgres "$bin/initdb" -D "$dir/data" -U evidence --pwfile="$dir/password" --auth=scram-sha-256 \
    --locale=C --encoding=UTF8 >"$dir/initdb.log" 2>&1
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c max_connections=200" start >/dev/null
  if [ -n "$owner" ]; then
    # Stops the cluster and removes DIR once the owner has gone (a killed test process leaves nothing behind).
    nohup bash -c "while kill -0 $owner 2>/dev/null; do sleep 1; done; '$0' stop '$dir'; rm -rf '$dir'" >/dev/null 2>&1 &
  fi
  echo "postgres://evidence:$password@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
*)
  usage
  ;;
esac
