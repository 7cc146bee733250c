#include "suites.h"
#include "engine/ratelimit.h"

#define SEC 1000000000ull

START_TEST(test_ratelimit_paces_to_rate)
{
    sp__bucket b;
    sp__bucket_init(&b, 1000, 10, 0);
    uint64_t granted = 0;
    /* Ask every 100 us for 10 s of simulated time. */
    for (uint64_t t = 0; t <= 10 * SEC; t += 100000)
        granted += sp__bucket_take(&b, t, 64);
    ck_assert_uint_ge(granted, 9990);
    ck_assert_uint_le(granted, 10011);
}
END_TEST

START_TEST(test_ratelimit_burst_is_capped)
{
    sp__bucket b;
    sp__bucket_init(&b, 100, 5, 0);
    ck_assert_uint_eq(sp__bucket_take(&b, 0, 10), 1); /* starts with one token */
    /* After a long idle time only `burst` tokens are available. */
    ck_assert_uint_eq(sp__bucket_take(&b, 100 * SEC, 100), 5);
    ck_assert_uint_eq(sp__bucket_take(&b, 100 * SEC, 100), 0);
}
END_TEST

START_TEST(test_ratelimit_wait_time)
{
    sp__bucket b;
    sp__bucket_init(&b, 10, 1, 0);
    ck_assert_uint_eq(sp__bucket_take(&b, 0, 1), 1);
    uint64_t w = sp__bucket_wait_ns(&b, 0, 1);
    ck_assert_uint_ge(w, SEC / 10 - 1000);
    ck_assert_uint_le(w, SEC / 10 + 1000);
    ck_assert_uint_eq(sp__bucket_wait_ns(&b, SEC, 1), 0);
}
END_TEST

Suite *ratelimit_suite(void)
{
    Suite *s = suite_create("ratelimit");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_ratelimit_paces_to_rate);
    tcase_add_test(tc, test_ratelimit_burst_is_capped);
    tcase_add_test(tc, test_ratelimit_wait_time);
    suite_add_tcase(s, tc);
    return s;
}
