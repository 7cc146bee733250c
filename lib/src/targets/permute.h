/* A seeded pseudo-random permutation of [0, n): a balanced Feistel network
 * over the smallest even-bit power-of-two domain >= n, walked in order with
 * outputs >= n skipped. Walking domain indices j = shard, shard+count, ...
 * gives disjoint shards that together cover [0, n) exactly. */
#ifndef SP_PERMUTE_H
#define SP_PERMUTE_H

#include <stdint.h>

typedef struct sp__perm {
    uint64_t n;
    uint64_t domain; /* 2^(2*half_bits) */
    unsigned half_bits;
    uint64_t half_mask;
    uint64_t keys[4];
} sp__perm;

void sp__perm_init(sp__perm *p, uint64_t n, uint64_t seed);
/* Maps domain index j (< domain) to *out; returns 1 when *out < n (a real element). */
int sp__perm_map(const sp__perm *p, uint64_t j, uint64_t *out);

/* The domain index j that sp__perm_map maps to v (v < domain): its inverse. */
uint64_t sp__perm_unmap(const sp__perm *p, uint64_t v);
/* 1 if the walk of shard `shard` (0-based) of `count` produces element v,
 * without walking: v's domain index is shard modulo count. */
int sp__walk_has(const sp__perm *p, uint64_t v, unsigned shard, unsigned count);

/* A cursor over one shard of the permutation. */
typedef struct sp__walk {
    const sp__perm *perm;
    uint64_t next_j;
    uint64_t step;
} sp__walk;

/* shard is 0-based, count >= 1. */
void sp__walk_init(sp__walk *w, const sp__perm *p, unsigned shard, unsigned count);
/* Next element of this shard; returns 0 at the end. */
int sp__walk_next(sp__walk *w, uint64_t *out);
/* Number of elements this shard will produce (walks the shard: O(domain/count)). */
uint64_t sp__walk_count(const sp__perm *p, unsigned shard, unsigned count);

#endif
