#include "suites.h"
#include "targets/targets.h"
#include "common/util.h"
#include "sipprobe/sipprobe.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char err[512];

static void fmt(const sp__addr *a, char *buf)
{
    sp__addr_format(a, buf, 64);
}

static uint64_t count_of(const char *spec, const char *exclude, const uint16_t *ports, size_t np)
{
    sp__targets t;
    sp__targets_init(&t);
    ck_assert_int_eq(sp__targets_add(&t, spec, err, sizeof(err)), 0);
    if (exclude)
        ck_assert_int_eq(sp__targets_exclude(&t, exclude, err, sizeof(err)), 0);
    int rc = sp__targets_finalize(&t, ports, np, 1, err, sizeof(err));
    uint64_t n = rc ? 0 : t.pairs;
    sp__targets_free(&t);
    return n;
}

static const uint16_t p5060[] = {5060};

START_TEST(test_targets_single_ipv4)
{
    sp__range r;
    ck_assert_int_eq(sp__target_parse("192.0.2.7", 1, &r, err, sizeof(err)), 0);
    ck_assert_int_eq(r.family, 4);
    ck_assert(r.lo == r.hi);
    ck_assert_int_eq(r.port, -1);
    ck_assert_int_eq(sp__target_parse("192.0.2.7:5080", 1, &r, err, sizeof(err)), 0);
    ck_assert_int_eq(r.port, 5080);
}
END_TEST

START_TEST(test_targets_cidr_counts)
{
    ck_assert_uint_eq(count_of("127.0.1.0/24", NULL, p5060, 1), 256);
    ck_assert_uint_eq(count_of("127.0.0.0/16", NULL, p5060, 1), 65536);
    ck_assert_uint_eq(count_of("127.0.0.5/32", NULL, p5060, 1), 1);
    /* Host bits are cleared: 127.0.1.77/30 is 127.0.1.76-79. */
    sp__targets t;
    sp__targets_init(&t);
    ck_assert_int_eq(sp__targets_add(&t, "127.0.1.77/30", err, sizeof(err)), 0);
    ck_assert_int_eq(sp__targets_finalize(&t, p5060, 1, 1, err, sizeof(err)), 0);
    sp__addr a;
    uint16_t port;
    char buf[64];
    sp__targets_get(&t, 0, &a, &port, NULL);
    fmt(&a, buf);
    ck_assert_str_eq(buf, "127.0.1.76");
    sp__targets_get(&t, 3, &a, &port, NULL);
    fmt(&a, buf);
    ck_assert_str_eq(buf, "127.0.1.79");
    ck_assert_uint_eq(port, 5060);
    sp__targets_free(&t);
}
END_TEST

START_TEST(test_targets_ranges)
{
    ck_assert_uint_eq(count_of("10.0.0.1-10.0.0.50", NULL, p5060, 1), 50);
    ck_assert_uint_eq(count_of("10.0.0.1-50", NULL, p5060, 1), 50);
    ck_assert_uint_eq(count_of("10.0.0.250-10.0.1.5", NULL, p5060, 1), 12);
    ck_assert_uint_eq(count_of("::1-::10", NULL, p5060, 1), 16);
}
END_TEST

START_TEST(test_targets_ipv6)
{
    sp__range r;
    ck_assert_int_eq(sp__target_parse("::1", 1, &r, err, sizeof(err)), 0);
    ck_assert_int_eq(r.family, 6);
    ck_assert_int_eq(r.port, -1);
    ck_assert_int_eq(sp__target_parse("[::1]:5062", 1, &r, err, sizeof(err)), 0);
    ck_assert_int_eq(r.port, 5062);
    ck_assert_uint_eq(count_of("fd00::/120", NULL, p5060, 1), 256);
    ck_assert_uint_eq(count_of("[fd00::/126]:5060", NULL, p5060, 1), 4);
}
END_TEST

START_TEST(test_targets_hostname)
{
    sp__range r;
    ck_assert_int_eq(sp__target_parse("localhost:5070", 1, &r, err, sizeof(err)), 0);
    ck_assert_int_eq(r.port, 5070);
    ck_assert(r.lo == r.hi);
    /* Unresolvable names are not tried here: that would send a DNS query. */
}
END_TEST

START_TEST(test_targets_errors_name_the_token)
{
    static const char *const bad[] = {
        "127.0.0.300", "127.0.0.1/33", "127.0.0.1:0",  "127.0.0.1:65536",  "127.0.0.1:x",
        "10.0.0.9-5",  "10.0.0.1-300", "[::1",         "[127.0.0.1]:5060", "a..b",
        "-host",       "::1/129",      "10.0.0.1-::2", "127.0.0.1/",       "bad!host",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        sp__range r;
        err[0] = '\0';
        int rc = sp__target_parse(bad[i], 1, &r, err, sizeof(err));
        ck_assert_msg(rc == SP_ETARGET, "'%s' gave %d", bad[i], rc);
        ck_assert_msg(strstr(err, bad[i]) != NULL, "message '%s' does not name '%s'", err, bad[i]);
    }
    sp__range r;
    ck_assert_int_eq(sp__target_parse("127.0.0.1:5060", 0, &r, err, sizeof(err)), SP_ETARGET);
}
END_TEST

/* Address text is made by hand on the hot path: it must match inet_ntop. */
START_TEST(test_targets_ipv4_text)
{
    /* Every byte value in every position. */
    for (unsigned v = 0; v < 256; v++) {
        const uint8_t bytes[4] = {(uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v / 10),
                                  (uint8_t)(v % 7)};
        sp__addr a = {.family = 4};
        memcpy(a.bytes, bytes, 4);
        char want[32], got[32], with_port[40];
        inet_ntop(AF_INET, bytes, want, sizeof(want));
        ck_assert_uint_eq(sp__addr_format(&a, got, sizeof(got)), strlen(want));
        ck_assert_str_eq(got, want);
        sp__addr_format_port(&a, 65535, with_port, sizeof(with_port));
        strcat(want, ":65535");
        ck_assert_str_eq(with_port, want);
    }
    sp__addr six = {.family = 6};
    six.bytes[15] = 1;
    char text[64];
    ck_assert_uint_eq(sp__addr_format(&six, text, sizeof(text)), 3);
    ck_assert_str_eq(text, "::1");
    static const struct {
        unsigned long long v;
        const char *text;
    } numbers[] = {{0, "0"},
                   {9, "9"},
                   {10, "10"},
                   {99, "99"},
                   {100, "100"},
                   {65535, "65535"},
                   {1000000, "1000000"},
                   {18446744073709551615ull, "18446744073709551615"}};
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        char d[24];
        size_t n = sp__decimal(d, numbers[i].v);
        ck_assert_uint_eq(n, strlen(numbers[i].text));
        d[n] = '\0';
        ck_assert_str_eq(d, numbers[i].text);
    }
}
END_TEST

START_TEST(test_targets_excludes)
{
    ck_assert_uint_eq(count_of("127.0.1.0/24", "127.0.1.0/25", p5060, 1), 128);
    ck_assert_uint_eq(count_of("127.0.1.0/24", "127.0.1.10,127.0.1.20-29", p5060, 1), 245);
    ck_assert_uint_eq(count_of("127.0.1.0/24", "127.0.0.0/8", p5060, 1), 0);
    /* IPv6 excludes, and excludes of one family leave the other alone. */
    ck_assert_uint_eq(count_of("fd00::/120", "fd00::/124", p5060, 1), 240);
    ck_assert_uint_eq(count_of("fd00::/120", "fd00::10-fd00::1f,fd00::ff", p5060, 1), 239);
    ck_assert_uint_eq(count_of("fd00::/120,127.0.1.0/30", "127.0.1.0/24", p5060, 1), 256);
    ck_assert_uint_eq(count_of("fd00::/120,127.0.1.0/30", "::/0", p5060, 1), 4);
    /* Exclusion splits a range; the middle address is never produced. */
    sp__targets t;
    sp__targets_init(&t);
    ck_assert_int_eq(sp__targets_add(&t, "127.0.2.1-127.0.2.5", err, sizeof(err)), 0);
    ck_assert_int_eq(sp__targets_exclude(&t, "127.0.2.3", err, sizeof(err)), 0);
    ck_assert_int_eq(sp__targets_finalize(&t, p5060, 1, 1, err, sizeof(err)), 0);
    ck_assert_uint_eq(t.pairs, 4);
    for (uint64_t i = 0; i < t.pairs; i++) {
        sp__addr a;
        uint16_t port;
        char buf[64];
        sp__targets_get(&t, i, &a, &port, NULL);
        fmt(&a, buf);
        ck_assert_str_ne(buf, "127.0.2.3");
    }
    sp__targets_free(&t);
    /* All excluded: a clear error. */
    sp__targets_init(&t);
    sp__targets_add(&t, "127.0.2.1", err, sizeof(err));
    sp__targets_exclude(&t, "127.0.2.1", err, sizeof(err));
    ck_assert_int_eq(sp__targets_finalize(&t, p5060, 1, 1, err, sizeof(err)), SP_ENOTARGETS);
    ck_assert_ptr_nonnull(strstr(err, "excluded"));
    sp__targets_free(&t);
}
END_TEST

START_TEST(test_targets_overlaps_merge)
{
    ck_assert_uint_eq(count_of("127.0.1.0/24 127.0.1.10 127.0.1.200-127.0.2.3", NULL, p5060, 1),
                      260);
}
END_TEST

START_TEST(test_targets_ports_and_explicit_port)
{
    uint16_t *ports;
    size_t n;
    ck_assert_int_eq(sp__ports_parse("5060,5080,5060-5070", &ports, &n, err, sizeof(err)), 0);
    ck_assert_uint_eq(n, 12);
    ck_assert_uint_eq(ports[0], 5060);
    ck_assert_uint_eq(ports[11], 5080);
    /* A target with its own port is probed on that port only. */
    ck_assert_uint_eq(count_of("127.0.0.1 127.0.0.2:5099", NULL, ports, n), 13);
    free(ports);
    static const char *const bad[] = {"", "0", "65536", "5070-5060", "50a", "1,,2", "-5"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(sp__ports_parse(bad[i], &ports, &n, err, sizeof(err)) == SP_EPORT,
                      "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(test_targets_too_big)
{
    sp__targets t;
    sp__targets_init(&t);
    ck_assert_int_eq(sp__targets_add(&t, "fd00::/64", err, sizeof(err)), 0);
    ck_assert_int_eq(sp__targets_finalize(&t, p5060, 1, 1, err, sizeof(err)), SP_ETOOBIG);
    sp__targets_free(&t);
    /* A whole /8 is fine and costs nothing to describe. */
    ck_assert_uint_eq(count_of("10.0.0.0/8", NULL, p5060, 1), 1u << 24);
}
END_TEST

START_TEST(test_targets_uris)
{
    sp__range r;
    ck_assert_int_eq(sp__target_parse("tcp://127.0.0.5:5070", 1, &r, err, sizeof(err)), 0);
    ck_assert_int_eq(r.transport, SP_TRANSPORT_TCP);
    ck_assert_int_eq(r.port, 5070);
    ck_assert_int_eq(sp__target_parse("tls://[::1]:5061/", 1, &r, err, sizeof(err)), 0);
    ck_assert_int_eq(r.transport, SP_TRANSPORT_TLS);
    ck_assert_int_eq(r.family, 6);
    ck_assert_int_eq(r.port, 5061);
    ck_assert_int_eq(sp__target_parse("UDP://10.0.0.0/30", 1, &r, err, sizeof(err)), 0);
    ck_assert_int_eq(r.transport, SP_TRANSPORT_UDP);
    ck_assert(r.hi - r.lo == 3); /* a URL may carry a CIDR; a SIP URI names one host */
    /* SIP URIs: a user part, parameters, transport=; sips: is TLS whatever it says. */
    ck_assert_int_eq(
        sp__target_parse("sip:alice@127.0.0.9:5080;transport=TCP;lr", 1, &r, err, sizeof(err)), 0);
    ck_assert_int_eq(r.transport, SP_TRANSPORT_TCP);
    ck_assert_int_eq(r.port, 5080);
    ck_assert_int_eq(sp__target_parse("sip:127.0.0.9", 1, &r, err, sizeof(err)), 0);
    ck_assert_int_eq(r.transport, -1); /* no transport: the scan's */
    ck_assert_int_eq(r.port, -1);
    ck_assert_int_eq(sp__target_parse("sips:[::1];transport=tcp", 1, &r, err, sizeof(err)), 0);
    ck_assert_int_eq(r.transport, SP_TRANSPORT_TLS);
    ck_assert_int_eq(r.family, 6);
    /* Errors name the token and say what is wrong. */
    ck_assert_int_eq(sp__target_parse("sip:1.2.3.4;transport=sctp", 1, &r, err, sizeof(err)),
                     SP_ETARGET);
    ck_assert_ptr_nonnull(strstr(err, "udp, tcp or tls"));
    ck_assert_int_eq(sp__target_parse("http://1.2.3.4", 1, &r, err, sizeof(err)), SP_ETARGET);
    ck_assert_ptr_nonnull(strstr(err, "'http://1.2.3.4'"));
    ck_assert_int_eq(sp__target_parse("tcp://1.2.3.4/path", 1, &r, err, sizeof(err)), SP_ETARGET);
    ck_assert_int_eq(sp__target_parse("sip:", 1, &r, err, sizeof(err)), SP_ETARGET);
    ck_assert_int_eq(sp__target_parse("tcp://", 1, &r, err, sizeof(err)), SP_ETARGET);
    ck_assert_int_eq(sp__target_parse("sip:10.0.0.0/24", 1, &r, err, sizeof(err)), SP_ETARGET);
    /* Excludes take no URI. */
    ck_assert_int_eq(sp__target_parse("tcp://1.2.3.4", 0, &r, err, sizeof(err)), SP_ETARGET);
}
END_TEST

START_TEST(test_targets_zones)
{
    sp__range r;
    char buf[64];
    ck_assert_int_eq(sp__target_parse("fe80::1%lo", 1, &r, err, sizeof(err)), 0);
    ck_assert_uint_ne(r.scope, 0);
    ck_assert_int_eq(sp__target_parse("[fe80::1%25lo]:5062", 1, &r, err, sizeof(err)), 0);
    ck_assert_int_eq(r.port, 5062);
    uint32_t lo_index = r.scope;
    ck_assert_uint_ne(lo_index, 0);
    ck_assert_int_eq(sp__target_parse("fe80::2%1", 1, &r, err, sizeof(err)), 0);
    ck_assert_uint_eq(r.scope, 1);
    ck_assert_int_eq(sp__target_parse("fe80::1%nosuchif0", 1, &r, err, sizeof(err)), SP_ETARGET);
    ck_assert_ptr_nonnull(strstr(err, "unknown interface"));
    ck_assert_int_eq(sp__target_parse("10.0.0.1%lo", 1, &r, err, sizeof(err)), SP_ETARGET);
    ck_assert_int_eq(sp__target_parse("fe80::1%", 1, &r, err, sizeof(err)), SP_ETARGET);
    /* The zone reaches the address and its text. */
    sp__targets t;
    sp__targets_init(&t);
    ck_assert_int_eq(sp__targets_add(&t, "fe80::1%lo", err, sizeof(err)), 0);
    ck_assert_int_eq(sp__targets_finalize(&t, NULL, 0, 1, err, sizeof(err)), 0);
    sp__addr a;
    uint16_t port;
    sp__targets_get(&t, 0, &a, &port, NULL);
    ck_assert_uint_eq(a.scope, lo_index);
    fmt(&a, buf);
    ck_assert_str_eq(buf, "fe80::1%lo");
    sp__targets_free(&t);
}
END_TEST

static int stub_calls;

/* Every name is 192.0.2.9, without a DNS query. */
static int stub_resolver(const char *name, int *family, uint8_t addr[16])
{
    stub_calls++;
    if (!strcmp(name, "unknown.invalid"))
        return -1;
    *family = 4;
    memset(addr, 0, 16);
    addr[0] = 192;
    addr[2] = 2;
    addr[3] = 9;
    return 0;
}

/* The resolver belongs to a target set: another set, or sp__target_parse,
 * never sees it. */
START_TEST(test_targets_resolver_per_set)
{
    sp__targets a, b;
    sp__targets_init(&a);
    sp__targets_init(&b);
    sp__targets_set_resolver(&a, stub_resolver);
    ck_assert_ptr_null(b.resolve);
    stub_calls = 0;
    ck_assert_int_eq(sp__targets_add(&a, "pbx.example:5070, 192.0.2.1", err, sizeof(err)), 0);
    ck_assert_int_eq(stub_calls, 1);
    ck_assert_int_eq(sp__targets_add(&a, "unknown.invalid", err, sizeof(err)), SP_ERESOLVE);
    ck_assert_ptr_nonnull(strstr(err, "unknown.invalid"));
    ck_assert_int_eq(sp__targets_finalize(&a, p5060, 1, 1, err, sizeof(err)), 0);
    ck_assert_uint_eq(a.pairs, 2);
    sp__addr addr;
    uint16_t port;
    char buf[64];
    sp__targets_get(&a, 1, &addr, &port, NULL);
    fmt(&addr, buf);
    ck_assert_str_eq(buf, "192.0.2.9");
    ck_assert_uint_eq(port, 5070);
    /* Literals never reach the resolver, in either set. */
    ck_assert_int_eq(sp__targets_add(&b, "192.0.2.2", err, sizeof(err)), 0);
    sp__targets_free(&a); /* emptied, still with its resolver */
    ck_assert_ptr_eq(a.resolve, stub_resolver);
    sp__range r;
    ck_assert_int_eq(sp__target_parse_with("sip:pbx.example;transport=tcp", 1, stub_resolver, &r,
                                           err, sizeof(err)),
                     0);
    ck_assert(r.lo == r.hi);
    ck_assert_int_eq(r.transport, SP_TRANSPORT_TCP);
    ck_assert_int_eq(stub_calls, 3);
    sp__targets_free(&a);
    sp__targets_free(&b);
}
END_TEST

/* Address text into an address (targets/addr.c): what the reflector's
 * listen address, the resume journal, the baseline and findings read. */
START_TEST(test_addr_parse)
{
    sp__addr a;
    uint16_t port = 1;
    char buf[64];
    ck_assert_int_eq(sp__addr_parse("192.0.2.7", &a), 0);
    ck_assert_uint_eq(a.family, 4);
    ck_assert_uint_eq(a.bytes[3], 7);
    ck_assert_int_eq(sp__addr_parse("::1", &a), 0);
    ck_assert_uint_eq(a.family, 6);
    ck_assert_uint_eq(a.scope, 0);
    ck_assert_int_eq(sp__addr_parse("fe80::1%lo", &a), 0);
    ck_assert_uint_ne(a.scope, 0);
    uint32_t lo_index = a.scope;
    ck_assert_int_eq(sp__addr_parse("fe80::1%25lo", &a), 0); /* URI form */
    ck_assert_uint_eq(a.scope, lo_index);
    ck_assert_int_eq(sp__addr_parse("fe80::1%7", &a), 0);
    ck_assert_uint_eq(a.scope, 7);
    ck_assert_int_eq(sp__addr_parse("fe80::1%nosuchif0", &a), -1);
    ck_assert_int_eq(sp__addr_parse("10.0.0.1%lo", &a), -1); /* zones are IPv6 only */
    ck_assert_int_eq(sp__addr_parse("fe80::1%", &a), -1);
    ck_assert_int_eq(sp__addr_parse("localhost", &a), -1); /* never a DNS query */
    ck_assert_int_eq(sp__addr_parse("", &a), -1);

    ck_assert_int_eq(sp__addr_parse_port("127.0.0.1:5070", &a, &port), 0);
    ck_assert_uint_eq(port, 5070);
    fmt(&a, buf);
    ck_assert_str_eq(buf, "127.0.0.1");
    ck_assert_int_eq(sp__addr_parse_port("[::1]:5061", &a, &port), 0);
    ck_assert_uint_eq(a.family, 6);
    ck_assert_uint_eq(port, 5061);
    ck_assert_int_eq(sp__addr_parse_port("[fe80::1%lo]:5062", &a, &port), 0);
    ck_assert_uint_eq(a.scope, lo_index);
    ck_assert_int_eq(sp__addr_parse_port("192.0.2.1:0", &a, &port), 0);
    ck_assert_uint_eq(port, 0);
    ck_assert_int_eq(sp__addr_parse_port("::1:5060", &a, &port), -1); /* IPv6 needs [] */
    ck_assert_int_eq(sp__addr_parse_port("127.0.0.1", &a, &port), -1);
    ck_assert_int_eq(sp__addr_parse_port("127.0.0.1:", &a, &port), -1);
    ck_assert_int_eq(sp__addr_parse_port("127.0.0.1:65536", &a, &port), -1);
    ck_assert_int_eq(sp__addr_parse_port("127.0.0.1:50x", &a, &port), -1);
    ck_assert_int_eq(sp__addr_parse_port("[::1]5060", &a, &port), -1);
    ck_assert_int_eq(sp__addr_parse_port("host:5060", &a, &port), -1);
}
END_TEST

START_TEST(test_targets_transports_and_default_ports)
{
    sp__targets t;
    sp__targets_init(&t);
    unsigned all = 1u << SP_TRANSPORT_UDP | 1u << SP_TRANSPORT_TCP | 1u << SP_TRANSPORT_TLS;
    ck_assert_int_eq(
        sp__targets_add(&t, "127.0.0.1 127.0.0.2:5070 sips:127.0.0.3", err, sizeof(err)), 0);
    /* No --ports: udp and tcp 5060, tls 5061; an explicit port on every transport; a URI
     * keeps its own transport. */
    ck_assert_int_eq(sp__targets_finalize(&t, NULL, 0, all, err, sizeof(err)), 0);
    ck_assert_uint_eq(t.pairs, 3 + 3 + 1);
    char seen[7][96];
    for (uint64_t i = 0; i < t.pairs; i++) {
        sp__addr a;
        uint16_t port;
        uint8_t tr;
        char ip[64];
        sp__targets_get(&t, i, &a, &port, &tr);
        fmt(&a, ip);
        snprintf(seen[i], sizeof(seen[i]), "%s %u/%s", ip, port, sp_transport_name(tr));
    }
    const char *want[] = {"127.0.0.1 5060/udp", "127.0.0.1 5060/tcp", "127.0.0.1 5061/tls",
                          "127.0.0.2 5070/udp", "127.0.0.2 5070/tcp", "127.0.0.2 5070/tls",
                          "127.0.0.3 5061/tls"};
    for (int w = 0; w < 7; w++) {
        int found = 0;
        for (int i = 0; i < 7; i++)
            found |= !strcmp(seen[i], want[w]);
        ck_assert_msg(found, "missing %s", want[w]);
    }
    /* With --ports, every transport gets the list. */
    static const uint16_t two[] = {5060, 5080};
    ck_assert_int_eq(sp__targets_finalize(&t, two, 2, 1u << SP_TRANSPORT_TLS, err, sizeof(err)), 0);
    ck_assert_uint_eq(t.pairs, 2 + 1 + 2);
    sp__targets_free(&t);
}
END_TEST

/* Every element of a finalized set as "address port/transport", in index
 * order; checks that sp__targets_index gives each its index back. */
static char **elements(const sp__targets *t)
{
    char **v = calloc(t->pairs + 1, sizeof(*v));
    for (uint64_t i = 0; i < t->pairs; i++) {
        sp__addr a;
        uint16_t port;
        uint8_t tr;
        char ip[64];
        sp__targets_get(t, i, &a, &port, &tr);
        fmt(&a, ip);
        v[i] = malloc(96);
        snprintf(v[i], 96, "%s %u/%s", ip, port, sp_transport_name(tr));
        uint64_t back = ~0ull;
        ck_assert_msg(sp__targets_index(t, &a, port, tr, &back), "%s not found", v[i]);
        ck_assert_msg(back == i, "%s: index %llu, not %llu", v[i], (unsigned long long)back,
                      (unsigned long long)i);
    }
    return v;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The set of spec (with ports and transports) is exactly want[] (any
 * order), each element once. */
static void expect_set(const char *spec, const char *exclude, const uint16_t *ports, size_t np,
                       unsigned transports, const char *const *want, size_t n_want)
{
    sp__targets t;
    sp__targets_init(&t);
    ck_assert_int_eq(sp__targets_add(&t, spec, err, sizeof(err)), 0);
    if (exclude)
        ck_assert_int_eq(sp__targets_exclude(&t, exclude, err, sizeof(err)), 0);
    ck_assert_msg(sp__targets_finalize(&t, ports, np, transports, err, sizeof(err)) == 0, "%s",
                  err);
    ck_assert_msg(t.pairs == n_want, "'%s': %llu elements, not %zu", spec,
                  (unsigned long long)t.pairs, n_want);
    char **got = elements(&t);
    qsort(got, t.pairs, sizeof(*got), str_cmp);
    const char **sorted = malloc((n_want + 1) * sizeof(*sorted));
    memcpy(sorted, want, n_want * sizeof(*sorted));
    qsort(sorted, n_want, sizeof(*sorted), str_cmp);
    for (size_t i = 0; i < n_want; i++)
        ck_assert_msg(!strcmp(got[i], sorted[i]), "'%s': element %s, expected %s", spec, got[i],
                      sorted[i]);
    for (uint64_t i = 0; i < t.pairs; i++)
        free(got[i]);
    free(got);
    free(sorted);
    sp__targets_free(&t);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* One endpoint written three ways is probed once; ranges spelled apart merge. */
START_TEST(test_targets_duplicates_spelled_apart)
{
    unsigned udp = 1u << SP_TRANSPORT_UDP, tcp = 1u << SP_TRANSPORT_TCP;
    unsigned all = udp | tcp | 1u << SP_TRANSPORT_TLS;
    static const char *const one[] = {"127.0.0.1 5060/udp"};
    expect_set("127.0.0.1 127.0.0.1:5060 udp://127.0.0.1:5060 sip:127.0.0.1", NULL, NULL, 0, udp,
               one, 1);
    expect_set("127.0.0.1 127.0.0.1:5060 udp://127.0.0.1:5060", NULL, p5060, 1, udp, one, 1);
    static const char *const four[] = {"127.0.0.0 5060/udp", "127.0.0.1 5060/udp",
                                       "127.0.0.2 5060/udp", "127.0.0.3 5060/udp"};
    expect_set("127.0.0.0/30 127.0.0.1-127.0.0.2 127.0.0.2:5060 udp://127.0.0.3", NULL, NULL, 0,
               udp, four, 4);
    expect_set("127.0.0.1-127.0.0.2 127.0.0.0/30", NULL, p5060, 1, udp, four, 4);
    /* A port of its own adds to what the list gives, once. */
    static const char *const five[] = {"127.0.0.0 5060/udp", "127.0.0.1 5060/udp",
                                       "127.0.0.2 5060/udp", "127.0.0.2 5080/udp",
                                       "127.0.0.3 5060/udp"};
    expect_set("127.0.0.0/30 127.0.0.2:5080 udp://127.0.0.2:5080 127.0.0.2-3", NULL, p5060, 1, udp,
               five, 5);
    /* Transports: a URI names one, a bare target takes the scan's; TLS's default port. */
    static const char *const tr[] = {"127.0.0.1 5060/udp", "127.0.0.1 5060/tcp",
                                     "127.0.0.1 5061/tls", "127.0.0.1 5080/tls"};
    expect_set("127.0.0.1 tcp://127.0.0.1:5060 sip:127.0.0.1;transport=tcp tls://127.0.0.1 "
               "sips:127.0.0.1 tls://127.0.0.1:5080",
               NULL, NULL, 0, all, tr, 4);
    static const char *const tr2[] = {"127.0.0.1 5060/udp", "127.0.0.1 5060/tcp"};
    expect_set("127.0.0.1 tcp://127.0.0.1 127.0.0.1:5060", NULL, NULL, 0, udp, tr2, 2);
    /* A port listed twice counts once. */
    static const uint16_t twice[] = {5080, 5060, 5080};
    static const char *const tw[] = {"127.0.0.1 5060/udp", "127.0.0.1 5080/udp"};
    expect_set("127.0.0.1 127.0.0.1:5080", NULL, twice, 3, udp, tw, 2);
    /* Excludes take an address away from every spelling of it. */
    static const char *const ex[] = {"127.0.0.0 5060/udp", "127.0.0.2 5060/udp",
                                     "127.0.0.3 5060/udp"};
    expect_set("127.0.0.0/30 127.0.0.1:5060 udp://127.0.0.1", "127.0.0.1", NULL, 0, udp, ex, 3);
}
END_TEST

START_TEST(test_targets_duplicates_ipv6_and_zones)
{
    unsigned udp = 1u << SP_TRANSPORT_UDP;
    static const char *const v6[] = {"::1 5060/udp", "::2 5060/udp", "::3 5060/udp", "::3 5099/udp",
                                     "fd00::1 5060/udp"};
    expect_set("::1 [::1]:5060 udp://[::1]:5060 ::0.0.0.1-::3 ::2-::3 [::3]:5099 "
               "sip:[fd00::1] fd00::1/128",
               NULL, p5060, 1, udp, v6, 5);
    /* A zone makes an endpoint of its own; its spellings merge. */
    static const char *const z[] = {"fe80::1 5060/udp", "fe80::1%lo 5060/udp",
                                    "fe80::1%lo 5062/udp"};
    expect_set("fe80::1%lo fe80::1 [fe80::1%25lo]:5060 udp://[fe80::1%lo]:5060 "
               "[fe80::1%lo]:5062 fe80::1-fe80::1",
               NULL, NULL, 0, udp, z, 3);
    /* Both families of one spec stay apart and each is deduplicated. */
    static const char *const both[] = {"127.0.0.1 5060/udp", "::1 5060/udp"};
    expect_set("::1 127.0.0.1 [::1]:5060 127.0.0.1:5060", NULL, NULL, 0, udp, both, 2);
}
END_TEST

/* Overlaps cost no listing: a /8 and a /9 with a port of its own are two
 * ranges, their counts and i-th elements computed. */
START_TEST(test_targets_duplicates_stay_compact)
{
    sp__targets t;
    sp__targets_init(&t);
    ck_assert_int_eq(sp__targets_add(&t,
                                     "10.0.0.0/8 10.0.0.0/9:5080 10.0.0.0-10.255.255.255 "
                                     "udp://10.128.0.0/9 10.0.0.7:5060",
                                     err, sizeof(err)),
                     0);
    ck_assert_int_eq(sp__targets_finalize(&t, p5060, 1, 1, err, sizeof(err)), 0);
    ck_assert_uint_eq(t.pairs, (1u << 24) + (1u << 23));
    ck_assert_uint_eq(t.addresses, 1u << 24);
    ck_assert_uint_eq(t.n_ranges, 2);
    ck_assert_uint_le(t.n_eps, 2);
    sp__addr a;
    uint16_t port;
    uint8_t tr;
    char buf[64];
    uint64_t idx;
    sp__targets_get(&t, 1, &a, &port, &tr); /* 10.0.0.0 on 5060, then 5080 */
    fmt(&a, buf);
    ck_assert_str_eq(buf, "10.0.0.0");
    ck_assert_uint_eq(port, 5080);
    sp__targets_get(&t, t.pairs - 1, &a, &port, &tr);
    fmt(&a, buf);
    ck_assert_str_eq(buf, "10.255.255.255");
    ck_assert_uint_eq(port, 5060);
    ck_assert(sp__targets_index(&t, &a, 5060, SP_TRANSPORT_UDP, &idx));
    ck_assert_uint_eq(idx, t.pairs - 1);
    ck_assert(!sp__targets_index(&t, &a, 5080, SP_TRANSPORT_UDP, &idx));
    ck_assert(!sp__targets_index(&t, &a, 5060, SP_TRANSPORT_TCP, &idx));
    ck_assert_int_eq(sp__addr_parse("11.0.0.0", &a), 0);
    ck_assert(!sp__targets_index(&t, &a, 5060, SP_TRANSPORT_UDP, &idx));
    ck_assert_int_eq(sp__addr_parse("9.255.255.255", &a), 0);
    ck_assert(!sp__targets_index(&t, &a, 5060, SP_TRANSPORT_UDP, &idx));
    ck_assert_int_eq(sp__addr_parse("::ffff:a00:1", &a), 0); /* another family */
    ck_assert(!sp__targets_index(&t, &a, 5060, SP_TRANSPORT_UDP, &idx));
    sp__targets_free(&t);
}
END_TEST

/* Random specs over a few addresses, ports and transports against a
 * brute-force oracle: the set holds exactly the union of what each token
 * asks, each element once, and every index maps back to itself. */
START_TEST(test_targets_duplicates_random)
{
    /* Each token: prefix, a last octet 0-9, suffix. */
    static const char *const forms[][2] = {
        {"127.0.0.", ""},
        {"127.0.0.", ":5060"},
        {"127.0.0.", ":5080"},
        {"udp://127.0.0.", ""},
        {"tcp://127.0.0.", ""},
        {"tls://127.0.0.", ":5060"},
        {"127.0.0.", "-9"},
        {"127.0.0.", "/30"},
        {"sip:127.0.0.", ""},
        {"sips:127.0.0.", ""},
        {"127.0.0.", "-9:5080"},
        {"tcp://127.0.0.", "/31:5080"},
        {"sip:127.0.0.", ";transport=tcp"},
    };
    static const uint16_t plist[] = {5060, 5061, 5080};
    srand(7);
    for (int round = 0; round < 300; round++) {
        char spec[512] = "", exclude[64] = "";
        uint8_t want[16][3][3]; /* address, transport, port index */
        memset(want, 0, sizeof(want));
        unsigned transports = 1 + (unsigned)rand() % 7;
        size_t np = (size_t)(rand() % 4); /* 0: default ports */
        int tokens = 1 + rand() % 6;
        for (int k = 0; k < tokens; k++) {
            char tok[64];
            int f = rand() % (int)N(forms);
            snprintf(tok, sizeof(tok), "%s%u%s", forms[f][0], (unsigned)(rand() % 10), forms[f][1]);
            strcat(spec, k ? " " : "");
            strcat(spec, tok);
        }
        unsigned ex = (unsigned)(rand() % 20);
        if (ex < 10)
            snprintf(exclude, sizeof(exclude), "127.0.0.%u", ex);
        /* The oracle: each token's addresses on its endpoints. */
        sp__targets t;
        sp__targets_init(&t);
        ck_assert_int_eq(sp__targets_add(&t, spec, err, sizeof(err)), 0);
        for (size_t g = 0; g < t.n_given; g++) {
            const sp__range *r = &t.given[g];
            for (unsigned a = (unsigned)r->lo; a <= (unsigned)r->hi; a++) {
                if (exclude[0] && a - 0x7f000000u == ex)
                    continue;
                for (int tr = 0; tr < 3; tr++) {
                    if (r->transport >= 0 ? tr != r->transport : !(transports & (1u << tr)))
                        continue;
                    for (int pi = 0; pi < 3; pi++) {
                        uint16_t p = plist[pi];
                        int on = r->port >= 0 ? p == r->port
                                 : np         ? (size_t)pi < np
                                              : p == sp__default_port(tr);
                        if (on)
                            want[a & 15][tr][pi] = 1;
                    }
                }
            }
        }
        if (exclude[0])
            ck_assert_int_eq(sp__targets_exclude(&t, exclude, err, sizeof(err)), 0);
        uint64_t n_want = 0;
        for (int a = 0; a < 16; a++)
            for (int tr = 0; tr < 3; tr++)
                for (int pi = 0; pi < 3; pi++)
                    n_want += want[a][tr][pi];
        int rc = sp__targets_finalize(&t, plist, np, transports, err, sizeof(err));
        if (n_want == 0) {
            ck_assert_int_eq(rc, SP_ENOTARGETS);
            sp__targets_free(&t);
            continue;
        }
        ck_assert_msg(rc == 0, "'%s': %s", spec, err);
        ck_assert_msg(t.pairs == n_want,
                      "'%s' minus '%s' (ports %zu, transports %u): %llu, not %llu", spec, exclude,
                      np, transports, (unsigned long long)t.pairs, (unsigned long long)n_want);
        for (uint64_t i = 0; i < t.pairs; i++) {
            sp__addr a;
            uint16_t port;
            uint8_t tr;
            sp__targets_get(&t, i, &a, &port, &tr);
            int pi = port == 5060 ? 0 : port == 5061 ? 1 : 2;
            ck_assert_msg(want[a.bytes[3] & 15][tr][pi] == 1,
                          "'%s': element %llu unwanted or twice", spec, (unsigned long long)i);
            want[a.bytes[3] & 15][tr][pi] = 2;
            uint64_t back;
            ck_assert(sp__targets_index(&t, &a, port, tr, &back));
            ck_assert_uint_eq(back, i);
        }
        sp__targets_free(&t);
    }
}
END_TEST

/* Default excludes: special blocks no host can hold leave a target that
 * covers them without lying inside one; a target inside one is probed. */
static uint64_t addresses_of(const char *spec, int keep_special, unsigned *left_out)
{
    sp__targets t;
    sp__targets_init(&t);
    t.keep_special = keep_special;
    ck_assert_int_eq(sp__targets_add(&t, spec, err, sizeof(err)), 0);
    int rc = sp__targets_finalize(&t, p5060, 1, 1, err, sizeof(err));
    uint64_t n = rc ? 0 : t.addresses;
    *left_out = t.left_out;
    sp__targets_free(&t);
    ck_assert_int_eq(t.keep_special, keep_special); /* a setting, kept over free */
    return n;
}

START_TEST(test_targets_default_excludes)
{
    unsigned left;
    /* 0.0.0.0/0 without 0/8, 224/4 and 240/4 (the broadcast address lies in 240/4). */
    ck_assert_uint_eq(addresses_of("0.0.0.0/0", 0, &left),
                      (1ull << 32) - (1ull << 24) - (1ull << 28) - (1ull << 28));
    sp__strv said = {0};
    sp__special_describe(left, &said);
    ck_assert_uint_eq(said.n, 4);
    ck_assert_str_eq(said.v[0], "0.0.0.0/8 (this network)");
    ck_assert_str_eq(said.v[1], "224.0.0.0/4 (multicast)");
    ck_assert_str_eq(said.v[2], "240.0.0.0/4 (reserved)");
    ck_assert_str_eq(said.v[3], "255.255.255.255 (broadcast)");
    sp__strv_free(&said);
    ck_assert_uint_eq(addresses_of("0.0.0.0/0", 1, &left), 1ull << 32);
    ck_assert_uint_eq(left, 0);
    /* Wholly inside a block: probed as asked; 240/4 still loses the broadcast address. */
    ck_assert_uint_eq(addresses_of("224.0.0.0/4", 0, &left), 1ull << 28);
    ck_assert_uint_eq(left, 0);
    ck_assert_uint_eq(addresses_of("239.1.2.3", 0, &left), 1);
    ck_assert_uint_eq(addresses_of("240.0.0.0/4", 0, &left), (1ull << 28) - 1);
    ck_assert_uint_eq(addresses_of("223.255.255.254-224.0.0.1", 0, &left), 2);
    ck_assert_uint_eq(addresses_of("10.0.0.0/8", 0, &left), 1ull << 24); /* nothing special */
    ck_assert_uint_eq(left, 0);
    /* IPv6: the unspecified address and multicast. */
    ck_assert_uint_eq(addresses_of("::-::3", 0, &left), 3);
    /* Two targets: the one inside ff00::/8 is kept. A range across its start is cut. */
    ck_assert_uint_eq(addresses_of("fefe::/124,ff00::/124", 0, &left), 32);
    ck_assert_uint_eq(addresses_of("feff:ffff:ffff:ffff:ffff:ffff:ffff:fff0-ff00::f", 0, &left),
                      16);
    ck_assert_uint_eq(addresses_of("ff02::1", 0, &left), 1);
    /* With a user exclude too, both are subtracted once. */
    sp__targets t;
    sp__targets_init(&t);
    ck_assert_int_eq(sp__targets_add(&t, "223.255.255.0-224.0.0.255", err, sizeof(err)), 0);
    ck_assert_int_eq(sp__targets_exclude(&t, "223.255.255.128/25", err, sizeof(err)), 0);
    ck_assert_int_eq(sp__targets_finalize(&t, p5060, 1, 1, err, sizeof(err)), 0);
    ck_assert_uint_eq(t.addresses, 128);
    sp__targets_free(&t);
}
END_TEST

Suite *targets_suite(void)
{
    Suite *s = suite_create("targets");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_targets_single_ipv4);
    tcase_add_test(tc, test_targets_default_excludes);
    tcase_add_test(tc, test_targets_cidr_counts);
    tcase_add_test(tc, test_targets_ranges);
    tcase_add_test(tc, test_targets_ipv6);
    tcase_add_test(tc, test_targets_hostname);
    tcase_add_test(tc, test_targets_errors_name_the_token);
    tcase_add_test(tc, test_targets_ipv4_text);
    tcase_add_test(tc, test_targets_excludes);
    tcase_add_test(tc, test_targets_overlaps_merge);
    tcase_add_test(tc, test_targets_ports_and_explicit_port);
    tcase_add_test(tc, test_targets_too_big);
    tcase_add_test(tc, test_targets_uris);
    tcase_add_test(tc, test_addr_parse);
    tcase_add_test(tc, test_targets_resolver_per_set);
    tcase_add_test(tc, test_targets_zones);
    tcase_add_test(tc, test_targets_transports_and_default_ports);
    tcase_add_test(tc, test_targets_duplicates_spelled_apart);
    tcase_add_test(tc, test_targets_duplicates_ipv6_and_zones);
    tcase_add_test(tc, test_targets_duplicates_stay_compact);
    tcase_add_test(tc, test_targets_duplicates_random);
    suite_add_tcase(s, tc);
    return s;
}
