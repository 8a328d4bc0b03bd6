#!/usr/bin/env bash
# Starts the real proxy daemons the transport tests dial through, on fixed
# loopback ports. Idempotent: a port that already answers is left alone.
# Configs come from transport/testdata/; logs and pid files go to /tmp.
#
#   MTGO_SOCKS5_ADDR=127.0.0.1:41080       microsocks, no auth
#   MTGO_SOCKS5_AUTH_ADDR=127.0.0.1:41081  microsocks, user mtgo / pass mtgo-pass
#   MTGO_DANTE_ADDR=127.0.0.1:41082        danted: SOCKS4, 4a and 5, no auth
#   MTGO_HTTP_PROXY_ADDR=127.0.0.1:41083   tinyproxy, HTTP CONNECT
#   MTGO_HTTP_PROXY_AUTH_ADDR=127.0.0.1:41084  tinyproxy, basic auth mtgo / mtgo-pass
#
# The tests use those addresses by default; the variables override them.
set -uo pipefail
. "$(dirname "$0")/../services-lib.sh"
cd "$(dirname "$0")/../.."
td=transport/testdata
run=/tmp/mtgo-proxies
mkdir -p "$run"
chmod 755 "$run"

failed=0
start() { # port name command...
	local port=$1 name=$2; shift 2
	if listening "$port"; then
		echo "proxies: $name already on 127.0.0.1:$port"
		return 0
	fi
	if [ -z "$(find_bin "$1")" ]; then
		echo "proxies: $1 not installed, $name not started" >&2
		failed=1
		return 0
	fi
	setsid "$@" >"$run/$name.out" 2>&1 < /dev/null &
	if ! wait_listening "$port"; then
		echo "proxies: $name did not start on port $port (see $run/$name.out)" >&2
		failed=1
	fi
	echo "proxies: $name on 127.0.0.1:$port"
}

start 41080 microsocks microsocks -i 127.0.0.1 -p 41080
start 41081 microsocks-auth microsocks -i 127.0.0.1 -p 41081 -u mtgo -P mtgo-pass
start 41082 danted "$(find_bin danted || echo danted)" -f "$td/danted.conf" -p "$run/danted.pid"
sed "s#@RUN@#$run#g" "$td/tinyproxy.conf" > "$run/tinyproxy.conf"
sed "s#@RUN@#$run#g" "$td/tinyproxy-auth.conf" > "$run/tinyproxy-auth.conf"
chown nobody "$run" 2>/dev/null || true
start 41083 tinyproxy tinyproxy -d -c "$run/tinyproxy.conf"
start 41084 tinyproxy-auth tinyproxy -d -c "$run/tinyproxy-auth.conf"

cat <<VARS
MTGO_SOCKS5_ADDR=127.0.0.1:41080
MTGO_SOCKS5_AUTH_ADDR=127.0.0.1:41081
MTGO_DANTE_ADDR=127.0.0.1:41082
MTGO_HTTP_PROXY_ADDR=127.0.0.1:41083
MTGO_HTTP_PROXY_AUTH_ADDR=127.0.0.1:41084
VARS
if [ "$failed" -ne 0 ] && [ -n "${MTGO_CI:-}" ]; then
	echo "proxies: some proxies failed to start" >&2
	exit 1
fi
exit 0
