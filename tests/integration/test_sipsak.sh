# sipsak as a real SIP client against the lab: the lab's recorded replies
# must be valid SIP to an independent implementation, including the reply
# sent from the address that was hit.
source "$(dirname "$0")/lib.sh"
need sipsak
PORT=25064
printf '127.0.12.1 freeswitch\n127.0.12.2 open-registrar\n' >"$WORK/lab.conf"
start_lab "$WORK/lab.conf" $PORT
sipsak -s "sip:100@127.0.12.1:$PORT" -vv >"$WORK/sipsak.out" 2>&1 || fail "sipsak: $(cat "$WORK/sipsak.out")"
grep -q 'SIP/2.0 200 OK' "$WORK/sipsak.out" || fail "no 200 OK: $(cat "$WORK/sipsak.out")"
grep -q 'User-Agent: FreeSWITCH-mod_sofia/1.10.9' "$WORK/sipsak.out" || fail "wrong persona"
# And sipprobe agrees with sipsak about the same service.
"$SIPPROBE" -q --rate 100 --wait 500 -f csv "127.0.12.1:$PORT" >"$WORK/out.csv"
grep -q '"FreeSWITCH","1.10.9"' "$WORK/out.csv" || fail "csv: $(cat "$WORK/out.csv")"
echo "PASS"
