# SIPp (Debian sip-tester) as a real SIP peer: sipprobe's OPTIONS must be
# accepted by SIPp's parser and its reply fingerprinted as SIPp.
source "$(dirname "$0")/lib.sh"
need sipp
need jq
PORT=25063
sipp -sf "$SP_SOURCE_DIR/tests/peers/sipp-options-uas.xml" -i 127.0.0.3 -p $PORT -m 1 \
    -timeout 30s -timeout_error -trace_err -error_file "$WORK/sipp.err" -bg >"$WORK/sipp.out" 2>&1 || true
SIPP_PID=$(grep -o 'PID=\[[0-9]*\]' "$WORK/sipp.out" | tr -dc 0-9)
[ -n "$SIPP_PID" ] || fail "no SIPp PID in: $(cat "$WORK/sipp.out")"
PIDS+=("$SIPP_PID")
sleep 0.5
"$SIPPROBE" -q --rate 100 --wait 1500 -f ndjson 127.0.0.3:$PORT >"$WORK/out.ndjson"
expect_eq "$(wc -l <"$WORK/out.ndjson")" 1 "services found"
expect_eq "$(jq -r '.replies[0].status' "$WORK/out.ndjson")" 200 "SIPp status"
expect_eq "$(jq -r '.fingerprint.product' "$WORK/out.ndjson")" SIPp "SIPp fingerprint"
expect_eq "$(jq -r '.fingerprint.version' "$WORK/out.ndjson")" 3.6.1 "SIPp version"
expect_eq "$(jq -r '.allow | join(",")' "$WORK/out.ndjson")" "INVITE,ACK,BYE,CANCEL,OPTIONS" "SIPp Allow"
# SIPp logs an epoll housekeeping notice at exit; what matters is that it
# found nothing wrong with our request.
if grep -qiE 'unexpected|pars|malformed|invalid' "$WORK/sipp.err" 2>/dev/null; then
    fail "SIPp rejected the probe: $(cat "$WORK/sipp.err")"
fi
echo "PASS"
