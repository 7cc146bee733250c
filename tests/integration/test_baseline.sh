# --baseline lists as gone only what this scan probed to the end: with
# --shard, the endpoints whose every probe is this shard's; after an
# interrupt, nothing; on another port, nothing. Of what is gone, a finding
# is "fixed" only where its service answered and no longer has it; where
# the service stayed silent it is "not seen". An empty baseline or a
# directory is an error, not "everything is new".
source "$(dirname "$0")/lib.sh"
need jq
PORT=25181
TARGETS=127.0.81.0/28
echo "$TARGETS asterisk" >"$WORK/lab1.conf"
# Later the first eight hosts fall silent: their findings are gone.
printf '127.0.81.0/29 silent\n127.0.81.8/29 asterisk\n' >"$WORK/lab2.conf"

scan() { # scan OUT.json ARGS...: a scan of the lab, exit status in $status
    local out=$1
    shift
    set +e
    "$SIPPROBE" -q --ports $PORT --rate 1000 --wait 500 --retries 0 -o "$out" "$@"
    status=$?
    set -e
}
# gone: fixed and not seen together (which endpoints count is what most of
# this test checks; which list a finding lands in is checked separately)
fixed() { jq -r '.summary.fixed[], .summary.not_seen[]?' "$1" | sort; }
# shard_endpoints N SEED METHODS: "host:port/udp" of each endpoint all of whose
# probes shard N/4 sends (from its dry run: one probe line per method)
shard_endpoints() {
    local m=$3
    "$SIPPROBE" --dry-run -q --seed "$2" --shard "$1/4" -m "$m" --ports $PORT $TARGETS |
        sed -n 's/^# to \([^ ]*\) .*/\1/p' | sort | uniq -c |
        awk -v n="$(echo "$m" | tr ',' '\n' | wc -l)" '$1 == n { print $2 }'
}
# expected BASE.json ENDPOINTS-FILE: baseline findings on those endpoints of
# the silent hosts, as summary.fixed writes them
expected() {
    jq -r '.services[] | "\(.host):\(.port)/\(.transport) \(.findings[].id)"' "$1" |
        grep -F -f <(sed 's/$/ /' "$2") | grep -E '^127\.0\.81\.[0-7]:' | sort || true
}

start_lab "$WORK/lab1.conf" $PORT
scan "$WORK/base1.json" -m OPTIONS $TARGETS
scan "$WORK/base2.json" -m OPTIONS,REGISTER $TARGETS
expect_eq "$(jq '.services | length' "$WORK/base1.json")" 16 "services in the baseline"
stop_lab
start_lab "$WORK/lab2.conf" $PORT

# The whole set: every finding of the silent hosts is fixed.
scan "$WORK/full.json" -m OPTIONS --baseline "$WORK/base1.json" $TARGETS
jq -r '.services[] | "\(.host):\(.port)/\(.transport) \(.findings[].id)"' "$WORK/base1.json" |
    grep -E '^127\.0\.81\.[0-7]:' | sort >"$WORK/all_gone"
[ -s "$WORK/all_gone" ] || fail "the baseline has no findings on the hosts that fall silent"
expect_eq "$(fixed "$WORK/full.json")" "$(cat "$WORK/all_gone")" "gone after a full scan"
# The hosts fell silent: not seen, not fixed.
expect_eq "$(jq '.summary.fixed | length' "$WORK/full.json")" 0 "a silent service fixed nothing"
expect_eq "$(jq -r '.summary.not_seen[]' "$WORK/full.json" | sort)" "$(cat "$WORK/all_gone")" "not seen"

# Shard 1 of 4, one method: only the silent hosts this shard probes.
shard_endpoints 1 6 OPTIONS >"$WORK/s1"
expected "$WORK/base1.json" "$WORK/s1" >"$WORK/want1"
[ -s "$WORK/want1" ] || fail "seed 6: shard 1 probes no silent host (test setup)"
[ "$(wc -l <"$WORK/want1")" -lt "$(wc -l <"$WORK/all_gone")" ] ||
    fail "seed 6: shard 1 probes every silent host (test setup)"
scan "$WORK/shard1.json" -m OPTIONS --seed 6 --shard 1/4 --baseline "$WORK/base1.json" $TARGETS
expect_eq "$(fixed "$WORK/shard1.json")" "$(cat "$WORK/want1")" "fixed with --shard 1/4"
# The four shards together list what the whole scan lists, each once.
for i in 2 3 4; do
    scan "$WORK/shard$i.json" -m OPTIONS --seed 6 --shard $i/4 --baseline "$WORK/base1.json" $TARGETS
done
expect_eq "$(for i in 1 2 3 4; do fixed "$WORK/shard$i.json"; done | sort)" "$(cat "$WORK/all_gone")" \
    "fixed over the four shards"

# Two methods: an endpoint counts only when both of its probes are this shard's.
shard_endpoints 1 6 OPTIONS,REGISTER >"$WORK/s2"
expected "$WORK/base2.json" "$WORK/s2" >"$WORK/want2"
[ -s "$WORK/want2" ] || fail "seed 6: no silent host with both probes in shard 1 (test setup)"
scan "$WORK/two.json" -m OPTIONS,REGISTER --seed 6 --shard 1/4 --baseline "$WORK/base2.json" $TARGETS
expect_eq "$(fixed "$WORK/two.json")" "$(cat "$WORK/want2")" "fixed with --shard 1/4 and two methods"

# Another port of the same hosts proves nothing about this one.
scan "$WORK/port.json" -m OPTIONS --ports $((PORT + 1)) --baseline "$WORK/base1.json" $TARGETS
expect_eq "$(jq '.summary.fixed | length' "$WORK/port.json")" 0 "fixed on a port not scanned"

# An interrupted scan lists nothing as fixed, and says why.
"$SIPPROBE" --ports $PORT --rate 20 --wait 500 --retries 0 -m OPTIONS --baseline "$WORK/base1.json" \
    -o "$WORK/int.json" -o "$WORK/int.txt" --resume-file "$WORK/int.resume" 127.0.81.0/24 \
    2>"$WORK/int.err" &
pid=$!
sleep 1
kill -INT $pid
set +e
wait $pid
status=$?
set -e
expect_eq "$status" 3 "exit status of the interrupted scan"
expect_eq "$(jq .summary.interrupted "$WORK/int.json")" true "summary.interrupted"
expect_eq "$(jq -c .summary.fixed "$WORK/int.json")" "[]" "fixed after an interrupt"
expect_eq "$(jq -c .summary.fixed_determined "$WORK/int.json")" false "fixed_determined after an interrupt"
grep -q 'fixed not determined' "$WORK/int.txt" || fail "the text report reads as if nothing was fixed"
grep -q 'did not run to the end, so no finding counts as fixed' "$WORK/int.err" ||
    fail "no word on the fixed list: $(cat "$WORK/int.err")"

# An empty file or a directory is no baseline: exit 2, the path named.
: >"$WORK/empty.json"
printf '\n  \r\n' >"$WORK/blank.ndjson"
mkdir "$WORK/dir.json"
for b in "$WORK/empty.json" "$WORK/blank.ndjson" "$WORK/dir.json"; do
    set +e
    "$SIPPROBE" -q --dry-run --baseline "$b" 127.0.81.1 >/dev/null 2>"$WORK/err"
    status=$?
    set -e
    expect_eq "$status" 2 "--baseline $b"
    expect_eq "$(wc -l <"$WORK/err")" 1 "one line for $b"
    grep -qF "'$b'" "$WORK/err" || fail "message does not name $b: $(cat "$WORK/err")"
done
grep -q 'is a directory' "$WORK/err" || fail "message: $(cat "$WORK/err")"

# Fixed: the service answers and the finding is gone. Four open registrars
# get their authentication back.
stop_lab
echo "127.0.81.20/30 open-registrar" >"$WORK/lab3.conf"
start_lab "$WORK/lab3.conf" $PORT
scan "$WORK/open.json" -m OPTIONS,REGISTER 127.0.81.20/30
stop_lab
echo "127.0.81.20/30 asterisk" >"$WORK/lab4.conf"
start_lab "$WORK/lab4.conf" $PORT
scan "$WORK/closed.json" -m OPTIONS,REGISTER --baseline "$WORK/open.json" -o "$WORK/closed.txt" 127.0.81.20/30
expect_eq "$(jq -r '.summary.fixed[]' "$WORK/closed.json" | grep -c ' register-without-auth$')" 4 \
    "register-without-auth fixed where the service answered"
expect_eq "$(jq '.summary.not_seen | length' "$WORK/closed.json")" 0 "nothing not seen"
grep -q "Fixed since the baseline" "$WORK/closed.txt" || fail "text report lacks the fixed list"
echo "PASS"
