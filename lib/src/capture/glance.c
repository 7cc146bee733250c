#include "capture/glance.h"

#include "sip/header.h"

#include <string.h>
#include <strings.h>

static int is_token(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           strchr("-.!%*_+`'~", c) != NULL;
}

/* Characters libosip2 writes back unchanged in the user part of a URI:
 * with any other the To user could differ from what the parse gives. */
static int is_user_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           strchr("-_.!~*'()&=+$,;?/", c) != NULL;
}

/* full is in lower case; the first letter decides most comparisons. */
static int name_is(const char *n, size_t len, const char *full, char compact)
{
    if (len == 1)
        return (n[0] | 0x20) == compact;
    return (n[0] | 0x20) == full[0] && len == strlen(full) && !strncasecmp(n, full, len);
}

/* The start line. 1 when plain. */
static int start_line(const char *s, size_t n, sp__glance *g)
{
    if (n >= 12 && !memcmp(s, "SIP/2.0 ", 8)) {
        if (s[8] < '1' || s[8] > '6' || s[9] < '0' || s[9] > '9' || s[10] < '0' || s[10] > '9' ||
            s[11] != ' ')
            return 0;
        g->status = (s[8] - '0') * 100 + (s[9] - '0') * 10 + (s[10] - '0');
        return 1;
    }
    if (!memcmp(s, "SIP/", n < 4 ? n : 4))
        return 0;
    size_t i = 0;
    while (i < n && i < 32 && is_token(s[i]))
        i++;
    if (i == 0 || i >= n || s[i] != ' ')
        return 0;
    g->method = (sp__span){s, i};
    const char *uri = s + i + 1, *sp = memchr(uri, ' ', n - i - 1);
    size_t scheme = !strncasecmp(uri, "sip:", 4) ? 4 : !strncasecmp(uri, "sips:", 5) ? 5 : 0;
    if (!sp || !scheme || (size_t)(sp - uri) <= scheme || memchr(uri, '\t', (size_t)(sp - uri)))
        return 0;
    return (size_t)(s + n - sp) == 8 && !memcmp(sp, " SIP/2.0", 8);
}

/* Call-ID "number@host", written back by libosip2 as it stands. */
static int call_id(const char *v, size_t n, sp__glance *g)
{
    if (g->call_id.p || !n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] <= ' ' || v[i] == 0x7f)
            return 0;
    if (v[0] == '@' || v[n - 1] == '@')
        return 0;
    g->call_id = (sp__span){v, n};
    return 1;
}

/* CSeq "number method", one space. */
static int cseq(const char *v, size_t n, sp__glance *g)
{
    if (g->cseq_method.p)
        return 0;
    size_t i = 0;
    long num = 0;
    for (; i < n && i < 9 && v[i] >= '0' && v[i] <= '9'; i++)
        num = num * 10 + (v[i] - '0');
    if (i == 0 || i >= n || v[i] != ' ')
        return 0;
    size_t m = ++i;
    while (i < n && is_token(v[i]))
        i++;
    if (i != n || i == m || n - m > 31)
        return 0;
    g->cseq_number = num;
    g->cseq_method = (sp__span){v + m, n - m};
    return 1;
}

/* The To URI's user, as the inventory takes it from libosip2's copy of
 * the URI: between the scheme's colon and the '@'. */
static int to_header(const char *v, size_t n, sp__glance *g)
{
    if (g->to_user.p)
        return 0;
    const char *uri = v, *end = v + n, *name_end = v;
    if (n && v[0] == '"') { /* a quoted display name, without escapes or brackets */
        const char *q = memchr(v + 1, '"', n - 1);
        if (!q || memchr(v + 1, '\\', (size_t)(q - v - 1)) ||
            memchr(v + 1, '<', (size_t)(q - v - 1)))
            return 0;
        name_end = q + 1;
    }
    if (memchr(name_end, '"', (size_t)(v + n - name_end)))
        return 0;
    const char *lt = memchr(name_end, '<', (size_t)(v + n - name_end));
    if (name_end != v && !lt)
        return 0;
    if (lt) {
        uri = lt + 1;
        end = memchr(uri, '>', (size_t)(v + n - uri));
        if (!end)
            return 0;
    } else {
        const char *semi = memchr(v, ';', n);
        end = semi ? semi : v + n;
        if (memchr(v, ' ', (size_t)(end - v)) || memchr(v, '\t', (size_t)(end - v)))
            return 0;
    }
    for (const char *p = v; p + 3 <= v + n; p++)
        if (!strncasecmp(p, "tag", 3))
            g->has_to_tag = 1;
    const char *colon = memchr(uri, ':', (size_t)(end - uri));
    const char *at = memchr(uri, '@', (size_t)(end - uri));
    g->to_user = (sp__span){uri, 0};
    if (!colon || !at || at < colon)
        return 1;
    for (const char *p = colon + 1; p < at; p++)
        if (!is_user_char(*p))
            return 0;
    g->to_user = (sp__span){colon + 1, (size_t)(at - colon - 1)};
    return 1;
}

/* The username of digest credentials: username="x" at the start of a
 * parameter, once, quoted, without escapes. */
static int digest_user(const char *v, size_t n, sp__span *user)
{
    *user = (sp__span){NULL, 0};
    if (n < 7 || strncasecmp(v, "Digest ", 7))
        return 0;
    int quoted = 0, found = 0;
    for (size_t i = 6; i < n; i++) {
        if (v[i] == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted || (v[i] != ' ' && v[i] != ','))
            continue;
        size_t k = i + 1;
        while (k < n && (v[k] == ' ' || v[k] == ','))
            k++;
        if (k + 9 > n || strncasecmp(v + k, "username", 8))
            continue;
        if (v[k + 8] != '=' || found || k + 9 >= n || v[k + 9] != '"')
            return 0;
        const char *q = memchr(v + k + 10, '"', n - k - 10);
        if (!q || memchr(v + k + 10, '\\', (size_t)(q - v - k - 10)))
            return 0;
        *user = (sp__span){v + k + 10, (size_t)(q - v - k - 10)};
        found = 1;
        i = (size_t)(q - v);
    }
    return !quoted;
}

/* One header line, name and trimmed value. 1 while the message is plain. */
static int header(const char *name, size_t nlen, const char *v, size_t vlen, sp__glance *g,
                  sp__span *auth, sp__span *proxy_auth, long *clen, int *ctype)
{
    if (name_is(name, nlen, "call-id", 'i'))
        return call_id(v, vlen, g);
    if (name_is(name, nlen, "cseq", 0))
        return cseq(v, vlen, g);
    if (name_is(name, nlen, "to", 't'))
        return to_header(v, vlen, g);
    if (name_is(name, nlen, "user-agent", 0)) {
        if (!g->user_agent.p)
            g->user_agent = (sp__span){v, vlen};
        return vlen > 0;
    }
    if (name_is(name, nlen, "server", 0))
        g->has_server = 1;
    else if (name_is(name, nlen, "authorization", 0) ||
             name_is(name, nlen, "proxy-authorization", 0)) {
        sp__span *slot = (nlen == 13) ? auth : proxy_auth;
        g->authorized = 1;
        if (!slot->p)
            *slot = (sp__span){v, vlen};
    } else if (name_is(name, nlen, "content-type", 'c')) {
        /* "type/subtype" (libosip2 refuses the message otherwise), not multipart. */
        size_t i = 0, slash;
        while (i < vlen && is_token(v[i]))
            i++;
        slash = i;
        if (i == 0 || i >= vlen || v[i++] != '/')
            return 0;
        while (i < vlen && is_token(v[i]))
            i++;
        *ctype = 1;
        return i > slash + 1 && (i == vlen || v[i] == ';' || v[i] == ' ') &&
               strncasecmp(v, "multipart", 9);
    } else if (name_is(name, nlen, "content-length", 'l')) {
        long c = 0;
        for (size_t i = 0; i < vlen; i++) {
            if (v[i] < '0' || v[i] > '9' || i > 8)
                return 0;
            c = c * 10 + (v[i] - '0');
        }
        *clen = c;
    }
    return 1;
}

int sp__glance_next_line(const char *msg, const sp__glance *g, size_t *pos, sp__span *line)
{
    size_t i = *pos ? *pos : g->headers_start;
    if (i >= g->headers_end)
        return 0;
    const char *eol = memchr(msg + i, '\n', g->headers_end - i);
    size_t end = eol ? (size_t)(eol - msg) : g->headers_end;
    size_t n = end - i;
    if (n && msg[i + n - 1] == '\r')
        n--;
    *line = (sp__span){msg + i, n};
    *pos = end + 1;
    return 1;
}

int sp__glance_read(const char *msg, size_t len, sp__glance *g)
{
    memset(g, 0, sizeof(*g));
    if (memchr(msg, '\0', len))
        return 0;
    size_t i = 0;
    while (i < len && (msg[i] == '\r' || msg[i] == '\n'))
        i++;
    sp__span auth = {0}, proxy_auth = {0};
    long clen = -1;
    int ctype = 0, first = 1, from = 0;
    while (i < len) {
        const char *line = msg + i, *eol = memchr(line, '\n', len - i);
        if (!eol)
            return 0; /* the headers do not end */
        size_t n = (size_t)(eol - line);
        if (n && line[n - 1] == '\r')
            n--;
        if (memchr(line, '\r', n))
            return 0; /* a bare CR ends a line for libosip2 */
        if (first) {
            if (!start_line(line, n, g))
                return 0;
            first = 0;
            g->headers_start = (size_t)(eol - msg) + 1;
        } else if (n == 0) {
            g->headers_end = i;
            i = (size_t)(eol - msg) + 1;
            break;
        } else {
            const char *colon = memchr(line, ':', n);
            if (line[0] == ' ' || line[0] == '\t' || !colon || colon == line)
                return 0; /* folded, or not a header: the parse decides */
            size_t nlen = (size_t)(colon - line);
            while (nlen && (line[nlen - 1] == ' ' || line[nlen - 1] == '\t'))
                nlen--;
            for (size_t k = 0; k < nlen; k++)
                if (!is_token(line[k]))
                    return 0;
            const char *v = colon + 1, *ve = line + n;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            if (name_is(line, nlen, "from", 'f') && from++)
                return 0;
            if (!header(line, nlen, v, (size_t)(ve - v), g, &auth, &proxy_auth, &clen, &ctype))
                return 0;
        }
        i = (size_t)(eol - msg) + 1;
    }
    if (first || !g->headers_end)
        return 0;
    size_t body = len - i;
    if (ctype && clen > 0 && (size_t)clen > body)
        return 0; /* libosip2 refuses a body shorter than its Content-Length */
    g->has_body = body > 0;
    if (g->authorized &&
        !digest_user(auth.p ? auth.p : proxy_auth.p, auth.p ? auth.n : proxy_auth.n, &g->auth_user))
        return 0;
    return 1;
}
