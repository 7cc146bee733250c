# An interrupted scan with two probes per target keeps, in its journal, the
# services that had only one answer yet; --resume then completes them, so
# every service has both answers and no answered target is probed twice.
# A journal whose last line was torn (the process was killed while writing)
# still resumes: the torn line is dropped and said, and appending starts on
# a fresh line, so a second resume works too.
source "$(dirname "$0")/lib.sh"
need jq
PORT=25097
echo "127.3.0.0/22 open-registrar" >"$WORK/lab.conf"
start_lab "$WORK/lab.conf" $PORT

interrupt_after() { # interrupt_after SECONDS ARGS...: a scan interrupted after SECONDS
    local after=$1
    shift
    "$SIPPROBE" -q --rate 1000 --wait 500 "$@" &
    local p=$!
    sleep "$after"
    kill -INT $p 2>/dev/null || true
    wait $p || true
}

for retries in 0 1; do
    rm -f "$WORK/j.resume"
    interrupt_after 1.2 --ports $PORT -m OPTIONS,REGISTER --retries $retries --resume-file "$WORK/j.resume" -o "$WORK/part.json" \
        127.3.0.0/22
    [ -s "$WORK/j.resume" ] || fail "no journal (retries $retries)"
    partial=$(jq '[.services[] | select((.replies | length) < 2)] | length' "$WORK/part.json")
    [ "$partial" -gt 0 ] || fail "the interrupt left no service with one answer: nothing tested"
    "$SIPPROBE" -q --resume "$WORK/j.resume" -o "$WORK/all.json" ||
        fail "resume failed (retries $retries)"
    expect_eq "$(jq '.services | length' "$WORK/all.json")" 1024 "services after resume (retries $retries)"
    expect_eq "$(jq '[.services[] | select((.replies | length) == 2)] | length' "$WORK/all.json")" \
        1024 "services with both answers (retries $retries)"
    expect_eq "$(jq '[.services[].findings[] | select(.id == "register-without-auth")] | length' \
        "$WORK/all.json")" 1024 "register-without-auth (retries $retries)"
done
stop_lab
# Two runs of 1,024 targets x 2 probes: every probe answered once.
grep -q 'answered 4096,' "$WORK/lab.log" || fail "some target was probed twice: $(cat "$WORK/lab.log")"

# A torn last line: dropped with a warning; the journal is repaired.
start_lab "$WORK/lab.conf" $PORT
rm -f "$WORK/t.resume"
interrupt_after 0.8 --ports $PORT -m OPTIONS,REGISTER --retries 0 --resume-file "$WORK/t.resume" -o "$WORK/t1.json" 127.3.0.0/22
printf '{"service":{"host":"127.3.' >>"$WORK/t.resume"
"$SIPPROBE" --resume "$WORK/t.resume" --rate 200 -o "$WORK/t2.json" 2>"$WORK/t2.err" &
p=$!
sleep 0.5
kill -INT $p 2>/dev/null || true
wait $p || true
grep -q 'last line was cut off' "$WORK/t2.err" || fail "torn line not said: $(cat "$WORK/t2.err")"
grep -q '"host":"127.3.$' "$WORK/t.resume" && fail "the torn line is still in the journal"
"$SIPPROBE" -q --resume "$WORK/t.resume" -o "$WORK/t3.json" 2>"$WORK/t3.err" ||
    fail "second resume after a torn line: $(cat "$WORK/t3.err")"
expect_eq "$(jq '.services | length' "$WORK/t3.json")" 1024 "services after two resumes"

# kill -9 leaves no position line of its own; the checkpoints the scan kept
# let the resumed scan start near where it was, and lose nothing.
rm -f "$WORK/k.resume"
"$SIPPROBE" -q --ports $PORT -m OPTIONS,REGISTER --rate 500 --wait 500 --retries 0 \
    --resume-file "$WORK/k.resume" -o "$WORK/k1.json" 127.3.0.0/22 &
p=$!
sleep 2.5
kill -9 $p
wait $p || true
grep -q '"position"' "$WORK/k.resume" || fail "no checkpoint in the journal of a killed scan"
"$SIPPROBE" -q --resume "$WORK/k.resume" -o "$WORK/k2.json" 2>"$WORK/k2.err" ||
    fail "resume after kill -9: $(cat "$WORK/k2.err")"
sent=$(jq .summary.probes_sent "$WORK/k2.json")
[ "$sent" -lt 1800 ] || fail "the resumed scan sent $sent of 2048 probes: it started from the beginning"
expect_eq "$(jq '.services | length' "$WORK/k2.json")" 1024 "services after kill -9 and resume"
expect_eq "$(jq '[.services[] | select((.replies | length) == 2)] | length' "$WORK/k2.json")" \
    1024 "services with both answers after kill -9 and resume"
echo "PASS"
