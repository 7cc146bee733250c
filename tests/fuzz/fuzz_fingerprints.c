/* libFuzzer target: fingerprint files (--fingerprints), i.e. JSON and
 * PCRE2 patterns from the user, then a match against a fixed service. */
#include "classify/fingerprint.h"
#include "classify/vulns.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    sp__fpdb db;
    sp__fpdb_init(&db);
    if (sp__fpdb_load(&db, (const char *)data, size, "fuzz", 1, err, sizeof(err)) == 0) {
        sp__fp_input in;
        memset(&in, 0, sizeof(in));
        const char *headers[] = {"X-Serialnumber: +0683+NQ4", "Server: Asterisk PBX 18.10.0"};
        in.field[SP__FIELD_SERVER] = "Asterisk PBX 18.10.0";
        in.field[SP__FIELD_USER_AGENT] = "Yealink SIP-T46S 66.85.0.5";
        in.field[SP__FIELD_TO_TAG] = "as5e2d0c4a";
        in.field[SP__FIELD_REALM] = "3CXPhoneSystem";
        in.field[SP__FIELD_HEADER_ORDER] = "Via,From,To,Call-ID,CSeq,Server";
        in.headers = headers;
        in.n_headers = 2;
        sp__fp_match m;
        if (sp__fpdb_match(&db, &in, &m))
            sp__fp_match_free(&m);
    }
    sp__fpdb_free(&db);
    /* The same bytes as a CVE table. */
    sp__vulndb v;
    sp__vulndb_init(&v);
    sp__vulndb_load(&v, (const char *)data, size, "fuzz", err, sizeof(err));
    sp__vulndb_free(&v); /* every init has its free, loaded or not */
    return 0;
}
