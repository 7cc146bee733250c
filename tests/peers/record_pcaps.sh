#!/usr/bin/env bash
# Records the real-peer captures of fixtures/pcap/ on loopback (root, for
# tcpdump). Every peer listens on 127.0.0.0/8 only and is stopped by PID.
#   kamailio-digest.pcap     sipsak registers alice with the right password
#                            (401 then 200), then svcrack (SIPVicious) guesses
#                            alice's password 15 times: brute force, scanner
#   kamailio-digest.pcapng   the same, converted with editcap (pcapng reader)
#   svmap-lab.pcap           svmap sweeps 8 lab addresses, 3 answer; taken
#                            with `tcpdump -i any` (Linux cooked capture)
#   sipp-tcp-call.pcap       a SIPp call over TCP (uac -> uas), handshake and all
#   sipsak-open-registrar.pcap  sipsak REGISTERs to the lab's open registrar
#   sipsak-weak-password.pcap   sipsak registers 101 (password 1234) and 102
#                            (a strong one) to Kamailio with auth_db, then
#                            tries 102 with a wrong password: the password
#                            audit of a capture cracks 101 only
# sipsak gets 4-digit ports: it cuts longer ones short in the Request-URI.
# Usage: tests/peers/record_pcaps.sh BUILD_DIR OUT_DIR
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$1" && pwd)
OUT=$(cd "$2" && pwd)
WORK=$(mktemp -d /tmp/sipprobe-rec.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

record() { # record FILE IFACE FILTER -- starts tcpdump in the background
    tcpdump -i "$2" --immediate-mode -U -s 0 -w "$1" "$3" 2>"$WORK/tcpdump.log" &
    TCPDUMP=$!
    PIDS+=($TCPDUMP)
    sleep 1
}
stop_record() {
    sleep 1.5 # what the kernel holds for tcpdump is written before it stops
    kill -INT $TCPDUMP
    wait $TCPDUMP 2>/dev/null || true
}

# 1. Kamailio with digest auth: a good registration, then a password guesser.
sed "s/LISTEN/127.0.0.2:5140/" "$ROOT/tests/peers/kamailio-registrar.cfg" >"$WORK/k.cfg"
mkdir -p "$WORK/krun"
kamailio -f "$WORK/k.cfg" -DD -E -m 32 -M 8 -Y "$WORK/krun" -P "$WORK/krun/k.pid" >"$WORK/k.log" 2>&1 &
PIDS+=($!)
sleep 1.5
record "$OUT/kamailio-digest.pcap" lo "udp port 5140"
sipsak -U -s sip:alice@127.0.0.2:5140 -u alice -a s3cret-alice -C sip:alice@127.0.0.1:5149 -x 60 -l 5149 -H 127.0.0.1 || true
printf '%s\n' 123456 password alice 1234 qwerty 111111 letmein 000000 secret admin \
    sip voip 100 abc123 changeme >"$WORK/dict.txt"
svcrack -u alice -d "$WORK/dict.txt" -p 5140 -x 127.0.0.1 -b 127.0.0.9 127.0.0.2 || true
stop_record
editcap -F pcapng "$OUT/kamailio-digest.pcap" "$OUT/kamailio-digest.pcapng"

# 2. svmap against the lab, captured on "any" (Linux cooked).
cat >"$WORK/lab.conf" <<CONF
127.0.37.1 asterisk
127.0.37.4 yealink-t46s
127.0.37.7 fritzbox
CONF
"$BUILD/tests/sipprobe-lab" --config "$WORK/lab.conf" --personas "$ROOT/fixtures/personas" \
    --port 25141 --max-seconds 60 2>/dev/null &
PIDS+=($!)
sleep 0.3
record "$OUT/svmap-lab.pcap" any "udp port 25141"
svmap -p 25141 -x 127.0.0.1 127.0.37.1-127.0.37.8 || true
stop_record

# 3. A SIPp call over TCP.
sipp -sn uas -t t1 -i 127.0.0.3 -p 25142 -m 1 -bg -nostdin >/dev/null 2>&1 || true
sleep 0.5
record "$OUT/sipp-tcp-call.pcap" lo "tcp port 25142"
sipp -sn uac -t t1 -i 127.0.0.4 -p 25143 -m 1 -d 100 -nostdin 127.0.0.3:25142 >/dev/null 2>&1 || true
stop_record
pkill -f "sipp -sn uas -t t1 -i 127.0.0.3" || true

# 4. sipsak against the lab's open registrar.
echo "127.0.37.20 open-registrar" >"$WORK/open.conf"
"$BUILD/tests/sipprobe-lab" --config "$WORK/open.conf" --personas "$ROOT/fixtures/personas" \
    --port 5144 --max-seconds 60 2>/dev/null &
PIDS+=($!)
sleep 0.3
record "$OUT/sipsak-open-registrar.pcap" lo "udp port 5144"
sipsak -U -s sip:200@127.0.37.20:5144 -C sip:200@127.0.0.1:5148 -x 60 -l 5148 -H 127.0.0.1 || true
stop_record
ls -l "$OUT"

# 6. Registrations with a weak and a strong password (Kamailio auth_db over
#    db_text, as tests/integration/test_audit.sh sets it up).
mkdir -p "$WORK/db"
printf 'table_name(string) table_version(int)\nsubscriber:7\nlocation:9\n' >"$WORK/db/version"
printf '%s\n' 'id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null)' \
    '1:101:127.0.0.2:1234::' '2:102:127.0.0.2:Xk9-long-Random-77::' >"$WORK/db/subscriber"
sed -e "s/LISTEN/127.0.0.2:5142/" -e "s#DBDIR#$WORK/db#" -e "s/ALGORITHM/MD5/" \
    "$ROOT/tests/peers/kamailio-audit.cfg" >"$WORK/ka.cfg"
mkdir -p "$WORK/karun"
kamailio -f "$WORK/ka.cfg" -DD -E -m 32 -M 8 -Y "$WORK/karun" -P "$WORK/karun/k.pid" >"$WORK/ka.log" 2>&1 &
PIDS+=($!)
sleep 1.5
record "$OUT/sipsak-weak-password.pcap" lo "udp port 5142"
sipsak -U -s sip:101@127.0.0.2:5142 -u 101 -a 1234 -C sip:101@127.0.0.1:5149 -x 60 -l 5149 -H 127.0.0.1 || true
sipsak -U -s sip:102@127.0.0.2:5142 -u 102 -a Xk9-long-Random-77 -C sip:102@127.0.0.1:5149 -x 60 -l 5149 -H 127.0.0.1 || true
sipsak -U -s sip:102@127.0.0.2:5142 -u 102 -a 4321 -C sip:102@127.0.0.1:5149 -x 60 -l 5149 -H 127.0.0.1 || true
stop_record
