# Advisories on real captures (../shared/pcaps next to the source tree, as
# described in its SOURCES.md): every advisory a capture's banner gets is one
# of the version's own branch (a 1.6.0.6 gets nothing of 11.x, 13.x or 18.x),
# each with its confidence and source; a distribution build says so.
source "$(dirname "$0")/lib.sh"
need jq
CAPS="$SP_SOURCE_DIR/../shared/pcaps"
[ -d "$CAPS" ] || skip "no captures in $CAPS"

# branch_ok VERSION BRANCH: the branch label is VERSION's own branch, or
# "X and earlier" with VERSION on branch X or below.
branch_ok() {
    local v=$1 b=$2
    case "$b" in
    "certified "*) [[ "$v" == "${b#certified }-cert"* ]] ;;
    *" and earlier")
        # a range without a lower bound ("1.10 and earlier"): VERSION is at most that branch
        local top=${b% and earlier}
        [[ "$v" != *-cert* ]] && [ "$(printf '%s\n%s\n' "$v" "$top.99999" | sort -V | head -n1)" = "$v" ] ;;
    *) [[ "$v" != *-cert* && ("$v" == "$b" || "$v" == "$b".*) ]] ;;
    esac
}

checked=0
RE_FPBX='^FreePBX ([^ ]+) with [^ ]+ ([^ ]+) \(from '
RE_HEAD='^[^(]* ([0-9][^ ]*) \(from '
RE_BRANCH='on branch ([^;(]*[^;( ])'
RE_POSSIBLE='on the ([^ ]+) branch'
for cap in "$CAPS"/*.pcap "$CAPS"/*.pcapng; do
    [ -e "$cap" ] || continue
    name=$(basename "$cap")
    "$SIPPROBE" -q --read "$cap" -o "$WORK/$name.ndjson" 2>/dev/null || true
    [ -s "$WORK/$name.ndjson" ] || continue
    while IFS= read -r finding; do
        head=$(jq -r '.evidence[0]' <<<"$finding")
        # "Asterisk 11.7.0 (from ..." or "FreePBX 14.0.13.4 with Asterisk 13.27.0 (from ..."
        if [[ "$head" =~ $RE_FPBX ]]; then
            fw=${BASH_REMATCH[1]} v=${BASH_REMATCH[2]}
        elif [[ "$head" =~ $RE_HEAD ]]; then
            fw="" v=${BASH_REMATCH[1]}
        else
            fail "$name: first evidence line does not name the version: $head"
        fi
        while IFS= read -r line; do
            [[ "$line" == *"; confidence: "*"; http"* ]] || fail "$name: no confidence or source: $line"
            if [[ "$line" =~ $RE_BRANCH ]] || [[ "$line" =~ $RE_POSSIBLE ]]; then
                b=${BASH_REMATCH[1]}
            else
                fail "$name: no branch in: $line"
            fi
            branch_ok "$v" "$b" || { [ -n "$fw" ] && branch_ok "$fw" "$b"; } ||
                fail "$name: $v gets an advisory of branch $b: $line"
            if [[ "$head" == *"a distribution build"* && "$line" != *"possible:"* ]]; then
                [[ "$line" == *"confidence: distribution build"* ]] || fail "$name: distribution build at full confidence: $line"
            fi
            checked=$((checked + 1))
        done < <(jq -r '.evidence[1:][]' <<<"$finding")
    done < <(jq -c '.findings[]? | select(.id == "known-vulnerable-version")' "$WORK/$name.ndjson")
done
[ "$checked" -gt 0 ] || fail "no capture gave any advisory to check"

# The 1.6.0.6 of a real capture: advisories of the 1.6.0 branch only.
Z="$CAPS/asterisk-zfone-xlite.pcap"
if [ -e "$Z" ]; then
    jq -r '.findings[]? | select(.id == "known-vulnerable-version") | .evidence[0]' \
        "$WORK/asterisk-zfone-xlite.pcap.ndjson" | grep -q '^Asterisk 1\.6\.0\.6 ' ||
        fail "asterisk-zfone-xlite.pcap: 1.6.0.6 not checked"
fi
echo "ok: $checked advisory lines on real captures, each of its version's branch"
