/* Target sets: every target form parsed into a compact list of address
 * ranges, excludes subtracted, answering "how many" and "the i-th element"
 * without ever listing them. Memory is the size of the spec, not the range. */
#ifndef SP_TARGETS_H
#define SP_TARGETS_H

#include <stddef.h>
#include <stdint.h>

typedef unsigned __int128 sp__u128;

/* An address: family 4 uses bytes[0..3], family 6 all 16. */
typedef struct sp__addr {
    uint8_t family;
    uint8_t bytes[16];
} sp__addr;

/* An inclusive range of addresses of one family, with an optional explicit port. */
typedef struct sp__range {
    uint8_t family;
    sp__u128 lo, hi;
    int port; /* -1: use the scan's port list */
} sp__range;

typedef struct sp__targets {
    sp__range *given; /* targets as parsed, in order */
    size_t n_given, cap_given;
    sp__range *excl;
    size_t n_excl, cap_excl;
    /* Set by sp__targets_finalize: */
    sp__range *ranges;
    uint64_t *cum; /* cum[i]: (address, port) pairs in ranges[0..i] */
    size_t n_ranges;
    uint64_t pairs;        /* total (address, port) pairs */
    uint64_t addresses;    /* total distinct addresses */
    const uint16_t *ports; /* default port list (borrowed) */
    size_t n_ports;
} sp__targets;

/* Largest index space we accept; beyond it a scan could never finish. */
#define SP__MAX_PAIRS (((uint64_t)1) << 48)

void sp__targets_init(sp__targets *t);
void sp__targets_free(sp__targets *t);

/* How host names are resolved: getaddrinfo() unless a test or fuzz target
 * installs a stub, so that it can feed any text without a DNS query. */
typedef int (*sp__resolve_fn)(const char *name, int *family, uint8_t addr[16]);
void sp__targets_set_resolver(sp__resolve_fn fn);

/* Parses one token (no commas). allow_port: whether ":PORT" is accepted.
 * Returns 0 or an sp_code, with a message naming the token in err. */
int sp__target_parse(const char *token, int allow_port, sp__range *out, char *err, size_t errlen);

/* Add a target / exclude spec; commas and whitespace separate several tokens. */
int sp__targets_add(sp__targets *t, const char *spec, char *err, size_t errlen);
int sp__targets_exclude(sp__targets *t, const char *spec, char *err, size_t errlen);

/* Subtracts excludes, merges overlaps, computes counts. The port list is
 * borrowed and must outlive the target set. Can be called again after adds. */
int sp__targets_finalize(sp__targets *t, const uint16_t *ports, size_t n_ports, char *err,
                         size_t errlen);

/* The index-th (address, port) pair, 0 <= index < t->pairs. */
void sp__targets_get(const sp__targets *t, uint64_t index, sp__addr *addr, uint16_t *port);

/* 1 if the (finalized) target set holds the address, on any port. */
int sp__targets_contains(const sp__targets *t, const sp__addr *a);

/* Parses "5060,5080,5060-5070" into a sorted, de-duplicated array (malloc'd). */
int sp__ports_parse(const char *list, uint16_t **out, size_t *n, char *err, size_t errlen);

/* Formats an address as text ("127.0.0.1", "::1"). */
void sp__addr_format(const sp__addr *a, char *buf, size_t len);
/* Formats "ip:port" or "[ip]:port". */
void sp__addr_format_port(const sp__addr *a, uint16_t port, char *buf, size_t len);
/* 1 if two addresses are the same. */
int sp__addr_equal(const sp__addr *a, const sp__addr *b);

#endif
