/* Header lines of a raw SIP message, found without a full parse (no
 * libosip2): for framing, datagram matching and the ALG reflector, where a
 * parse would cost too much or change the bytes.
 *
 * The header section runs from the line after the start line (CRLF
 * keep-alives before it are skipped) to the first empty line, or to the end
 * of the buffer; the body is never searched. Lines end in CRLF or a bare LF.
 * A line that begins with a space or tab continues the header before it
 * (folding, RFC 3261 section 7.3.1). Names are compared case-insensitively,
 * whitespace before the colon is allowed, and a name matches its compact
 * form (RFC 3261 section 7.3.3, RFC 3265, 3515, 3892, 4028): i Call-ID, m Contact,
 * e Content-Encoding, l Content-Length, c Content-Type, f From, s Subject,
 * k Supported, t To, v Via, o Event, r Refer-To, b Referred-By,
 * u Allow-Events, x Session-Expires. Pure code, no I/O. */
#ifndef SP_SIP_HEADER_H
#define SP_SIP_HEADER_H

#include <stddef.h>

/* One header as it stands in the message (pointers into it). */
typedef struct sp__sip_header {
    const char *name; /* without the whitespace before the colon */
    size_t name_len;
    const char *value; /* trimmed; a folded value keeps its inner line breaks */
    size_t value_len;
    const char *line; /* the whole header, continuation lines included, */
    size_t line_len;  /* without its final CRLF or LF */
} sp__sip_header;

/* 1 if the header name (name_len bytes) is wanted: the same name in any
 * case, or the compact form of the same header. wanted may be given in
 * either form ("Content-Length" or "l"). */
int sp__sip_header_name_is(const char *name, size_t name_len, const char *wanted);

/* Walks the header section: *pos starts at 0 and is advanced past each
 * header. Returns 1 with the next header in *h, or 0 at the end of the
 * section. Lines without a colon are passed over. */
int sp__sip_header_next(const char *msg, size_t len, size_t *pos, sp__sip_header *h);

/* Finds the first header called name (full or compact form). Returns 1 with
 * its value in *value and *value_len, or 0 when there is none. */
int sp__sip_header_find(const char *msg, size_t len, const char *name, const char **value,
                        size_t *value_len);

/* Where the body begins: 1 with *body just past the empty line that ends
 * the headers (CRLF keep-alives before the start line are skipped), or 0
 * when the headers have not ended within len. */
int sp__sip_body_start(const char *msg, size_t len, size_t *body);

#endif
