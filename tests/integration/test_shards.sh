# Shards of the same seed are disjoint and together cover the target set;
# the order is a permutation that depends on the seed.
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
echo "PASS"
