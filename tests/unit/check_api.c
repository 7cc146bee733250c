/* The public handle: modes, settings that do not belong to a mode, error
 * messages that name the bad value, and the handle's ownership rules. */
#include "suites.h"

#include "sipprobe/sipprobe.h"
#include "state/resume.h"

#include <errno.h>

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

/* A journal whose writes fail (a full disk) says so when it is closed, so
 * that an incomplete journal is never offered for resuming. */
START_TEST(test_api_journal_write_failure)
{
    char path[] = "/tmp/sipprobe-journal-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    sp__journal j;
    char err[256];
    json_t *settings = json_object();
    ck_assert_int_eq(sp__journal_open(&j, path, settings, 0, 0, err, sizeof(err)), 0);
    ck_assert_int_eq(sp__journal_close(&j, 1), 0);
    ck_assert_int_eq(sp__journal_open(&j, path, settings, 1, 0, err, sizeof(err)), 0);
    fclose(j.fp);
    j.fp = fopen("/dev/full", "w");
    ck_assert_ptr_nonnull(j.fp);
    sp__journal_service(&j, "{\"host\":\"127.0.0.1\"}");
    sp__journal_position(&j, 0, 42);
    ck_assert_int_eq(sp__journal_close(&j, 1), -1);
    ck_assert_int_eq(errno, ENOSPC);
    /* Never a device: opening one as a journal is refused, untouched. */
    ck_assert_int_eq(sp__journal_open(&j, "/dev/null", settings, 1, 5, err, sizeof(err)), SP_EIO);
    ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
    json_decref(settings);
    unlink(path);
}
END_TEST

/* Default excludes through the API: counted without sending, said as text,
 * and turned off by the setter (a network scan's setting only). */
START_TEST(test_api_default_excludes)
{
    sp_scan *s = sp_scan_new();
    uint64_t n = 0;
    ck_assert_str_eq(sp_scan_left_out(s), "");
    ck_assert_int_eq(sp_scan_add_target(s, "0.0.0.0/0"), SP_OK);
    ck_assert_int_eq(sp_scan_address_count(s, &n), SP_OK);
    ck_assert_uint_eq(n, (1ull << 32) - (1ull << 24) - (1ull << 29));
    ck_assert_str_eq(sp_scan_left_out(s), "0.0.0.0/8 (this network), 224.0.0.0/4 (multicast), "
                                          "240.0.0.0/4 (reserved), 255.255.255.255 (broadcast)");
    ck_assert_int_eq(sp_scan_set_default_excludes(s, 0), SP_OK);
    ck_assert_int_eq(sp_scan_address_count(s, &n), SP_OK);
    ck_assert_uint_eq(n, 1ull << 32);
    ck_assert_str_eq(sp_scan_left_out(s), "");
    sp_scan_free(s);
    s = sp_scan_new_mode(SP_MODE_REPORT);
    ck_assert_int_eq(sp_scan_set_default_excludes(s, 0), SP_ESTATE);
    ck_assert_int_eq(sp_scan_run(s), SP_ESTATE); /* a report needs a result */
    ck_assert_ptr_nonnull(strstr(sp_scan_errmsg(s), "result file"));
    sp_scan_free(s);
}
END_TEST

Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("handle");
    tcase_add_test(tc, test_api_modes);
    tcase_add_test(tc, test_api_default_excludes);
    tcase_add_test(tc, test_api_messages_name_the_value);
    tcase_add_test(tc, test_api_baseline_keeps_upload);
    tcase_add_test(tc, test_api_journal_write_failure);
    suite_add_tcase(s, tc);
    return s;
}
