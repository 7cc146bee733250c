#!/usr/bin/env bash
# sipprobe benchmark (not a test): scans a lab of 65,536 loopback addresses,
# all answering, and prints wall time, probes/s, recall and peak RSS; then
# TCP connections/s against 16,384 answering addresses and against closed
# ports (the kernel refuses at once, so that row is sipprobe's own limit); then
# measures peak RSS for a whole /8 without sending (dry run to /dev/null).
# Reading captures (--read): a scan's own (every reply a new service, the
# worst case) and a large generated one of long-running traffic (few
# endpoints, a million messages), in messages/s.
# Loopback only. Usage: [PORT=25090] [CAPTURE_ONLY=1] tests/bench/bench.sh [BUILD_DIR] [RATE]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
RATE=${2:-100000}
SIPPROBE=$BUILD/cli/sipprobe
LAB=$BUILD/tests/sipprobe-lab
PORT=${PORT:-25090}
GEN=$BUILD/tests/gen_capture
WORK=$(mktemp -d /tmp/sipprobe-bench.XXXXXX)
trap 'kill $LAB_PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

[ -x "$SIPPROBE" ] && [ -x "$LAB" ] || { echo "build first: cmake -B build && cmake --build build" >&2; exit 2; }

printf '127.1.0.0/16 asterisk\n127.2.0.0/16 asterisk every=16\n' >"$WORK/lab.conf"
"$LAB" --config "$WORK/lab.conf" --personas "$ROOT/fixtures/personas" --port $PORT --tcp-port $PORT \
    --max-seconds 300 --ready-file "$WORK/ready" 2>"$WORK/lab.log" &
LAB_PID=$!
for _ in $(seq 50); do [ -s "$WORK/ready" ] && break; sleep 0.1; done

row() { printf '%-34s %8s %14s %14s %8s %9s\n' "$@"; }
measure() { # measure LABEL EXPECTED ARGS...
    local label=$1 expected=$2
    shift 2
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$SIPPROBE" -v "$@" >"$WORK/out" 2>"$WORK/err" || true
    read -r wall rss_kb <"$WORK/time"
    local found send_rate e2e recall
    found=$(grep -c '"host"' "$WORK/out" || true)
    send_rate=$(sed -n 's/.*round 0: .*(\([0-9]*\) probes\/s).*/\1/p' "$WORK/err")
    e2e=$(awk -v n="$expected" -v t="$wall" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }')
    recall=$(awk -v f="$found" -v n="$expected" 'BEGIN { printf "%.2f%%", (n ? 100 * f / n : 0) }')
    row "$label" "$wall s" "${send_rate:-?}/s" "$e2e/s" "$recall" "$((rss_kb / 1024)) MiB"
}

# Reading captures: messages per second of --read (sends nothing).
read_row() { # read_row LABEL FILE MESSAGES
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$SIPPROBE" -q --read "$2" -f ndjson >/dev/null 2>&1 || true
    read -r wall rss_kb < <(tail -n 1 "$WORK/time")
    row "$1" "$wall s" "-" "$(awk -v m="$3" -v t="$wall" 'BEGIN { printf "%.0f", (t > 0 ? m / t : 0) }') msg/s" \
        "-" "$((rss_kb / 1024)) MiB"
}
capture_rows() {
    # A scan's own capture, every probe and reply in it: each reply a new service.
    "$SIPPROBE" -q --rate 20000 --wait 1000 --ports $PORT -f ndjson --write-pcap "$WORK/scan.pcap" \
        127.1.0.0/18 >/dev/null 2>&1 || true
    read_row "capture of 16,384 answers (--read)" "$WORK/scan.pcap" $((16384 * 2))
    # Long-running traffic: 100 registrars, pinged and registered to, 1M messages.
    if [ -x "$GEN" ]; then
        "$GEN" "$WORK/traffic.pcap" 100 1000000 >/dev/null
        read_row "capture of 1M msgs, 100 servers" "$WORK/traffic.pcap" 1000000
        rm -f "$WORK/traffic.pcap"
    fi
}

echo "sipprobe benchmark on $(nproc) cores, $(date -u +%Y-%m-%d)"
row "scan" "wall" "send rate" "end to end" "recall" "peak RSS"
if [ "${CAPTURE_ONLY:-}" = 1 ]; then
    capture_rows
    exit 0
fi
for rate in 50000 "$RATE" 200000; do
    measure "65,536 answering, --rate $rate" 65536 --rate "$rate" --wait 2000 --retries 1 --ports $PORT -f ndjson 127.1.0.0/16
done
# The yardstick, in the same run: a bare sendmmsg/recvmmsg loop against the
# same lab, and sipprobe at full speed with one round, as a ratio of it.
# Each pair runs back to back, five times: this machine's speed swings
# between runs (by a third), so a ratio is only fair within a pair, and the
# median of five is what one run of this script says.
BARE=$BUILD/tests/bare_loop
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
if [ -x "$BARE" ]; then
    ratios="" sparse=""
    for pair in 1 2 3 4 5; do
        "$BARE" 127.1.0.0 65536 $PORT 2000 >"$WORK/bare"
        bare_rate=$(sed -n 's/^bare: .*(\([0-9]*\) addresses\/s).*/\1/p' "$WORK/bare")
        banswered=$(awk '/^bare:/ {print $4}' "$WORK/bare")
        row "bare sendmmsg/recvmmsg loop" "-" "-" "$bare_rate/s" \
            "$(awk -v a="$banswered" 'BEGIN { printf "%.2f%%", 100 * a / 65536 }')" "-"
        measure "65,536 answering, --retries 0" 65536 --rate 200000 --wait 2000 --retries 0 --ports $PORT \
            -f ndjson 127.1.0.0/16
        e2e=$(awk -v n="$(grep -c '"host"' "$WORK/out")" -v t="$(tail -n 1 "$WORK/time" | cut -d' ' -f1)" \
            'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }')
        ratios="$ratios $(awk -v a="$e2e" -v b="$bare_rate" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
        # One address in sixteen answers (127.2.0.0/16, every=16): sending
        # the /16 at full speed while the replies come in. That takes about
        # 150 ms, short enough for one stall of this machine to move it by a
        # third, so each side gets three tries back to back, interleaved,
        # and its best counts (the least disturbed); recall is the worst.
        best_bare=0 best_sp=0 worst_found=4096 bare_found=4096
        for try in 1 2 3; do
            "$BARE" 127.2.0.0 65536 $PORT 1000 >"$WORK/bare16"
            b=$(sed -n 's/^bare send: .*(\([0-9]*\) addresses\/s).*/\1/p' "$WORK/bare16")
            bf=$(awk '/^bare:/ {print $4}' "$WORK/bare16")
            "$SIPPROBE" -v --rate 10000000 --wait 1000 --retries 0 --ports $PORT -f ndjson 127.2.0.0/16 \
                >"$WORK/out" 2>"$WORK/err" || true
            sp=$(sed -n 's/.*round 0: .*(\([0-9]*\) probes\/s).*/\1/p' "$WORK/err")
            found=$(grep -c '"host"' "$WORK/out" || true)
            [ "${b:-0}" -gt "$best_bare" ] && best_bare=$b
            [ "${sp:-0}" -gt "$best_sp" ] && best_sp=$sp
            [ "$found" -lt "$worst_found" ] && worst_found=$found
            [ "${bf:-0}" -lt "$bare_found" ] && bare_found=${bf:-0}
        done
        row "bare loop, 1 in 16, best of 3" "-" "$best_bare/s" "-" \
            "$(awk -v a="$bare_found" 'BEGIN { printf "%.2f%%", 100 * a / 4096 }')" "-"
        row "1 in 16 answering, best of 3" "-" "$best_sp/s" "-" \
            "$(awk -v a="$worst_found" 'BEGIN { printf "%.2f%%", 100 * a / 4096 }')" "-"
        sparse="$sparse $(awk -v a="$best_sp" -v b="$best_bare" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
    done
    echo "all answering, end to end / bare loop:$ratios (median $(echo "$ratios" | median); issue 15 asks for at least 0.4)"
    echo "1 in 16 answering, sending / bare loop:$sparse (median $(echo "$sparse" | median); issue 15 asks for at least 0.9)"
fi
capture_rows
# TCP: one connection per probe; "send rate" is probes written per second.
measure "TCP 16,384 answering, --rate 20000" 16384 --transport tcp --rate 20000 --max-connections 1024 \
    --wait 2000 --ports $PORT -f ndjson 127.1.0.0/18
measure "TCP 16,384 closed, --rate 50000" 0 --transport tcp --rate 50000 --max-connections 1024 \
    --wait 2000 --ports $((PORT + 1)) -f ndjson 127.1.0.0/18
conn_s=$(awk -v t="$(cut -d' ' -f1 "$WORK/time")" 'BEGIN { printf "%.0f", 16384 / t }')
echo "closed ports: $conn_s connection attempts/s (each refused by the kernel)"
kill $LAB_PID; wait $LAB_PID 2>/dev/null || true
cat "$WORK/lab.log"

# Memory for a /8 (127.0.0.0/8) without a responder: a dry run builds every probe and sends nothing.
/usr/bin/time -f '%e %M' -o "$WORK/time" "$SIPPROBE" --dry-run -q 127.0.0.0/8 >/dev/null 2>&1 || true
read -r wall rss_kb <"$WORK/time"
row "/8 dry run (16.7M probes built)" "$wall s" "$(awk -v t="$wall" 'BEGIN{printf "%.0f", 16777216/t}')/s" "-" "-" "$((rss_kb / 1024)) MiB"
