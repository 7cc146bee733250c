# Extension enumeration against a real registrar (Debian kamailio) on
# loopback: with per-user answers (404 for unknown users) sipprobe finds
# exactly the existing extensions; with uniform answers it reports that
# enumeration is not possible (no false positives). An IPS persona in the
# lab goes silent mid-way: enumeration stops early with a note.
source "$(dirname "$0")/lib.sh"
need kamailio
need jq
PORT=25067

start_kamailio() { # start_kamailio CONFIG
    sed "s/LISTEN/127.0.0.2:$PORT/" "$SP_SOURCE_DIR/tests/peers/$1" >"$WORK/k.cfg"
    run_kamailio "$WORK/k.cfg" 127.0.0.2 $PORT
}
stop_kamailio() {
    kill "$KAM_PID"
    wait "$KAM_PID" 2>/dev/null || true
}

# 1. Unknown users get 404: enumeration finds exactly 100, 101, 150 and alice.
start_kamailio kamailio-registrar.cfg
"$SIPPROBE" -q -m OPTIONS,REGISTER --extensions 100-199,alice,bob,2000 --rate 2000 --wait 1000 \
    -f ndjson 127.0.0.2:$PORT >"$WORK/k1.ndjson"
expect_eq "$(jq -r '.fingerprint.product' "$WORK/k1.ndjson")" Kamailio "kamailio fingerprint"
expect_eq "$(jq -r '.replies[] | select(.method == "REGISTER") | "\(.status) \(.challenged) \(.realm)"' "$WORK/k1.ndjson")" \
    "401 true 127.0.0.2" "auth required: 401 with a challenge and realm"
expect_eq "$(jq -r '[.findings[].id] | index("register-without-auth")' "$WORK/k1.ndjson")" null "no register-without-auth"
expect_eq "$(jq -r '.enumeration.possible' "$WORK/k1.ndjson")" true "enumeration possible"
expect_eq "$(jq -r '.enumeration.baseline_status' "$WORK/k1.ndjson")" 404 "baseline answer"
expect_eq "$(jq -r '.enumeration.extensions | join(",")' "$WORK/k1.ndjson")" "100,101,150,alice" "existing extensions"
expect_eq "$(jq -r '.enumeration.tried' "$WORK/k1.ndjson")" 103 "extensions tried"
expect_eq "$(jq -r '.findings[] | select(.id == "extension-enumeration") | .severity' "$WORK/k1.ndjson")" medium "finding"
jq -e '.findings[] | select(.id == "extension-enumeration") | .evidence | index("100 -> 401")' "$WORK/k1.ndjson" >/dev/null ||
    fail "evidence lacks '100 -> 401'"
stop_kamailio

# 2. Every user challenged alike: no enumeration finding, and a clear note.
start_kamailio kamailio-uniform.cfg
"$SIPPROBE" -q -m OPTIONS,REGISTER --extensions 100-199,alice --rate 2000 --wait 1000 \
    -f ndjson 127.0.0.2:$PORT >"$WORK/k2.ndjson"
expect_eq "$(jq -r '.enumeration.possible' "$WORK/k2.ndjson")" false "uniform answers: not possible"
expect_eq "$(jq -r '.enumeration.extensions | length' "$WORK/k2.ndjson")" 0 "uniform answers: no extensions"
expect_eq "$(jq -r '[.findings[].id] | index("extension-enumeration")' "$WORK/k2.ndjson")" null "no false positive"
jq -r '.enumeration.note' "$WORK/k2.ndjson" | grep -q "same answer" || fail "note: $(jq -r .enumeration.note "$WORK/k2.ndjson")"
stop_kamailio

# 3. A server that goes silent after 30 answers (an IPS): stop early, say so.
echo "127.0.14.1 kamailio max-answers=30" >"$WORK/lab.conf"
start_lab "$WORK/lab.conf" $((PORT + 1))
"$SIPPROBE" -q --ports $((PORT + 1)) --extensions 100-499 --rate 100 --wait 500 --retries 0 \
    -f ndjson 127.0.14.1 >"$WORK/k3.ndjson"
note=$(jq -r '.enumeration.note' "$WORK/k3.ndjson")
case "$note" in
*"stopped answering"*) ;;
*) fail "no early stop: $note" ;;
esac
sent=$(echo "$note" | sed -n 's/.*stopped after \([0-9]*\) probes.*/\1/p')
[ -n "$sent" ] && [ "$sent" -lt 400 ] || fail "did not stop early: $note"
echo "PASS"
