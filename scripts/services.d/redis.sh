#!/usr/bin/env bash
# Starts redis-server on loopback for the storage tests (storage/redis). No persistence: the
# tests make their own keys and clean them up. Idempotent.
#
#   MTGO_REDIS_ADDR=127.0.0.1:41379
set -uo pipefail
run=/tmp/mtgo-redis
port=41379
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if listening "$port"; then
	echo "redis: already on 127.0.0.1:$port"
	echo "MTGO_REDIS_ADDR=127.0.0.1:$port"
	exit 0
fi
bin=$(command -v redis-server || { [ -x /usr/bin/redis-server ] && echo /usr/bin/redis-server; })
if [ -z "$bin" ]; then
	echo "redis: redis-server not installed (apt install redis-server)" >&2
	[ -n "${MTGO_CI:-}" ] && exit 1
	exit 0
fi
mkdir -p "$run"
setsid "$bin" --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$run" >"$run/redis.out" 2>&1 </dev/null &
for _ in $(seq 1 50); do
	if listening "$port"; then
		echo "redis: on 127.0.0.1:$port"
		echo "MTGO_REDIS_ADDR=127.0.0.1:$port"
		exit 0
	fi
	sleep 0.1
done
echo "redis: did not start (see $run/redis.out)" >&2
[ -n "${MTGO_CI:-}" ] && exit 1
exit 0
