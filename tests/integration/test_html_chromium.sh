# The HTML report in a real browser (headless Debian chromium): it renders,
# the chart is there, and a hostile Server header shows as text with no
# script run. A control page proves the harness would see a script run.
# The screenshot is kept in the build tree as a test artefact.
source "$(dirname "$0")/lib.sh"
need chromium
need jq
PORT=25069
printf '127.0.19.1 asterisk\n127.0.19.2 xss-banner\n127.0.19.3 open-registrar\n' >"$WORK/lab.conf"
start_lab "$WORK/lab.conf" $PORT
"$SIPPROBE" -q --ports $PORT -m OPTIONS,REGISTER --wait 500 -o "$WORK/report.html" 127.0.19.1-3

# Chromium looks up Google's update and account servers whatever its flags
# say: it runs in a network namespace of its own, where no packet can leave.
unshare --net true 2>/dev/null || skip "cannot make a network namespace for chromium (not root?)"
chrome() { # chrome ARGS... URL: headless, no network, a throw-away profile
    timeout 90 unshare --net -- chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --disable-quic \
        --user-data-dir="$WORK/profile" "$@" 2>>"$WORK/chrome.log"
}

# Control: without our escaping and CSP, the same markup would run.
cat >"$WORK/control.html" <<'HTML'
<!DOCTYPE html><html><body><p>x</p><img src=x onerror="document.body.setAttribute('data-pwned',1)"><script>document.title='pwned'</script></body></html>
HTML
chrome --dump-dom "file://$WORK/control.html" >"$WORK/control.dom"
grep -q 'data-pwned' "$WORK/control.dom" && grep -q '<title>pwned</title>' "$WORK/control.dom" ||
    skip "this chromium does not run the control page's scripts; cannot judge the report"

chrome --dump-dom "file://$WORK/report.html" >"$WORK/report.dom"
[ -s "$WORK/report.dom" ] || fail "chromium rendered nothing: $(tail -3 "$WORK/chrome.log")"
grep -q 'data-pwned="' "$WORK/report.dom" && fail "a script ran in the report (onerror)"
grep -q '<title>pwned' "$WORK/report.dom" && fail "a script ran in the report (<script>)"
grep -q '<title>SIP exposure report: 3 services</title>' "$WORK/report.dom" || fail "title"
grep -q '&lt;img src=x onerror=' "$WORK/report.dom" || fail "hostile banner not shown as text"
expect_eq "$(grep -o '<rect class="bar"' "$WORK/report.dom" | wc -l)" 5 "chart bars"
grep -q 'Registrar accepts REGISTER without authentication' "$WORK/report.dom" || fail "finding missing"

# Every section of the client report is there and visible: the text of the
# page as chromium prints it (to PDF) holds each heading and a line of each.
if command -v pdftotext >/dev/null; then
    chrome --no-pdf-header-footer --print-to-pdf="$WORK/report.pdf" "file://$WORK/report.html" >/dev/null
    pdftotext -layout "$WORK/report.pdf" "$WORK/report.pdf.txt"
    for sec in "Executive summary" "Scope" "Remediation plan" "Findings" "Services" \
        "What was tested" "Appendix: every host" "Methodology and limitations" "Scan details"; do
        grep -q "$sec" "$WORK/report.pdf.txt" || fail "the printed report lacks '$sec'"
    done
    grep -q "Registrar accepts REGISTER without authentication: 1 host (127.0.19.3)" "$WORK/report.pdf.txt" ||
        fail "the summary does not name the risk once with its host"
    grep -q "Why this severity" "$WORK/report.pdf.txt" || fail "no severity rationale in print"
    grep -q "No answer over UDP is not proof that nothing listens" "$WORK/report.pdf.txt" ||
        fail "no limitations in print"
fi

ART=${SP_ARTIFACTS:-$WORK}
mkdir -p "$ART"
chrome --window-size=1200,1800 --screenshot="$ART/report.png" "file://$WORK/report.html" >/dev/null
[ -s "$ART/report.png" ] || fail "no screenshot"
echo "PASS (screenshot: $ART/report.png)"
