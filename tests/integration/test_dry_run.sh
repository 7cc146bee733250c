# --dry-run prints every probe and sends nothing: the lab, listening on the
# very addresses, must see no datagram at all.
source "$(dirname "$0")/lib.sh"
PORT=25062
echo "127.0.11.0/24 asterisk" >"$WORK/lab.conf"
start_lab "$WORK/lab.conf" $PORT

"$SIPPROBE" --dry-run --ports $PORT,$((PORT + 1)) -m OPTIONS,REGISTER 127.0.11.0/28 \
    >"$WORK/dry.txt" 2>"$WORK/dry.err"
expect_eq "$(grep -c '^# to ' "$WORK/dry.txt")" 64 "probes shown (16 hosts x 2 ports x 2 methods)"
expect_eq "$(grep -c '^OPTIONS sip:100@127.0.11.' "$WORK/dry.txt")" 32 "OPTIONS request lines"
expect_eq "$(grep -c '^REGISTER sip:127.0.11.' "$WORK/dry.txt")" 32 "REGISTER request lines"
grep -q 'branch=z9hG4bK[0-9a-f]\{16\};rport' "$WORK/dry.txt" || fail "Via branch/rport missing"
grep -q '^User-Agent: sipprobe/' "$WORK/dry.txt" || fail "User-Agent missing"
grep -qi 'friendly-scanner' "$WORK/dry.txt" && fail "friendly-scanner must never be sent"
grep -q '64 probes shown, none sent' "$WORK/dry.err" || fail "dry-run summary: $(cat "$WORK/dry.err")"
sleep 0.3
stop_lab
grep -q 'answered 0, ignored 0' "$WORK/lab.log" || fail "the lab saw traffic: $(cat "$WORK/lab.log")"
echo "PASS"
