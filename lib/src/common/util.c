#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void sp__buf_init(sp__buf *b)
{
    memset(b, 0, sizeof(*b));
}

void sp__buf_free(sp__buf *b)
{
    free(b->data);
    sp__buf_init(b);
}

void sp__buf_reset(sp__buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int buf_reserve(sp__buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void sp__buf_append(sp__buf *b, const void *p, size_t n)
{
    if (buf_reserve(b, n) < 0)
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

size_t sp__decimal(char *out, unsigned long long v)
{
    size_t n = 1;
    for (unsigned long long t = v; t >= 10; t /= 10)
        n++;
    for (size_t i = n; i-- > 0; v /= 10)
        out[i] = (char)('0' + v % 10);
    return n;
}

void sp__buf_reserve(sp__buf *b, size_t n)
{
    buf_reserve(b, n);
}

void sp__buf_puts(sp__buf *b, const char *s)
{
    sp__buf_append(b, s, strlen(s));
}

void sp__buf_printf(sp__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof(tmp)) {
        sp__buf_append(b, tmp, (size_t)n);
    } else if (buf_reserve(b, (size_t)n) == 0) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

const char *sp__buf_cstr(sp__buf *b)
{
    if (!b->data && buf_reserve(b, 0) == 0)
        b->data[0] = '\0';
    return b->data ? b->data : "";
}

int sp__strv_push(sp__strv *s, const char *str, size_t len)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        char **v = realloc(s->v, cap * sizeof(*v));
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    char *copy = sp__strndup(str, len);
    if (!copy)
        return -1;
    s->v[s->n++] = copy;
    return 0;
}

void sp__strv_free(sp__strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

int sp__strv_contains(const sp__strv *s, const char *str)
{
    /* The first byte decides most comparisons (methods, option tags,
     * header lines), without a call: this runs for every list element a
     * reply brings, against every element before it. */
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i][0] == str[0] && strcmp(s->v[i], str) == 0)
            return 1;
    return 0;
}

char *sp__strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

int sp__strncaseeq(const char *a, const char *b, size_t n)
{
    return strncasecmp(a, b, n) == 0;
}

const char *sp__trim(const char *s, size_t *len)
{
    size_t n = *len;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    *len = n;
    return s;
}

void sp__iso_time(time_t t, char *buf, size_t len)
{
    struct tm tm;
    if (!len)
        return;
    if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, len, "?");
}

/* Length of a valid UTF-8 sequence at s, or 0. */
static size_t utf8_seq(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xe0 && s[0] <= 0xef) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if (s[0] == 0xe0 && s[1] < 0xa0)
            return 0; /* overlong */
        if (s[0] == 0xed && s[1] >= 0xa0)
            return 0; /* surrogate */
        return 3;
    }
    if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

int sp__utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        size_t n = utf8_seq(p);
        if (n == 0)
            return 0;
        p += n;
    }
    return 1;
}

static void buf_clean(sp__buf *b, const char *s, int printable)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_seq(p);
        if (n == 0) {
            sp__buf_puts(b, "\xef\xbf\xbd");
            p++;
            continue;
        }
        int control =
            (n == 1 && (p[0] < 0x20 || p[0] == 0x7f)) || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0);
        if (printable && control)
            sp__buf_puts(b, "?");
        else
            sp__buf_append(b, p, n);
        p += n;
    }
    sp__buf_cstr(b);
}

void sp__buf_utf8(sp__buf *b, const char *s)
{
    buf_clean(b, s, 0);
}

void sp__buf_printable(sp__buf *b, const char *s)
{
    buf_clean(b, s, 1);
}
