#!/usr/bin/env bash
# Starts nginx with the RTMP module on loopback for the live-streaming tests.
# Idempotent: a port that already answers is left alone. Logs and recordings go to /tmp.
#
#   MTGO_RTMP_ADDR=127.0.0.1:41935        rtmp://$MTGO_RTMP_ADDR/live/<key>
#   MTGO_RTMP_RECORD_DIR=/tmp/mtgo-rtmp/rec  <key>.flv recordings of what was published
set -uo pipefail
. "$(dirname "$0")/../services-lib.sh"
cd "$(dirname "$0")/../.."
run=/tmp/mtgo-rtmp
mkdir -p "$run/rec" "$run/tmp"
chmod -R 777 "$run"

vars() {
	echo "MTGO_RTMP_ADDR=127.0.0.1:41935"
	echo "MTGO_RTMP_RECORD_DIR=$run/rec"
}

if listening 41935; then
	echo "nginx-rtmp: already on 127.0.0.1:41935"
	vars
	exit 0
fi
nginx=$(find_bin nginx)
module=/usr/lib/nginx/modules/ngx_rtmp_module.so
[ -n "$nginx" ] && [ -e "$module" ] || give_up "nginx-rtmp: nginx or libnginx-mod-rtmp not installed"
sed -e "s#@RUN@#$run#g" -e "s#@MODULE@#$module#g" scripts/services.d/nginx-rtmp.conf > "$run/nginx.conf"
setsid "$nginx" -c "$run/nginx.conf" -p "$run" >"$run/nginx.out" 2>&1 </dev/null &
wait_listening 41935 41936 || give_up "nginx-rtmp: did not start (see $run/nginx.out, $run/error.log)"
echo "nginx-rtmp: on 127.0.0.1:41935"
vars
