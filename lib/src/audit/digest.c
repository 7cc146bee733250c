#include "audit/digest.h"

#include "common/util.h"
#include "sip/header.h"

#include <openssl/evp.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- auth-param lists: name=token or name="quoted string" ---- */

typedef struct param_reader {
    const char *p, *end;
} param_reader;

/* After the scheme: 1 when value starts with "Digest" and a space. */
static int digest_scheme(const char *value, size_t len, param_reader *r)
{
    size_t n = len;
    const char *v = sp__trim(value, &n);
    if (n < 7 || strncasecmp(v, "Digest", 6) != 0 || !isspace((unsigned char)v[6]))
        return 0;
    r->p = v + 7;
    r->end = v + n;
    return 1;
}

/* The next name and value (unquoted, backslash escapes undone, into val).
 * Returns 1, 0 at the end, -1 for a malformed list or a value longer than
 * valcap - 1. */
static int param_next(param_reader *r, char *name, size_t namecap, char *val, size_t valcap)
{
    while (r->p < r->end && (isspace((unsigned char)*r->p) || *r->p == ','))
        r->p++;
    if (r->p >= r->end)
        return 0;
    size_t n = 0;
    while (r->p < r->end && *r->p != '=' && !isspace((unsigned char)*r->p) && *r->p != ',') {
        if (n + 1 >= namecap)
            return -1;
        name[n++] = (char)tolower((unsigned char)*r->p++);
    }
    name[n] = '\0';
    while (r->p < r->end && isspace((unsigned char)*r->p))
        r->p++;
    if (n == 0 || r->p >= r->end || *r->p != '=')
        return -1;
    r->p++;
    while (r->p < r->end && isspace((unsigned char)*r->p))
        r->p++;
    size_t m = 0;
    if (r->p < r->end && *r->p == '"') {
        r->p++;
        for (;;) {
            if (r->p >= r->end)
                return -1; /* unterminated */
            char ch = *r->p++;
            if (ch == '"')
                break;
            if (ch == '\\' && r->p < r->end)
                ch = *r->p++;
            if (m + 1 >= valcap)
                return -1;
            val[m++] = ch;
        }
    } else {
        while (r->p < r->end && *r->p != ',' && !isspace((unsigned char)*r->p)) {
            if (m + 1 >= valcap)
                return -1;
            val[m++] = *r->p++;
        }
    }
    val[m] = '\0';
    return 1;
}

/* "MD5", "SHA-256-sess", ...: 0 and the algorithm, or -1 when unknown. */
static int algorithm_parse(const char *name, sp__digest_alg *alg, int *sess)
{
    size_t n = strlen(name);
    *sess = n > 5 && strcasecmp(name + n - 5, "-sess") == 0;
    if (*sess)
        n -= 5;
    if (n == 0 || (n == 3 && strncasecmp(name, "MD5", 3) == 0))
        *alg = SP__DIGEST_MD5;
    else if (n == 7 && strncasecmp(name, "SHA-256", 7) == 0)
        *alg = SP__DIGEST_SHA256;
    else if (n == 11 && strncasecmp(name, "SHA-512-256", 11) == 0)
        *alg = SP__DIGEST_SHA512_256;
    else
        return -1;
    return 0;
}

static int copy_field(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

int sp__challenge_parse(const char *value, size_t len, sp__challenge *c)
{
    param_reader r;
    memset(c, 0, sizeof(*c));
    if (!digest_scheme(value, len, &r))
        return -1;
    char name[32], val[512];
    int got, have_nonce = 0;
    while ((got = param_next(&r, name, sizeof(name), val, sizeof(val))) == 1) {
        int bad = 0;
        if (!strcmp(name, "realm"))
            bad = copy_field(c->realm, sizeof(c->realm), val);
        else if (!strcmp(name, "nonce")) {
            bad = copy_field(c->nonce, sizeof(c->nonce), val);
            have_nonce = 1;
        } else if (!strcmp(name, "opaque"))
            bad = copy_field(c->opaque, sizeof(c->opaque), val);
        else if (!strcmp(name, "algorithm"))
            bad = copy_field(c->algorithm, sizeof(c->algorithm), val);
        else if (!strcmp(name, "stale"))
            c->stale = strcasecmp(val, "true") == 0;
        else if (!strcmp(name, "qop")) {
            /* A comma-separated list inside the quotes. */
            char *save = NULL;
            for (char *tok = strtok_r(val, ", \t", &save); tok;
                 tok = strtok_r(NULL, ", \t", &save)) {
                if (!strcasecmp(tok, "auth"))
                    c->qop_auth = 1;
                else if (!strcasecmp(tok, "auth-int"))
                    c->qop_auth_int = 1;
            }
        }
        if (bad)
            return -1;
    }
    if (got < 0 || !have_nonce || algorithm_parse(c->algorithm, &c->alg, &c->sess) != 0)
        return -1;
    return 0;
}

static int strength(const sp__challenge *c)
{
    return c->alg == SP__DIGEST_SHA512_256 ? 3 : c->alg == SP__DIGEST_SHA256 ? 2 : 1;
}

int sp__challenge_from_response(const char *msg, size_t len, sp__challenge *c)
{
    size_t pos = 0;
    sp__sip_header h;
    int found = 0;
    while (sp__sip_header_next(msg, len, &pos, &h)) {
        int www = sp__sip_header_name_is(h.name, h.name_len, "WWW-Authenticate");
        int proxy = sp__sip_header_name_is(h.name, h.name_len, "Proxy-Authenticate");
        if (!www && !proxy)
            continue;
        sp__challenge one;
        if (sp__challenge_parse(h.value, h.value_len, &one) != 0)
            continue;
        one.proxy = proxy;
        if (!found || strength(&one) > strength(c))
            *c = one;
        found = 1;
    }
    return found ? 0 : -1;
}

void sp__challenge_kind(const sp__challenge *c, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s/%s%s", c->realm, c->algorithm[0] ? c->algorithm : "MD5",
             c->qop_auth ? "auth" : "", c->qop_auth_int ? "+auth-int" : "");
}

/* ---- hashing ---- */

static const EVP_MD *md_of(sp__digest_alg alg)
{
    switch (alg) {
    case SP__DIGEST_SHA256:
        return EVP_sha256();
    case SP__DIGEST_SHA512_256:
        return EVP_sha512_256();
    default:
        return EVP_md5();
    }
}

/* H(parts joined with ':') in lower-case hex into out (at least 129 bytes). */
static int hash_hex(sp__digest_alg alg, const char *const *parts, size_t n, char *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, md_of(alg), NULL);
    for (size_t i = 0; ok && i < n; i++) {
        if (i)
            ok = EVP_DigestUpdate(ctx, ":", 1);
        if (ok)
            ok = EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]));
    }
    if (ok)
        ok = EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return -1;
    for (unsigned i = 0; i < mdlen; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    out[2 * mdlen] = '\0';
    return 0;
}

size_t sp__digest_response(sp__digest_alg alg, int sess, const char *user, const char *realm,
                           const char *password, const char *method, const char *uri,
                           const char *nonce, const char *cnonce, const char *nc, const char *qop,
                           const char *body, char *out, size_t cap)
{
    char ha1[129], ha2[129], bodyh[129], resp[129];
    const char *a1[] = {user, realm, password};
    if (hash_hex(alg, a1, 3, ha1) != 0)
        return 0;
    if (sess) {
        const char *s1[] = {ha1, nonce, cnonce};
        char tmp[129];
        if (hash_hex(alg, s1, 3, tmp) != 0)
            return 0;
        memcpy(ha1, tmp, sizeof(ha1));
    }
    int auth_int = !strcasecmp(qop, "auth-int");
    if (auth_int) {
        const char *b[] = {body ? body : ""};
        if (hash_hex(alg, b, 1, bodyh) != 0)
            return 0;
    }
    const char *a2[] = {method, uri, bodyh};
    if (hash_hex(alg, a2, auth_int ? 3 : 2, ha2) != 0)
        return 0;
    int rc;
    if (qop[0]) {
        const char *r[] = {ha1, nonce, nc, cnonce, qop, ha2};
        rc = hash_hex(alg, r, 6, resp);
    } else {
        const char *r[] = {ha1, nonce, ha2};
        rc = hash_hex(alg, r, 3, resp);
    }
    size_t n = strlen(resp);
    if (rc != 0 || n + 1 > cap)
        return 0;
    memcpy(out, resp, n + 1);
    return n;
}

/* Appends a quoted-string value, escaping '"' and '\\' (values we echo
 * come from the server and may hold them). */
static void put_quoted(sp__buf *b, const char *name, const char *v)
{
    sp__buf_printf(b, ", %s=\"", name);
    for (const char *p = v; *p; p++) {
        if (*p == '"' || *p == '\\')
            sp__buf_append(b, "\\", 1);
        sp__buf_append(b, p, 1);
    }
    sp__buf_append(b, "\"", 1);
}

size_t sp__authorization_build(const sp__challenge *c, const char *user, const char *password,
                               const char *method, const char *uri, const char *cnonce, uint32_t nc,
                               char *out, size_t cap)
{
    const char *qop = c->qop_auth ? "auth" : c->qop_auth_int ? "auth-int" : "";
    char ncs[16], resp[132];
    snprintf(ncs, sizeof(ncs), "%08x", nc);
    if (!sp__digest_response(c->alg, c->sess, user, c->realm, password, method, uri, c->nonce,
                             cnonce, ncs, qop, "", resp, sizeof(resp)))
        return 0;
    sp__buf b;
    sp__buf_init(&b);
    sp__buf_puts(&b, "Digest username=\"");
    for (const char *p = user; *p; p++) {
        if (*p == '"' || *p == '\\')
            sp__buf_append(&b, "\\", 1);
        sp__buf_append(&b, p, 1);
    }
    sp__buf_append(&b, "\"", 1);
    put_quoted(&b, "realm", c->realm);
    put_quoted(&b, "nonce", c->nonce);
    put_quoted(&b, "uri", uri);
    put_quoted(&b, "response", resp);
    if (c->algorithm[0])
        sp__buf_printf(&b, ", algorithm=%s", c->algorithm);
    if (c->opaque[0])
        put_quoted(&b, "opaque", c->opaque);
    if (qop[0]) {
        sp__buf_printf(&b, ", qop=%s, nc=%s", qop, ncs);
        put_quoted(&b, "cnonce", cnonce);
    } else if (c->sess) {
        put_quoted(&b, "cnonce", cnonce); /* -sess hashes it in even without qop */
    }
    size_t n = b.failed ? 0 : b.len;
    if (n == 0 || n + 1 > cap)
        n = 0;
    else
        memcpy(out, sp__buf_cstr(&b), n + 1);
    sp__buf_free(&b);
    return n;
}

int sp__credentials_parse(const char *value, size_t len, const char *method, sp__credentials *cr)
{
    param_reader r;
    memset(cr, 0, sizeof(*cr));
    if (!digest_scheme(value, len, &r) || copy_field(cr->method, sizeof(cr->method), method))
        return -1;
    char name[32], val[512];
    int got;
    while ((got = param_next(&r, name, sizeof(name), val, sizeof(val))) == 1) {
        struct {
            const char *name;
            char *dst;
            size_t cap;
        } fields[] = {
            {"username", cr->user, sizeof(cr->user)},
            {"realm", cr->realm, sizeof(cr->realm)},
            {"nonce", cr->nonce, sizeof(cr->nonce)},
            {"uri", cr->uri, sizeof(cr->uri)},
            {"response", cr->response, sizeof(cr->response)},
            {"cnonce", cr->cnonce, sizeof(cr->cnonce)},
            {"nc", cr->nc, sizeof(cr->nc)},
            {"qop", cr->qop, sizeof(cr->qop)},
            {"algorithm", cr->algorithm, sizeof(cr->algorithm)},
        };
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
            if (!strcmp(name, fields[i].name) && copy_field(fields[i].dst, fields[i].cap, val))
                return -1;
    }
    if (got < 0 || !cr->user[0] || !cr->nonce[0] || !cr->response[0] || !cr->uri[0] ||
        algorithm_parse(cr->algorithm, &cr->alg, &cr->sess) != 0)
        return -1;
    if (cr->qop[0] && strcasecmp(cr->qop, "auth") != 0)
        return -1; /* auth-int needs the body, which the answer alone does not give */
    for (char *p = cr->response; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return 0;
}

int sp__credentials_match(const sp__credentials *cr, const char *password)
{
    char resp[132];
    return sp__digest_response(cr->alg, cr->sess, cr->user, cr->realm, password, cr->method,
                               cr->uri, cr->nonce, cr->cnonce, cr->nc, cr->qop, "", resp,
                               sizeof(resp)) &&
           strcmp(resp, cr->response) == 0;
}
