# DNS discovery (RFC 3263) against dnsmasq on loopback serving a test zone,
# example.test, whose NAPTR, SRV and A records point at the loopback lab:
# every server the zone names is probed once, over the transport DNS says,
# each with the DNS path that led to it; a record into private space is the
# dns-private-address finding (its address excluded, so never probed); a
# domain that does not exist is a warning and the scan goes on. Every query
# goes to the dnsmasq started here (--dns-server), never to the system's.
source "$(dirname "$0")/lib.sh"
need jq
need openssl
command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] || skip "dnsmasq is not installed"
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
DNS=127.0.50.53
DNS_PORT=25500
PORT=25501
TLS_PORT=25502

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 \
    -subj /CN=pbx3.example.test 2>/dev/null
cat >"$WORK/lab.conf" <<CONF
127.0.50.1   asterisk
127.0.50.2   kamailio
127.0.50.3   freeswitch
CONF
rm -f "$WORK/lab.ready"
"$SIPPROBE_LAB" --config "$WORK/lab.conf" --personas "$SP_SOURCE_DIR/fixtures/personas" \
    --port $PORT --tcp-port $PORT --tls-port $TLS_PORT --tls-cert "$WORK/cert.pem" \
    --tls-key "$WORK/key.pem" --max-seconds 100 --ready-file "$WORK/lab.ready" 2>"$WORK/lab.log" &
PIDS+=($!)

# The zone. --local makes dnsmasq answer NXDOMAIN for the rest of
# example.test itself; with --no-resolv it has no upstream to ask.
"$DNSMASQ" -k -p $DNS_PORT --listen-address $DNS --bind-interfaces --no-resolv --no-hosts \
    --conf-file=/dev/null --pid-file= --user=root --local=/example.test/ --log-queries \
    --log-facility="$WORK/dns.log" \
    --naptr-record=example.test,10,20,s,SIP+D2U,,_sip._udp.example.test \
    --naptr-record=example.test,10,10,S,SIP+D2T,,_sip._tcp.example.test \
    --naptr-record=example.test,20,10,s,SIPS+D2T,,_sips._tcp.example.test \
    --naptr-record=example.test,30,10,s,SIP+D2S,,_sip._sctp.example.test \
    --naptr-record=example.test,30,10,s,E2U+sip,,ignored.example.test \
    --srv-host=_sip._udp.example.test,pbx1.example.test,$PORT,10,5 \
    --srv-host=_sip._udp.example.test,pbx2.example.test,$PORT,20,0 \
    --srv-host=_sip._udp.example.test,internal.example.test,5060,30,0 \
    --srv-host=_sip._tcp.example.test,pbx1.example.test,$PORT,10,0 \
    --srv-host=_sips._tcp.example.test,pbx3.example.test,$TLS_PORT,10,0 \
    --srv-host=_sip._udp.srv.example.test,pbx2.example.test,$PORT,0,0 \
    --host-record=pbx1.example.test,127.0.50.1 \
    --host-record=pbx2.example.test,127.0.50.2 \
    --host-record=pbx3.example.test,127.0.50.3 \
    --host-record=internal.example.test,10.20.30.40 \
    --host-record=bare.example.test,127.0.50.3 2>"$WORK/dnsmasq.err" &
PIDS+=($!)
for _ in $(seq 50); do
    [ -s "$WORK/lab.ready" ] && grep -q "cleared cache\|started" "$WORK/dns.log" 2>/dev/null && break
    sleep 0.1
done
[ -s "$WORK/lab.ready" ] || fail "lab did not start: $(cat "$WORK/lab.log")"
grep -q started "$WORK/dns.log" 2>/dev/null || fail "dnsmasq did not start: $(cat "$WORK/dnsmasq.err")"

# 1. Nothing is sent to the private record: --dry-run lists the probes.
"$SIPPROBE" --dry-run --dns-server $DNS:$DNS_PORT --exclude 10.0.0.0/8 example.test \
    >"$WORK/dry.txt" 2>&1
grep -q "10.20.30.40" "$WORK/dry.txt" && fail "the excluded private record would be probed"
expect_eq "$(grep '^# to ' "$WORK/dry.txt" | sed 's/ (.*//' | sort | tr '\n' ' ')" \
    "# to 127.0.50.1:25501/tcp # to 127.0.50.1:25501/udp # to 127.0.50.2:25501/udp # to 127.0.50.3:25502/tls " \
    "probes of example.test"

# 2. The scan: four domains, one of which does not exist.
"$SIPPROBE" --dns-server $DNS:$DNS_PORT --exclude 10.0.0.0/8 -p $PORT --wait 1000 \
    -o "$WORK/out.json" example.test sip:srv.example.test bare.example.test missing.example.test \
    2>"$WORK/err.txt" || fail "scan failed: $(cat "$WORK/err.txt")"
J="$WORK/out.json"
expect_eq "$(jq -r '[.services[] | "\(.host):\(.port)/\(.transport)"] | join(" ")' "$J")" \
    "127.0.50.1:25501/udp 127.0.50.1:25501/tcp 127.0.50.2:25501/udp 127.0.50.3:25501/udp 127.0.50.3:25502/tls" \
    "services found through DNS"
grep -q "warning: cannot resolve target 'missing.example.test': the domain does not exist" \
    "$WORK/err.txt" || fail "no message for the missing domain: $(cat "$WORK/err.txt")"

# Each service with the DNS path that led to it.
svc() { jq -r --arg a "$1" --argjson p "$2" --arg t "$3" \
    '.services[] | select(.host == $a and .port == $p and .transport == $t)' "$J"; }
expect_eq "$(svc 127.0.50.1 $PORT udp | jq -r '.dns | join(" | ")')" \
    "example.test NAPTR 10 20 \"s\" \"SIP+D2U\" -> _sip._udp.example.test SRV 10 5 $PORT pbx1.example.test -> pbx1.example.test A 127.0.50.1" \
    "path of pbx1 over udp"
expect_eq "$(svc 127.0.50.1 $PORT tcp | jq -r '.dns | join(" | ")')" \
    "example.test NAPTR 10 10 \"S\" \"SIP+D2T\" -> _sip._tcp.example.test SRV 10 0 $PORT pbx1.example.test -> pbx1.example.test A 127.0.50.1" \
    "path of pbx1 over tcp"
# pbx2 is named by two domains: both paths.
expect_eq "$(svc 127.0.50.2 $PORT udp | jq -r '.dns | join(" | ")')" \
    "example.test NAPTR 10 20 \"s\" \"SIP+D2U\" -> _sip._udp.example.test SRV 20 0 $PORT pbx2.example.test -> pbx2.example.test A 127.0.50.2 | _sip._udp.srv.example.test SRV 0 0 $PORT pbx2.example.test -> pbx2.example.test A 127.0.50.2" \
    "paths of pbx2"
expect_eq "$(svc 127.0.50.3 $TLS_PORT tls | jq -r '.dns[0]')" \
    "example.test NAPTR 20 10 \"s\" \"SIPS+D2T\" -> _sips._tcp.example.test SRV 10 0 $TLS_PORT pbx3.example.test -> pbx3.example.test A 127.0.50.3" \
    "path of pbx3 over tls"
expect_eq "$(svc 127.0.50.3 $PORT udp | jq -r '.dns | join(" | ")')" \
    "bare.example.test: no NAPTR or SRV record -> bare.example.test A 127.0.50.3" \
    "path of a domain without NAPTR or SRV"
expect_eq "$(svc 127.0.50.3 $TLS_PORT tls | jq -r '.fingerprint.product')" "FreeSWITCH" \
    "the TLS service found through DNS is fingerprinted"

# dns-private-address: on every service of example.test, naming the
# private record (loopback counts: a public zone must not name it either).
ev=$(svc 127.0.50.1 $PORT udp | jq -r '.findings[] | select(.id == "dns-private-address") | .evidence | join(" | ")')
case "$ev" in
*"_sip._udp.example.test SRV 30 0 5060 internal.example.test -> internal.example.test A 10.20.30.40"*) ;;
*) fail "dns-private-address evidence: $ev" ;;
esac
expect_eq "$(jq '[.services[] | select(any(.findings[]; .id == "dns-private-address"))] | length' "$J")" \
    5 "services with dns-private-address"

# 3. sips: follows only the SIPS NAPTR record; ndjson carries the path too.
"$SIPPROBE" -q --dns-server $DNS:$DNS_PORT --wait 1000 -f ndjson sips:example.test >"$WORK/sips.ndjson"
expect_eq "$(jq -r '"\(.host):\(.port)/\(.transport) \(.dns | length)"' "$WORK/sips.ndjson")" \
    "127.0.50.3:25502/tls 1" "sips: target"

# 4. A transport in the target skips NAPTR: the SRV of that transport only.
"$SIPPROBE" -q --dns-server $DNS:$DNS_PORT --wait 1000 -f ndjson "sip:example.test;transport=tcp" \
    >"$WORK/tcp.ndjson"
expect_eq "$(jq -r '"\(.host):\(.port)/\(.transport) \(.dns[0])"' "$WORK/tcp.ndjson")" \
    "127.0.50.1:25501/tcp _sip._tcp.example.test SRV 10 0 $PORT pbx1.example.test -> pbx1.example.test A 127.0.50.1" \
    "transport=tcp target"

# 5. Only the dnsmasq above was asked; a bad --dns-server is a usage error.
grep -q "query\[NAPTR\] example.test from 127.0.0.1" "$WORK/dns.log" || fail "no NAPTR query seen"
set +e
"$SIPPROBE" --dns-server 'not-an-address' example.test >/dev/null 2>"$WORK/bad.txt"
rc=$?
set -e
[ $rc -ne 0 ] || fail "a bad --dns-server was accepted"
grep -q "bad DNS server 'not-an-address'" "$WORK/bad.txt" || fail "bad --dns-server: $(cat "$WORK/bad.txt")"
echo "ok"
