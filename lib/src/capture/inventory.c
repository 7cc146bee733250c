#include "capture/inventory.h"

#include "audit/offline.h"
#include "capture/glance.h"
#include "capture/seen.h"
#include "sip/header.h"

#include "classify/classify.h"
#include "probe/probe.h"
#include "common/util.h"
#include "sipprobe/sipprobe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TXN_SLOTS 16384
#define MAX_SOURCES 64
#define MAX_DESTS 4096

enum { ROLE_UAS = 1, ROLE_REGISTRAR = 2, ROLE_UAC = 4 };

/* Failed REGISTER authentications from one source address. */
typedef struct brute {
    sp__addr src;
    uint32_t failures;
    double first, last;
    sp__strv users;
} brute;

/* A digest answer the server accepted, to be tested offline. */
typedef struct accepted {
    sp__credentials cr;
    double ts;
    char client[80];
} accepted;

/* Digest answers waiting for the server's verdict, by transaction. */
#define MAX_PENDING 1024
/* Accepted answers kept per server (one per user is enough). */
#define MAX_ACCEPTED 256

typedef struct endpoint {
    sp__svc *svc;
    unsigned roles;
    uint64_t requests; /* sent, as a UAC */
    uint32_t *dests;   /* hashes of distinct destinations, as a UAC */
    size_t n_dests;
    char methods[64]; /* the methods it sent, for evidence */
    uint32_t n_ports; /* a client-only endpoint: source ports merged into it */
    int merged;       /* folded into another endpoint of its address */
    char *noauth;     /* evidence of a 2xx to a REGISTER without credentials */
    brute *brutes;
    size_t n_brutes;
    accepted *accepted;
    size_t n_accepted;
    sp__seen seen; /* header lines its responses showed, merged */
    uint32_t merged_responses;
} endpoint;

typedef struct txn {
    uint64_t key; /* 0: free */
    int authorized;
    char user[64]; /* To user, or the Authorization username */
    size_t bytes;
    double ts;
    sp__addr client;
    uint16_t client_port;
} txn;

struct sp__inventory {
    endpoint *eps;
    size_t n_eps, cap_eps;
    size_t *index; /* open addressing into eps, cap_index slots, SIZE_MAX free */
    size_t cap_index;
    txn *txns;
    struct {
        uint64_t key;
        sp__credentials cr;
    } * pending; /* MAX_PENDING slots by transaction key, for the audit */
    int audit, show;
    const sp__passlist *passwords;
    unsigned max_attempts;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static uint64_t ep_hash(const sp__addr *a, uint16_t port, uint8_t transport)
{
    uint64_t h = fnv(1469598103934665603ull, a->bytes, 16);
    h = fnv(h, &port, sizeof(port));
    return fnv(h, &transport, 1) ^ a->family;
}

sp__inventory *sp__inventory_new(void)
{
    sp__inventory *inv = calloc(1, sizeof(*inv));
    if (!inv)
        return NULL;
    return inv; /* txns come with the first request */
}

static void endpoint_free(endpoint *e)
{
    sp__svc_free(e->svc);
    free(e->dests);
    free(e->noauth);
    for (size_t i = 0; i < e->n_brutes; i++)
        sp__strv_free(&e->brutes[i].users);
    free(e->brutes);
    if (e->accepted)
        memset(e->accepted, 0, e->n_accepted * sizeof(*e->accepted));
    free(e->accepted);
    sp__seen_free(&e->seen);
}

void sp__inventory_free(sp__inventory *inv)
{
    if (!inv)
        return;
    for (size_t i = 0; i < inv->n_eps; i++)
        endpoint_free(&inv->eps[i]);
    free(inv->eps);
    free(inv->index);
    free(inv->txns);
    if (inv->pending)
        memset(inv->pending, 0, MAX_PENDING * sizeof(*inv->pending));
    free(inv->pending);
    free(inv);
}

void sp__inventory_audit(sp__inventory *inv, const sp__passlist *file, unsigned max_attempts,
                         int show)
{
    inv->audit = 1;
    inv->passwords = file;
    inv->max_attempts = max_attempts;
    inv->show = show;
}

/* A request's digest answer, kept until its transaction's final answer. */
static void keep_credentials(sp__inventory *inv, const sp__wire_msg *m, const char *method,
                             uint64_t key)
{
    const char *v;
    size_t n;
    if (!sp__sip_header_find(m->data, m->len, "Authorization", &v, &n) &&
        !sp__sip_header_find(m->data, m->len, "Proxy-Authorization", &v, &n))
        return;
    if (!inv->pending && !(inv->pending = calloc(MAX_PENDING, sizeof(*inv->pending))))
        return;
    __typeof__(inv->pending) slot = &inv->pending[key % MAX_PENDING];
    if (sp__credentials_parse(v, n, method, &slot->cr) == 0)
        slot->key = key;
}

/* The server accepted the answer: it is worth testing. */
static void accept_credentials(sp__inventory *inv, endpoint *server, const txn *t, double ts)
{
    if (!inv->pending)
        return;
    __typeof__(inv->pending) slot = &inv->pending[t->key % MAX_PENDING];
    if (slot->key != t->key)
        return;
    slot->key = 0;
    for (size_t i = 0; i < server->n_accepted; i++)
        if (!strcmp(server->accepted[i].cr.user, slot->cr.user) &&
            !strcmp(server->accepted[i].cr.realm, slot->cr.realm))
            return;
    if (server->n_accepted >= MAX_ACCEPTED)
        return;
    accepted *v = realloc(server->accepted, (server->n_accepted + 1) * sizeof(*v));
    if (!v)
        return;
    server->accepted = v;
    accepted *a = &v[server->n_accepted++];
    a->cr = slot->cr;
    a->ts = ts;
    sp__addr_format_port(&t->client, t->client_port, a->client, sizeof(a->client));
    memset(&slot->cr, 0, sizeof(slot->cr));
}

static int rehash(sp__inventory *inv)
{
    size_t cap = inv->cap_index ? inv->cap_index * 2 : 1024;
    size_t *idx = malloc(cap * sizeof(*idx));
    if (!idx)
        return -1;
    for (size_t i = 0; i < cap; i++)
        idx[i] = SIZE_MAX;
    for (size_t k = 0; k < inv->n_eps; k++) {
        const sp__svc *s = inv->eps[k].svc;
        size_t j = ep_hash(&s->host, s->port, s->transport) & (cap - 1);
        while (idx[j] != SIZE_MAX)
            j = (j + 1) & (cap - 1);
        idx[j] = k;
    }
    free(inv->index);
    inv->index = idx;
    inv->cap_index = cap;
    return 0;
}

static endpoint *find_ep(sp__inventory *inv, const sp__addr *a, uint16_t port, uint8_t transport,
                         int add)
{
    sp__addr key = *a;
    key.scope = 0;
    if (a->family == 4)
        memset(key.bytes + 4, 0, 12);
    if ((inv->n_eps + 1) * 2 > inv->cap_index && rehash(inv) < 0)
        return NULL;
    size_t j = ep_hash(&key, port, transport) & (inv->cap_index - 1);
    while (inv->index[j] != SIZE_MAX) {
        endpoint *e = &inv->eps[inv->index[j]];
        if (e->svc->port == port && e->svc->transport == transport &&
            sp__addr_equal(&e->svc->host, &key))
            return e;
        j = (j + 1) & (inv->cap_index - 1);
    }
    if (!add)
        return NULL;
    if (inv->n_eps == inv->cap_eps) {
        size_t cap = inv->cap_eps ? inv->cap_eps * 2 : 64;
        endpoint *v = realloc(inv->eps, cap * sizeof(*v));
        if (!v)
            return NULL;
        inv->eps = v;
        inv->cap_eps = cap;
    }
    endpoint *e = &inv->eps[inv->n_eps];
    memset(e, 0, sizeof(*e));
    e->n_ports = 1;
    e->svc = sp__svc_new(&key, port, transport);
    if (!e->svc)
        return NULL;
    sp__svc_set_responder(e->svc, &key, port);
    inv->index[j] = inv->n_eps++;
    return e;
}

/* A transaction: Call-ID and CSeq as libosip2 gives them, and the client. */
static uint64_t txn_key(sp__span call_id, long cseq_number, sp__span cseq_method,
                        const sp__addr *client, uint16_t port)
{
    uint64_t h = 1469598103934665603ull;
    h = fnv(h, call_id.p, call_id.n);
    h = fnv(h, &cseq_number, sizeof(cseq_number));
    h = fnv(h, cseq_method.p, cseq_method.n);
    h = fnv(h, client->bytes, 16);
    h = fnv(h, &port, sizeof(port));
    return h ? h : 1;
}

static uint64_t parsed_txn_key(const sp__parsed *m, const sp__addr *client, uint16_t port)
{
    return txn_key((sp__span){m->call_id, strlen(m->call_id)}, m->cseq_number,
                   (sp__span){m->cseq_method, strlen(m->cseq_method)}, client, port);
}

/* The user part of a SIP URI: "sip:100@host" gives "100". */
static void uri_user(const char *uri, char *out, size_t cap)
{
    out[0] = '\0';
    if (!uri)
        return;
    const char *colon = strchr(uri, ':'), *at = strchr(uri, '@');
    if (colon && at && at > colon)
        snprintf(out, cap, "%.*s", (int)(at - colon - 1), colon + 1);
}

static void add_method(endpoint *e, const char *method)
{
    char word[24];
    snprintf(word, sizeof(word), "%s", method);
    if (strstr(e->methods, word))
        return;
    size_t used = strlen(e->methods);
    if (used + strlen(word) + 2 < sizeof(e->methods))
        snprintf(e->methods + used, sizeof(e->methods) - used, "%s%s", used ? "," : "", word);
}

static void add_dest_hash(endpoint *e, uint32_t h)
{
    if (e->n_dests >= MAX_DESTS)
        return;
    /* 8 slots first, then doubled whenever a power of two is full. */
    if (!e->dests || (e->n_dests >= 8 && (e->n_dests & (e->n_dests - 1)) == 0)) {
        uint32_t *d = realloc(e->dests, (e->dests ? e->n_dests * 2 : 8) * sizeof(*d));
        if (!d)
            return;
        e->dests = d;
    }
    e->dests[e->n_dests++] = h;
}

static void add_dest(endpoint *e, const sp__addr *dst)
{
    uint32_t h = (uint32_t)fnv(1469598103934665603ull, dst->bytes, 16);
    for (size_t i = 0; i < e->n_dests; i++)
        if (e->dests[i] == h)
            return;
    add_dest_hash(e, h);
}

static void on_request(sp__inventory *inv, const sp__wire_msg *m, const sp__parsed *p)
{
    endpoint *client = find_ep(inv, &m->src, m->sport, m->transport, 1);
    if (!client)
        return;
    client->roles |= ROLE_UAC;
    client->requests++;
    add_method(client, p->method);
    add_dest(client, &m->dst);
    /* What a request shows of its sender: the User-Agent (for scanners). */
    if (!client->svc->user_agent && p->user_agent)
        client->svc->user_agent = strdup(p->user_agent);
    if (!p->call_id || !p->cseq_method)
        return;
    if (!inv->txns && !(inv->txns = calloc(TXN_SLOTS, sizeof(*inv->txns))))
        return;
    uint64_t key = parsed_txn_key(p, &m->src, m->sport);
    txn *t = &inv->txns[key % TXN_SLOTS];
    t->key = key;
    t->authorized = p->authorized;
    if (p->auth_user)
        snprintf(t->user, sizeof(t->user), "%s", p->auth_user);
    else
        uri_user(p->to_uri, t->user, sizeof(t->user));
    t->bytes = m->wire_len ? m->wire_len : m->len; /* on the wire, even if the capture cut it */
    t->ts = m->ts;
    t->client = m->src;
    t->client_port = m->sport;
    if (inv->audit && p->authorized)
        keep_credentials(inv, m, p->method, t->key);
}

static void count_failure(endpoint *server, const txn *t, double ts)
{
    brute *b = NULL;
    for (size_t i = 0; i < server->n_brutes; i++)
        if (sp__addr_equal(&server->brutes[i].src, &t->client))
            b = &server->brutes[i];
    if (!b) {
        if (server->n_brutes >= MAX_SOURCES)
            return;
        brute *v = realloc(server->brutes, (server->n_brutes + 1) * sizeof(*v));
        if (!v)
            return;
        server->brutes = v;
        b = &v[server->n_brutes++];
        memset(b, 0, sizeof(*b));
        b->src = t->client;
        b->first = ts;
    }
    b->failures++;
    b->last = ts;
    if (t->user[0] && b->users.n < 8 && !sp__strv_contains(&b->users, t->user))
        sp__strv_push(&b->users, t->user, strlen(t->user));
}

/* A response merged into its server: its lines are remembered from the
 * second on (a service that answers once, as in a scan, needs no memory). */
static void remember_lines(endpoint *server, const sp__wire_msg *m, const sp__parsed *p,
                           const sp__glance *g)
{
    if (g && server->merged_responses++)
        sp__seen_add(&server->seen, m->data, g, p);
}

static void on_response(sp__inventory *inv, const sp__wire_msg *m, const sp__parsed *p,
                        const sp__glance *g)
{
    endpoint *server = find_ep(inv, &m->src, m->sport, m->transport, 1);
    if (!server)
        return;
    server->roles |= ROLE_UAS;
    const txn *t = NULL;
    if (inv->txns && p->call_id && p->cseq_method) {
        uint64_t key = parsed_txn_key(p, &m->dst, m->dport);
        const txn *c = &inv->txns[key % TXN_SLOTS];
        if (c->key == key)
            t = c;
    }
    int is_register = p->cseq_method && !strcmp(p->cseq_method, "REGISTER");
    int idx = p->cseq_method ? sp__probe_find(p->cseq_method) : -1;
    int ok = p->status >= 200 && p->status < 300;
    if (is_register && (ok || p->status == 401 || p->status == 407 || p->status == 403))
        server->roles |= ROLE_REGISTRAR;
    /* A 2xx to a REGISTER is only evidence when its request is in the
     * capture without credentials; an authenticated one is business as usual. */
    int record = idx >= 0 && !(is_register && ok && (!t || t->authorized));
    if (record) {
        if (is_register && ok)
            server->svc->final_mask &= ~(1u << idx); /* this answer outranks a challenge */
        double rtt = t ? (m->ts - t->ts) * 1000 : 0;
        size_t req = t && m->transport == SP_TRANSPORT_UDP ? t->bytes : 0;
        if (sp__classify_reply(server->svc, idx, sp__probe_get((size_t)idx)->name, p,
                               rtt > 0 ? rtt : 0, m->wire_len ? m->wire_len : m->len, req))
            remember_lines(server, m, p, g);
    } else {
        sp__classify_headers(server->svc, p);
        remember_lines(server, m, p, g);
    }
    if (is_register && ok && t && !t->authorized && !server->noauth) {
        char when[32], from[80], line[400];
        sp__iso_time((time_t)m->ts, when, sizeof(when));
        sp__addr_format_port(&t->client, t->client_port, from, sizeof(from));
        snprintf(line, sizeof(line),
                 "capture: REGISTER for '%s' from %s without credentials -> %d %s at %s", t->user,
                 from, p->status, p->reason ? p->reason : "", when);
        server->noauth = strdup(line);
    }
    if (is_register && t &&
        (p->status == 403 || (t->authorized && (p->status == 401 || p->status == 407))))
        count_failure(server, t, m->ts);
    if (inv->audit && ok && t && t->authorized)
        accept_credentials(inv, server, t, m->ts);
}

/* The fast path: a plain message read from its raw bytes (capture/glance.h)
 * when it adds nothing a full parse would find. */

/* Copies s as a string, cut to cap - 1 bytes. */
static void span_copy(char *out, size_t cap, sp__span s)
{
    size_t n = s.p && s.n < cap ? s.n : s.p ? cap - 1 : 0;
    memcpy(out, s.p ? s.p : "", n);
    out[n] = '\0';
}

/* A request keeps only what a glance shows: its sender, method and
 * User-Agent, and its transaction (the credentials, for the audit). */
static void quick_request(sp__inventory *inv, const sp__wire_msg *m, const sp__glance *g)
{
    char method[40];
    span_copy(method, sizeof(method), g->method);
    endpoint *client = find_ep(inv, &m->src, m->sport, m->transport, 1);
    if (!client)
        return;
    client->roles |= ROLE_UAC;
    client->requests++;
    add_method(client, method);
    add_dest(client, &m->dst);
    if (!client->svc->user_agent && g->user_agent.p)
        client->svc->user_agent = sp__strndup(g->user_agent.p, g->user_agent.n);
    if (!g->call_id.p || !g->cseq_method.p)
        return;
    if (!inv->txns && !(inv->txns = calloc(TXN_SLOTS, sizeof(*inv->txns))))
        return;
    uint64_t key = txn_key(g->call_id, g->cseq_number, g->cseq_method, &m->src, m->sport);
    txn *t = &inv->txns[key % TXN_SLOTS];
    t->key = key;
    t->authorized = g->authorized;
    span_copy(t->user, sizeof(t->user), g->auth_user.p ? g->auth_user : g->to_user);
    t->bytes = m->wire_len ? m->wire_len : m->len;
    t->ts = m->ts;
    t->client = m->src;
    t->client_port = m->sport;
    if (inv->audit && g->authorized)
        keep_credentials(inv, m, method, t->key);
}

/* 1 when sp__classify_reply would take nothing of this reply: a
 * retransmission, a late final reply, a second provisional one. */
static int reply_adds_nothing(const sp__svc *svc, int idx, int status)
{
    if (svc->final_mask & (1u << idx))
        return 1;
    const char *name = sp__probe_get((size_t)idx)->name;
    for (size_t i = 0; i < svc->n_replies; i++)
        if (!strcmp(svc->replies[i].method, name))
            return status < 200;
    return svc->n_replies >= SP__MAX_PROBES;
}

/* A response that adds nothing to its service is counted from a glance:
 * roles, refused and accepted credentials. Returns 0, having changed
 * nothing, when it needs the full parse. */
static int quick_response(sp__inventory *inv, const sp__wire_msg *m, const sp__glance *g)
{
    if (!g->call_id.p || !g->cseq_method.p)
        return 0;
    char cseq_method[40];
    span_copy(cseq_method, sizeof(cseq_method), g->cseq_method);
    /* Not created here: a server's first response is always parsed, and one
     * libosip2 refuses must leave no endpoint behind. */
    endpoint *server = find_ep(inv, &m->src, m->sport, m->transport, 0);
    if (!server)
        return 0;
    const txn *t = NULL;
    if (inv->txns) {
        uint64_t key = txn_key(g->call_id, g->cseq_number, g->cseq_method, &m->dst, m->dport);
        const txn *c = &inv->txns[key % TXN_SLOTS];
        if (c->key == key)
            t = c;
    }
    int is_register = !strcmp(cseq_method, "REGISTER");
    int idx = sp__probe_find(cseq_method), status = g->status;
    int ok = status >= 200 && status < 300;
    int record = idx >= 0 && !(is_register && ok && (!t || t->authorized));
    if (!record ? !sp__seen_covers(&server->seen, server->svc, m->data, g)
                : (is_register && ok) || !reply_adds_nothing(server->svc, idx, status))
        return 0;
    server->roles |= ROLE_UAS;
    if (is_register && (ok || status == 401 || status == 407 || status == 403))
        server->roles |= ROLE_REGISTRAR;
    if (is_register && t && (status == 403 || (t->authorized && (status == 401 || status == 407))))
        count_failure(server, t, m->ts);
    if (inv->audit && ok && t && t->authorized)
        accept_credentials(inv, server, t, m->ts);
    return 1;
}

int sp__inventory_add(sp__inventory *inv, const sp__wire_msg *m)
{
    sp__glance g;
    int plain = sp__glance_read(m->data, m->len, &g);
    if (plain) {
        if (!g.status) {
            quick_request(inv, m, &g);
            return 0;
        }
        if (quick_response(inv, m, &g))
            return 0;
    }
    sp__parsed p;
    if (sp__sipmsg_parse(m->data, m->len, &p) != 0 || (!p.status && !p.method) ||
        (p.status && (p.status < 100 || p.status > 699))) {
        sp__parsed_free(&p);
        return -1;
    }
    if (p.status)
        on_response(inv, m, &p, plain ? &g : NULL);
    else
        on_request(inv, m, &p);
    sp__parsed_free(&p);
    return 0;
}

static int ep_cmp(const void *a, const void *b)
{
    return sp__svc_order(((const endpoint *)a)->svc, ((const endpoint *)b)->svc);
}

/* The accepted digest answers against the candidates, nothing sent. */
static void audit_offline(const sp__inventory *inv, endpoint *e)
{
    sp__svc_audit *a = sp__svc_audit_get(e->svc);
    if (!a)
        return;
    a->pub.passwords_audited = 1;
    a->offline = 1;
    a->pub.extensions = (uint32_t)e->n_accepted;
    for (size_t i = 0; i < e->n_accepted; i++) {
        const accepted *ac = &e->accepted[i];
        char pw[SP__PASSWORD_MAX], kind[64], when[32], alg[240];
        uint32_t tried = 0;
        int hit = sp__offline_crack(&ac->cr, inv->passwords, inv->max_attempts, pw, sizeof(pw),
                                    kind, sizeof(kind), &tried);
        a->pub.attempts += tried;
        if (!hit)
            continue;
        sp__iso_time((time_t)ac->ts, when, sizeof(when));
        snprintf(alg, sizeof(alg), "%s, %s from %s at %s",
                 ac->cr.algorithm[0] ? ac->cr.algorithm : "MD5", ac->cr.method, ac->client, when);
        sp__svc_audit_add_weak(e->svc, ac->cr.user, kind, alg, inv->show ? pw : NULL);
        memset(pw, 0, sizeof(pw));
    }
    snprintf(a->note, sizeof(a->note),
             "from the capture, nothing sent: %zu accepted digest answer(s) tested offline",
             e->n_accepted);
}

static void finish_one(const sp__inventory *inv, endpoint *e, const sp__fpdb *db,
                       const sp__vulndb *vulns)
{
    sp__svc *svc = e->svc;
    static const struct {
        unsigned bit;
        const char *name;
    } roles[] = {{ROLE_REGISTRAR, "registrar"}, {ROLE_UAS, "uas"}, {ROLE_UAC, "uac"}};
    for (size_t i = 0; i < 3; i++)
        if (e->roles & roles[i].bit) {
            size_t used = strlen(svc->role);
            snprintf(svc->role + used, sizeof(svc->role) - used, "%s%s", used ? "," : "",
                     roles[i].name);
        }
    if (e->noauth) {
        const char *ev[] = {e->noauth};
        sp__svc_add_finding(svc, "register-without-auth", ev, 1);
    }
    int brute_reported = 0;
    for (size_t i = 0; i < e->n_brutes; i++) {
        const brute *b = &e->brutes[i];
        if (b->failures < SP__BRUTE_FORCE_MIN)
            continue;
        char line[3][400], from[64], t0[32], t1[32];
        sp__addr_format(&b->src, from, sizeof(from));
        sp__iso_time((time_t)b->first, t0, sizeof(t0));
        sp__iso_time((time_t)b->last, t1, sizeof(t1));
        snprintf(line[0], sizeof(line[0]),
                 "%s had %u REGISTER authentications refused between %s and %s", from, b->failures,
                 t0, t1);
        size_t used = (size_t)snprintf(line[1], sizeof(line[1]), "users tried: ");
        for (size_t k = 0; k < b->users.n && used < sizeof(line[1]); k++)
            used += (size_t)snprintf(line[1] + used, sizeof(line[1]) - used, "%s%s", k ? ", " : "",
                                     b->users.v[k]);
        snprintf(line[2], sizeof(line[2]), "attacker: %s", from);
        const char *ev[] = {line[0], line[1], line[2]};
        if (brute_reported) { /* another source: one more line of evidence */
            sp__svc_add_evidence(svc, "registration-brute-force-seen", line[0]);
            sp__svc_add_evidence(svc, "registration-brute-force-seen", line[2]);
        } else {
            sp__svc_add_finding(svc, "registration-brute-force-seen", ev, 3);
            brute_reported = 1;
        }
    }
    if (inv->audit && e->n_accepted)
        audit_offline(inv, e);
    sp__classify_finish(svc, db, vulns);
    if (e->roles & ROLE_UAC) {
        /* A scanner's address is the point: say what it did. */
        char line[300], me[80];
        sp__addr_format_port(&svc->host, svc->port, me, sizeof(me));
        char ports[48] = "";
        if (e->n_ports > 1)
            snprintf(ports, sizeof(ports), " from %u source ports", e->n_ports);
        snprintf(line, sizeof(line), "attacker %s sent %llu requests (%s)%s to %zu%s addresses", me,
                 (unsigned long long)e->requests, e->methods, ports, e->n_dests,
                 e->n_dests >= MAX_DESTS ? "+" : "");
        sp__svc_add_evidence(svc, "scanner-user-agent-seen", line);
        sp__svc_publish(svc);
    }
}

/* A client that only ever sent requests is one endpoint per address, not
 * one per ephemeral source port: a scanner using 90 ports is one attacker.
 * Its port is the lowest it used. Endpoints are sorted by address. */
static void merge_clients(sp__inventory *inv)
{
    size_t block = 0;
    for (size_t i = 1; i < inv->n_eps; i++) {
        endpoint *e = &inv->eps[i];
        const sp__svc *b = inv->eps[block].svc;
        if (!sp__addr_equal(&b->host, &e->svc->host)) {
            block = i;
            continue;
        }
        if (e->roles != ROLE_UAC)
            continue;
        endpoint *lead = NULL;
        for (size_t j = block; j < i && !lead; j++)
            if (inv->eps[j].roles == ROLE_UAC && !inv->eps[j].merged &&
                inv->eps[j].svc->transport == e->svc->transport)
                lead = &inv->eps[j];
        if (!lead)
            continue;
        lead->requests += e->requests;
        lead->n_ports += e->n_ports;
        for (char *m = e->methods, *save = NULL, *tok; (tok = strtok_r(m, ",", &save)); m = NULL)
            add_method(lead, tok);
        for (size_t k = 0; k < e->n_dests; k++) {
            int seen = 0;
            for (size_t q = 0; q < lead->n_dests && !seen; q++)
                seen = lead->dests[q] == e->dests[k];
            if (!seen)
                add_dest_hash(lead, e->dests[k]);
        }
        if (!lead->svc->user_agent && e->svc->user_agent)
            lead->svc->user_agent = strdup(e->svc->user_agent);
        e->merged = 1;
    }
}

void sp__inventory_finish(sp__inventory *inv, const sp__fpdb *db, const sp__vulndb *vulns,
                          void (*fn)(void *ctx, sp__svc *svc), void *ctx)
{
    if (inv->n_eps > 1)
        qsort(inv->eps, inv->n_eps, sizeof(*inv->eps), ep_cmp);
    merge_clients(inv);
    for (size_t i = 0; i < inv->n_eps; i++) {
        endpoint *e = &inv->eps[i];
        if (e->merged) {
            endpoint_free(e);
            continue;
        }
        finish_one(inv, e, db, vulns);
        sp__svc *svc = e->svc;
        e->svc = NULL;
        endpoint_free(e);
        fn(ctx, svc);
    }
    inv->n_eps = 0;
    free(inv->index);
    inv->index = NULL;
    inv->cap_index = 0;
}
