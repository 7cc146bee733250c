#!/usr/bin/env bash
# sipprobe against svmap (SIPVicious) and nmap's sip-methods on the same
# loopback lab, in one run. A benchmark, not a test. Loopback only; svmap
# always runs with -x 127.0.0.1 (and never -R, -A or --randomscan).
# Usage: tests/bench/compare.sh [BUILD_DIR] [--skip-large]
# TOOLS="sipprobe" runs sipprobe's rows alone (to compare two builds of it).
set -euo pipefail
TOOLS=${TOOLS:-sipprobe svmap nmap}
has() { case " $TOOLS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
SKIP_LARGE=${2:-}
SIPPROBE=$BUILD/cli/sipprobe
LAB=$BUILD/tests/sipprobe-lab
# nmap's sip-methods script only runs against 5060/udp, so the lab listens there.
PORT=5060
WORK=$(mktemp -d /tmp/sipprobe-compare.XXXXXX)
LAB_PID=
trap '[ -n "$LAB_PID" ] && kill $LAB_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
! has svmap || command -v svmap >/dev/null || { echo "svmap (Debian sipvicious) is not installed" >&2; exit 2; }
! has nmap || command -v nmap >/dev/null || { echo "nmap is not installed" >&2; exit 2; }
if ss -lun | grep -q ":$PORT "; then
    echo "UDP port $PORT is in use on this machine; stop that service first" >&2
    exit 2
fi

# 127.4.0.0/24: all 254 answer. 127.5.0.0/24: 25 answer (10 %). 127.6.0.0/16: all answer.
# 127.7.0.0/16: 6,554 answer (10 %).
cat >"$WORK/lab.conf" <<CONF
127.4.0.1-127.4.0.254   freepbx
127.5.0.1-127.5.0.25    freepbx
127.6.0.0/16            freepbx
127.7.0.0-127.7.25.153  freepbx
CONF
"$LAB" --config "$WORK/lab.conf" --personas "$ROOT/fixtures/personas" --port $PORT \
    --max-seconds 2400 --ready-file "$WORK/ready" 2>"$WORK/lab.log" &
LAB_PID=$!
for _ in $(seq 50); do [ -s "$WORK/ready" ] && break; sleep 0.1; done

row() { printf '%-10s %-24s %9s %10s %8s %6s %9s\n' "$@"; }
expected() { # expected PREFIX: the answering addresses of a scenario
    case $1 in
    all254) seq 1 254 | sed 's/^/127.4.0./' ;;
    ten254) seq 1 25 | sed 's/^/127.5.0./' ;;
    big) for a in $(seq 0 255); do seq 0 255 | sed "s/^/127.6.$a./"; done ;;
    ten65k)
        for a in $(seq 0 24); do seq 0 255 | sed "s/^/127.7.$a./"; done
        seq 0 153 | sed 's/^/127.7.25./'
        ;;
    esac
}
score() { # score TOOL SCENARIO TARGETS WALL RSS FOUND_FILE
    local exp found tp fp recall
    expected "$2" | sort >"$WORK/exp"
    sort -u "$6" >"$WORK/found"
    exp=$(wc -l <"$WORK/exp")
    tp=$(comm -12 "$WORK/exp" "$WORK/found" | wc -l)
    fp=$(comm -13 "$WORK/exp" "$WORK/found" | wc -l)
    recall=$(awk -v a="$tp" -v b="$exp" 'BEGIN { printf "%.1f%%", 100 * a / b }')
    row "$1" "$2 ($3 addr)" "$4 s" "$(awk -v n="$3" -v t="$4" 'BEGIN { printf "%.0f", n / t }')/s" "$recall" "$fp" "$(($5 / 1024)) MiB"
    echo "$1 $2 $4" >>"$WORK/times"
}
timed() { # timed OUTFILE CMD...: runs CMD, stdout to OUTFILE; sets WALL and RSS
    local out=$1
    shift
    /usr/bin/time -f '%e %M' -o "$WORK/t" "$@" >"$out" 2>"$WORK/stderr" || true
    read -r WALL RSS <"$WORK/t"
}

run_sipprobe() { # run_sipprobe SCENARIO TARGET N
    timed "$WORK/sp.ndjson" "$SIPPROBE" -q --ports $PORT --rate 100000 --wait 2000 -f ndjson "$2"
    jq -r .host "$WORK/sp.ndjson" >"$WORK/sp.found"
    score sipprobe "$1" "$3" "$WALL" "$RSS" "$WORK/sp.found"
}
run_svmap() {
    timed "$WORK/sv.txt" svmap -x 127.0.0.1 -p $PORT "$2"
    grep -oE '127\.[0-9]+\.[0-9]+\.[0-9]+:'$PORT "$WORK/sv.txt" | cut -d: -f1 >"$WORK/sv.found" || true
    score svmap "$1" "$3" "$WALL" "$RSS" "$WORK/sv.found"
}
run_nmap() {
    timed "$WORK/nm.txt" nmap -n -sU -p $PORT --script sip-methods "$2"
    # A host counts when sip-methods reported the methods it allows.
    awk '/^Nmap scan report for/ { host = $5 } /sip-methods:/ { print host }' "$WORK/nm.txt" >"$WORK/nm.found"
    score nmap "$1" "$3" "$WALL" "$RSS" "$WORK/nm.found"
}

echo "sipprobe vs svmap vs nmap on $(nproc) cores, $(date -u +%Y-%m-%d); lab on the same machine"
row tool scenario wall "addr/s" recall "false+" "peak RSS"
for tool in $TOOLS; do run_$tool all254 127.4.0.0/24 256; done
for tool in $TOOLS; do run_$tool ten254 127.5.0.0/24 256; done
if [ -z "$SKIP_LARGE" ]; then
    for tool in $TOOLS; do [ $tool = nmap ] || run_$tool big 127.6.0.0/16 65536; done
    for tool in $TOOLS; do [ $tool = nmap ] || run_$tool ten65k 127.7.0.0/16 65536; done
    ! has nmap || echo "nmap: not run on 65,536 addresses (about 4 min per 254 silent hosts, so hours)"
fi
echo
awk '{ t[$1" "$2] = $3 } END {
    split("all254 ten254 big ten65k", sc, " ");
    for (i = 1; i <= 4; i++) {
        s = sc[i];
        if ((("sipprobe " s) in t) && (("svmap " s) in t))
            printf "svmap/sipprobe wall-time ratio (%s): %.0fx\n", s, t["svmap " s] / t["sipprobe " s];
        if ((("sipprobe " s) in t) && (("nmap " s) in t))
            printf "nmap/sipprobe wall-time ratio (%s): %.0fx\n", s, t["nmap " s] / t["sipprobe " s];
    }
}' "$WORK/times"
