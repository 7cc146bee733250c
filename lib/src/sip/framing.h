/* SIP over a byte stream (TCP, TLS): where one message ends. RFC 3261
 * section 18.3: the headers end at the first empty line and Content-Length
 * (mandatory on streams) gives the body. Pure code, no I/O. */
#ifndef SP_FRAMING_H
#define SP_FRAMING_H

#include <stddef.h>

typedef enum {
    SP__FRAME_MORE = 0,     /* no complete message yet */
    SP__FRAME_OK = 1,       /* a message at [*start, *start + *len) */
    SP__FRAME_INVALID = -1, /* too large, or a Content-Length that is not a number */
} sp__frame_rc;

/* Looks for the first complete message in buf. CRLF keep-alives before it
 * (RFC 5626) are skipped: *start says where the message begins. A message
 * without Content-Length ends with its headers. Messages longer than max
 * are invalid, so a peer cannot make us buffer without bound. */
sp__frame_rc sp__frame(const char *buf, size_t len, size_t max, size_t *start, size_t *msg_len);

#endif
