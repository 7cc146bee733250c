#include "suites.h"
#include "targets.h"
#include "sipprobe/sipprobe.h"

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

START_TEST(test_targets_excludes)
{
    ck_assert_uint_eq(count_of("127.0.1.0/24", "127.0.1.0/25", p5060, 1), 128);
    ck_assert_uint_eq(count_of("127.0.1.0/24", "127.0.1.10,127.0.1.20-29", p5060, 1), 245);
    ck_assert_uint_eq(count_of("127.0.1.0/24", "127.0.0.0/8", p5060, 1), 0);
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

Suite *targets_suite(void)
{
    Suite *s = suite_create("targets");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_targets_single_ipv4);
    tcase_add_test(tc, test_targets_cidr_counts);
    tcase_add_test(tc, test_targets_ranges);
    tcase_add_test(tc, test_targets_ipv6);
    tcase_add_test(tc, test_targets_hostname);
    tcase_add_test(tc, test_targets_errors_name_the_token);
    tcase_add_test(tc, test_targets_excludes);
    tcase_add_test(tc, test_targets_overlaps_merge);
    tcase_add_test(tc, test_targets_ports_and_explicit_port);
    tcase_add_test(tc, test_targets_too_big);
    suite_add_tcase(s, tc);
    return s;
}
