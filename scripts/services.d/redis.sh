#!/usr/bin/env bash
# Starts redis-server on loopback for the storage tests (storage/redis). No persistence: the
# tests make their own keys and clean them up. Idempotent.
#
#   MTGO_REDIS_ADDR=127.0.0.1:41379
set -uo pipefail
. "$(dirname "$0")/../services-lib.sh"
run=/tmp/mtgo-redis
port=41379
vars() { echo "MTGO_REDIS_ADDR=127.0.0.1:$port"; }
if listening "$port"; then
	echo "redis: already on 127.0.0.1:$port"
	vars
	exit 0
fi
bin=$(find_bin redis-server) || give_up "redis: redis-server not installed (apt install redis-server)"
mkdir -p "$run"
setsid "$bin" --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$run" >"$run/redis.out" 2>&1 </dev/null &
wait_listening "$port" || give_up "redis: did not start (see $run/redis.out)"
echo "redis: on 127.0.0.1:$port"
vars
