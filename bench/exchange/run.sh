#!/usr/bin/env bash
# Dossier views per second over mutual TLS with keep-alive, policy and durable
# audit included, next to nginx serving the same response
# body statically with the same TLS settings, in the same run.
#
# Set-up through the API: a briefing of 20 synthetic subjects, requests to 10
# suppliers, every supplier answering all of its requests (the gemeenten see
# their residents only: the subjects live in Leiden and Alphen
# aan den Rijn in turn, so each gemeente answers half of them). Then the load
# generator reads GET /v1/meetings/{id}/dossier as politie.participant at
# CONNS connections (default 50) for SECS seconds (default 10); every view
# writes its dossier_disclosed event (one per view, a part per subject)
# durably before the body leaves. Targets: >= 0.5x nginx's requests per
# second; p99 <= 20 ms. The gateway runs its default number of I/O threads
# (one per core; GATEWAY_THREADS overrides): a view waiting for its audit
# commit holds no thread. REPEAT=n runs the pair n times (alternating which
# server goes first) and reports every ratio and their median: the machine is
# shared and noisy.
source "$(dirname "$0")/../lib.sh"
CONNS=${CONNS:-50}
SECS=${SECS:-10}
SUBJECTS=${SUBJECTS:-20}
REPEAT=${REPEAT:-1}
GW_PORT=${GW_PORT:-18453}; NGINX_PORT=${NGINX_PORT:-18454}; M_PORT=${M_PORT:-18455}
JS="$BUILD/vh-demo-json"
for f in "$BUILD/vhgate" "$BUILD/vhgate-loadgen" "$JS"; do
  [ -x "$f" ] || { echo "bench/exchange: $f missing (make bench builds it)" >&2; exit 1; }
done

COV="$ROOT/examples/convenant.json"

# Ten supplier identities: the example ones plus two signed here with the
# example intermediate CA (ggd and halt have none in certs-example).
CERTDIR="$BENCH_TMP/certs"
mkdir -p "$CERTDIR"
cp "$CERTS"/*.supplier.* "$CERTS"/politie.participant.* "$CERTS"/veiligheidshuis-hm.coordinator.* "$CERTDIR"/
printf 'extendedKeyUsage = clientAuth\nkeyUsage = critical, digitalSignature\n' > "$BENCH_TMP/client.ext"
for p in ggd halt; do
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$CERTDIR/$p.supplier.key" 2>/dev/null
  openssl req -new -key "$CERTDIR/$p.supplier.key" -subj "/C=NL/O=$p/OU=supplier/CN=$p-bench" \
    -out "$BENCH_TMP/$p.csr" 2>/dev/null
  openssl x509 -req -in "$BENCH_TMP/$p.csr" -CA "$CERTS/intermediate.crt" -CAkey "$CERTS/intermediate.key" \
    -CAcreateserial -CAserial "$BENCH_TMP/ica.srl" -days 2 -extfile "$BENCH_TMP/client.ext" \
    -out "$CERTDIR/$p.supplier.crt" 2>/dev/null
done
SUPPLIERS=(politie om reclassering dji ggz veilig-thuis gemeente-leiden gemeente-alphen ggd halt)

cat > "$BENCH_TMP/gateway.json" <<JSON
{"listen": "127.0.0.1:$GW_PORT", "metrics_listen": "127.0.0.1:$M_PORT",
 "policy": "$COV", "data_dir": "$BENCH_TMP/data", "keys_dir": "$BENCH_TMP/keys",
 "tls": {"cert": "$CERTS/server.crt", "key": "$CERTS/server.key", "client_ca": "$CERTS/ca.crt", "crl": "$CERTS/crl.pem"},
 "threads": ${GATEWAY_THREADS:-0}}
JSON
"$BUILD/vhgate" keys init --config "$BENCH_TMP/gateway.json" >/dev/null
"$BUILD/vhgate" serve --config "$BENCH_TMP/gateway.json" 2>"$BENCH_TMP/gateway.log" &
PIDS+=($!)
for _ in $(seq 100); do grep -q '"listening"' "$BENCH_TMP/gateway.log" 2>/dev/null && break; sleep 0.1; done
grep -q '"listening"' "$BENCH_TMP/gateway.log" || { cat "$BENCH_TMP/gateway.log" >&2; exit 1; }

URL="https://localhost:$GW_PORT"
api() {  # IDENTITY METHOD PATH [BODY]
  local id=$1 method=$2 path=$3
  shift 3
  curl -sS --cacert "$CERTS/ca.crt" --cert "$CERTDIR/$id.crt" --key "$CERTDIR/$id.key" -X "$method" \
    -H 'Content-Type: application/json' "$URL$path" ${1:+--data-binary "$1"}
}
synthetic_bsn() {
  local n d i sum
  while :; do
    n="$(( (RANDOM % 9) + 1 ))"
    for i in 1 2 3 4 5 6 7 8; do n="$n$(( RANDOM % 10 ))"; done
    sum=0
    for i in 0 1 2 3 4 5 6 7; do d="${n:$i:1}"; sum=$(( sum + d * (9 - i) )); done
    sum=$(( sum - ${n:8:1} ))
    [ $(( sum % 11 )) -eq 0 ] && { echo "$n"; return; }
  done
}

subjects=""
for i in $(seq 1 "$SUBJECTS"); do
  [ -n "$subjects" ] && subjects="$subjects,"
  subjects="$subjects{\"ref\": \"B$i\", \"municipality\": \"$( (( i % 2 )) && echo Leiden || echo 'Alphen aan den Rijn')\", \"identity\": {\"persoon.naam\": \"Bench Persoon $i\", \"persoon.geboortedatum\": \"19$(( 60 + i % 40 ))-0$(( 1 + i % 9 ))-1$(( i % 10 ))\", \"persoon.bsn\": \"$(synthetic_bsn)\"}, \"reason\": \"benchmark (synthetisch)\"}"
done
TODAY=$(date -u +%Y-%m-%d)
MEETING=$(api veiligheidshuis-hm.coordinator POST /v1/meetings \
  "{\"overlegvorm\": \"briefing\", \"title\": \"bench\", \"starts_at\": \"${TODAY}T00:00:00Z\", \"ends_at\": \"$(date -u -d '+1 day' +%Y-%m-%d)T23:00:00Z\", \"subjects\": [$subjects]}" | "$JS" get /id)
sup_json=$(printf '"%s",' "${SUPPLIERS[@]}"); sup_json="[${sup_json%,}]"
api veiligheidshuis-hm.coordinator POST "/v1/meetings/$MEETING/requests" \
  "{\"deadline\": \"$(date -u -d '+2 day' +%Y-%m-%d)T00:00:00Z\", \"suppliers\": $sup_json}" > "$BENCH_TMP/requests.json"
echo "set-up: meeting $MEETING, $SUBJECTS subjects, $(grep -o '"id":"r-' "$BENCH_TMP/requests.json" | wc -l) requests to ${#SUPPLIERS[@]} suppliers"

answers=0
for sup in "${SUPPLIERS[@]}"; do
  api "$sup.supplier" GET '/v1/requests?status=open' > "$BENCH_TMP/open.json"
  for rid in $("$JS" ids /requests meeting "$MEETING" id < "$BENCH_TMP/open.json"); do
    fields=$("$JS" ids /requests id "$rid" fields < "$BENCH_TMP/open.json")
    body=""
    for f in $(echo "$fields" | tr -d '[]"' | tr ',' ' '); do
      case "$f" in
        casus.reden_melding|leefgebied.*) v='"synthetische tekst voor de benchmark"' ;;
        *) v=true ;;
      esac
      [ -n "$body" ] && body="$body,"
      body="$body\"$f\": $v"
    done
    api "$sup.supplier" PUT "/v1/requests/$rid/answer" "{\"fields\": {$body}}" > /dev/null
    answers=$((answers + 1))
  done
done
echo "set-up: $answers answers received"

api politie.participant GET "/v1/meetings/$MEETING/dossier" > "$BENCH_TMP/dossier.json"
echo "dossier for politie: $(wc -c < "$BENCH_TMP/dossier.json") bytes, $(grep -o '"from"' "$BENCH_TMP/dossier.json" | wc -l) values shown"
for _ in 1 2 3; do
  curl -s -o /dev/null -w 'one view, new connection: %{time_total}s (TLS %{time_appconnect}s)\n' --cacert "$CERTS/ca.crt" \
    --cert "$CERTS/politie.participant.crt" --key "$CERTS/politie.participant.key" "$URL/v1/meetings/$MEETING/dossier"
done
# A dossier is larger than the 4 KiB nginx `return` can hold: nginx serves it as a file.
start_nginx $NGINX_PORT "$BENCH_TMP/dossier.json" file
nginx_bytes=$(curl -s --cacert "$CERTS/ca.crt" --cert "$CERTS/politie.participant.crt" --key "$CERTS/politie.participant.key" "https://localhost:$NGINX_PORT/v1/meetings/$MEETING/dossier" | wc -c)
echo "nginx serves the same $nginx_bytes bytes"

path="/v1/meetings/$MEETING/dossier"
ratios=(); p99s=()
for ((i = 0; i < REPEAT; i++)); do
  if ((i % 2 == 0)); then
    g=$(loadgen vhgate $GW_PORT keepalive "$CONNS" "$SECS" politie.participant "$path")
    n=$(loadgen nginx $NGINX_PORT keepalive "$CONNS" "$SECS" politie.participant "$path")
  else
    n=$(loadgen nginx $NGINX_PORT keepalive "$CONNS" "$SECS" politie.participant "$path")
    g=$(loadgen vhgate $GW_PORT keepalive "$CONNS" "$SECS" politie.participant "$path")
  fi
  echo "$g"
  echo "$n"
  ratios+=("$(ratio "$g" "$n" rps)")
  p99s+=("$(echo "$g" | sed -E 's/.*"p99_ms":([0-9.]+).*/\1/')")
done
sorted=($(printf '%s\n' "${ratios[@]}" | sort -n))
echo "dossier keepalive, $CONNS connections: vhgate/nginx requests per second = ${sorted[*]} (median ${sorted[$((REPEAT / 2))]}; target >= 0.5); vhgate p99 = ${p99s[*]} ms (target <= 20)"
