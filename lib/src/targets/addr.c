#include "targets/addr.h"

#include "common/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int sp__port_parse(const char *s, int *port)
{
    if (!*s || strlen(s) > 5)
        return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    long v = strtol(s, NULL, 10);
    if (v < 1 || v > 65535)
        return -1;
    *port = (int)v;
    return 0;
}

unsigned sp__zone_index(const char *zone)
{
    size_t n = strlen(zone);
    if (n && n < 10 && strspn(zone, "0123456789") == n)
        return (unsigned)strtoul(zone, NULL, 10);
    return n && n < IF_NAMESIZE ? if_nametoindex(zone) : 0;
}

int sp__addr_parse(const char *text, sp__addr *a)
{
    char ip[INET6_ADDRSTRLEN + IF_NAMESIZE + 4];
    memset(a, 0, sizeof(*a));
    if (strlen(text) >= sizeof(ip))
        return -1;
    snprintf(ip, sizeof(ip), "%s", text);
    char *zone = strchr(ip, '%');
    if (zone)
        *zone++ = '\0';
    if (inet_pton(AF_INET, ip, a->bytes) == 1)
        a->family = 4;
    else if (inet_pton(AF_INET6, ip, a->bytes) == 1)
        a->family = 6;
    else
        return -1;
    if (!zone)
        return 0;
    if (!strncmp(zone, "25", 2) && zone[2])
        zone += 2; /* "%25eth0": the percent sign escaped, in a URI */
    if (a->family != 6 || !(a->scope = sp__zone_index(zone)))
        return -1;
    return 0;
}

int sp__addr_parse_port(const char *text, sp__addr *a, uint16_t *port)
{
    char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 4];
    const char *colon;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || (size_t)(close - text - 1) >= sizeof(host) || close[1] != ':')
            return -1;
        memcpy(host, text + 1, (size_t)(close - text - 1));
        host[close - text - 1] = '\0';
        colon = close + 1;
    } else {
        colon = strrchr(text, ':');
        if (!colon || (size_t)(colon - text) >= sizeof(host))
            return -1;
        memcpy(host, text, (size_t)(colon - text));
        host[colon - text] = '\0';
        if (strchr(host, ':'))
            return -1; /* an IPv6 address with a port needs brackets */
    }
    int p = 0;
    if (!strcmp(colon + 1, "0"))
        p = 0;
    else if (sp__port_parse(colon + 1, &p) != 0)
        return -1;
    if (sp__addr_parse(host, a) != 0)
        return -1;
    *port = (uint16_t)p;
    return 0;
}

/* One IPv4 byte in decimal: divisions by constants, no loop. */
static char *put_octet(char *p, unsigned v)
{
    if (v >= 100) {
        *p++ = (char)('0' + v / 100);
        v %= 100;
        *p++ = (char)('0' + v / 10);
    } else if (v >= 10) {
        *p++ = (char)('0' + v / 10);
    }
    *p++ = (char)('0' + v % 10);
    return p;
}

size_t sp__addr_format(const sp__addr *a, char *buf, size_t len)
{
    /* IPv4 by hand: inet_ntop's sprintf was a tenth of the work of sending
     * a probe, and every probe and reply formats its address. */
    if (a->family == 4 && len >= 16) {
        char *p = buf;
        for (int i = 0; i < 4; i++) {
            if (i)
                *p++ = '.';
            p = put_octet(p, a->bytes[i]);
        }
        *p = '\0';
        return (size_t)(p - buf);
    }
    if (!inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->bytes, buf, (socklen_t)len)) {
        snprintf(buf, len, "?");
        return strlen(buf);
    }
    if (a->family == 6 && a->scope) {
        char name[IF_NAMESIZE];
        size_t n = strlen(buf);
        if (if_indextoname(a->scope, name))
            snprintf(buf + n, len - n, "%%%s", name);
        else
            snprintf(buf + n, len - n, "%%%u", a->scope);
    }
    return strlen(buf);
}

void sp__addr_format_port(const sp__addr *a, uint16_t port, char *buf, size_t len)
{
    char ip[80];
    if (a->family == 4) {
        char *p = ip + sp__addr_format(a, ip, sizeof(ip));
        *p++ = ':';
        p += sp__decimal(p, port);
        size_t n = (size_t)(p - ip) < len ? (size_t)(p - ip) : len - 1;
        memcpy(buf, ip, n);
        buf[n] = '\0';
        return;
    }
    sp__addr_format(a, ip, sizeof(ip));
    snprintf(buf, len, "[%s]:%u", ip, port);
}

void sp__addr_to_sockaddr(const sp__addr *a, uint16_t port, struct sockaddr_storage *ss,
                          unsigned *len)
{
    memset(ss, 0, sizeof(*ss));
    if (a->family == 4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        memcpy(&sin->sin_addr, a->bytes, 4);
        *len = sizeof(*sin);
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        sin6->sin6_scope_id = a->scope;
        memcpy(&sin6->sin6_addr, a->bytes, 16);
        *len = sizeof(*sin6);
    }
}

void sp__addr_from_sockaddr(const struct sockaddr_storage *ss, sp__addr *a, uint16_t *port)
{
    memset(a, 0, sizeof(*a));
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
        a->family = 4;
        memcpy(a->bytes, &sin->sin_addr, 4);
        *port = ntohs(sin->sin_port);
    } else {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
        if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            a->family = 4;
            memcpy(a->bytes, sin6->sin6_addr.s6_addr + 12, 4);
        } else {
            a->family = 6;
            memcpy(a->bytes, sin6->sin6_addr.s6_addr, 16);
            a->scope = sin6->sin6_scope_id;
        }
        *port = ntohs(sin6->sin6_port);
    }
}

int sp__addr_equal(const sp__addr *a, const sp__addr *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16) == 0;
}

int sp__addr_is_private(const sp__addr *a)
{
    const uint8_t *b = a->bytes;
    if (a->family == 4)
        return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
               (b[0] == 100 && (b[1] & 0xc0) == 64) || (b[0] == 169 && b[1] == 254) || b[0] == 127;
    return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
}
