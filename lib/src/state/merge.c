#include "state/merge.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Moves every string src owns to dst, so that pointers into them (its
 * fingerprint, its observations) stay valid in dst. */
static int take_owned(sp__strv *dst, sp__strv *src)
{
    if (dst->n + src->n > dst->cap) {
        size_t cap = dst->n + src->n + 8;
        char **v = realloc(dst->v, cap * sizeof(*v));
        if (!v)
            return -1;
        dst->v = v;
        dst->cap = cap;
    }
    memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
    dst->n += src->n;
    src->n = 0;
    return 0;
}

static int same_text(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static int has_observation(const sp__svc *svc, const sp_observation *o)
{
    for (size_t i = 0; i < svc->n_obs; i++)
        if (same_text(svc->obs[i].scan_id, o->scan_id) && same_text(svc->obs[i].seen, o->seen))
            return 1;
    return 0;
}

static void merge_findings(sp__svc *dst, const sp__svc *src)
{
    for (size_t i = 0; i < src->n_findings; i++) {
        const char *id = src->findings[i].id;
        const sp__strv *ev = &src->evidence[i];
        size_t k = 0;
        while (k < dst->n_findings && strcmp(dst->findings[k].id, id))
            k++;
        if (k == dst->n_findings) {
            sp__svc_add_finding(dst, id, (const char *const *)ev->v, ev->n);
            continue;
        }
        for (size_t e = 0; e < ev->n; e++) /* the same evidence twice says nothing new */
            if (!sp__strv_contains(&dst->evidence[k], ev->v[e]))
                sp__svc_add_evidence(dst, id, ev->v[e]);
    }
}

static void fill_lists(sp__strv *dst, sp__strv *src)
{
    if (dst->n == 0 && src->n) {
        sp__strv t = *dst;
        *dst = *src;
        *src = t;
    }
}

/* A shard walks probes, not endpoints: with two methods, the OPTIONS of
 * an endpoint may be one shard's and its REGISTER another's. Answers to
 * probes dst lacks are taken over (with the strings they own). */
static void merge_replies(sp__svc *dst, sp__svc *src)
{
    for (size_t i = 0; i < src->n_replies; i++) {
        sp_reply *r = &src->replies[i];
        size_t k = 0;
        while (k < dst->n_replies && !same_text(dst->replies[k].method, r->method))
            k++;
        if (k < dst->n_replies || dst->n_replies == SP__MAX_PROBES)
            continue;
        dst->replies[dst->n_replies++] = *r;
        r->reason = r->realm = r->algorithm = r->qop = NULL;
    }
    dst->seen_mask |= src->seen_mask;
    dst->final_mask |= src->final_mask;
}

void sp__svc_merge(sp__svc *dst, sp__svc *src)
{
    if (take_owned(&dst->owned, &src->owned) != 0)
        return; /* out of memory: src keeps its strings and is dropped whole */
    for (size_t i = 0; i < src->n_obs; i++)
        if (!has_observation(dst, &src->obs[i]))
            sp__svc_add_observation(dst, &src->obs[i]);
    merge_findings(dst, src);
    merge_replies(dst, src);
    if (!dst->has_fp && src->has_fp) {
        dst->fp = src->fp;
        dst->has_fp = 1;
        dst->fp_version = src->fp_version;
        dst->fp_cpe = src->fp_cpe;
        src->fp_version = src->fp_cpe = NULL;
    }
    if (!dst->server) {
        dst->server = src->server;
        src->server = NULL;
    }
    if (!dst->user_agent) {
        dst->user_agent = src->user_agent;
        src->user_agent = NULL;
    }
    if (!dst->tls) {
        dst->tls = src->tls;
        src->tls = NULL;
    }
    if (!dst->responder_s[0] && src->responder_s[0])
        sp__svc_set_responder(dst, &src->responder, src->responder_port);
    if (!dst->role[0])
        memcpy(dst->role, src->role, sizeof(dst->role));
    fill_lists(&dst->allow, &src->allow);
    fill_lists(&dst->supported, &src->supported);
    fill_lists(&dst->contacts, &src->contacts);
    fill_lists(&dst->vias, &src->vias);
    sp__svc_publish(dst);
}

size_t sp__merge_vantages(sp__svc *svc)
{
    const char *seen[16];
    size_t n = 0;
    for (size_t i = 0; i < svc->n_obs && n < 16; i++) {
        const char *v = svc->obs[i].vantage ? svc->obs[i].vantage : "unknown";
        size_t k = 0;
        while (k < n && strcmp(seen[k], v))
            k++;
        if (k == n)
            seen[n++] = v;
    }
    if (n < 2)
        return n;
    char lines[16][400];
    const char *ev[16];
    for (size_t k = 0; k < n; k++) {
        const sp_observation *o = NULL;
        for (size_t i = 0; i < svc->n_obs && !o; i++)
            if (same_text(svc->obs[i].vantage ? svc->obs[i].vantage : "unknown", seen[k]))
                o = &svc->obs[i];
        snprintf(lines[k], sizeof(lines[k]), "seen from %s at %s: %s (scan %s)", seen[k],
                 o->seen ? o->seen : "?", o->answer && *o->answer ? o->answer : "answered",
                 o->scan_id ? o->scan_id : "?");
        ev[k] = lines[k];
    }
    sp__svc_add_finding(svc, "seen-from-several-vantages", ev, n);
    sp__svc_publish(svc);
    return n;
}

typedef struct ranked {
    sp__svc *svc;
    size_t seq;
} ranked;

static int ranked_cmp(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    int c = sp__svc_order(x->svc, y->svc);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

size_t sp__merge_services(sp__svc **v, size_t n)
{
    ranked *r = malloc((n ? n : 1) * sizeof(*r));
    if (!r)
        return n; /* unsorted and unmerged, but nothing is lost */
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked){v[i], i};
    qsort(r, n, sizeof(*r), ranked_cmp);
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (out && sp__svc_order(v[out - 1], r[i].svc) == 0) {
            sp__svc_merge(v[out - 1], r[i].svc);
            sp__svc_free(r[i].svc);
        } else {
            v[out++] = r[i].svc;
        }
    }
    free(r);
    return out;
}

/* ---- Shards ---- */

static void say(void (*warn)(void *, const char *), void *ctx, int *count, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void say(void (*warn)(void *, const char *), void *ctx, int *count, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    warn(ctx, msg);
    (*count)++;
}

static int sharded(const sp__result_info *r)
{
    return r->known && r->shard_count > 1;
}

/* One scan split in shards: the same target set, split the same number of ways. */
static int same_scan(const sp__result_info *a, const sp__result_info *b)
{
    return a->shard_count == b->shard_count && !strcmp(a->targets_id, b->targets_id);
}

static void check_scan(const sp__result_info *in, size_t n, size_t first,
                       void (*warn)(void *, const char *), void *ctx, int *count)
{
    const sp__result_info *a = &in[first];
    unsigned total = a->shard_count, present = 0;
    char missing[256] = "";
    for (size_t i = first + 1; i < n; i++)
        if (sharded(&in[i]) && same_scan(a, &in[i]) && in[i].seed != a->seed) {
            say(warn, ctx, count,
                "shards of one scan have different seeds (%llu in %s, %llu in %s): they do not "
                "split the targets exactly; give every shard the same --seed",
                (unsigned long long)a->seed, a->path, (unsigned long long)in[i].seed, in[i].path);
            break;
        }
    for (unsigned s = 1; s <= total; s++) {
        const char *where[2] = {NULL, NULL};
        unsigned times = 0;
        for (size_t i = first; i < n; i++)
            if (sharded(&in[i]) && same_scan(a, &in[i]) && in[i].shard_index == s)
                where[times++ ? 1 : 0] = in[i].path;
        if (times)
            present++;
        else if (strlen(missing) < sizeof(missing) - 16)
            snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), "%s%u/%u",
                     missing[0] ? ", " : "", s, total);
        if (times > 1)
            say(warn, ctx, count, "shard %u/%u appears in %u results (%s, %s): results overlap", s,
                total, times, where[0], where[1]);
    }
    if (present < total)
        say(warn, ctx, count, "shard %s missing: results cover %u of %u shards", missing, present,
            total);
}

int sp__check_shards(const sp__result_info *in, size_t n, void (*warn)(void *ctx, const char *),
                     void *ctx)
{
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        if (!sharded(&in[i]))
            continue;
        size_t k = 0; /* each scan is checked once, from its first result */
        while (k < i && !(sharded(&in[k]) && same_scan(&in[k], &in[i])))
            k++;
        if (k == i)
            check_scan(in, n, i, warn, ctx, &count);
        /* Shards of one seed and count over different target sets. */
        for (k = 0; k < i; k++)
            if (sharded(&in[k]) && in[k].seed == in[i].seed &&
                in[k].shard_count == in[i].shard_count &&
                strcmp(in[k].targets_id, in[i].targets_id)) {
                say(warn, ctx, &count,
                    "shards with seed %llu have different target sets (%s, %s): give every shard "
                    "the same targets, excludes, ports, transports and methods",
                    (unsigned long long)in[i].seed, in[k].path, in[i].path);
                break;
            }
    }
    return count;
}
