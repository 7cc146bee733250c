#include "targets.h"

#include "sipprobe/sipprobe.h"
#include "util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_TOKEN 512

static sp__resolve_fn resolver;

void sp__targets_set_resolver(sp__resolve_fn fn)
{
    resolver = fn;
}

void sp__targets_init(sp__targets *t)
{
    memset(t, 0, sizeof(*t));
}

void sp__targets_free(sp__targets *t)
{
    free(t->given);
    free(t->excl);
    free(t->ranges);
    free(t->cum);
    sp__targets_init(t);
}

static sp__u128 addr_to_u128(const uint8_t *bytes, int family)
{
    sp__u128 v = 0;
    int n = family == 4 ? 4 : 16;
    for (int i = 0; i < n; i++)
        v = (v << 8) | bytes[i];
    return v;
}

static void u128_to_addr(sp__u128 v, int family, sp__addr *a)
{
    memset(a, 0, sizeof(*a));
    a->family = (uint8_t)family;
    int n = family == 4 ? 4 : 16;
    for (int i = n - 1; i >= 0; i--) {
        a->bytes[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

static int fail(char *err, size_t errlen, int code, const char *token, const char *why)
{
    snprintf(err, errlen, "malformed target '%s': %s", token, why);
    return code;
}

/* Parses an IPv4 or IPv6 literal (no port) into a value. Returns family or 0. */
static int parse_literal(const char *s, sp__u128 *v)
{
    uint8_t buf[16];
    if (inet_pton(AF_INET, s, buf) == 1) {
        *v = addr_to_u128(buf, 4);
        return 4;
    }
    if (inet_pton(AF_INET6, s, buf) == 1) {
        *v = addr_to_u128(buf, 6);
        return 6;
    }
    return 0;
}

static int looks_numeric(const char *s)
{
    for (; *s; s++)
        if (!isdigit((unsigned char)*s) && *s != '.')
            return 0;
    return 1;
}

static int valid_hostname(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '-' && c != '.' && c != '_')
            return 0;
        if (c == '.' && i + 1 < n && s[i + 1] == '.')
            return 0;
    }
    return 1;
}

static int parse_port(const char *s, int *port)
{
    if (!*s || strlen(s) > 5)
        return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    long v = strtol(s, NULL, 10);
    if (v < 1 || v > 65535)
        return -1;
    *port = (int)v;
    return 0;
}

/* Parses an address part (no port): literal, CIDR, range, or host name. */
static int parse_hostpart(const char *host, const char *token, sp__range *out, char *err,
                          size_t errlen)
{
    char work[MAX_TOKEN];
    snprintf(work, sizeof(work), "%s", host);
    sp__u128 lo, hi;
    int fam;

    char *slash = strchr(work, '/');
    if (slash) {
        *slash = '\0';
        fam = parse_literal(work, &lo);
        if (!fam)
            return fail(err, errlen, SP_ETARGET, token, "not an IP address before '/'");
        int bits = fam == 4 ? 32 : 128;
        int plen;
        const char *l = slash + 1;
        if (!*l || strlen(l) > 3)
            return fail(err, errlen, SP_ETARGET, token, "bad prefix length");
        for (const char *p = l; *p; p++)
            if (!isdigit((unsigned char)*p))
                return fail(err, errlen, SP_ETARGET, token, "bad prefix length");
        plen = atoi(l);
        if (plen > bits)
            return fail(err, errlen, SP_ETARGET, token, "prefix length out of range");
        /* Host bits set in the address are cleared, as nmap does. */
        sp__u128 hostmask;
        if (plen == bits)
            hostmask = 0;
        else if (bits - plen == 128)
            hostmask = ~(sp__u128)0;
        else
            hostmask = (((sp__u128)1) << (bits - plen)) - 1;
        lo &= ~hostmask;
        hi = lo | hostmask;
        out->family = (uint8_t)fam;
        out->lo = lo;
        out->hi = hi;
        return 0;
    }

    char *dash = strchr(work, '-');
    if (dash && (fam = parse_literal((*dash = '\0', work), &lo)) != 0) {
        const char *rest = dash + 1;
        int fam2 = parse_literal(rest, &hi);
        if (fam2 == 0 && fam == 4) {
            /* "10.0.0.1-50": the end replaces the last octet. */
            int last;
            if (!*rest || strlen(rest) > 3 || !looks_numeric(rest) || strchr(rest, '.'))
                return fail(err, errlen, SP_ETARGET, token, "bad range end");
            last = atoi(rest);
            if (last > 255)
                return fail(err, errlen, SP_ETARGET, token, "range end octet above 255");
            hi = (lo & ~(sp__u128)0xff) | (sp__u128)last;
        } else if (fam2 != fam) {
            return fail(err, errlen, SP_ETARGET, token, "range ends are not the same family");
        }
        if (hi < lo)
            return fail(err, errlen, SP_ETARGET, token, "range end is below its start");
        out->family = (uint8_t)fam;
        out->lo = lo;
        out->hi = hi;
        return 0;
    }
    if (dash)
        *dash = '-';

    fam = parse_literal(work, &lo);
    if (fam) {
        out->family = (uint8_t)fam;
        out->lo = out->hi = lo;
        return 0;
    }
    if (looks_numeric(work))
        return fail(err, errlen, SP_ETARGET, token, "not a valid IPv4 address");
    if (!valid_hostname(work))
        return fail(err, errlen, SP_ETARGET, token, "not an address, range, CIDR or host name");

    /* A host name: resolved once, first address (IPv4 preferred). */
    if (resolver) {
        uint8_t a[16];
        int f = 0;
        if (resolver(work, &f, a) != 0) {
            snprintf(err, errlen, "cannot resolve target '%s'", token);
            return SP_ERESOLVE;
        }
        out->family = (uint8_t)f;
        out->lo = out->hi = addr_to_u128(a, f);
        return 0;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    int rc = getaddrinfo(work, NULL, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, errlen, "cannot resolve target '%s': %s", token, gai_strerror(rc));
        return SP_ERESOLVE;
    }
    const struct addrinfo *pick = res;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
        if (ai->ai_family == AF_INET) {
            pick = ai;
            break;
        }
    if (pick->ai_family == AF_INET) {
        const struct sockaddr_in *sin = (const void *)pick->ai_addr;
        out->family = 4;
        out->lo = addr_to_u128((const uint8_t *)&sin->sin_addr, 4);
    } else {
        const struct sockaddr_in6 *sin6 = (const void *)pick->ai_addr;
        out->family = 6;
        out->lo = addr_to_u128(sin6->sin6_addr.s6_addr, 6);
    }
    out->hi = out->lo;
    freeaddrinfo(res);
    return 0;
}

int sp__target_parse(const char *token, int allow_port, sp__range *out, char *err, size_t errlen)
{
    char host[MAX_TOKEN];
    int port = -1;
    size_t n = strlen(token);

    memset(out, 0, sizeof(*out));
    out->port = -1;
    if (n == 0)
        return fail(err, errlen, SP_ETARGET, token, "empty");
    if (n >= MAX_TOKEN)
        return fail(err, errlen, SP_ETARGET, "(too long)", "longer than 511 characters");

    if (token[0] == '[') {
        const char *close = strchr(token, ']');
        if (!close)
            return fail(err, errlen, SP_ETARGET, token, "missing ']'");
        memcpy(host, token + 1, (size_t)(close - token - 1));
        host[close - token - 1] = '\0';
        if (close[1] == ':') {
            if (parse_port(close + 2, &port) < 0)
                return fail(err, errlen, SP_ETARGET, token, "bad port (1-65535)");
        } else if (close[1] != '\0') {
            return fail(err, errlen, SP_ETARGET, token, "unexpected text after ']'");
        }
        if (!strchr(host, ':'))
            return fail(err, errlen, SP_ETARGET, token, "brackets are for IPv6 addresses");
    } else {
        const char *first = strchr(token, ':');
        const char *last = strrchr(token, ':');
        snprintf(host, sizeof(host), "%s", token);
        if (first && first == last) {
            host[first - token] = '\0';
            if (parse_port(first + 1, &port) < 0)
                return fail(err, errlen, SP_ETARGET, token, "bad port (1-65535)");
        }
        /* Several colons: a bare IPv6 literal, CIDR or range, without port. */
    }
    if (port != -1 && !allow_port)
        return fail(err, errlen, SP_ETARGET, token, "a port is not allowed here");
    if (!host[0])
        return fail(err, errlen, SP_ETARGET, token, "no address");
    int rc = parse_hostpart(host, token, out, err, errlen);
    if (rc)
        return rc;
    out->port = port;
    return 0;
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
        char token[MAX_TOKEN];
        size_t len = (size_t)(p - s);
        if (len >= sizeof(token))
            return fail(err, errlen, SP_ETARGET, "(too long)", "longer than 511 characters");
        memcpy(token, s, len);
        token[len] = '\0';
        sp__range r;
        int rc = sp__target_parse(token, !exclude, &r, err, errlen);
        if (rc)
            return rc;
        rc = exclude ? push_range(&t->excl, &t->n_excl, &t->cap_excl, &r)
                     : push_range(&t->given, &t->n_given, &t->cap_given, &r);
        if (rc)
            return rc;
        any = 1;
    }
    if (!any)
        return fail(err, errlen, SP_ETARGET, spec, "empty");
    return 0;
}

int sp__targets_add(sp__targets *t, const char *spec, char *err, size_t errlen)
{
    return add_spec(t, spec, 0, err, errlen);
}

int sp__targets_exclude(sp__targets *t, const char *spec, char *err, size_t errlen)
{
    return add_spec(t, spec, 1, err, errlen);
}

static int range_cmp(const void *a, const void *b)
{
    const sp__range *x = a, *y = b;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return 0;
}

/* Merges overlapping or adjacent ranges of the same family and port, in place. */
static size_t merge_ranges(sp__range *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof(*v), range_cmp);
    size_t out = 0;
    for (size_t i = 1; i < n; i++) {
        sp__range *cur = &v[out];
        if (v[i].family == cur->family && v[i].port == cur->port &&
            (v[i].lo <= cur->hi || v[i].lo - 1 == cur->hi)) {
            if (v[i].hi > cur->hi)
                cur->hi = v[i].hi;
        } else {
            v[++out] = v[i];
        }
    }
    return out + 1;
}

int sp__targets_finalize(sp__targets *t, const uint16_t *ports, size_t n_ports, char *err,
                         size_t errlen)
{
    free(t->ranges);
    free(t->cum);
    t->ranges = NULL;
    t->cum = NULL;
    t->n_ranges = 0;
    t->pairs = t->addresses = 0;
    t->ports = ports;
    t->n_ports = n_ports;

    /* Excludes apply to every port; merge them ignoring their (absent) port. */
    sp__range *ex = NULL;
    size_t nex = t->n_excl;
    if (nex) {
        ex = malloc(nex * sizeof(*ex));
        if (!ex)
            return SP_ENOMEM;
        memcpy(ex, t->excl, nex * sizeof(*ex));
        nex = merge_ranges(ex, nex);
    }

    sp__range *out = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < t->n_given; i++) {
        sp__range cur = t->given[i];
        int alive = 1;
        for (size_t j = 0; j < nex && alive; j++) {
            const sp__range *x = &ex[j];
            if (x->family != cur.family || x->hi < cur.lo || x->lo > cur.hi)
                continue;
            if (x->lo > cur.lo) { /* keep the part below the exclude */
                sp__range below = cur;
                below.hi = x->lo - 1;
                if (push_range(&out, &n, &cap, &below)) {
                    free(ex);
                    free(out);
                    return SP_ENOMEM;
                }
            }
            if (x->hi < cur.hi)
                cur.lo = x->hi + 1;
            else
                alive = 0;
        }
        if (alive && push_range(&out, &n, &cap, &cur)) {
            free(ex);
            free(out);
            return SP_ENOMEM;
        }
    }
    free(ex);
    n = merge_ranges(out, n);

    if (n == 0) {
        free(out);
        snprintf(err, errlen, "no targets to scan%s",
                 t->n_given ? " (all of them are excluded)" : "");
        return SP_ENOTARGETS;
    }
    uint64_t *cum = malloc(n * sizeof(*cum));
    if (!cum) {
        free(out);
        return SP_ENOMEM;
    }
    uint64_t total = 0, addrs = 0;
    for (size_t i = 0; i < n; i++) {
        sp__u128 count = out[i].hi - out[i].lo + 1;
        sp__u128 np = out[i].port >= 0 ? 1 : n_ports;
        if (out[i].family == 6 && out[i].hi - out[i].lo >= (sp__u128)SP__MAX_PAIRS) {
            free(out);
            free(cum);
            snprintf(err, errlen, "target set too large: more than 2^48 addresses");
            return SP_ETOOBIG;
        }
        if ((sp__u128)total + count * np > (sp__u128)SP__MAX_PAIRS) {
            free(out);
            free(cum);
            snprintf(err, errlen, "target set too large: more than 2^48 address/port pairs");
            return SP_ETOOBIG;
        }
        total += (uint64_t)(count * np);
        addrs += (uint64_t)count;
        cum[i] = total;
    }
    t->ranges = out;
    t->cum = cum;
    t->n_ranges = n;
    t->pairs = total;
    t->addresses = addrs;
    return 0;
}

void sp__targets_get(const sp__targets *t, uint64_t index, sp__addr *addr, uint16_t *port)
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
    uint64_t np = r->port >= 0 ? 1 : t->n_ports;
    u128_to_addr(r->lo + off / np, r->family, addr);
    *port = r->port >= 0 ? (uint16_t)r->port : t->ports[off % np];
}

static int port_cmp(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

int sp__ports_parse(const char *list, uint16_t **out, size_t *n, char *err, size_t errlen)
{
    /* A bitmap of 65536 ports keeps duplicates and overlaps out cheaply. */
    uint8_t *seen = calloc(65536 / 8, 1);
    if (!seen)
        return SP_ENOMEM;
    const char *p = list;
    size_t count = 0;
    int any = 0, lowest = 65536, highest = 0;
    while (*p) {
        const char *s = p;
        while (*p && *p != ',')
            p++;
        char tok[32];
        size_t len = (size_t)(p - s);
        if (*p == ',')
            p++;
        if (len == 0 || len >= sizeof(tok)) {
            free(seen);
            snprintf(err, errlen, "malformed port list '%s': empty or overlong item", list);
            return SP_EPORT;
        }
        memcpy(tok, s, len);
        tok[len] = '\0';
        int a, b;
        char *dash = strchr(tok, '-');
        if (dash) {
            *dash = '\0';
            if (parse_port(tok, &a) || parse_port(dash + 1, &b) || b < a) {
                free(seen);
                *dash = '-';
                snprintf(err, errlen, "malformed port list '%s': bad range '%s'", list, tok);
                return SP_EPORT;
            }
        } else if (parse_port(tok, &a)) {
            free(seen);
            snprintf(err, errlen, "malformed port list '%s': bad port '%s' (1-65535)", list, tok);
            return SP_EPORT;
        } else {
            b = a;
        }
        if (a < lowest)
            lowest = a;
        if (b > highest)
            highest = b;
        for (int v = a; v <= b; v++)
            if (!(seen[v / 8] & (1u << (v % 8)))) {
                seen[v / 8] |= (uint8_t)(1u << (v % 8));
                count++;
            }
        any = 1;
    }
    if (!any) {
        free(seen);
        snprintf(err, errlen, "malformed port list '%s': empty", list);
        return SP_EPORT;
    }
    uint16_t *ports = malloc(count * sizeof(*ports));
    if (!ports) {
        free(seen);
        return SP_ENOMEM;
    }
    size_t k = 0;
    for (int v = lowest; v <= highest; v++)
        if (seen[v / 8] & (1u << (v % 8)))
            ports[k++] = (uint16_t)v;
    free(seen);
    qsort(ports, k, sizeof(*ports), port_cmp);
    *out = ports;
    *n = k;
    return 0;
}

void sp__addr_format(const sp__addr *a, char *buf, size_t len)
{
    if (!inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->bytes, buf, (socklen_t)len))
        snprintf(buf, len, "?");
}

void sp__addr_format_port(const sp__addr *a, uint16_t port, char *buf, size_t len)
{
    char ip[64];
    sp__addr_format(a, ip, sizeof(ip));
    if (a->family == 6)
        snprintf(buf, len, "[%s]:%u", ip, port);
    else
        snprintf(buf, len, "%s:%u", ip, port);
}

int sp__addr_equal(const sp__addr *a, const sp__addr *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16) == 0;
}

int sp__targets_contains(const sp__targets *t, const sp__addr *a)
{
    sp__u128 v = addr_to_u128(a->bytes, a->family);
    for (size_t i = 0; i < t->n_ranges; i++)
        if (t->ranges[i].family == a->family && v >= t->ranges[i].lo && v <= t->ranges[i].hi)
            return 1;
    return 0;
}
