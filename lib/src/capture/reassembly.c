#include "capture/reassembly.h"

#include <stdlib.h>
#include <string.h>

void sp__frags_init(sp__frags *f)
{
    memset(f, 0, sizeof(*f));
}

static void frag_clear(sp__frag_slot *s)
{
    free(s->data);
    free(s->have);
    memset(s, 0, sizeof(*s));
}

void sp__frags_free(sp__frags *f)
{
    for (int i = 0; i < SP__FRAG_SLOTS; i++)
        frag_clear(&f->slot[i]);
}

static int frag_complete(const sp__frag_slot *s)
{
    if (!s->total)
        return 0;
    size_t units = (s->total + 7) / 8;
    for (size_t u = 0; u < units; u++)
        if (!(s->have[u / 8] & (1u << (u % 8))))
            return 0;
    return 1;
}

long sp__frags_add(sp__frags *f, uint8_t family, const uint8_t *src, const uint8_t *dst,
                   uint32_t id, uint8_t proto, size_t off, int more, const uint8_t *payload,
                   size_t len, double ts, const uint8_t **out)
{
    if (off + len > SP__FRAG_MAX || (more && len % 8) || off % 8)
        return -1;
    size_t alen = family == 4 ? 4 : 16;
    sp__frag_slot *s = NULL, *oldest = &f->slot[0];
    for (int i = 0; i < SP__FRAG_SLOTS && !s; i++) {
        sp__frag_slot *c = &f->slot[i];
        if (c->used && c->family == family && c->proto == proto && c->id == id &&
            !memcmp(c->src, src, alen) && !memcmp(c->dst, dst, alen))
            s = c;
        else if (!c->used || (oldest->used && c->last_ts < oldest->last_ts))
            oldest = c;
    }
    if (!s) {
        s = oldest; /* a free slot, or the stalest datagram gives way */
        frag_clear(s);
        s->data = malloc(SP__FRAG_MAX);
        s->have = calloc((SP__FRAG_MAX + 63) / 64, 1);
        if (!s->data || !s->have) {
            frag_clear(s);
            return -1;
        }
        s->used = 1;
        s->family = family;
        s->proto = proto;
        s->id = id;
        memcpy(s->src, src, alen);
        memcpy(s->dst, dst, alen);
    }
    s->last_ts = ts;
    memcpy(s->data + off, payload, len);
    for (size_t u = off / 8; u < (off + len + 7) / 8; u++)
        s->have[u / 8] |= (uint8_t)(1u << (u % 8));
    if (!more)
        s->total = off + len;
    if (!frag_complete(s))
        return 0;
    /* Hand the datagram out; the slot is reused after the caller is done. */
    static uint8_t done[SP__FRAG_MAX];
    long total = (long)s->total;
    memcpy(done, s->data, s->total);
    frag_clear(s);
    *out = done;
    return total;
}

int sp__tcp_flows_init(sp__tcp_flows *t)
{
    memset(t, 0, sizeof(*t));
    return 0;
}

void sp__tcp_forget(sp__tcp_flow *f)
{
    free(f->buf);
    for (size_t i = 0; i < f->n_pending; i++)
        free(f->pending[i].data);
    free(f->pending);
    memset(f, 0, sizeof(*f));
}

void sp__tcp_flows_free(sp__tcp_flows *t)
{
    /* Only used slots own memory; skipping the others leaves the table's
     * untouched pages unfaulted (a capture with a few flows stays cheap). */
    for (size_t i = 0; t->flow && i < SP__TCP_FLOWS; i++)
        if (t->flow[i].used)
            sp__tcp_forget(&t->flow[i]);
    free(t->flow);
    t->flow = NULL;
}

static size_t flow_hash(const sp__addr *src, uint16_t sport, const sp__addr *dst, uint16_t dport)
{
    uint64_t h = 1469598103934665603ull;
    const uint8_t *parts[2] = {src->bytes, dst->bytes};
    for (int p = 0; p < 2; p++)
        for (int i = 0; i < 16; i++)
            h = (h ^ parts[p][i]) * 1099511628211ull;
    h = (h ^ sport) * 1099511628211ull;
    h = (h ^ dport) * 1099511628211ull;
    return (size_t)(h % SP__TCP_FLOWS);
}

static int same_flow(const sp__tcp_flow *f, const sp__addr *src, uint16_t sport,
                     const sp__addr *dst, uint16_t dport)
{
    return f->used && f->sport == sport && f->dport == dport && sp__addr_equal(&f->src, src) &&
           sp__addr_equal(&f->dst, dst);
}

/* Appends in-order bytes, within the per-direction bound. */
static void append(sp__tcp_flows *t, sp__tcp_flow *f, const uint8_t *data, size_t len)
{
    if (f->len + len > f->cap && f->cap < SP__TCP_BUFFER) {
        size_t cap = f->cap;
        while (cap < f->len + len && cap < SP__TCP_BUFFER)
            cap *= 2;
        uint8_t *b = realloc(f->buf, cap);
        if (b) {
            f->buf = b;
            f->cap = cap;
        }
    }
    if (f->len + len > f->cap) {
        /* More than a SIP message can be: keep the newest bytes. */
        t->dropped_bytes += f->len;
        f->len = 0;
        if (len > f->cap) {
            t->dropped_bytes += len - f->cap;
            data += len - f->cap;
            len = f->cap;
        }
    }
    memcpy(f->buf + f->len, data, len);
    f->len += len;
    f->next_seq += (uint32_t)len;
}

/* Signed distance between sequence numbers, wrap-around aware. */
static int32_t seq_diff(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

sp__tcp_flow *sp__tcp_add(sp__tcp_flows *t, const sp__addr *src, uint16_t sport,
                          const sp__addr *dst, uint16_t dport, uint32_t seq, int syn, int fin_rst,
                          const uint8_t *data, size_t len, double ts)
{
    if (!t->flow && !(t->flow = calloc(SP__TCP_FLOWS, sizeof(*t->flow))))
        return NULL;
    size_t h = flow_hash(src, sport, dst, dport), i = h;
    sp__tcp_flow *f = NULL;
    for (int probe = 0; probe < 8; probe++, i = (i + 1) % SP__TCP_FLOWS)
        if (same_flow(&t->flow[i], src, sport, dst, dport)) {
            f = &t->flow[i];
            break;
        }
    if (!f) {
        if (!len && !syn)
            return NULL;
        /* A free slot near the hash, else the stalest one there gives way. */
        sp__tcp_flow *victim = NULL;
        for (int probe = 0; probe < 8; probe++) {
            sp__tcp_flow *c = &t->flow[(h + (size_t)probe) % SP__TCP_FLOWS];
            if (!c->used) {
                victim = c;
                break;
            }
            if (!victim || c->last_ts < victim->last_ts)
                victim = c;
        }
        if (victim->used)
            t->dropped_bytes += victim->len;
        sp__tcp_forget(victim);
        f = victim;
        f->buf = malloc(4096);
        if (!f->buf)
            return NULL;
        f->cap = 4096;
        f->used = 1;
        f->src = *src;
        f->dst = *dst;
        f->sport = sport;
        f->dport = dport;
    }
    f->last_ts = ts;
    if (syn) {
        f->synced = 1;
        f->next_seq = seq + 1;
        return NULL;
    }
    if (!f->synced) {
        /* Joined mid-connection: start from this segment. */
        f->synced = 1;
        f->next_seq = seq;
    }
    int32_t d = seq_diff(seq, f->next_seq);
    if (len && d <= 0 && (size_t)(-(int64_t)d) < len) {
        size_t skip = (size_t)(-(int64_t)d); /* a retransmission overlapping new bytes */
        append(t, f, data + skip, len - skip);
    } else if (len && d > 0) {
        /* Out of order: hold it until the gap fills, within bounds. */
        if (!f->pending && d < (int32_t)SP__TCP_BUFFER)
            f->pending = malloc(SP__TCP_PENDING * sizeof(*f->pending));
        if (f->pending && f->n_pending < SP__TCP_PENDING && d < (int32_t)SP__TCP_BUFFER) {
            sp__tcp_seg *p = &f->pending[f->n_pending];
            p->data = malloc(len);
            if (p->data) {
                memcpy(p->data, data, len);
                p->seq = seq;
                p->len = len;
                f->n_pending++;
            }
        } else {
            t->dropped_bytes += len;
        }
    }
    /* Held segments that now fit, in any order they came. */
    for (int progress = 1; progress;) {
        progress = 0;
        for (size_t k = 0; k < f->n_pending; k++) {
            sp__tcp_seg *p = &f->pending[k];
            int32_t pd = seq_diff(p->seq, f->next_seq);
            if (pd > 0)
                continue;
            if ((size_t)(-(int64_t)pd) < p->len)
                append(t, f, p->data + (size_t)(-(int64_t)pd), p->len - (size_t)(-(int64_t)pd));
            free(p->data);
            f->pending[k] = f->pending[--f->n_pending];
            progress = 1;
            break;
        }
    }
    if (fin_rst && f->n_pending) {
        /* The connection ends with a gap that will never fill: skip it. */
        for (size_t k = 0; k < f->n_pending; k++) {
            t->dropped_bytes += f->pending[k].len;
            free(f->pending[k].data);
        }
        f->n_pending = 0;
    }
    return f;
}

void sp__tcp_consume(sp__tcp_flow *f, size_t n)
{
    if (n >= f->len) {
        f->len = 0;
        return;
    }
    memmove(f->buf, f->buf + n, f->len - n);
    f->len -= n;
}

void sp__tcp_skip(sp__tcp_flows *t, sp__tcp_flow *f, uint32_t n)
{
    t->dropped_bytes += f->len + n;
    f->len = 0;
    f->next_seq += n;
}
