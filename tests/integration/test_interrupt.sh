# SIGINT stops sending, waits for late replies, writes every output with what
# was found so far and a resume file, and exits 3 so that a partial scan never
# passes for a complete one. --resume then finishes the scan without probing
# any target twice, and its outputs hold everything.
source "$(dirname "$0")/lib.sh"
need jq
PORT=25065
echo "127.2.0.0/16 kamailio" >"$WORK/lab.conf"
start_lab "$WORK/lab.conf" $PORT
"$SIPPROBE" -q --ports $PORT --rate 2000 --wait 500 --retries 0 -o "$WORK/r.json" -o "$WORK/r.ndjson" \
    --resume-file "$WORK/scan.resume" 127.2.0.0/20 &
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
[ "$sent" -gt 500 ] && [ "$sent" -lt 4096 ] || fail "probes sent before the interrupt: $sent"
expect_eq "$(jq .summary.interrupted "$WORK/r.json")" true "summary.interrupted"
expect_eq "$found" "$sent" "every probe sent before the interrupt was answered and kept"
expect_eq "$(wc -l <"$WORK/r.ndjson")" "$found" "ndjson holds the same services"
[ -s "$WORK/scan.resume" ] || fail "no resume file"
grep -q '"position"' "$WORK/scan.resume" || fail "resume file lacks the position"

set +e
"$SIPPROBE" -q --resume "$WORK/scan.resume" -o "$WORK/all.json" -o "$WORK/all.ndjson"
status=$?
set -e
expect_eq "$status" 0 "resumed scan completes"
expect_eq "$(jq '.services | length' "$WORK/all.json")" 4096 "every address in the final json"
expect_eq "$(jq -r '.services[].host' "$WORK/all.json" | sort -u | wc -l)" 4096 "no duplicates"
expect_eq "$(wc -l <"$WORK/all.ndjson")" 4096 "every address in the final ndjson"
expect_eq "$(jq .summary.probes_sent "$WORK/all.json")" $((4096 - sent)) "only the rest was probed"
[ -e "$WORK/scan.resume" ] && fail "the resume file of a completed scan was left behind"
stop_lab
grep -q 'answered 4096,' "$WORK/lab.log" || fail "some target was probed twice: $(cat "$WORK/lab.log")"

# Resuming needs a real resume file, and no targets besides.
set +e
"$SIPPROBE" -q --resume "$WORK/all.json" >/dev/null 2>"$WORK/err"
expect_eq "$?" 2 "a json result is not a resume file"
set -e
grep -q 'not a sipprobe resume file' "$WORK/err" || fail "message: $(cat "$WORK/err")"
echo "PASS"
