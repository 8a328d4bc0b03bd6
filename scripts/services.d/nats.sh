#!/usr/bin/env bash
# Starts nats-server with JetStream on loopback for the update fan-out tests. Idempotent.
#
#   MTGO_NATS_URL=nats://127.0.0.1:41422
set -uo pipefail
run=/tmp/mtgo-nats
port=41422
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if listening "$port"; then
	echo "nats: already on 127.0.0.1:$port"
	echo "MTGO_NATS_URL=nats://127.0.0.1:$port"
	exit 0
fi
bin=$(command -v nats-server || { [ -x /usr/sbin/nats-server ] && echo /usr/sbin/nats-server; })
if [ -z "$bin" ]; then
	echo "nats: nats-server not installed (apt install nats-server)" >&2
	[ -n "${MTGO_CI:-}" ] && exit 1
	exit 0
fi
mkdir -p "$run"
setsid "$bin" -a 127.0.0.1 -p "$port" -js -sd "$run/js" >"$run/nats.out" 2>&1 </dev/null &
for _ in $(seq 1 50); do
	if listening "$port"; then
		echo "nats: on 127.0.0.1:$port"
		echo "MTGO_NATS_URL=nats://127.0.0.1:$port"
		exit 0
	fi
	sleep 0.1
done
echo "nats: did not start (see $run/nats.out)" >&2
[ -n "${MTGO_CI:-}" ] && exit 1
exit 0
