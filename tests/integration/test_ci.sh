# A CI log that explains itself (issue 17, item 1): when --fail-on trips,
# stderr names each failing finding and the count, even with -q and with
# stdout empty; --accept FILE accepts risks until a date (globs for
# services), reported as accepted in every format and skipped in JUnit;
# an expired entry fails the job with a clear line; a bad entry is exit 2
# naming file and line.
source "$(dirname "$0")/lib.sh"
need jq
need xmllint
PORT=25200
printf '127.0.18.1 open-registrar\n127.0.18.2 asterisk\n' >"$WORK/lab.conf"
start_lab "$WORK/lab.conf" $PORT
run() { # run NAME ARGS...: scan both hosts, exit status in $status
    local name=$1
    shift
    set +e
    "$SIPPROBE" -q --ports $PORT --rate 1000 --wait 500 -m OPTIONS,REGISTER --fail-on high \
        -o "$WORK/$name.json" -o "$WORK/$name.xml" -o "$WORK/$name.txt" "$@" 127.0.18.1-2 \
        >"$WORK/$name.out" 2>"$WORK/$name.err"
    status=$?
    set -e
}

# 1. Failing: one line per finding, then the count; nothing on stdout.
run fail
expect_eq "$status" 1 "fails on high"
[ ! -s "$WORK/fail.out" ] || fail "stdout not empty"
grep -qx "sipprobe: fail-on high: critical register-without-auth 127.0.18.1:$PORT/udp" "$WORK/fail.err" ||
    fail "no line for register-without-auth: $(cat "$WORK/fail.err")"
n=$(jq '[.services[].findings[] | select(.severity == "high" or .severity == "critical")] | length' "$WORK/fail.json")
expect_eq "$(grep -c '^sipprobe: fail-on high: ' "$WORK/fail.err")" "$n" "a line per failing finding"
expect_eq "$(tail -n 1 "$WORK/fail.err")" "sipprobe: failing: $n findings at or above high" "last line"
expect_eq "$(xmllint --xpath 'string(//testsuites/@failures)' "$WORK/fail.xml")" "$n" "junit failures"
expect_eq "$(xmllint --xpath 'count(//failure)' "$WORK/fail.xml")" "$n" "junit: one failure element each"
xmllint --noout --schema "$SP_SOURCE_DIR/tests/peers/junit.xsd" "$WORK/fail.xml" || fail "junit invalid"

# 2. Accepted (a host glob and an exact service): the job passes, and says why.
cat >"$WORK/accept.txt" <<'ACC'
# risks we live with, until a date
register-without-auth 127.0.18.* 2099-12-31 lab phone, isolated VLAN
known-vulnerable-version 127.0.18.*:25200/udp 2099-12-31 upgrade booked for the next window
ACC
run acc --accept "$WORK/accept.txt"
expect_eq "$status" 0 "everything at or above high accepted"
[ ! -s "$WORK/acc.err" ] || fail "stderr for a passing job: $(cat "$WORK/acc.err")"
expect_eq "$(jq -r '.services[].findings[] | select(.id == "register-without-auth") | .accepted' "$WORK/acc.json")" \
    "accepted until 2099-12-31: lab phone, isolated VLAN" "accepted note"
expect_eq "$(jq '.summary.accepted' "$WORK/acc.json")" "$n" "accepted count"
expect_eq "$(xmllint --xpath 'count(//testcase[skipped])' "$WORK/acc.xml")" "$n" "junit: accepted are skipped"
expect_eq "$(xmllint --xpath 'count(//failure)' "$WORK/acc.xml")" 0 "junit: no failure"
grep -q "(accepted until 2099-12-31: lab phone, isolated VLAN)" "$WORK/acc.txt" || fail "text lacks the acceptance"

# 3. Expired: the job fails and says which entry.
printf 'register-without-auth 127.0.18.1:%s/udp 2020-01-31 was a lab phone\n' $PORT >"$WORK/old.txt"
run old --accept "$WORK/old.txt"
expect_eq "$status" 1 "expired acceptance fails"
grep -qx "sipprobe: $WORK/old.txt:1: accepted risk expired on 2020-01-31: register-without-auth 127.0.18.1:$PORT/udp (was a lab phone)" \
    "$WORK/old.err" || fail "expired line: $(cat "$WORK/old.err")"

# 4. A bad entry: exit 2 before anything is sent, naming file and line.
printf '# ok\nregister-without-auth 127.0.18.1 2099-02-30 no such day\n' >"$WORK/bad.txt"
run bad --accept "$WORK/bad.txt"
expect_eq "$status" 2 "bad accept file"
grep -q "bad.txt:2: expected 'FINDING-ID SERVICE YYYY-MM-DD REASON...' (the expiry is not a date)" "$WORK/bad.err" ||
    fail "bad entry: $(cat "$WORK/bad.err")"
printf 'no-such-finding 127.0.18.1 2099-01-01 x\n' >"$WORK/bad2.txt"
run bad2 --accept "$WORK/bad2.txt"
expect_eq "$status" 2 "unknown finding id"
grep -q "bad2.txt:1: no finding matches 'no-such-finding'" "$WORK/bad2.err" || fail "$(cat "$WORK/bad2.err")"
echo "PASS"
