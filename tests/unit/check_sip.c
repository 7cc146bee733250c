/* Header lookup in a raw SIP message (sip/header.c): full and compact
 * names, case, whitespace before the colon, folding, empty values, and the
 * body left alone. */
#include "suites.h"
#include "sip/header.h"
#include "sip/parse_arena.h"
#include "sip/sipmsg.h"

#include <osipparser2/osip_port.h>

#include <stdio.h>
#include <string.h>

/* The value of header name in msg as a string ("" when empty), or NULL. */
static const char *find(const char *msg, const char *name)
{
    static char out[256];
    const char *v;
    size_t n;
    if (!sp__sip_header_find(msg, strlen(msg), name, &v, &n))
        return NULL;
    ck_assert_uint_lt(n, sizeof(out));
    memcpy(out, v, n);
    out[n] = '\0';
    return out;
}

START_TEST(test_header_full_and_compact_names)
{
    const char *m = "SIP/2.0 200 OK\r\nv: SIP/2.0/UDP a\r\nCall-ID: abc@h\r\nl: 5\r\n"
                    "Content-Type: application/sdp\r\n\r\nhello";
    ck_assert_str_eq(find(m, "Call-ID"), "abc@h");
    ck_assert_str_eq(find(m, "i"), "abc@h"); /* asked by the compact form */
    ck_assert_str_eq(find(m, "Content-Length"), "5");
    ck_assert_str_eq(find(m, "l"), "5");
    ck_assert_str_eq(find(m, "Via"), "SIP/2.0/UDP a");
    ck_assert_str_eq(find(m, "c"), "application/sdp");
    ck_assert_ptr_null(find(m, "From"));
    ck_assert_ptr_null(find(m, "f"));
    ck_assert_ptr_null(find(m, "Call")); /* a prefix is not the name */
    ck_assert_ptr_null(find(m, "Call-ID-X"));
}
END_TEST

START_TEST(test_header_every_compact_form)
{
    static const char *const pairs[][2] = {
        {"i", "Call-ID"},
        {"m", "Contact"},
        {"e", "Content-Encoding"},
        {"l", "Content-Length"},
        {"c", "Content-Type"},
        {"f", "From"},
        {"s", "Subject"},
        {"k", "Supported"},
        {"t", "To"},
        {"v", "Via"},
        {"o", "Event"},
        {"r", "Refer-To"},
        {"b", "Referred-By"},
        {"u", "Allow-Events"},
        {"x", "Session-Expires"},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        const char *c = pairs[i][0], *full = pairs[i][1];
        ck_assert_msg(sp__sip_header_name_is(c, 1, full), "%s is %s", c, full);
        ck_assert_msg(sp__sip_header_name_is(full, strlen(full), c), "%s is %s", full, c);
        char upper = (char)(c[0] - 'a' + 'A');
        ck_assert_msg(sp__sip_header_name_is(&upper, 1, full), "%c is %s", upper, full);
    }
    ck_assert(!sp__sip_header_name_is("a", 1, "Call-ID"));
    ck_assert(!sp__sip_header_name_is("i", 1, "Contact"));
    ck_assert(!sp__sip_header_name_is("i", 1, "l"));
    ck_assert(!sp__sip_header_name_is("CSeq", 4, "c"));
    ck_assert(sp__sip_header_name_is("CSeq", 4, "cseq"));
}
END_TEST

START_TEST(test_header_case_and_whitespace)
{
    const char *m = "INVITE sip:100@h SIP/2.0\r\nCALL-ID \t: x1\r\ncontent-LENGTH:7  \r\n"
                    "L : 9\r\nX-Token:\tsecret\t\r\n\r\n";
    ck_assert_str_eq(find(m, "call-id"), "x1");       /* space and tab before the colon */
    ck_assert_str_eq(find(m, "Content-Length"), "7"); /* the first one wins */
    ck_assert_str_eq(find(m, "x-token"), "secret");
    /* Bare LF line ends. */
    const char *lf = "SIP/2.0 200 OK\nTo: <sip:a@b>\nt: ignored\n\nbody";
    ck_assert_str_eq(find(lf, "t"), "<sip:a@b>");
}
END_TEST

START_TEST(test_header_not_in_body)
{
    const char *m = "SIP/2.0 200 OK\r\nVia: a\r\n\r\nCall-ID: in-the-body\r\nl: 3\r\n";
    ck_assert_ptr_null(find(m, "Call-ID"));
    ck_assert_ptr_null(find(m, "Content-Length"));
    const char *lf = "SIP/2.0 200 OK\nVia: a\n\nSubject: body\n";
    ck_assert_ptr_null(find(lf, "Subject"));
    /* The start line is not a header, and keep-alives before it are skipped. */
    const char *ka = "\r\n\r\nSubject: start line\r\nSubject: real\r\n\r\n";
    ck_assert_str_eq(find(ka, "s"), "real");
    /* A header section cut short (no empty line yet) is searched to its end. */
    const char *cut = "SIP/2.0 200 OK\r\nVia: a\r\nCall-ID: c";
    ck_assert_str_eq(find(cut, "i"), "c");
}
END_TEST

START_TEST(test_header_folded_and_empty_values)
{
    const char *m = "SIP/2.0 200 OK\r\nSubject: lunch\r\n  at noon\r\n\tsharp\r\n"
                    "Supported:\r\nAllow:   \r\nWarning:\r\n 399 h \"x\"\r\nTo: <sip:a@b>\r\n\r\n";
    ck_assert_str_eq(find(m, "s"), "lunch\r\n  at noon\r\n\tsharp");
    ck_assert_str_eq(find(m, "k"), "");
    ck_assert_str_eq(find(m, "Allow"), "");
    ck_assert_str_eq(find(m, "Warning"), "399 h \"x\""); /* folded from the first line */
    ck_assert_str_eq(find(m, "To"), "<sip:a@b>");        /* after the folded lines */

    /* The walk sees each header once, continuation lines included. */
    size_t pos = 0, n = 0;
    sp__sip_header h;
    while (sp__sip_header_next(m, strlen(m), &pos, &h))
        n++;
    ck_assert_uint_eq(n, 5);
}
END_TEST

START_TEST(test_header_body_start)
{
    size_t body = 0;
    const char *m = "SIP/2.0 200 OK\r\nl: 5\r\n\r\nhello";
    ck_assert(sp__sip_body_start(m, strlen(m), &body));
    ck_assert_str_eq(m + body, "hello");
    const char *lf = "SIP/2.0 200 OK\nl: 5\n\nhello";
    ck_assert(sp__sip_body_start(lf, strlen(lf), &body));
    ck_assert_str_eq(lf + body, "hello");
    ck_assert(!sp__sip_body_start(m, 20, &body));
}
END_TEST

/* sp__parsed keeps its strings in blocks of its own: values larger than a
 * block, and lists whose arrays grow across blocks, all come back whole. */
START_TEST(test_parsed_values_across_blocks)
{
    static char msg[65536];
    char big[3000];
    memset(big, 'v', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    size_t n =
        (size_t)snprintf(msg, sizeof(msg),
                         "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
                         "Call-ID: abc\r\nFrom: <sip:a@192.0.2.1>;tag=1\r\n"
                         "To: <sip:b@192.0.2.2>;tag=2\r\nCSeq: 1 OPTIONS\r\n"
                         "Server: %s\r\n",
                         big);
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(msg + n, sizeof(msg) - n, "Supported: tag%d\r\nX-Pad-%d: %.200s\r\n",
                              i, i, big);
    n += (size_t)snprintf(msg + n, sizeof(msg) - n, "Content-Length: 0\r\n\r\n");
    sp__parsed p;
    ck_assert_int_eq(sp__sipmsg_parse(msg, n, &p), 0);
    ck_assert_str_eq(p.server, big);
    ck_assert_uint_eq(p.supported.n, 40);
    for (int i = 0; i < 40; i++) {
        char tag[16];
        snprintf(tag, sizeof(tag), "tag%d", i);
        ck_assert_str_eq(p.supported.v[i], tag);
    }
    ck_assert_uint_eq(p.headers.n, 64); /* "Name: value" lines are capped at 64 */
    ck_assert_str_eq(p.to_tag, "2");
    ck_assert_str_eq(p.call_id, "abc");
    ck_assert_ptr_nonnull(
        strstr(p.header_order, "Via,Call-ID,From,To,CSeq,Server,Supported,X-Pad-0,"));
    sp__parsed_free(&p);
    ck_assert_ptr_null(p.server);
    sp__parsed_free(&p); /* harmless twice */
}
END_TEST

/* libosip2's allocations during a parse come from a per-thread arena
 * (sip/parse_arena.c); outside one they are the C library's. */
START_TEST(test_parse_arena_hooks)
{
    sp__sipmsg_global_init(); /* installs the hooks */
    char *outside = osip_malloc(32);
    ck_assert_ptr_nonnull(outside);
    strcpy(outside, "kept across parses");
    sp__parse_arena_begin();
    char *a = osip_malloc(10), *b = osip_malloc(100);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq((uintptr_t)a % 16, 0);
    ck_assert_uint_eq((uintptr_t)b % 16, 0);
    ck_assert(b >= a + 10); /* no overlap */
    memcpy(a, "123456789", 10);
    a = osip_realloc(a, 5000); /* grows, the content kept */
    ck_assert_str_eq(a, "123456789");
    char *huge = osip_malloc(100000); /* larger than the arena: malloc's */
    ck_assert_ptr_nonnull(huge);
    memset(huge, 'x', 100000);
    huge = osip_realloc(huge, 120000);
    ck_assert_int_eq(huge[99999], 'x');
    osip_free(huge);
    osip_free(a);
    osip_free(b);
    sp__parse_arena_end();
    ck_assert_str_eq(outside, "kept across parses");
    osip_free(outside);
}
END_TEST

/* A message whose parse needs more than the arena: the rest spills to
 * malloc, and the values are the same. */
START_TEST(test_parse_larger_than_arena)
{
    static char msg[65536];
    size_t n =
        (size_t)snprintf(msg, sizeof(msg),
                         "SIP/2.0 404 Not Here\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\n"
                         "Call-ID: big\r\nFrom: <sip:a@192.0.2.1>;tag=f\r\n"
                         "To: <sip:b@192.0.2.2>;tag=t\r\nCSeq: 7 OPTIONS\r\n");
    for (int i = 0; n < sizeof(msg) - 400; i++)
        n += (size_t)snprintf(msg + n, sizeof(msg) - n, "X-Long-%d: %0200d\r\n", i, i);
    n +=
        (size_t)snprintf(msg + n, sizeof(msg) - n, "Server: last one\r\nContent-Length: 0\r\n\r\n");
    for (int round = 0; round < 3; round++) { /* the arena is reused after a spill */
        sp__parsed p;
        ck_assert_int_eq(sp__sipmsg_parse(msg, n, &p), 0);
        ck_assert_int_eq(p.status, 404);
        ck_assert_str_eq(p.reason, "Not Here");
        ck_assert_str_eq(p.server, "last one");
        ck_assert_str_eq(p.from_tag, "f");
        ck_assert_int_eq(p.cseq_number, 7);
        ck_assert_uint_eq(p.headers.n, 64);
        sp__parsed_free(&p);
    }
}
END_TEST

Suite *sip_suite(void)
{
    Suite *s = suite_create("sip");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_header_full_and_compact_names);
    tcase_add_test(tc, test_header_every_compact_form);
    tcase_add_test(tc, test_header_case_and_whitespace);
    tcase_add_test(tc, test_header_not_in_body);
    tcase_add_test(tc, test_header_folded_and_empty_values);
    tcase_add_test(tc, test_header_body_start);
    tcase_add_test(tc, test_parsed_values_across_blocks);
    tcase_add_test(tc, test_parse_arena_hooks);
    tcase_add_test(tc, test_parse_larger_than_arena);
    suite_add_tcase(s, tc);
    return s;
}
