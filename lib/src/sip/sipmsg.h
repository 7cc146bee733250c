/* The libosip2 boundary: the only module that includes <osipparser2/...>.
 * Builds request bytes and parses messages into our own small struct. */
#ifndef SP_SIPMSG_H
#define SP_SIPMSG_H

#include "common/util.h"

#include <stddef.h>

/* Calls libosip2's parser_init() once per process (thread-safe). */
void sp__sipmsg_global_init(void);

typedef struct sp__request_spec {
    const char *method;
    const char *request_uri; /* "sip:100@host:port" */
    const char *via;         /* "SIP/2.0/UDP host:port;branch=z9hG4bK...;rport" */
    const char *from;        /* "<sip:100@host>;tag=..." */
    const char *to;          /* "<sip:100@host>" */
    const char *call_id;
    const char *cseq;         /* "1 OPTIONS" */
    const char *contact;      /* "<sip:100@host:port>"; NULL: no header */
    const char *user_agent;   /* NULL: no header */
    const char *expires;      /* NULL: no header */
    const char *accept;       /* NULL: no header */
    const char *const *extra; /* more "Name: value" headers */
    size_t n_extra;
    const char *content_type; /* with body */
    const char *body;         /* NULL: none */
} sp__request_spec;

/* Builds a request with libosip2. *out is malloc'd (free()), NUL-terminated.
 * Returns 0, or -1 when libosip2 rejects a value. */
int sp__sipmsg_build(const sp__request_spec *spec, char **out, size_t *len);

/* What we keep of a parsed SIP message; every string is owned (free with
 * sp__parsed_free) and NULL when the header was absent. The strings and
 * the lists' arrays live in blocks of the message's own (mem): read them,
 * copy them, but never free, realloc or keep one past sp__parsed_free. */
typedef struct sp__parsed {
    int status; /* response status, 0 for a request */
    char *reason;
    char *method; /* request method, for requests */
    char *request_uri;
    char *call_id;
    char *cseq_method;
    long cseq_number;
    int authorized;  /* the request carries Authorization or Proxy-Authorization */
    char *auth_user; /* its username, unquoted */
    char *server;
    char *user_agent;
    char *from_tag;
    char *to_tag;
    char *to_uri;     /* the To URI as received, without parameters */
    char *via_branch; /* branch parameter of the top Via */
    int challenged;   /* a WWW-Authenticate or Proxy-Authenticate header is present */
    char *realm;
    char *algorithm;
    char *qop;
    sp__strv allow;
    sp__strv supported;
    sp__strv contacts;
    sp__strv vias;
    sp__strv warnings;
    sp__strv record_routes;
    sp__strv sdp_addrs;         /* addresses of the SDP body's c= lines */
    sp__strv headers;           /* "Name: value" of headers libosip2 does not model */
    char *header_order;         /* every header name, in order, joined with "," */
    struct sp__parsed_mem *mem; /* where all of the above is kept */
} sp__parsed;

/* Parses a whole message. Returns 0, or -1 when it is not SIP libosip2 can read. */
int sp__sipmsg_parse(const char *buf, size_t len, sp__parsed *out);
void sp__parsed_free(sp__parsed *p);

#endif
