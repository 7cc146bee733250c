/* One address: its text forms both ways and its socket address. Every
 * module that turns address text into an address or a socket address goes
 * through sp__addr_parse (then sp__addr_to_sockaddr), so zones, brackets
 * and ports are read one way everywhere. */
#ifndef SP_ADDR_H
#define SP_ADDR_H

#include <stddef.h>
#include <stdint.h>

/* An address: family 4 uses bytes[0..3], family 6 all 16. scope is the
 * interface index of a scoped (link-local) IPv6 address, else 0. */
typedef struct sp__addr {
    uint8_t family;
    uint8_t bytes[16];
    uint32_t scope;
} sp__addr;

/* Parses a numeric IPv4 or IPv6 address (no host names, no port). An IPv6
 * address may carry a zone: "fe80::1%eth0", "%3", or "%25eth0" as RFC 6874
 * writes it in URIs. Returns 0, or -1 when the text is not an address or
 * names no interface. */
int sp__addr_parse(const char *text, sp__addr *a);

/* Parses "ip:port" or "[ip]:port" (port 0-65535). Returns 0 or -1. */
int sp__addr_parse_port(const char *text, sp__addr *a, uint16_t *port);

/* A port of 1 to 5 digits, 1-65535, and nothing else. Returns 0 or -1. */
int sp__port_parse(const char *s, int *port);

/* The interface index a zone names (a number or an interface name), or 0. */
unsigned sp__zone_index(const char *zone);

/* Formats an address as text ("127.0.0.1", "::1", "fe80::1%eth0");
 * returns its length. */
size_t sp__addr_format(const sp__addr *a, char *buf, size_t len);
/* Formats "ip:port" or "[ip]:port". */
void sp__addr_format_port(const sp__addr *a, uint16_t port, char *buf, size_t len);
struct sockaddr_storage;
/* Socket address of (a, port), zone included; *len receives its length. */
void sp__addr_to_sockaddr(const sp__addr *a, uint16_t port, struct sockaddr_storage *ss,
                          unsigned *len);
/* The address and port of a socket address (v4-mapped IPv6 becomes IPv4). */
void sp__addr_from_sockaddr(const struct sockaddr_storage *ss, sp__addr *a, uint16_t *port);
/* 1 for addresses outside the public Internet: RFC 1918, CGNAT, link-local
 * and loopback IPv4; unique-local and link-local IPv6. */
int sp__addr_is_private(const sp__addr *a);
/* 1 if two addresses are the same. */
int sp__addr_equal(const sp__addr *a, const sp__addr *b);

#endif
