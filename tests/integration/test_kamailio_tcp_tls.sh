# A real registrar (Debian kamailio) on loopback over UDP, TCP and TLS: the
# three services carry the same fingerprint, challenge, and enumeration
# answers, and the TLS one carries the certificate Kamailio was given.
source "$(dirname "$0")/lib.sh"
need kamailio
need jq
need openssl
PORT=25110
TLS_PORT=25111
[ -e /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so ] || [ -n "$(find /usr/lib -path '*kamailio/modules/tls.so' 2>/dev/null | head -1)" ] ||
    skip "kamailio-tls-modules is not installed"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 \
    -subj /CN=kamailio.lab.test -addext "subjectAltName=DNS:kamailio.lab.test,IP:127.0.0.2" 2>/dev/null
sed "s|KEY|$WORK/key.pem|; s|CERT|$WORK/cert.pem|" "$SP_SOURCE_DIR/tests/peers/kamailio-tls.cfg" >"$WORK/tls.cfg"
sed -e "s|^listen=udp:LISTEN|listen=udp:127.0.0.2:$PORT\nlisten=tcp:127.0.0.2:$PORT\nlisten=tls:127.0.0.2:$TLS_PORT\nenable_tls=yes|" \
    -e "s|^loadmodule \"sl.so\"|loadmodule \"tls.so\"\nmodparam(\"tls\", \"config\", \"$WORK/tls.cfg\")\nloadmodule \"sl.so\"|" \
    "$SP_SOURCE_DIR/tests/peers/kamailio-registrar.cfg" >"$WORK/k.cfg"
grep -q "^listen=tls:127.0.0.2:$TLS_PORT" "$WORK/k.cfg" || fail "config substitution"
mkdir -p "$WORK/krun"
kamailio -f "$WORK/k.cfg" -DD -E -m 32 -M 8 -Y "$WORK/krun" -P "$WORK/krun/k.pid" >"$WORK/k.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do
    grep -q "tls: 127.0.0.2 \[127.0.0.2\]:$TLS_PORT" "$WORK/k.log" 2>/dev/null && break
    sleep 0.1
done
grep -q "tls: 127.0.0.2 \[127.0.0.2\]:$TLS_PORT" "$WORK/k.log" || fail "kamailio did not start: $(tail -5 "$WORK/k.log")"
sleep 0.3

"$SIPPROBE" -q --transport udp,tcp,tls -p $PORT,$TLS_PORT -m OPTIONS,REGISTER \
    --extensions 100-110,150,alice,bob --rate 2000 --wait 3000 --retries 2 -o "$WORK/k.json" 127.0.0.2
J="$WORK/k.json"
expect_eq "$(jq -r '[.services[] | "\(.port)/\(.transport)"] | join(" ")' "$J")" \
    "$PORT/udp $PORT/tcp $TLS_PORT/tls" "services: UDP, TCP and TLS, nothing on the wrong ports"
for t in udp tcp tls; do
    S=".services[] | select(.transport == \"$t\")"
    expect_eq "$(jq -r "$S | .fingerprint.product" "$J")" Kamailio "$t: fingerprint"
    expect_eq "$(jq -r "$S | .replies[] | select(.method == \"REGISTER\") | \"\(.status) \(.challenged)\"" "$J")" \
        "401 true" "$t: REGISTER challenged"
    [ "$(jq -r "$S | .enumeration.extensions | join(\",\")" "$J")" = "100,101,150,alice" ] ||
        fail "$t: extensions: $(jq -c "$S | .enumeration" "$J"); summary $(jq -c .summary "$J")"
done
# The TLS service shows the certificate Kamailio was given, and self-signed is an info finding.
T='.services[] | select(.transport == "tls") | .tls'
expect_eq "$(jq -r "$T | .subject" "$J")" "CN=kamailio.lab.test" "certificate subject"
expect_eq "$(jq -r "$T | .sans | join(\",\")" "$J")" "DNS:kamailio.lab.test,IP:127.0.0.2" "certificate SANs"
expect_eq "$(jq -r "$T | \"\(.self_signed) \(.expired) \(.key_type) \(.key_bits)\"" "$J")" "true false RSA 2048" "certificate facts"
fp=$(openssl x509 -in "$WORK/cert.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
expect_eq "$(jq -r "$T | .sha256" "$J")" "$fp" "certificate fingerprint matches openssl's"
case "$(jq -r "$T | .version" "$J")" in
TLSv1.2 | TLSv1.3) ;;
*) fail "protocol: $(jq -r "$T | .version" "$J")" ;;
esac
expect_eq "$(jq -r '.services[] | select(.transport == "tls") | [.findings[].id] | map(select(startswith("tls-"))) | join(",")' "$J")" \
    "tls-self-signed" "TLS findings"
expect_eq "$(jq -r '[.services[] | select(.transport != "tls") | .tls] | unique | join(",")' "$J")" "" "no TLS evidence on UDP/TCP"
echo "PASS"
