/* The JSON form of one service: tree, line and reader (service_json.h).
 *
 * The line: the scan's hot path when every target answers. Building the
 * jansson tree and dumping it cost about 60 % of the work per reply, almost
 * all of it jansson walking every byte of strings that need no escaping.
 * The line writer emits the same bytes as json_dumps(sp__service_json(svc))
 * with SP__LINE_FLAGS, faster: the structure (keys are our own ASCII names)
 * comes from code, a string of printable ASCII with no quote or backslash is
 * copied as it is (every JSON encoder writes those verbatim), and every
 * other string, and every real number, is encoded by jansson. The unit
 * tests and the fuzz_reply target check that both forms are identical.
 * All strings go through jansson after UTF-8 repair, never by hand. */
#include "output/service_json.h"

#include "common/util.h"
#include "probe/probe.h"
#include "targets/addr.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The tree ---- */

json_t *sp__json_str(const char *s)
{
    if (!s)
        return json_null();
    if (sp__utf8_valid(s))
        return json_stringn_nocheck(s, strlen(s)); /* validated just now */
    sp__buf b;
    sp__buf_init(&b);
    sp__buf_utf8(&b, s);
    json_t *j = json_string(sp__buf_cstr(&b));
    sp__buf_free(&b);
    return j ? j : json_string("");
}

json_t *sp__json_strs(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, sp__json_str(v[i]));
    return a;
}

static json_t *reply_json(const sp_reply *r)
{
    json_t *jr = json_object();
    json_object_set_new(jr, "method", sp__json_str(r->method));
    json_object_set_new(jr, "status", json_integer(r->status));
    json_object_set_new(jr, "reason", sp__json_str(r->reason));
    json_object_set_new(jr, "rtt_ms", json_real(round(r->rtt_ms * 10) / 10));
    json_object_set_new(jr, "bytes", json_integer((json_int_t)r->bytes));
    json_object_set_new(jr, "request_bytes", json_integer((json_int_t)r->request_bytes));
    json_object_set_new(jr, "challenged", json_boolean(r->challenged));
    json_object_set_new(jr, "realm", sp__json_str(r->realm));
    json_object_set_new(jr, "algorithm", sp__json_str(r->algorithm));
    json_object_set_new(jr, "qop", sp__json_str(r->qop));
    return jr;
}

static json_t *tls_json(const sp_tls_info *t)
{
    json_t *jt = json_object();
    json_object_set_new(jt, "version", sp__json_str(t->version));
    json_object_set_new(jt, "cipher", sp__json_str(t->cipher));
    json_object_set_new(jt, "subject", sp__json_str(t->subject));
    json_object_set_new(jt, "issuer", sp__json_str(t->issuer));
    json_object_set_new(jt, "sans", sp__json_strs(t->sans, t->n_sans));
    json_object_set_new(jt, "not_before", sp__json_str(t->not_before));
    json_object_set_new(jt, "not_after", sp__json_str(t->not_after));
    json_object_set_new(jt, "expired", json_boolean(t->expired));
    json_object_set_new(jt, "self_signed", json_boolean(t->self_signed));
    json_object_set_new(jt, "key_type", sp__json_str(t->key_type));
    json_object_set_new(jt, "key_bits", json_integer(t->key_bits));
    json_object_set_new(jt, "sha256", sp__json_str(t->sha256));
    return jt;
}

static json_t *fingerprint_json(const sp_fingerprint *f)
{
    json_t *jf = json_object();
    json_object_set_new(jf, "vendor", sp__json_str(f->vendor));
    json_object_set_new(jf, "product", sp__json_str(f->product));
    json_object_set_new(jf, "version", sp__json_str(f->version));
    json_object_set_new(jf, "type", sp__json_str(f->type));
    json_object_set_new(jf, "cpe", sp__json_str(f->cpe));
    json_object_set_new(jf, "rule", sp__json_str(f->rule));
    return jf;
}

static json_t *enumeration_json(const sp_enumeration *en)
{
    json_t *je = json_object();
    json_object_set_new(je, "baseline_user", sp__json_str(en->baseline_user));
    json_object_set_new(je, "baseline_status",
                        en->baseline_status ? json_integer(en->baseline_status) : json_null());
    json_object_set_new(je, "baseline_reason",
                        en->baseline_status ? sp__json_str(en->baseline_reason) : json_null());
    json_object_set_new(je, "tried", json_integer(en->total));
    json_object_set_new(je, "answered", json_integer(en->answered));
    json_object_set_new(je, "possible", json_boolean(en->possible));
    json_object_set_new(je, "extensions", sp__json_strs(en->extensions, en->n_extensions));
    json_object_set_new(je, "note", sp__json_str(en->note));
    return je;
}

static json_t *audit_json(const sp_audit *a)
{
    json_t *ja = json_object();
    json_object_set_new(ja, "passwords_audited", json_boolean(a->passwords_audited));
    json_object_set_new(ja, "extensions", json_integer(a->extensions));
    json_object_set_new(ja, "attempts", json_integer(a->attempts));
    json_t *weak = json_array();
    for (size_t i = 0; i < a->n_weak; i++) {
        json_t *w = json_object();
        json_object_set_new(w, "extension", sp__json_str(a->weak[i].extension));
        json_object_set_new(w, "kind", sp__json_str(a->weak[i].kind));
        json_object_set_new(w, "algorithm", sp__json_str(a->weak[i].algorithm));
        if (a->weak[i].password) /* only with --show-passwords */
            json_object_set_new(w, "password", sp__json_str(a->weak[i].password));
        json_array_append_new(weak, w);
    }
    json_object_set_new(ja, "weak", weak);
    json_object_set_new(ja, "protection", json_boolean(a->protection));
    json_object_set_new(ja, "protection_note", sp__json_str(a->protection_note));
    json_object_set_new(ja, "note", sp__json_str(a->note));
    json_object_set_new(ja, "invite_checked", json_boolean(a->invite_checked));
    json_object_set_new(ja, "invite_status",
                        a->invite_status ? json_integer(a->invite_status) : json_null());
    json_object_set_new(ja, "invite_result", sp__json_str(a->invite_result));
    json_object_set_new(ja, "invite_note", sp__json_str(a->invite_note));
    return ja;
}

static json_t *finding_json(const sp_finding *f)
{
    json_t *jf = json_object();
    json_object_set_new(jf, "id", sp__json_str(f->id));
    json_object_set_new(jf, "severity", json_string(sp_severity_name(f->severity)));
    json_object_set_new(jf, "title", sp__json_str(f->title));
    json_object_set_new(jf, "evidence", sp__json_strs(f->evidence, f->n_evidence));
    json_object_set_new(jf, "remediation", sp__json_str(f->remediation));
    if (f->is_new >= 0)
        json_object_set_new(jf, "new", json_boolean(f->is_new));
    if (f->accepted)
        json_object_set_new(jf, "accepted", sp__json_str(f->accepted));
    return jf;
}

/* A seed as results have always shown it: jansson integers are signed. */
#define SEED_JSON(seed) ((json_int_t)((seed)&0x7fffffffffffffffULL))

static json_t *observation_json(const sp_observation *o)
{
    json_t *jo = json_object();
    json_object_set_new(jo, "scan", sp__json_str(o->scan_id));
    json_object_set_new(jo, "vantage", sp__json_str(o->vantage));
    json_object_set_new(jo, "seen", sp__json_str(o->seen));
    json_object_set_new(jo, "started", sp__json_str(o->started));
    json_object_set_new(jo, "shard", sp__json_str(o->shard));
    json_object_set_new(jo, "seed", json_integer(SEED_JSON(o->seed)));
    json_object_set_new(jo, "targets", sp__json_str(o->targets_id));
    json_object_set_new(jo, "version", sp__json_str(o->version));
    json_object_set_new(jo, "format", json_integer(SP__RESULT_FORMAT));
    json_object_set_new(jo, "answer", sp__json_str(o->answer));
    return jo;
}

json_t *sp__service_json(const sp_service *svc)
{
    json_t *o = json_object();
    json_object_set_new(o, "host", sp__json_str(svc->host));
    json_object_set_new(o, "port", json_integer(svc->port));
    json_object_set_new(o, "transport", json_string(sp_transport_name(svc->transport)));
    json_object_set_new(o, "responder", sp__json_str(svc->responder));
    json_object_set_new(o, "responder_differs", json_boolean(svc->responder_differs));
    json_object_set_new(o, "role", sp__json_str(svc->role));
    if (svc->n_dns) /* only for services a domain target found */
        json_object_set_new(o, "dns", sp__json_strs(svc->dns, svc->n_dns));
    if (svc->websocket) { /* only for ws and wss */
        json_t *w = json_object();
        json_object_set_new(w, "path", sp__json_str(svc->websocket->path));
        json_object_set_new(w, "status", json_integer(svc->websocket->status));
        json_object_set_new(w, "server", sp__json_str(svc->websocket->server));
        json_object_set_new(o, "websocket", w);
    }
    json_t *replies = json_array();
    for (size_t i = 0; i < svc->n_replies; i++)
        json_array_append_new(replies, reply_json(&svc->replies[i]));
    json_object_set_new(o, "replies", replies);
    json_object_set_new(o, "server", sp__json_str(svc->server));
    json_object_set_new(o, "user_agent", sp__json_str(svc->user_agent));
    json_object_set_new(o, "allow", sp__json_strs(svc->allow, svc->n_allow));
    json_object_set_new(o, "supported", sp__json_strs(svc->supported, svc->n_supported));
    json_object_set_new(o, "contacts", sp__json_strs(svc->contacts, svc->n_contacts));
    json_object_set_new(o, "vias", sp__json_strs(svc->vias, svc->n_vias));
    json_object_set_new(o, "tls", svc->tls ? tls_json(svc->tls) : json_null());
    json_object_set_new(o, "fingerprint",
                        svc->fingerprint ? fingerprint_json(svc->fingerprint) : json_null());
    json_object_set_new(o, "enumeration",
                        svc->enumeration ? enumeration_json(svc->enumeration) : json_null());
    if (svc->audit)
        json_object_set_new(o, "audit", audit_json(svc->audit));
    json_t *findings = json_array();
    for (size_t i = 0; i < svc->n_findings; i++)
        json_array_append_new(findings, finding_json(&svc->findings[i]));
    json_object_set_new(o, "findings", findings);
    json_object_set_new(o, "max_severity",
                        svc->max_severity == SP_SEV_NONE
                            ? json_null()
                            : json_string(sp_severity_name(svc->max_severity)));
    if (svc->n_observations) { /* a record built by hand has none, and no key */
        json_t *obs = json_array();
        for (size_t i = 0; i < svc->n_observations; i++)
            json_array_append_new(obs, observation_json(&svc->observations[i]));
        json_object_set_new(o, "observations", obs);
    }
    return o;
}

/* ---- The line ---- */

/* The length of s if it is made only of bytes that jansson writes
 * verbatim too (printable ASCII but the quote and the backslash), else -1.
 * Most of a line's bytes pass through here (advisory evidence), so it tests
 * eight bytes at a time; strlen first, so that no load reads past the NUL. */
static long plain_len(const char *s)
{
    /* 0x20-0x7e without '"' (0x22) and '\\' (0x5c). */
    static const unsigned char verbatim[256] = {
        [0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1};
    const uint64_t ones = 0x0101010101010101ULL, highs = ones * 0x80;
    size_t n = strlen(s), i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        /* Per byte, on its low seven bits x (no sum carries into the next
         * byte): x + 1 reaches 0x80 when x is 0x7f; x + 0x60 stays below
         * 0x80 when x < 0x20; x ^ c + 0x7f stays below 0x80 when x == c. */
        uint64_t x = w & ~highs;
        uint64_t bad = w | (x + ones) | ~(x + ones * 0x60) | ~((x ^ (ones * '"')) + ones * 0x7f) |
                       ~((x ^ (ones * '\\')) + ones * 0x7f);
        if (bad & highs)
            break; /* the byte loop below finds which, and says no */
    }
    for (; i < n; i++)
        if (!verbatim[(unsigned char)s[i]])
            return -1;
    return (long)n;
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

static void put_audit(sp__buf *b, const sp_audit *a)
{
    LIT(b, "{\"passwords_audited\":");
    a->passwords_audited ? LIT(b, "true") : LIT(b, "false");
    KINT(b, "extensions", a->extensions);
    KINT(b, "attempts", a->attempts);
    KEY(b, "weak");
    LIT(b, "[");
    for (size_t i = 0; i < a->n_weak; i++) {
        if (i)
            LIT(b, ",");
        LIT(b, "{\"extension\":");
        put_str(b, a->weak[i].extension);
        KSTR(b, "kind", a->weak[i].kind);
        KSTR(b, "algorithm", a->weak[i].algorithm);
        if (a->weak[i].password)
            KSTR(b, "password", a->weak[i].password);
        LIT(b, "}");
    }
    LIT(b, "]");
    KBOOL(b, "protection", a->protection);
    KSTR(b, "protection_note", a->protection_note);
    KSTR(b, "note", a->note);
    KBOOL(b, "invite_checked", a->invite_checked);
    KEY(b, "invite_status");
    if (a->invite_status)
        put_int(b, a->invite_status);
    else
        LIT(b, "null");
    KSTR(b, "invite_result", a->invite_result);
    KSTR(b, "invite_note", a->invite_note);
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
    if (f->accepted)
        KSTR(b, "accepted", f->accepted);
    LIT(b, "}");
}

static void put_observation(sp__buf *b, const sp_observation *o)
{
    LIT(b, "{\"scan\":");
    put_str(b, o->scan_id);
    KSTR(b, "vantage", o->vantage);
    KSTR(b, "seen", o->seen);
    KSTR(b, "started", o->started);
    KSTR(b, "shard", o->shard);
    KINT(b, "seed", SEED_JSON(o->seed));
    KSTR(b, "targets", o->targets_id);
    KSTR(b, "version", o->version);
    KINT(b, "format", SP__RESULT_FORMAT);
    KSTR(b, "answer", o->answer);
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
    if (svc->n_dns)
        KSTRS(&b, "dns", svc->dns, svc->n_dns);
    if (svc->websocket) {
        KEY(&b, "websocket");
        LIT(&b, "{\"path\":");
        put_str(&b, svc->websocket->path);
        KINT(&b, "status", svc->websocket->status);
        KSTR(&b, "server", svc->websocket->server);
        LIT(&b, "}");
    }
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
    if (svc->audit) {
        KEY(&b, "audit");
        put_audit(&b, svc->audit);
    }
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
    if (svc->n_observations) {
        KEY(&b, "observations");
        LIT(&b, "[");
        for (size_t i = 0; i < svc->n_observations; i++) {
            if (i)
                LIT(&b, ",");
            put_observation(&b, &svc->observations[i]);
        }
        LIT(&b, "]");
    }
    LIT(&b, "}");
    if (b.failed) {
        sp__buf_free(&b);
        return NULL;
    }
    b.data[b.len] = '\0'; /* put() leaves room for it, and b.data is set (reserved) */
    return b.data;        /* ownership passes to the caller */
}

/* ---- The reader ---- */

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void str_list(sp__strv *dst, json_t *arr)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (json_is_string(v))
        sp__strv_push(dst, json_string_value(v), strlen(json_string_value(v)));
}

static void read_replies(sp__svc *svc, json_t *arr)
{
    size_t i;
    json_t *jr;
    json_array_foreach(arr, i, jr)
    {
        int idx = sp__probe_find(str(jr, "method") ? str(jr, "method") : "");
        if (idx < 0 || svc->n_replies >= SP__MAX_PROBES)
            continue;
        sp_reply *rep = &svc->replies[svc->n_replies++];
        memset(rep, 0, sizeof(*rep));
        rep->method = sp__probe_get((size_t)idx)->name;
        rep->status = (int)json_integer_value(json_object_get(jr, "status"));
        rep->reason = strdup(str(jr, "reason") ? str(jr, "reason") : "");
        rep->rtt_ms = json_number_value(json_object_get(jr, "rtt_ms"));
        rep->bytes = (size_t)json_integer_value(json_object_get(jr, "bytes"));
        rep->request_bytes = (size_t)json_integer_value(json_object_get(jr, "request_bytes"));
        rep->challenged = json_is_true(json_object_get(jr, "challenged"));
        rep->realm = dup_or_null(str(jr, "realm"));
        rep->algorithm = dup_or_null(str(jr, "algorithm"));
        rep->qop = dup_or_null(str(jr, "qop"));
        svc->seen_mask |= 1u << idx;
        if (rep->status >= 200)
            svc->final_mask |= 1u << idx;
    }
}

static void read_tls(sp__svc *svc, json_t *tls)
{
    sp_tls_info t;
    memset(&t, 0, sizeof(t));
    const char *sans[16];
    t.version = str(tls, "version");
    t.cipher = str(tls, "cipher");
    t.subject = str(tls, "subject");
    t.issuer = str(tls, "issuer");
    t.not_before = str(tls, "not_before");
    t.not_after = str(tls, "not_after");
    t.key_type = str(tls, "key_type");
    t.sha256 = str(tls, "sha256");
    t.expired = json_is_true(json_object_get(tls, "expired"));
    t.self_signed = json_is_true(json_object_get(tls, "self_signed"));
    t.key_bits = (int)json_integer_value(json_object_get(tls, "key_bits"));
    size_t i;
    json_t *js;
    json_array_foreach(json_object_get(tls, "sans"), i, js)
    {
        if (t.n_sans < 16 && json_string_value(js))
            sans[t.n_sans++] = json_string_value(js);
    }
    t.sans = sans;
    svc->tls = sp__tls_cert_new(&t);
}

static void read_fingerprint(sp__svc *svc, json_t *fp)
{
    /* The strings live in svc->owned, in this order. */
    static const char *const keys[] = {"vendor", "product", "type", "rule"};
    const char **dst[] = {&svc->fp.vendor, &svc->fp.product, &svc->fp.type, &svc->fp.rule};
    for (int k = 0; k < 4; k++) {
        const char *v = str(fp, keys[k]);
        if (v && sp__strv_push(&svc->owned, v, strlen(v)) == 0)
            *dst[k] = svc->owned.v[svc->owned.n - 1];
    }
    svc->fp_version = dup_or_null(str(fp, "version"));
    svc->fp_cpe = dup_or_null(str(fp, "cpe"));
    svc->fp.version = svc->fp_version;
    svc->fp.cpe = svc->fp_cpe;
    svc->has_fp = svc->fp.product != NULL;
}

static void read_findings(sp__svc *svc, json_t *arr)
{
    size_t i;
    json_t *jf;
    json_array_foreach(arr, i, jf)
    {
        json_t *ev = json_object_get(jf, "evidence");
        size_t n = json_array_size(ev);
        const char **lines = calloc(n ? n : 1, sizeof(*lines));
        if (!lines)
            continue;
        for (size_t k = 0; k < n; k++)
            lines[k] = json_string_value(json_array_get(ev, k));
        sp__svc_add_finding(svc, str(jf, "id") ? str(jf, "id") : "", lines, n);
        free(lines);
    }
}

static void read_audit(sp__svc *svc, json_t *ja)
{
    sp__svc_audit *a = sp__svc_audit_get(svc);
    if (!a)
        return;
    a->pub.passwords_audited = json_is_true(json_object_get(ja, "passwords_audited"));
    a->pub.extensions = (uint32_t)json_integer_value(json_object_get(ja, "extensions"));
    a->pub.attempts = (uint32_t)json_integer_value(json_object_get(ja, "attempts"));
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(ja, "weak"), i, w)
    {
        sp__svc_audit_add_weak(svc, str(w, "extension"), str(w, "kind"), str(w, "algorithm"),
                               str(w, "password"));
    }
    a->pub.protection = json_is_true(json_object_get(ja, "protection"));
    struct {
        const char *key;
        char *dst;
        size_t cap;
    } strs[] = {{"protection_note", a->protection_note, sizeof(a->protection_note)},
                {"note", a->note, sizeof(a->note)},
                {"invite_result", a->invite_result, sizeof(a->invite_result)},
                {"invite_note", a->invite_note, sizeof(a->invite_note)}};
    for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
        snprintf(strs[k].dst, strs[k].cap, "%s", str(ja, strs[k].key) ? str(ja, strs[k].key) : "");
    a->pub.invite_checked = json_is_true(json_object_get(ja, "invite_checked"));
    a->pub.invite_status = (int)json_integer_value(json_object_get(ja, "invite_status"));
}

static void read_observations(sp__svc *svc, json_t *arr)
{
    size_t i;
    json_t *jo;
    json_array_foreach(arr, i, jo)
    {
        if (!json_is_object(jo))
            continue;
        sp_observation ob = {
            .scan_id = str(jo, "scan"),
            .vantage = str(jo, "vantage"),
            .seen = str(jo, "seen"),
            .started = str(jo, "started"),
            .shard = str(jo, "shard"),
            .seed = (uint64_t)json_integer_value(json_object_get(jo, "seed")),
            .targets_id = str(jo, "targets"),
            .version = str(jo, "version"),
            .answer = str(jo, "answer"),
        };
        sp__svc_add_observation(svc, &ob);
    }
}

int sp__result_format(json_t *o)
{
    int newest = 0;
    size_t i;
    json_t *jo;
    json_array_foreach(json_object_get(o, "observations"), i, jo)
    {
        json_int_t f = json_integer_value(json_object_get(jo, "format"));
        if (f > newest)
            newest = f > 1000000 ? 1000000 : (int)f;
    }
    return newest;
}

sp__svc *sp__service_from_json(json_t *o)
{
    const char *host = str(o, "host");
    sp__addr a;
    if (!host || sp__addr_parse(host, &a) != 0)
        return NULL;
    const char *tname = str(o, "transport");
    uint8_t transport = tname && !strcmp(tname, "tcp")   ? SP_TRANSPORT_TCP
                        : tname && !strcmp(tname, "tls") ? SP_TRANSPORT_TLS
                        : tname && !strcmp(tname, "ws")  ? SP_TRANSPORT_WS
                        : tname && !strcmp(tname, "wss") ? SP_TRANSPORT_WSS
                                                         : SP_TRANSPORT_UDP;
    sp__svc *svc =
        sp__svc_new(&a, (uint16_t)json_integer_value(json_object_get(o, "port")), transport);
    if (!svc)
        return NULL;
    sp__addr r;
    uint16_t rport;
    if (str(o, "responder") && sp__addr_parse_port(str(o, "responder"), &r, &rport) == 0)
        sp__svc_set_responder(svc, &r, rport);
    read_replies(svc, json_object_get(o, "replies"));
    svc->server = dup_or_null(str(o, "server"));
    svc->user_agent = dup_or_null(str(o, "user_agent"));
    str_list(&svc->allow, json_object_get(o, "allow"));
    str_list(&svc->supported, json_object_get(o, "supported"));
    str_list(&svc->contacts, json_object_get(o, "contacts"));
    str_list(&svc->vias, json_object_get(o, "vias"));
    if (str(o, "role"))
        snprintf(svc->role, sizeof(svc->role), "%s", str(o, "role"));
    str_list(&svc->dns, json_object_get(o, "dns"));
    json_t *w = json_object_get(o, "websocket");
    if (json_is_object(w))
        sp__svc_set_websocket(svc, str(w, "path"),
                              (int)json_integer_value(json_object_get(w, "status")),
                              str(w, "server"));
    if (json_is_object(json_object_get(o, "tls")))
        read_tls(svc, json_object_get(o, "tls"));
    if (json_is_object(json_object_get(o, "fingerprint")))
        read_fingerprint(svc, json_object_get(o, "fingerprint"));
    if (json_is_object(json_object_get(o, "audit")))
        read_audit(svc, json_object_get(o, "audit"));
    read_findings(svc, json_object_get(o, "findings"));
    read_observations(svc, json_object_get(o, "observations"));
    sp__svc_publish(svc);
    return svc;
}
