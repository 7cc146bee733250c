# A scan of 1024 loopback addresses across 127.0.0.0/16 and ::1, of which 302 answer
# as different products: every answering persona is found with the right
# fields, nothing is invented, and every output format agrees.
source "$(dirname "$0")/lib.sh"
need jq
PORT=25061

cat >"$WORK/lab.conf" <<CONF
127.0.10.0/24              asterisk
127.0.20.1-127.0.20.40     kamailio
127.0.30.7                 open-registrar
127.0.30.8                 hidden-asterisk
127.0.30.9                 nat-pbx  reply-from=127.0.30.250
127.0.30.10                bt-homehub5
127.0.30.11                yealink-t46s
127.0.40.0/26              silent
::1                        freepbx
CONF
start_lab "$WORK/lab.conf" $PORT

set +e
"$SIPPROBE" -q --ports $PORT -m OPTIONS,REGISTER --rate 20000 --wait 1000 --fail-on critical \
    -o "$WORK/out.ndjson" -o "$WORK/out.json" -o "$WORK/out.csv" -o "$WORK/out.txt" \
    127.0.10.0/24 127.0.20.0/24 127.0.30.0/24 127.0.40.0/24 ::1
status=$?
set -e
expect_eq "$status" 1 "exit status with a critical finding and --fail-on critical"

N="$WORK/out.ndjson"
expect_eq "$(wc -l <"$N")" 302 "services in ndjson"
expect_eq "$(jq -s 'length' "$WORK/out.json" >/dev/null && jq '.services | length' "$WORK/out.json")" 302 "services in json"
expect_eq "$(($(wc -l <"$WORK/out.csv") - 1))" 302 "rows in csv"
grep -q '^302 services, ' "$WORK/out.txt" || fail "text summary: $(tail -1 "$WORK/out.txt")"

# Exactly the expected hosts, no more.
{
    for i in $(seq 0 255); do echo "127.0.10.$i"; done
    for i in $(seq 1 40); do echo "127.0.20.$i"; done
    for i in 7 8 9 10 11; do echo "127.0.30.$i"; done
    echo "::1"
} | sort >"$WORK/expected"
jq -r .host "$N" | sort >"$WORK/found"
diff -u "$WORK/expected" "$WORK/found" || fail "found hosts differ from the lab"

# Fields per persona.
q() { jq -r "select(.host == \"$1\") | $2" "$N"; }
expect_eq "$(q 127.0.10.77 '.fingerprint.product + " " + .fingerprint.version')" "Asterisk 18.10.0" "asterisk fingerprint"
expect_eq "$(q 127.0.10.77 '[.replies[] | "\(.method)=\(.status)"] | join(",")')" "OPTIONS=200,REGISTER=401" "asterisk replies"
expect_eq "$(q 127.0.10.77 '.replies[1].realm')" "asterisk" "asterisk realm"
expect_eq "$(q 127.0.10.77 '.server')" "Asterisk PBX 18.10.0" "asterisk server"
expect_eq "$(q 127.0.10.77 '.allow | length')" 13 "asterisk allow"
expect_eq "$(q 127.0.10.77 '.transport + " " + (.port|tostring)')" "udp $PORT" "transport and port"
expect_eq "$(q 127.0.10.77 '.responder')" "127.0.10.77:$PORT" "responder"
expect_eq "$(q 127.0.20.5 '.fingerprint.product + " " + .fingerprint.version')" "Kamailio 5.6.3" "kamailio fingerprint"
expect_eq "$(q 127.0.30.7 '[.findings[].id] | index("register-without-auth") != null')" true "open registrar finding"
expect_eq "$(q 127.0.30.7 '.max_severity')" critical "open registrar severity"
expect_eq "$(q 127.0.30.8 '.fingerprint.product')" Asterisk "hidden UA fingerprint from To-tag"
expect_eq "$(q 127.0.30.8 '.fingerprint.version')" null "hidden UA has no version"
expect_eq "$(q 127.0.30.8 '[.findings[].id] | index("version-disclosure")')" null "hidden UA: no version disclosure"
expect_eq "$(q 127.0.30.9 '.responder')" "127.0.30.250:$PORT" "nat responder"
expect_eq "$(q 127.0.30.9 '.responder_differs')" true "nat responder differs"
expect_eq "$(q 127.0.30.9 '[.findings[].id] | index("responder-mismatch") != null')" true "responder-mismatch finding"
expect_eq "$(q 127.0.30.10 '.fingerprint.product')" "BT Home Hub" "BT Home Hub fingerprint"
expect_eq "$(q 127.0.30.11 '.user_agent')" "Yealink SIP-T46S 66.85.0.5" "yealink UA"
expect_eq "$(q ::1 '.fingerprint.product + " " + .responder')" "FreePBX [::1]:$PORT" "IPv6 service"
expect_eq "$(jq -s '[.[] | select(.host | startswith("127.0.40."))] | length' "$N")" 0 "silent hosts reported"
expect_eq "$(jq -s '[.[] | .findings[] | select(.id == "register-without-auth")] | length' "$N")" 1 "register-without-auth count"
expect_eq "$(jq -r '.summary.services' "$WORK/out.json")" 302 "json summary services"
expect_eq "$(jq -r '.summary.max_severity' "$WORK/out.json")" critical "json summary max severity"
# json's services are sorted by address; ndjson holds the same set.
diff <(jq -r '.services[].host' "$WORK/out.json" | sort) "$WORK/found" || fail "json and ndjson differ"

# On one core there is no record thread (the output thread parses the
# replies too): the same records come out.
if command -v taskset >/dev/null; then
    taskset -c 0 "$SIPPROBE" -q --ports $PORT -m OPTIONS,REGISTER --rate 20000 --wait 1000 -f ndjson \
        127.0.10.0/24 127.0.20.0/24 127.0.30.0/24 127.0.40.0/24 ::1 >"$WORK/one-core.ndjson" || true
    proj='[.host, .responder, ([.replies[] | "\(.method)=\(.status) \(.reason)"] | join(",")),
           .fingerprint.product, .fingerprint.version, ([.findings[].id] | join(",")), .max_severity] | @tsv'
    diff <(jq -r "$proj" "$N" | sort) <(jq -r "$proj" "$WORK/one-core.ndjson" | sort) >"$WORK/cores.diff" ||
        fail "one core and two give different records: $(head -5 "$WORK/cores.diff")"
fi

# A path narrower than a probe: IPv4 probes go out with Don't Fragment, so a
# 600-byte one (a 200-character user agent) over a 576-byte MTU is refused by
# the kernel; sipprobe lets it fragment instead and the service is found.
# In a network namespace of its own, whose loopback has that MTU.
if [ "$(id -u)" = 0 ] && unshare --net true 2>/dev/null; then
    cat >"$WORK/mtu.sh" <<'NS'
set -e
ip link set lo up
ip link set lo mtu 576
"$SIPPROBE_LAB" --config "$WORK/mtu.conf" --personas "$SP_SOURCE_DIR/fixtures/personas" --port "$PORT" \
    --max-seconds 20 --ready-file "$WORK/mtu.ready" 2>"$WORK/mtu.lab" &
lab=$!
for _ in $(seq 50); do [ -s "$WORK/mtu.ready" ] && break; sleep 0.1; done
status=0
"$SIPPROBE" -q --ports "$PORT" --wait 500 --user-agent "$(printf 'a%.0s' $(seq 200))" -f ndjson \
    127.0.0.1 >"$WORK/mtu.ndjson" 2>"$WORK/mtu.err" || status=$?
kill $lab
exit $status
NS
    echo '127.0.0.1 asterisk' >"$WORK/mtu.conf"
    WORK=$WORK PORT=$PORT timeout 30 unshare --net bash "$WORK/mtu.sh" ||
        fail "a scan over a 576-byte MTU: $(cat "$WORK/mtu.err")"
    expect_eq "$(jq -r '.host + " " + (.replies[0].status | tostring)' "$WORK/mtu.ndjson")" "127.0.0.1 200" \
        "a 600-byte probe over a 576-byte MTU"
fi

# Without --fail-on the same scan exits 0.
"$SIPPROBE" -q --ports $PORT --rate 20000 --wait 1000 --retries 2 -f ndjson 127.0.30.7 >"$WORK/one.ndjson" ||
    fail "exit status without --fail-on"
expect_eq "$(jq -r .host "$WORK/one.ndjson")" 127.0.30.7 "single target"
echo "PASS"
