#include "sip/header.h"

#include <string.h>
#include <strings.h>

/* Compact forms: RFC 3261 section 7.3.3 (i m e l c f s k t v), RFC 3265
 * (o u), RFC 3515 (r), RFC 3892 (b) and RFC 4028 (x). Lower case. */
static const char *const compact_forms[][2] = {
    {"i", "call-id"},
    {"m", "contact"},
    {"e", "content-encoding"},
    {"l", "content-length"},
    {"c", "content-type"},
    {"f", "from"},
    {"s", "subject"},
    {"k", "supported"},
    {"t", "to"},
    {"v", "via"},
    {"o", "event"},
    {"r", "refer-to"},
    {"b", "referred-by"},
    {"u", "allow-events"},
    {"x", "session-expires"},
};

#define N_COMPACT (sizeof(compact_forms) / sizeof(compact_forms[0]))

static int name_eq(const char *name, size_t len, const char *s)
{
    return strlen(s) == len && strncasecmp(name, s, len) == 0;
}

int sp__sip_header_name_is(const char *name, size_t name_len, const char *wanted)
{
    if (name_eq(name, name_len, wanted))
        return 1;
    /* Otherwise only a compact letter against a full name can match. */
    size_t wanted_len = strlen(wanted);
    if ((name_len == 1) == (wanted_len == 1))
        return 0;
    const char *letter = name_len == 1 ? name : wanted;
    const char *full = name_len == 1 ? wanted : name;
    size_t full_len = name_len == 1 ? wanted_len : name_len;
    for (size_t i = 0; i < N_COMPACT; i++)
        if ((letter[0] | 0x20) == compact_forms[i][0][0])
            return name_eq(full, full_len, compact_forms[i][1]);
    return 0;
}

static int is_lws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The end of the line at p: its '\n', or end. */
static const char *line_end(const char *p, const char *end)
{
    const char *e = memchr(p, '\n', (size_t)(end - p));
    return e ? e : end;
}

static int is_empty_line(const char *line, const char *eol)
{
    return line == eol || (line[0] == '\r' && line + 1 == eol);
}

int sp__sip_header_next(const char *msg, size_t len, size_t *pos, sp__sip_header *h)
{
    const char *end = msg + len;
    const char *p = msg + (*pos < len ? *pos : len);
    if (*pos == 0) { /* CRLF keep-alives, then the start line */
        while (p < end && (*p == '\r' || *p == '\n'))
            p++;
        p = line_end(p, end);
        if (p < end)
            p++;
    }
    while (p < end) {
        const char *line = p;
        const char *eol = line_end(line, end);
        if (is_empty_line(line, eol))
            break;
        while (eol + 1 < end && (eol[1] == ' ' || eol[1] == '\t')) /* folded */
            eol = line_end(eol + 1, end);
        p = eol < end ? eol + 1 : end;
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        if (!colon || line[0] == ' ' || line[0] == '\t')
            continue;
        size_t name_len = (size_t)(colon - line);
        while (name_len && is_lws(line[name_len - 1]))
            name_len--;
        if (!name_len)
            continue;
        size_t line_len = (size_t)(eol - line);
        if (line_len && line[line_len - 1] == '\r')
            line_len--;
        const char *v = colon + 1, *v_end = line + line_len;
        while (v < v_end && is_lws(*v))
            v++;
        while (v_end > v && is_lws(v_end[-1]))
            v_end--;
        *h = (sp__sip_header){line, name_len, v, (size_t)(v_end - v), line, line_len};
        *pos = (size_t)(p - msg);
        return 1;
    }
    *pos = len;
    return 0;
}

int sp__sip_header_find(const char *msg, size_t len, const char *name, const char **value,
                        size_t *value_len)
{
    size_t pos = 0;
    sp__sip_header h;
    while (sp__sip_header_next(msg, len, &pos, &h))
        if (sp__sip_header_name_is(h.name, h.name_len, name)) {
            *value = h.value;
            *value_len = h.value_len;
            return 1;
        }
    return 0;
}

int sp__sip_body_start(const char *msg, size_t len, size_t *body)
{
    size_t i = 0;
    while (i < len && (msg[i] == '\r' || msg[i] == '\n'))
        i++;
    for (; i + 1 < len; i++) {
        if (msg[i] != '\n')
            continue;
        if (msg[i + 1] == '\n') {
            *body = i + 2;
            return 1;
        }
        if (msg[i + 1] == '\r' && i + 2 < len && msg[i + 2] == '\n') {
            *body = i + 3;
            return 1;
        }
    }
    return 0;
}
