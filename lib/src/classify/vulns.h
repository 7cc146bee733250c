/* Known-vulnerable versions: a sourced table of advisories (lib/data/cves.json,
 * described in lib/data/README.md) with affected ranges per branch, compiled
 * in like the fingerprints. */
#ifndef SP_VULNS_H
#define SP_VULNS_H

#include <stddef.h>

typedef struct sp__vuln sp__vuln;
typedef struct sp__eol sp__eol;

typedef struct sp__vuln_memo sp__vuln_memo;

typedef struct sp__vulndb {
    sp__vuln *v;
    size_t n;
    sp__eol *eol; /* end-of-life branches per product */
    size_t n_eol;
    sp__vuln_memo *memo; /* verdicts per banner already worked out (findings.c) */
} sp__vulndb;

/* A worked-out verdict for one banner: its evidence lines (owned) and
 * severity; found 0 means "no advisory applies". Many devices of a network
 * share a banner, and the evidence (every advisory, formatted) is the same
 * for each: it is built once. Thread-safe. */
typedef struct sp__vuln_verdict {
    int found;
    int severity;
    char **lines;
    size_t n_lines;
} sp__vuln_verdict;
/* 1 and a copy of the verdict for key (free with sp__vuln_verdict_free), or 0. */
int sp__vuln_memo_get(const sp__vulndb *db, const char *key, sp__vuln_verdict *out);
/* Remembers a verdict (copied) for key; a full memo forgets its oldest. */
void sp__vuln_memo_put(const sp__vulndb *db, const char *key, const sp__vuln_verdict *v);
void sp__vuln_verdict_free(sp__vuln_verdict *v);

void sp__vulndb_init(sp__vulndb *db);
void sp__vulndb_free(sp__vulndb *db);
/* Loads a table; every range needs a lower bound ("from") and an upper
 * bound ("fixed", or the older name "before"). */
int sp__vulndb_load(sp__vulndb *db, const char *json, size_t len, const char *origin, char *err,
                    size_t errlen);
int sp__vulndb_load_builtin(sp__vulndb *db, char *err, size_t errlen);

/* Compares dotted versions numerically ("18.9.1" < "18.10.0"); a trailing
 * non-numeric part of a component is ignored. Returns <0, 0, >0. */
int sp__version_cmp(const char *a, const char *b);

/* How sure a match is. */
typedef enum {
    SP__VCONF_EXACT = 0, /* the banner's version is inside the range */
    SP__VCONF_CONDITION, /* ... but the advisory needs a condition not checkable remotely */
    SP__VCONF_DISTRO,    /* a distribution build: the vendor may have backported the fix */
    SP__VCONF_POSSIBLE   /* cannot be decided from the banner (a FreePBX module) */
} sp__vconf;

/* The version a banner shows, as the table compares it. */
typedef struct sp__banner_version {
    char product[32];   /* the product whose advisories apply ("Asterisk" for FPBX(...)) */
    char version[64];   /* upstream version: "11.7.0", certified "11.6-cert16" */
    char raw[96];       /* as the banner shows it */
    int distro;         /* 1: a distribution suffix was removed ("~dfsg-1ubuntu1") */
    int cert;           /* 1: a certified Asterisk version */
    char framework[64]; /* FreePBX: the framework version; "" otherwise */
} sp__banner_version;

/* Reads the version of product from the fingerprint's version and the raw
 * banner (Server or User-Agent; either may be NULL). Returns 1 when a
 * comparable version was found. */
int sp__banner_version_parse(const char *product, const char *fp_version, const char *banner,
                             sp__banner_version *out);

/* One advisory that applies. */
typedef struct sp__vuln_match {
    const char *id;   /* advisory id (AST-2017-008, GHSA-..., or the CVE) */
    const char *cves; /* "CVE-2017-14099, CVE-..." or "" */
    const char *title;
    double cvss;           /* CVSS v3 base score; 0 when none was published */
    const char *condition; /* what must hold for it to apply, or NULL */
    const char *module;    /* FreePBX module the advisory is about, or NULL */
    const char *source;
    const char *branch; /* the matching range's branch label */
    const char *fixed;  /* first fixed release on that branch */
    int eol;            /* 1: that branch is end of life */
    sp__vconf confidence;
    const char *product; /* the product compared */
    const char *version; /* the version compared */
} sp__vuln_match;

typedef void (*sp__vuln_fn)(const sp__vuln_match *m, void *data);

/* Calls fn for every advisory affecting product at the raw version text
 * (normalised as sp__banner_version_parse does). Returns the count. */
size_t sp__vulndb_match(const sp__vulndb *db, const char *product, const char *version,
                        sp__vuln_fn fn, void *data);

/* The same for a parsed banner version: FreePBX banners get Asterisk's
 * advisories for the bracketed Asterisk version, framework advisories for
 * the framework version, and module advisories as "possible". */
size_t sp__vulndb_match_banner(const sp__vulndb *db, const sp__banner_version *bv, sp__vuln_fn fn,
                               void *data);

/* Text for a confidence ("exact version", ...). */
const char *sp__vconf_name(sp__vconf c);

/* Entry access for tests and tools: entry i's id, product, number of
 * ranges, and range r's bounds. NULL / 0 past the end. */
size_t sp__vulndb_size(const sp__vulndb *db);
const char *sp__vulndb_entry(const sp__vulndb *db, size_t i, const char **product,
                             const char **source, size_t *n_ranges);
int sp__vulndb_range(const sp__vulndb *db, size_t i, size_t r, const char **from,
                     const char **fixed);

#endif
