# sipprobe report: a lab range scanned in 4 shards (json and ndjson) and
# merged gives the same services and findings as one scan of the range; the
# JUnit file validates; a missing, doubled or differently seeded shard is
# warned about (--strict: exit 2, nothing written); a damaged result is one
# line naming file and line, and the rest is still reported; a service seen
# from two vantages is reported as exposed; --baseline and --fail-on work as
# in a scan; --shard auto reads the job runner's environment.
source "$(dirname "$0")/lib.sh"
need jq
need xmllint
PORT=25300

cat >"$WORK/lab.conf" <<CONF
127.0.90.0/26    asterisk
127.0.90.64/28   kamailio
127.0.90.80      open-registrar
127.0.90.81      yealink-t46s
127.0.90.96/28   silent
CONF
start_lab "$WORK/lab.conf" $PORT
RANGE=127.0.90.0/25
scan() { "$SIPPROBE" -q --ports $PORT -m OPTIONS,REGISTER --rate 5000 --wait 500 --retries 2 "$@"; }

for i in 1 2 3 4; do
    out="$WORK/shard$i.json"
    [ $i = 2 ] && out="$WORK/shard$i.ndjson" # shards may write either
    scan --seed 11 --shard $i/4 -o "$out" $RANGE || fail "shard $i failed"
done
scan -o "$WORK/single.json" $RANGE || fail "single scan failed"
expect_eq "$(jq '.services | length' "$WORK/single.json")" 82 "services of the single scan"

SHARDS=("$WORK/shard1.json" "$WORK/shard2.ndjson" "$WORK/shard3.json" "$WORK/shard4.json")
"$SIPPROBE" report -o "$WORK/merged.json" -o "$WORK/merged.xml" -o "$WORK/merged.html" \
    -o "$WORK/merged.txt" "${SHARDS[@]}" 2>"$WORK/merged.err" || fail "report failed: $(cat "$WORK/merged.err")"
[ -s "$WORK/merged.err" ] && fail "report of complete shards warned: $(cat "$WORK/merged.err")"

# The same services, fingerprints and findings as the single scan.
view='.services[] | "\(.host):\(.port)/\(.transport) \(.fingerprint.product) \(.fingerprint.version) \([.replies[] | "\(.method) \(.status)"] | sort | join(",")) \([.findings[].id] | sort | join(","))"'
diff <(jq -r "$view" "$WORK/single.json") <(jq -r "$view" "$WORK/merged.json") >"$WORK/diff" ||
    fail "merged shards differ from the single scan: $(cat "$WORK/diff")"
expect_eq "$(jq '[.services[].findings[]] | length' "$WORK/merged.json")" \
    "$(jq '[.services[].findings[]] | length' "$WORK/single.json")" "findings not doubled"
expect_eq "$(jq '.summary.services' "$WORK/merged.json")" 82 "summary counts the merged services"
# Each service keeps its observations: the shards that saw it. A shard walks
# probes, so an endpoint's OPTIONS and REGISTER may be two shards' (two
# observations, their answers put together above); none is kept twice.
expect_eq "$(jq -r '[.services[].observations[].shard] | unique | join(" ")' "$WORK/merged.json")" \
    "1/4 2/4 3/4 4/4" "observations name their shards"
expect_eq "$(jq '[.services[] | select([.observations[].shard] | (length != (unique | length)) or length > 2 or length == 0)] | length' "$WORK/merged.json")" 0 \
    "one observation per shard that probed the service"
expect_eq "$(jq -r '[.services[].observations[].seed] | unique | join(" ")' "$WORK/merged.json")" 11 "seed"
jq -e '.scan.results | length == 4' "$WORK/merged.json" >/dev/null || fail "scan.results"
xmllint --noout --schema "$SP_SOURCE_DIR/tests/peers/junit.xsd" "$WORK/merged.xml" 2>"$WORK/xsd" ||
    fail "junit does not validate: $(cat "$WORK/xsd")"
expect_eq "$(xmllint --xpath 'count(//testcase)' "$WORK/merged.xml")" \
    "$(jq '[.services[].findings[]] | length' "$WORK/merged.json")" "a testcase per finding"
grep -q '<h2>Seen from</h2>' "$WORK/merged.html" || fail "html lacks the vantages"

# A missing shard: warned on stderr and in the report; --strict: exit 2, nothing written.
set +e
"$SIPPROBE" report -o "$WORK/three.json" "$WORK/shard1.json" "$WORK/shard2.ndjson" "$WORK/shard4.json" 2>"$WORK/three.err"
status=$?
set -e
expect_eq "$status" 0 "a missing shard is a warning"
grep -qx 'sipprobe: warning: shard 3/4 missing: results cover 3 of 4 shards' "$WORK/three.err" ||
    fail "missing shard not said: $(cat "$WORK/three.err")"
expect_eq "$(jq -r '.scan.warnings[0]' "$WORK/three.json")" "shard 3/4 missing: results cover 3 of 4 shards" "warning in the report"
set +e
"$SIPPROBE" report --strict -o "$WORK/strict.json" "$WORK/shard1.json" "$WORK/shard2.ndjson" "$WORK/shard4.json" 2>"$WORK/strict.err"
status=$?
set -e
expect_eq "$status" 2 "--strict with a missing shard"
[ -e "$WORK/strict.json" ] && fail "--strict wrote a report"

# A shard given twice overlaps; a shard of another seed does not split the same way.
"$SIPPROBE" report -f json "${SHARDS[@]}" "$WORK/shard1.json" 2>"$WORK/twice.err" >"$WORK/twice.json"
grep -q "shard 1/4 appears in 2 results" "$WORK/twice.err" || fail "overlap not said: $(cat "$WORK/twice.err")"
expect_eq "$(jq '.services | length' "$WORK/twice.json")" 82 "a doubled shard adds no service"
scan --seed 12 --shard 3/4 -o "$WORK/other-seed.json" $RANGE
"$SIPPROBE" report -f json "$WORK/shard1.json" "$WORK/shard2.ndjson" "$WORK/other-seed.json" \
    "$WORK/shard4.json" 2>"$WORK/seed.err" >/dev/null
grep -q "different seeds (11 in .*, 12 in .*other-seed.json)" "$WORK/seed.err" ||
    fail "different seeds not said: $(cat "$WORK/seed.err")"

# A damaged result: one line naming the file and line; the rest is still reported (exit 2).
head -c 9000 "$WORK/shard4.json" >"$WORK/cut.json"
{ head -n 3 "$WORK/shard2.ndjson"; echo 'not a result'; tail -n +4 "$WORK/shard2.ndjson"; } >"$WORK/bad.ndjson"
set +e
"$SIPPROBE" report -o "$WORK/damaged.json" "$WORK/shard1.json" "$WORK/bad.ndjson" "$WORK/shard3.json" "$WORK/cut.json" 2>"$WORK/damaged.err"
status=$?
set -e
expect_eq "$status" 2 "damaged input"
grep -q "^sipprobe: warning: $WORK/bad.ndjson line 4: not JSON" "$WORK/damaged.err" || fail "bad line not named: $(cat "$WORK/damaged.err")"
grep -q "^sipprobe: warning: $WORK/cut.json line [0-9]*: not a complete json document" "$WORK/damaged.err" ||
    fail "cut file not named: $(cat "$WORK/damaged.err")"
# Every service of the whole results is there, and those of the cut file before the cut.
before=$(jq -s '[.[].services[]?, .[] | select(.host) | .host] | unique | length' \
    "$WORK/shard1.json" "$WORK/shard2.ndjson" "$WORK/shard3.json")
got=$(jq '[.services[].host] | unique | length' "$WORK/damaged.json")
[ "$got" -ge "$before" ] || fail "services of the whole results were lost: $got of $before"
of4=$(jq '[.services[] | select(.observations | map(.shard) | index("4/4"))] | length' "$WORK/damaged.json")
all4=$(jq '.services | length' "$WORK/shard4.json")
[ "$of4" -gt 0 ] && [ "$of4" -lt "$all4" ] || fail "the cut file gave $of4 of its $all4 services"

# Two vantages: the same services seen from the LAN and the WAN side are exposure.
scan --vantage lan -o "$WORK/lan.json" 127.0.90.80-81
scan --vantage wan -o "$WORK/wan.ndjson" 127.0.90.80-81
expect_eq "$(jq -r '.scan.vantage' "$WORK/lan.json")" lan "vantage in the scan block"
expect_eq "$(jq -r '.observations[0].vantage' "$WORK/wan.ndjson" | sort -u)" wan "vantage in each ndjson line"
"$SIPPROBE" report -f json "$WORK/lan.json" "$WORK/wan.ndjson" >"$WORK/both.json"
expect_eq "$(jq -r '[.services[] | select(.findings | map(.id) | index("seen-from-several-vantages"))] | length' "$WORK/both.json")" 2 \
    "exposure named on both services"
expect_eq "$(jq -r '.services[0].observations | map(.vantage) | join(",")' "$WORK/both.json")" "lan,wan" "both observations kept"
"$SIPPROBE" report -f text "$WORK/lan.json" "$WORK/wan.ndjson" | grep -q '^  127.0.90.80:25300/udp *lan, wan (2 observations)' ||
    fail "text report lacks the vantages"

# --fail-on and --baseline as in a scan: the open registrar is critical, but known.
set +e
"$SIPPROBE" report -q --fail-on critical -o "$WORK/gate.json" "${SHARDS[@]}"
status=$?
"$SIPPROBE" report -q --fail-on critical --baseline "$WORK/single.json" -o "$WORK/gate2.json" "${SHARDS[@]}"
status2=$?
set -e
expect_eq "$status" 1 "--fail-on critical"
expect_eq "$status2" 0 "--fail-on counts new findings only with --baseline"
expect_eq "$(jq '.summary.new_findings' "$WORK/gate2.json")" 0 "nothing new against the single scan"

# --upload as in a scan: the merged document is what the server gets.
if command -v python3 >/dev/null; then
    HTTP=25301
    mkdir -p "$WORK/srv"
    python3 "$SP_SOURCE_DIR/tests/peers/upload_server.py" --port $HTTP --dir "$WORK/srv" --max-seconds 60 &
    PIDS+=("$!")
    for _ in $(seq 50); do [ -e "$WORK/srv/ready" ] && break; sleep 0.1; done
    [ -e "$WORK/srv/ready" ] || fail "upload server did not start"
    "$SIPPROBE" report -q --upload "http://127.0.0.1:$HTTP/ok" -o "$WORK/up.json" "${SHARDS[@]}" ||
        fail "report with --upload failed"
    expect_eq "$(jq '.services | length' "$WORK/srv/body-1")" 82 "uploaded services"
    expect_eq "$(jq -c '[.services[].host]' "$WORK/srv/body-1")" "$(jq -c '[.services[].host]' "$WORK/up.json")" \
        "the upload is the report"
fi

# --shard auto: the same shard as --shard I/N, said on stderr; usage errors.
probes() { grep '^# to ' || true; } # the destinations (tokens and source ports differ)
"$SIPPROBE" --dry-run -q --seed 11 --shard 2/4 $RANGE | probes >"$WORK/explicit"
[ -s "$WORK/explicit" ] || fail "no probes in shard 2/4"
CI_NODE_INDEX=2 CI_NODE_TOTAL=4 "$SIPPROBE" --dry-run --seed 11 --shard auto $RANGE 2>"$WORK/auto.err" | probes >"$WORK/auto"
cmp -s "$WORK/explicit" "$WORK/auto" || fail "--shard auto (GitLab) probes another shard"
grep -q "shard 2/4 from CI_NODE_INDEX=2 (GitLab CI parallel)" "$WORK/auto.err" || fail "auto did not say: $(cat "$WORK/auto.err")"
SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_MIN=4 SLURM_ARRAY_TASK_COUNT=4 \
    "$SIPPROBE" --dry-run -q --seed 11 --shard auto $RANGE | probes >"$WORK/slurm"
cmp -s "$WORK/explicit" "$WORK/slurm" || fail "--shard auto (Slurm) probes another shard"
JOB_COMPLETION_INDEX=1 "$SIPPROBE" --dry-run -q --seed 11 --shard auto --shard-count 4 $RANGE | probes >"$WORK/k8s"
cmp -s "$WORK/explicit" "$WORK/k8s" || fail "--shard auto (Kubernetes) probes another shard"
set +e
env -u JOB_COMPLETION_INDEX -u SLURM_ARRAY_TASK_ID -u CI_NODE_INDEX -u AWS_BATCH_JOB_ARRAY_INDEX \
    "$SIPPROBE" --dry-run --shard auto $RANGE >/dev/null 2>"$WORK/none.err"
status=$?
"$SIPPROBE" --dry-run --shard 1/4 --shard-count 4 $RANGE >/dev/null 2>"$WORK/count.err"
status2=$?
set -e
expect_eq "$status" 2 "--shard auto without a job runner"
grep -q "looked for JOB_COMPLETION_INDEX (Kubernetes), SLURM_ARRAY_TASK_ID (Slurm), CI_NODE_INDEX (GitLab CI), AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch)" "$WORK/none.err" ||
    fail "what auto looked for: $(cat "$WORK/none.err")"
expect_eq "$status2" 2 "--shard-count without --shard auto"
echo "PASS"
