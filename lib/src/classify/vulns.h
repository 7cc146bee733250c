/* Known-vulnerable versions: a sourced data file mapping product version
 * ranges to CVE ids, compiled in like the fingerprints. */
#ifndef SP_VULNS_H
#define SP_VULNS_H

#include <stddef.h>

typedef struct sp__vuln sp__vuln;

typedef struct sp__vulndb {
    sp__vuln *v;
    size_t n;
} sp__vulndb;

void sp__vulndb_init(sp__vulndb *db);
void sp__vulndb_free(sp__vulndb *db);
int sp__vulndb_load(sp__vulndb *db, const char *json, size_t len, const char *origin, char *err,
                    size_t errlen);
int sp__vulndb_load_builtin(sp__vulndb *db, char *err, size_t errlen);

/* Compares dotted versions numerically ("18.9.1" < "18.10.0"); a trailing
 * non-numeric part of a component is ignored. Returns <0, 0, >0. */
int sp__version_cmp(const char *a, const char *b);

/* Calls fn for every CVE affecting product at version. Returns the count. */
size_t sp__vulndb_match(const sp__vulndb *db, const char *product, const char *version,
                        void (*fn)(const char *cve, const char *summary, void *data), void *data);

#endif
