/* Reply tokens: what was probed (target, port, transport, probe, attempt,
 * send time, extension) written into the Call-ID together with a SipHash MAC under a
 * per-scan key. A reply is accepted only if the MAC verifies, wherever it
 * comes from, so no per-target state is kept and forged replies are dropped. */
#ifndef SP_TOKEN_H
#define SP_TOKEN_H

#include "targets/targets.h"

#include <stddef.h>
#include <stdint.h>

typedef struct sp__probe_id {
    sp__addr addr;
    uint16_t port;
    uint8_t transport;
    uint8_t probe;    /* index in the probe registry */
    uint8_t attempt;  /* 0 = first send */
    uint32_t sent_ms; /* tenths of a millisecond since the scan started */
    uint32_t ext;     /* enumeration: 0 none, SP__EXT_BASELINE, or extension index + 1 */
} sp__probe_id;

#define SP__EXT_BASELINE 0xffffffffu

/* Longest Call-ID value sp__token_encode writes (IPv6), plus NUL. */
#define SP__TOKEN_MAX 96

/* Writes "<hex payload>.<hex mac>" into out (NUL-terminated) and returns its
 * length; *mac receives the MAC for use in the Via branch and From tag. */
size_t sp__token_encode(const uint8_t key[16], const sp__probe_id *id, char *out, size_t cap,
                        uint64_t *mac);
/* Verifies and decodes a Call-ID value. Returns 1 when valid. */
int sp__token_decode(const uint8_t key[16], const char *s, size_t len, sp__probe_id *id,
                     uint64_t *mac);

#endif
