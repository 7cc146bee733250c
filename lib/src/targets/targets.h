/* Target sets: every target form parsed into a compact list of address
 * ranges, excludes subtracted, answering "how many" and "the i-th element"
 * without ever listing them. Memory is the size of the spec, not the range.
 * However a target is spelled (an address, a range or CIDR over it, with or
 * without port, as a URI), each (address, port, transport) is in the set
 * once: finalize gives every address the union of what its targets ask. */
#ifndef SP_TARGETS_H
#define SP_TARGETS_H

#include "targets/addr.h"
#include "common/util.h"
#include "targets/dns.h"

#include <stddef.h>
#include <stdint.h>

typedef unsigned __int128 sp__u128;

#define SP__N_TRANSPORTS 5 /* udp, tcp, tls, ws, wss: the sp_transport values */
#define SP__WS_PATH_MAX 128

/* An inclusive range of addresses of one family, with an optional explicit
 * port and transport (a URI target sets the transport). Finalized ranges
 * are disjoint (port and transport -1) and probe each address on their
 * endpoints: ls_n of the port list, then ep_n of their own. */
typedef struct sp__range {
    uint8_t family;
    int8_t transport; /* -1: the scan's transports; else an sp_transport */
    sp__u128 lo, hi;
    int port;              /* -1: the scan's port list */
    uint32_t scope;        /* IPv6 zone (interface index), 0 if none */
    uint32_t ls_off, ls_n; /* set by finalize: the port list on some transports (in eps) */
    uint32_t ep_off, ep_n; /* ... and the endpoints of its own the list lacks (in eps) */
} sp__range;

/* Where a probe goes besides the address: transport and port. */
typedef struct sp__endpoint {
    uint8_t transport;
    uint16_t port;
} sp__endpoint;

/* The path a ws:// or wss:// target gave its endpoint (port -1: any). */
typedef struct sp__ws_path {
    sp__addr addr;
    int port;
    uint8_t transport;
    char path[SP__WS_PATH_MAX];
} sp__ws_path;

/* Resolves a host name to one address (*family 4 or 6). Returns 0 or -1. */
typedef int (*sp__resolve_fn)(const char *name, int *family, uint8_t addr[16]);

typedef struct sp__targets {
    sp__range *given; /* targets as parsed, in order */
    size_t n_given, cap_given;
    sp__range *excl;
    size_t n_excl, cap_excl;
    /* Set by sp__targets_finalize: */
    sp__range *ranges; /* disjoint, by family, zone and address */
    uint64_t *cum;     /* cum[i]: (address, port) pairs in ranges[0..i] */
    size_t n_ranges;
    uint64_t pairs;     /* total (address, port) pairs */
    uint64_t addresses; /* total distinct addresses */
    sp__endpoint *eps;  /* the (transport, port) slices ranges point into, each sorted */
    size_t n_eps;
    sp__resolve_fn resolve; /* NULL: getaddrinfo() */
    int keep_special;       /* 1: no default excludes (--no-default-excludes) */
    unsigned left_out;      /* set by finalize: special blocks left out (bits, special.c) */
    sp__dns dns;            /* domain targets, when dns.enabled (RFC 3263 discovery) */
    sp__ws_path *ws_paths;  /* paths of ws:// and wss:// targets */
    size_t n_ws_paths, cap_ws_paths;
} sp__targets;

/* Special-purpose blocks no unicast host can hold (0.0.0.0/8, 224.0.0.0/4,
 * 240.0.0.0/4, 255.255.255.255, ::, ff00::/8): left out of targets that
 * cover them without lying wholly inside one, unless keep_special. */
#define SP__N_SPECIAL 6
/* "224.0.0.0/4 (multicast)" for each block in left_out, appended to out. */
void sp__special_describe(unsigned left_out, sp__strv *out);

/* The default port of a transport: 5061 for TLS, 8088 for ws and 8089 for
 * wss (Asterisk's), else 5060. */
uint16_t sp__default_port(int transport);

/* Largest index space we accept; beyond it a scan could never finish. */
#define SP__MAX_PAIRS (((uint64_t)1) << 48)

void sp__targets_init(sp__targets *t);
void sp__targets_free(sp__targets *t);

/* How a target set resolves host names: getaddrinfo() unless a test or fuzz
 * target installs a stub, so that it can feed any text without a DNS query.
 * The resolver belongs to the set (it outlives sp__targets_free, not
 * sp__targets_init); other sets are not affected. */
void sp__targets_set_resolver(sp__targets *t, sp__resolve_fn fn);

/* Parses one token (no commas): an address, CIDR, range or host name with
 * an optional port, or a URI that also sets the transport
 * ("tcp://host:5060", "tls://[::1]", "sip:host;transport=tcp", "sips:host").
 * IPv6 literals may carry a zone ("fe80::1%eth0"). allow_port: whether a
 * port or URI is accepted (not in excludes); resolve: how host names are
 * resolved (NULL: getaddrinfo()). Returns 0 or an sp_code, with a message
 * naming the token in err. */
int sp__target_parse_with(const char *token, int allow_port, sp__resolve_fn resolve, sp__range *out,
                          char *err, size_t errlen);
/* The same, with the path of a ws:// or wss:// URL in path ("" if none). */
int sp__target_parse_path(const char *token, int allow_port, sp__resolve_fn resolve, sp__range *out,
                          char *path, size_t pathcap, char *err, size_t errlen);
/* The path a ws:// or wss:// target gave (a, port, transport), or NULL. */
const char *sp__targets_ws_path(const sp__targets *t, const sp__addr *a, uint16_t port,
                                int transport);
/* The same, host names resolved by getaddrinfo(). */
int sp__target_parse(const char *token, int allow_port, sp__range *out, char *err, size_t errlen);

/* 1 if token names a domain that RFC 3263 discovery resolves: a host name
 * with a dot (not localhost), with no port, bare or in a URI; name receives
 * it, *transport the transport the URI names (-1: none) and *secure 1 for
 * sips:. */
int sp__target_domain(const char *token, char *name, size_t cap, int *transport, int *secure);

/* The system's resolver (getaddrinfo(), /etc/hosts included): the first
 * address, IPv4 preferred. Returns 0, or -1 with the reason in why. */
int sp__resolve_system(const char *name, sp__addr *a, char *why, size_t whylen);

/* Add a target / exclude spec; commas and whitespace separate several tokens. */
int sp__targets_add(sp__targets *t, const char *spec, char *err, size_t errlen);
int sp__targets_exclude(sp__targets *t, const char *spec, char *err, size_t errlen);

/* Discovers the domain targets added since the last call (targets/dns.c)
 * and adds what they give; a domain that gives nothing is logged and
 * skipped. Call before finalize. Returns 0 or an sp_code. */
int sp__targets_discover(sp__targets *t, sp__dns_log_fn log, void *data);

/* Subtracts excludes, merges overlaps, computes counts. Targets without a
 * port get each port of the list, or the transport's default port when the
 * list is empty (ports NULL); targets without a transport get each transport
 * of the mask (bits 1 << sp_transport). Then each (address, port, transport)
 * is kept once, however many targets name it (a zone makes an address of its
 * own), and a port listed twice counts once. Can be called again after adds. */
int sp__targets_finalize(sp__targets *t, const uint16_t *ports, size_t n_ports, unsigned transports,
                         char *err, size_t errlen);

/* The index-th (address, transport, port), 0 <= index < t->pairs. */
void sp__targets_get(const sp__targets *t, uint64_t index, sp__addr *addr, uint16_t *port,
                     uint8_t *transport);

/* The index of (address, port, transport) in the finalized set, the
 * inverse of sp__targets_get: 1 with *index set, or 0 if the set lacks it.
 * The address's zone counts. O(log ranges + log ports). */
int sp__targets_index(const sp__targets *t, const sp__addr *a, uint16_t port, uint8_t transport,
                      uint64_t *index);

/* 1 if the (finalized) target set holds the address, on any port. */
int sp__targets_contains(const sp__targets *t, const sp__addr *a);

/* Parses "5060,5080,5060-5070" into a sorted, de-duplicated array (malloc'd). */
int sp__ports_parse(const char *list, uint16_t **out, size_t *n, char *err, size_t errlen);

#endif
