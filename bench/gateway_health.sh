#!/usr/bin/env bash
# The gateway core against nginx: GET /v1/health over mutual TLS, keep-alive
# and full handshakes, same certificate, same client verification, same body
# size, one after the other on this machine. Prints both and the ratio.
source "$(dirname "$0")/lib.sh"
CONNS=${CONNS:-50}
SECS=${SECS:-10}
GW_PORT=18443; NGINX_PORT=18444
start_gateway $GW_PORT 18445
curl_as politie.participant GET "https://localhost:$GW_PORT/v1/health" > "$BENCH_TMP/health.json"
start_nginx $NGINX_PORT "$BENCH_TMP/health.json"
echo "body: $(wc -c < "$BENCH_TMP/health.json") bytes from each server"
for mode in keepalive handshake; do
  g=$(loadgen vhgate $GW_PORT $mode "$CONNS" "$SECS" politie.participant /v1/health)
  n=$(loadgen nginx $NGINX_PORT $mode "$CONNS" "$SECS" politie.participant /v1/health)
  echo "$g"
  echo "$n"
  echo "health $mode: vhgate/nginx requests per second = $(ratio "$g" "$n" rps) (target >= 0.8)"
done
