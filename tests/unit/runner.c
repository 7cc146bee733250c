/* One runner for every unit suite; CK_RUN_SUITE selects one (ctest does). */
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SP_SOURCE_DIR
#error "SP_SOURCE_DIR must be defined"
#endif

char *read_fixture(const char *relpath, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/fixtures/%s", SP_SOURCE_DIR, relpath);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = (size_t)n;
    }
    return buf;
}

int main(void)
{
    SRunner *sr = srunner_create(targets_suite());
    srunner_add_suite(sr, permute_suite());
    srunner_add_suite(sr, ratelimit_suite());
    srunner_add_suite(sr, token_suite());
    srunner_add_suite(sr, probe_suite());
    srunner_add_suite(sr, classify_suite());
    srunner_add_suite(sr, output_suite());
    srunner_add_suite(sr, findings_suite());
    srunner_add_suite(sr, alg_suite());
    srunner_add_suite(sr, stream_suite());
    srunner_add_suite(sr, reassembly_suite());
    srunner_add_suite(sr, glance_suite());
    srunner_add_suite(sr, engine_suite());
    srunner_add_suite(sr, api_suite());
    srunner_add_suite(sr, sip_suite());
    srunner_add_suite(sr, vulns_suite());
    srunner_add_suite(sr, audit_suite());
    srunner_add_suite(sr, merge_suite());
    srunner_add_suite(sr, dns_suite());
    srunner_add_suite(sr, ws_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
