#include "sip/framing.h"

#include "sip/header.h"

#include <string.h>

/* Parses the Content-Length of a header block (full or compact "l" form).
 * Returns the value, -1 if absent, -2 if not a number. */
static long long content_length(const char *h, size_t len)
{
    const char *v;
    size_t n;
    if (!sp__sip_header_find(h, len, "content-length", &v, &n))
        return -1;
    long long cl = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9' || cl > 100000000)
            return -2;
        cl = cl * 10 + (v[i] - '0');
    }
    return n ? cl : -2;
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
    size_t body;
    if (!sp__sip_body_start(p, n, &body))
        return n > max ? SP__FRAME_INVALID : SP__FRAME_MORE;
    long long cl = content_length(p, body);
    if (cl == -2 || (unsigned long long)body + (unsigned long long)(cl < 0 ? 0 : cl) > max)
        return SP__FRAME_INVALID;
    size_t total = body + (size_t)(cl < 0 ? 0 : cl);
    if (total > n)
        return SP__FRAME_MORE;
    *msg_len = total;
    return SP__FRAME_OK;
}
