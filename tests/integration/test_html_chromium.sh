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

chrome() { # chrome ARGS... URL: headless, no network, a throw-away profile
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
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

ART=${SP_ARTIFACTS:-$WORK}
mkdir -p "$ART"
chrome --window-size=1200,1800 --screenshot="$ART/report.png" "file://$WORK/report.html" >/dev/null
[ -s "$ART/report.png" ] || fail "no screenshot"
echo "PASS (screenshot: $ART/report.png)"
