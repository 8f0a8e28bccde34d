#!/usr/bin/env bash
# make demo: one information-request round of a Veiligheidshuis, end to end.
#
# Starts its own gateway (fresh data and keys in a temporary directory, the
# example covenant and certificates), runs one briefing round for three
# synthetic subjects with suppliers answering over the mutual-TLS API, shows
# side by side what the police, a municipality and an ad hoc housing
# corporation (before and after signing its declaration) see, switches to the
# client-present phase, closes the meeting, prints the access report for one
# subject and the result of `vhgate audit verify`, and stops everything it
# started (also on failure or Ctrl-C).
#
# Environment: BUILD (default build), KEEP=1 keeps the temporary directory.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${BUILD:-build}"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
VHGATE="$BUILD/vhgate"
JS="$BUILD/vh-demo-json"
CERTS="$ROOT/build/certs"
COVENANT_SRC="$ROOT/examples/convenant.json"

for f in "$VHGATE" "$JS" "$CERTS/ca.crt"; do
  [ -e "$f" ] || { echo "demo: $f is missing (run make build certs)" >&2; exit 1; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vhgate-demo.XXXXXX")"
GW_PID=""
cleanup() {
  local rc=$?
  if [ -n "$GW_PID" ] && kill -0 "$GW_PID" 2>/dev/null; then
    kill -TERM "$GW_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$GW_PID" 2>/dev/null || true
    wait "$GW_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    echo "demo: kept $WORK"
  else
    rm -rf "$WORK"
  fi
  [ $rc -eq 0 ] || echo "demo: FAILED (exit $rc); gateway log was in $WORK/gateway.log" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# A made-up BSN that passes the 11-proef (synthetic persons only).
synthetic_bsn() {
  local n d i sum
  while :; do
    n="$(( (RANDOM % 9) + 1 ))"
    for i in 1 2 3 4 5 6 7 8; do n="$n$(( RANDOM % 10 ))"; done
    sum=0
    for i in 0 1 2 3 4 5 6 7; do d="${n:$i:1}"; sum=$(( sum + d * (9 - i) )); done
    sum=$(( sum - ${n:8:1} ))
    if [ $(( sum % 11 )) -eq 0 ]; then echo "$n"; return; fi
  done
}

# The example covenant. When an example certificate carries another OIN
# than the covenant gives its partner, the demo's copy follows the
# certificate and says so (a known mismatch between certs-example and
# examples/convenant.json; the gateway refuses such certificates).
COVENANT="$WORK/convenant.json"
cp "$COVENANT_SRC" "$COVENANT"
for cert in "$CERTS"/*.crt; do
  subj="$(openssl x509 -in "$cert" -noout -subject -nameopt sep_multiline,sname 2>/dev/null || true)"
  org="$(printf '%s\n' "$subj" | sed -n 's/^ *O=//p' | head -1)"
  oin="$(printf '%s\n' "$subj" | sed -n 's/^ *serialNumber=//p' | head -1)"
  [ -n "$org" ] && [ -n "$oin" ] || continue
  cov_oin="$(grep -o "\"id\": \"$org\"[^}]*\"oin\": \"[0-9]*\"" "$COVENANT" | grep -o '"oin": "[0-9]*"' | grep -o '[0-9]\{5,\}' || true)"
  if [ -n "$cov_oin" ] && [ "$cov_oin" != "$oin" ]; then
    sed -i "s/\"oin\": \"$cov_oin\"/\"oin\": \"$oin\"/" "$COVENANT"
    echo "note: $org: example certificate OIN $oin differs from the covenant's $cov_oin; the demo's covenant copy follows the certificate"
  fi
done

cat > "$WORK/gateway.json" <<EOF
{
  "listen": "127.0.0.1:0",
  "metrics_listen": "127.0.0.1:0",
  "policy": "$COVENANT",
  "data_dir": "$WORK/data",
  "keys_dir": "$WORK/keys",
  "tls": {"cert": "$CERTS/server.crt", "key": "$CERTS/server.key",
          "client_ca": "$CERTS/ca.crt", "crl": "$CERTS/crl.pem"},
  "retention": {"sweep_seconds": 3600}
}
EOF

say "1. keys and gateway"
"$VHGATE" keys init --config "$WORK/gateway.json"
"$VHGATE" serve --config "$WORK/gateway.json" 2>"$WORK/gateway.log" &
GW_PID=$!
PORT=""
for _ in $(seq 1 150); do
  PORT="$(grep -o '"listen":"127.0.0.1:[0-9]*"' "$WORK/gateway.log" 2>/dev/null | head -1 | grep -o '[0-9]*"$' | tr -d '"' || true)"
  [ -n "$PORT" ] && break
  kill -0 "$GW_PID" 2>/dev/null || { cat "$WORK/gateway.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$PORT" ] || { echo "demo: gateway did not start" >&2; cat "$WORK/gateway.log" >&2; exit 1; }
echo "gateway pid $GW_PID listening on https://localhost:$PORT (mutual TLS)"

# call IDENTITY METHOD PATH [BODY] -> body on stdout, HTTP status in $WORK/status
call() {
  local id="$1" method="$2" path="$3" body="${4:-}"
  local args=(-sS -o "$WORK/body" -w '%{http_code}' --cacert "$CERTS/ca.crt"
              --cert "$CERTS/$id.crt" --key "$CERTS/$id.key" -X "$method"
              --resolve "localhost:$PORT:127.0.0.1" "https://localhost:$PORT$path")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  curl "${args[@]}" >"$WORK/status" || echo 000 >"$WORK/status"
  cat "$WORK/body"
}
status() { cat "$WORK/status"; }
expect() {
  if [ "$(status)" != "$1" ]; then
    echo "demo: expected HTTP $1, got $(status): $(cat "$WORK/body")" >&2
    exit 1
  fi
}

COORD=veiligheidshuis-hm.coordinator
call "$COORD" GET /v1/health >/dev/null; expect 200
echo "covenant in force: $(call "$COORD" GET /v1/health | "$JS" get /convenant/id) $(call "$COORD" GET /v1/health | "$JS" get /convenant/version)"

say "2. the coordinator schedules a briefing for three synthetic subjects"
BSN1="$(synthetic_bsn)"; BSN2="$(synthetic_bsn)"; BSN3="$(synthetic_bsn)"
TODAY="$(date -u +%Y-%m-%d)"
MEETING_BODY=$(cat <<EOF
{"overlegvorm": "briefing", "title": "Briefing (demo)",
 "starts_at": "${TODAY}T08:00:00Z", "ends_at": "$(date -u -d '+1 day' +%Y-%m-%d)T17:00:00Z",
 "ad_hoc": ["woningcorporatie"],
 "subjects": [
  {"ref": "S1", "identity": {"persoon.naam": "Demo Persoon Een", "persoon.geboortedatum": "1994-05-17", "persoon.bsn": "$BSN1"}, "reason": "aanhouding, overlast (synthetisch)"},
  {"ref": "S2", "identity": {"persoon.naam": "Demo Persoon Twee", "persoon.geboortedatum": "1987-11-02", "persoon.bsn": "$BSN2"}, "reason": "ZSM-melding (synthetisch)"},
  {"ref": "S3", "identity": {"persoon.naam": "Demo Persoon Drie", "persoon.geboortedatum": "2001-01-30", "persoon.bsn": "$BSN3"}, "reason": "melding wijkteam (synthetisch)"}]}
EOF
)
MEETING="$(call "$COORD" POST /v1/meetings "$MEETING_BODY" | "$JS" get /id)"; expect 201
echo "meeting $MEETING (briefing), 3 subjects, ad hoc: woningcorporatie; BSNs are made up and pass the 11-proef"

say "3. information requests to every partner the covenant lets supply"
call "$COORD" POST "/v1/meetings/$MEETING/requests" "{\"deadline\": \"$(date -u -d '+1 day' +%Y-%m-%d)T07:00:00Z\"}" >"$WORK/requests.json"; expect 201
echo "$(grep -o '"id":"r-' "$WORK/requests.json" | wc -l) requests (one per supplier and subject), e.g. politie is asked for:"
"$JS" ids /requests supplier politie fields <"$WORK/requests.json" | head -1

say "4. suppliers answer over the API"
# answer SUPPLIER SUBJECT FIELDS-JSON
answer() {
  local sup="$1" ref="$2" fields="$3" rid
  rid="$(call "$sup.supplier" GET '/v1/requests?status=open' | "$JS" ids /requests subject "$ref" id | while read -r id; do
           grep -q "$MEETING" <<<"$(call "$sup.supplier" GET '/v1/requests?status=open')" && echo "$id"; done | head -1)"
  [ -n "$rid" ] || { echo "demo: no open request for $sup about $ref" >&2; exit 1; }
  local out; out="$(call "$sup.supplier" PUT "/v1/requests/$rid/answer" "{\"fields\": $fields}")"; expect 200
  printf '%-17s %s: accepted %s withheld %s\n' "$sup" "$ref" "$("$JS" get /accepted <<<"$out")" "$("$JS" get /withheld <<<"$out")"
}
answer politie S1 '{"casus.bekend_bij_partner": true, "leefgebied.delictgeschiedenis": "2021 winkeldiefstal, 2023 vernieling (synthetisch)", "casus.reden_melding": "aanhouding 12-11 (synthetisch)", "zorg.diagnose": "niet aan politie"}'
answer politie S2 '{"casus.bekend_bij_partner": false}'
answer politie S3 '{"casus.bekend_bij_partner": true, "leefgebied.delictgeschiedenis": "2024 bedreiging (synthetisch)"}'
answer om S1 '{"casus.bekend_bij_partner": true, "justitie.lopende_zaak": true}'
answer reclassering S1 '{"casus.bekend_bij_partner": true, "justitie.lopend_toezicht": true}'
answer gemeente-leiden S1 '{"casus.bekend_bij_partner": true, "gemeente.schuldhulp": true, "gemeente.uitkering": true}'
answer gemeente-leiden S3 '{"casus.bekend_bij_partner": true, "gemeente.wmo_voorziening": true}'
answer veilig-thuis S2 '{"casus.bekend_bij_partner": true, "zorg.veilig_thuis_lopend": true}'
answer woningcorporatie S1 '{"casus.bekend_bij_partner": true, "wonen.dreigende_uitzetting": true, "wonen.huurachterstand": true}'
OM_S2="$(call om.supplier GET '/v1/requests?status=open' | "$JS" ids /requests subject S2 id | head -1)"
call om.supplier POST "/v1/requests/$OM_S2/decline" '{"reason": "geen grondslag voor verstrekking (synthetisch)"}' >/dev/null; expect 200
echo "om               S2: declined"

say "5. what each participant sees (client absent)"
call politie.participant GET "/v1/meetings/$MEETING/dossier" >"$WORK/politie.json"; expect 200
call gemeente-leiden.participant GET "/v1/meetings/$MEETING/dossier" >"$WORK/gemeente.json"; expect 200
call woningcorporatie.participant GET "/v1/meetings/$MEETING/dossier" >"$WORK/woco-before.json"; expect 403
DECL_HASH="$(call woningcorporatie.participant GET "/v1/meetings/$MEETING/declaration" | "$JS" get /text_sha256)"; expect 200
call woningcorporatie.participant POST "/v1/meetings/$MEETING/declarations" "{\"text_sha256\": \"$DECL_HASH\"}" >/dev/null; expect 201
echo "woningcorporatie signed the confidentiality declaration (sha256 ${DECL_HASH:0:16}...)"
call woningcorporatie.participant GET "/v1/meetings/$MEETING/dossier" >"$WORK/woco-after.json"; expect 200
echo
"$JS" table politie="$WORK/politie.json" gemeente-leiden="$WORK/gemeente.json" \
  "woningcorp. (unsigned)"="$WORK/woco-before.json" "woningcorp. (signed)"="$WORK/woco-after.json"

say "6. the client joins the table: fields with client:false disappear"
call "$COORD" PUT "/v1/meetings/$MEETING/phase" '{"client_present": true}' >/dev/null; expect 200
call politie.participant GET "/v1/meetings/$MEETING/dossier" >"$WORK/politie-client.json"; expect 200
"$JS" table "politie, client absent"="$WORK/politie.json" "politie, client present"="$WORK/politie-client.json"

say "7. the meeting closes with outcomes"
call "$COORD" POST "/v1/meetings/$MEETING/close" '{"outcomes": [{"subject": "S1", "decision": "focus"}, {"subject": "S2", "decision": "bilateraal"}, {"subject": "S3", "decision": "monitoren"}]}' >"$WORK/close.json"; expect 200
echo "closed; retention until $("$JS" get /retention_until <"$WORK/close.json")"
call politie.participant GET "/v1/meetings/$MEETING/dossier" >/dev/null
echo "politie views the dossier after closing: HTTP $(status) $(cat "$WORK/body")"
LATE="$(call reclassering.supplier GET '/v1/requests?status=answered' | "$JS" ids /requests subject S1 id | head -1 || true)"

say "8. access report (AVG art. 15) for subject S1, as the house's privacy officer"
call veiligheidshuis-hm.privacy-officer GET "/v1/audit/report?bsn=$BSN1" >"$WORK/report.json"; expect 200
echo "$("$JS" get /entries <"$WORK/report.json" | grep -o '"seq"' | wc -l) entries; in plain Dutch:"
"$JS" each /entries text 230 <"$WORK/report.json"
echo "(BSN in the report file: $(grep -c "$BSN1" "$WORK/report.json" || true) times; in the gateway log: $(grep -c "$BSN1" "$WORK/gateway.log" || true) times)"

say "9. audit verify"
call veiligheidshuis-hm.privacy-officer GET /v1/audit/verify; echo
"$VHGATE" audit verify --config "$WORK/gateway.json" && echo "vhgate audit verify: exit 0 (intact)"
"$VHGATE" retention run --config "$WORK/gateway.json"

say "10. stopping the gateway"
kill -TERM "$GW_PID"
wait "$GW_PID" && echo "gateway exited 0"
GW_PID=""
echo "demo finished"
