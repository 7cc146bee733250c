#include "targets/internal.h"

#include "sipprobe/sipprobe.h"
#include "common/util.h"

#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

void sp__targets_init(sp__targets *t)
{
    memset(t, 0, sizeof(*t));
}

void sp__targets_set_resolver(sp__targets *t, sp__resolve_fn fn)
{
    t->resolve = fn;
}

void sp__targets_free(sp__targets *t)
{
    sp__resolve_fn resolve = t->resolve;
    int keep_special = t->keep_special;
    sp__dns_clear(&t->dns);
    sp__dns dns = t->dns; /* its configuration */
    free(t->given);
    free(t->excl);
    free(t->ws_paths);
    free(t->ranges);
    free(t->cum);
    free(t->eps);
    sp__targets_init(t);
    t->resolve = resolve;
    t->keep_special = keep_special;
    t->dns = dns;
}

uint16_t sp__default_port(int transport)
{
    return transport == SP_TRANSPORT_TLS   ? 5061
           : transport == SP_TRANSPORT_WS  ? 8088
           : transport == SP_TRANSPORT_WSS ? 8089
                                           : 5060;
}

static int push_range(sp__range **v, size_t *n, size_t *cap, const sp__range *r)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        sp__range *p = realloc(*v, c * sizeof(*p));
        if (!p)
            return SP_ENOMEM;
        *v = p;
        *cap = c;
    }
    (*v)[(*n)++] = *r;
    return 0;
}

static int add_ws_path(sp__targets *t, const sp__range *r, const char *path)
{
    if (t->n_ws_paths == t->cap_ws_paths) {
        size_t c = t->cap_ws_paths ? t->cap_ws_paths * 2 : 8;
        sp__ws_path *v = realloc(t->ws_paths, c * sizeof(*v));
        if (!v)
            return SP_ENOMEM;
        t->ws_paths = v;
        t->cap_ws_paths = c;
    }
    sp__ws_path *w = &t->ws_paths[t->n_ws_paths++];
    sp__u128_to_addr(r->lo, r->family, &w->addr);
    w->addr.scope = r->scope;
    w->port = r->port;
    w->transport = (uint8_t)r->transport;
    snprintf(w->path, sizeof(w->path), "%s", path);
    return 0;
}

const char *sp__targets_ws_path(const sp__targets *t, const sp__addr *a, uint16_t port,
                                int transport)
{
    for (size_t i = 0; i < t->n_ws_paths; i++) {
        const sp__ws_path *w = &t->ws_paths[i];
        if (w->transport == transport && (w->port < 0 || w->port == port) &&
            sp__addr_equal(&w->addr, a))
            return w->path;
    }
    return NULL;
}

/* Splits a spec on commas and whitespace and parses each token. */
static int add_spec(sp__targets *t, const char *spec, int exclude, char *err, size_t errlen)
{
    const char *p = spec;
    int any = 0;
    while (*p) {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *s = p;
        while (*p && *p != ',' && !isspace((unsigned char)*p))
            p++;
        char token[SP__TARGET_TOKEN_MAX];
        size_t len = (size_t)(p - s);
        if (len >= sizeof(token))
            return sp__target_fail(err, errlen, SP_ETARGET, "(too long)",
                                   "longer than 511 characters");
        memcpy(token, s, len);
        token[len] = '\0';
        char name[SP__TARGET_TOKEN_MAX];
        int tr, secure;
        if (!exclude && t->dns.enabled && !t->resolve &&
            sp__target_domain(token, name, sizeof(name), &tr, &secure)) {
            if (sp__dns_add_name(&t->dns, name, token, secure ? -1 : tr, secure))
                return SP_ENOMEM;
            any = 1;
            continue;
        }
        sp__range r;
        char path[SP__WS_PATH_MAX];
        int rc =
            sp__target_parse_path(token, !exclude, t->resolve, &r, path, sizeof(path), err, errlen);
        if (!rc && path[0])
            rc = add_ws_path(t, &r, path);
        if (rc)
            return rc;
        rc = exclude ? push_range(&t->excl, &t->n_excl, &t->cap_excl, &r)
                     : push_range(&t->given, &t->n_given, &t->cap_given, &r);
        if (rc)
            return rc;
        any = 1;
    }
    if (!any)
        return sp__target_fail(err, errlen, SP_ETARGET, spec, "empty");
    return 0;
}

int sp__targets_add(sp__targets *t, const char *spec, char *err, size_t errlen)
{
    return add_spec(t, spec, 0, err, errlen);
}

static int add_found(void *data, const sp__addr *a, int port, int transport)
{
    sp__targets *t = data;
    sp__range r;
    memset(&r, 0, sizeof(r));
    r.family = a->family;
    r.lo = r.hi = sp__u128_from_addr(a->bytes, a->family);
    r.scope = a->scope;
    r.port = port;
    r.transport = (int8_t)transport;
    return push_range(&t->given, &t->n_given, &t->cap_given, &r);
}

static int system_fallback(const char *name, sp__addr *a)
{
    return sp__resolve_system(name, a, NULL, 0);
}

int sp__targets_discover(sp__targets *t, sp__dns_log_fn log, void *data)
{
    return sp__dns_discover(&t->dns, add_found, t, log, data, system_fallback);
}

int sp__targets_exclude(sp__targets *t, const char *spec, char *err, size_t errlen)
{
    return add_spec(t, spec, 1, err, errlen);
}

/* Orders ranges by family, zone and first address: how excludes merge, how
 * finalized ranges lie, and how sp__targets_index finds one. */
static int addr_cmp(const void *a, const void *b)
{
    const sp__range *x = a, *y = b;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    if (x->scope != y->scope)
        return x->scope < y->scope ? -1 : 1;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return 0;
}

/* Merges overlapping or adjacent excludes of the same family and zone, in
 * place (excludes have no port or transport). */
static size_t merge_excludes(sp__range *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof(*v), addr_cmp);
    size_t out = 0;
    for (size_t i = 1; i < n; i++) {
        sp__range *cur = &v[out];
        if (v[i].family == cur->family && v[i].scope == cur->scope &&
            (v[i].lo <= cur->hi || v[i].lo - 1 == cur->hi)) {
            if (v[i].hi > cur->hi)
                cur->hi = v[i].hi;
        } else {
            v[++out] = v[i];
        }
    }
    return out + 1;
}

static int ep_cmp(const sp__endpoint *a, const sp__endpoint *b)
{
    if (a->transport != b->transport)
        return a->transport < b->transport ? -1 : 1;
    return a->port < b->port ? -1 : a->port > b->port;
}

/* Position of *want in a slice sorted by transport then port, or -1. */
static long ep_find(const sp__endpoint *v, size_t n, const sp__endpoint *want)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = ep_cmp(&v[mid], want);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Where a piece of a target says to probe its addresses: the port list on
 * the transports of *list (bits 1 << sp_transport), and the endpoints of its
 * own port in named[] (returns how many). */
static int piece_endpoints(const sp__range *r, unsigned transports, unsigned *list,
                           sp__endpoint named[SP__N_TRANSPORTS])
{
    int n = 0;
    *list = 0;
    for (int tr = 0; tr < SP__N_TRANSPORTS; tr++) {
        if (r->transport >= 0 ? tr != r->transport : !(transports & (1u << tr)))
            continue;
        if (r->port >= 0)
            named[n++] = (sp__endpoint){(uint8_t)tr, (uint16_t)r->port};
        else
            *list |= 1u << tr;
    }
    return n;
}

/* One end of a piece in a sweep: the boundary before address `at`, or past
 * the last IPv6 address (top). */
typedef struct sweep_event {
    sp__u128 at;
    uint8_t top, end;
    uint32_t piece;
} sweep_event;

static int event_cmp(const void *a, const void *b)
{
    const sweep_event *x = a, *y = b;
    if (x->top != y->top)
        return x->top < y->top ? -1 : 1;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return 0;
}

/* An endpoint some pieces over the current addresses name, and how many. */
typedef struct named_count {
    sp__endpoint ep;
    uint32_t count;
} named_count;

/* A sweep over the addresses of one family and zone: at every boundary of
 * a piece the endpoints of the addresses that follow are the union of the
 * covering pieces' endpoints, each (transport, port) once. Addresses with
 * the same endpoints next to each other become one range. */
typedef struct sweep {
    sp__targets *t;
    const uint16_t *ports; /* sorted, unique; n_ports 0: each transport's default port */
    size_t n_ports;
    unsigned transports;
    uint32_t list_off[1 << SP__N_TRANSPORTS],
        list_n[1 << SP__N_TRANSPORTS]; /* per transport mask */
    uint8_t list_made[1 << SP__N_TRANSPORTS];
    uint32_t on_list[SP__N_TRANSPORTS]; /* covering pieces that take the port list, per transport */
    named_count *named;                 /* covering pieces' own endpoints, sorted */
    size_t n_named, cap_named;
    sp__endpoint *own; /* the named endpoints the port list lacks, for one range */
    size_t cap_own;
    sp__range *out;
    size_t n_out, cap_out;
} sweep;

static int eps_append(sp__targets *t, const sp__endpoint *v, size_t n, uint32_t *off)
{
    sp__endpoint *eps = realloc(t->eps, (t->n_eps + n + 1) * sizeof(*eps));
    if (!eps)
        return SP_ENOMEM;
    t->eps = eps;
    *off = (uint32_t)t->n_eps;
    memcpy(eps + t->n_eps, v, n * sizeof(*v));
    t->n_eps += n;
    return 0;
}

/* The slice of eps holding the port list on the transports of mask. */
static int list_slice(sweep *w, unsigned mask, uint32_t *off, uint32_t *n)
{
    if (!mask) {
        *off = *n = 0;
        return 0;
    }
    if (!w->list_made[mask]) {
        size_t per = w->n_ports ? w->n_ports : 1;
        sp__endpoint *tmp = malloc(SP__N_TRANSPORTS * per * sizeof(*tmp));
        if (!tmp)
            return SP_ENOMEM;
        size_t k = 0;
        for (int tr = 0; tr < SP__N_TRANSPORTS; tr++) {
            if (!(mask & (1u << tr)))
                continue;
            for (size_t i = 0; i < per; i++)
                tmp[k++] =
                    (sp__endpoint){(uint8_t)tr, w->n_ports ? w->ports[i] : sp__default_port(tr)};
        }
        int rc = eps_append(w->t, tmp, k, &w->list_off[mask]);
        free(tmp);
        if (rc)
            return rc;
        w->list_n[mask] = (uint32_t)k;
        w->list_made[mask] = 1;
    }
    *off = w->list_off[mask];
    *n = w->list_n[mask];
    return 0;
}

/* A piece starts (d = 1) or ends (d = -1) covering the addresses. */
static int sweep_apply(sweep *w, const sp__range *piece, int d)
{
    unsigned list;
    sp__endpoint named[SP__N_TRANSPORTS];
    int n = piece_endpoints(piece, w->transports, &list, named);
    for (int tr = 0; tr < SP__N_TRANSPORTS; tr++)
        if (list & (1u << tr))
            w->on_list[tr] += (uint32_t)d;
    for (int i = 0; i < n; i++) {
        size_t lo = 0, hi = w->n_named;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (ep_cmp(&w->named[mid].ep, &named[i]) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        named_count *v = w->named;
        if (lo < w->n_named && ep_cmp(&v[lo].ep, &named[i]) == 0) {
            v[lo].count += (uint32_t)d;
            if (v[lo].count == 0) {
                memmove(v + lo, v + lo + 1, (w->n_named - lo - 1) * sizeof(*v));
                w->n_named--;
            }
            continue;
        }
        if (d < 0) /* cannot happen: an end always follows its start */
            continue;
        if (w->n_named == w->cap_named) {
            size_t c = w->cap_named ? 2 * w->cap_named : 8;
            named_count *p = realloc(w->named, c * sizeof(*p));
            sp__endpoint *o = realloc(w->own, c * sizeof(*o));
            if (p)
                w->named = p;
            if (o)
                w->own = o;
            if (!p || !o)
                return SP_ENOMEM;
            w->cap_named = w->cap_own = c;
            v = w->named;
        }
        memmove(v + lo + 1, v + lo, (w->n_named - lo) * sizeof(*v));
        v[lo] = (named_count){named[i], 1};
        w->n_named++;
    }
    return 0;
}

/* Whether the port list on transport tr holds port. */
static int in_list(const sweep *w, int tr, uint16_t port)
{
    if (!w->n_ports)
        return port == sp__default_port(tr);
    return bsearch(&port, w->ports, w->n_ports, sizeof(port), sp__port_cmp) != NULL;
}

/* Addresses lo..hi of the group of proto (family and zone) get the
 * endpoints of the pieces covering them now. */
static int sweep_emit(sweep *w, const sp__range *proto, sp__u128 lo, sp__u128 hi)
{
    unsigned mask = 0;
    for (int tr = 0; tr < SP__N_TRANSPORTS; tr++)
        if (w->on_list[tr])
            mask |= 1u << tr;
    size_t n_own = 0;
    for (size_t i = 0; i < w->n_named; i++) {
        const sp__endpoint *ep = &w->named[i].ep;
        if (!(mask & (1u << ep->transport)) || !in_list(w, ep->transport, ep->port))
            w->own[n_own++] = *ep;
    }
    uint32_t ls_off, ls_n;
    int rc = list_slice(w, mask, &ls_off, &ls_n);
    if (rc)
        return rc;
    sp__range *last = w->n_out ? &w->out[w->n_out - 1] : NULL;
    int same_own = 0;
    if (last && last->ep_n == n_own) {
        same_own = 1;
        for (size_t i = 0; i < n_own && same_own; i++)
            same_own = ep_cmp(&w->t->eps[last->ep_off + i], &w->own[i]) == 0;
    }
    if (same_own && last->ls_off == ls_off && last->ls_n == ls_n && last->family == proto->family &&
        last->scope == proto->scope && last->hi < lo && last->hi + 1 == lo) {
        last->hi = hi; /* next to the last range, with the same endpoints */
        return 0;
    }
    sp__range r = {.family = proto->family, .transport = -1, .lo = lo, .hi = hi, .port = -1};
    r.scope = proto->scope;
    r.ls_off = ls_off;
    r.ls_n = ls_n;
    if (same_own) {
        r.ep_off = last->ep_off;
    } else if (n_own && (rc = eps_append(w->t, w->own, n_own, &r.ep_off)) != 0) {
        return rc;
    }
    r.ep_n = (uint32_t)n_own;
    return push_range(&w->out, &w->n_out, &w->cap_out, &r);
}

/* Sweeps pieces [0, n), all of one family and zone. */
static int sweep_group(sweep *w, const sp__range *pieces, size_t n)
{
    sweep_event *ev = malloc(2 * n * sizeof(*ev));
    if (!ev)
        return SP_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const sp__range *p = &pieces[i];
        int top = p->hi == ~(sp__u128)0;
        ev[2 * i] = (sweep_event){p->lo, 0, 0, (uint32_t)i};
        ev[2 * i + 1] = (sweep_event){top ? 0 : p->hi + 1, (uint8_t)top, 1, (uint32_t)i};
    }
    qsort(ev, 2 * n, sizeof(*ev), event_cmp);
    int rc = 0;
    size_t k = 0, active = 0;
    while (k < 2 * n && !rc) {
        const sweep_event *at = &ev[k];
        for (; k < 2 * n && !rc && event_cmp(&ev[k], at) == 0; k++) {
            rc = sweep_apply(w, &pieces[ev[k].piece], ev[k].end ? -1 : 1);
            active = ev[k].end ? active - 1 : active + 1;
        }
        if (!rc && k < 2 * n && active)
            rc = sweep_emit(w, &pieces[0], at->at, ev[k].top ? ~(sp__u128)0 : ev[k].at - 1);
    }
    free(ev);
    return rc;
}

/* Subtracts the sorted, merged excludes ex from cur, in pieces pushed to out. */
static int subtract(sp__range cur, const sp__range *ex, size_t nex, sp__range **out, size_t *n,
                    size_t *cap)
{
    for (size_t j = 0; j < nex; j++) {
        const sp__range *x = &ex[j];
        if (x->family != cur.family || x->hi < cur.lo || x->lo > cur.hi)
            continue;
        if (x->lo > cur.lo) { /* keep the part below the exclude */
            sp__range below = cur;
            below.hi = x->lo - 1;
            int rc = push_range(out, n, cap, &below);
            if (rc)
                return rc;
        }
        if (x->hi >= cur.hi)
            return 0;
        cur.lo = x->hi + 1;
    }
    return push_range(out, n, cap, &cur);
}

/* The given targets minus the excludes, in pieces (a piece keeps its
 * target's port and transport). Each target also leaves out the special
 * blocks it covers without lying inside one (special.c). */
static int subtract_excludes(sp__targets *t, sp__range **pieces, size_t *n_pieces)
{
    size_t nex = t->n_excl;
    sp__range *ex = malloc((nex + SP__N_SPECIAL) * sizeof(*ex));
    if (!ex)
        return SP_ENOMEM;
    if (nex) {
        memcpy(ex, t->excl, nex * sizeof(*ex));
        nex = merge_excludes(ex, nex);
    }
    sp__range *out = NULL, *own = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    t->left_out = 0;
    for (size_t i = 0; i < t->n_given && !rc; i++) {
        size_t k = t->keep_special ? 0 : sp__special_blocks(&t->given[i], ex + nex, &t->left_out);
        if (!k) {
            rc = subtract(t->given[i], ex, nex, &out, &n, &cap);
            continue;
        }
        /* This target's excludes: the user's and its special blocks, merged. */
        sp__range *mine = realloc(own, (nex + k) * sizeof(*mine));
        if (!mine) {
            rc = SP_ENOMEM;
            break;
        }
        own = mine;
        memcpy(own, ex, (nex + k) * sizeof(*own));
        rc = subtract(t->given[i], own, merge_excludes(own, nex + k), &out, &n, &cap);
    }
    free(own);
    free(ex);
    if (rc) {
        free(out);
        return rc;
    }
    *pieces = out;
    *n_pieces = n;
    return 0;
}

/* The pieces become disjoint ranges, each address once with the union of
 * the endpoints its pieces give it. */
static int build_ranges(sp__targets *t, sp__range *pieces, size_t n, const uint16_t *ports,
                        size_t n_ports, unsigned transports, sp__range **out, size_t *n_out)
{
    sweep w;
    memset(&w, 0, sizeof(w));
    w.t = t;
    w.transports = transports;
    uint16_t *sorted = NULL;
    if (n_ports) { /* sorted and unique: a port given twice is probed once */
        sorted = malloc(n_ports * sizeof(*sorted));
        if (!sorted)
            return SP_ENOMEM;
        memcpy(sorted, ports, n_ports * sizeof(*sorted));
        qsort(sorted, n_ports, sizeof(*sorted), sp__port_cmp);
        size_t k = 0;
        for (size_t i = 0; i < n_ports; i++)
            if (!k || sorted[k - 1] != sorted[i])
                sorted[k++] = sorted[i];
        w.n_ports = k;
    }
    w.ports = sorted;
    if (n > 1)
        qsort(pieces, n, sizeof(*pieces), addr_cmp);
    int rc = 0;
    for (size_t g = 0, e; g < n && !rc; g = e) {
        for (e = g + 1;
             e < n && pieces[e].family == pieces[g].family && pieces[e].scope == pieces[g].scope;
             e++)
            ;
        rc = sweep_group(&w, pieces + g, e - g);
    }
    free(sorted);
    free(w.named);
    free(w.own);
    if (rc) {
        free(w.out);
        return rc;
    }
    *out = w.out;
    *n_out = w.n_out;
    return 0;
}

static void clear_finalized(sp__targets *t)
{
    free(t->ranges);
    free(t->cum);
    free(t->eps);
    t->ranges = NULL;
    t->cum = NULL;
    t->eps = NULL;
    t->n_eps = 0;
    t->n_ranges = 0;
    t->pairs = t->addresses = 0;
}

/* Counts pairs and addresses, with the limits. */
static int count_ranges(sp__targets *t, const sp__range *r, size_t n, uint64_t *cum, char *err,
                        size_t errlen)
{
    uint64_t total = 0, addrs = 0;
    for (size_t i = 0; i < n; i++) {
        sp__u128 count = r[i].hi - r[i].lo + 1;
        sp__u128 np = (sp__u128)r[i].ls_n + r[i].ep_n;
        if (r[i].family == 6 && r[i].hi - r[i].lo >= (sp__u128)SP__MAX_PAIRS) {
            snprintf(err, errlen, "target set too large: more than 2^48 addresses");
            return SP_ETOOBIG;
        }
        if ((sp__u128)total + count * np > (sp__u128)SP__MAX_PAIRS) {
            snprintf(err, errlen, "target set too large: more than 2^48 address/port pairs");
            return SP_ETOOBIG;
        }
        total += (uint64_t)(count * np);
        addrs += (uint64_t)count;
        cum[i] = total;
    }
    t->pairs = total;
    t->addresses = addrs;
    return 0;
}

int sp__targets_finalize(sp__targets *t, const uint16_t *ports, size_t n_ports, unsigned transports,
                         char *err, size_t errlen)
{
    clear_finalized(t);
    if (!ports)
        n_ports = 0;
    if (!(transports & ((1u << SP__N_TRANSPORTS) - 1)))
        transports = 1u << SP_TRANSPORT_UDP;

    sp__range *pieces = NULL, *out = NULL;
    size_t n_pieces = 0, n = 0;
    int rc = subtract_excludes(t, &pieces, &n_pieces);
    if (!rc)
        rc = build_ranges(t, pieces, n_pieces, ports, n_ports,
                          transports & ((1u << SP__N_TRANSPORTS) - 1), &out, &n);
    free(pieces);
    if (rc) {
        clear_finalized(t);
        return rc;
    }
    if (n == 0) {
        free(out);
        clear_finalized(t);
        snprintf(err, errlen, "no targets to scan%s",
                 t->n_given ? " (all of them are excluded)" : "");
        return SP_ENOTARGETS;
    }
    uint64_t *cum = malloc(n * sizeof(*cum));
    rc = cum ? count_ranges(t, out, n, cum, err, errlen) : SP_ENOMEM;
    if (rc) {
        free(out);
        free(cum);
        clear_finalized(t);
        return rc;
    }
    t->ranges = out;
    t->cum = cum;
    t->n_ranges = n;
    return 0;
}

/* The e-th endpoint of a range: its port-list slice, then its own. */
static const sp__endpoint *range_ep(const sp__targets *t, const sp__range *r, uint64_t e)
{
    return e < r->ls_n ? &t->eps[r->ls_off + e] : &t->eps[r->ep_off + (e - r->ls_n)];
}

void sp__targets_get(const sp__targets *t, uint64_t index, sp__addr *addr, uint16_t *port,
                     uint8_t *transport)
{
    size_t lo = 0, hi = t->n_ranges - 1;
    while (lo < hi) { /* first range whose cumulative count exceeds index */
        size_t mid = lo + (hi - lo) / 2;
        if (t->cum[mid] > index)
            hi = mid;
        else
            lo = mid + 1;
    }
    const sp__range *r = &t->ranges[lo];
    uint64_t off = index - (lo ? t->cum[lo - 1] : 0);
    uint64_t np = (uint64_t)r->ls_n + r->ep_n;
    sp__u128_to_addr(r->lo + off / np, r->family, addr);
    addr->scope = r->scope;
    const sp__endpoint *ep = range_ep(t, r, off % np);
    *port = ep->port;
    if (transport)
        *transport = ep->transport;
}

int sp__targets_index(const sp__targets *t, const sp__addr *a, uint16_t port, uint8_t transport,
                      uint64_t *index)
{
    if (a->family != 4 && a->family != 6)
        return 0;
    sp__range key;
    memset(&key, 0, sizeof(key));
    key.family = a->family;
    key.scope = a->scope;
    key.lo = sp__u128_from_addr(a->bytes, a->family);
    size_t lo = 0, hi = t->n_ranges;
    while (lo < hi) { /* the first range that starts after the address */
        size_t mid = lo + (hi - lo) / 2;
        if (addr_cmp(&t->ranges[mid], &key) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    const sp__range *r = &t->ranges[lo - 1];
    if (r->family != key.family || r->scope != key.scope || key.lo > r->hi)
        return 0;
    sp__endpoint want = {transport, port};
    long e = ep_find(t->eps + r->ls_off, r->ls_n, &want);
    if (e < 0) {
        e = ep_find(t->eps + r->ep_off, r->ep_n, &want);
        if (e < 0)
            return 0;
        e += (long)r->ls_n;
    }
    uint64_t np = (uint64_t)r->ls_n + r->ep_n;
    *index = (lo > 1 ? t->cum[lo - 2] : 0) + (uint64_t)(key.lo - r->lo) * np + (uint64_t)e;
    return 1;
}

int sp__targets_contains(const sp__targets *t, const sp__addr *a)
{
    sp__u128 v = sp__u128_from_addr(a->bytes, a->family);
    for (size_t i = 0; i < t->n_ranges; i++)
        if (t->ranges[i].family == a->family && v >= t->ranges[i].lo && v <= t->ranges[i].hi)
            return 1;
    return 0;
}
