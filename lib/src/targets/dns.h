/* DNS discovery (RFC 3263): a domain target becomes the servers its zone
 * names, NAPTR, then SRV, then A/AAAA, each endpoint with the DNS path that
 * led to it. Runs once per domain when the scan prepares its targets, not
 * when the target is added, so the DNS server may be set in any order. */
#ifndef SP_TARGETS_DNS_H
#define SP_TARGETS_DNS_H

#include "common/util.h"
#include "targets/addr.h"

#include <stddef.h>
#include <stdint.h>

/* Caps that keep a hostile zone from growing a scan without bound. */
#define SP__DNS_MAX_NAPTR 16
#define SP__DNS_MAX_SRV 16
#define SP__DNS_MAX_ADDRS 8  /* per host and family */
#define SP__DNS_MAX_EPS 128  /* per domain */
#define SP__DNS_PATH_MAX 512 /* one path, text */

/* One DNS query: the answer message into ans (at most anslen bytes).
 * Returns its length, or -1 (*nxdomain set when the name does not exist).
 * The default asks libresolv; unit tests install a fake zone. */
typedef int (*sp__dns_query_fn)(void *ctx, const char *name, int type, uint8_t *ans, int anslen,
                                int *nxdomain);

/* A domain target waiting for discovery. */
typedef struct sp__dns_name {
    char *name;       /* the domain, no trailing dot */
    char *token;      /* the target as typed */
    int8_t transport; /* -1: none given; else the sp_transport the URI names */
    uint8_t secure;   /* a sips: URI: SIPS services only */
    uint8_t done;
    sp__strv leaks; /* records of the domain that point into private space */
} sp__dns_name;

/* One endpoint discovery found. port -1 / transport -1: the scan's ports /
 * transports (a domain with no NAPTR or SRV record, resolved by address). */
typedef struct sp__dns_ep {
    sp__addr addr;
    int port;
    int8_t transport;
    uint32_t name; /* index in names */
    char *path;
} sp__dns_ep;

/* A target set's DNS state: configuration, which survives a free of the
 * set like its resolver, and the names and what they gave. */
typedef struct sp__dns {
    int enabled;            /* 0 (unit tests): host names resolve as before */
    char server[64];        /* "" : the system's resolv.conf; else "ADDR:PORT" */
    sp__dns_query_fn query; /* NULL: libresolv */
    void *query_ctx;
    sp__dns_name *names;
    size_t n_names, cap_names;
    sp__dns_ep *eps;
    size_t n_eps, cap_eps;
} sp__dns;

/* Frees the names and endpoints; keeps the configuration. */
void sp__dns_clear(sp__dns *d);

/* Checks and stores "ADDR" or "ADDR:PORT" (IPv4; port 53 by default).
 * Returns 0, or -1 with a message in err. */
int sp__dns_set_server(sp__dns *d, const char *spec, char *err, size_t errlen);

/* Queues a domain target. Returns 0 or SP_ENOMEM. */
int sp__dns_add_name(sp__dns *d, const char *name, const char *token, int transport, int secure);

/* What a discovery pass reports: a name that gave nothing, a record skipped. */
typedef void (*sp__dns_log_fn)(void *data, int level, const char *msg);

/* One endpoint found: the caller adds it to its target set (port -1 and
 * transport -1 as in sp__range). Returns 0 or an sp_code. */
typedef int (*sp__dns_add_fn)(void *data, const sp__addr *a, int port, int transport);

/* Discovers every queued name not done yet. A name that gives nothing is
 * logged (level 0) and skipped; the rest goes on. fallback resolves a name
 * without NAPTR or SRV records when no DNS server is set (the system's
 * resolver, /etc/hosts included): returns 0 with *a set, or -1. Returns 0 or
 * an sp_code (out of memory, or one from add). */
int sp__dns_discover(sp__dns *d, sp__dns_add_fn add, void *add_data, sp__dns_log_fn log,
                     void *log_data, int (*fallback)(const char *name, sp__addr *a));

/* The paths that led to (a, port, transport), pushed to paths, and the
 * private-space records of the domains they came from, pushed to leaks
 * (each line once). Immutable state: safe from the output thread. */
void sp__dns_lookup(const sp__dns *d, const sp__addr *a, uint16_t port, int transport,
                    sp__strv *paths, sp__strv *leaks);

/* Parsing answers (exposed for unit tests). */
typedef struct sp__naptr {
    uint16_t order, pref;
    char flags[16], services[32], replacement[256];
} sp__naptr;
typedef struct sp__srv {
    uint16_t prio, weight, port;
    char target[256];
} sp__srv;

/* The NAPTR / SRV records of an answer, at most cap, sorted as RFC 3403 and
 * RFC 2782 order them (order then preference; priority, then the heavier
 * weight first: a scanner probes them all, so randomness buys nothing).
 * Returns how many, or -1 for a malformed message. */
int sp__dns_parse_naptr(const uint8_t *msg, int len, sp__naptr *out, int cap);
int sp__dns_parse_srv(const uint8_t *msg, int len, sp__srv *out, int cap);
/* The A (family 4) or AAAA (6) addresses of an answer. */
int sp__dns_parse_addrs(const uint8_t *msg, int len, int family, sp__addr *out, int cap);

/* The sp_transport of a NAPTR service ("SIP+D2U", "SIPS+D2T"...), case
 * insensitive; -1 for one sipprobe does not probe (SCTP, or WebSocket
 * without support for it). */
int sp__dns_service_transport(const char *service);

#endif
