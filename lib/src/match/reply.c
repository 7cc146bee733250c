#include "match/reply.h"

#include "sipprobe/sipprobe.h"

#include "probe/active.h"
#include "probe/probe.h"
#include "sip/header.h"

#include <string.h>

int sp__match_reply(const uint8_t key[16], const sp__match_scope *scope, const char *buf,
                    size_t len, uint8_t transport, sp__probe_id *id)
{
    const char *cid;
    size_t clen;
    if (len < 12 || memcmp(buf, "SIP/2.0 ", 8) != 0 ||
        !sp__sip_header_find(buf, len, "call-id", &cid, &clen) ||
        !sp__token_decode(key, cid, clen, id, NULL) || id->probe >= SP__MAX_PROBES ||
        id->transport != transport)
        return 0;
    /* A token of ours for a probe this scan does not send is a replay from
     * another scan with the same key, which cannot happen, or a forgery. */
    if (id->probe == SP__PROBE_AUDIT || id->probe == SP__PROBE_INVITE)
        return scope->active && transport == SP_TRANSPORT_UDP;
    return id->ext ? scope->enumerates : (scope->method_mask & (1u << id->probe)) != 0;
}
