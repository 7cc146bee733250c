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
#include "output.h"

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
        sp__buf_append(b, tmp, n);
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
        sp__buf_puts(b, "null");
        return;
    }
    long n = plain_len(s);
    if (n >= 0) {
        sp__buf_reserve(b, (size_t)n + 2);
        sp__buf_append(b, "\"", 1);
        sp__buf_append(b, s, (size_t)n);
        sp__buf_append(b, "\"", 1);
    } else {
        put_json(b, sp__json_str(s));
    }
}

/* `,"key":` (or without the comma for the first member). */
static void key(sp__buf *b, const char *k, int first)
{
    if (!first)
        sp__buf_append(b, ",", 1);
    sp__buf_append(b, "\"", 1);
    sp__buf_puts(b, k);
    sp__buf_append(b, "\":", 2);
}

static void kstr(sp__buf *b, const char *k, const char *v)
{
    key(b, k, 0);
    put_str(b, v);
}

/* Integers as jansson writes them ("%lld"), without printf's cost. */
static void put_int(sp__buf *b, long long v)
{
    char tmp[24], *p = tmp + sizeof(tmp);
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    sp__buf_append(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void kint(sp__buf *b, const char *k, long long v)
{
    key(b, k, 0);
    put_int(b, v);
}

static void kbool(sp__buf *b, const char *k, int v)
{
    key(b, k, 0);
    sp__buf_puts(b, v ? "true" : "false");
}

static void kstrs(sp__buf *b, const char *k, const char *const *v, size_t n)
{
    key(b, k, 0);
    sp__buf_append(b, "[", 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            sp__buf_append(b, ",", 1);
        put_str(b, v[i]);
    }
    sp__buf_append(b, "]", 1);
}

static void put_reply(sp__buf *b, const sp_reply *r)
{
    sp__buf_puts(b, "{\"method\":");
    put_str(b, r->method);
    kint(b, "status", r->status);
    kstr(b, "reason", r->reason);
    json_t *rtt = json_real(round(r->rtt_ms * 10) / 10);
    if (rtt) { /* not finite: jansson leaves the member out, and so do we */
        key(b, "rtt_ms", 0);
        put_json(b, rtt);
    }
    kint(b, "bytes", (long long)r->bytes);
    kint(b, "request_bytes", (long long)r->request_bytes);
    kbool(b, "challenged", r->challenged);
    kstr(b, "realm", r->realm);
    kstr(b, "algorithm", r->algorithm);
    kstr(b, "qop", r->qop);
    sp__buf_append(b, "}", 1);
}

static void put_tls(sp__buf *b, const sp_tls_info *t)
{
    sp__buf_puts(b, "{\"version\":");
    put_str(b, t->version);
    kstr(b, "cipher", t->cipher);
    kstr(b, "subject", t->subject);
    kstr(b, "issuer", t->issuer);
    kstrs(b, "sans", t->sans, t->n_sans);
    kstr(b, "not_before", t->not_before);
    kstr(b, "not_after", t->not_after);
    kbool(b, "expired", t->expired);
    kbool(b, "self_signed", t->self_signed);
    kstr(b, "key_type", t->key_type);
    kint(b, "key_bits", t->key_bits);
    kstr(b, "sha256", t->sha256);
    sp__buf_append(b, "}", 1);
}

static void put_fingerprint(sp__buf *b, const sp_fingerprint *f)
{
    sp__buf_puts(b, "{\"vendor\":");
    put_str(b, f->vendor);
    kstr(b, "product", f->product);
    kstr(b, "version", f->version);
    kstr(b, "type", f->type);
    kstr(b, "cpe", f->cpe);
    kstr(b, "rule", f->rule);
    sp__buf_append(b, "}", 1);
}

static void put_enumeration(sp__buf *b, const sp_enumeration *en)
{
    sp__buf_puts(b, "{\"baseline_user\":");
    put_str(b, en->baseline_user);
    key(b, "baseline_status", 0);
    if (en->baseline_status)
        put_int(b, en->baseline_status);
    else
        sp__buf_puts(b, "null");
    kstr(b, "baseline_reason", en->baseline_status ? en->baseline_reason : NULL);
    kint(b, "tried", (long long)en->total);
    kint(b, "answered", (long long)en->answered);
    kbool(b, "possible", en->possible);
    kstrs(b, "extensions", en->extensions, en->n_extensions);
    kstr(b, "note", en->note);
    sp__buf_append(b, "}", 1);
}

static void put_finding(sp__buf *b, const sp_finding *f)
{
    sp__buf_puts(b, "{\"id\":");
    put_str(b, f->id);
    kstr(b, "severity", sp_severity_name(f->severity));
    kstr(b, "title", f->title);
    kstrs(b, "evidence", f->evidence, f->n_evidence);
    kstr(b, "remediation", f->remediation);
    if (f->is_new >= 0)
        kbool(b, "new", f->is_new);
    sp__buf_append(b, "}", 1);
}

char *sp__service_line(const sp_service *svc)
{
    sp__buf b;
    sp__buf_init(&b);
    sp__buf_reserve(&b, 4096); /* a typical line is 2-3 KB */
    sp__buf_puts(&b, "{\"host\":");
    put_str(&b, svc->host);
    kint(&b, "port", svc->port);
    kstr(&b, "transport", sp_transport_name(svc->transport));
    kstr(&b, "responder", svc->responder);
    kbool(&b, "responder_differs", svc->responder_differs);
    kstr(&b, "role", svc->role);
    key(&b, "replies", 0);
    sp__buf_append(&b, "[", 1);
    for (size_t i = 0; i < svc->n_replies; i++) {
        if (i)
            sp__buf_append(&b, ",", 1);
        put_reply(&b, &svc->replies[i]);
    }
    sp__buf_append(&b, "]", 1);
    kstr(&b, "server", svc->server);
    kstr(&b, "user_agent", svc->user_agent);
    kstrs(&b, "allow", svc->allow, svc->n_allow);
    kstrs(&b, "supported", svc->supported, svc->n_supported);
    kstrs(&b, "contacts", svc->contacts, svc->n_contacts);
    kstrs(&b, "vias", svc->vias, svc->n_vias);
    key(&b, "tls", 0);
    if (svc->tls)
        put_tls(&b, svc->tls);
    else
        sp__buf_puts(&b, "null");
    key(&b, "fingerprint", 0);
    if (svc->fingerprint)
        put_fingerprint(&b, svc->fingerprint);
    else
        sp__buf_puts(&b, "null");
    key(&b, "enumeration", 0);
    if (svc->enumeration)
        put_enumeration(&b, svc->enumeration);
    else
        sp__buf_puts(&b, "null");
    key(&b, "findings", 0);
    sp__buf_append(&b, "[", 1);
    for (size_t i = 0; i < svc->n_findings; i++) {
        if (i)
            sp__buf_append(&b, ",", 1);
        put_finding(&b, &svc->findings[i]);
    }
    sp__buf_append(&b, "]", 1);
    kstr(&b, "max_severity",
         svc->max_severity == SP_SEV_NONE ? NULL : sp_severity_name(svc->max_severity));
    sp__buf_append(&b, "}", 1);
    if (b.failed) {
        sp__buf_free(&b);
        return NULL;
    }
    sp__buf_cstr(&b);
    return b.data; /* ownership passes to the caller */
}
