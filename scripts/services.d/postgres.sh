#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the storage tests (storage/postgres).
# Idempotent: a port that already answers is left alone. Data, logs and the socket go to /tmp.
#
#   MTGO_POSTGRES_URL=postgres://mtgo@127.0.0.1:41432/mtgo?sslmode=disable
set -uo pipefail
. "$(dirname "$0")/../services-lib.sh"
run=/tmp/mtgo-postgres
port=41432
url="postgres://mtgo@127.0.0.1:$port/mtgo?sslmode=disable"

fail() { give_up "postgres: $*"; }

if listening "$port"; then
	echo "postgres: already on 127.0.0.1:$port"
	echo "MTGO_POSTGRES_URL=$url"
	exit 0
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] && [ -x "$bin/initdb" ] || fail "PostgreSQL server not installed (apt install postgresql)"

# initdb and postgres refuse to run as root: use the postgres account when we are root.
as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$run"
[ "$(id -u)" -eq 0 ] && chown postgres "$run"
if [ ! -s "$run/data/PG_VERSION" ]; then
	as "$bin/initdb" -D "$run/data" -U postgres -A trust --no-sync >"$run/initdb.out" 2>&1 || fail "initdb failed (see $run/initdb.out)"
fi
setsid bash -c "$(declare -f as); as '$bin/postgres' -D '$run/data' -c listen_addresses=127.0.0.1 -p $port -k '$run' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
	>"$run/postgres.out" 2>&1 </dev/null &
WAIT_TRIES=100 wait_listening "$port" || fail "did not start (see $run/postgres.out)"
for _ in $(seq 1 50); do
	as "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "select 1" >/dev/null 2>&1 && break
	sleep 0.1
done
as "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "select 1 from pg_roles where rolname='mtgo'" | grep -q 1 ||
	as "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "create role mtgo login superuser" || fail "create role failed"
as "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "select 1 from pg_database where datname='mtgo'" | grep -q 1 ||
	as "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "create database mtgo owner mtgo" || fail "create database failed"
echo "postgres: on 127.0.0.1:$port"
echo "MTGO_POSTGRES_URL=$url"
