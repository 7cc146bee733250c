/* Advisory matching: version semantics on a small table of our own, then
 * the built-in table's own consistency (bounds, sources, ids) and, for every
 * range of every advisory, a version just inside and just outside it. */
#include "suites.h"
#include "classify/vulns.h"
#include "sipprobe/sipprobe.h"

#include <ctype.h>
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char table[] =
    "{\"format\": \"sipprobe-cves/2\","
    " \"end_of_life\": [{\"product\": \"Asterisk\", \"branches\": [\"11\", \"13\"], \"source\": "
    "\"t\"}],"
    " \"entries\": ["
    "  {\"id\": \"AST-2021-008\", \"product\": \"Asterisk\", \"cves\": [\"CVE-2021-32558\"],"
    "   \"title\": \"IAX2 crash\", \"cvss\": 7.5, \"source\": \"https://example.test/a\","
    "   \"affected\": [{\"branch\": \"13\", \"from\": \"13.0.0\", \"fixed\": \"13.38.3\"},"
    "                  {\"branch\": \"16\", \"from\": \"16.0.0\", \"fixed\": \"16.19.1\"},"
    "                  {\"branch\": \"certified 16.8\", \"from\": \"16.8-cert1\", \"fixed\": "
    "\"16.8-cert10\"}]},"
    "  {\"id\": \"AST-2016-001\", \"product\": \"Asterisk\", \"title\": \"BEAST\","
    "   \"condition\": \"the HTTP server with TLS is enabled\", \"source\": "
    "\"https://example.test/b\","
    "   \"affected\": [{\"branch\": \"11\", \"from\": \"11.0.0\", \"fixed\": \"11.21.1\"},"
    "                  {\"branch\": \"certified 11.6\", \"from\": \"11.6-cert1\", \"fixed\": "
    "\"11.6-cert12\"}]},"
    "  {\"id\": \"CVE-2026-28284\", \"product\": \"FreePBX\", \"module\": \"logfiles\", \"cvss\": "
    "9.1,"
    "   \"title\": \"SQL injection\", \"source\": \"https://example.test/c\","
    "   \"affected\": [{\"branch\": \"16\", \"from\": \"16.0.0\", \"fixed\": \"16.0.10\"}]},"
    "  {\"id\": \"FW-1\", \"product\": \"FreePBX\", \"title\": \"framework bug\","
    "   \"source\": \"https://example.test/d\","
    "   \"affected\": [{\"branch\": \"15\", \"from\": \"15.0.0\", \"fixed\": \"15.0.17\"}]}"
    " ]}";

static sp__vulndb db;
static char err[512];

static void setup(void)
{
    sp__vulndb_init(&db);
    ck_assert_msg(sp__vulndb_load(&db, table, strlen(table), "test", err, sizeof(err)) == 0, "%s",
                  err);
}

static void teardown(void)
{
    sp__vulndb_free(&db);
}

typedef struct seen {
    char text[2048];
    sp__vconf conf[8];
    const char *fixed[8];
    int eol[8];
    size_t n;
} seen;

static void collect(const sp__vuln_match *m, void *data)
{
    seen *s = data;
    strcat(s->text, m->id);
    strcat(s->text, "@");
    strcat(s->text, m->branch);
    strcat(s->text, " ");
    if (s->n < 8) {
        s->conf[s->n] = m->confidence;
        s->fixed[s->n] = m->fixed;
        s->eol[s->n] = m->eol;
        s->n++;
    }
}

static const char *ids(const char *product, const char *version, seen *s)
{
    memset(s, 0, sizeof(*s));
    sp__vulndb_match(&db, product, version, collect, s);
    return s->text;
}

static const char *banner(const char *product, const char *fp_version, const char *b, seen *s,
                          sp__banner_version *bv)
{
    memset(s, 0, sizeof(*s));
    if (sp__banner_version_parse(product, fp_version, b, bv))
        sp__vulndb_match_banner(&db, bv, collect, s);
    return s->text;
}

START_TEST(test_vulns_branch_bounds)
{
    seen s;
    /* Lower and upper bound per branch: a fix in 13.38.3 says nothing about 14 or 16. */
    ck_assert_str_eq(ids("Asterisk", "13.0.0", &s), "AST-2021-008@13 ");
    ck_assert_str_eq(ids("Asterisk", "13.38.2", &s), "AST-2021-008@13 ");
    ck_assert_str_eq(s.fixed[0], "13.38.3");
    ck_assert_int_eq(s.eol[0], 1);
    ck_assert_int_eq(s.conf[0], SP__VCONF_EXACT);
    ck_assert_str_eq(ids("Asterisk", "13.38.3", &s), "");
    ck_assert_str_eq(ids("Asterisk", "14.7.8", &s), "");
    ck_assert_str_eq(ids("Asterisk", "12.8.2", &s), "");
    ck_assert_str_eq(ids("Asterisk", "16.19.0", &s), "AST-2021-008@16 ");
    ck_assert_int_eq(s.eol[0], 0);
    ck_assert_str_eq(ids("Asterisk", "16.19.1", &s), "");
    ck_assert_str_eq(ids("Asterisk", "18.0.0", &s), "");
    /* No lower bound on an end-of-life branch the advisory does not name. */
    ck_assert_str_eq(ids("Asterisk", "1.6.0.6", &s), "");
    ck_assert_str_eq(ids("Asterisk", "10.12.4", &s), "");
    /* A condition the scan cannot check lowers the confidence. */
    ck_assert_str_eq(ids("Asterisk", "11.7.0", &s), "AST-2016-001@11 ");
    ck_assert_int_eq(s.conf[0], SP__VCONF_CONDITION);
    ck_assert_str_eq(ids("Asterisk", "11.21.1", &s), "");
    ck_assert_str_eq(ids("Kamailio", "13.1.0", &s), "");
    ck_assert_str_eq(ids("Asterisk", "GIT-master", &s), "");
}
END_TEST

START_TEST(test_vulns_certified)
{
    seen s;
    sp__banner_version bv;
    ck_assert_str_eq(banner("Asterisk", NULL, "Asterisk PBX certified/11.6-cert11", &s, &bv),
                     "AST-2016-001@certified 11.6 ");
    ck_assert_str_eq(bv.version, "11.6-cert11");
    ck_assert_int_eq(bv.cert, 1);
    ck_assert_str_eq(s.fixed[0], "11.6-cert12");
    ck_assert_str_eq(banner("Asterisk", NULL, "Asterisk PBX certified/11.6-cert16", &s, &bv), "");
    ck_assert_str_eq(bv.version, "11.6-cert16");
    ck_assert_str_eq(banner("Asterisk", NULL, "Asterisk PBX certified-16.8-cert9", &s, &bv),
                     "AST-2021-008@certified 16.8 ");
    ck_assert_str_eq(banner("Asterisk", NULL, "Asterisk PBX certified-16.8-cert10", &s, &bv), "");
    ck_assert_str_eq(banner("Asterisk", NULL, "Asterisk PBX 16.8-cert2", &s, &bv),
                     "AST-2021-008@certified 16.8 ");
    /* Certified versions compare only within their certified branch. */
    ck_assert_str_eq(banner("Asterisk", NULL, "Asterisk PBX certified-18.9-cert13", &s, &bv), "");
    ck_assert_str_eq(bv.version, "18.9-cert13");
    ck_assert_str_eq(ids("Asterisk", "13.1-cert2", &s), "");
    ck_assert_int_lt(sp__version_cmp("11.6-cert9", "11.6-cert16"), 0);
    ck_assert_int_gt(sp__version_cmp("18.9-cert13", "18.9-cert2"), 0);
}
END_TEST

START_TEST(test_vulns_distribution_builds)
{
    seen s;
    sp__banner_version bv;
    ck_assert_str_eq(
        banner("Asterisk", "11.7.0~dfsg-1ubuntu1", "Asterisk PBX 11.7.0~dfsg-1ubuntu1", &s, &bv),
        "AST-2016-001@11 ");
    ck_assert_str_eq(bv.version, "11.7.0");
    ck_assert_str_eq(bv.raw, "11.7.0~dfsg-1ubuntu1");
    ck_assert_int_eq(bv.distro, 1);
    ck_assert_int_eq(s.conf[0], SP__VCONF_DISTRO);
    ck_assert_str_eq(ids("Asterisk", "1:16.2.1~dfsg-1+deb10u2", &s), "AST-2021-008@16 ");
    ck_assert_int_eq(s.conf[0], SP__VCONF_DISTRO);
    ck_assert_str_eq(ids("Asterisk", "13.38.2-1.el7", &s), "AST-2021-008@13 ");
    ck_assert_int_eq(s.conf[0], SP__VCONF_DISTRO);
    /* A release candidate is not a distribution build. */
    ck_assert_str_eq(ids("Asterisk", "16.19.0-rc1", &s), "AST-2021-008@16 ");
    ck_assert_int_eq(s.conf[0], SP__VCONF_EXACT);
}
END_TEST

START_TEST(test_vulns_freepbx)
{
    seen s;
    sp__banner_version bv;
    /* The bracketed Asterisk version gets Asterisk's advisories, the module
     * advisory is only possible, the framework one is decided. */
    ck_assert_str_eq(banner("FreePBX", "16.0.40.7", "FPBX-16.0.40.7(16.13.0)", &s, &bv),
                     "AST-2021-008@16 CVE-2026-28284@16 ");
    ck_assert_str_eq(bv.product, "Asterisk");
    ck_assert_str_eq(bv.version, "16.13.0");
    ck_assert_str_eq(bv.framework, "16.0.40.7");
    ck_assert_int_eq(s.conf[0], SP__VCONF_EXACT);
    ck_assert_int_eq(s.conf[1], SP__VCONF_POSSIBLE);
    ck_assert_str_eq(banner("FreePBX", "15.0.16.81", "FPBX-15.0.16.81(16.13.0)", &s, &bv),
                     "AST-2021-008@16 FW-1@15 ");
    ck_assert_int_eq(s.conf[1], SP__VCONF_EXACT);
    ck_assert_str_eq(banner("FreePBX", "15.0.17", "FPBX-15.0.17(18.20.0)", &s, &bv), "");
    /* Without the bracket: the framework only. */
    ck_assert_str_eq(banner("FreePBX", "16.0.1", "FPBX-16.0.1", &s, &bv), "CVE-2026-28284@16 ");
    ck_assert_int_eq(s.conf[0], SP__VCONF_POSSIBLE);
    ck_assert_str_eq(banner("FreePBX", "17.0.1", "FPBX-17.0.1", &s, &bv), "");
}
END_TEST

START_TEST(test_vulns_rejects_unbounded)
{
    const char *bad[] = {
        "{\"entries\": [{\"id\": \"X\", \"product\": \"P\", \"source\": \"s\","
        " \"affected\": [{\"fixed\": \"1.2\"}]}]}",
        "{\"entries\": [{\"id\": \"X\", \"product\": \"P\", \"source\": \"s\","
        " \"affected\": [{\"from\": \"1.0\"}]}]}",
        "{\"entries\": [{\"id\": \"X\", \"product\": \"P\","
        " \"affected\": [{\"from\": \"1.0\", \"fixed\": \"1.2\"}]}]}",
        "{\"entries\": [{\"id\": \"X\", \"product\": \"P\", \"source\": \"s\", \"affected\": []}]}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        sp__vulndb d;
        sp__vulndb_init(&d);
        ck_assert_int_eq(sp__vulndb_load(&d, bad[i], strlen(bad[i]), "bad", err, sizeof(err)),
                         SP_EDATA);
        sp__vulndb_free(&d);
    }
}
END_TEST

/* The version just below v: the last non-zero component minus one and
 * every later one 999 ("11.25.0" -> "11.24.999"); "-certN" -> "-cert(N-1)". */
static int predecessor(const char *v, char *out, size_t cap)
{
    const char *c = strstr(v, "-cert");
    if (c) {
        long n = strtol(c + 5, NULL, 10);
        if (n <= 1)
            return 0;
        snprintf(out, cap, "%.*s-cert%ld", (int)(c - v), v, n - 1);
        return 1;
    }
    unsigned long part[8];
    size_t n = 0;
    for (const char *p = v; *p && n < 8;) {
        part[n++] = strtoul(p, (char **)&p, 10);
        if (*p == '.')
            p++;
        else
            break;
    }
    size_t k = n;
    while (k > 0 && part[k - 1] == 0)
        k--;
    if (!k)
        return 0;
    part[k - 1]--;
    for (size_t i = k; i < n; i++)
        part[i] = 999;
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%lu", i ? "." : "", part[i]);
    return 1;
}

typedef struct probe_one {
    const char *id;
    char branch[64];
    int hit;
    sp__vconf conf;
} probe_one;

static void find_id(const sp__vuln_match *m, void *data)
{
    probe_one *p = data;
    if (!strcmp(m->id, p->id)) {
        p->hit = 1;
        p->conf = m->confidence;
        snprintf(p->branch, sizeof(p->branch), "%s", m->branch);
    }
}

/* Does advisory i match version, and on which branch? */
static int hits(const sp__vulndb *d, const char *id, const char *product, const char *version,
                char *branch)
{
    probe_one p = {id, "", 0, SP__VCONF_EXACT};
    sp__vulndb_match(d, product, version, find_id, &p);
    strcpy(branch, p.branch);
    /* A module advisory is "possible" on its whole branch: report that as 2. */
    return p.hit ? (p.conf == SP__VCONF_POSSIBLE ? 2 : 1) : 0;
}

START_TEST(test_vulns_builtin_every_range)
{
    sp__vulndb b;
    sp__vulndb_init(&b);
    ck_assert_int_eq(sp__vulndb_load_builtin(&b, err, sizeof(err)), 0);
    ck_assert_uint_gt(sp__vulndb_size(&b), 0);
    regex_t idre;
    ck_assert_int_eq(
        regcomp(&idre, "^(AST-20[0-9]{2}-[0-9]{3}|GHSA(-[0-9a-z]{4}){3}|CVE-[0-9]{4}-[0-9]{4,7})$",
                REG_EXTENDED | REG_NOSUB),
        0);
    for (size_t i = 0; i < sp__vulndb_size(&b); i++) {
        const char *product, *source;
        size_t nr;
        const char *id = sp__vulndb_entry(&b, i, &product, &source, &nr);
        ck_assert_msg(regexec(&idre, id, 0, NULL, 0) == 0, "entry %zu: invalid id %s", i, id);
        ck_assert_msg(!strncmp(source, "https://", 8), "%s: source %s", id, source);
        ck_assert_msg(nr > 0, "%s: no range", id);
        for (size_t r = 0; r < nr; r++) {
            const char *from, *fixed;
            char v[64], br[64], br2[64];
            ck_assert_int_eq(sp__vulndb_range(&b, i, r, &from, &fixed), 0);
            ck_assert_msg(sp__version_cmp(from, fixed) < 0, "%s: empty range %s..%s", id, from,
                          fixed);
            int how = hits(&b, id, product, from, br);
            ck_assert_msg(how, "%s: lower bound %s not affected", id, from);
            ck_assert_msg(predecessor(fixed, v, sizeof(v)), "%s: %s", id, fixed);
            ck_assert_msg(hits(&b, id, product, v, br2) && !strcmp(br, br2),
                          "%s: %s (just below the fix %s) not affected on the same branch", id, v,
                          fixed);
            /* Just outside: the fixed release, and just below the lower bound,
             * are not affected through this range. */
            if (how == 2)
                continue;
            if (hits(&b, id, product, fixed, br2))
                ck_assert_msg(strcmp(br, br2), "%s: fixed release %s still affected", id, fixed);
            if (predecessor(from, v, sizeof(v)) && hits(&b, id, product, v, br2))
                ck_assert_msg(strcmp(br, br2), "%s: %s below the range still affected", id, v);
        }
    }
    regfree(&idre);
    sp__vulndb_free(&b);
}
END_TEST

extern const char sp__builtin_cves[];
extern const size_t sp__builtin_cves_len;

/* Every CVE id and CVSS score of the built-in table names where it was read:
 * cve_source / cvss_source, or the entry's own source when that is the CVE's
 * page; scores are CVSS v3 base scores with their vector where one is kept. */
START_TEST(test_vulns_builtin_sources)
{
    json_error_t jerr;
    json_t *root = json_loadb(sp__builtin_cves, sp__builtin_cves_len, 0, &jerr);
    ck_assert_ptr_nonnull(root);
    json_t *entries = json_object_get(root, "entries");
    size_t with_cves = 0, with_cvss = 0;
    for (size_t i = 0; i < json_array_size(entries); i++) {
        json_t *e = json_array_get(entries, i);
        const char *id = json_string_value(json_object_get(e, "id"));
        const char *source = json_string_value(json_object_get(e, "source"));
        const char *cve_source = json_string_value(json_object_get(e, "cve_source"));
        const char *cvss_source = json_string_value(json_object_get(e, "cvss_source"));
        const char *vector = json_string_value(json_object_get(e, "cvss_vector"));
        const char *ranges_source = json_string_value(json_object_get(e, "ranges_source"));
        json_t *cves = json_object_get(e, "cves");
        json_t *cvss = json_object_get(e, "cvss");
        regex_t cvere;
        ck_assert_int_eq(regcomp(&cvere, "^CVE-[0-9]{4}-[0-9]{4,7}$", REG_EXTENDED | REG_NOSUB), 0);
        for (size_t k = 0; k < json_array_size(cves); k++) {
            const char *c = json_string_value(json_array_get(cves, k));
            ck_assert_msg(c && regexec(&cvere, c, 0, NULL, 0) == 0, "%s: bad CVE id", id);
            ck_assert_msg((cve_source && !strncmp(cve_source, "https://", 8)) || strstr(source, c),
                          "%s: %s has no source", id, c);
        }
        regfree(&cvere);
        with_cves += json_array_size(cves) > 0;
        if (cvss) {
            double v = json_number_value(cvss);
            ck_assert_msg(json_is_number(cvss) && v > 0 && v <= 10, "%s: cvss %g", id, v);
            ck_assert_msg((cvss_source && !strncmp(cvss_source, "https://", 8)) ||
                              (json_array_size(cves) == 1 &&
                               strstr(source, json_string_value(json_array_get(cves, 0)))),
                          "%s: CVSS without a source", id);
            ck_assert_msg(!vector || !strncmp(vector, "CVSS:3.", 7), "%s: vector %s", id, vector);
            with_cvss++;
        }
        ck_assert_msg(!ranges_source || !strncmp(ranges_source, "https://", 8), "%s", id);
    }
    ck_assert_uint_ge(with_cves, 100);
    ck_assert_uint_ge(with_cvss, 30);
    json_decref(root);
}
END_TEST

/* Products other than Asterisk in the built-in table: the banners of the
 * fixtures (fixtures/fingerprints) and versions on either side of the ranges. */
static const char *builtin_ids(const sp__vulndb *b, const char *product, const char *fp_version,
                               const char *text, seen *s)
{
    sp__banner_version bv;
    memset(s, 0, sizeof(*s));
    if (sp__banner_version_parse(product, fp_version, text, &bv))
        sp__vulndb_match_banner(b, &bv, collect, s);
    return s->text;
}

START_TEST(test_vulns_builtin_other_products)
{
    sp__vulndb b;
    seen s;
    sp__vulndb_init(&b);
    ck_assert_int_eq(sp__vulndb_load_builtin(&b, err, sizeof(err)), 0);
    /* fixtures/fingerprints/kamailio.sip: 5.6.3 is past every Kamailio range. */
    ck_assert_str_eq(builtin_ids(&b, "Kamailio", "5.6.3", "kamailio (5.6.3 (x86_64/linux))", &s),
                     "");
    ck_assert_str_eq(builtin_ids(&b, "Kamailio", "5.1.3", "kamailio (5.1.3 (x86_64/linux))", &s),
                     "CVE-2018-14767@5.1 CVE-2018-16657@5.1 CVE-2020-27507@5.4 and earlier "
                     "CVE-2020-28361@5.3 and earlier ");
    ck_assert_str_eq(builtin_ids(&b, "Kamailio", "5.1.4", "kamailio (5.1.4 (x86_64/linux))", &s),
                     "CVE-2020-27507@5.4 and earlier CVE-2020-28361@5.3 and earlier ");
    ck_assert_str_eq(builtin_ids(&b, "Kamailio", "4.3.4", "kamailio (4.3.4 (x86_64/linux))", &s),
                     "CVE-2016-2385@4.3 and earlier CVE-2018-14767@5.0 and earlier "
                     "CVE-2018-16657@5.0 and earlier CVE-2018-8828@4.4 and earlier "
                     "CVE-2020-27507@5.4 and earlier CVE-2020-28361@5.3 and earlier ");
    ck_assert_int_eq(s.conf[0], SP__VCONF_CONDITION); /* the SEAS module */
    ck_assert_str_eq(builtin_ids(&b, "Kamailio", "5.5.0", "kamailio (5.5.0 (x86_64/linux))", &s),
                     "");
    /* fixtures/fingerprints/freeswitch.sip: 1.6.12 gets every FreeSWITCH advisory. */
    ck_assert_str_eq(
        builtin_ids(&b, "FreeSWITCH", "1.6.12", "FreeSWITCH-mod_sofia/1.6.12-20-b91a0a6~64bit", &s),
        "CVE-2021-36513@1.10 and earlier CVE-2021-37624@1.10 and earlier "
        "CVE-2021-41105@1.10 and earlier CVE-2021-41145@1.10 and earlier "
        "CVE-2021-41157@1.10 and earlier CVE-2021-41158@1.10 and earlier "
        "GHSA-39gv-hq72-j6m6@1.10 and earlier ");
    ck_assert_str_eq(
        builtin_ids(&b, "FreeSWITCH", "1.10.9", "FreeSWITCH-mod_sofia/1.10.9-release~64bit", &s),
        "GHSA-39gv-hq72-j6m6@1.10 and earlier ");
    ck_assert_str_eq(
        builtin_ids(&b, "FreeSWITCH", "1.10.11", "FreeSWITCH-mod_sofia/1.10.11-release~64bit", &s),
        "");
    /* fixtures/fingerprints/opensips.sip: 3.4.3 is past the 2023 audit's advisories. */
    ck_assert_str_eq(builtin_ids(&b, "OpenSIPS", "3.4.3", "OpenSIPS (3.4.3 (x86_64/linux))", &s),
                     "");
    ck_assert_str_eq(builtin_ids(&b, "OpenSIPS", "3.1.8", "OpenSIPS (3.1.8 (x86_64/linux))", &s),
                     "GHSA-c6j5-f4h4-2xrq@3.1 and earlier GHSA-pfm5-6vhv-3ff3@3.1 and earlier ");
    ck_assert_str_eq(builtin_ids(&b, "OpenSIPS", "3.2.5", "OpenSIPS (3.2.5 (x86_64/linux))", &s),
                     "GHSA-c6j5-f4h4-2xrq@3.2 GHSA-pfm5-6vhv-3ff3@3.2 ");
    ck_assert_str_eq(builtin_ids(&b, "OpenSIPS", "3.2.6", "OpenSIPS (3.2.6 (x86_64/linux))", &s),
                     "");
    /* The cJSON leak starts in 2.3: 2.2 has only the others. */
    ck_assert_ptr_nonnull(strstr(builtin_ids(&b, "OpenSIPS", "2.3.0", "OpenSIPS (2.3.0)", &s),
                                 "GHSA-2mg2-g46r-j4qr@2.3 to 3.1"));
    ck_assert_ptr_null(
        strstr(builtin_ids(&b, "OpenSIPS", "2.2.9", "OpenSIPS (2.2.9)", &s), "GHSA-2mg2"));
    size_t older = 0;
    for (const char *p = s.text; (p = strstr(p, "@3.1 and earlier")); p++)
        older++;
    ck_assert_uint_eq(older, 10); /* every other one of the eleven */
    /* A product the table has nothing for. */
    ck_assert_str_eq(builtin_ids(&b, "YATE", "5.4.1", "YATE/5.4.1", &s), "");
    sp__vulndb_free(&b);
}
END_TEST

Suite *vulns_suite(void)
{
    Suite *s = suite_create("vulns");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_vulns_branch_bounds);
    tcase_add_test(tc, test_vulns_certified);
    tcase_add_test(tc, test_vulns_distribution_builds);
    tcase_add_test(tc, test_vulns_freepbx);
    tcase_add_test(tc, test_vulns_rejects_unbounded);
    tcase_add_test(tc, test_vulns_builtin_every_range);
    tcase_add_test(tc, test_vulns_builtin_other_products);
    tcase_add_test(tc, test_vulns_builtin_sources);
    suite_add_tcase(s, tc);
    return s;
}
