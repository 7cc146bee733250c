# --dry-run prints every probe and sends nothing: the lab, listening on the
# very addresses, must see no datagram at all.
source "$(dirname "$0")/lib.sh"
need jq
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

# Target files from Windows: a byte-order mark and CRLF line ends are not text.
printf '\xef\xbb\xbf127.0.11.1\r\n# a comment\r\n127.0.11.2 \r\n' >"$WORK/crlf.txt"
"$SIPPROBE" --dry-run -q -i "$WORK/crlf.txt" >"$WORK/crlf.out" 2>&1 || fail "BOM/CRLF file: $(cat "$WORK/crlf.out")"
expect_eq "$(grep -c '^# to 127.0.11.[12]:5060/udp ' "$WORK/crlf.out")" 2 "probes from a BOM/CRLF file"
"$SIPPROBE" -q --wait 100 --retries 0 -i "$WORK/crlf.txt" -o "$WORK/crlf.json"
grep -q $'\r' "$WORK/crlf.json" && fail "a carriage return leaked into the report"
jq -e '.scan.targets == ["127.0.11.1", "127.0.11.2"]' "$WORK/crlf.json" >/dev/null ||
    fail "targets in the report: $(jq -c .scan.targets "$WORK/crlf.json")"
# A control character in a file is named, never echoed to the terminal.
printf '127.0.11.1\n\033[2J127.0.11.2\n' >"$WORK/esc.txt"
set +e
"$SIPPROBE" --dry-run -q -i "$WORK/esc.txt" >/dev/null 2>"$WORK/esc.err"
status=$?
set -e
expect_eq "$status" 2 "a control character in a target file"
grep -q $'\033' "$WORK/esc.err" && fail "the escape sequence was echoed"
grep -q 'esc.txt:2: control character 0x1b' "$WORK/esc.err" || fail "message: $(cat "$WORK/esc.err")"
echo "PASS"
