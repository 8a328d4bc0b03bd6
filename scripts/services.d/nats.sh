#!/usr/bin/env bash
# Starts nats-server with JetStream on loopback for the update fan-out tests. Idempotent.
#
#   MTGO_NATS_URL=nats://127.0.0.1:41422
set -uo pipefail
. "$(dirname "$0")/../services-lib.sh"
run=/tmp/mtgo-nats
port=41422
vars() { echo "MTGO_NATS_URL=nats://127.0.0.1:$port"; }
if listening "$port"; then
	echo "nats: already on 127.0.0.1:$port"
	vars
	exit 0
fi
bin=$(find_bin nats-server) || give_up "nats: nats-server not installed (apt install nats-server)"
mkdir -p "$run"
setsid "$bin" -a 127.0.0.1 -p "$port" -js -sd "$run/js" >"$run/nats.out" 2>&1 </dev/null &
wait_listening "$port" || give_up "nats: did not start (see $run/nats.out)"
echo "nats: on 127.0.0.1:$port"
vars
