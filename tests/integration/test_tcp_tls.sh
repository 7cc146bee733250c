# Scanning over TCP and TLS against the loopback lab (127.0.0.0/8 and ::1):
# services over every transport with the same fingerprints, certificate
# evidence and the tls-* findings, URI targets, closed ports counted and not
# reported, and hostile stream peers (accepts and stalls, trickles bytes,
# floods an endless header) that cost their timeouts and a bounded buffer.
source "$(dirname "$0")/lib.sh"
need jq
need openssl
PORT=25120
TLS_PORT=25121
WEAK_UDP=25122
WEAK_TLS=25123
CLOSED=25129

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 \
    -subj /CN=pbx.lab.test -addext "subjectAltName=DNS:pbx.lab.test,IP:127.0.32.1" 2>/dev/null

cat >"$WORK/lab.conf" <<CONF
127.0.32.1   asterisk
127.0.32.2   kamailio  stream=stall
127.0.32.3   freepbx   stream=trickle
127.0.32.4   asterisk  stream=flood
127.0.32.5   silent
::1          freeswitch
CONF
start_lab_streams() { # CONF UDP TCP TLS [extra lab options...]
    local conf=$1 udp=$2 tcp=$3 tls=$4
    shift 4
    rm -f "$WORK/lab$udp.ready"
    "$SIPPROBE_LAB" --config "$conf" --personas "$SP_SOURCE_DIR/fixtures/personas" --port "$udp" \
        ${tcp:+--tcp-port "$tcp"} --tls-port "$tls" "$@" --max-seconds 100 \
        --ready-file "$WORK/lab$udp.ready" 2>"$WORK/lab$udp.log" &
    PIDS+=($!)
    for _ in $(seq 50); do
        [ -s "$WORK/lab$udp.ready" ] && return 0
        sleep 0.1
    done
    fail "lab did not start: $(cat "$WORK/lab$udp.log")"
}
start_lab_streams "$WORK/lab.conf" $PORT $PORT $TLS_PORT --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem"
echo "127.0.33.1 opensips" >"$WORK/weak.conf"
start_lab_streams "$WORK/weak.conf" $WEAK_UDP "" $WEAK_TLS --tls-max-version 1.1

# 1. Every transport, hostile peers included: bounded time and memory.
start=$(date +%s%N)
/usr/bin/time -f '%M' -o "$WORK/rss" "$SIPPROBE" -q --transport udp,tcp,tls -p $PORT,$TLS_PORT \
    --connect-timeout 1000 --wait 1500 -o "$WORK/all.json" 127.0.32.1-127.0.32.6 ::1
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
J="$WORK/all.json"
expect_eq "$(jq -r '[.services[] | "\(.host) \(.port)/\(.transport)"] | join(", ")' "$J")" \
    "127.0.32.1 $PORT/udp, 127.0.32.1 $PORT/tcp, 127.0.32.1 $TLS_PORT/tls, 127.0.32.2 $PORT/udp, 127.0.32.3 $PORT/udp, 127.0.32.4 $PORT/udp, ::1 $PORT/udp, ::1 $PORT/tcp, ::1 $TLS_PORT/tls" \
    "services: the hostile stream peers and the silent address are not services"
expect_eq "$(jq -r '[.services[] | select(.host == "127.0.32.1") | .fingerprint.product] | unique | join(",")' "$J")" \
    Asterisk "same product over udp, tcp and tls"
expect_eq "$(jq -r '[.services[] | select(.host == "::1") | .fingerprint.product] | unique | join(",")' "$J")" \
    FreeSWITCH "same product over IPv6 udp, tcp and tls"
T='.services[] | select(.host == "127.0.32.1" and .transport == "tls") | .tls'
expect_eq "$(jq -r "$T | \"\(.subject) | \(.issuer) | \(.sans | join(\",\"))\"" "$J")" \
    "CN=pbx.lab.test | CN=pbx.lab.test | DNS:pbx.lab.test,IP:127.0.32.1" "certificate names"
expect_eq "$(jq -r "$T | \"\(.self_signed) \(.expired) \(.key_type) \(.key_bits) \(.version)\"" "$J")" \
    "true false RSA 2048 TLSv1.3" "certificate facts"
expect_eq "$(jq -r "$T | .not_after" "$J")" \
    "$(date -u -d "$(openssl x509 -in "$WORK/cert.pem" -noout -enddate | sed 's/notAfter=//')" +%Y-%m-%dT%H:%M:%SZ)" "not_after"
expect_eq "$(jq -r '[.services[] | select(.transport == "tls") | .findings[].id | select(startswith("tls-"))] | unique | join(",")' "$J")" \
    "tls-self-signed" "a current self-signed certificate: only tls-self-signed"
expect_eq "$(jq -r '[.services[] | select(.transport != "udp") | .findings[].id | select(. == "udp-amplification")] | length' "$J")" 0 \
    "no udp-amplification over TCP/TLS"
# 7 addresses x 2 ports x (tcp + tls): 28 attempts; 4 answered (127.0.32.1 and ::1, tcp and tls).
C='.summary.connections'
expect_eq "$(jq -r "$C.attempts" "$J")" 28 "connection attempts"
expect_eq "$(jq -r "$C.refused + $C.filtered + $C.no_reply + $C.tls_failed" "$J")" 24 "attempts without a service"
[ "$(jq -r "$C.tls_failed" "$J")" -ge 7 ] || fail "TLS to the plain TCP port should fail: $(jq -c $C "$J")"
# The stall, trickle and flood peers cost at most connect-timeout + wait each, in parallel.
[ "$elapsed_ms" -lt 6000 ] || fail "scan took ${elapsed_ms} ms with hostile peers"
# Memory: the flooding peer (up to 1 GiB of header) adds no more than a bounded buffer to a
# scan of a well-behaved peer (relative, so that sanitizer builds compare alike).
/usr/bin/time -f '%M' -o "$WORK/rss.base" "$SIPPROBE" -q --transport udp,tcp,tls -p $PORT,$TLS_PORT \
    --connect-timeout 1000 --wait 1500 -o "$WORK/base.json" 127.0.32.1
[ "$(cat "$WORK/rss")" -lt $(($(cat "$WORK/rss.base") + 8192)) ] ||
    fail "peak RSS $(cat "$WORK/rss") KiB with a flooding peer, $(cat "$WORK/rss.base") KiB without"

# 2. A closed port is refused and counted, not reported.
"$SIPPROBE" -q --transport tcp,tls -p $CLOSED --connect-timeout 1000 --wait 500 -o "$WORK/closed.json" 127.0.32.1 ::1
expect_eq "$(jq -r '.services | length' "$WORK/closed.json")" 0 "closed ports: no services"
expect_eq "$(jq -r "$C.refused" "$WORK/closed.json")" 4 "closed ports: refused"

# 3. URI targets pick their transport and port; nothing else is probed.
"$SIPPROBE" -q --wait 1000 -o "$WORK/uri.json" "tcp://127.0.32.1:$PORT" "sips:127.0.32.1:$TLS_PORT" \
    "sip:alice@[::1]:$PORT;transport=tcp" "tls://[::1]:$TLS_PORT"
expect_eq "$(jq -r '[.services[] | "\(.host) \(.port)/\(.transport)"] | join(", ")' "$WORK/uri.json")" \
    "127.0.32.1 $PORT/tcp, 127.0.32.1 $TLS_PORT/tls, ::1 $PORT/tcp, ::1 $TLS_PORT/tls" "URI targets"
expect_eq "$(jq -r '.summary.probes_sent' "$WORK/uri.json")" 4 "one probe per URI"

# 4. An old server: TLS 1.1 and an expired certificate.
"$SIPPROBE" -q --transport tls -p $WEAK_TLS --wait 1000 -o "$WORK/weak.json" 127.0.33.1
W='.services[0]'
expect_eq "$(jq -r "$W.tls.version" "$WORK/weak.json")" TLSv1.1 "negotiated version"
expect_eq "$(jq -r "$W.tls | \"\(.expired) \(.self_signed) \(.key_type) \(.key_bits)\"" "$WORK/weak.json")" "true true EC 256" "expired EC certificate"
expect_eq "$(jq -r "[$W.findings[] | select(.id | startswith(\"tls-\")) | \"\(.id):\(.severity)\"] | sort | join(\",\")" "$WORK/weak.json")" \
    "tls-certificate-expired:medium,tls-self-signed:info,tls-weak-protocol:medium" "tls findings and severities"
jq -r "$W.findings[] | select(.id == \"tls-weak-protocol\") | .evidence[0]" "$WORK/weak.json" | grep -q '^negotiated TLSv1.1' ||
    fail "weak-protocol evidence"

# 5. The text report shows the certificate block.
"$SIPPROBE" -q --transport tls -p $WEAK_TLS --wait 1000 -f text 127.0.33.1 >"$WORK/weak.txt"
grep -q '^  until    .* (EXPIRED)$' "$WORK/weak.txt" || fail "text: no EXPIRED line"
grep -q '^  protocol TLSv1.1$' "$WORK/weak.txt" || fail "text: no protocol line"
echo "PASS"
