# The toll-fraud attack path against real peers on loopback (issue 18):
# Kamailio with auth_db over db_text holds users with weak and strong
# passwords; the audit finds exactly the weak ones and says which kind of
# candidate matched, never the password (unless --show-passwords), in no
# output and no --write-pcap capture. A Kamailio that bans after 5 wrong
# passwords is seen to protect itself; one that does not is reported. The
# INVITE check against a Kamailio that relays calls from anyone to a SIPp
# UAS (the "phone network") finds the call routed, and SIPp's own success
# proves the call ended (CANCEL on ringing; ACK and BYE on an answer); a
# Kamailio that challenges INVITEs is reported as challenged.
source "$(dirname "$0")/lib.sh"
need kamailio
need sipp
need jq
PORT=25401
UAS_PORT=25402

mkdir -p "$WORK/db"
printf 'table_name(string) table_version(int)\nsubscriber:7\nlocation:9\n' >"$WORK/db/version"
{
    echo 'id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null)'
    echo '1:100:127.0.0.2:100::'                # same as the extension
    echo '2:101:127.0.0.2:1234::'               # a common PIN
    echo '3:102:127.0.0.2:Xk9-long-Random-77::' # strong
    echo '4:150:127.0.0.2:summer2024::'         # in the user's passwords file
} >"$WORK/db/subscriber"
printf '# our own list\nwinter2023\nsummer2024\n' >"$WORK/passwords.txt"

start_kamailio() { # start_kamailio ALGORITHM [DEFINE...]
    local algo=$1 defs=()
    shift
    for d in "$@"; do defs+=(-A "$d"); done
    sed -e "s/LISTEN/127.0.0.2:$PORT/" -e "s#DBDIR#$WORK/db#" -e "s/ALGORITHM/$algo/" \
        -e "s/BAN_AFTER/5/" -e "s/UAS/127.0.0.3:$UAS_PORT/" \
        "$SP_SOURCE_DIR/tests/peers/kamailio-audit.cfg" >"$WORK/k.cfg"
    run_kamailio "$WORK/k.cfg" 127.0.0.2 $PORT "${defs[@]}"
}
stop_kamailio() {
    kill "$KAM_PID"
    wait "$KAM_PID" 2>/dev/null || true
}
weak() { jq -r '[.audit.weak[] | "\(.extension):\(.kind)"] | join(",")' "$1"; }

# 1. MD5: enumeration narrows to 100, 101, 102, 150; the audit finds 100
#    and 101 with the built-in candidates, and 150 from the file's line 3.
start_kamailio MD5
"$SIPPROBE" -m OPTIONS,REGISTER --extensions 100-102,150,alice --audit-passwords \
    --passwords "$WORK/passwords.txt" --audit-rate 200 -f ndjson -o "$WORK/a1.json" \
    --write-pcap "$WORK/a1.pcap" -o "$WORK/a1.html" -o "$WORK/a1.csv" -o "$WORK/a1.md" \
    -o "$WORK/a1.xml" -o "$WORK/a1.txt" 127.0.0.2:$PORT 2>"$WORK/a1.err"
grep -q "password audit: up to 22 passwords on each of 4 extension(s) of 1 host(s).*authorised" \
    "$WORK/a1.err" || fail "no start line: $(cat "$WORK/a1.err")"
expect_eq "$(weak "$WORK/a1.json")" \
    "100:same as the extension,101:built-in list of common PINs and passwords,150:passwords file line 3" \
    "weak passwords (MD5)"
expect_eq "$(jq -r '.audit.extensions' "$WORK/a1.json")" 4 "audited only the existing extensions"
expect_eq "$(jq -r '.findings[] | select(.id == "weak-password") | .severity' "$WORK/a1.json")" \
    critical "weak-password severity"
expect_eq "$(jq -r '.findings[] | select(.id == "no-brute-force-protection") | .severity' "$WORK/a1.json")" \
    medium "no protection: guessed at full speed"
expect_eq "$(jq -r '[.audit.weak[] | has("password")] | any' "$WORK/a1.json")" false \
    "no password field without --show-passwords"
# The passwords are nowhere: not in any output, nor in the capture of the audit.
for f in "$WORK"/a1.*; do
    ! grep -aq -- "summer2024" "$f" || fail "$f holds the found password summer2024"
    ! grep -aq -- "password: " "$f" || fail "$f shows a password"
done
grep -aq 'response="00000000' "$WORK/a1.pcap" || fail "the capture lacks the blanked digest responses"
for k in html csv md xml txt; do
    grep -q "weak-password" "$WORK/a1.$k" || fail "a1.$k lacks weak-password"
done
# Reading the audit's own capture back offline finds nothing: its answers are blanked.
"$SIPPROBE" -q --read "$WORK/a1.pcap" --audit-passwords -f json -o "$WORK/a1-read.json"
expect_eq "$(jq -r '[.services[].findings[] | select(.id == "weak-password")] | length' "$WORK/a1-read.json")" \
    0 "blanked capture gives nothing away"
stop_kamailio

# 2. SHA-256 challenges, --show-passwords, --max-attempts 1: only the
#    extension whose password is the extension itself falls.
start_kamailio SHA-256
"$SIPPROBE" -q -m OPTIONS,REGISTER --extensions 100-102,150 --audit-passwords --max-attempts 1 \
    --show-passwords --audit-rate 200 -f ndjson --write-pcap "$WORK/a2.pcap" 127.0.0.2:$PORT \
    >"$WORK/a2.json"
expect_eq "$(jq -r '[.audit.weak[] | "\(.extension) \(.algorithm) \(.password)"] | join(",")' "$WORK/a2.json")" \
    "100 SHA-256 100" "SHA-256 with the password shown"
expect_eq "$(jq -r '.audit.attempts' "$WORK/a2.json")" 4 "one attempt per extension"
jq -r '.findings[] | select(.id == "weak-password") | .evidence[0]' "$WORK/a2.json" | grep -q "password: 100$" ||
    fail "evidence lacks the shown password"
expect_eq "$(jq -r '[.findings[].id] | index("no-brute-force-protection")' "$WORK/a2.json")" null \
    "4 wrong attempts are too few to judge protection"
# With --show-passwords the capture keeps the real answers: read offline,
# the accepted SHA-256 answer falls again.
"$SIPPROBE" -q --read "$WORK/a2.pcap" --audit-passwords -f json -o "$WORK/a2-read.json"
expect_eq "$(jq -r '[.services[].audit // empty | .weak[] | .extension] | join(",")' "$WORK/a2-read.json")" \
    100 "the unblanked capture, audited offline"
stop_kamailio

# 3. A registrar that bans a source after 5 wrong passwords (htable): the
#    audit notices the 403 and stops at once.
start_kamailio MD5 WITH_BAN
"$SIPPROBE" -q -m OPTIONS,REGISTER --extensions 100-102,150 --audit-passwords --audit-rate 200 \
    -f ndjson 127.0.0.2:$PORT >"$WORK/a3.json"
expect_eq "$(jq -r '.audit.protection' "$WORK/a3.json")" true "protection seen"
expect_eq "$(jq -r '.audit.protection_note' "$WORK/a3.json")" "it answered 403 after 5 wrong attempts" \
    "how protection showed"
expect_eq "$(jq -r '.findings[] | select(.id == "brute-force-protection-seen") | .severity' "$WORK/a3.json")" \
    info "protection finding"
expect_eq "$(jq -r '[.findings[].id] | index("no-brute-force-protection")' "$WORK/a3.json")" null \
    "no contradicting finding"
stop_kamailio

# 4. INVITE check: calls from nobody relayed to a SIPp UAS. SIPp exits 0
#    only when the call ended as its scenario demands.
start_kamailio MD5 WITH_RELAY
for scenario in ring answer; do
    sipp -sf "$SP_SOURCE_DIR/tests/peers/sipp-uas-$scenario.xml" -i 127.0.0.3 -p $UAS_PORT -m 1 \
        -timeout 20s -timeout_error -nostdin >"$WORK/sipp-$scenario.log" 2>&1 &
    SIPP_PID=$!
    PIDS+=("$SIPP_PID")
    sleep 0.5
    "$SIPPROBE" -q --check-invite -f ndjson 127.0.0.2:$PORT >"$WORK/i-$scenario.json"
    expect_eq "$(jq -r '.audit.invite_result' "$WORK/i-$scenario.json")" routed "$scenario: routed"
    expect_eq "$(jq -r '.findings[] | select(.id == "unauthenticated-call-routed") | .severity' "$WORK/i-$scenario.json")" \
        critical "$scenario: toll fraud finding"
    jq -r '.audit.invite_note' "$WORK/i-$scenario.json" | grep -q "sipprobe-nobody-[a-z]*@" ||
        fail "$scenario: not a random non-numeric user: $(jq -r .audit.invite_note "$WORK/i-$scenario.json")"
    rc=0
    wait "$SIPP_PID" || rc=$?
    [ "$rc" = 0 ] || fail "$scenario: the far end did not see the call end (sipp exit $rc): $(tail -5 "$WORK/sipp-$scenario.log")"
done
expect_eq "$(jq -r '.audit.invite_status' "$WORK/i-ring.json")" 487 "ring: cancelled (487)"
expect_eq "$(jq -r '.audit.invite_status' "$WORK/i-answer.json")" 200 "answer: hung up after 200"
# Relayed, but nobody is there: 100 Trying, then Kamailio's own 408. The
# INVITE was processed without a challenge.
"$SIPPROBE" -q --check-invite -f ndjson 127.0.0.2:$PORT >"$WORK/i-none.json"
expect_eq "$(jq -r '"\(.audit.invite_result) \(.audit.invite_status)"' "$WORK/i-none.json")" "accepted 408" \
    "relayed into the void: processed"
expect_eq "$(jq -r '.findings[] | select(.id == "unauthenticated-invite-accepted") | .severity' "$WORK/i-none.json")" \
    high "processed without a challenge"
stop_kamailio

# 5. A server that challenges INVITEs: the posture is recorded, no finding.
start_kamailio MD5
"$SIPPROBE" -q --check-invite --invite-to test-user -f ndjson 127.0.0.2:$PORT >"$WORK/i3.json"
expect_eq "$(jq -r '"\(.audit.invite_result) \(.audit.invite_status)"' "$WORK/i3.json")" "challenged 407" \
    "INVITE challenged"
jq -r '.audit.invite_note' "$WORK/i3.json" | grep -q "sip:test-user@127.0.0.2" || fail "--invite-to ignored"
expect_eq "$(jq -r '[.findings[].id | select(test("invite|call"))] | length' "$WORK/i3.json")" 0 \
    "no finding for a challenged INVITE"
stop_kamailio

# 6. From captures, nothing sent: only answers the server accepted are
#    tested. sipsak registered 101 (1234) and 102 (strong) and then tried
#    102 with 4321, which was refused: 101 falls, 102 does not, though 4321
#    would "match" its own refused answer.
P="$SP_SOURCE_DIR/fixtures/pcap"
"$SIPPROBE" --read "$P/sipsak-weak-password.pcap" --audit-passwords -f json -o "$WORK/c1.json" 2>"$WORK/c1.err"
grep -q "password audit of the capture (nothing sent): 2 accepted digest answers tested, 1 weak password$" \
    "$WORK/c1.err" || fail "capture audit line: $(cat "$WORK/c1.err")"
expect_eq "$(jq -r '[.services[].audit // empty | .weak[] | "\(.extension):\(.kind)"] | join(",")' "$WORK/c1.json")" \
    "101:built-in list of common PINs and passwords" "capture: the accepted weak answer only"
jq -r '.services[].findings[] | select(.id == "weak-password") | .evidence[0]' "$WORK/c1.json" |
    grep -q "^capture: the accepted digest answer of '101' to 127.0.0.2:5142/udp (MD5, REGISTER from 127.0.0.1:" ||
    fail "capture evidence: $(jq -c '.services[].findings[] | select(.id == "weak-password")' "$WORK/c1.json")"
! grep -q '"1234"\|password: ' "$WORK/c1.json" || fail "the capture audit wrote the password"
# svcrack's 15 refused guesses (1234, 100, password...) are no evidence;
# alice's accepted answer falls to the passwords file.
"$SIPPROBE" -q --read "$P/kamailio-digest.pcap" --audit-passwords -f json -o "$WORK/c2.json"
expect_eq "$(jq -r '[.services[].findings[] | select(.id == "weak-password")] | length' "$WORK/c2.json")" 0 \
    "refused guesses are not cracked"
printf 'letmein\ns3cret-alice\n' >"$WORK/alice.txt"
"$SIPPROBE" -q --read "$P/kamailio-digest.pcap" --audit-passwords --passwords "$WORK/alice.txt" \
    --show-passwords -f json -o "$WORK/c3.json"
expect_eq "$(jq -r '[.services[].audit // empty | .weak[] | "\(.extension):\(.kind):\(.password)"] | join(",")' "$WORK/c3.json")" \
    "alice:passwords file line 2:s3cret-alice" "capture: a password from the file"

# 7. Usage: the audit's options need it; the audit needs extensions.
rc=0
"$SIPPROBE" --passwords "$WORK/passwords.txt" 127.0.0.2:$PORT 2>"$WORK/u.err" || rc=$?
expect_eq "$rc" 2 "--passwords without --audit-passwords"
grep -q "belongs to --audit-passwords" "$WORK/u.err" || fail "usage: $(cat "$WORK/u.err")"
rc=0
"$SIPPROBE" --audit-passwords 127.0.0.2:$PORT 2>"$WORK/u.err" || rc=$?
expect_eq "$rc" 2 "--audit-passwords without extensions"
rc=0
"$SIPPROBE" --audit-passwords --extensions 100 --passwords "$WORK/nope.txt" 127.0.0.2:$PORT \
    2>"$WORK/u.err" || rc=$?
expect_eq "$rc" 2 "missing passwords file"
expect_eq "$(wc -l <"$WORK/u.err")" 1 "one line for a missing passwords file"
echo "PASS"
