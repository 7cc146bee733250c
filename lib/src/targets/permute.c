#include "targets/permute.h"

/* splitmix64's finaliser: a cheap, well-mixed round function. The order only
 * has to look random to the networks we scan, not resist cryptanalysis. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void sp__perm_init(sp__perm *p, uint64_t n, uint64_t seed)
{
    unsigned bits = 2;
    while (bits < 64 && (((uint64_t)1) << bits) < n)
        bits += 2;
    p->n = n;
    p->half_bits = bits / 2;
    p->half_mask = (((uint64_t)1) << p->half_bits) - 1;
    p->domain = bits >= 64 ? UINT64_MAX : ((uint64_t)1) << bits;
    uint64_t s = seed;
    for (int i = 0; i < 4; i++) {
        s = mix(s + (uint64_t)i);
        p->keys[i] = s;
    }
}

int sp__perm_map(const sp__perm *p, uint64_t j, uint64_t *out)
{
    uint64_t l = (j >> p->half_bits) & p->half_mask;
    uint64_t r = j & p->half_mask;
    for (int i = 0; i < 4; i++) {
        uint64_t t = r;
        r = l ^ (mix(r ^ p->keys[i]) & p->half_mask);
        l = t;
    }
    *out = (l << p->half_bits) | r;
    return *out < p->n;
}

uint64_t sp__perm_unmap(const sp__perm *p, uint64_t v)
{
    uint64_t l = (v >> p->half_bits) & p->half_mask;
    uint64_t r = v & p->half_mask;
    for (int i = 3; i >= 0; i--) { /* the rounds of sp__perm_map, last first */
        uint64_t t = l;
        l = r ^ (mix(l ^ p->keys[i]) & p->half_mask);
        r = t;
    }
    return (l << p->half_bits) | r;
}

int sp__walk_has(const sp__perm *p, uint64_t v, unsigned shard, unsigned count)
{
    if (v >= p->n)
        return 0;
    if (count <= 1)
        return 1;
    return sp__perm_unmap(p, v) % count == shard;
}

void sp__walk_init(sp__walk *w, const sp__perm *p, unsigned shard, unsigned count)
{
    w->perm = p;
    w->next_j = shard;
    w->step = count ? count : 1;
}

int sp__walk_next(sp__walk *w, uint64_t *out)
{
    while (w->next_j < w->perm->domain) {
        uint64_t j = w->next_j;
        w->next_j += w->step;
        if (w->next_j < j) /* wrapped: the domain is exhausted */
            w->next_j = w->perm->domain;
        if (sp__perm_map(w->perm, j, out))
            return 1;
    }
    return 0;
}

uint64_t sp__walk_count(const sp__perm *p, unsigned shard, unsigned count)
{
    if (count <= 1)
        return p->n;
    sp__walk w;
    uint64_t v, k = 0;
    sp__walk_init(&w, p, shard, count);
    while (sp__walk_next(&w, &v))
        k++;
    return k;
}
