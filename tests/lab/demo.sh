#!/usr/bin/env bash
# The quick start: installs dependencies, builds sipprobe, starts the bundled
# loopback lab (a small office of SIP devices on 127.0.1.x), scans it, and
# stops the lab. Nothing leaves this machine: every address is loopback.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash .ci/install-deps
cmake -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
build/tests/sipprobe-lab --config tests/lab/demo.conf --personas fixtures/personas \
    --port 5060 --max-seconds 60 &
lab=$!
trap 'kill $lab 2>/dev/null; wait $lab 2>/dev/null || true' EXIT
sleep 0.3
echo "Scanning the loopback lab 127.0.1.0/24 and ::1 (OPTIONS and REGISTER):"
echo
build/cli/sipprobe -m OPTIONS,REGISTER --rate 1000 --wait 1000 -f text 127.0.1.0/24 ::1
