# Shared helpers for integration tests. Every test talks to loopback only,
# starts what it needs, and stops it by PID on exit (also on failure).
set -euo pipefail

: "${SIPPROBE:?path to the sipprobe binary}"
: "${SIPPROBE_LAB:?path to the sipprobe-lab binary}"
: "${SP_SOURCE_DIR:?path to the source tree}"

WORK=$(mktemp -d /tmp/sipprobe-test.XXXXXX)
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

skip() {
    echo "SKIP: $*" >&2
    exit 77
}

need() {
    command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"
}

# start_lab CONFIG PORT: runs the loopback lab in the background until the test ends.
start_lab() {
    local conf=$1 port=$2
    rm -f "$WORK/lab.ready"
    "$SIPPROBE_LAB" --config "$conf" --personas "$SP_SOURCE_DIR/fixtures/personas" \
        --port "$port" --max-seconds 100 --ready-file "$WORK/lab.ready" 2>"$WORK/lab.log" &
    LAB_PID=$!
    PIDS+=("$LAB_PID")
    for _ in $(seq 50); do
        [ -s "$WORK/lab.ready" ] && return 0
        sleep 0.1
    done
    fail "lab did not start: $(cat "$WORK/lab.log")"
}

# stop_lab: stops the lab and leaves its closing line in $WORK/lab.log.
stop_lab() {
    kill "$LAB_PID"
    wait "$LAB_PID" 2>/dev/null || true
}

# run_kamailio CFG ADDR PORT [KAMAILIO ARGS...]: runs Kamailio in the
# foreground (background job) from a prepared config, its run files in
# $WORK/krun, until it listens on ADDR:PORT; KAM_PID is its PID.
run_kamailio() {
    local cfg=$1 addr=$2 port=$3
    shift 3
    rm -rf "$WORK/krun"
    mkdir -p "$WORK/krun"
    kamailio -f "$cfg" "$@" -DD -E -m 32 -M 8 -Y "$WORK/krun" -P "$WORK/krun/k.pid" \
        >"$WORK/k.log" 2>&1 &
    KAM_PID=$!
    PIDS+=("$KAM_PID")
    for _ in $(seq 50); do
        grep -aq "$addr \[$addr\]:$port" "$WORK/k.log" 2>/dev/null && sleep 0.3 && return 0
        sleep 0.1
    done
    fail "kamailio did not start: $(tail -5 "$WORK/k.log")"
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
    [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}
