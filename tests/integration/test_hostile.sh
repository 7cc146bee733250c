# Hostile replies: a reply libosip2 cannot parse (with a valid token) and a
# banner full of markup, terminal escapes, invalid UTF-8 and a formula.
# Nothing may leak into stdout, every output stays valid, nothing crashes.
source "$(dirname "$0")/lib.sh"
need jq
PORT=25066
printf '127.0.13.1 malformed\n127.0.13.2 hostile-banner\n127.0.13.3 asterisk\n' >"$WORK/lab.conf"
start_lab "$WORK/lab.conf" $PORT

"$SIPPROBE" --ports $PORT --rate 500 --wait 500 --retries 0 -f ndjson 127.0.13.1-3 \
    >"$WORK/out.ndjson" 2>"$WORK/err"
jq -e . "$WORK/out.ndjson" >/dev/null || fail "stdout is not valid ndjson: $(cat "$WORK/out.ndjson")"
expect_eq "$(jq -r .host "$WORK/out.ndjson" | sort | tr '\n' ' ')" "127.0.13.2 127.0.13.3 " "services"
grep -q ERROR "$WORK/out.ndjson" "$WORK/err" && fail "a library trace leaked out"
server=$(jq -r 'select(.host == "127.0.13.2") | .server' "$WORK/out.ndjson")
case "$server" in
*'<script>alert(1)</script>'*) ;;
*) fail "banner not kept as text: $server" ;;
esac

"$SIPPROBE" -q --ports $PORT --rate 500 --wait 500 --retries 0 -o "$WORK/out.txt" -o "$WORK/out.csv" 127.0.13.1-3
grep -q $'\x1b' "$WORK/out.txt" && fail "terminal escape in text output"
grep -q '"127.0.13.2",' "$WORK/out.csv" || fail "csv lacks the hostile host"
grep -q ',"=cmd' "$WORK/out.csv" && fail "formula not neutralised"
"$SIPPROBE" -v --ports $PORT --rate 500 --wait 500 --retries 0 -f json 127.0.13.1 2>"$WORK/v.err" >/dev/null
grep -q 'unparseable SIP reply from 127.0.13.1' "$WORK/v.err" || fail "no note of the unparseable reply: $(cat "$WORK/v.err")"
echo "PASS (hostile replies)"

# A hostile network: an oversized reply with 3000 headers, LF-only line ends,
# an absurd Content-Length, and a neighbour that floods forged replies from
# other addresses and random datagrams. Results for the honest services stay
# exactly as without the noise; memory stays bounded.
stop_lab
cat >"$WORK/lab2.conf" <<CONF
127.0.16.1 asterisk
127.0.16.2 huge
127.0.16.3 lf-only
127.0.16.4 absurd-length
127.0.16.5 asterisk flood=200 garbage=200
CONF
start_lab "$WORK/lab2.conf" $PORT
/usr/bin/time -f '%M' -o "$WORK/rss" "$SIPPROBE" -q --ports $PORT --rate 1000 --wait 1000 \
    -o "$WORK/h.json" -o "$WORK/h.ndjson" 127.0.16.1-5 || fail "scan failed"
jq -e . "$WORK/h.ndjson" >/dev/null || fail "invalid ndjson"
q() { jq -r ".services[] | select(.host == \"$1\") | $2" "$WORK/h.json"; }
expect_eq "$(q 127.0.16.2 '.fingerprint.product + " " + .replies[0].reason')" "Asterisk OK" "oversized reply classified"
expect_eq "$(q 127.0.16.3 '.fingerprint.product')" "OpenSIPS" "LF-only reply classified"
# The flooded service gives exactly the same verdict as the quiet one.
expect_eq "$(q 127.0.16.5 '[.fingerprint.product, .fingerprint.version, ([.findings[].id] | join(","))] | join(" ")')" \
    "$(q 127.0.16.1 '[.fingerprint.product, .fingerprint.version, ([.findings[].id] | join(","))] | join(" ")')" \
    "flooded and quiet services agree"
# The scan ends as soon as every probe is answered, so how much noise it
# saw varies; that it saw some and counted it as unmatched does not.
unmatched=$(jq .summary.unmatched_datagrams "$WORK/h.json")
[ "$unmatched" -gt 0 ] || fail "forged replies and garbage were not counted as unmatched: $unmatched"
expect_eq "$(jq '[.services[].host] | map(select(startswith("127.0.16.") | not)) | length' "$WORK/h.json")" 0 \
    "forged replies from other addresses made up no service"
rss=$(cat "$WORK/rss")
[ "$rss" -lt 65536 ] || fail "peak RSS $rss KiB"
echo "PASS (hostile network)"
