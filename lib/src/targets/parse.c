/* One target token parsed into an address range with its port and
 * transport: addresses, CIDRs, ranges, zones, host names, host:port and
 * URIs. Target sets (targets.c) are built from these. */
#include "targets/internal.h"

#include "common/util.h"
#include "sipprobe/sipprobe.h"

#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

int sp__target_fail(char *err, size_t errlen, int code, const char *token, const char *why)
{
    snprintf(err, errlen, "malformed target '%s': %s", token, why);
    return code;
}

/* Parses an IPv4 or IPv6 literal (no port) into a value. Returns family or 0. */
static int parse_literal(const char *s, sp__u128 *v)
{
    sp__addr a;
    if (strchr(s, '%') || sp__addr_parse(s, &a) != 0)
        return 0;
    *v = sp__u128_from_addr(a.bytes, a.family);
    return a.family;
}

static int address_like(const char *host);

static int looks_numeric(const char *s)
{
    for (; *s; s++)
        if (!isdigit((unsigned char)*s) && *s != '.')
            return 0;
    return 1;
}

static int valid_hostname(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '-' && c != '.' && c != '_')
            return 0;
        if (c == '.' && i + 1 < n && s[i + 1] == '.')
            return 0;
    }
    return 1;
}

static int set_range(sp__range *out, int family, sp__u128 lo, sp__u128 hi)
{
    out->family = (uint8_t)family;
    out->lo = lo;
    out->hi = hi;
    return 0;
}

/* "addr/len" (work cut at the slash): host bits set in the address are
 * cleared, as nmap does. */
static int parse_cidr(const char *work, const char *len, const char *token, sp__range *out,
                      char *err, size_t errlen)
{
    sp__u128 lo;
    int fam = parse_literal(work, &lo);
    if (!fam)
        return sp__target_fail(err, errlen, SP_ETARGET, token, "not an IP address before '/'");
    int bits = fam == 4 ? 32 : 128;
    if (!*len || strlen(len) > 3 || strspn(len, "0123456789") != strlen(len))
        return sp__target_fail(err, errlen, SP_ETARGET, token, "bad prefix length");
    int plen = atoi(len);
    if (plen > bits)
        return sp__target_fail(err, errlen, SP_ETARGET, token, "prefix length out of range");
    sp__u128 hostmask;
    if (plen == bits)
        hostmask = 0;
    else if (bits - plen == 128)
        hostmask = ~(sp__u128)0;
    else
        hostmask = (((sp__u128)1) << (bits - plen)) - 1;
    lo &= ~hostmask;
    return set_range(out, fam, lo, lo | hostmask);
}

/* "a-b", or "10.0.0.1-50" where the end replaces the last octet; lo is the
 * start, already parsed (family fam). */
static int parse_range(int fam, sp__u128 lo, const char *rest, const char *token, sp__range *out,
                       char *err, size_t errlen)
{
    sp__u128 hi;
    int fam2 = parse_literal(rest, &hi);
    if (fam2 == 0 && fam == 4) {
        if (!*rest || strlen(rest) > 3 || !looks_numeric(rest) || strchr(rest, '.'))
            return sp__target_fail(err, errlen, SP_ETARGET, token, "bad range end");
        int last = atoi(rest);
        if (last > 255)
            return sp__target_fail(err, errlen, SP_ETARGET, token, "range end octet above 255");
        hi = (lo & ~(sp__u128)0xff) | (sp__u128)last;
    } else if (fam2 != fam) {
        return sp__target_fail(err, errlen, SP_ETARGET, token,
                               "range ends are not the same family");
    }
    if (hi < lo)
        return sp__target_fail(err, errlen, SP_ETARGET, token, "range end is below its start");
    return set_range(out, fam, lo, hi);
}

/* A zone names the interface of a link-local IPv6 address: "fe80::1%eth0",
 * or "%25eth0" as RFC 6874 writes it in URIs (work cut at the '%'). */
static int parse_zoned(const char *work, const char *zone, const char *token, sp__range *out,
                       char *err, size_t errlen)
{
    sp__u128 lo;
    if (!strncmp(zone, "25", 2) && zone[2])
        zone += 2;
    if (parse_literal(work, &lo) != 6)
        return sp__target_fail(err, errlen, SP_ETARGET, token,
                               "a zone (%...) needs an IPv6 address");
    unsigned idx = sp__zone_index(zone);
    if (idx == 0)
        return sp__target_fail(err, errlen, SP_ETARGET, token, "unknown interface in the zone");
    out->scope = idx;
    return set_range(out, 6, lo, lo);
}

int sp__resolve_system(const char *name, sp__addr *a, char *why, size_t whylen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    int rc = getaddrinfo(name, NULL, &hints, &res);
    if (rc != 0 || !res) {
        if (why)
            snprintf(why, whylen, "%s", gai_strerror(rc));
        return -1;
    }
    const struct addrinfo *pick = res;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
        if (ai->ai_family == AF_INET) {
            pick = ai;
            break;
        }
    uint16_t port;
    sp__addr_from_sockaddr((const struct sockaddr_storage *)(const void *)pick->ai_addr, a, &port);
    freeaddrinfo(res);
    return 0;
}

/* A host name: resolved once, first address (IPv4 preferred), by resolve
 * or, when it is NULL, by getaddrinfo(). */
static int resolve_name(const char *name, sp__resolve_fn resolve, const char *token, sp__range *out,
                        char *err, size_t errlen)
{
    if (resolve) {
        uint8_t a[16];
        int f = 0;
        if (resolve(name, &f, a) != 0) {
            snprintf(err, errlen, "cannot resolve target '%s'", token);
            return SP_ERESOLVE;
        }
        sp__u128 v = sp__u128_from_addr(a, f);
        return set_range(out, f, v, v);
    }
    sp__addr a;
    char why[128];
    if (sp__resolve_system(name, &a, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "cannot resolve target '%s': %s", token, why);
        return SP_ERESOLVE;
    }
    sp__u128 v = sp__u128_from_addr(a.bytes, a.family);
    return set_range(out, a.family, v, v);
}

/* Parses an address part (no port): literal, CIDR, range, or host name. */
static int parse_hostpart(const char *host, const char *token, sp__resolve_fn resolve,
                          sp__range *out, char *err, size_t errlen)
{
    char work[SP__TARGET_TOKEN_MAX];
    snprintf(work, sizeof(work), "%s", host);
    sp__u128 lo;
    int fam;

    char *slash = strchr(work, '/');
    if (slash) {
        *slash = '\0';
        return parse_cidr(work, slash + 1, token, out, err, errlen);
    }
    char *dash = strchr(work, '-');
    if (dash) {
        *dash = '\0';
        if ((fam = parse_literal(work, &lo)) != 0)
            return parse_range(fam, lo, dash + 1, token, out, err, errlen);
        *dash = '-'; /* a host name with a dash */
    }
    char *zone = strchr(work, '%');
    if (zone) {
        *zone = '\0';
        return parse_zoned(work, zone + 1, token, out, err, errlen);
    }
    if ((fam = parse_literal(work, &lo)) != 0)
        return set_range(out, fam, lo, lo);
    if (looks_numeric(work))
        return sp__target_fail(err, errlen, SP_ETARGET, token, "not a valid IPv4 address");
    /* "127.0.60.x" is a mistyped address: refused here, never asked of DNS. */
    if (address_like(work))
        return sp__target_fail(err, errlen, SP_ETARGET, token,
                               "not a valid IPv4 address (a mistyped one?)");
    if (!valid_hostname(work))
        return sp__target_fail(err, errlen, SP_ETARGET, token,
                               "not an address, range, CIDR or host name");
    return resolve_name(work, resolve, token, out, err, errlen);
}

/* Splits "host", "host:port", "[v6]" or "[v6]:port" into host and port. */
static int split_hostport(const char *hp, const char *token, char *host, size_t hostlen, int *port,
                          char *err, size_t errlen)
{
    *port = -1;
    if (hp[0] == '[') {
        const char *close = strchr(hp, ']');
        if (!close)
            return sp__target_fail(err, errlen, SP_ETARGET, token, "missing ']'");
        if ((size_t)(close - hp - 1) >= hostlen)
            return sp__target_fail(err, errlen, SP_ETARGET, token, "address too long");
        memcpy(host, hp + 1, (size_t)(close - hp - 1));
        host[close - hp - 1] = '\0';
        if (close[1] == ':') {
            if (sp__port_parse(close + 2, port) < 0)
                return sp__target_fail(err, errlen, SP_ETARGET, token, "bad port (1-65535)");
        } else if (close[1] != '\0') {
            return sp__target_fail(err, errlen, SP_ETARGET, token, "unexpected text after ']'");
        }
        if (!strchr(host, ':'))
            return sp__target_fail(err, errlen, SP_ETARGET, token,
                                   "brackets are for IPv6 addresses");
        return 0;
    }
    const char *first = strchr(hp, ':');
    const char *last = strrchr(hp, ':');
    snprintf(host, hostlen, "%s", hp);
    if (first && first == last) {
        host[first - hp] = '\0';
        if (sp__port_parse(first + 1, port) < 0)
            return sp__target_fail(err, errlen, SP_ETARGET, token, "bad port (1-65535)");
    }
    /* Several colons: a bare IPv6 literal, CIDR or range, without port. */
    return 0;
}

/* "udp://", "tcp://", "tls://", "ws://", "wss://": returns the transport
 * and skips the scheme; -1 if the token has none of them. */
static int url_scheme(const char **p)
{
    static const struct {
        const char *name;
        int transport;
    } names[] = {{"udp://", SP_TRANSPORT_UDP},
                 {"tcp://", SP_TRANSPORT_TCP},
                 {"tls://", SP_TRANSPORT_TLS},
                 {"wss://", SP_TRANSPORT_WSS},
                 {"ws://", SP_TRANSPORT_WS}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t n = strlen(names[i].name);
        if (!strncasecmp(*p, names[i].name, n)) {
            *p += n;
            return names[i].transport;
        }
    }
    return -1;
}

/* A WebSocket URL's path: after host[:port], "/" then printable ASCII
 * without spaces, at most SP__WS_PATH_MAX - 1 characters. Cuts it off hp. */
static int ws_path(char *hp, const char *token, char *path, size_t pathcap, char *err,
                   size_t errlen)
{
    const char *from = hp[0] == '[' ? strchr(hp, ']') : hp;
    char *slash = from ? strchr(from, '/') : NULL;
    if (!slash)
        return 0;
    size_t n = strlen(slash);
    if (n >= SP__WS_PATH_MAX || n >= pathcap)
        return sp__target_fail(err, errlen, SP_ETARGET, token, "WebSocket path too long");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)slash[i] <= 0x20 || (unsigned char)slash[i] >= 0x7f)
            return sp__target_fail(err, errlen, SP_ETARGET, token,
                                   "a WebSocket path is printable ASCII without spaces");
    memcpy(path, slash, n + 1);
    *slash = '\0';
    return 0;
}

/* A SIP URI (RFC 3261 section 19.1): "sip:" or "sips:", an optional user
 * part, host[:port], then ";param"s of which transport= counts. Rewrites
 * hp to the host[:port] part; returns the transport or -1 (none given). */
static int sip_uri(const char *uri, const char *token, char *hp, size_t hplen, int *transport,
                   char *err, size_t errlen)
{
    int secure = !strncasecmp(uri, "sips:", 5);
    const char *p = uri + (secure ? 5 : 4);
    const char *at = strchr(p, '@');
    const char *semi = strchr(p, ';');
    if (at && (!semi || at < semi))
        p = at + 1;
    size_t n = strcspn(p, ";?");
    if (n == 0 || n >= hplen)
        return sp__target_fail(err, errlen, SP_ETARGET, token, "no host in the SIP URI");
    memcpy(hp, p, n);
    hp[n] = '\0';
    *transport = secure ? SP_TRANSPORT_TLS : -1;
    for (const char *q = p + n; *q == ';';) {
        q++;
        size_t len = strcspn(q, ";?");
        if (len > 10 && !strncasecmp(q, "transport=", 10)) {
            const char *v = q + 10;
            size_t vl = len - 10;
            int t = vl == 3 && !strncasecmp(v, "udp", 3)   ? SP_TRANSPORT_UDP
                    : vl == 3 && !strncasecmp(v, "tcp", 3) ? SP_TRANSPORT_TCP
                    : vl == 3 && !strncasecmp(v, "tls", 3) ? SP_TRANSPORT_TLS
                                                           : -2;
            if (t == -2)
                return sp__target_fail(err, errlen, SP_ETARGET, token,
                                       "transport= must be udp, tcp or tls");
            /* sips: is TLS whatever transport= says (RFC 3261 26.2.2). */
            if (!secure)
                *transport = t;
        }
        q += len;
    }
    return 0;
}

int sp__target_parse(const char *token, int allow_port, sp__range *out, char *err, size_t errlen)
{
    return sp__target_parse_with(token, allow_port, NULL, out, err, errlen);
}

/* Splits a token into its scheme's transport and host[:port] part. */
static int split_scheme(const char *token, char *hp, size_t hplen, int *transport, int *secure,
                        char *path, size_t pathcap, char *err, size_t errlen)
{
    const char *rest = token;
    *secure = 0;
    path[0] = '\0';
    if ((*transport = url_scheme(&rest)) >= 0) {
        snprintf(hp, hplen, "%s", rest);
        if (*transport == SP_TRANSPORT_WS || *transport == SP_TRANSPORT_WSS) {
            int rc = ws_path(hp, token, path, pathcap, err, errlen);
            if (rc)
                return rc;
            if (!strcmp(path, "/"))
                path[0] = '\0'; /* "ws://host/" names no path: try the usual ones */
        }
        size_t l = strlen(hp);
        if (l && hp[l - 1] == '/')
            hp[l - 1] = '\0';
        if (strchr(hp, '@') || strchr(hp, ';') || strchr(hp, '?'))
            return sp__target_fail(err, errlen, SP_ETARGET, token,
                                   "a URL target is scheme://host[:port]");
    } else if (!strncasecmp(token, "sip:", 4) || !strncasecmp(token, "sips:", 5)) {
        *secure = !strncasecmp(token, "sips:", 5);
        int rc = sip_uri(token, token, hp, hplen, transport, err, errlen);
        if (rc)
            return rc;
        if (strchr(hp, '/'))
            return sp__target_fail(err, errlen, SP_ETARGET, token, "a SIP URI names one host");
    } else {
        snprintf(hp, hplen, "%s", token);
        if (strstr(hp, "://"))
            return sp__target_fail(err, errlen, SP_ETARGET, token,
                                   "unknown scheme (udp://, tcp://, tls://, ws://, wss://)");
    }
    return 0;
}

/* "127.0.60.x": four labels, three of them numeric, make a mistyped
 * address, not a name; it is an error at once and never asked of DNS. */
static int address_like(const char *host)
{
    int numeric = 0, labels = 0;
    for (const char *p = host; *p;) {
        size_t n = strcspn(p, ".");
        numeric += n > 0 && strspn(p, "0123456789") == n;
        labels++;
        p += n + (p[n] == '.');
    }
    return labels == 4 && numeric >= 3;
}

/* "10.0.0.1-50": a range, not a name with a dash. */
static int dash_literal(const char *host)
{
    char work[SP__TARGET_TOKEN_MAX];
    sp__u128 v;
    snprintf(work, sizeof(work), "%s", host);
    char *dash = strchr(work, '-');
    if (!dash)
        return 0;
    *dash = '\0';
    return parse_literal(work, &v) != 0;
}

int sp__target_domain(const char *token, char *name, size_t cap, int *transport, int *secure)
{
    char hp[SP__TARGET_TOKEN_MAX], host[SP__TARGET_TOKEN_MAX], err[8], path[SP__WS_PATH_MAX];
    int port;
    if (strlen(token) >= SP__TARGET_TOKEN_MAX ||
        split_scheme(token, hp, sizeof(hp), transport, secure, path, sizeof(path), err,
                     sizeof(err)) ||
        split_hostport(hp, token, host, sizeof(host), &port, err, sizeof(err)) || port != -1 ||
        path[0])
        return 0; /* a port given: RFC 3263 asks only for its addresses */
    sp__u128 v;
    size_t n = strlen(host);
    /* A domain has a dot; "localhost" and its subdomains never reach DNS. */
    if (!strchr(host, '.') || strpbrk(host, "/%") || parse_literal(host, &v) ||
        looks_numeric(host) || !valid_hostname(host) || dash_literal(host) || address_like(host) ||
        !strcasecmp(host, "localhost.") ||
        (n >= 10 && !strncasecmp(host + n - 10, ".localhost", 10)) ||
        (n >= 11 && !strncasecmp(host + n - 11, ".localhost.", 11)) || n >= cap)
        return 0;
    memcpy(name, host, n + 1);
    return 1;
}

int sp__target_parse_with(const char *token, int allow_port, sp__resolve_fn resolve, sp__range *out,
                          char *err, size_t errlen)
{
    char path[SP__WS_PATH_MAX];
    return sp__target_parse_path(token, allow_port, resolve, out, path, sizeof(path), err, errlen);
}

int sp__target_parse_path(const char *token, int allow_port, sp__resolve_fn resolve, sp__range *out,
                          char *path, size_t pathcap, char *err, size_t errlen)
{
    char host[SP__TARGET_TOKEN_MAX], hp[SP__TARGET_TOKEN_MAX];
    int port = -1, transport = -1;
    size_t n = strlen(token);

    memset(out, 0, sizeof(*out));
    out->port = -1;
    out->transport = -1;
    if (n == 0)
        return sp__target_fail(err, errlen, SP_ETARGET, token, "empty");
    if (n >= SP__TARGET_TOKEN_MAX)
        return sp__target_fail(err, errlen, SP_ETARGET, "(too long)", "longer than 511 characters");

    int secure;
    int rc = split_scheme(token, hp, sizeof(hp), &transport, &secure, path, pathcap, err, errlen);
    if (rc)
        return rc;
    if (transport >= 0 && !allow_port)
        return sp__target_fail(err, errlen, SP_ETARGET, token, "a URI is not allowed here");
    rc = split_hostport(hp, token, host, sizeof(host), &port, err, errlen);
    if (rc)
        return rc;
    if (port != -1 && !allow_port)
        return sp__target_fail(err, errlen, SP_ETARGET, token, "a port is not allowed here");
    if (!host[0])
        return sp__target_fail(err, errlen, SP_ETARGET, token, "no address");
    rc = parse_hostpart(host, token, resolve, out, err, errlen);
    if (rc)
        return rc;
    out->port = port;
    out->transport = (int8_t)transport;
    return 0;
}
