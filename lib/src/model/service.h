/* The result model inside the library: one record per responding service,
 * owning its strings, with a public sp_service view that callbacks and
 * writers read. Pure data: no sockets, no clocks. */
#ifndef SP_SERVICE_H
#define SP_SERVICE_H

#include "sipprobe/sipprobe.h"
#include "classify/enumerate.h"
#include "probe/probe.h"
#include "targets/targets.h"
#include "model/tlscert.h"
#include "common/util.h"

/* What the opt-in active checks (password audit, INVITE check) found. */
typedef struct sp__svc_audit {
    sp_audit pub; /* refreshed by sp__svc_publish */
    sp_weak_password *weak;
    size_t n_weak;
    sp__strv strs; /* owns the strings weak[] points to */
    int offline;   /* the audit of a capture: the digest answers were tested, nothing sent */
    char protection_note[200];
    char unprotected[320]; /* evidence of no-brute-force-protection, or "" */
    char note[240];
    char invite_result[16];
    char invite_note[400];
} sp__svc_audit;

typedef struct sp__svc {
    sp_service pub; /* refreshed by sp__svc_publish */
    sp__addr host;
    uint16_t port;
    uint8_t transport;
    sp__addr responder;
    uint16_t responder_port;
    char host_s[64];
    char responder_s[80];

    sp_reply replies[SP__MAX_PROBES]; /* in arrival order */
    size_t n_replies;
    uint32_t final_mask; /* probes that got a final (>= 200) reply */
    uint32_t seen_mask;  /* probes that got any reply */

    char *server;
    char *user_agent;
    char *to_tag;
    sp__strv allow, supported, contacts, vias, warnings, record_routes, sdp_addrs, headers;
    char *header_order;
    char *alg_evidence; /* how a header the server echoes verbatim came back changed */
    sp__strv owned;     /* strings the record owns for its view (a service read back from JSON) */

    sp_fingerprint fp;
    int has_fp;
    char *fp_version;
    char *fp_cpe;

    sp_finding *findings; /* allocated as findings are added */
    sp__strv *evidence;
    size_t n_findings, cap_findings;

    sp__enum *en; /* enumeration answers, while enumerating */
    sp_enumeration en_pub;
    int has_enum;
    sp__strv en_found;
    char en_note[256];

    sp__svc_audit *audit; /* NULL unless an active check ran */

    sp__tls_cert *tls;   /* the TLS handshake's evidence, for TLS services */
    char role[32];       /* from a capture: "registrar", "uas", "uac", joined by ","; else "" */
    sp_observation *obs; /* who saw it and when: one from a scan, several after a merge */
    size_t n_obs, cap_obs;
    sp__strv dns; /* the DNS paths that led here (a domain target) */
    int has_ws;   /* ws, wss: the upgrade that carried the replies */
    sp_websocket_info ws_pub;
    char ws_path[128], ws_server[128];
    sp__strv dns_leaks; /* records of those domains that point into private space */

    int emitted;          /* already handed to streaming writers */
    struct sp__svc *next; /* hash chain */
} sp__svc;

sp__svc *sp__svc_new(const sp__addr *host, uint16_t port, uint8_t transport);
void sp__svc_free(sp__svc *svc);

/* The order of results: by address family, address, port, then transport
 * (negative, 0 or positive, as for qsort). */
int sp__svc_order(const sp__svc *x, const sp__svc *y);

/* Records the responder (first reply wins). */
void sp__svc_set_responder(sp__svc *svc, const sp__addr *from, uint16_t from_port);

/* Adds a finding from the catalogue by id with evidence lines (NULL-terminated
 * varargs are avoided: pass an array). Returns 0, or -1 for an unknown id. */
int sp__svc_add_finding(sp__svc *svc, const char *id, const char *const *evidence, size_t n);

/* The same with evidence lines the service takes over: on success
 * *evidence is moved into the finding (and left empty), and the finding is
 * returned; NULL when the service has it already, for an unknown id or when
 * out of memory, and *evidence stays the caller's. Saves a copy of lines
 * the caller built or copied for the service anyway. */
sp_finding *sp__svc_add_finding_take(sp__svc *svc, const char *id, sp__strv *evidence);

/* Appends an evidence line to a finding the service already has. */
void sp__svc_add_evidence(sp__svc *svc, const char *id, const char *line);

/* Records the WebSocket upgrade (server may be NULL). */
void sp__svc_set_websocket(sp__svc *svc, const char *path, int status, const char *server);

/* Turns the enumeration answers into the verdict (pure). */
void sp__svc_finish_enumeration(sp__svc *svc, const sp__extlist *list);

/* The service's active-check record, made on first use (NULL: out of memory). */
sp__svc_audit *sp__svc_audit_get(sp__svc *svc);
/* Records a weak password; password is NULL unless the user asked to see it. */
void sp__svc_audit_add_weak(sp__svc *svc, const char *ext, const char *kind, const char *alg,
                            const char *password);
/* Adds a sighting, copying its strings into the record. 0, or -1 when out of memory. */
int sp__svc_add_observation(sp__svc *svc, const sp_observation *o);
/* What the service answered, "OPTIONS 200, REGISTER 401", into buf. */
void sp__svc_answer(const sp__svc *svc, char *buf, size_t len);

/* Refreshes svc->pub from the record; call before handing it out. */
void sp__svc_publish(sp__svc *svc);

#endif
