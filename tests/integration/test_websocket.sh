# SIP over WebSocket (ws, wss; RFC 7118) against a real peer, Kamailio with
# its websocket and xhttp modules on loopback, which upgrades only /sip: the
# default paths are tried until one upgrades, a URL's own path is the only
# one tried, each service records the upgrade (path, status, Server) with
# the sip-websocket-exposed finding, and wss carries its certificate. Then
# hostile peers (a stalled handshake, no upgrade, a huge frame, endless
# fragments, a ping flood) each cost their timeout and a bounded buffer.
source "$(dirname "$0")/lib.sh"
need kamailio
need jq
need openssl
need python3
KDIR=/usr/lib/x86_64-linux-gnu/kamailio/modules
[ -e $KDIR/websocket.so ] || [ -n "$(find /usr/lib -path '*kamailio/modules/websocket.so' 2>/dev/null | head -1)" ] ||
    skip "kamailio-websocket-modules is not installed"
[ -e $KDIR/tls.so ] || [ -n "$(find /usr/lib -path '*kamailio/modules/tls.so' 2>/dev/null | head -1)" ] ||
    skip "kamailio-tls-modules is not installed"
K=127.0.52.1
WS=25510
WSS=25511
HOSTILE=25512

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 \
    -subj /CN=ws.lab.test 2>/dev/null
sed "s|KEY|$WORK/key.pem|; s|CERT|$WORK/cert.pem|" "$SP_SOURCE_DIR/tests/peers/kamailio-tls.cfg" >"$WORK/tls.cfg"
sed -e "s|LISTEN_WSS|$K:$WSS|; s|LISTEN_WS|$K:$WS|; s|TLSCFG|$WORK/tls.cfg|" \
    "$SP_SOURCE_DIR/tests/peers/kamailio-ws.cfg" >"$WORK/k.cfg"
mkdir -p "$WORK/krun"
kamailio -f "$WORK/k.cfg" -DD -E -m 32 -M 8 -Y "$WORK/krun" -P "$WORK/krun/k.pid" >"$WORK/k.log" 2>&1 &
PIDS+=($!)
python3 "$SP_SOURCE_DIR/tests/peers/ws_hostile.py" $HOSTILE "$WORK/hostile.ready" \
    stall=127.0.52.11 noupgrade=127.0.52.12 huge=127.0.52.13 fragments=127.0.52.14 \
    pings=127.0.52.15 2>"$WORK/hostile.log" &
PIDS+=($!)
for _ in $(seq 50); do
    grep -q "tls: $K \[$K\]:$WSS" "$WORK/k.log" 2>/dev/null && [ -s "$WORK/hostile.ready" ] && break
    sleep 0.1
done
grep -q "tls: $K \[$K\]:$WSS" "$WORK/k.log" || fail "kamailio did not start: $(tail -5 "$WORK/k.log")"
[ -s "$WORK/hostile.ready" ] || fail "hostile peers did not start: $(cat "$WORK/hostile.log")"
# Kamailio logs its listeners before its TLS workers are up: wait until wss answers.
for _ in $(seq 20); do
    [ "$("$SIPPROBE" -q --wait 500 -f json "wss://$K:$WSS/sip" | jq '.services | length')" = 1 ] && break
    sleep 0.2
done

# 1. --transport ws,wss: the default paths, until /sip upgrades.
"$SIPPROBE" -q --transport ws,wss -p $WS,$WSS --wait 2000 -o "$WORK/k.json" $K ||
    fail "scan of kamailio failed"
J="$WORK/k.json"
expect_eq "$(jq -r '[.services[] | "\(.port)/\(.transport)"] | join(" ")' "$J")" "$WS/ws $WSS/wss" \
    "services: ws and wss, nothing on the wrong ports ($(jq -c .summary.connections "$J"))"
for t in ws wss; do
    S=".services[] | select(.transport == \"$t\")"
    expect_eq "$(jq -r "$S | \"\(.websocket.path) \(.websocket.status) \(.websocket.server)\"" "$J")" \
        "/sip 101 kamailio (5.6.3 (x86_64/linux))" "$t: the upgrade"
    expect_eq "$(jq -r "$S | .fingerprint.product" "$J")" Kamailio "$t: fingerprint"
    expect_eq "$(jq -r "$S | .findings[] | select(.id == \"sip-websocket-exposed\") | .evidence[0]" "$J")" \
        "GET /sip with Sec-WebSocket-Protocol: sip -> HTTP 101 (Server: kamailio (5.6.3 (x86_64/linux)))" \
        "$t: sip-websocket-exposed"
done
expect_eq "$(jq -r '.services[] | select(.transport == "wss") | .tls.subject' "$J")" "CN=ws.lab.test" \
    "wss: certificate"
expect_eq "$(jq -r '.services[] | select(.transport == "ws") | .tls' "$J")" "null" "ws: no TLS"

# 2. URL targets: their own path only. /ws does not upgrade: no service.
"$SIPPROBE" -q --wait 2000 -f json "ws://$K:$WS/sip" "wss://$K:$WSS/sip" >"$WORK/url.json"
expect_eq "$(jq -r '[.services[] | "\(.port)/\(.transport) \(.websocket.path)"] | join(", ")' "$WORK/url.json")" \
    "$WS/ws /sip, $WSS/wss /sip" "URL targets"
"$SIPPROBE" -q --wait 2000 -f json "ws://$K:$WS/ws" >"$WORK/nows.json"
expect_eq "$(jq -c '[(.services | length), .summary.connections.no_websocket_upgrade]' "$WORK/nows.json")" \
    "[0,1]" "a path that does not upgrade"
# The probe went as SIP over WebSocket: Kamailio answered the WS Via.
expect_eq "$(jq -r '.services[0].vias[0]' "$WORK/url.json" | cut -d' ' -f1)" "SIP/2.0/WS" "Via"

# 3. Found through DNS: NAPTR SIP+D2W and SIPS+D2W lead to ws and wss.
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
if [ -x "$DNSMASQ" ]; then
    "$DNSMASQ" -k -p 25513 --listen-address 127.0.52.53 --bind-interfaces --no-resolv --no-hosts \
        --conf-file=/dev/null --pid-file= --user=root --local=/ws.test/ --log-facility="$WORK/dns.log" \
        --naptr-record=ws.test,10,10,s,SIP+D2W,,_sip._ws.ws.test \
        --naptr-record=ws.test,20,10,s,SIPS+D2W,,_sips._ws.ws.test \
        --srv-host=_sip._ws.ws.test,pbx.ws.test,$WS,0,0 \
        --srv-host=_sips._ws.ws.test,pbx.ws.test,$WSS,0,0 \
        --host-record=pbx.ws.test,$K 2>"$WORK/dnsmasq.err" &
    PIDS+=($!)
    for _ in $(seq 50); do
        grep -q started "$WORK/dns.log" 2>/dev/null && break
        sleep 0.1
    done
    "$SIPPROBE" -q --dns-server 127.0.52.53:25513 --wait 2000 -f ndjson sip:ws.test >"$WORK/dns.ndjson"
    # ndjson lines come as services are found: which of two connections
    # racing on loopback answers first is not part of the result.
    expect_eq "$(jq -r '"\(.port)/\(.transport) \(.websocket.path) \(.dns[0])"' "$WORK/dns.ndjson" | sort | tr '\n' '|')" \
        "$WS/ws /sip ws.test NAPTR 10 10 \"s\" \"SIP+D2W\" -> _sip._ws.ws.test SRV 0 0 $WS pbx.ws.test -> pbx.ws.test A $K|$WSS/wss /sip ws.test NAPTR 20 10 \"s\" \"SIPS+D2W\" -> _sips._ws.ws.test SRV 0 0 $WSS pbx.ws.test -> pbx.ws.test A $K|" \
        "ws and wss found through NAPTR"
fi

# 4. Hostile peers: no service, bounded time and memory, each ended.
start=$(date +%s%N)
/usr/bin/time -f '%M' -o "$WORK/rss" "$SIPPROBE" -q --transport ws -p $HOSTILE --wait 1000 \
    --connect-timeout 1000 -f json 127.0.52.11-127.0.52.15 >"$WORK/hostile.json" ||
    fail "scan of the hostile peers failed"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
H="$WORK/hostile.json"
expect_eq "$(jq '.services | length' "$H")" 0 "hostile peers are not services"
expect_eq "$(jq -c '.summary.connections | [.attempts, .no_reply, .no_websocket_upgrade]' "$H")" \
    "[5,3,2]" "how the hostile connections ended"
[ "$elapsed_ms" -lt 6000 ] || fail "hostile peers held the scan for $elapsed_ms ms"
[ "$(cat "$WORK/rss")" -lt 65536 ] || fail "memory grew to $(cat "$WORK/rss") KiB"
# What each flood got in before sipprobe hung up: about a message's worth.
for _ in $(seq 30); do
    [ "$(grep -c '^\(huge\|fragments\|pings\):' "$WORK/hostile.log" || true)" -ge 3 ] && break
    sleep 0.1
done
for m in huge fragments pings; do
    bytes=$(awk -v m="$m:" '$1 == m { print $2; exit }' "$WORK/hostile.log")
    [ -z "$bytes" ] || [ "$bytes" -lt 4194304 ] || fail "$m: the peer sent $bytes bytes"
done
echo ok
