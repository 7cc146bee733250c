/* The capture inventory's glance at raw messages: what it reads of a plain
 * message is what libosip2 gives, and anything unusual is left to libosip2. */
#include "suites.h"
#include "capture/glance.h"
#include "sip/sipmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char REQ[] = "REGISTER sip:192.0.2.1 SIP/2.0\r\n"
                          "Via: SIP/2.0/UDP 192.0.2.9:5062;branch=z9hG4bK1;rport\r\n"
                          "From: \"Al\" <sip:100@192.0.2.1>;tag=1\r\n"
                          "To: \"Al\" <sip:100@192.0.2.1>\r\n"
                          "i: abc@192.0.2.9\r\n"
                          "CSeq: 2 REGISTER\r\n"
                          "User-Agent: Yealink SIP-T46S 66.86.0.15\r\n"
                          "Authorization: Digest realm=\"r\", username=\"alice\", nonce=\"n\", "
                          "uri=\"sip:192.0.2.1\", response=\"00\"\r\n"
                          "Content-Length: 0\r\n\r\n";

static int span_is(sp__span s, const char *want)
{
    return want ? s.p && s.n == strlen(want) && !memcmp(s.p, want, s.n) : s.p == NULL;
}

START_TEST(test_glance_request)
{
    sp__glance g;
    ck_assert_int_eq(sp__glance_read(REQ, strlen(REQ), &g), 1);
    ck_assert_int_eq(g.status, 0);
    ck_assert(span_is(g.method, "REGISTER"));
    ck_assert(span_is(g.call_id, "abc@192.0.2.9"));
    ck_assert_int_eq(g.cseq_number, 2);
    ck_assert(span_is(g.cseq_method, "REGISTER"));
    ck_assert(span_is(g.user_agent, "Yealink SIP-T46S 66.86.0.15"));
    ck_assert(span_is(g.to_user, "100"));
    ck_assert_int_eq(g.authorized, 1);
    ck_assert(span_is(g.auth_user, "alice"));
    ck_assert_int_eq(g.has_body, 0);
}
END_TEST

/* Replaces the first occurrence of from by to in REQ. */
static char *variant(const char *from, const char *to)
{
    static char buf[2048];
    const char *at = strstr(REQ, from);
    ck_assert_ptr_nonnull(at);
    snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - REQ), REQ, to, at + strlen(from));
    return buf;
}

START_TEST(test_glance_leaves_the_unusual_to_libosip2)
{
    static const char *const cases[][2] = {
        {"CSeq: 2 REGISTER\r\n", "CSeq: 2 REGISTER\r\n  continued\r\n"},  /* folded */
        {"CSeq: 2 REGISTER\r\n", "CSeq: 2 REGISTER\rX: y\r\n"},           /* a bare CR */
        {"CSeq: 2 REGISTER\r\n", "CSeq: 2 REGISTER\r\nCall-ID: x@y\r\n"}, /* two Call-IDs */
        {"CSeq: 2 REGISTER", "CSeq: 2  REGISTER"},                        /* two spaces */
        {"CSeq: 2 REGISTER\r\n", "CSeq: 2 REGISTER\r\nNo colon here\r\n"},
        {"Digest realm", "Basic realm"},
        {"username=\"alice\"", "username=\"al\\\"ice\""},
        {"To: \"Al\" <sip:100@", "To: <sip:1%30@"}, /* an escape libosip2 rewrites */
        {"i: abc@192.0.2.9", "i: abc @192.0.2.9"},
        {"Content-Length: 0", "Content-Type: multipart/mixed\r\nContent-Length: 0"},
        {"Content-Length: 0", "Content-Type: nonsense\r\nContent-Length: 0"},
        {"Content-Length: 0\r\n\r\n", "Content-Length: 0\r\n"}, /* the headers do not end */
        {"SIP/2.0\r\n", "SIP/2.1\r\n"},
    };
    sp__glance g;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *m = variant(cases[i][0], cases[i][1]);
        ck_assert_msg(!sp__glance_read(m, strlen(m), &g), "case %zu read as plain", i);
    }
    char nul[sizeof(REQ)];
    memcpy(nul, REQ, sizeof(REQ));
    nul[40] = '\0';
    ck_assert_int_eq(sp__glance_read(nul, sizeof(REQ) - 1, &g), 0);
}
END_TEST

/* The user of a URI as the inventory takes it: "sip:100@host" gives "100". */
static void uri_user(const char *uri, char *out, size_t cap)
{
    out[0] = '\0';
    const char *colon = uri ? strchr(uri, ':') : NULL, *at = uri ? strchr(uri, '@') : NULL;
    if (colon && at && at > colon)
        snprintf(out, cap, "%.*s", (int)(at - colon - 1), colon + 1);
}

static void agrees(const char *m, size_t n, const char *name)
{
    sp__glance g;
    sp__parsed p;
    if (!sp__glance_read(m, n, &g))
        return;
    ck_assert_msg(sp__sipmsg_parse(m, n, &p) == 0, "%s: plain but libosip2 refuses it", name);
    ck_assert_int_eq(g.status, p.status);
    ck_assert_msg(g.status || span_is(g.method, p.method), "%s: method", name);
    ck_assert_msg(span_is(g.call_id, p.call_id), "%s: Call-ID", name);
    ck_assert_msg(span_is(g.cseq_method, p.cseq_method), "%s: CSeq method", name);
    ck_assert_int_eq(g.cseq_number, p.cseq_number);
    ck_assert_msg(span_is(g.user_agent, p.user_agent), "%s: User-Agent", name);
    ck_assert_int_eq(g.authorized, p.authorized);
    ck_assert_msg(span_is(g.auth_user, p.auth_user), "%s: username", name);
    char user[64], mine[64];
    uri_user(p.to_uri, user, sizeof(user));
    snprintf(mine, sizeof(mine), "%.*s", (int)g.to_user.n, g.to_user.p ? g.to_user.p : "");
    ck_assert_str_eq(mine, user);
    sp__parsed_free(&p);
}

START_TEST(test_glance_agrees_with_libosip2)
{
    static const char *const personas[] = {"3cx",
                                           "asterisk",
                                           "bt-homehub5",
                                           "cisco-spa504g",
                                           "freepbx",
                                           "freeswitch",
                                           "fritzbox",
                                           "kamailio",
                                           "grandstream-ht801",
                                           "opensips",
                                           "open-registrar",
                                           "nat-pbx",
                                           "polycom-vvx410",
                                           "yealink-t46s",
                                           "hidden-asterisk"};
    int plain = 0;
    for (size_t i = 0; i < sizeof(personas) / sizeof(personas[0]); i++)
        for (int k = 0; k < 2; k++) {
            char rel[128];
            snprintf(rel, sizeof(rel), "replies/%s.%s.sip", personas[i],
                     k ? "REGISTER" : "OPTIONS");
            size_t n;
            char *m = read_fixture(rel, &n);
            ck_assert_ptr_nonnull(m);
            sp__glance g;
            plain += sp__glance_read(m, n, &g);
            agrees(m, n, rel);
            free(m);
        }
    ck_assert_int_ge(plain, 20);
    agrees(REQ, strlen(REQ), "request");
    const char *lf = variant("CSeq: 2 REGISTER\r\n", "CSeq: 2 REGISTER\nX-A: b\n");
    agrees(lf, strlen(lf), "LF endings");
    const char *bare = variant("To: \"Al\" <sip:100@192.0.2.1>", "t: sip:200@192.0.2.1;tag=9");
    agrees(bare, strlen(bare), "To without brackets");
}
END_TEST

Suite *glance_suite(void)
{
    Suite *s = suite_create("glance");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_glance_request);
    tcase_add_test(tc, test_glance_leaves_the_unusual_to_libosip2);
    tcase_add_test(tc, test_glance_agrees_with_libosip2);
    suite_add_tcase(s, tc);
    return s;
}
