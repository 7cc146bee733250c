# Command-line behaviour: usage errors name the bad input and exit 2 before
# anything is sent; listings and help work; target files and excludes.
source "$(dirname "$0")/lib.sh"

expect_usage_error() { # expect_usage_error NEEDLE ARGS...
    local needle=$1
    shift
    set +e
    "$SIPPROBE" "$@" >"$WORK/out" 2>"$WORK/err"
    local status=$?
    set -e
    expect_eq "$status" 2 "exit status of: sipprobe $*"
    grep -qF -- "$needle" "$WORK/err" || fail "error for '$*' does not mention '$needle': $(cat "$WORK/err")"
    [ "$(wc -l <"$WORK/err")" -le 2 ] || fail "error for '$*' is not short: $(cat "$WORK/err")"
}

expect_usage_error "127.0.0.300" 127.0.0.1 127.0.0.300
expect_usage_error "10.0.0.9-5" 10.0.0.9-5
expect_usage_error "bad!host" 'bad!host'
expect_usage_error "5070-5060" --ports 5070-5060 127.0.0.1
expect_usage_error "INVITEX" --method OPTIONS,INVITEX 127.0.0.1
expect_usage_error "yaml" --format yaml 127.0.0.1
expect_usage_error "no targets" -q
expect_usage_error "excluded" 127.0.0.1 --exclude 127.0.0.0/8
expect_usage_error "/nonexistent/targets.txt" --input-file /nonexistent/targets.txt
expect_usage_error "rate" --rate 0 127.0.0.1
expect_usage_error "shard" --shard 4/3 127.0.0.1
expect_usage_error "severity" --fail-on urgent 127.0.0.1
expect_usage_error "--bogus" --bogus 127.0.0.1
expect_usage_error "/nonexistent-dir/r.json" -o /nonexistent-dir/r.json 127.0.0.1

# Usage errors name the value or the option as typed.
expect_usage_error "4/3" --shard 4/3 127.0.0.1
expect_usage_error "'0'" --rate 0 127.0.0.1
expect_usage_error "option '--rate' needs an argument" 127.0.0.1 --rate
expect_usage_error "option '--dry-run' takes no argument" --dry-run=yes 127.0.0.1
expect_usage_error "ambiguous option '--re'" --re 5 127.0.0.1

# Options of another mode are refused by name, before anything is read or sent.
expect_usage_error "--rate does not apply to --read (a capture inventory)" --read "$WORK/none.pcap" --rate 5
expect_usage_error "-r does not apply to --read-live" --read-live lo -r 5
expect_usage_error "--dry-run does not apply to --read" --read "$WORK/none.pcap" --dry-run
expect_usage_error "--extensions does not apply to alg-check" alg-check --token 12345678 --extensions 100 127.0.0.1
expect_usage_error "--write-pcap does not apply to alg-check" alg-check --token 12345678 --write-pcap "$WORK/w.pcap" 127.0.0.1
expect_usage_error "--token belongs to 'sipprobe alg-check'" --token 12345678 127.0.0.1
expect_usage_error "--filter belongs to --read-live" --read "$WORK/none.pcap" --filter "port 5060"
expect_usage_error "--duration belongs to --read-live" --duration 5 127.0.0.1
expect_usage_error "--listen belongs to 'sipprobe reflect'" --listen 127.0.0.1:5060 127.0.0.1
expect_usage_error "'127.0.0.1'" --read "$WORK/none.pcap" 127.0.0.1
expect_usage_error "'127.0.0.1'" --resume "$WORK/none.resume" 127.0.0.1
[ -e "$WORK/w.pcap" ] && fail "a refused command line wrote a file"
# alg-check: one reflector, and only udp and tcp ("udpx" is not udp).
expect_usage_error "'udpx'" alg-check --token 12345678 --transport udpx 127.0.0.1
expect_usage_error "'tls'" alg-check --token 12345678 --transport udp,tls 127.0.0.1
expect_usage_error "'127.0.0.2'" alg-check --token 12345678 127.0.0.1 127.0.0.2
expect_usage_error "--bogus" reflect --token 12345678 --bogus

printf '# office\n127.0.60.1\n\n127.0.60.2  # the PBX\n127.0.60.x\n' >"$WORK/targets.txt"
expect_usage_error "targets.txt:5" --input-file "$WORK/targets.txt"

printf '127.0.60.0/29\n# comment\n127.0.61.1:5070\n' >"$WORK/good.txt"
printf '127.0.60.3\n' >"$WORK/excl.txt"
"$SIPPROBE" --dry-run -q --input-file "$WORK/good.txt" --exclude-file "$WORK/excl.txt" \
    --exclude 127.0.60.4 >"$WORK/dry"
expect_eq "$(grep -c '^# to ' "$WORK/dry")" 7 "targets from file minus excludes"
grep -q '^# to 127.0.61.1:5070/udp' "$WORK/dry" || fail "per-target port"
grep -q '^# to 127.0.60.3:' "$WORK/dry" && fail "excluded address probed"
echo "127.0.62.9" | "$SIPPROBE" --dry-run -q --input-file - >"$WORK/dry"
grep -q '^# to 127.0.62.9:5060/udp' "$WORK/dry" || fail "targets from stdin"

"$SIPPROBE" --dry-run -q --user-agent "Acme Audit 1.0" --from-user 555 --to-user 777 127.0.0.1 >"$WORK/dry"
grep -q '^User-Agent: Acme Audit 1.0' "$WORK/dry" || fail "--user-agent"
grep -q '^OPTIONS sip:777@127.0.0.1:5060 SIP/2.0' "$WORK/dry" || fail "--to-user"
grep -q '^From: <sip:555@' "$WORK/dry" || fail "--from-user"

"$SIPPROBE" --help >"$WORK/help"
for group in Targets: Probes: Timing: Output: Other: "Exit status"; do
    grep -q "^$group" "$WORK/help" || fail "--help lacks $group"
done
"$SIPPROBE" --version | grep -q '^sipprobe [0-9]' || fail "--version"
"$SIPPROBE" --list-probes | grep -q '^REGISTER ' || fail "--list-probes"
expect_eq "$("$SIPPROBE" --list-outputs | awk '{print $1}' | tr '\n' ' ')" "text ndjson json csv html markdown junit " "--list-outputs"
"$SIPPROBE" --list-findings | grep -q '^register-without-auth  *critical' || fail "--list-findings"

# The man page and README document every finding --list-findings lists.
for id in $("$SIPPROBE" --list-findings | awk '{print $1}'); do
    grep -q -- "${id//-/\\\\-}" "$SP_SOURCE_DIR/man/sipprobe.1" || fail "man page lacks finding $id"
    grep -qF -- "\`$id\`" "$SP_SOURCE_DIR/README.md" || fail "README lacks finding $id"
done

# The man page documents every long option --help lists.
for opt in $(grep -o -- '--[a-z-]*' "$WORK/help" | sort -u); do
    grep -q -- "${opt//-/\\\\-}" "$SP_SOURCE_DIR/man/sipprobe.1" || fail "man page lacks $opt"
done
# --baseline does not drop an --upload-header given before it (a closed
# loopback port: no service, so only the upload matters).
if command -v python3 >/dev/null; then
    HTTP=25074
    mkdir -p "$WORK/srv"
    python3 "$SP_SOURCE_DIR/tests/peers/upload_server.py" --port $HTTP --dir "$WORK/srv" --max-seconds 30 &
    PIDS+=("$!")
    for _ in $(seq 50); do [ -e "$WORK/srv/ready" ] && break; sleep 0.1; done
    [ -e "$WORK/srv/ready" ] || fail "upload server did not start"
    "$SIPPROBE" -q --ports 25075 --wait 100 -o "$WORK/base.json" 127.0.0.1
    for order in header-first baseline-first; do
        hdr=(--upload-header "Authorization: Bearer s3cret")
        base=(--baseline "$WORK/base.json")
        if [ $order = header-first ]; then args=("${hdr[@]}" "${base[@]}"); else args=("${base[@]}" "${hdr[@]}"); fi
        set +e
        "$SIPPROBE" -q --ports 25075 --wait 100 -o "$WORK/r.json" "${args[@]}" \
            --upload "http://127.0.0.1:$HTTP/auth" 127.0.0.1 2>"$WORK/up.err"
        status=$?
        set -e
        expect_eq "$status" 0 "--upload-header with --baseline ($order): $(cat "$WORK/up.err")"
    done
    expect_eq "$(grep -c '^/auth 200 ' "$WORK/srv/log")" 2 "both uploads carried the header"
fi

# More than 2^24 addresses: a warning with the time it will take (dry run, cut short).
"$SIPPROBE" --dry-run --rate 1000 fd00::/103 2>"$WORK/big.err" | head -c 1000 >/dev/null || true
grep -q 'more than 2^24' "$WORK/big.err" || fail "no large-scan warning: $(cat "$WORK/big.err")"
grep -q 'about 559 min' "$WORK/big.err" || fail "ETA: $(cat "$WORK/big.err")"
echo "PASS"
