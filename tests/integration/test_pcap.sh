# Inventory from captures (--read, --read-live) and evidence of a scan
# (--write-pcap): every fixture gives exactly its expected inventory; broken
# files give a clear error with the offset and keep what was read; the same
# services scanned live and read back from the scan's own capture give the
# same fingerprints and findings. Live capture is on loopback only.
source "$(dirname "$0")/lib.sh"
need jq
P="$SP_SOURCE_DIR/fixtures/pcap"
inventory() { jq -r '"\(.host) \(.port)/\(.transport) \(.role) \(.fingerprint.product // "-") \([.findings[].id]|sort|join(","))"' "$1"; }

# 1. Every fixture, exactly.
n=0
for exp in "$P"/expected/*.txt; do
    name=$(basename "$exp" .txt)
    file="$P/$name"
    [ -e "$file" ] || file="$P/real/$name"
    set +e
    "$SIPPROBE" -q --read "$file" -o "$WORK/$name.ndjson" 2>"$WORK/$name.err"
    status=$?
    set -e
    [ "$name" = edge-truncated.pcap ] || expect_eq "$status" 0 "$name: exit status ($(cat "$WORK/$name.err"))"
    inventory "$WORK/$name.ndjson" >"$WORK/$name.txt"
    diff -u "$exp" "$WORK/$name.txt" >&2 || fail "$name: inventory differs from $exp"
    n=$((n + 1))
done
[ "$n" -ge 17 ] || fail "only $n fixtures checked"

# 2. Evidence in the findings: the attacker's address, the unauthenticated REGISTER.
J="$WORK/kamailio-digest.pcap.ndjson"
jq -r 'select(.port == 5140) | .findings[] | select(.id == "registration-brute-force-seen") | .evidence | join(" | ")' "$J" |
    grep -q "127.0.0.1 had 15 REGISTER authentications refused .* | users tried: alice | attacker: 127.0.0.1" ||
    fail "brute force evidence: $(jq -c 'select(.port == 5140) | .findings' "$J")"
expect_eq "$(jq -r 'select(.port == 5140) | [.findings[].id] | index("register-without-auth")' "$J")" null \
    "an authenticated 200 to REGISTER is no finding"
jq -r 'select(.role == "uac") | .findings[] | select(.id == "scanner-user-agent-seen") | .evidence[1]' "$J" |
    grep -q '^attacker 127.0.0.1:5060 sent 18 requests (REGISTER) from 2 source ports to 1 addresses$' || fail "scanner evidence: $(jq -c 'select(.role == "uac")' "$J")"
jq -r 'select(.port == 5144) | .findings[] | select(.id == "register-without-auth") | .evidence[0]' "$WORK/sipsak-open-registrar.pcap.ndjson" |
    grep -q "^capture: REGISTER for '200' from 127.0.0.1:[0-9]* without credentials -> 200 OK at " ||
    fail "register-without-auth evidence"

# 3. Broken input: a clear error with the offset, exit 2, and what came before is kept.
set +e
"$SIPPROBE" -q --read "$P/edge-truncated.pcap" -o "$WORK/t.json" 2>"$WORK/t.err"
expect_eq "$?" 2 "truncated file: exit status"
"$SIPPROBE" -q --read "$P/edge-not-a-capture.pcap" -o "$WORK/n.json" 2>"$WORK/n.err"
expect_eq "$?" 2 "not a capture: exit status"
"$SIPPROBE" -q --read "$WORK/missing.pcap" -o "$WORK/m.json" 2>"$WORK/m.err"
expect_eq "$?" 2 "missing file: exit status"
# Several files: a bad one does not cost the others.
"$SIPPROBE" -q --read "$P/edge-not-a-capture.pcap" --read "$P/svmap-lab.pcap" -o "$WORK/two.json" 2>"$WORK/two.err"
expect_eq "$?" 2 "one bad file of two: exit status"
set -e
grep -q "'.*edge-truncated.pcap' is truncated or corrupt at byte 697, after 2 packets: truncated dump file" "$WORK/t.err" ||
    fail "truncated: $(cat "$WORK/t.err")"
expect_eq "$(wc -l <"$WORK/t.err")" 1 "one line of error"
expect_eq "$(jq '.services | length' "$WORK/t.json")" 2 "truncated: the packets before the damage are reported"
grep -q "edge-not-a-capture.pcap' at byte 0: not a pcap or pcapng capture" "$WORK/n.err" || fail "wrong format: $(cat "$WORK/n.err")"
grep -q "cannot read capture '.*missing.pcap': No such file or directory" "$WORK/m.err" || fail "missing: $(cat "$WORK/m.err")"
expect_eq "$(jq '.services | length' "$WORK/two.json")" 4 "the good file of two is reported"
# A pcapng file whose interfaces differ in link type (or snap length): libpcap
# reads one a file. The error says so and how to split it, not "corrupt";
# what came before is kept.
set +e
"$SIPPROBE" -q --read "$P/edge-mixed-links.pcapng" -o "$WORK/mixed.json" 2>"$WORK/mixed.err"
expect_eq "$?" 2 "mixed link types: exit status"
"$SIPPROBE" -q --read "$P/edge-mixed-snaplen.pcapng" -o "$WORK/msnap.json" 2>"$WORK/msnap.err"
expect_eq "$?" 2 "mixed snap lengths: exit status"
set -e
M="$P/edge-mixed-links.pcapng"
expect_eq "$(cat "$WORK/mixed.err")" "sipprobe: '$M' mixes link types (interface 0 is Ethernet, a later one Linux cooked v1), which libpcap cannot read in one file; read stopped after 2 packets, at byte 744. Split it per interface N: tshark -r '$M' -Y frame.interface_id==N -w N.pcapng, then editcap -F pcap -T ether N.pcapng N.pcap (-T linux-sll for the Linux cooked v1 one)" \
    "mixed link types: the error"
expect_eq "$(jq -r '[.services[] | "\(.host):\(.port) \(.role)"] | join(",")' "$WORK/mixed.json")" \
    "192.0.2.10:5070 uac,192.0.2.20:5060 uas" "mixed link types: the 2 packets before the second interface are reported"
M="$P/edge-mixed-snaplen.pcapng"
expect_eq "$(cat "$WORK/msnap.err")" "sipprobe: '$M' mixes snap lengths (interface 0 has 262144 bytes, a later one 65535), which libpcap cannot read in one file; read stopped after 2 packets, at byte 744. Convert it to one pcap: editcap -F pcap '$M' out.pcap" \
    "mixed snap lengths: the error"
expect_eq "$(jq '.services | length' "$WORK/msnap.json")" 2 "mixed snap lengths: the packets before are reported"
# A small snap length: a message cut inside its body is read from its headers
# (edge-snaplen-body.pcap gives the whole inventory above, over UDP and TCP);
# cut inside its headers it is lost, and nothing else goes wrong.
expect_eq "$(jq -s length "$WORK/kamailio-digest-snap200.pcap.ndjson")" 0 "snap length 200: nothing readable"
# And it is said without -v (not with -q): how many packets, at how many bytes.
"$SIPPROBE" --read "$P/kamailio-digest-snap200.pcap" -o "$WORK/s200.json" 2>"$WORK/s200.err"
expect_eq "$(cat "$WORK/s200.err")" "sipprobe: warning: $P/kamailio-digest-snap200.pcap: 36 packets were cut by the capture's snap length (200 bytes); SIP messages in them are incomplete (36 cut inside their headers, not read). Capture with -s 0" \
    "snap length 200: the warning"
"$SIPPROBE" --read "$P/edge-snaplen-body.pcap" -o "$WORK/s512.json" 2>"$WORK/s512.err"
expect_eq "$(cat "$WORK/s512.err")" "sipprobe: warning: $P/edge-snaplen-body.pcap: 2 packets were cut by the capture's snap length (512 bytes); SIP messages in them are incomplete (read from their headers alone). Capture with -s 0" \
    "snap length 512: the warning"
expect_eq "$(cat "$WORK/kamailio-digest-snap200.pcap.err")" "" "snap length 200 with -q: no warning"
"$SIPPROBE" --read "$P/edge-vlan.pcap" -o "$WORK/whole.json" 2>"$WORK/whole.err"
expect_eq "$(cat "$WORK/whole.err")" "" "a whole capture: no warning"
"$SIPPROBE" -q --read "$P/svmap-lab.pcap" --read "$P/sipsak-open-registrar.pcap" -o "$WORK/union.json"
expect_eq "$(jq ".services | length" "$WORK/union.json")" 5 "two captures: one inventory (the two clients on 127.0.0.1 are one)"
# Nothing is sent in read mode, and targets are refused.
set +e
"$SIPPROBE" --read "$P/edge-vlan.pcap" 127.0.0.1 2>"$WORK/u.err"
expect_eq "$?" 2 "--read with a target"
set -e

# 4. A live scan with --write-pcap, read back: the same services, fingerprints and findings.
PORT=25150
cat >"$WORK/lab.conf" <<CONF
127.0.38.1  asterisk
127.0.38.2  open-registrar
127.0.38.3  kamailio
127.0.38.4  yealink-t46s
127.0.38.5  huge
::1         freeswitch
CONF
"$SIPPROBE_LAB" --config "$WORK/lab.conf" --personas "$SP_SOURCE_DIR/fixtures/personas" --port $PORT \
    --tcp-port $PORT --max-seconds 60 --ready-file "$WORK/lab.ready" 2>"$WORK/lab.log" &
PIDS+=($!)
for _ in $(seq 50); do [ -s "$WORK/lab.ready" ] && break; sleep 0.1; done
"$SIPPROBE" -q --transport udp,tcp -p $PORT -m OPTIONS,REGISTER --wait 800 --write-pcap "$WORK/scan.pcap" \
    -o "$WORK/live.json" 127.0.38.1-127.0.38.8 ::1
[ -s "$WORK/scan.pcap" ] && [ ! -e "$WORK/scan.pcap.partial" ] || fail "--write-pcap wrote no complete file"
"$SIPPROBE" -q --read "$WORK/scan.pcap" -o "$WORK/read.json"
jq -c '.services[]' "$WORK/live.json" >"$WORK/live.ndjson"
jq -c '.services[] | select(.role != "uac")' "$WORK/read.json" >"$WORK/read.ndjson"
inventory "$WORK/live.ndjson" | sed 's/ null / /' >"$WORK/live.txt"
inventory "$WORK/read.ndjson" | sed 's/ [a-z,]*uas / /' >"$WORK/read.txt"
expect_eq "$(wc -l <"$WORK/live.txt")" 12 "live: 6 services over udp and tcp"
diff -u "$WORK/live.txt" "$WORK/read.txt" >&2 || fail "read back differs from the live scan"
grep -q "127.0.38.5 $PORT/udp .*udp-amplification" "$WORK/read.txt" || fail "amplification from the capture"
# Our own probes appear as the client, with sipprobe's User-Agent.
expect_eq "$(jq -r '[.services[] | select(.role == "uac") | .user_agent] | unique | join(",")' "$WORK/read.json")" \
    "sipprobe/$("$SIPPROBE" --version | awk '{print $2}')" "our probes, seen as the client"

# 5. Live capture on loopback while a scan runs (root only).
if [ "$(id -u)" = 0 ]; then
    "$SIPPROBE" -q --read-live lo --filter "port $PORT" --duration 3 -o "$WORK/live-cap.json" &
    CAP=$!
    PIDS+=($CAP)
    sleep 1
    "$SIPPROBE" -q -p $PORT -m OPTIONS,REGISTER --wait 500 -f ndjson 127.0.38.1-127.0.38.4 >/dev/null
    wait $CAP
    expect_eq "$(jq -r '[.services[] | select(.role != "uac") | .host] | join(",")' "$WORK/live-cap.json")" \
        "127.0.38.1,127.0.38.2,127.0.38.3,127.0.38.4" "live capture: the lab services"
    expect_eq "$(jq -r '.services[] | select(.host == "127.0.38.2") | [.findings[].id] | index("register-without-auth") != null' "$WORK/live-cap.json")" \
        true "live capture: register-without-auth"
    set +e
    "$SIPPROBE" -q --read-live no-such-if0 --duration 1 2>"$WORK/if.err"
    expect_eq "$?" 2 "unknown interface"
    "$SIPPROBE" -q --read-live lo --filter "port nonsense" --duration 1 2>"$WORK/bpf.err"
    expect_eq "$?" 2 "bad filter"
    set -e
    grep -q "no such interface\|No such device" "$WORK/if.err" || fail "interface error: $(cat "$WORK/if.err")"
    grep -q "bad capture filter 'port nonsense'" "$WORK/bpf.err" || fail "filter error: $(cat "$WORK/bpf.err")"
fi
echo "PASS"
