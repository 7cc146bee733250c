# The home-router lab, run by test_router_lab.sh inside `unshare --net
# --mount`: no packet can leave the sandbox. Namespaces:
#   lan  192.168.1.20   an office PBX (the loopback lab's office-pbx persona)
#   rtr  192.168.1.1 / 203.0.113.1   NAT (masquerade), filter "block all"
#        inbound, and switchable: the kernel SIP helper (nftables ct helper
#        "sip") and a 5060 DNAT pinhole to the PBX
#   wan  203.0.113.2    where sipprobe runs
# Then, from the LAN, `sipprobe alg-check` against a reflector on the WAN
# host, over UDP and TCP (the inside view).
# Usage: router_lab.sh HELPER(0|1) PINHOLE(0|1) OUTFILE ALGFILE
set -euo pipefail
helper=$1 pinhole=$2 out=$3 algout=$4
mount -t tmpfs tmpfs /run
mkdir -p /run/netns
cleanup() {
    [ -n "${LAB:-}" ] && kill "$LAB" 2>/dev/null && wait "$LAB" 2>/dev/null
    for ns in lan rtr wan; do ip netns del $ns 2>/dev/null || true; done
}
trap cleanup EXIT

for ns in lan rtr wan; do ip netns add $ns; ip -n $ns link set lo up; done
ip link add rl type veth peer name lr
ip link set rl netns rtr
ip link set lr netns lan
ip link add rw type veth peer name wr
ip link set rw netns rtr
ip link set wr netns wan
ip -n lan addr add 192.168.1.20/24 dev lr
ip -n lan link set lr up
ip -n lan route add default via 192.168.1.1
ip -n rtr addr add 192.168.1.1/24 dev rl
ip -n rtr link set rl up
ip -n rtr addr add 203.0.113.1/24 dev rw
ip -n rtr link set rw up
ip -n wan addr add 203.0.113.2/24 dev wr
ip -n wan link set wr up
ip netns exec rtr sysctl -qw net.ipv4.ip_forward=1

dnat=""
[ "$pinhole" = 1 ] && dnat='iifname "rw" meta l4proto { udp, tcp } th dport 5060 dnat to 192.168.1.20'
assign=""
[ "$helper" = 1 ] && assign='udp dport 5060 ct helper set "sip-5060"; tcp dport 5060 ct helper set "sip-5060t"'
ip netns exec rtr nft -f - <<NFT
table ip nat {
    chain prerouting { type nat hook prerouting priority dstnat; $dnat; }
    chain postrouting { type nat hook postrouting priority srcnat; oifname "rw" masquerade; }
}
table ip filter {
    ct helper sip-5060 { type "sip" protocol udp; l3proto ip; }
    ct helper sip-5060t { type "sip" protocol tcp; l3proto ip; }
    chain pre { type filter hook prerouting priority filter; $assign; }
    chain forward {
        type filter hook forward priority filter; policy drop;
        ct state established,related accept
        iifname "rl" oifname "rw" accept
        iifname "rw" ct status dnat accept
    }
    chain input {
        type filter hook input priority filter; policy drop;
        ct state established,related accept
        iifname "rl" accept
        iifname "lo" accept
    }
}
NFT

echo "192.168.1.20 office-pbx" >"$out.lab.conf"
ip netns exec lan "$SIPPROBE_LAB" --config "$out.lab.conf" --personas "$SP_SOURCE_DIR/fixtures/personas" \
    --port 5060 --tcp-port 5060 --max-seconds 30 --allow-from 203.0.113.0/24 --ready-file "$out.ready" 2>"$out.lab.log" &
LAB=$!
for _ in $(seq 50); do [ -s "$out.ready" ] && break; sleep 0.1; done
# Over UDP and TCP: without the pinhole the router drops the SYN, which
# sipprobe counts as filtered once --connect-timeout has passed.
ip netns exec wan "$SIPPROBE" -q -m OPTIONS,REGISTER --transport udp,tcp --wait 700 \
    --connect-timeout 700 -o "$out" -o "$out.json" 203.0.113.1

ip netns exec wan "$SIPPROBE" reflect --listen 203.0.113.2:5060 --token lab-s3cret \
    --max-seconds 20 2>"$algout.reflector.log" &
REFLECTOR=$!
sleep 0.3
set +e
ip netns exec lan "$SIPPROBE" alg-check -q --token lab-s3cret --transport udp,tcp --wait 2000 \
    --fail-on medium -f ndjson 203.0.113.2 >"$algout"
echo $? >"$algout.status"
set -e
kill $REFLECTOR 2>/dev/null || true
wait $REFLECTOR 2>/dev/null || true
