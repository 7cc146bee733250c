/* IP fragment and TCP stream reassembly for the capture reader. */
#include "suites.h"
#include "capture/reassembly.h"

#include <string.h>

static const uint8_t A[16] = {192, 0, 2, 1}, B[16] = {192, 0, 2, 2};

START_TEST(test_frags_out_of_order)
{
    sp__frags f;
    sp__frags_init(&f);
    uint8_t data[3000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7);
    const uint8_t *out = NULL;
    /* Last first, then the first, then the middle: complete only at the end. */
    ck_assert_int_eq(sp__frags_add(&f, 4, A, B, 9, 17, 2400, 0, data + 2400, 600, 1.0, &out), 0);
    ck_assert_int_eq(sp__frags_add(&f, 4, A, B, 9, 17, 0, 1, data, 1200, 1.0, &out), 0);
    /* Another datagram in between does not mix in. */
    ck_assert_int_eq(sp__frags_add(&f, 4, A, B, 10, 17, 0, 1, data, 800, 1.0, &out), 0);
    long n = sp__frags_add(&f, 4, A, B, 9, 17, 1200, 1, data + 1200, 1200, 1.1, &out);
    ck_assert_int_eq(n, 3000);
    ck_assert_int_eq(memcmp(out, data, 3000), 0);
    /* A fragment that cannot be right: past 64 KiB, or an odd size before the end. */
    ck_assert_int_eq(sp__frags_add(&f, 4, A, B, 11, 17, 65000, 0, data, 1000, 1.0, &out), -1);
    ck_assert_int_eq(sp__frags_add(&f, 4, A, B, 12, 17, 0, 1, data, 1001, 1.0, &out), -1);
    sp__frags_free(&f);
}
END_TEST

START_TEST(test_frags_bounded)
{
    /* More half-done datagrams than slots: the oldest give way, nothing grows. */
    sp__frags f;
    sp__frags_init(&f);
    uint8_t data[8] = {0};
    const uint8_t *out;
    for (uint32_t id = 0; id < 10 * SP__FRAG_SLOTS; id++)
        ck_assert_int_eq(sp__frags_add(&f, 6, A, B, id, 17, 0, 1, data, 8, (double)id, &out), 0);
    int used = 0;
    for (int i = 0; i < SP__FRAG_SLOTS; i++)
        used += f.slot[i].used;
    ck_assert_int_eq(used, SP__FRAG_SLOTS);
    sp__frags_free(&f);
}
END_TEST

static sp__addr addr(const uint8_t *b)
{
    sp__addr a = {.family = 4};
    memcpy(a.bytes, b, 4);
    return a;
}

START_TEST(test_tcp_in_order_out_of_order_retransmit)
{
    sp__tcp_flows t;
    ck_assert_int_eq(sp__tcp_flows_init(&t), 0);
    sp__addr a = addr(A), b = addr(B);
    const char *text = "0123456789abcdefghij";
    ck_assert_ptr_null(sp__tcp_add(&t, &a, 5060, &b, 40000, 999, 1, 0, NULL, 0, 1));
    sp__tcp_flow *f = sp__tcp_add(&t, &a, 5060, &b, 40000, 1000, 0, 0, (const uint8_t *)text, 5, 1);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->len, 5);
    /* 15..19 before 5..14: held until the gap fills. */
    f = sp__tcp_add(&t, &a, 5060, &b, 40000, 1015, 0, 0, (const uint8_t *)text + 15, 5, 2);
    ck_assert_uint_eq(f->len, 5);
    /* A retransmission of 0..9 adds only 5..9. */
    f = sp__tcp_add(&t, &a, 5060, &b, 40000, 1000, 0, 0, (const uint8_t *)text, 10, 3);
    ck_assert_uint_eq(f->len, 10);
    f = sp__tcp_add(&t, &a, 5060, &b, 40000, 1010, 0, 0, (const uint8_t *)text + 10, 5, 4);
    ck_assert_uint_eq(f->len, 20);
    ck_assert_int_eq(memcmp(f->buf, text, 20), 0);
    sp__tcp_consume(f, 12);
    ck_assert_uint_eq(f->len, 8);
    ck_assert_int_eq(memcmp(f->buf, "cdefghij", 8), 0);
    /* The other direction is another flow. */
    sp__tcp_flow *g = sp__tcp_add(&t, &b, 40000, &a, 5060, 7, 0, 0, (const uint8_t *)"xyz", 3, 5);
    ck_assert_ptr_ne(f, g);
    ck_assert_uint_eq(g->len, 3);
    sp__tcp_flows_free(&t);
}
END_TEST

START_TEST(test_tcp_sequence_wraps)
{
    sp__tcp_flows t;
    ck_assert_int_eq(sp__tcp_flows_init(&t), 0);
    sp__addr a = addr(A), b = addr(B);
    uint32_t seq = 0xfffffffc;
    sp__tcp_flow *f = sp__tcp_add(&t, &a, 1, &b, 2, seq, 0, 0, (const uint8_t *)"abcd", 4, 1);
    f = sp__tcp_add(&t, &a, 1, &b, 2, seq + 4, 0, 0, (const uint8_t *)"efgh", 4, 1);
    ck_assert_uint_eq(f->len, 8);
    ck_assert_int_eq(memcmp(f->buf, "abcdefgh", 8), 0);
    sp__tcp_flows_free(&t);
}
END_TEST

Suite *reassembly_suite(void)
{
    Suite *s = suite_create("reassembly");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_frags_out_of_order);
    tcase_add_test(tc, test_frags_bounded);
    tcase_add_test(tc, test_tcp_in_order_out_of_order_retransmit);
    tcase_add_test(tc, test_tcp_sequence_wraps);
    suite_add_tcase(s, tc);
    return s;
}
