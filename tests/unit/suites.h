/* Every Check suite of the unit-test runner. */
#ifndef SP_TEST_SUITES_H
#define SP_TEST_SUITES_H
#include <check.h>

Suite *targets_suite(void);
Suite *permute_suite(void);
Suite *ratelimit_suite(void);
Suite *token_suite(void);
Suite *probe_suite(void);
Suite *classify_suite(void);
Suite *output_suite(void);
Suite *findings_suite(void);
Suite *alg_suite(void);
Suite *stream_suite(void);
Suite *reassembly_suite(void);
Suite *glance_suite(void);
Suite *engine_suite(void);
Suite *api_suite(void);
Suite *sip_suite(void);
Suite *vulns_suite(void);
Suite *audit_suite(void);
Suite *merge_suite(void);
Suite *dns_suite(void);
Suite *ws_suite(void);

/* Reads a fixture below the source tree's fixtures/ directory (malloc'd, NUL-terminated). */
char *read_fixture(const char *relpath, size_t *len);
#endif
