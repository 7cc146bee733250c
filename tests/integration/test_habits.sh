# Least surprise for nmap and masscan users (issue 17, item 4): -oX-style
# options are refused with what to write instead, -iL reads a target file,
# an unknown output extension is an error naming the accepted ones, rates
# and durations take units, a bare --wait that small is warned about; and
# --source-ip, --source-port and --interface choose where probes come from
# (checked in the Via of the lab's answers, which echoes our address).
source "$(dirname "$0")/lib.sh"
need jq
PORT=25196

rc=0
"$SIPPROBE" -oX out.xml 127.0.0.1 2>"$WORK/e" || rc=$?
expect_eq "$rc" 2 "-oX refused"
grep -q "nmap/masscan's form.*-o results.xml" "$WORK/e" || fail "-oX message: $(cat "$WORK/e")"
[ ! -e out.xml ] && [ ! -e X ] || fail "-oX wrote a file"
rc=0
"$SIPPROBE" -oJ out.json 127.0.0.1 2>"$WORK/e" || rc=$?
expect_eq "$rc" 2 "-oJ refused"

printf '127.0.0.1\n127.0.0.2\n' >"$WORK/targets.txt"
expect_eq "$("$SIPPROBE" -iL "$WORK/targets.txt" --dry-run 2>/dev/null | grep -c '^# to ')" 2 "-iL reads the file"

rc=0
"$SIPPROBE" --dry-run -o "$WORK/report.pdf" 127.0.0.1 >/dev/null 2>"$WORK/e" || rc=$?
expect_eq "$rc" 2 "unknown extension refused"
grep -q "unknown output extension '.pdf' (.txt .ndjson .jsonl .json .csv .html .htm .md .xml)" "$WORK/e" ||
    fail "extension message: $(cat "$WORK/e")"
[ ! -e "$WORK/report.pdf" ] || fail "a refused output was written"
"$SIPPROBE" --dry-run -q -f json -o "$WORK/report.data" 127.0.0.1 >/dev/null ||
    fail "an explicit -f makes any extension fine"

# Units: 10k probes/s, 2 s, 500 ms are taken without a word.
"$SIPPROBE" --dry-run -q --rate 10k --wait 2s --connect-timeout 500ms 127.0.0.1 >/dev/null 2>"$WORK/e" ||
    fail "units refused: $(cat "$WORK/e")"
[ ! -s "$WORK/e" ] || fail "units gave a warning: $(cat "$WORK/e")"
rc=0
"$SIPPROBE" --dry-run --rate 1.5x 127.0.0.1 2>"$WORK/e" || rc=$?
expect_eq "$rc" 2 "bad unit refused"
"$SIPPROBE" --dry-run --wait 5 127.0.0.1 >/dev/null 2>"$WORK/e"
grep -q "warning: --wait 5 is 5 milliseconds; for seconds write 5s" "$WORK/e" || fail "no warning for --wait 5"
rc=0
"$SIPPROBE" --dry-run --wait 11m 127.0.0.1 2>"$WORK/e" || rc=$?
expect_eq "$rc" 2 "--wait beyond 10 minutes refused"

# Where probes come from.
echo "127.0.56.1 asterisk" >"$WORK/lab.conf"
"$SIPPROBE_LAB" --config "$WORK/lab.conf" --personas "$SP_SOURCE_DIR/fixtures/personas" --port $PORT \
    --tcp-port $PORT --max-seconds 60 --ready-file "$WORK/lab.ready" 2>"$WORK/lab.log" &
LAB_PID=$!
PIDS+=("$LAB_PID")
for _ in $(seq 50); do [ -s "$WORK/lab.ready" ] && break; sleep 0.1; done
via() { jq -r '.vias[0]' "$1" | sed 's/;.*//'; }
"$SIPPROBE" -q --source-ip 127.0.0.9 --source-port $((PORT + 1)) --ports $PORT -f ndjson 127.0.56.1 \
    >"$WORK/s1.json"
expect_eq "$(via "$WORK/s1.json")" "SIP/2.0/UDP 127.0.0.9:$((PORT + 1))" "UDP from the chosen address and port"
"$SIPPROBE" -q --source-ip 127.0.0.9 --transport tcp --ports $PORT -f ndjson 127.0.56.1 >"$WORK/s2.json"
via "$WORK/s2.json" | grep -q "^SIP/2.0/TCP 127.0.0.9:[0-9]*$" || fail "TCP source: $(via "$WORK/s2.json")"
"$SIPPROBE" -q --interface lo --ports $PORT -f ndjson 127.0.56.1 >"$WORK/s3.json"
expect_eq "$(jq -r '.host' "$WORK/s3.json")" 127.0.56.1 "through lo"
rc=0
"$SIPPROBE" --source-ip 192.0.2.77 --ports $PORT 127.0.56.1 2>"$WORK/e" || rc=$?
expect_eq "$rc" 2 "a source address not of this host"
grep -q "source address 192.0.2.77 is not an address of this host" "$WORK/e" || fail "$(cat "$WORK/e")"
rc=0
"$SIPPROBE" --interface nosuch0 --ports $PORT 127.0.56.1 2>"$WORK/e" || rc=$?
expect_eq "$rc" 2 "unknown interface"
grep -q "no network interface 'nosuch0'" "$WORK/e" || fail "$(cat "$WORK/e")"
stop_lab
echo "PASS"
