/* The public handle: modes, settings that do not belong to a mode, error
 * messages that name the bad value, and the handle's ownership rules. */
#include "suites.h"

#include "sipprobe/sipprobe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(test_api_modes)
{
    ck_assert_ptr_null(sp_scan_new_mode((sp_mode)7));
    sp_scan *s = sp_scan_new();
    ck_assert_int_eq(sp_scan_mode(s), SP_MODE_SCAN);
    ck_assert_int_eq(sp_scan_add_capture_file(s, "x.pcap"), SP_ESTATE);
    ck_assert_ptr_nonnull(strstr(sp_scan_errmsg(s), "capture"));
    ck_assert_int_eq(sp_scan_set_alg_check(s, "127.0.0.1", "12345678", NULL), SP_ESTATE);
    sp_scan_free(s);

    s = sp_scan_new_mode(SP_MODE_CAPTURE);
    ck_assert_int_eq(sp_scan_mode(s), SP_MODE_CAPTURE);
    ck_assert_int_eq(sp_scan_set_rate(s, 100), SP_ESTATE);
    ck_assert_str_eq(sp_scan_errmsg(s), "rate does not apply to a capture inventory");
    ck_assert_int_eq(sp_scan_add_target(s, "127.0.0.1"), SP_ESTATE);
    ck_assert_int_eq(sp_scan_set_extensions(s, "100"), SP_ESTATE);
    ck_assert_int_eq(sp_scan_set_fail_on(s, SP_SEV_HIGH), SP_OK); /* every mode */
    /* A capture handle with nothing to read says so instead of scanning. */
    ck_assert_int_eq(sp_scan_run(s), SP_ESTATE);
    ck_assert_ptr_nonnull(strstr(sp_scan_errmsg(s), "capture file or interface"));
    sp_scan_free(s);

    s = sp_scan_new_mode(SP_MODE_ALG_CHECK);
    ck_assert_int_eq(sp_scan_set_extensions(s, "100"), SP_ESTATE);
    ck_assert_int_eq(sp_scan_set_wait_ms(s, 500), SP_OK);
    sp_scan_set_dry_run(s, NULL, NULL);
    ck_assert_int_eq(sp_scan_run(s), SP_ESTATE); /* a dry run is for network scans */
    sp_scan_free(s);
}
END_TEST

START_TEST(test_api_messages_name_the_value)
{
    sp_scan *s = sp_scan_new();
    ck_assert_int_eq(sp_scan_set_shard(s, 4, 3), SP_EINVAL);
    ck_assert_ptr_nonnull(strstr(sp_scan_errmsg(s), "'4/3'"));
    ck_assert_int_eq(sp_scan_add_targets_file(s, NULL), SP_EINVAL);
    ck_assert_int_eq(sp_scan_add_extensions_file(s, NULL), SP_EINVAL);
    sp_scan_free(s);

    s = sp_scan_new_mode(SP_MODE_ALG_CHECK);
    ck_assert_int_eq(sp_scan_set_alg_check(s, "127.0.0.1", "12345678", "udpx"), SP_EINVAL);
    ck_assert_ptr_nonnull(strstr(sp_scan_errmsg(s), "'udpx'"));
    ck_assert_int_eq(sp_scan_set_alg_check(s, "127.0.0.1", "12345678", "tcp,udp"), SP_OK);
    sp_scan_free(s);
}
END_TEST

/* An upload set before a baseline used to be freed by it and freed again
 * with the handle (AddressSanitizer reports the double free). */
START_TEST(test_api_baseline_keeps_upload)
{
    char path[] = "/tmp/sipprobe-baseline-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *doc = "{\"services\":[]}\n";
    ck_assert_int_eq(write(fd, doc, strlen(doc)), (ssize_t)strlen(doc));
    close(fd);
    sp_scan *s = sp_scan_new();
    ck_assert_int_eq(sp_scan_set_upload(s, "http://127.0.0.1:9/x", 0), SP_OK);
    ck_assert_int_eq(sp_scan_add_upload_header(s, "X-Test: 1"), SP_OK);
    ck_assert_int_eq(sp_scan_set_baseline(s, path), SP_OK);
    sp_scan_free(s);
    unlink(path);
}
END_TEST

Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("handle");
    tcase_add_test(tc, test_api_modes);
    tcase_add_test(tc, test_api_messages_name_the_value);
    tcase_add_test(tc, test_api_baseline_keeps_upload);
    suite_add_tcase(s, tc);
    return s;
}
