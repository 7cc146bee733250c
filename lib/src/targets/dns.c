/* RFC 3263 discovery with the C library's resolver (libresolv): res_nquery
 * on a res_state of each pass, so that two scans on two threads never share
 * one, and ns_initparse to walk answers. No new dependency, and the same
 * resolv.conf the system uses unless a DNS server is given. */
#include "targets/dns.h"

#include "sipprobe/sipprobe.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ANSWER_MAX 4096
#define SP__TARGET_MSG 560

void sp__dns_clear(sp__dns *d)
{
    for (size_t i = 0; i < d->n_names; i++) {
        free(d->names[i].name);
        free(d->names[i].token);
        sp__strv_free(&d->names[i].leaks);
    }
    for (size_t i = 0; i < d->n_eps; i++)
        free(d->eps[i].path);
    free(d->names);
    free(d->eps);
    d->names = NULL;
    d->eps = NULL;
    d->n_names = d->cap_names = d->n_eps = d->cap_eps = 0;
}

int sp__dns_set_server(sp__dns *d, const char *spec, char *err, size_t errlen)
{
    char host[48];
    int port = 53;
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    struct in_addr in;
    if (n == 0 || n >= sizeof(host)) {
        snprintf(err, errlen, "bad DNS server '%s': ADDR[:PORT] with an IPv4 address", spec);
        return -1;
    }
    memcpy(host, spec, n);
    host[n] = '\0';
    /* libresolv's res_state holds IPv4 name servers only (nsaddr_list). */
    if (inet_pton(AF_INET, host, &in) != 1 || (colon && sp__port_parse(colon + 1, &port) < 0)) {
        snprintf(err, errlen, "bad DNS server '%s': ADDR[:PORT] with an IPv4 address", spec);
        return -1;
    }
    snprintf(d->server, sizeof(d->server), "%s:%d", host, port);
    return 0;
}

int sp__dns_add_name(sp__dns *d, const char *name, const char *token, int transport, int secure)
{
    if (d->n_names == d->cap_names) {
        size_t c = d->cap_names ? d->cap_names * 2 : 8;
        sp__dns_name *p = realloc(d->names, c * sizeof(*p));
        if (!p)
            return SP_ENOMEM;
        d->names = p;
        d->cap_names = c;
    }
    sp__dns_name *nm = &d->names[d->n_names];
    memset(nm, 0, sizeof(*nm));
    nm->name = strdup(name);
    nm->token = strdup(token);
    if (!nm->name || !nm->token) {
        free(nm->name);
        free(nm->token);
        return SP_ENOMEM;
    }
    size_t l = strlen(nm->name);
    if (l > 1 && nm->name[l - 1] == '.')
        nm->name[l - 1] = '\0';
    nm->transport = (int8_t)transport;
    nm->secure = (uint8_t)secure;
    d->n_names++;
    return 0;
}

/* ---- Answers ---- */

/* Copies a <character-string> (length byte, then bytes). Returns the bytes
 * consumed or -1. */
static int char_string(const uint8_t *p, const uint8_t *end, char *out, size_t cap)
{
    if (p >= end || p + 1 + *p > end)
        return -1;
    size_t n = *p;
    size_t k = n < cap - 1 ? n : cap - 1;
    memcpy(out, p + 1, k);
    out[k] = '\0';
    return (int)n + 1;
}

/* Walks the answer section: fn for each record of type, until it returns
 * nonzero. Returns -1 for a malformed message, else 0. */
static int each_answer(const uint8_t *msg, int len, int type,
                       int (*fn)(const uint8_t *msg, int len, const ns_rr *rr, void *data),
                       void *data)
{
    ns_msg h;
    if (len <= 0 || ns_initparse(msg, len, &h) < 0)
        return -1;
    int n = ns_msg_count(h, ns_s_an);
    for (int i = 0; i < n; i++) {
        ns_rr rr;
        if (ns_parserr(&h, ns_s_an, i, &rr) < 0)
            return -1;
        if ((int)ns_rr_type(rr) == type && ns_rr_class(rr) == ns_c_in && fn(msg, len, &rr, data))
            break;
    }
    return 0;
}

typedef struct collect {
    void *v;
    int n, cap;
} collect;

static int naptr_rr(const uint8_t *msg, int len, const ns_rr *rr, void *data)
{
    collect *c = data;
    const uint8_t *p = ns_rr_rdata(*rr), *end = p + ns_rr_rdlen(*rr);
    sp__naptr *o = (sp__naptr *)c->v + c->n;
    char regexp[256];
    int k;
    if (end - p < 4)
        return 0;
    o->order = (uint16_t)(p[0] << 8 | p[1]);
    o->pref = (uint16_t)(p[2] << 8 | p[3]);
    p += 4;
    if ((k = char_string(p, end, o->flags, sizeof(o->flags))) < 0)
        return 0;
    p += k;
    if ((k = char_string(p, end, o->services, sizeof(o->services))) < 0)
        return 0;
    p += k;
    if ((k = char_string(p, end, regexp, sizeof(regexp))) < 0)
        return 0;
    p += k;
    if (p >= end || dn_expand(msg, msg + len, p, o->replacement, sizeof(o->replacement)) < 0)
        return 0;
    return ++c->n == c->cap;
}

static int srv_rr(const uint8_t *msg, int len, const ns_rr *rr, void *data)
{
    collect *c = data;
    const uint8_t *p = ns_rr_rdata(*rr), *end = p + ns_rr_rdlen(*rr);
    sp__srv *o = (sp__srv *)c->v + c->n;
    if (end - p < 7)
        return 0;
    o->prio = (uint16_t)(p[0] << 8 | p[1]);
    o->weight = (uint16_t)(p[2] << 8 | p[3]);
    o->port = (uint16_t)(p[4] << 8 | p[5]);
    if (dn_expand(msg, msg + len, p + 6, o->target, sizeof(o->target)) < 0)
        return 0;
    return ++c->n == c->cap;
}

typedef struct addr_collect {
    collect c;
    int family;
} addr_collect;

static int addr_rr(const uint8_t *msg, int len, const ns_rr *rr, void *data)
{
    (void)msg;
    (void)len;
    addr_collect *ac = data;
    size_t want = ac->family == 4 ? 4 : 16;
    if (ns_rr_rdlen(*rr) != want)
        return 0;
    sp__addr *o = (sp__addr *)ac->c.v + ac->c.n;
    memset(o, 0, sizeof(*o));
    o->family = (uint8_t)ac->family;
    memcpy(o->bytes, ns_rr_rdata(*rr), want);
    return ++ac->c.n == ac->c.cap;
}

static int naptr_cmp(const void *a, const void *b)
{
    const sp__naptr *x = a, *y = b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return x->pref < y->pref ? -1 : x->pref > y->pref;
}

static int srv_cmp(const void *a, const void *b)
{
    const sp__srv *x = a, *y = b;
    if (x->prio != y->prio)
        return x->prio < y->prio ? -1 : 1;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return strcmp(x->target, y->target);
}

int sp__dns_parse_naptr(const uint8_t *msg, int len, sp__naptr *out, int cap)
{
    collect c = {out, 0, cap};
    if (each_answer(msg, len, ns_t_naptr, naptr_rr, &c) < 0)
        return -1;
    qsort(out, (size_t)c.n, sizeof(*out), naptr_cmp);
    return c.n;
}

int sp__dns_parse_srv(const uint8_t *msg, int len, sp__srv *out, int cap)
{
    collect c = {out, 0, cap};
    if (each_answer(msg, len, ns_t_srv, srv_rr, &c) < 0)
        return -1;
    qsort(out, (size_t)c.n, sizeof(*out), srv_cmp);
    return c.n;
}

int sp__dns_parse_addrs(const uint8_t *msg, int len, int family, sp__addr *out, int cap)
{
    addr_collect ac = {{out, 0, cap}, family};
    if (each_answer(msg, len, family == 4 ? ns_t_a : ns_t_aaaa, addr_rr, &ac) < 0)
        return -1;
    return ac.c.n;
}

int sp__dns_service_transport(const char *service)
{
    if (!strcasecmp(service, "SIP+D2U"))
        return SP_TRANSPORT_UDP;
    if (!strcasecmp(service, "SIP+D2T"))
        return SP_TRANSPORT_TCP;
    if (!strcasecmp(service, "SIPS+D2T"))
        return SP_TRANSPORT_TLS;
    if (!strcasecmp(service, "SIP+D2W"))
        return SP_TRANSPORT_WS;
    if (!strcasecmp(service, "SIPS+D2W"))
        return SP_TRANSPORT_WSS;
    return -1;
}

/* ---- One pass ---- */

typedef struct pass {
    sp__dns *d;
    struct __res_state res;
    int res_ok;
    sp__dns_add_fn add;
    void *add_data;
    sp__dns_log_fn log;
    void *data;
    uint32_t name; /* index of the name being discovered */
    size_t found;  /* endpoints it gave */
    int nxdomain;  /* the domain itself does not exist */
    uint8_t *ans;  /* ANSWER_MAX bytes */
} pass;

/* "STEP: WHY" to the log. */
static void say(pass *p, int level, const char *step, const char *why)
{
    if (!p->log)
        return;
    char msg[640];
    snprintf(msg, sizeof(msg), "%s: %s", step, why);
    p->log(p->data, level, msg);
}

/* libresolv on the pass's own state, asking the given server if any. */
static int res_query_fn(pass *p, const char *name, int type, int *nx)
{
    if (!p->res_ok) {
        memset(&p->res, 0, sizeof(p->res));
        if (res_ninit(&p->res) != 0)
            return -1;
        p->res_ok = 1;
        p->res.retrans = 2; /* seconds; a silent server costs 2 x 2 s per query */
        p->res.retry = 2;
        p->res.options &= ~(unsigned long)(RES_DNSRCH | RES_DEFNAMES);
        if (p->d->server[0]) {
            char host[64];
            snprintf(host, sizeof(host), "%s", p->d->server);
            char *colon = strchr(host, ':');
            *colon = '\0';
            struct sockaddr_in sin;
            memset(&sin, 0, sizeof(sin));
            sin.sin_family = AF_INET;
            sin.sin_port = htons((uint16_t)atoi(colon + 1));
            inet_pton(AF_INET, host, &sin.sin_addr);
            p->res.nsaddr_list[0] = sin;
            p->res.nscount = 1;
        }
    }
    int n = res_nquery(&p->res, name, ns_c_in, type, p->ans, ANSWER_MAX);
    if (n < 0 && p->res.res_h_errno == HOST_NOT_FOUND)
        *nx = 1;
    return n;
}

static int query(pass *p, const char *name, int type)
{
    int nx = 0;
    int n = p->d->query ? p->d->query(p->d->query_ctx, name, type, p->ans, ANSWER_MAX, &nx)
                        : res_query_fn(p, name, type, &nx);
    if (nx && !strcasecmp(name, p->d->names[p->name].name))
        p->nxdomain = 1;
    return n;
}

static int push_ep(pass *p, const sp__addr *a, int port, int transport, const char *path)
{
    sp__dns *d = p->d;
    for (size_t i = 0; i < d->n_eps; i++) /* the same server reached twice is probed once */
        if (d->eps[i].name == p->name && d->eps[i].port == port &&
            d->eps[i].transport == transport && sp__addr_equal(&d->eps[i].addr, a))
            return 0;
    if (p->found >= SP__DNS_MAX_EPS)
        return 0;
    if (d->n_eps == d->cap_eps) {
        size_t c = d->cap_eps ? d->cap_eps * 2 : 16;
        sp__dns_ep *v = realloc(d->eps, c * sizeof(*v));
        if (!v)
            return SP_ENOMEM;
        d->eps = v;
        d->cap_eps = c;
    }
    sp__dns_ep *e = &d->eps[d->n_eps];
    e->addr = *a;
    e->port = port;
    e->transport = (int8_t)transport;
    e->name = p->name;
    e->path = strdup(path);
    if (!e->path)
        return SP_ENOMEM;
    d->n_eps++;
    p->found++;
    return p->add(p->add_data, a, port, transport);
}

/* A record into private space leaks the internal plan: one line per record. */
static int note_private(pass *p, const sp__addr *a, const char *path)
{
    if (!sp__addr_is_private(a))
        return 0;
    sp__strv *leaks = &p->d->names[p->name].leaks;
    if (sp__strv_contains(leaks, path) || leaks->n >= 16)
        return 0;
    return sp__strv_push(leaks, path, strlen(path)) ? SP_ENOMEM : 0;
}

/* A and AAAA of host; each address an endpoint reached by path. */
static int resolve_host(pass *p, const char *host, int port, int transport, const char *path)
{
    static const int fams[2] = {4, 6};
    for (int f = 0; f < 2; f++) {
        int n = query(p, host, fams[f] == 4 ? ns_t_a : ns_t_aaaa);
        sp__addr addrs[SP__DNS_MAX_ADDRS];
        n = n > 0 ? sp__dns_parse_addrs(p->ans, n, fams[f], addrs, SP__DNS_MAX_ADDRS) : 0;
        for (int i = 0; i < n; i++) {
            char text[64], full[SP__DNS_PATH_MAX];
            sp__addr_format(&addrs[i], text, sizeof(text));
            snprintf(full, sizeof(full), "%s -> %s %s %s", path, host, fams[f] == 4 ? "A" : "AAAA",
                     text);
            int rc = note_private(p, &addrs[i], full);
            if (!rc)
                rc = push_ep(p, &addrs[i], port, transport, full);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* The servers of one SRV name; path is how the name was reached ("" when
 * sipprobe guessed it). Returns how many SRV records were usable, or -code. */
static int follow_srv(pass *p, const char *srvname, int transport, const char *path)
{
    int n = query(p, srvname, ns_t_srv);
    sp__srv srv[SP__DNS_MAX_SRV];
    n = n > 0 ? sp__dns_parse_srv(p->ans, n, srv, SP__DNS_MAX_SRV) : 0;
    int used = 0;
    for (int i = 0; i < n; i++) {
        char step[SP__DNS_PATH_MAX];
        snprintf(step, sizeof(step), "%s%s%s SRV %u %u %u %s", path, *path ? " -> " : "", srvname,
                 srv[i].prio, srv[i].weight, srv[i].port, srv[i].target[0] ? srv[i].target : ".");
        if (!srv[i].target[0] || !strcmp(srv[i].target, ".")) {
            say(p, 1, step, "the service is declared unavailable ('.')");
            continue;
        }
        used++;
        int rc = resolve_host(p, srv[i].target, srv[i].port, transport, step);
        if (rc)
            return -rc;
    }
    return used;
}

/* RFC 3263 section 4.1: the NAPTR records of the domain whose services
 * sipprobe probes, each followed to its SRV name. A scanner wants every
 * door, so it follows every order, not only the most preferred. */
static int follow_naptr(pass *p, const sp__dns_name *nm, int *any)
{
    int n = query(p, nm->name, ns_t_naptr);
    sp__naptr naptr[SP__DNS_MAX_NAPTR];
    n = n > 0 ? sp__dns_parse_naptr(p->ans, n, naptr, SP__DNS_MAX_NAPTR) : 0;
    for (int i = 0; i < n; i++) {
        const sp__naptr *r = &naptr[i];
        int secure = !strncasecmp(r->services, "SIPS+", 5);
        if (strncasecmp(r->services, "SIP", 3) || (nm->secure && !secure))
            continue; /* not SIP, or not secure enough for a sips: target */
        *any = 1;
        char step[SP__DNS_PATH_MAX];
        snprintf(step, sizeof(step), "%s NAPTR %u %u \"%s\" \"%s\"", nm->name, r->order, r->pref,
                 r->flags, r->services);
        int transport = sp__dns_service_transport(r->services);
        if (transport < 0) {
            say(p, 1, step, "a transport sipprobe does not probe, skipped");
            continue;
        }
        if (strcasecmp(r->flags, "s")) {
            say(p, 1, step, "flags other than \"s\" (an SRV name), skipped");
            continue;
        }
        int rc = follow_srv(p, r->replacement, transport, step);
        if (rc < 0)
            return -rc;
    }
    return 0;
}

/* RFC 3263 section 4.1 without NAPTR records: the SRV names of the
 * transports the target allows. */
static int guess_srv(pass *p, const sp__dns_name *nm)
{
    static const struct {
        const char *prefix;
        int transport;
    } guesses[] = {{"_sip._udp", SP_TRANSPORT_UDP},
                   {"_sip._tcp", SP_TRANSPORT_TCP},
                   {"_sips._tcp", SP_TRANSPORT_TLS}};
    for (size_t i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++) {
        int tr = guesses[i].transport;
        if ((nm->secure && tr != SP_TRANSPORT_TLS) || (nm->transport >= 0 && nm->transport != tr))
            continue;
        char srvname[300];
        snprintf(srvname, sizeof(srvname), "%s.%s", guesses[i].prefix, nm->name);
        int rc = follow_srv(p, srvname, tr, "");
        if (rc < 0)
            return -rc;
    }
    return 0;
}

/* No NAPTR, no SRV: the domain's own addresses, on the scan's ports. */
static int by_address(pass *p, const sp__dns_name *nm, int (*fallback)(const char *, sp__addr *))
{
    int transport = nm->secure ? SP_TRANSPORT_TLS : nm->transport;
    char path[300]; /* a name is at most 253 characters */
    snprintf(path, sizeof(path), "%s: no NAPTR or SRV record", nm->name);
    if (p->d->server[0] || p->d->query || !fallback)
        return resolve_host(p, nm->name, -1, transport, path);
    sp__addr a;
    if (fallback(nm->name, &a) != 0)
        return 0;
    char text[64], full[SP__DNS_PATH_MAX];
    sp__addr_format(&a, text, sizeof(text));
    snprintf(full, sizeof(full), "%s -> %s address %s (system resolver)", path, nm->name, text);
    int rc = note_private(p, &a, full);
    return rc ? rc : push_ep(p, &a, -1, transport, full);
}

static int discover_one(pass *p, int (*fallback)(const char *, sp__addr *))
{
    const sp__dns_name *nm = &p->d->names[p->name];
    int any_naptr = 0, rc = 0;
    p->found = 0;
    p->nxdomain = 0;
    /* A transport in the target (tcp://, ;transport=) skips NAPTR (4.1). */
    if (nm->transport < 0)
        rc = follow_naptr(p, nm, &any_naptr);
    if (!rc && !any_naptr && !p->nxdomain)
        rc = guess_srv(p, nm);
    if (!rc && p->found == 0 && !p->nxdomain)
        rc = by_address(p, nm, fallback);
    if (!rc && p->found == 0) {
        char step[SP__TARGET_MSG];
        snprintf(step, sizeof(step), "cannot resolve target '%s'", nm->token);
        say(p, 0, step,
            p->nxdomain ? "the domain does not exist; the scan goes on without it"
                        : "no NAPTR, SRV, A or AAAA record gave a server; the scan goes on "
                          "without it");
    }
    return rc;
}

int sp__dns_discover(sp__dns *d, sp__dns_add_fn add, void *add_data, sp__dns_log_fn log,
                     void *log_data, int (*fallback)(const char *name, sp__addr *a))
{
    pass p;
    memset(&p, 0, sizeof(p));
    p.d = d;
    p.add = add;
    p.add_data = add_data;
    p.log = log;
    p.data = log_data;
    int rc = 0;
    for (size_t i = 0; i < d->n_names && !rc; i++) {
        if (d->names[i].done)
            continue;
        if (!p.ans && !(p.ans = malloc(ANSWER_MAX)))
            return SP_ENOMEM;
        p.name = (uint32_t)i;
        rc = discover_one(&p, fallback);
        d->names[i].done = 1;
    }
    if (p.res_ok)
        res_nclose(&p.res);
    free(p.ans);
    return rc;
}

static void push_once(sp__strv *v, const char *s)
{
    if (!sp__strv_contains(v, s))
        sp__strv_push(v, s, strlen(s));
}

void sp__dns_lookup(const sp__dns *d, const sp__addr *a, uint16_t port, int transport,
                    sp__strv *paths, sp__strv *leaks)
{
    for (size_t i = 0; i < d->n_eps; i++) {
        const sp__dns_ep *e = &d->eps[i];
        if ((e->port >= 0 && e->port != port) || (e->transport >= 0 && e->transport != transport) ||
            !sp__addr_equal(&e->addr, a))
            continue;
        push_once(paths, e->path);
        const sp__strv *l = &d->names[e->name].leaks;
        for (size_t k = 0; k < l->n; k++)
            push_once(leaks, l->v[k]);
    }
}
