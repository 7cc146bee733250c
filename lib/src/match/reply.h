/* The one "is this reply ours?" check, made on the raw bytes before any
 * parse: a SIP response whose Call-ID carries a token that verifies under
 * the scan's key, for the transport it came on and a probe this scan sends.
 * Datagrams that are not ours cost almost nothing. */
#ifndef SP_MATCH_REPLY_H
#define SP_MATCH_REPLY_H

#include "match/token.h"

#include <stddef.h>
#include <stdint.h>

/* What a scan sends: the probe types of discovery (bits 1 << probe index)
 * and whether extension enumeration runs. */
typedef struct sp__match_scope {
    uint32_t method_mask;
    int enumerates; /* extensions are enumerated in this scan */
    int active;     /* an active phase (password audit, INVITE check) runs */
} sp__match_scope;

/* 1 and the probe's id if buf is a reply to one of our probes over
 * transport; 0 otherwise. */
int sp__match_reply(const uint8_t key[16], const sp__match_scope *scope, const char *buf,
                    size_t len, uint8_t transport, sp__probe_id *id);

#endif
