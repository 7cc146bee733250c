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
echo "PASS"
