#include "match/reply.h"

#include "common/util.h"
#include "probe/probe.h"

#include <string.h>

/* Finds the Call-ID header value (full or compact form "i") in the header
 * section, without a full parse. */
static int find_call_id(const char *buf, size_t len, const char **val, size_t *vlen)
{
    const char *p = memchr(buf, '\n', len);
    const char *end = buf + len;
    while (p && p + 1 < end) {
        const char *line = p + 1;
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            eol = end;
        if (line == eol || (line[0] == '\r' && line + 1 == eol))
            return 0; /* end of headers */
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        if (colon) {
            size_t nlen = (size_t)(colon - line);
            while (nlen && (line[nlen - 1] == ' ' || line[nlen - 1] == '\t'))
                nlen--;
            if ((nlen == 7 && sp__strncaseeq(line, "call-id", 7)) ||
                (nlen == 1 && (line[0] == 'i' || line[0] == 'I'))) {
                size_t n = (size_t)(eol - colon - 1);
                *val = sp__trim(colon + 1, &n);
                *vlen = n;
                return 1;
            }
        }
        p = eol;
    }
    return 0;
}

int sp__match_reply(const uint8_t key[16], const sp__match_scope *scope, const char *buf,
                    size_t len, uint8_t transport, sp__probe_id *id)
{
    const char *cid;
    size_t clen;
    if (len < 12 || memcmp(buf, "SIP/2.0 ", 8) != 0 || !find_call_id(buf, len, &cid, &clen) ||
        !sp__token_decode(key, cid, clen, id, NULL) || id->probe >= SP__MAX_PROBES ||
        id->transport != transport)
        return 0;
    /* A token of ours for a probe this scan does not send is a replay from
     * another scan with the same key, which cannot happen, or a forgery. */
    return id->ext ? scope->enumerates : (scope->method_mask & (1u << id->probe)) != 0;
}
