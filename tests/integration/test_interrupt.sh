# SIGINT stops sending, waits for late replies, writes every output with what
# was found so far, and exits 3 so that a partial scan never passes for a
# complete one.
source "$(dirname "$0")/lib.sh"
need jq
PORT=25065
echo "127.2.0.0/16 kamailio" >"$WORK/lab.conf"
start_lab "$WORK/lab.conf" $PORT
"$SIPPROBE" -q --ports $PORT --rate 2000 --wait 500 -o "$WORK/r.json" -o "$WORK/r.ndjson" \
    127.2.0.0/16 &
pid=$!
sleep 1.5
kill -INT $pid
set +e
wait $pid
status=$?
set -e
expect_eq "$status" 3 "exit status after SIGINT"
sent=$(jq .summary.probes_sent "$WORK/r.json")
found=$(jq '.services | length' "$WORK/r.json")
[ "$sent" -gt 500 ] && [ "$sent" -lt 65536 ] || fail "probes sent before the interrupt: $sent"
expect_eq "$(jq .summary.interrupted "$WORK/r.json")" true "summary.interrupted"
expect_eq "$found" "$sent" "every probe sent before the interrupt was answered and kept"
expect_eq "$(wc -l <"$WORK/r.ndjson")" "$found" "ndjson holds the same services"
echo "PASS"
