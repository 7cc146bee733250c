/* The compact JSON line of one service, for ndjson writers and the resume
 * journal: the scan's hot path when every target answers. Building the
 * jansson tree and dumping it cost about 60 % of the work per reply, almost
 * all of it jansson walking every byte of strings that need no escaping.
 *
 * This writer emits the same bytes as json_dumps(sp__service_json(svc))
 * with SP__LINE_FLAGS, faster: the structure (keys are our own ASCII names)
 * comes from code, a string of printable ASCII with no quote or backslash is
 * copied as it is (every JSON encoder writes those verbatim), and every
 * other string, and every real number, is encoded by jansson. The unit
 * tests and the fuzz_reply target check that both forms are identical. */
#include "output/output.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The length of s if it is made only of bytes that jansson writes
 * verbatim too (printable ASCII but the quote and the backslash), else -1. */
static long plain_len(const char *s)
{
    /* 0x20-0x7e without '"' (0x22) and '\\' (0x5c). */
    static const unsigned char verbatim[256] = {
        [0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1};
    const unsigned char *p = (const unsigned char *)s;
    while (verbatim[*p])
        p++;
    return *p ? -1 : (long)(p - (const unsigned char *)s);
}

/* sp__buf_append without its checks while the room is there: a line is
 * built from a hundred small pieces. It keeps a byte free but does not
 * write the NUL: the finished line is terminated once. */
static inline void put(sp__buf *b, const char *p, size_t n)
{
    if (b->len + n < b->cap) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
    } else {
        sp__buf_append(b, p, n);
    }
}
#define LIT(b, s) put((b), (s), sizeof(s) - 1)

/* Appends v encoded by jansson (a scalar: JSON_ENCODE_ANY). */
static void put_json(sp__buf *b, json_t *v)
{
    char tmp[512];
    if (!v) {
        b->failed = 1;
        return;
    }
    size_t n = json_dumpb(v, tmp, sizeof(tmp), SP__LINE_FLAGS | JSON_ENCODE_ANY);
    if (n && n <= sizeof(tmp)) {
        put(b, tmp, n);
    } else if (n) {
        char *big = json_dumps(v, SP__LINE_FLAGS | JSON_ENCODE_ANY);
        if (big)
            sp__buf_puts(b, big);
        else
            b->failed = 1;
        free(big);
    } else {
        b->failed = 1;
    }
    json_decref(v);
}

static void put_str(sp__buf *b, const char *s)
{
    if (!s) {
        LIT(b, "null");
        return;
    }
    long n = plain_len(s);
    if (n >= 0) {
        LIT(b, "\"");
        put(b, s, (size_t)n);
        LIT(b, "\"");
    } else {
        put_json(b, sp__json_str(s));
    }
}

/* `,"key":` from a literal key. */
#define KEY(b, k) LIT((b), ",\"" k "\":")
#define KSTR(b, k, v) (KEY(b, k), put_str((b), (v)))
#define KINT(b, k, v) (KEY(b, k), put_int((b), (long long)(v)))
#define KBOOL(b, k, v) (KEY(b, k), (v) ? LIT((b), "true") : LIT((b), "false"))
#define KSTRS(b, k, v, n) (KEY(b, k), put_strs((b), (v), (n)))

/* Integers as jansson writes them ("%lld"), without printf's cost. */
static void put_int(sp__buf *b, long long v)
{
    char tmp[24];
    size_t n = 0;
    if (v < 0)
        tmp[n++] = '-';
    n += sp__decimal(tmp + n, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v);
    put(b, tmp, n);
}

static void put_strs(sp__buf *b, const char *const *v, size_t n)
{
    LIT(b, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            LIT(b, ",");
        put_str(b, v[i]);
    }
    LIT(b, "]");
}

static void put_reply(sp__buf *b, const sp_reply *r)
{
    LIT(b, "{\"method\":");
    put_str(b, r->method);
    KINT(b, "status", r->status);
    KSTR(b, "reason", r->reason);
    json_t *rtt = json_real(round(r->rtt_ms * 10) / 10);
    if (rtt) { /* not finite: jansson leaves the member out, and so do we */
        KEY(b, "rtt_ms");
        put_json(b, rtt);
    }
    KINT(b, "bytes", (long long)r->bytes);
    KINT(b, "request_bytes", (long long)r->request_bytes);
    KBOOL(b, "challenged", r->challenged);
    KSTR(b, "realm", r->realm);
    KSTR(b, "algorithm", r->algorithm);
    KSTR(b, "qop", r->qop);
    LIT(b, "}");
}

static void put_tls(sp__buf *b, const sp_tls_info *t)
{
    LIT(b, "{\"version\":");
    put_str(b, t->version);
    KSTR(b, "cipher", t->cipher);
    KSTR(b, "subject", t->subject);
    KSTR(b, "issuer", t->issuer);
    KSTRS(b, "sans", t->sans, t->n_sans);
    KSTR(b, "not_before", t->not_before);
    KSTR(b, "not_after", t->not_after);
    KBOOL(b, "expired", t->expired);
    KBOOL(b, "self_signed", t->self_signed);
    KSTR(b, "key_type", t->key_type);
    KINT(b, "key_bits", t->key_bits);
    KSTR(b, "sha256", t->sha256);
    LIT(b, "}");
}

static void put_fingerprint(sp__buf *b, const sp_fingerprint *f)
{
    LIT(b, "{\"vendor\":");
    put_str(b, f->vendor);
    KSTR(b, "product", f->product);
    KSTR(b, "version", f->version);
    KSTR(b, "type", f->type);
    KSTR(b, "cpe", f->cpe);
    KSTR(b, "rule", f->rule);
    LIT(b, "}");
}

static void put_enumeration(sp__buf *b, const sp_enumeration *en)
{
    LIT(b, "{\"baseline_user\":");
    put_str(b, en->baseline_user);
    KEY(b, "baseline_status");
    if (en->baseline_status)
        put_int(b, en->baseline_status);
    else
        LIT(b, "null");
    KSTR(b, "baseline_reason", en->baseline_status ? en->baseline_reason : NULL);
    KINT(b, "tried", (long long)en->total);
    KINT(b, "answered", (long long)en->answered);
    KBOOL(b, "possible", en->possible);
    KSTRS(b, "extensions", en->extensions, en->n_extensions);
    KSTR(b, "note", en->note);
    LIT(b, "}");
}

static void put_finding(sp__buf *b, const sp_finding *f)
{
    LIT(b, "{\"id\":");
    put_str(b, f->id);
    KSTR(b, "severity", sp_severity_name(f->severity));
    KSTR(b, "title", f->title);
    KSTRS(b, "evidence", f->evidence, f->n_evidence);
    KSTR(b, "remediation", f->remediation);
    if (f->is_new >= 0)
        KBOOL(b, "new", f->is_new);
    LIT(b, "}");
}

char *sp__service_line(const sp_service *svc)
{
    sp__buf b;
    sp__buf_init(&b);
    sp__buf_reserve(&b, 4096); /* a typical line is 2-3 KB */
    LIT(&b, "{\"host\":");
    put_str(&b, svc->host);
    KINT(&b, "port", svc->port);
    KSTR(&b, "transport", sp_transport_name(svc->transport));
    KSTR(&b, "responder", svc->responder);
    KBOOL(&b, "responder_differs", svc->responder_differs);
    KSTR(&b, "role", svc->role);
    KEY(&b, "replies");
    LIT(&b, "[");
    for (size_t i = 0; i < svc->n_replies; i++) {
        if (i)
            LIT(&b, ",");
        put_reply(&b, &svc->replies[i]);
    }
    LIT(&b, "]");
    KSTR(&b, "server", svc->server);
    KSTR(&b, "user_agent", svc->user_agent);
    KSTRS(&b, "allow", svc->allow, svc->n_allow);
    KSTRS(&b, "supported", svc->supported, svc->n_supported);
    KSTRS(&b, "contacts", svc->contacts, svc->n_contacts);
    KSTRS(&b, "vias", svc->vias, svc->n_vias);
    KEY(&b, "tls");
    if (svc->tls)
        put_tls(&b, svc->tls);
    else
        LIT(&b, "null");
    KEY(&b, "fingerprint");
    if (svc->fingerprint)
        put_fingerprint(&b, svc->fingerprint);
    else
        LIT(&b, "null");
    KEY(&b, "enumeration");
    if (svc->enumeration)
        put_enumeration(&b, svc->enumeration);
    else
        LIT(&b, "null");
    KEY(&b, "findings");
    LIT(&b, "[");
    for (size_t i = 0; i < svc->n_findings; i++) {
        if (i)
            LIT(&b, ",");
        put_finding(&b, &svc->findings[i]);
    }
    LIT(&b, "]");
    KSTR(&b, "max_severity",
         svc->max_severity == SP_SEV_NONE ? NULL : sp_severity_name(svc->max_severity));
    LIT(&b, "}");
    if (b.failed) {
        sp__buf_free(&b);
        return NULL;
    }
    b.data[b.len] = '\0'; /* put() leaves room for it, and b.data is set (reserved) */
    return b.data;        /* ownership passes to the caller */
}
