#!/usr/bin/env bash
# make demo: one information-request round of a Veiligheidshuis, end to end.
#
# Starts its own gateway (fresh data and keys in a temporary directory, the
# example covenant and certificates) and the example partner system
# build/vhgate-partner, runs one briefing round for three synthetic subjects
# (the made-up persons of examples/partner/persons.json) in which suppliers
# answer three ways: over the mutual-TLS API (push), by the gateway asking
# politie's system (https-pull, mutual TLS), and by a CSV export that
# gemeente-leiden drops in its directory (file-drop). Shows
# side by side what the police, a municipality and an ad hoc housing
# corporation (before and after signing its declaration) see; that the
# municipality is asked about and shown only its residents; that a second
# employee of the housing corporation sees nothing until they sign
# themselves; switches to the client-present phase, closes the meeting, prints the access report for one
# subject and the result of `vhgate audit verify`, and stops everything it
# started (also on failure or Ctrl-C). Before the meeting, notifications come
# in (om's ZSM report, politie's arrest, DJI's detention notice), the
# coordinator sees that the person is already known and puts politie's
# notification on the briefing's agenda; after it, politie hears the decision
# on its notification, the case has its follow-up plan and a factsheet of
# counts is printed.
#
# Environment: BUILD (default build), KEEP=1 keeps the temporary directory.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${BUILD:-build}"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
VHGATE="$BUILD/vhgate"
PARTNER="$BUILD/vhgate-partner"
JS="$BUILD/vh-demo-json"
CERTS="$ROOT/build/certs"
COVENANT="$ROOT/examples/convenant.json"
PERSONS="$ROOT/examples/partner/persons.json"

for f in "$VHGATE" "$PARTNER" "$JS" "$CERTS/ca.crt" "$CERTS/partner-server.crt" "$CERTS/gateway-client.crt"; do
  [ -e "$f" ] || { echo "demo: $f is missing (run make build certs)" >&2; exit 1; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vhgate-demo.XXXXXX")"
GW_PID=""
PARTNER_PID=""
# stop PID: TERM, up to 10 s, then KILL
stop() {
  local pid="$1"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop "$GW_PID"
  stop "$PARTNER_PID"
  if [ "${KEEP:-0}" = 1 ]; then
    echo "demo: kept $WORK"
  else
    rm -rf "$WORK"
  fi
  [ $rc -eq 0 ] || echo "demo: FAILED (exit $rc); gateway and partner logs were in $WORK (KEEP=1 keeps them)" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# The example partner system: politie's "own" system, answering the
# gateway's https-pull requests from synthetic persons in its own field names.
# It accepts only clients of the house (the gateway's client certificate).
"$PARTNER" --listen 127.0.0.1:0 --port-file "$WORK/partner.port" \
  --cert "$CERTS/partner-server.crt" --key "$CERTS/partner-server.key" \
  --ca "$CERTS/ca.crt" --client-o veiligheidshuis-hm \
  --data "$PERSONS" --answer all >"$WORK/partner.log" 2>&1 &
PARTNER_PID=$!
PARTNER_PORT=""
for _ in $(seq 1 150); do
  PARTNER_PORT="$(cat "$WORK/partner.port" 2>/dev/null | tr -dc 0-9 || true)"
  [ -n "$PARTNER_PORT" ] && break
  kill -0 "$PARTNER_PID" 2>/dev/null || { cat "$WORK/partner.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$PARTNER_PORT" ] || { echo "demo: vhgate-partner did not start" >&2; cat "$WORK/partner.log" >&2; exit 1; }

DROP="$WORK/drop/gemeente-leiden"
cat > "$WORK/gateway.json" <<EOF
{
  "listen": "127.0.0.1:0",
  "metrics_listen": "127.0.0.1:0",
  "policy": "$COVENANT",
  "data_dir": "$WORK/data",
  "keys_dir": "$WORK/keys",
  "tls": {"cert": "$CERTS/server.crt", "key": "$CERTS/server.key",
          "client_ca": "$CERTS/ca.crt", "crl": "$CERTS/crl.pem"},
  "retention": {"sweep_seconds": 3600},
  "audit": {"checkpoint_every": 25, "checkpoint_seconds": 5},
  "adapters": [
    {"partner": "politie", "kind": "https-pull",
     "url": "https://127.0.0.1:$PARTNER_PORT/vhgate/answer",
     "ca": "$CERTS/ca.crt", "cert": "$CERTS/gateway-client.crt", "key": "$CERTS/gateway-client.key",
     "mapping": {"bsn": "persoon.bsn", "bekend": "casus.bekend_bij_partner",
                 "antecedenten": "leefgebied.delictgeschiedenis", "reden": "casus.reden_melding",
                 "toezicht": "justitie.lopend_toezicht"},
     "timeout_ms": 3000, "retries": 2, "interval_seconds": 1},
    {"partner": "gemeente-leiden", "kind": "file-drop",
     "dir": "$DROP", "format": "csv", "delimiter": ";",
     "mapping": {"BSN": "persoon.bsn", "Bekend": "casus.bekend_bij_partner",
                 "Uitkering": "gemeente.uitkering", "Schuldhulp": "gemeente.schuldhulp",
                 "Wmo": "gemeente.wmo_voorziening"},
     "settle_seconds": 1, "poll_seconds": 1}
  ]
}
EOF

say "1. keys, partner system and gateway"
echo "partner system (politie, https-pull) pid $PARTNER_PID on https://127.0.0.1:$PARTNER_PORT (mutual TLS; only the house's client certificate)"
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

# The made-up persons of examples/partner/persons.json (pass the 11-proef; no real data).
BSN1=201079197; BSN2=201158383; BSN3=201237581
TODAY="$(date -u +%Y-%m-%d)"

say "1b. before the meeting: notifications, and what the house already knows"
# notify IDENTITY BODY -> the notification's id
notify() { local id; id="$(call "$1" POST /v1/notifications "$2" | "$JS" get /id)"; expect 201; echo "$id"; }
IDENT1='{"persoon.naam": "Demo Persoon Een", "persoon.geboortedatum": "1994-05-17", "persoon.bsn": "'$BSN1'"}'
ZSM="$(notify om.participant '{"identity": '"$IDENT1"', "category": "aanhouding", "reason": "ZSM-beoordeling na winkeldiefstal (synthetisch)", "municipality": "Leiden"}')"
CASE="$(call "$COORD" POST "/v1/notifications/$ZSM/triage" '{"decision": "agenderen", "overlegvorm": "briefing"}' | "$JS" get /case)"; expect 200
echo "earlier, om (ZSM) notified S1 and the coordinator put it on the briefing's agenda: case $CASE"
NOTE="$(notify politie.participant '{"identity": '"$IDENT1"', "category": "aanhouding", "reason": "aanhouding na overlast in de wijk (synthetisch)", "municipality": "Leiden"}')"
echo "today politie reports an arrest of S1: notification $NOTE, status $(call politie.participant GET "/v1/notifications/$NOTE" | "$JS" get /status)"
echo "om's ZSM coordinator checks whether S1 is discussed in the house (POST /v1/check, the BSN in the body): $(call om.participant POST /v1/check '{"bsn": "'$BSN1'"}')"
echo "the coordinator's list of new notifications shows what is already known (by the BSN's pseudonym):"
call "$COORD" GET '/v1/notifications?status=new' >"$WORK/notifications.json"; expect 200
echo "  $NOTE from $("$JS" ids /notifications id "$NOTE" partner <"$WORK/notifications.json"): matches $("$JS" ids /notifications id "$NOTE" matches <"$WORK/notifications.json")"
call "$COORD" POST "/v1/notifications/$NOTE/triage" '{"decision": "agenderen", "case": "'$CASE'"}' >/dev/null; expect 200
echo "triaged: agenderen, into case $CASE (matches are shown, never merged by themselves)"
RELEASE="$(date -u -d '+4 months' +%Y-%m-%d)"
DJI="$(notify dji.supplier '{"identity": {"persoon.naam": "Demo Persoon Drie", "persoon.geboortedatum": "2001-01-30", "persoon.bsn": "'$BSN3'"}, "category": "detentie", "reason": "detentie, voorlopige invrijheidstelling bekend (synthetisch)", "municipality": "Leiden", "release_date": "'$RELEASE'"}')"
call gemeente-leiden.participant GET /v1/cases >"$WORK/leiden-cases.json"; expect 200
echo "DJI reports S3's detention with its release date ($RELEASE): a nazorg case for the municipality of residence"
echo "  gemeente-leiden's participant sees: $("$JS" each /cases kind 20 <"$WORK/leiden-cases.json" | sed 's/^- //' | paste -sd' ' -) case routed to $("$JS" each /cases routed_to 40 <"$WORK/leiden-cases.json" | sed 's/^- //' | paste -sd' ' -), due item $("$JS" each /cases follow_up 200 <"$WORK/leiden-cases.json" | sed 's/^- //')"
echo "  gemeente-alphen's participant sees: $("$JS" get /cases <<<"$(call gemeente-alphen.participant GET /v1/cases)")"

say "2. the coordinator schedules a briefing for three synthetic subjects"
MEETING_BODY=$(cat <<EOF
{"overlegvorm": "briefing", "title": "Briefing (demo)",
 "starts_at": "${TODAY}T08:00:00Z", "ends_at": "$(date -u -d '+1 day' +%Y-%m-%d)T17:00:00Z",
 "ad_hoc": ["woningcorporatie"],
 "subjects": [
  {"ref": "S1", "municipality": "Leiden", "case": "$CASE", "identity": {"persoon.naam": "Demo Persoon Een", "persoon.geboortedatum": "1994-05-17", "persoon.bsn": "$BSN1"}, "reason": "aanhouding, overlast (synthetisch)"},
  {"ref": "S2", "municipality": "Gouda", "identity": {"persoon.naam": "Demo Persoon Twee", "persoon.geboortedatum": "1987-11-02", "persoon.bsn": "$BSN2"}, "reason": "ZSM-melding (synthetisch)"},
  {"ref": "S3", "municipality": "Leiden", "identity": {"persoon.naam": "Demo Persoon Drie", "persoon.geboortedatum": "2001-01-30", "persoon.bsn": "$BSN3"}, "reason": "melding wijkteam (synthetisch)"}]}
EOF
)
MEETING="$(call "$COORD" POST /v1/meetings "$MEETING_BODY" | "$JS" get /id)"; expect 201
echo "meeting $MEETING (briefing), 3 subjects (S1 and S3 live in Leiden, S2 in Gouda), ad hoc: woningcorporatie; S1 is discussed for case $CASE; BSNs are the made-up ones of examples/partner/persons.json"

say "3. information requests to every partner the covenant lets supply"
call "$COORD" POST "/v1/meetings/$MEETING/requests" "{\"deadline\": \"$(date -u -d '+1 day' +%Y-%m-%d)T07:00:00Z\"}" >"$WORK/requests.json"; expect 201
echo "$(grep -o '"id":"r-' "$WORK/requests.json" | wc -l) requests (one per supplier and subject), e.g. politie is asked for:"
"$JS" ids /requests supplier politie fields <"$WORK/requests.json" | head -1
# refs SUPPLIER -> the subjects it is asked about, on one line
refs() { "$JS" ids /requests supplier "$1" subject <"$WORK/requests.json" | paste -sd' ' -; }
ALPHEN="$(refs gemeente-alphen)"
echo "the gemeenten are asked about their residents only: gemeente-leiden about $(refs gemeente-leiden), gemeente-gouda about $(refs gemeente-gouda), gemeente-alphen about ${ALPHEN:-nobody}"

say "4. suppliers answer: push (API), https-pull (politie's system), file-drop (gemeente-leiden's export)"
echo "push: the suppliers' own API clients answer with their supplier certificates"
# answer SUPPLIER SUBJECT FIELDS-JSON
answer() {
  local sup="$1" ref="$2" fields="$3" rid
  rid="$(call "$sup.supplier" GET '/v1/requests?status=open' | "$JS" ids /requests subject "$ref" id | head -1)"
  [ -n "$rid" ] || { echo "demo: no open request for $sup about $ref" >&2; exit 1; }
  local out; out="$(call "$sup.supplier" PUT "/v1/requests/$rid/answer" "{\"fields\": $fields}")"; expect 200
  printf '  %-17s %s: accepted %s withheld %s\n' "$sup" "$ref" "$("$JS" get /accepted <<<"$out")" "$("$JS" get /withheld <<<"$out")"
}
answer om S1 '{"casus.bekend_bij_partner": true, "justitie.lopende_zaak": true}'
answer reclassering S1 '{"casus.bekend_bij_partner": true, "justitie.lopend_toezicht": true, "zorg.diagnose": "niet aan reclassering (synthetisch)"}'
answer veilig-thuis S2 '{"casus.bekend_bij_partner": true, "zorg.veilig_thuis_lopend": true}'
answer woningcorporatie S1 '{"casus.bekend_bij_partner": true, "wonen.dreigende_uitzetting": true, "wonen.huurachterstand": true}'
OM_S2="$(call om.supplier GET '/v1/requests?status=open' | "$JS" ids /requests subject S2 id | head -1)"
call om.supplier POST "/v1/requests/$OM_S2/decline" '{"reason": "geen grondslag voor verstrekking (synthetisch)", "code": "geen_grondslag"}' >/dev/null; expect 200
echo "  om                S2: declined"

echo "https-pull: the gateway itself sends politie's open requests to politie's system (nobody at politie types anything)"
echo "file-drop: gemeente-leiden's Werk & Inkomen export arrives as a CSV in its own column names (written, then renamed)"
mkdir -p "$DROP"
cat >"$DROP/.w-i-export.csv" <<EOF
BSN;Bekend;Uitkering;Schuldhulp;Wmo
$BSN1;ja;ja;ja;nee
$BSN3;ja;nee;nee;ja
EOF
mv "$DROP/.w-i-export.csv" "$DROP/w-i-export.csv"
sed 's/^/  | /' "$DROP/w-i-export.csv"

# answered SUPPLIER -> number of this meeting's requests of SUPPLIER answered
answered() { call "$1.supplier" GET '/v1/requests?status=answered' | "$JS" ids /requests meeting "$MEETING" id | wc -l; }
echo "waiting (at most 30 s) for the adapters' answers..."
POL=0; GEM=0
for _ in $(seq 1 60); do
  POL="$(answered politie)"; GEM="$(answered gemeente-leiden)"
  [ "$POL" -ge 3 ] && [ "$GEM" -ge 2 ] && [ -e "$DROP/done/w-i-export.csv" ] && break
  sleep 0.5
done
if [ "$POL" -lt 3 ] || [ "$GEM" -lt 2 ] || [ ! -e "$DROP/done/w-i-export.csv" ]; then
  echo "demo: adapters did not answer in 30 s (politie answered $POL of 3, gemeente-leiden $GEM of 2)" >&2
  ls -lR "$DROP" >&2 || true
  cat "$DROP"/rejected/*.error.txt >&2 2>/dev/null || true
  tail -20 "$WORK/gateway.log" >&2
  exit 1
fi
echo "  politie           answered $POL of 3 requests by https-pull"
echo "  gemeente-leiden   answered $GEM requests (S1, S3) by file-drop; the file is now in $(basename "$DROP")/done/: $(ls "$DROP/done" | grep -v warnings | tr '\n' ' ')"


echo
echo "how each answer came in, from the audit log (answer_received and field_withheld events of this meeting):"
call veiligheidshuis-hm.privacy-officer GET "/v1/audit/events?meeting=$MEETING&type=answer_received&limit=200" >"$WORK/answers.json"; expect 200
call veiligheidshuis-hm.privacy-officer GET "/v1/audit/events?meeting=$MEETING&type=field_withheld&limit=200" >"$WORK/withheld.json"; expect 200
"$JS" each /events detail 300 <"$WORK/withheld.json" | grep -o 'r-[0-9a-f]*' >"$WORK/withheld.req" || true
"$JS" each /events fields 5000 <"$WORK/withheld.json" >"$WORK/withheld.fields" || true
names() { grep -o "\"decision\":\"$1\",\"field\":\"[^\"]*\"" | sed 's/.*"field":"//; s/"$//' | sort -u | paste -sd, - | sed 's/,/, /g'; }
printf '  %-17s %-4s %-11s %-7s %s\n' supplier ref way stored "withheld (not stored; audited)"
paste -d'\t' <("$JS" each /events detail 300 <"$WORK/answers.json" | grep -o 'r-[0-9a-f]*') \
              <("$JS" each /events actor 1000 <"$WORK/answers.json") \
              <("$JS" each /events fields 5000 <"$WORK/answers.json") |
while IFS=$'\t' read -r rid actor fields; do
  sup="$("$JS" ids /requests id "$rid" supplier <"$WORK/requests.json")"
  ref="$("$JS" ids /requests id "$rid" subject <"$WORK/requests.json")"
  case "$actor" in
    *'"cn":"adapter:https-pull'*) way=https-pull ;;
    *'"cn":"adapter:file-drop'*)  way=file-drop ;;
    *)                            way="push (API)" ;;
  esac
  acc="$(names accepted <<<"$fields" | tr ',' '\n' | grep -c . || true)"
  wh="$(paste -d'\t' "$WORK/withheld.req" "$WORK/withheld.fields" | grep "^$rid"$'\t' | names withheld || true)"
  printf '  %-17s %-4s %-11s %-7s %s\n' "$sup" "$ref" "$way" "$acc" "${wh:--}"
done
echo "  (stored = number of fields accepted; the audit log names each answer's source: the supplier's"
echo "   certificate for push, politie's URL for https-pull, file-drop:w-i-export.csv for file-drop)"

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
echo
echo "gemeente-leiden's dossier and meeting list only its residents: $("$JS" each /subjects ref 10 <"$WORK/gemeente.json" | sed 's/^- //' | paste -sd' ' -) (S2 lives in Gouda)"

say "5b. a second employee of the housing corporation: nothing until they sign themselves"
call woningcorporatie.participant-2 GET "/v1/meetings/$MEETING/dossier" >/dev/null; expect 403
echo "Wijkconsulent-L views the dossier: HTTP $(status) $(cat "$WORK/body")"
echo "and reads of the meeting only: $(call woningcorporatie.participant-2 GET "/v1/meetings/$MEETING")"
call woningcorporatie.participant-2 POST "/v1/meetings/$MEETING/declarations" "{\"text_sha256\": \"$DECL_HASH\"}" >/dev/null; expect 201
call woningcorporatie.participant-2 GET "/v1/meetings/$MEETING/dossier" >"$WORK/woco-2.json"; expect 200
echo "after signing (the signature binds CN, certificate and text): HTTP 200, $("$JS" each /subjects ref 10 <"$WORK/woco-2.json" | wc -l) subjects, the same view as Wijkconsulent-D's: $(cmp -s "$WORK/woco-2.json" "$WORK/woco-after.json" && echo yes || echo no)"

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

say "7b. after the meeting: the notifier hears the decision, the case is followed up"
echo "politie reads its notification (the feedback, nothing else): $(call politie.participant GET "/v1/notifications/$NOTE")"
call om.supplier GET "/v1/notifications/$NOTE" >/dev/null; expect 403
echo "om reads politie's notification: HTTP $(status) $(cat "$WORK/body") (audited)"
call "$COORD" POST "/v1/cases/$CASE/holder" '{"case_holder": "reclassering"}' >"$WORK/case.json"; expect 200
echo "case $CASE: decision $("$JS" each /outcomes decision 20 <"$WORK/case.json" | sed 's/^- //'), case holder $("$JS" get /case_holder <"$WORK/case.json"), follow-up moments:"
"$JS" each /follow_up due 20 <"$WORK/case.json" | paste -d' ' - <("$JS" each /follow_up kind 20 <"$WORK/case.json" | sed 's/^- //') <("$JS" each /follow_up state 20 <"$WORK/case.json" | sed 's/^- //') | sed 's/^/  /'
echo "om's ZSM check now names the case holder: $(call om.participant POST /v1/check '{"bsn": "'$BSN1'"}')"

say "7c. the municipal factsheet: counts, never names (vhgate stats)"
"$VHGATE" stats --config "$WORK/gateway.json" --from "$TODAY" --to "$TODAY" --format md | sed -n '1,/^## Casussen gesloten/p' | sed '$d'

say "8. access report (AVG art. 15) for subject S1, as the house's privacy officer"
call veiligheidshuis-hm.privacy-officer GET "/v1/audit/report?bsn=$BSN1" >"$WORK/report.json"; expect 200
echo "$("$JS" get /entries <"$WORK/report.json" | grep -o '"seq"' | wc -l) entries; in plain Dutch:"
"$JS" each /entries text 230 <"$WORK/report.json"
echo "(BSN in the report file: $(grep -c "$BSN1" "$WORK/report.json" || true) times; in the gateway log: $(grep -c "$BSN1" "$WORK/gateway.log" || true) times)"

say "9. audit verify"
call veiligheidshuis-hm.privacy-officer GET /v1/audit/verify; echo
"$VHGATE" audit verify --config "$WORK/gateway.json" && echo "vhgate audit verify: exit 0 (intact)"
"$VHGATE" retention run --config "$WORK/gateway.json"

say "10. stopping the gateway and the partner system"
kill -TERM "$GW_PID"
wait "$GW_PID" && echo "gateway exited 0"
GW_PID=""
stop "$PARTNER_PID"; PARTNER_PID=""
echo "partner system stopped"
echo "demo finished"
