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
    --fail-on info --resume-file "$WORK/scan.resume" 127.2.0.0/20 &
pid=$!
sleep 1.5
kill -INT $pid
set +e
wait $pid
status=$?
set -e
expect_eq "$status" 3 "exit status after SIGINT (with --fail-on: a partial scan is no verdict)"
sent=$(jq .summary.probes_sent "$WORK/r.json")
found=$(jq '.services | length' "$WORK/r.json")
[ "$sent" -gt 500 ] && [ "$sent" -lt 4096 ] || fail "probes sent before the interrupt: $sent"
expect_eq "$(jq .summary.interrupted "$WORK/r.json")" true "summary.interrupted"
expect_eq "$found" "$sent" "every probe sent before the interrupt was answered and kept"
expect_eq "$(wc -l <"$WORK/r.ndjson")" "$found" "ndjson holds the same services"
[ -s "$WORK/scan.resume" ] || fail "no resume file"
grep -q '"position"' "$WORK/scan.resume" || fail "resume file lacks the position"
cp "$WORK/scan.resume" "$WORK/saved.resume"

# What the journal fixes cannot change on resume; the refusal names the option.
set +e
"$SIPPROBE" -q --resume "$WORK/scan.resume" -p 9999 >/dev/null 2>"$WORK/err"
expect_eq "$?" 2 "--resume with -p"
set -e
grep -q -- "-p cannot change on --resume" "$WORK/err" || fail "message: $(cat "$WORK/err")"
# A journal whose targets were edited is refused, and left as it was.
sed '1s|127.2.0.0/20|127.2.200.0/24|' "$WORK/scan.resume" >"$WORK/edited.resume"
cp "$WORK/edited.resume" "$WORK/edited.copy"
set +e
"$SIPPROBE" -q --resume "$WORK/edited.resume" -o "$WORK/edited.json" 2>"$WORK/err"
expect_eq "$?" 2 "a journal whose targets were edited"
set -e
grep -q 'outside its targets' "$WORK/err" || fail "message: $(cat "$WORK/err")"
cmp -s "$WORK/edited.resume" "$WORK/edited.copy" || fail "a refused journal was changed"
cmp -s "$WORK/scan.resume" "$WORK/saved.resume" || fail "the journal changed"
# A journal of another format (an older sipprobe, whose target order differed).
sed '1s|sipprobe-resume/[0-9]*|sipprobe-resume/1|' "$WORK/scan.resume" >"$WORK/old.resume"
set +e
"$SIPPROBE" -q --resume "$WORK/old.resume" -o "$WORK/old.json" 2>"$WORK/err"
expect_eq "$?" 2 "a journal of another format"
set -e
grep -q 'written by another sipprobe version' "$WORK/err" || fail "message: $(cat "$WORK/err")"

set +e
# The rate may change on resume: 20,000/s instead of the journal's 2,000/s.
"$SIPPROBE" -q --resume "$WORK/scan.resume" --rate 20000 -o "$WORK/all.json" -o "$WORK/all.ndjson"
status=$?
set -e
expect_eq "$status" 0 "resumed scan completes"
expect_eq "$(jq '.services | length' "$WORK/all.json")" 4096 "every address in the final json"
expect_eq "$(jq -r '.services[].host' "$WORK/all.json" | sort -u | wc -l)" 4096 "no duplicates"
expect_eq "$(wc -l <"$WORK/all.ndjson")" 4096 "every address in the final ndjson"
expect_eq "$(jq .summary.probes_sent "$WORK/all.json")" $((4096 - sent)) "only the rest was probed"
[ -e "$WORK/scan.resume" ] && fail "the resume file of a completed scan was left behind"
awk -v t="$(jq .summary.elapsed_s "$WORK/all.json")" 'BEGIN { exit !(t < 1.0) }' ||
    fail "resumed at the journal's rate, not --rate 20000: $(jq .summary.elapsed_s "$WORK/all.json") s"
stop_lab
grep -q 'answered 4096,' "$WORK/lab.log" || fail "some target was probed twice: $(cat "$WORK/lab.log")"

# Resuming needs a real resume file, and no targets besides.
set +e
"$SIPPROBE" -q --resume "$WORK/all.json" >/dev/null 2>"$WORK/err"
expect_eq "$?" 2 "a json result is not a resume file"
set -e
grep -q 'not a sipprobe resume file' "$WORK/err" || fail "message: $(cat "$WORK/err")"

# No "Continue with" when there is nothing to continue from: a journal that
# could not be created, or an enumeration (which cannot be resumed).
interrupted() { # interrupted ARGS...: runs a scan, interrupts it, leaves stderr in $WORK/int.err
    "$SIPPROBE" --ports $PORT --rate 500 --wait 500 -o "$WORK/int.json" "$@" 2>"$WORK/int.err" &
    local p=$!
    sleep 0.5
    kill -INT $p
    wait $p || true
}
interrupted --resume-file "$WORK/no/such/dir/x.resume" 127.2.0.0/20
grep -q 'Continue with' "$WORK/int.err" && fail "a resume hint without a journal: $(cat "$WORK/int.err")"
grep -q 'nothing to resume from' "$WORK/int.err" || fail "message: $(cat "$WORK/int.err")"
interrupted --extensions 100-199 127.2.0.0/20
grep -q 'Continue with' "$WORK/int.err" && fail "a resume hint for an enumeration: $(cat "$WORK/int.err")"
echo "PASS"
