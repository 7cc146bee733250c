/* A glance at a captured SIP message: what the inventory needs to decide
 * whether the message adds anything (start line, Call-ID, CSeq, User-Agent,
 * the To user, the digest username), read from the raw bytes without
 * allocating. libosip2 stays the parser of record for what is kept; a
 * glance only says when its view is certainly the same as libosip2's (a
 * "plain" message: one line per header, CRLF or LF endings, no NUL, one
 * Call-ID, CSeq, From and To, values in their simple form). Anything else
 * goes to the full parse. Pointers point into the message. */
#ifndef SP_CAPTURE_GLANCE_H
#define SP_CAPTURE_GLANCE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sp__span {
    const char *p;
    size_t n;
} sp__span;

typedef struct sp__glance {
    int status;       /* response status, 0 for a request */
    sp__span method;  /* request method */
    sp__span call_id; /* as libosip2 writes it back; n 0: none */
    long cseq_number;
    sp__span cseq_method; /* n 0: no CSeq */
    sp__span user_agent;  /* the first; p NULL: none */
    sp__span to_user;     /* the user of the To URI, empty when it has none */
    int authorized;       /* Authorization or Proxy-Authorization present */
    sp__span auth_user;   /* the first one's digest username; p NULL: none */
    int has_server;       /* a Server header */
    int has_to_tag;       /* "tag" appears in the To header */
    int has_body;         /* bytes after the headers */
    size_t headers_start; /* offset of the first header line */
    size_t headers_end;   /* offset of the empty line that ends the headers */
} sp__glance;

/* Reads msg. Returns 1 when the message is plain and *g holds its view,
 * 0 when only a full parse can say what it is. */
int sp__glance_read(const char *msg, size_t len, sp__glance *g);

/* Walks the header lines of a plain message: *pos starts at 0. Returns 1
 * with the next whole line (name, colon and value, no line end) in *line. */
int sp__glance_next_line(const char *msg, const sp__glance *g, size_t *pos, sp__span *line);

#endif
