#include "match/table.h"

#include "match/siphash.h"

#include <stdlib.h>
#include <string.h>

void sp__table_init(sp__table *t, const uint8_t key[16])
{
    memset(t, 0, sizeof(*t));
    memcpy(t->key, key, sizeof(t->key));
}

void sp__table_free(sp__table *t)
{
    for (size_t i = 0; i < t->cap; i++)
        sp__svc_free(t->v[i].svc);
    free(t->v);
    t->v = NULL;
    t->cap = t->used = 0;
}

static uint64_t key_hash(const sp__table *t, uint8_t family, const uint8_t *addr, uint16_t port,
                         uint8_t transport)
{
    uint8_t k[20];
    memcpy(k, addr, 16);
    k[16] = family;
    k[17] = transport;
    k[18] = (uint8_t)(port >> 8);
    k[19] = (uint8_t)port;
    return sp__siphash24(t->key, k, sizeof(k));
}

static int grow(sp__table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    sp__entry *v = calloc(cap, sizeof(*v));
    if (!v)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        sp__entry *e = &t->v[i];
        if (!e->used)
            continue;
        size_t j = key_hash(t, e->family, e->addr, e->port, e->transport) & (cap - 1);
        while (v[j].used)
            j = (j + 1) & (cap - 1);
        v[j] = *e;
    }
    free(t->v);
    t->v = v;
    t->cap = cap;
    return 0;
}

sp__entry *sp__table_find(sp__table *t, const sp__addr *a, uint16_t port, uint8_t transport,
                          int add)
{
    uint8_t addr[16] = {0};
    memcpy(addr, a->bytes, a->family == 4 ? 4 : 16);
    if (add && (t->used + 1) * 10 > t->cap * 7 && grow(t) < 0)
        return NULL;
    if (!t->cap)
        return NULL;
    size_t j = key_hash(t, a->family, addr, port, transport) & (t->cap - 1);
    while (t->v[j].used) {
        sp__entry *e = &t->v[j];
        if (e->family == a->family && e->port == port && e->transport == transport &&
            !memcmp(e->addr, addr, 16))
            return e;
        j = (j + 1) & (t->cap - 1);
    }
    if (!add)
        return NULL;
    sp__entry *e = &t->v[j];
    e->used = 1;
    e->family = a->family;
    e->port = port;
    e->transport = transport;
    memcpy(e->addr, addr, 16);
    t->used++;
    return e;
}
