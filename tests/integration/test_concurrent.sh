# Two scans on two threads of one process at once find exactly what the same
# scans find one at a time (the library keeps no state between handles).
source "$(dirname "$0")/lib.sh"
: "${SP_CONCURRENT:?path to the concurrent_scans helper}"
PORT=25095
cat >"$WORK/lab.conf" <<CONF
127.0.60.0/26    asterisk
127.0.60.64/26   open-registrar
127.0.61.0/26    kamailio
127.0.61.64/26   freepbx
CONF
start_lab "$WORK/lab.conf" $PORT
"$SP_CONCURRENT" $PORT 127.0.60.0/25 127.0.61.0/25 >"$WORK/out" 2>"$WORK/err" ||
    fail "concurrent scans differ: $(cat "$WORK/err")"
expect_eq "$(cat "$WORK/out")" "128 + 128 services together, 128 + 128 alone" "services found"
echo "PASS"
