#include "suites.h"
#include "classify/classify.h"
#include "classify/enumerate.h"
#include "classify/findings.h"
#include "match/token.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sp__fpdb db;
static sp__vulndb vulns;
static char err[512];

static void setup(void)
{
    sp__fpdb_init(&db);
    sp__vulndb_init(&vulns);
    ck_assert_int_eq(sp__fpdb_load_builtin(&db, err, sizeof(err)), 0);
    ck_assert_int_eq(sp__vulndb_load_builtin(&vulns, err, sizeof(err)), 0);
}

static void teardown(void)
{
    sp__fpdb_free(&db);
    sp__vulndb_free(&vulns);
}

static sp__addr addr(const char *s)
{
    sp__addr a;
    memset(&a, 0, sizeof(a));
    a.family = strchr(s, ':') ? 6 : 4;
    inet_pton(a.family == 4 ? AF_INET : AF_INET6, s, a.bytes);
    return a;
}

/* Classifies a raw reply as the answer to `method` from `responder`. */
static sp__svc *classify_raw(const char *raw, size_t len, const char *method, const char *host,
                             const char *responder, size_t request_bytes)
{
    sp__addr h = addr(host), r = addr(responder);
    sp__svc *svc = sp__svc_new(&h, 5060, 0);
    sp__svc_set_responder(svc, &r, 5060);
    sp__parsed m;
    ck_assert_msg(sp__sipmsg_parse(raw, len, &m) == 0, "fixture does not parse");
    int idx = sp__probe_find(method);
    sp__classify_reply(svc, idx, sp__probe_get((size_t)idx)->name, &m, 1, len, request_bytes);
    sp__parsed_free(&m);
    sp__classify_finish(svc, &db, &vulns);
    return svc;
}

static sp__svc *classify_fixture(const char *path, const char *method, const char *responder)
{
    size_t len;
    char *raw = read_fixture(path, &len);
    ck_assert_msg(raw != NULL, "missing fixture %s", path);
    sp__svc *svc =
        classify_raw(raw, len, method, "203.0.113.10", responder ? responder : "203.0.113.10", 400);
    free(raw);
    return svc;
}

static const sp_finding *finding(const sp__svc *svc, const char *id)
{
    for (size_t i = 0; i < svc->pub.n_findings; i++)
        if (!strcmp(svc->pub.findings[i].id, id))
            return &svc->pub.findings[i];
    return NULL;
}

/* Every rule of the built-in database has a fixture reply that classifies
 * to exactly that rule, with the expected product and version. */
START_TEST(test_findings_every_fingerprint_rule_has_a_fixture)
{
    size_t len;
    char *text = read_fixture("fingerprints/expected.json", &len);
    json_error_t je;
    json_t *expected = json_loadb(text, len, 0, &je);
    ck_assert_ptr_nonnull(expected);
    char *dbtext = NULL;
    {
        char path[1024];
        snprintf(path, sizeof(path), "%s/lib/data/fingerprints.json", SP_SOURCE_DIR);
        FILE *fp = fopen(path, "rb");
        ck_assert_ptr_nonnull(fp);
        static char buf[1 << 17];
        size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
        fclose(fp);
        buf[n] = '\0';
        dbtext = buf;
    }
    json_t *root = json_loads(dbtext, 0, &je);
    json_t *rules = json_object_get(root, "rules");
    ck_assert_uint_ge(json_array_size(rules), 60);
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule)
    {
        const char *id = json_string_value(json_object_get(rule, "id"));
        json_t *e = json_object_get(expected, id);
        ck_assert_msg(e != NULL, "rule %s has no fixture", id);
        char path[256];
        snprintf(path, sizeof(path), "fingerprints/%s.sip", id);
        sp__svc *svc =
            classify_fixture(path, json_string_value(json_object_get(e, "method")), NULL);
        ck_assert_msg(svc->pub.fingerprint != NULL, "%s: no match", id);
        ck_assert_msg(!strcmp(svc->pub.fingerprint->rule, id), "%s: matched rule %s", id,
                      svc->pub.fingerprint->rule);
        ck_assert_str_eq(svc->pub.fingerprint->product,
                         json_string_value(json_object_get(e, "product")));
        const char *v = json_string_value(json_object_get(e, "version"));
        if (v)
            ck_assert_msg(
                svc->pub.fingerprint->version && !strcmp(svc->pub.fingerprint->version, v),
                "%s: version %s, expected %s", id,
                svc->pub.fingerprint->version ? svc->pub.fingerprint->version : "none", v);
        else
            ck_assert_ptr_null(svc->pub.fingerprint->version);
        sp__svc_free(svc);
    }
    json_decref(root);
    json_decref(expected);
    free(text);
}
END_TEST

START_TEST(test_findings_version_compare)
{
    ck_assert_int_lt(sp__version_cmp("18.9.1", "18.10.0"), 0);
    ck_assert_int_gt(sp__version_cmp("18.20.1", "18.20.0"), 0);
    ck_assert_int_eq(sp__version_cmp("18.20", "18.20.0"), 0);
    ck_assert_int_lt(sp__version_cmp("11.7.0~dfsg-1ubuntu1", "18.0.0"), 0);
    ck_assert_int_eq(sp__version_cmp("7.6.2c", "7.6.2"), 0);
    ck_assert_int_gt(sp__version_cmp("21.0.1", "21.0.0"), 0);
}
END_TEST

START_TEST(test_findings_vulnerable_ranges)
{
    /* The semantics are tested in check_vulns.c; here the finding itself. */
    sp__svc *svc = classify_fixture("replies/asterisk.OPTIONS.sip", "OPTIONS", NULL);
    const sp_finding *f = finding(svc, "known-vulnerable-version");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_ge(f->severity, SP_SEV_MEDIUM);
    ck_assert_uint_ge(f->n_evidence, 2);
    ck_assert_ptr_nonnull(strstr(f->evidence[0], "Asterisk 18.10.0 (from Asterisk PBX 18.10.0)"));
    int dtls = 0;
    for (size_t i = 1; i < f->n_evidence; i++) {
        ck_assert_ptr_nonnull(strstr(f->evidence[i], "; confidence: exact version; http"));
        if (strstr(f->evidence[i], "GHSA-hxj9-xwr8-w8pq"))
            dtls = strstr(f->evidence[i], "fixed in 18.20.1 on branch 18") != NULL;
    }
    ck_assert_msg(dtls, "GHSA-hxj9-xwr8-w8pq with its fix on branch 18");
    sp__svc_free(svc);
    /* No version, no CVE: the hidden-UA Asterisk is not flagged. */
    svc = classify_fixture("replies/hidden-asterisk.OPTIONS.sip", "OPTIONS", NULL);
    ck_assert_ptr_null(finding(svc, "known-vulnerable-version"));
    sp__svc_free(svc);
}
END_TEST

/* The known-vulnerable-version finding for a banner, or NULL. */
static sp__svc *classify_server(const char *server)
{
    char raw[1024];
    int n = snprintf(raw, sizeof(raw),
                     "SIP/2.0 200 OK\r\n"
                     "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK0123456789abcdef\r\n"
                     "Call-ID: 0000000000000000000000000000.0123456789abcdef\r\n"
                     "From: <sip:100@198.51.100.7:5060>;tag=0123456789abcdef\r\n"
                     "To: <sip:100@203.0.113.10:5060>;tag=abc\r\n"
                     "CSeq: 1 OPTIONS\r\n"
                     "Server: %s\r\n"
                     "Content-Length: 0\r\n\r\n",
                     server);
    return classify_raw(raw, (size_t)n, "OPTIONS", "203.0.113.10", "203.0.113.10", 400);
}

/* Is there an evidence line holding both a and b? */
static int evidence_has(const sp_finding *f, const char *a, const char *b)
{
    for (size_t i = 0; f && i < f->n_evidence; i++)
        if (strstr(f->evidence[i], a) && (!b || strstr(f->evidence[i], b)))
            return 1;
    return 0;
}

START_TEST(test_findings_vulnerable_banners)
{
    /* Certified Asterisk keeps its version and compares in its branch. */
    sp__svc *svc = classify_server("Asterisk PBX certified/11.6-cert11");
    const sp_finding *f = finding(svc, "known-vulnerable-version");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(strstr(f->evidence[0], "Asterisk 11.6-cert11 (from "));
    ck_assert(evidence_has(f, "AST-2017-008", "fixed in 11.6-cert18 on branch certified 11.6"));
    ck_assert(!evidence_has(f, "on branch 11;", NULL));
    sp__svc_free(svc);
    /* A distribution build: the upstream version, at lower confidence. */
    svc = classify_server("Asterisk PBX 11.7.0~dfsg-1ubuntu1");
    f = finding(svc, "known-vulnerable-version");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(strstr(f->evidence[0], "a distribution build"));
    ck_assert_ptr_nonnull(strstr(f->evidence[0], "upgrade to 11.25.3 or later"));
    ck_assert(evidence_has(f, "AST-2017-008", "confidence: distribution build"));
    ck_assert(!evidence_has(f, "confidence: exact version", NULL));
    /* 11.x has no PJSIP and no DTLS of 18.x: nothing from branches it is not on. */
    ck_assert(!evidence_has(f, "GHSA-2grh-7mhv-fcfw", NULL));
    ck_assert(!evidence_has(f, "GHSA-hxj9-xwr8-w8pq", NULL));
    sp__svc_free(svc);
    /* FreePBX: the bracketed Asterisk version gets Asterisk's advisories. */
    svc = classify_server("FPBX-15.0.16.81(16.13.0)");
    f = finding(svc, "known-vulnerable-version");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(strstr(f->evidence[0], "FreePBX 15.0.16.81 with Asterisk 16.13.0"));
    ck_assert(evidence_has(f, "AST-2021-008", "fixed in 16.19.1 on branch 16 (end of life)"));
    ck_assert_ptr_nonnull(strstr(f->evidence[0], "16 is end of life"));
    sp__svc_free(svc);
    /* Module advisories of FreePBX 16 are only possible, and low. */
    svc = classify_server("FPBX-16.0.40.7");
    f = finding(svc, "known-vulnerable-version");
    ck_assert_ptr_nonnull(f);
    ck_assert(evidence_has(f, "CVE-2026-28284", "possible: check module logfiles"));
    ck_assert_int_eq(f->severity, SP_SEV_LOW);
    sp__svc_free(svc);
    /* A version older than every range of 1.6.0 gets only what 1.6.0 had. */
    svc = classify_server("Asterisk PBX 1.6.0.6");
    f = finding(svc, "known-vulnerable-version");
    ck_assert_ptr_nonnull(f);
    for (size_t i = 1; i < f->n_evidence; i++)
        ck_assert_msg(strstr(f->evidence[i], "on branch 1.6.0"), "%s", f->evidence[i]);
    sp__svc_free(svc);
    /* A fixed release on a supported branch: no finding. */
    svc = classify_server("Asterisk PBX 99.0.0");
    ck_assert_ptr_null(finding(svc, "known-vulnerable-version"));
    sp__svc_free(svc);
}
END_TEST

/* The second service with a banner gets its evidence from the memo (taken
 * over, not copied): the same lines and severity as the first, and a second
 * sp__classify_finish adds nothing. */
START_TEST(test_findings_vulnerable_memo_same_evidence)
{
    sp__svc *first = classify_server("Asterisk PBX 18.10.0");
    sp__svc *again = classify_server("Asterisk PBX 18.10.0");
    const sp_finding *a = finding(first, "known-vulnerable-version");
    const sp_finding *b = finding(again, "known-vulnerable-version");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(a->severity, b->severity);
    ck_assert_uint_eq(a->n_evidence, b->n_evidence);
    for (size_t i = 0; i < a->n_evidence; i++)
        ck_assert_str_eq(a->evidence[i], b->evidence[i]);
    size_t n_findings = again->n_findings, n_evidence = b->n_evidence;
    sp__classify_finish(again, &db, &vulns);
    ck_assert_uint_eq(again->n_findings, n_findings);
    b = finding(again, "known-vulnerable-version");
    ck_assert_uint_eq(b->n_evidence, n_evidence);
    ck_assert_int_eq(b->severity, a->severity);
    sp__svc_free(first);
    sp__svc_free(again);
}
END_TEST

START_TEST(test_findings_private_address_leak)
{
    /* A public responder whose Contact is a LAN address leaks it. */
    sp__svc *svc = classify_fixture("replies/nat-pbx.OPTIONS.sip", "OPTIONS", "203.0.113.10");
    const sp_finding *f = finding(svc, "private-address-leak");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(strstr(f->evidence[0], "192.168.1.20"));
    sp__svc_free(svc);
    /* The same reply on a LAN scan (private responder) is no leak. */
    svc = classify_fixture("replies/nat-pbx.OPTIONS.sip", "OPTIONS", "192.168.1.1");
    ck_assert_ptr_null(finding(svc, "private-address-leak"));
    sp__svc_free(svc);
    /* A public Contact is no leak either. */
    svc = classify_fixture("replies/freeswitch.OPTIONS.sip", "OPTIONS", "203.0.113.10");
    ck_assert_ptr_null(finding(svc, "private-address-leak"));
    sp__svc_free(svc);
    /* Record-Route and SDP are checked too. */
    const char *raw = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKa\r\n"
                      "Record-Route: <sip:10.1.2.3;lr>\r\nFrom: <sip:1@x>;tag=1\r\n"
                      "To: <sip:1@y>;tag=2\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n"
                      "Content-Type: application/sdp\r\nContent-Length: 31\r\n\r\n"
                      "v=0\r\nc=IN IP4 172.20.0.5\r\nt=0 0\r\n";
    svc = classify_raw(raw, strlen(raw), "OPTIONS", "203.0.113.10", "203.0.113.10", 400);
    f = finding(svc, "private-address-leak");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->n_evidence, 2);
    ck_assert_ptr_nonnull(strstr(f->evidence[0], "10.1.2.3"));
    ck_assert_ptr_nonnull(strstr(f->evidence[1], "172.20.0.5"));
    sp__svc_free(svc);
}
END_TEST

START_TEST(test_findings_udp_amplification)
{
    size_t len;
    char *raw = read_fixture("replies/freeswitch.OPTIONS.sip", &len);
    sp__svc *svc = classify_raw(raw, len, "OPTIONS", "203.0.113.10", "203.0.113.10", len / 3);
    const sp_finding *f = finding(svc, "udp-amplification");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->severity, SP_SEV_LOW);
    sp__svc_free(svc);
    svc = classify_raw(raw, len, "OPTIONS", "203.0.113.10", "203.0.113.10", len / 2);
    ck_assert_ptr_null(finding(svc, "udp-amplification"));
    sp__svc_free(svc);
    free(raw);
}
END_TEST

START_TEST(test_findings_scanner_and_methods)
{
    sp__svc *svc = classify_fixture("fingerprints/sipvicious.sip", "OPTIONS", NULL);
    ck_assert_ptr_nonnull(finding(svc, "scanner-user-agent-seen"));
    ck_assert_ptr_null(finding(svc, "options-reveals-methods")); /* no Allow */
    sp__svc_free(svc);
    svc = classify_fixture("replies/asterisk.OPTIONS.sip", "OPTIONS", NULL);
    ck_assert_ptr_null(finding(svc, "scanner-user-agent-seen"));
    const sp_finding *f = finding(svc, "options-reveals-methods");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(strstr(f->evidence[0], "Allow: OPTIONS, REGISTER"));
    sp__svc_free(svc);
    /* A 500 to OPTIONS reveals nothing. */
    svc = classify_fixture("replies/bt-homehub5.OPTIONS.sip", "OPTIONS", NULL);
    ck_assert_ptr_null(finding(svc, "options-reveals-methods"));
    sp__svc_free(svc);
}
END_TEST

static sp__extlist list;

START_TEST(test_findings_extension_list)
{
    sp__extlist_init(&list);
    ck_assert_int_eq(sp__extlist_add(&list, "100-102,alice,0100-0101,2000", err, sizeof(err)), 0);
    ck_assert_uint_eq(list.count, 7);
    char name[32];
    sp__extlist_get(&list, 0, name, sizeof(name));
    ck_assert_str_eq(name, "100");
    sp__extlist_get(&list, 3, name, sizeof(name));
    ck_assert_str_eq(name, "alice");
    ck_assert_uint_eq(sp__extlist_get(&list, 5, name, sizeof(name)), 4);
    ck_assert_str_eq(name, "0101");
    char small[3];
    ck_assert_uint_eq(sp__extlist_get(&list, 3, small, sizeof(small)), 2); /* "al", cut */
    ck_assert_str_eq(small, "al");
    sp__extlist_get(&list, 6, name, sizeof(name));
    ck_assert_str_eq(name, "2000");
    ck_assert_int_ne(sp__extlist_add(&list, "200-100", err, sizeof(err)), 0);
    ck_assert_int_ne(sp__extlist_add(&list, "bad<user>", err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(err, "bad<user>"));
    ck_assert_int_ne(sp__extlist_add(&list, "1-2000000", err, sizeof(err)), 0);
    sp__extlist_free(&list);
}
END_TEST

START_TEST(test_findings_enumeration_verdicts)
{
    sp__extlist_init(&list);
    sp__extlist_add(&list, "100-104", err, sizeof(err));
    sp__addr h = addr("203.0.113.10");

    /* 404 for unknown users, 401 for 101 and 103, 503 for 104 (overload is no evidence). */
    sp__svc *svc = sp__svc_new(&h, 5060, 0);
    sp__svc_set_responder(svc, &h, 5060);
    svc->en = sp__enum_new(5);
    snprintf(svc->en->baseline_user, sizeof(svc->en->baseline_user), "spzzzz");
    ck_assert_int_eq(sp__enum_record(svc->en, SP__EXT_BASELINE, 404, "Not Found"), 1);
    sp__enum_record(svc->en, 0, 404, "Not Found");
    sp__enum_record(svc->en, 1, 401, "Unauthorized");
    sp__enum_record(svc->en, 2, 404, "not found");
    sp__enum_record(svc->en, 3, 401, "Unauthorized");
    sp__enum_record(svc->en, 4, 503, "Service Unavailable");
    ck_assert_int_eq(sp__enum_record(svc->en, 1, 401, "Unauthorized"), 0); /* retransmission */
    sp__svc_finish_enumeration(svc, &list);
    sp__classify_finish(svc, &db, &vulns);
    ck_assert_int_eq(svc->pub.enumeration->possible, 1);
    ck_assert_uint_eq(svc->pub.enumeration->n_extensions, 2);
    ck_assert_str_eq(svc->pub.enumeration->extensions[0], "101");
    ck_assert_str_eq(svc->pub.enumeration->extensions[1], "103");
    const sp_finding *f = finding(svc, "extension-enumeration");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->severity, SP_SEV_MEDIUM);
    ck_assert_str_eq(f->evidence[0], "baseline user 'spzzzz' -> 404 Not Found");
    ck_assert_str_eq(f->evidence[1], "101 -> 401");
    ck_assert_str_eq(f->evidence[2], "103 -> 401");
    sp__svc_free(svc);

    /* Different 403 texts tell users apart too. */
    svc = sp__svc_new(&h, 5060, 0);
    svc->en = sp__enum_new(5);
    sp__enum_record(svc->en, SP__EXT_BASELINE, 403, "User unknown");
    for (uint32_t i = 0; i < 5; i++)
        sp__enum_record(svc->en, i, 403, i == 2 ? "Wrong password" : "User unknown");
    sp__svc_finish_enumeration(svc, &list);
    ck_assert_int_eq(svc->en_pub.possible, 1);
    ck_assert_uint_eq(svc->en_found.n, 1);
    ck_assert_str_eq(svc->en_found.v[0], "102");
    sp__svc_free(svc);

    /* Every user alike: not possible, and no finding. */
    svc = sp__svc_new(&h, 5060, 0);
    sp__svc_set_responder(svc, &h, 5060);
    svc->en = sp__enum_new(5);
    sp__enum_record(svc->en, SP__EXT_BASELINE, 401, "Unauthorized");
    for (uint32_t i = 0; i < 5; i++)
        sp__enum_record(svc->en, i, 401, "Unauthorized");
    sp__svc_finish_enumeration(svc, &list);
    sp__classify_finish(svc, &db, &vulns);
    ck_assert_int_eq(svc->pub.enumeration->possible, 0);
    ck_assert_ptr_nonnull(strstr(svc->pub.enumeration->note, "same answer"));
    ck_assert_ptr_null(finding(svc, "extension-enumeration"));
    sp__svc_free(svc);

    /* A silent baseline: no verdict. */
    svc = sp__svc_new(&h, 5060, 0);
    svc->en = sp__enum_new(5);
    sp__enum_record(svc->en, 0, 401, "Unauthorized");
    sp__svc_finish_enumeration(svc, &list);
    ck_assert_int_eq(svc->en_pub.possible, 0);
    ck_assert_ptr_nonnull(strstr(svc->en_note, "got no answer"));
    sp__svc_free(svc);
    sp__extlist_free(&list);
}
END_TEST

START_TEST(test_findings_exposed_through_nat_and_alg)
{
    /* A LAN Contact in a reply from a public address: exposed through NAT. */
    sp__svc *svc = classify_fixture("replies/nat-pbx.OPTIONS.sip", "OPTIONS", "203.0.113.10");
    const sp_finding *f = finding(svc, "sip-exposed-through-nat");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->severity, SP_SEV_HIGH);
    ck_assert_ptr_nonnull(strstr(f->evidence[f->n_evidence - 1], "FreePBX pbx answers"));
    ck_assert_ptr_null(finding(svc, "sip-alg-detected"));
    sp__svc_free(svc);

    /* The echoed To came back changed: an ALG, and exposure through NAT. */
    size_t len;
    char *raw = read_fixture("replies/freepbx.OPTIONS.sip", &len);
    sp__parsed m;
    ck_assert_int_eq(sp__sipmsg_parse(raw, len, &m), 0);
    sp__addr h = addr("203.0.113.10");
    svc = sp__svc_new(&h, 5060, 0);
    sp__svc_set_responder(svc, &h, 5060);
    sp__classify_echo(svc, "sip:100@203.0.113.10", &m); /* the fixture echoes ...:5060 */
    sp__classify_reply(svc, 0, "OPTIONS", &m, 1, len, 400);
    sp__classify_finish(svc, &db, &vulns);
    ck_assert_ptr_nonnull(finding(svc, "sip-alg-detected"));
    ck_assert_ptr_nonnull(finding(svc, "sip-exposed-through-nat"));
    sp__svc_free(svc);

    /* Echoed verbatim: no ALG. Same reply from a LAN address: no exposure. */
    svc = sp__svc_new(&h, 5060, 0);
    sp__addr lan = addr("192.168.1.20");
    sp__svc_set_responder(svc, &lan, 5060);
    sp__classify_echo(svc, "sip:100@203.0.113.10:5060", &m);
    sp__classify_reply(svc, 0, "OPTIONS", &m, 1, len, 400);
    sp__classify_finish(svc, &db, &vulns);
    ck_assert_ptr_null(finding(svc, "sip-alg-detected"));
    ck_assert_ptr_null(finding(svc, "sip-exposed-through-nat"));
    sp__svc_free(svc);
    sp__parsed_free(&m);
    free(raw);

    /* The router itself answering is no exposure of a device behind it. */
    svc = classify_fixture("replies/fritzbox.OPTIONS.sip", "OPTIONS", "203.0.113.10");
    ck_assert_ptr_null(finding(svc, "sip-exposed-through-nat"));
    sp__svc_free(svc);
}
END_TEST

Suite *findings_suite(void)
{
    Suite *s = suite_create("findings");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_findings_every_fingerprint_rule_has_a_fixture);
    tcase_add_test(tc, test_findings_version_compare);
    tcase_add_test(tc, test_findings_vulnerable_ranges);
    tcase_add_test(tc, test_findings_vulnerable_banners);
    tcase_add_test(tc, test_findings_vulnerable_memo_same_evidence);
    tcase_add_test(tc, test_findings_private_address_leak);
    tcase_add_test(tc, test_findings_udp_amplification);
    tcase_add_test(tc, test_findings_scanner_and_methods);
    tcase_add_test(tc, test_findings_extension_list);
    tcase_add_test(tc, test_findings_enumeration_verdicts);
    tcase_add_test(tc, test_findings_exposed_through_nat_and_alg);
    suite_add_tcase(s, tc);
    return s;
}
