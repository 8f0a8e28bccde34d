# Shared helpers for the benchmark scripts (source it). Loopback only.
#   BUILD      build directory with vhgate and vhgate-loadgen
#   CERTS      example PKI (build/certs)
#   BENCH_TMP  scratch directory, removed on exit
#   LOADGEN    load generator binary (default: $BUILD/vhgate-loadgen)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench}
CERTS=${CERTS:-$ROOT/build/certs}
BENCH_TMP=${BENCH_TMP:-$(mktemp -d /tmp/vhgate-bench.XXXXXX)}
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$BENCH_TMP"
}
trap cleanup EXIT

# start_gateway PORT METRICS_PORT: a gateway on the example covenant, fresh keys and data.
start_gateway() {
  local port=$1 mport=$2 cfg=$BENCH_TMP/gateway.json
  cat > "$cfg" <<JSON
{"listen": "127.0.0.1:$port", "metrics_listen": "127.0.0.1:$mport",
 "policy": "$ROOT/examples/convenant.json", "data_dir": "$BENCH_TMP/data", "keys_dir": "$BENCH_TMP/keys",
 "tls": {"cert": "$CERTS/server.crt", "key": "$CERTS/server.key", "client_ca": "$CERTS/ca.crt", "crl": "$CERTS/crl.pem"},
 "threads": ${GATEWAY_THREADS:-0}}
JSON
  "$BUILD/vhgate" keys init --config "$cfg" >/dev/null 2>&1 || true
  "$BUILD/vhgate" serve --config "$cfg" 2>"$BENCH_TMP/gateway.log" &
  PIDS+=($!)
  for _ in $(seq 100); do
    grep -q '"listening"' "$BENCH_TMP/gateway.log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "gateway did not start:" >&2; cat "$BENCH_TMP/gateway.log" >&2; return 1
}

# start_nginx PORT BODY_FILE [return|file]: nginx with the same certificate,
# the same client certificate verification (CA bundle + CRL) and TLS settings,
# answering every request with the body of BODY_FILE as application/json:
# from its configuration (`return`, the default; nginx caps that at 4 KiB) or
# as a static file (`file`, for larger bodies).
start_nginx() {
  local port=$1 body_file=$2 mode=${3:-return} conf=$BENCH_TMP/nginx.conf
  mkdir -p "$BENCH_TMP/nginx/www"
  local location
  if [ "$mode" = file ]; then
    cp "$body_file" "$BENCH_TMP/nginx/www/body.json"
    # nginx's workers run as an unprivileged user: let them reach the file
    # (traverse only; keys and data keep their own modes).
    chmod 711 "$BENCH_TMP" "$BENCH_TMP/nginx"
    chmod 755 "$BENCH_TMP/nginx/www"
    chmod 644 "$BENCH_TMP/nginx/www/body.json"
    location="root $BENCH_TMP/nginx/www; try_files /body.json =404;"
  else
    location="return 200 '$(sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g" "$body_file")';"
  fi
  cat > "$conf" <<NGINX
worker_processes auto;
error_log $BENCH_TMP/nginx/error.log warn;
pid $BENCH_TMP/nginx/nginx.pid;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $BENCH_TMP/nginx/body;
  keepalive_requests 1000000;
  keepalive_timeout 30s;
  open_file_cache max=16;
  server {
    listen 127.0.0.1:$port ssl;
    ssl_certificate $CERTS/server.crt;
    ssl_certificate_key $CERTS/server.key;
    ssl_client_certificate $CERTS/ca.crt;
    ssl_crl $CERTS/crl.pem;
    ssl_verify_client on;
    ssl_verify_depth 4;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256;
    ssl_prefer_server_ciphers on;
    ssl_ecdh_curve X25519:prime256v1:secp384r1;
    ssl_session_tickets off;
    location / {
      default_type application/json;
      $location
    }
  }
}
NGINX
  nginx -c "$conf" -p "$BENCH_TMP/nginx" &
  PIDS+=($!)
  for _ in $(seq 50); do
    (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nginx did not start" >&2; cat "$BENCH_TMP/nginx/error.log" >&2; return 1
}

# loadgen LABEL PORT MODE CONNECTIONS SECONDS IDENTITY [PATH] [extra args]
loadgen() {
  local label=$1 port=$2 mode=$3 conns=$4 secs=$5 id=$6 path=${7:-/v1/health}
  shift 7 || shift $#
  "${LOADGEN:-$BUILD/vhgate-loadgen}" --label "$label" --port "$port" --mode "$mode" \
    --connections "$conns" --duration "$secs" --path "$path" \
    --cert "$CERTS/$id.crt" --key "$CERTS/$id.key" --ca "$CERTS/ca.crt" "$@"
}

# ratio JSON_A JSON_B FIELD: prints A.FIELD / B.FIELD
ratio() {
  local a b
  a=$(echo "$1" | sed -E "s/.*\"$3\":([0-9.]+).*/\1/")
  b=$(echo "$2" | sed -E "s/.*\"$3\":([0-9.]+).*/\1/")
  awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

# curl_as IDENTITY METHOD URL [DATA]
curl_as() {
  local id=$1 method=$2 url=$3
  shift 3
  curl -s --cacert "$CERTS/ca.crt" --cert "$CERTS/$id.crt" --key "$CERTS/$id.key" -X "$method" \
    -H 'Content-Type: application/json' "$url" "$@"
}
