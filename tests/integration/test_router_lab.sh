# The seed scenario on a real (namespaced) home router: with the 5060
# pinhole, a scan of the router's WAN address finds the LAN PBX, fingerprinted
# as itself over UDP and TCP, and reports sip-exposed-through-nat with
# evidence; with the
# kernel SIP helper on, the ALG's rewriting shows as sip-alg-detected;
# without the pinhole ("block all" really blocks), nothing is found and the
# dropped TCP SYNs are counted as filtered. From the
# LAN, alg-check against a reflector outside finds the ALG exactly when the
# helper is on, over UDP and TCP, with a diff of what it rewrote.
# Everything runs inside unshare --net --mount: nothing leaves the sandbox.
source "$(dirname "$0")/lib.sh"
need jq
need nft
need ip
need unshare
[ "$(id -u)" = 0 ] || skip "network namespaces need root"
unshare --net --mount true 2>/dev/null || skip "cannot create network namespaces here"
export SIPPROBE SIPPROBE_LAB SP_SOURCE_DIR

ids() { jq -r '[.findings[].id] | sort | join(",")' "$1"; }
for helper in 0 1; do
    for pinhole in 0 1; do
        out="$WORK/h${helper}p$pinhole.ndjson"
        alg="$WORK/h${helper}p$pinhole.alg"
        unshare --net --mount bash "$SP_SOURCE_DIR/tests/integration/router_lab.sh" \
            $helper $pinhole "$out" "$alg" || fail "lab (helper=$helper pinhole=$pinhole) failed"
        # The inside view: alg-check from the LAN to a reflector outside.
        expect_eq "$(wc -l <"$alg")" 2 "alg-check: a record per transport (helper=$helper)"
        for t in udp tcp; do
            got=$(jq -r "select(.transport == \"$t\") | [.findings[].id] | join(\",\")" "$alg")
            if [ $helper = 1 ]; then
                expect_eq "$got" sip-alg-detected "alg-check over $t with the helper"
                jq -r "select(.transport == \"$t\") | .findings[0].evidence[]" "$alg" |
                    grep -q "Contact: <sip:100@192.168.1.20:[0-9]*>', reflector received 'Contact: <sip:100@203.0.113.1:" ||
                    fail "alg-check over $t: the Contact rewrite is not in the evidence: $(jq -c . "$alg")"
            else
                expect_eq "$got" "" "alg-check over $t without the helper: no ALG"
            fi
        done
        expect_eq "$(cat "$alg.status")" $((helper == 1 ? 1 : 0)) "alg-check exit status follows --fail-on"
        C='.summary.connections'
        if [ $pinhole = 0 ]; then
            expect_eq "$(wc -l <"$out")" 0 "helper=$helper, no pinhole: nothing reachable"
            expect_eq "$(jq -r "$C.attempts, $C.filtered" "$out.json" | tr '\n' ' ')" "2 2 " \
                "no pinhole: the router drops the TCP SYNs, counted as filtered"
            continue
        fi
        expect_eq "$(wc -l <"$out")" 2 "helper=$helper, pinhole: the PBX over UDP and TCP"
        for t in udp tcp; do
            svc="$out.$t"
            jq -c "select(.transport == \"$t\")" "$out" >"$svc"
            expect_eq "$(jq -r '.host + " " + .responder' "$svc")" "203.0.113.1 203.0.113.1:5060" "$t: found on the WAN address"
            expect_eq "$(jq -r '.fingerprint.product + " " + .fingerprint.type' "$svc")" "FreePBX pbx" "$t: fingerprinted as the PBX, not the router"
            f=$(ids "$svc")
            case ",$f," in *,sip-exposed-through-nat,*) ;; *) fail "helper=$helper $t: no sip-exposed-through-nat in $f" ;; esac
            ev=$(jq -r '.findings[] | select(.id == "sip-exposed-through-nat") | .evidence | join(" | ")' "$svc")
            if [ $helper = 0 ]; then
                case "$ev" in *"Contact: <sip:192.168.1.20:5060> (private address 192.168.1.20)"*) ;;
                *) fail "helper off, $t: evidence should be the LAN Contact: $ev" ;; esac
                case ",$f," in *,sip-alg-detected,*) fail "$t: ALG reported without the helper" ;; esac
            else
                case "$ev" in *"To rewritten in transit: sent <sip:100@203.0.113.1>, received <sip:100@203.0.113.1:5060>"*) ;;
                *) fail "helper on, $t: evidence should be the ALG's rewrite: $ev" ;; esac
                case ",$f," in *,sip-alg-detected,*) ;; *) fail "helper on, $t: no sip-alg-detected in $f" ;; esac
                expect_eq "$(jq -r '.contacts[0]' "$svc")" "<sip:203.0.113.1:5060>" "$t: the helper rewrote Contact"
            fi
        done
    done
done
echo "PASS"
