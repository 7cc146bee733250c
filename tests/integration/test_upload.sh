# --upload against a real HTTP server on loopback: success, 500 then success
# (retried), 401 (a clear error, local outputs intact, exit 3), and an
# unreachable server (retries, then a clear error, outputs intact).
source "$(dirname "$0")/lib.sh"
need python3
need jq
PORT=25072
HTTP=25073
echo "127.0.22.1 kamailio" >"$WORK/lab.conf"
start_lab "$WORK/lab.conf" $PORT
mkdir -p "$WORK/srv"
python3 "$SP_SOURCE_DIR/tests/peers/upload_server.py" --port $HTTP --dir "$WORK/srv" --max-seconds 90 &
PIDS+=("$!")
for _ in $(seq 50); do [ -e "$WORK/srv/ready" ] && break; sleep 0.1; done
[ -e "$WORK/srv/ready" ] || fail "upload server did not start"

scan() { # scan NAME EXTRA...: sets $status
    set +e
    "$SIPPROBE" -q --ports $PORT --wait 300 -o "$WORK/$1.json" -o "$WORK/$1.csv" "${@:2}" 127.0.22.1 2>"$WORK/$1.err"
    status=$?
    set -e
}

scan ok --upload "http://127.0.0.1:$HTTP/ok"
expect_eq "$status" 0 "upload ok"
expect_eq "$(jq -r '.services[0].fingerprint.product' "$WORK/srv/body-1")" Kamailio "uploaded document"
cmp -s <(jq -S . "$WORK/srv/body-1" | grep -v '"finished"\|"started"\|elapsed') \
    <(jq -S . "$WORK/ok.json" | grep -v '"finished"\|"started"\|elapsed') || fail "upload differs from the json output"

scan flaky --upload "http://127.0.0.1:$HTTP/flaky"
expect_eq "$status" 0 "500 then success"
expect_eq "$(grep -c '^/flaky ' "$WORK/srv/log")" 2 "one retry after the 500"

scan auth --upload "http://127.0.0.1:$HTTP/auth"
expect_eq "$status" 3 "401 is a runtime error"
grep -q 'HTTP 401: token required' "$WORK/auth.err" || fail "401 message: $(cat "$WORK/auth.err")"
expect_eq "$(grep -c '^/auth 401' "$WORK/srv/log")" 1 "no retry on 401"
jq -e '.services[0].host == "127.0.22.1"' "$WORK/auth.json" >/dev/null || fail "json output lost on 401"
grep -q '127.0.22.1' "$WORK/auth.csv" || fail "csv output lost on 401"

scan bearer --upload "http://127.0.0.1:$HTTP/auth" --upload-header "Authorization: Bearer s3cret"
expect_eq "$status" 0 "--upload-header"

# The header survives a --baseline given after it (it used to be dropped).
scan bearer_baseline --upload-header "Authorization: Bearer s3cret" --baseline "$WORK/ok.json" \
    --upload "http://127.0.0.1:$HTTP/auth"
expect_eq "$status" 0 "--upload-header before --baseline"

scan batches --upload "http://127.0.0.1:$HTTP/ok" --upload-ndjson-batch 1 -o "$WORK/batches.ndjson"
expect_eq "$status" 0 "ndjson batches"
grep -q '^/ok 200 application/x-ndjson' "$WORK/srv/log" || fail "ndjson content type"
last=$(ls "$WORK/srv" | sed -n 's/^body-//p' | sort -n | tail -1)
cmp -s "$WORK/srv/body-$last" "$WORK/batches.ndjson" ||
    fail "uploaded ndjson differs from the file: $(diff "$WORK/srv/body-$last" "$WORK/batches.ndjson")"

# An ALG check uploads its result like any other mode.
REFLECT=25074
"$SIPPROBE" reflect -q --listen 127.0.0.1:$REFLECT --token upload-test-token --max-seconds 30 &
PIDS+=("$!")
sleep 0.3
before=$(grep -c '^/ok 200' "$WORK/srv/log")
set +e
"$SIPPROBE" alg-check -q --token upload-test-token --wait 1000 -o "$WORK/alg.json" \
    --upload "http://127.0.0.1:$HTTP/ok" 127.0.0.1:$REFLECT 2>"$WORK/alg.err"
status=$?
set -e
expect_eq "$status" 0 "alg-check with --upload: $(cat "$WORK/alg.err")"
expect_eq "$(grep -c '^/ok 200' "$WORK/srv/log")" $((before + 1)) "alg-check uploads"
last=$(ls "$WORK/srv" | sed -n 's/^body-//p' | sort -n | tail -1)
jq -e '.services | length == 1' "$WORK/srv/body-$last" >/dev/null || fail "alg-check upload body"

scan down --upload "http://127.0.0.1:9/nothing-listens"
expect_eq "$status" 3 "unreachable server"
grep -q 'failed after 4 attempts' "$WORK/down.err" || fail "unreachable message: $(cat "$WORK/down.err")"
jq -e '.services | length == 1' "$WORK/down.json" >/dev/null || fail "outputs lost when the server is down"

scan bad --upload "ftp://127.0.0.1/x"
expect_eq "$status" 2 "non-http URL is a usage error"
echo "PASS"
