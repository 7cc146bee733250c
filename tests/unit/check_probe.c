#include "suites.h"
#include "probe/probe.h"
#include "sip/sipmsg.h"

#include <stdlib.h>
#include <string.h>

static const sp__probe_params params = {"100", "200", "sipprobe/test", 0};

static size_t build(const char *method, char *out, size_t cap)
{
    sp__template t;
    int idx = sp__probe_find(method);
    ck_assert_int_ge(idx, 0);
    ck_assert_int_eq(sp__template_build(&t, sp__probe_get((size_t)idx), &params), 0);
    sp__probe_fields f = {SP__FIELD("127.0.0.5:5080"),
                          SP__FIELD("127.0.0.1:40000"),
                          SP__FIELD("0123456789abcdef"),
                          SP__FIELD("047f00000513d0000000000000001.0123456789abcdef"),
                          SP__FIELD("200"),
                          SP__FIELD("127.0.0.5")};
    size_t n = sp__template_fill(&t, &f, out, cap);
    sp__template_free(&t);
    return n;
}

START_TEST(test_probe_options_parses_back)
{
    char buf[2048];
    size_t n = build("OPTIONS", buf, sizeof(buf) - 1);
    ck_assert_uint_gt(n, 0);
    buf[n] = '\0';
    sp__parsed m;
    ck_assert_int_eq(sp__sipmsg_parse(buf, n, &m), 0);
    ck_assert_int_eq(m.status, 0);
    ck_assert_str_eq(m.method, "OPTIONS");
    ck_assert_str_eq(m.request_uri, "sip:200@127.0.0.5:5080");
    ck_assert_str_eq(m.via_branch, "z9hG4bK0123456789abcdef");
    ck_assert_str_eq(m.from_tag, "0123456789abcdef");
    ck_assert_str_eq(m.call_id, "047f00000513d0000000000000001.0123456789abcdef");
    ck_assert_str_eq(m.cseq_method, "OPTIONS");
    ck_assert_str_eq(m.user_agent, "sipprobe/test");
    ck_assert_ptr_null(m.to_tag);
    ck_assert_uint_eq(m.vias.n, 1);
    ck_assert_ptr_nonnull(strstr(m.vias.v[0], "rport"));
    ck_assert_ptr_nonnull(strstr(m.vias.v[0], "SIP/2.0/UDP 127.0.0.1:40000"));
    ck_assert_uint_eq(m.contacts.n, 1);
    ck_assert_ptr_nonnull(strstr(m.contacts.v[0], "sip:100@127.0.0.1:40000"));
    ck_assert_ptr_nonnull(strstr(buf, "\r\nMax-Forwards: 70\r\n"));
    ck_assert_ptr_nonnull(strstr(buf, "\r\nContent-Length: 0\r\n\r\n"));
    ck_assert(memcmp(buf + n - 4, "\r\n\r\n", 4) == 0);
    ck_assert_ptr_null(strstr(buf, "friendly-scanner"));
    ck_assert_ptr_null(strstr(buf, "ZZsp"));
    sp__parsed_free(&m);
}
END_TEST

START_TEST(test_probe_register_parses_back)
{
    char buf[2048];
    size_t n = build("register", buf, sizeof(buf) - 1);
    buf[n] = '\0';
    sp__parsed m;
    ck_assert_int_eq(sp__sipmsg_parse(buf, n, &m), 0);
    ck_assert_str_eq(m.method, "REGISTER");
    ck_assert_str_eq(m.request_uri, "sip:127.0.0.5:5080");
    ck_assert_str_eq(m.cseq_method, "REGISTER");
    ck_assert_str_eq(m.via_branch, "z9hG4bK0123456789abcdef");
    /* Expires: 0 keeps the probe harmless even on an open registrar. */
    ck_assert_ptr_nonnull(strstr(buf, "\r\nExpires: 0\r\n"));
    sp__parsed_free(&m);
}
END_TEST

START_TEST(test_probe_rejects_marker_injection)
{
    sp__template t;
    sp__probe_params evil = {"100", "100", "x ZZspTARGETZZ", 0};
    ck_assert_int_eq(sp__template_build(&t, &sp__probe_options, &evil), -1);
}
END_TEST

START_TEST(test_probe_fill_respects_capacity)
{
    char buf[64];
    ck_assert_uint_eq(build("OPTIONS", buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(test_probe_registry)
{
    ck_assert_int_eq(sp__probe_find("OPTIONS"), 0);
    ck_assert_int_eq(sp__probe_find("REGISTER"), 1);
    ck_assert_int_eq(sp__probe_find("INVITE"), -1);
    ck_assert_ptr_null(sp__probe_get(99));
}
END_TEST

Suite *probe_suite(void)
{
    Suite *s = suite_create("probe");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_probe_options_parses_back);
    tcase_add_test(tc, test_probe_register_parses_back);
    tcase_add_test(tc, test_probe_rejects_marker_injection);
    tcase_add_test(tc, test_probe_fill_respects_capacity);
    tcase_add_test(tc, test_probe_registry);
    suite_add_tcase(s, tc);
    return s;
}
