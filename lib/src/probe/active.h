/* Requests of the opt-in active phases (password audit, INVITE check).
 * Unlike discovery probes they differ per request (credentials, dialog
 * state), so each is built on its own with libosip2; they go out at a few
 * per second per host, where a template would save nothing. */
#ifndef SP_PROBE_ACTIVE_H
#define SP_PROBE_ACTIVE_H

#include <stddef.h>

/* Token probe indices of the active phases: beyond the discovery probes of
 * the registry (below SP__MAX_PROBES, which tokens allow). */
#define SP__PROBE_AUDIT 6
#define SP__PROBE_INVITE 7

typedef struct sp__active_req {
    const char *method;      /* "REGISTER", "INVITE", "CANCEL", "ACK", "BYE" */
    const char *request_uri; /* "sip:127.0.0.1:5060" */
    const char *transport;   /* Via transport: "UDP" */
    const char *local;       /* our "ip:port" */
    const char *branch;      /* Via branch, with its z9hG4bK */
    const char *from_user;
    const char *from_tag;
    const char *to_user;
    const char *to_tag; /* NULL: none (outside a dialog) */
    const char *host;   /* for From and To: the target ("[v6]" bracketed) */
    const char *call_id;
    unsigned cseq;
    const char *cseq_method; /* NULL: method */
    int contact;             /* 1: Contact <sip:from_user@local> */
    const char *expires;     /* NULL: no header */
    const char *user_agent;
    const char *auth_name; /* "Authorization" or "Proxy-Authorization", or NULL */
    const char *auth_value;
    const char *route; /* a Route value (the dialog's route set), or NULL */
    int sdp;           /* an SDP offer that offers no usable media (port 0) */
} sp__active_req;

/* Writes the request into out (NUL-terminated); returns its length, or 0
 * when libosip2 refused a value or it does not fit in cap. */
size_t sp__active_build(const sp__active_req *r, char *out, size_t cap);

/* A copy for --write-pcap with the digest response= value blanked, so that
 * a capture of the audit cannot be used to recover a password. Returns the
 * length written to out (at most cap - 1). */
size_t sp__active_redact(const char *msg, size_t len, char *out, size_t cap);

#endif
