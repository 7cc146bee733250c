# A real scheduler: a single-node Slurm cluster from Debian's slurm-wlm and
# munge (munged, slurmctld and slurmd on loopback, started and stopped by
# PID) runs a 4-task job array; each task scans its shard of a lab range
# with --shard auto. sipprobe report over the four results equals one scan
# of the range, and its JUnit and HTML are valid.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root to run munged, slurmctld and slurmd"
for tool in munged slurmctld slurmd sbatch sinfo; do
    command -v "$tool" >/dev/null 2>&1 ||
        skip "$tool is not installed (Debian packages slurmctld, slurmd, slurm-client, munge)"
done
need jq
need xmllint
PORT=25320
CTLD_PORT=25321
SLURMD_PORT=25322

cat >"$WORK/lab.conf" <<CONF
127.0.91.0/26    asterisk
127.0.91.64/28   kamailio
127.0.91.80      open-registrar
127.0.91.81      yealink-t46s
CONF
start_lab "$WORK/lab.conf" $PORT

# munge: a key of our own and a socket in $WORK, so no system daemon is touched.
mkdir -m 700 "$WORK/munge"
head -c 1024 /dev/urandom >"$WORK/munge/munge.key"
chmod 400 "$WORK/munge/munge.key"
munged --foreground --force --socket="$WORK/munge/munge.socket" --key-file="$WORK/munge/munge.key" \
    --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/munge/munged.log" \
    --seed-file="$WORK/munge/munged.seed" 2>"$WORK/munge/stderr" &
PIDS+=("$!")
for _ in $(seq 50); do [ -S "$WORK/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$WORK/munge/munge.socket" ] || fail "munged did not start: $(cat "$WORK/munge/stderr" "$WORK/munge/munged.log" 2>/dev/null)"

mkdir -p "$WORK/slurm/state" "$WORK/slurm/spool"
export SLURM_CONF="$WORK/slurm/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=sipprobe-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$WORK/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$WORK/slurm/state
SlurmdSpoolDir=$WORK/slurm/spool
SlurmctldPidFile=$WORK/slurm/slurmctld.pid
SlurmdPidFile=$WORK/slurm/slurmd.pid
SlurmctldLogFile=$WORK/slurm/slurmctld.log
SlurmdLogFile=$WORK/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/linear
ReturnToService=2
MpiDefault=none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=1 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=10 State=UP
CONF
slurmctld -D -i -f "$SLURM_CONF" 2>"$WORK/slurm/slurmctld.err" &
PIDS+=("$!")
slurmd -D -N localhost -f "$SLURM_CONF" 2>"$WORK/slurm/slurmd.err" &
PIDS+=("$!")
state=""
for _ in $(seq 100); do
    state=$(sinfo -h -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.2
done
[ "$state" = idle ] || fail "slurm did not come up (node: '$state'): $(tail -5 "$WORK/slurm/slurmctld.log" "$WORK/slurm/slurmd.log" 2>/dev/null)"

RANGE=127.0.91.0/25
SCAN=(--ports $PORT -m OPTIONS,REGISTER --rate 5000 --wait 500 --retries 2 --seed 21)
cat >"$WORK/scan.sh" <<SCRIPT
#!/bin/sh
# Not -q: the task says which shard it took, and from where.
exec "$SIPPROBE" ${SCAN[*]} --shard auto --vantage slurm -o "part-\$SLURM_ARRAY_TASK_ID.json" $RANGE
SCRIPT
set +e
timeout 90 sbatch --wait --array=0-3 --chdir="$WORK" --output="$WORK/task-%a.log" "$WORK/scan.sh" \
    >"$WORK/sbatch.out" 2>&1
status=$?
set -e
expect_eq "$status" 0 "the job array: $(cat "$WORK/sbatch.out" "$WORK"/task-*.log 2>/dev/null)"
for i in 0 1 2 3; do
    [ -s "$WORK/part-$i.json" ] || fail "task $i wrote no result: $(cat "$WORK/task-$i.log")"
    grep -q "shard $((i + 1))/4 from SLURM_ARRAY_TASK_ID=$i (Slurm job array" "$WORK/task-$i.log" ||
        fail "task $i did not say its shard: $(cat "$WORK/task-$i.log")"
done

"$SIPPROBE" -q "${SCAN[@]}" -o "$WORK/single.json" $RANGE
"$SIPPROBE" report -o "$WORK/all.json" -o "$WORK/all.xml" -o "$WORK/all.html" "$WORK"/part-{0,1,2,3}.json \
    2>"$WORK/report.err" || fail "report failed: $(cat "$WORK/report.err")"
[ -s "$WORK/report.err" ] && fail "the report warned: $(cat "$WORK/report.err")"
view='.services[] | "\(.host):\(.port)/\(.transport) \(.fingerprint.product) \([.replies[] | "\(.method) \(.status)"] | sort | join(",")) \([.findings[].id] | sort | join(","))"'
diff <(jq -r "$view" "$WORK/single.json") <(jq -r "$view" "$WORK/all.json") >"$WORK/diff" ||
    fail "the job array's report differs from one scan: $(cat "$WORK/diff")"
expect_eq "$(jq '.services | length' "$WORK/all.json")" 82 "services"
expect_eq "$(jq -r '[.services[].observations[].vantage] | unique | join(" ")' "$WORK/all.json")" slurm "vantage"
xmllint --noout --schema "$SP_SOURCE_DIR/tests/peers/junit.xsd" "$WORK/all.xml" 2>"$WORK/xsd" ||
    fail "junit does not validate: $(cat "$WORK/xsd")"
# libxml2's parser knows HTML 4 only: its "Tag header invalid" for HTML5 and SVG
# elements is no error; anything else (a tag left open, a bad entity) is.
xmllint --html --noout "$WORK/all.html" 2>&1 | grep 'parser error' | grep -v 'Tag [a-z]* invalid' >"$WORK/html.err" || true
[ -s "$WORK/html.err" ] && fail "html: $(cat "$WORK/html.err")"
grep -q '<h2>Seen from</h2>' "$WORK/all.html" || fail "html lacks the vantages"
echo "PASS"
