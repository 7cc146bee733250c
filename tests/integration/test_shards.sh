# Shards of the same seed are disjoint and together cover the target set;
# the order is a permutation that depends on the seed. Each (address, port,
# transport) is probed once however often and however it is written.
source "$(dirname "$0")/lib.sh"
for i in 1 2 3; do
    "$SIPPROBE" --dry-run -q --seed 5 --shard $i/3 127.0.50.0/24 | sed -n 's/^# to \([^/]*\)\/udp.*/\1/p' >"$WORK/shard$i"
done
cat "$WORK"/shard{1,2,3} | sort >"$WORK/all"
expect_eq "$(wc -l <"$WORK/all")" 256 "probes over all shards"
expect_eq "$(sort -u "$WORK/all" | wc -l)" 256 "distinct targets over all shards"
for i in 1 2 3; do
    n=$(wc -l <"$WORK/shard$i")
    [ "$n" -gt 50 ] && [ "$n" -lt 120 ] || fail "shard $i has $n targets"
done
"$SIPPROBE" --dry-run -q --seed 5 127.0.50.0/24 | sed -n 's/^# to //p' >"$WORK/a"
"$SIPPROBE" --dry-run -q --seed 5 127.0.50.0/24 | sed -n 's/^# to //p' >"$WORK/b"
"$SIPPROBE" --dry-run -q --seed 6 127.0.50.0/24 | sed -n 's/^# to //p' >"$WORK/c"
cmp -s "$WORK/a" "$WORK/b" || fail "same seed, different order"
cmp -s "$WORK/a" "$WORK/c" && fail "different seeds, same order"
sort -c "$WORK/a" 2>/dev/null && fail "targets were visited in address order"

# Duplicates spelled apart: a bare address, with the default port, as URIs;
# a CIDR, ranges and a single address that overlap.
to() { sed -n 's/^# to \([^ ]*\) .*/\1/p' "$1"; }
"$SIPPROBE" --dry-run -q 127.0.50.1 127.0.50.1:5060 udp://127.0.50.1:5060 sip:127.0.50.1 \
    127.0.50.0/30 127.0.50.1-127.0.50.2 127.0.50.2-3 127.0.50.3 >"$WORK/dup"
expect_eq "$(grep -c '^# to ' "$WORK/dup")" 4 "probes to 127.0.50.0/30 written seven ways"
expect_eq "$(to "$WORK/dup" | sort -u | tr '\n' ' ')" \
    "127.0.50.0:5060/udp 127.0.50.1:5060/udp 127.0.50.2:5060/udp 127.0.50.3:5060/udp " "endpoints"
# Ports and transports of their own add to the lists, once; IPv6 and zones too.
"$SIPPROBE" --dry-run -q --transport udp,tcp -m OPTIONS,REGISTER 127.0.50.1 tcp://127.0.50.1 \
    127.0.50.1:5080 udp://127.0.50.1:5080 tls://127.0.50.1 sips:127.0.50.1 ::1 '[::1]:5060' \
    udp://[::1] fe80::1%lo 'fe80::1%lo' '[fe80::1%25lo]:5060' >"$WORK/dup2"
expect_eq "$(to "$WORK/dup2" | sort | uniq -c | awk '$1 != 2' | wc -l)" 0 \
    "each endpoint gets each of the two methods once"
expect_eq "$(to "$WORK/dup2" | sort -u | tr '\n' ' ')" "127.0.50.1:5060/tcp 127.0.50.1:5060/udp \
127.0.50.1:5061/tls 127.0.50.1:5080/tcp 127.0.50.1:5080/udp [::1]:5060/tcp [::1]:5060/udp \
[fe80::1%lo]:5060/tcp [fe80::1%lo]:5060/udp " "endpoints with ports and transports of their own"
# Sharded, overlapping targets still cover each endpoint exactly once.
for i in 1 2 3; do
    "$SIPPROBE" --dry-run -q --seed 9 --shard $i/3 127.0.50.0/25 127.0.50.64/26 127.0.50.100:5060 \
        udp://127.0.50.127 | to /dev/stdin
done >"$WORK/dupshards"
expect_eq "$(wc -l <"$WORK/dupshards")" 128 "probes over all shards of overlapping targets"
expect_eq "$(sort -u "$WORK/dupshards" | wc -l)" 128 "distinct endpoints over all shards"
echo "PASS"
