# On a terminal (a pty from script(1)): a table with coloured severities and
# a progress line on stderr; NO_COLOR turns colour off; -q turns the
# progress line off; off a terminal the default output is ndjson.
source "$(dirname "$0")/lib.sh"
need script
PORT=25071
echo "127.0.21.1 open-registrar" >"$WORK/lab.conf"
start_lab "$WORK/lab.conf" $PORT
cmd="$SIPPROBE --ports $PORT -m OPTIONS,REGISTER --wait 300 127.0.21.1"

script -qec "$cmd" /dev/null >"$WORK/tty.out"
grep -q $'\033\\[1;31mcritical' "$WORK/tty.out" || fail "no colour on a terminal"
grep -q 'sent 2 (done)  replies 2  services 1' "$WORK/tty.out" || fail "no progress line on a terminal"
grep -q 'SERVICE  ' "$WORK/tty.out" || fail "no table on a terminal"

# A longer scan shows its ETA while it runs.
script -qec "$SIPPROBE --ports $PORT --rate 300 --wait 300 127.0.21.0/24" /dev/null >"$WORK/eta.out"
tr '\r' '\n' <"$WORK/eta.out" | grep -q 'probes/s  [0-9.]*s  ETA [0-9]*s' || fail "no ETA in the progress line"

NO_COLOR=1 script -qec "$cmd" /dev/null >"$WORK/nocolor.out"
grep -q $'\033\\[1;31m' "$WORK/nocolor.out" && fail "colour despite NO_COLOR"
grep -q 'critical' "$WORK/nocolor.out" || fail "NO_COLOR lost the severity"

script -qec "$cmd -q" /dev/null >"$WORK/quiet.out"
grep -q 'sent 2' "$WORK/quiet.out" && fail "progress line despite -q"

$cmd 2>"$WORK/pipe.err" | head -c 100000 >"$WORK/pipe.out"
jq -e .host "$WORK/pipe.out" >/dev/null || fail "off a terminal the default is not ndjson"
grep -q 'sent ' "$WORK/pipe.err" && fail "progress line off a terminal"
# The terminal view (issue 17): one block per device, the progress line
# gone before the table starts, every line of the table within 80 columns,
# info findings in one summary line, and with -o FILE the table still shows.
cat >"$WORK/lab2.conf" <<CONF
127.0.22.1 asterisk
127.0.22.2 nat-pbx reply-from=127.0.22.9
127.0.22.3 open-registrar
127.0.22.4 polycom-vvx410
CONF
stop_lab
start_lab "$WORK/lab2.conf" $PORT
COLUMNS=80 script -qec "$SIPPROBE --ports $PORT -m OPTIONS,REGISTER --rate 200 --wait 300 127.0.22.0/29 -o $WORK/v.json" \
    /dev/null >"$WORK/view.raw"
# What the terminal shows: each line as its last carriage return left it, colours removed.
sed -e 's/\r$//' -e 's/.*\r//' -e 's/\x1b\[[0-9;]*[A-Za-z]//g' "$WORK/view.raw" >"$WORK/view.txt"
grep -q '^HOST / SERVICE  ' "$WORK/view.txt" || fail "no table with -o on a terminal: $(head -3 "$WORK/view.txt")"
grep -a 'HOST / SERVICE' "$WORK/view.raw" | grep -q 'sent [0-9]' && fail "progress text left on the table's line"
awk '/^HOST \/ SERVICE/ {t = 1} t && /^$/ {exit} t && length($0) > 80 {print; bad = 1} END {exit bad}' \
    "$WORK/view.txt" || fail "table wider than 80 columns"
expect_eq "$(grep -c '^127\.0\.22\.[0-9]  ' "$WORK/view.txt")" 4 "one block per device"
grep -q '^  [0-9]*/udp  ' "$WORK/view.txt" || fail "no service row under its device"
grep -q '^Info: sip-service-exposed (4)' "$WORK/view.txt" || fail "no info summary line"
jq -e '.services | length == 4' "$WORK/v.json" >/dev/null || fail "-o file lost services"
echo "PASS"
