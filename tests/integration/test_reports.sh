# Reports and the CI gate: html, markdown and junit from one scan; the junit
# file validates against the JUnit schema; --fail-on and --baseline give the
# documented exit codes; hostile banners stay text in every format.
source "$(dirname "$0")/lib.sh"
need jq
need xmllint
PORT=25068
cat >"$WORK/lab1.conf" <<CONF
127.0.17.1  asterisk
127.0.17.2  kamailio
127.0.17.3  yealink-t46s
127.0.17.4  xss-banner
CONF
start_lab "$WORK/lab1.conf" $PORT
scan() { # scan OUTDIR EXTRA-ARGS...: returns the exit status in $status
    local out=$1
    shift
    mkdir -p "$out"
    set +e
    "$SIPPROBE" -q --ports $PORT --rate 1000 --wait 500 -m OPTIONS,REGISTER \
        -o "$out/r.json" -o "$out/r.html" -o "$out/r.md" -o "$out/r.xml" "$@" 127.0.17.1-8
    status=$?
    set -e
}

scan "$WORK/a" --fail-on high
expect_eq "$status" 1 "asterisk 18.10 has known CVEs (high): --fail-on high fails"
xmllint --noout --schema "$SP_SOURCE_DIR/tests/peers/junit.xsd" "$WORK/a/r.xml" 2>"$WORK/xsd" ||
    fail "junit does not validate: $(cat "$WORK/xsd")"
expect_eq "$(xmllint --xpath 'count(//testcase)' "$WORK/a/r.xml")" "$(jq '[.services[].findings[]] | length' "$WORK/a/r.json")" \
    "a testcase per finding"
expect_eq "$(xmllint --xpath 'count(//testcase[count(failure) > 1])' "$WORK/a/r.xml")" 0 \
    "never more than one failure in a testcase"
expect_eq "$(xmllint --xpath 'count(//failure)' "$WORK/a/r.xml")" 2 "failures at or above high (two Asterisk CVE findings)"
expect_eq "$(xmllint --xpath 'string(//testsuites/@failures)' "$WORK/a/r.xml")" 2 "failure count"
grep -q '<img' "$WORK/a/r.xml" && fail "raw markup in junit"

# HTML: self-contained, with a chart, and the hostile banner only as text.
html="$WORK/a/r.html"
grep -q '<svg id="severity-chart"' "$html" || fail "no chart"
grep -q "Content-Security-Policy" "$html" || fail "no CSP"
grep -Eq '<(script|img)' "$html" && fail "hostile markup reached the HTML"
grep -q '&lt;img src=x onerror=' "$html" || fail "hostile banner not shown as text"
grep -Eiq '(src|href)="?https?:' "$html" && fail "external resource in the report"
grep -q 'register-without-auth\|known-vulnerable-version' "$html" || fail "findings missing"
# Markdown: the same content, escaped.
md="$WORK/a/r.md"
grep -q '^## Executive summary' "$md" || fail "markdown summary"
grep -q '&lt;script>' "$md" || fail "markdown escaping"
grep -q '<script' "$md" && fail "a tag reached the markdown"
grep -q -- '-&gt;' "$md" && fail "markdown escapes '>' needlessly"
# The client report's sections, in both formats, the same.
for sec in "Executive summary" "Scope" "Remediation plan" "Findings" "What was tested" \
    "Appendix: every host" "Methodology and limitations" "Scan details"; do
    grep -q "^## $sec" "$md" || fail "markdown lacks $sec"
    grep -q "<h2>$sec</h2>" "$html" || fail "html lacks $sec"
done
grep -q "Extension enumeration: not run (opt-in)." "$md" || fail "markdown: tests that did not run"
grep -q "Extension enumeration: not run (opt-in)." "$html" || fail "html: tests that did not run"
grep -q '\\\*bold\\\*' "$md" || fail "markdown emphasis not escaped"
grep -q '\\\[link\\\]' "$md" || fail "markdown link not escaped"

# Baseline: the same network again fails on nothing new.
scan "$WORK/b" --fail-on high --baseline "$WORK/a/r.json"
expect_eq "$status" 0 "same network against its baseline"
expect_eq "$(jq '[.services[].findings[] | select(.new)] | length' "$WORK/b/r.json")" 0 "no new findings"
expect_eq "$(jq '.summary.fixed | length' "$WORK/b/r.json")" 0 "nothing fixed"
expect_eq "$(xmllint --xpath 'count(//failure)' "$WORK/b/r.xml")" 0 "junit: no failures against the baseline"
# The known findings at or above --fail-on still appear, skipped, with the baseline's date.
expect_eq "$(xmllint --xpath 'count(//testcase[skipped])' "$WORK/b/r.xml")" 2 "junit: known findings skipped"
expect_eq "$(xmllint --xpath 'string(//testsuites/@skipped)' "$WORK/b/r.xml")" 2 "junit: skipped count"
xmllint --xpath 'string(//skipped[1]/@message)' "$WORK/b/r.xml" | grep -q "^known: in the baseline of 20" ||
    fail "skipped message: $(xmllint --xpath 'string(//skipped[1]/@message)' "$WORK/b/r.xml")"
xmllint --noout --schema "$SP_SOURCE_DIR/tests/peers/junit.xsd" "$WORK/b/r.xml" || fail "junit with skipped does not validate"

# The network changes: an open registrar appears, the Yealink phone goes.
stop_lab
cat >"$WORK/lab2.conf" <<CONF
127.0.17.1  asterisk
127.0.17.2  kamailio
127.0.17.4  xss-banner
127.0.17.5  open-registrar
CONF
start_lab "$WORK/lab2.conf" $PORT
scan "$WORK/c" --fail-on critical --baseline "$WORK/a/r.json"
expect_eq "$status" 1 "a new critical finding fails the run"
expect_eq "$(jq -r '[.services[] | select(.host == "127.0.17.5") | .findings[] | select(.id == "register-without-auth") | .new] | first' "$WORK/c/r.json")" true "new finding marked"
expect_eq "$(jq -r '[.services[] | select(.host == "127.0.17.1") | .findings[].new] | unique | join(",")' "$WORK/c/r.json")" false "known findings marked"
# The phone stopped answering: its findings are "not seen", never "fixed".
jq -r '.summary.not_seen[]' "$WORK/c/r.json" | grep -q '^127.0.17.3:25068/udp version-disclosure$' ||
    fail "not seen findings: $(jq -c .summary.not_seen "$WORK/c/r.json")"
jq -r '.summary.fixed[]' "$WORK/c/r.json" | grep -q '^127.0.17.3:' &&
    fail "a silent service's findings counted as fixed: $(jq -c .summary.fixed "$WORK/c/r.json")"
grep -q 'Not seen this time' "$WORK/c/r.html" || fail "html lacks the not-seen section"

grep -q 'NEW' "$WORK/c/r.md" || fail "markdown lacks the NEW mark"
expect_eq "$(xmllint --xpath 'count(//failure)' "$WORK/c/r.xml")" 1 "junit: only the new critical fails"
# New findings below the threshold do not fail.
scan "$WORK/d" --fail-on critical --baseline "$WORK/c/r.json"
expect_eq "$status" 0 "nothing new at or above critical"
echo "PASS"
