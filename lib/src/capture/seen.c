#include "capture/seen.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A set of at most this many lines per service: past it, more parses. */
#define SEEN_MAX 4096
/* sp__classify_headers merges at most this many entries into each list. */
#define LIST_FULL 64

/* What a header line can add to a service. */
enum { FEEDS_NOTHING, FEEDS_VIAS, FEEDS_CONTACTS, FEEDS_ROUTES, FEEDS_ALLOW, FEEDS_OTHER };

/* s is in lower case. */
static int name_eq(const char *n, size_t len, const char *s)
{
    return (n[0] | 0x20) == s[0] && strlen(s) == len && !strncasecmp(n, s, len);
}

/* libosip2's known headers (osip_parser_cfg.c) that sp__classify_headers
 * does not read; To is covered by the to_tag check. Every other header is
 * one libosip2 keeps as "other" (the headers list, Server, Supported, ...). */
static int feeds(const char *n, size_t len)
{
    static const char *const nothing[] = {"accept",
                                          "accept-encoding",
                                          "accept-language",
                                          "alert-info",
                                          "authorization",
                                          "c",
                                          "call-id",
                                          "call-info",
                                          "content-encoding",
                                          "content-length",
                                          "content-type",
                                          "cseq",
                                          "e",
                                          "error-info",
                                          "f",
                                          "from",
                                          "i",
                                          "l",
                                          "mime-version",
                                          "proxy-authenticate",
                                          "proxy-authentication-info",
                                          "proxy-authorization",
                                          "route",
                                          "t",
                                          "to",
                                          "www-authenticate",
                                          "authentication-info"};
    if (name_eq(n, len, "via") || name_eq(n, len, "v"))
        return FEEDS_VIAS;
    if (name_eq(n, len, "contact") || name_eq(n, len, "m"))
        return FEEDS_CONTACTS;
    if (name_eq(n, len, "record-route"))
        return FEEDS_ROUTES;
    if (name_eq(n, len, "allow"))
        return FEEDS_ALLOW;
    for (size_t i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++)
        if (name_eq(n, len, nothing[i]))
            return FEEDS_NOTHING;
    return FEEDS_OTHER;
}

static size_t name_len(sp__span line)
{
    const char *colon = memchr(line.p, ':', line.n);
    size_t n = colon ? (size_t)(colon - line.p) : 0;
    while (n && (line.p[n - 1] == ' ' || line.p[n - 1] == '\t'))
        n--;
    return n;
}

/* The lists an "other" header feeds besides the headers list. */
static int other_full(const sp__svc *svc, const char *n, size_t len)
{
    if (svc->headers.n < LIST_FULL)
        return 0;
    if (name_eq(n, len, "supported") || name_eq(n, len, "k"))
        return svc->supported.n >= LIST_FULL;
    if (name_eq(n, len, "warning"))
        return svc->warnings.n >= LIST_FULL;
    if (name_eq(n, len, "allow"))
        return svc->allow.n >= LIST_FULL;
    return 1;
}

static int full(const sp__svc *svc, int kind, const char *n, size_t len)
{
    switch (kind) {
    case FEEDS_NOTHING:
        return 1;
    case FEEDS_VIAS:
        return svc->vias.n >= LIST_FULL;
    case FEEDS_CONTACTS:
        return svc->contacts.n >= LIST_FULL;
    case FEEDS_ROUTES:
        return svc->record_routes.n >= LIST_FULL;
    case FEEDS_ALLOW:
        return svc->allow.n >= LIST_FULL && svc->headers.n >= LIST_FULL;
    default:
        return other_full(svc, n, len);
    }
}

static uint64_t line_hash(sp__span line)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < line.n; i++)
        h = (h ^ (uint8_t)line.p[i]) * 1099511628211ull;
    return h ? h : 1;
}

static int contains(const sp__seen *s, uint64_t h)
{
    if (!s->cap)
        return 0;
    for (uint32_t j = (uint32_t)h & (s->cap - 1); s->slot[j]; j = (j + 1) & (s->cap - 1))
        if (s->slot[j] == h)
            return 1;
    return 0;
}

static void insert(sp__seen *s, uint64_t h)
{
    if (contains(s, h) || s->n >= SEEN_MAX)
        return;
    if ((s->n + 1) * 2 > s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 64;
        uint64_t *v = calloc(cap, sizeof(*v));
        if (!v)
            return;
        for (uint32_t i = 0; i < s->cap; i++)
            if (s->slot[i]) {
                uint32_t j = (uint32_t)s->slot[i] & (cap - 1);
                while (v[j])
                    j = (j + 1) & (cap - 1);
                v[j] = s->slot[i];
            }
        free(s->slot);
        s->slot = v;
        s->cap = cap;
    }
    uint32_t j = (uint32_t)h & (s->cap - 1);
    while (s->slot[j])
        j = (j + 1) & (s->cap - 1);
    s->slot[j] = h;
    s->n++;
}

void sp__seen_free(sp__seen *s)
{
    free(s->slot);
    memset(s, 0, sizeof(*s));
}

int sp__seen_covers(const sp__seen *s, const sp__svc *svc, const char *msg, const sp__glance *g)
{
    if (g->has_body || !svc->header_order || (g->has_server && !svc->server) ||
        (g->user_agent.p && !svc->user_agent) || (g->has_to_tag && !svc->to_tag))
        return 0;
    size_t pos = 0;
    sp__span line;
    while (sp__glance_next_line(msg, g, &pos, &line)) {
        size_t n = name_len(line);
        if (!full(svc, feeds(line.p, n), line.p, n) && !contains(s, line_hash(line)))
            return 0;
    }
    return 1;
}

void sp__seen_add(sp__seen *s, const char *msg, const sp__glance *g, const sp__parsed *p)
{
    if (p->vias.n >= 32 || p->contacts.n >= 32 || p->record_routes.n >= 16 || p->warnings.n >= 8 ||
        p->headers.n >= 64 || p->allow.n >= 256 || p->supported.n >= 256)
        return; /* the parse stopped taking values: its lines are not all merged */
    size_t pos = 0;
    sp__span line;
    while (sp__glance_next_line(msg, g, &pos, &line))
        if (feeds(line.p, name_len(line)) != FEEDS_NOTHING)
            insert(s, line_hash(line));
}
