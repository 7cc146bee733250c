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
grep -q 'sent 2 (100%)  replies 2  services' "$WORK/tty.out" || fail "no progress line on a terminal"
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
echo "PASS"
