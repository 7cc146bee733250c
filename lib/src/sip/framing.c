#include "sip/framing.h"

#include "common/util.h"

#include <string.h>

/* Parses the Content-Length of a header block (full or compact "l" form).
 * Returns the value, -1 if absent, -2 if not a number. */
static long long content_length(const char *h, size_t len)
{
    const char *end = h + len;
    const char *line = h;
    while (line < end) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            eol = end;
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        if (colon) {
            size_t nlen = (size_t)(colon - line);
            while (nlen && (line[nlen - 1] == ' ' || line[nlen - 1] == '\t'))
                nlen--;
            if ((nlen == 14 && sp__strncaseeq(line, "content-length", 14)) ||
                (nlen == 1 && (line[0] == 'l' || line[0] == 'L'))) {
                const char *v = colon + 1;
                while (v < eol && (*v == ' ' || *v == '\t'))
                    v++;
                long long n = 0;
                int digits = 0;
                while (v < eol && *v >= '0' && *v <= '9') {
                    if (n > 100000000)
                        return -2;
                    n = n * 10 + (*v++ - '0');
                    digits++;
                }
                while (v < eol && (*v == ' ' || *v == '\t' || *v == '\r'))
                    v++;
                return digits && v == eol ? n : -2;
            }
        }
        line = eol + 1;
    }
    return -1;
}

sp__frame_rc sp__frame(const char *buf, size_t len, size_t max, size_t *start, size_t *msg_len)
{
    size_t s = 0;
    while (s < len && (buf[s] == '\r' || buf[s] == '\n'))
        s++;
    *start = s;
    const char *p = buf + s;
    size_t n = len - s;
    /* The end of the headers: an empty line, CRLF or bare LF. */
    size_t hdr_end = 0, body = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] != '\n')
            continue;
        if (p[i + 1] == '\n') {
            hdr_end = i + 1;
            body = i + 2;
            break;
        }
        if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n') {
            hdr_end = i + 1;
            body = i + 3;
            break;
        }
    }
    if (!body)
        return n > max ? SP__FRAME_INVALID : SP__FRAME_MORE;
    long long cl = content_length(p, hdr_end);
    if (cl == -2 || (unsigned long long)body + (unsigned long long)(cl < 0 ? 0 : cl) > max)
        return SP__FRAME_INVALID;
    size_t total = body + (size_t)(cl < 0 ? 0 : cl);
    if (total > n)
        return SP__FRAME_MORE;
    *msg_len = total;
    return SP__FRAME_OK;
}
