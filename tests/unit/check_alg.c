#include "suites.h"
#include "alg/alg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A request as alg-check sends it: token, padding, SDP. */
static void make_request(char *out, size_t cap, const char *token, size_t pad)
{
    char padding[2048];
    memset(padding, 'x', pad);
    padding[pad] = '\0';
    const char *sdp = "v=0\r\no=sipprobe 1 1 IN IP4 192.168.1.20\r\ns=-\r\n"
                      "c=IN IP4 192.168.1.20\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n";
    snprintf(out, cap,
             "INVITE sip:100@203.0.113.2:5060 SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 192.168.1.20:40000;branch=z9hG4bKabc;rport\r\n"
             "From: <sip:100@192.168.1.20:40000>;tag=1\r\nTo: <sip:100@203.0.113.2>\r\n"
             "Call-ID: alg1\r\nCSeq: 1 INVITE\r\nContact: <sip:100@192.168.1.20:40000>\r\n"
             "Max-Forwards: 70\r\nX-Sipprobe-Token: %s\r\nX-Sipprobe-Pad: %s\r\n"
             "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s",
             token, padding, strlen(sdp), sdp);
}

START_TEST(test_alg_reflector_gates_and_echoes)
{
    char req[4096];
    sp__buf reply, echo, subset;
    sp__buf_init(&reply);
    sp__buf_init(&echo);
    sp__buf_init(&subset);

    make_request(req, sizeof(req), "s3cretsecret", 1100);
    ck_assert_int_eq(sp__alg_reply(req, strlen(req), "another-token", &reply), -1);
    ck_assert_int_eq(sp__alg_reply(req, strlen(req), "s3cretsecret", &reply), 0);
    ck_assert_uint_le(reply.len, strlen(req)); /* never an amplifier */
    ck_assert_ptr_nonnull(strstr(reply.data, "SIP/2.0 603 Decline\r\n"));
    ck_assert_ptr_nonnull(strstr(reply.data, "Call-ID: alg1\r\n"));
    ck_assert_int_eq(sp__alg_decode(reply.data, reply.len, &echo), 0);
    sp__alg_subset(req, strlen(req), &subset);
    ck_assert_str_eq(sp__buf_cstr(&echo), sp__buf_cstr(&subset));
    ck_assert_ptr_nonnull(strstr(subset.data, "c=IN IP4 192.168.1.20\n"));
    ck_assert_ptr_nonnull(strstr(subset.data, "Max-Forwards: 70\n"));
    ck_assert_ptr_null(strstr(subset.data, "X-Sipprobe")); /* neither token nor padding echoed */

    /* Without enough padding the answer would be larger than the request: none. */
    make_request(req, sizeof(req), "s3cretsecret", 10);
    ck_assert_int_eq(sp__alg_reply(req, strlen(req), "s3cretsecret", &reply), -1);
    /* A request without a token gets nothing either. */
    ck_assert_int_eq(sp__alg_reply("OPTIONS sip:x SIP/2.0\r\n\r\n", 25, "s3cretsecret", &reply),
                     -1);
    sp__buf_free(&reply);
    sp__buf_free(&echo);
    sp__buf_free(&subset);
}
END_TEST

START_TEST(test_alg_diff)
{
    const char *sent = "INVITE sip:100@203.0.113.2:5060 SIP/2.0\n"
                       "Via: SIP/2.0/UDP 192.168.1.20:40000;branch=z9hG4bKabc\n"
                       "Contact: <sip:100@192.168.1.20:40000>\nMax-Forwards: 70\n"
                       "c=IN IP4 192.168.1.20\n";
    sp__strv ev = {0};
    ck_assert_uint_eq(sp__alg_diff(sent, sent, "INVITE", &ev), 0);
    ck_assert_uint_eq(ev.n, 0);
    const char *got = "INVITE sip:100@203.0.113.2:5060 SIP/2.0\n"
                      "Via: SIP/2.0/UDP 203.0.113.1:40000;branch=z9hG4bKabc\n"
                      "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKalg\n"
                      "Contact: <sip:100@203.0.113.1:40000>\nMax-Forwards: 69\n"
                      "c=IN IP4 203.0.113.1\n";
    ck_assert_uint_eq(sp__alg_diff(sent, got, "INVITE", &ev), 5);
    ck_assert_ptr_nonnull(strstr(ev.v[0], "sent 'Via: SIP/2.0/UDP 192.168.1.20:40000"));
    ck_assert_ptr_nonnull(strstr(ev.v[1], "reflector received 'Contact: <sip:100@203.0.113.1"));
    ck_assert_ptr_nonnull(strstr(ev.v[2], "Max-Forwards: 69"));
    ck_assert_ptr_nonnull(strstr(ev.v[3], "c=IN IP4 203.0.113.1"));
    ck_assert_ptr_nonnull(strstr(ev.v[4], "added in transit: Via: SIP/2.0/UDP 10.0.0.1"));
    sp__strv_free(&ev);
}
END_TEST

/* Regression: the reflector's TCP framer read only "Content-Length:" and
 * cut a message with the compact "l:" form before its body. */
START_TEST(test_alg_reflector_frames_compact_length)
{
    const char *first = "OPTIONS sip:x SIP/2.0\r\nCall-ID: a\r\nl: 5\r\n\r\nhello";
    char buf[256];
    snprintf(buf, sizeof(buf), "%sOPTIONS sip:y SIP/2.0\r\nl: 0\r\n\r\n", first);
    size_t start = 99, len = 0;
    ck_assert_int_eq(sp__alg_frame(buf, strlen(buf), &start, &len), SP__FRAME_OK);
    ck_assert_uint_eq(start, 0);
    ck_assert_uint_eq(len, strlen(first)); /* the body belongs to the first message */
    ck_assert_int_eq(memcmp(buf + len - 5, "hello", 5), 0);
    /* Until the five body bytes are in, the message is not whole. */
    ck_assert_int_eq(sp__alg_frame(first, strlen(first) - 1, &start, &len), SP__FRAME_MORE);
    /* A Content-Length that is not a number drops the connection. */
    const char *bad = "OPTIONS sip:x SIP/2.0\r\nl: five\r\n\r\n";
    ck_assert_int_eq(sp__alg_frame(bad, strlen(bad), &start, &len), SP__FRAME_INVALID);
}
END_TEST

Suite *alg_suite(void)
{
    Suite *s = suite_create("alg");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_alg_reflector_gates_and_echoes);
    tcase_add_test(tc, test_alg_diff);
    tcase_add_test(tc, test_alg_reflector_frames_compact_length);
    suite_add_tcase(s, tc);
    return s;
}
