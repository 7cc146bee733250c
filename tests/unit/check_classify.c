#include "suites.h"
#include "classify/classify.h"
#include "classify/findings.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static sp__fpdb db;
static char err[512];

static void setup(void)
{
    sp__fpdb_init(&db);
    ck_assert_int_eq(sp__fpdb_load_builtin(&db, err, sizeof(err)), 0);
}

static void teardown(void)
{
    sp__fpdb_free(&db);
}

static sp__addr addr4(const char *s)
{
    sp__addr a;
    memset(&a, 0, sizeof(a));
    a.family = 4;
    inet_pton(AF_INET, s, a.bytes);
    return a;
}

/* Classifies fixtures/replies/<persona>.<METHOD>.sip for each method given. */
static sp__svc *classify(const char *persona, const char *methods, const char *responder)
{
    sp__addr host = addr4("203.0.113.10");
    sp__addr from = addr4(responder ? responder : "203.0.113.10");
    sp__svc *svc = sp__svc_new(&host, 5060, 0);
    sp__svc_set_responder(svc, &from, 5060);
    char list[64];
    snprintf(list, sizeof(list), "%s", methods);
    char *save = NULL;
    for (char *m = strtok_r(list, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
        char path[256];
        size_t len;
        snprintf(path, sizeof(path), "replies/%s.%s.sip", persona, m);
        char *raw = read_fixture(path, &len);
        ck_assert_msg(raw != NULL, "missing fixture %s", path);
        sp__parsed msg;
        ck_assert_msg(sp__sipmsg_parse(raw, len, &msg) == 0, "%s does not parse", path);
        int idx = sp__probe_find(m);
        ck_assert_int_eq(
            sp__classify_reply(svc, idx, sp__probe_get((size_t)idx)->name, &msg, 1.5, len, 400), 1);
        /* The same reply again is a retransmission. */
        ck_assert_int_eq(
            sp__classify_reply(svc, idx, sp__probe_get((size_t)idx)->name, &msg, 1.5, len, 400), 0);
        sp__parsed_free(&msg);
        free(raw);
    }
    sp__classify_finish(svc, &db, NULL);
    return svc;
}

static int has_finding(const sp__svc *svc, const char *id)
{
    for (size_t i = 0; i < svc->n_findings; i++)
        if (!strcmp(svc->findings[i].id, id))
            return 1;
    return 0;
}

static const struct {
    const char *persona, *product, *version, *type;
} expected[] = {
    {"asterisk", "Asterisk", "18.10.0", "pbx"},
    {"freepbx", "FreePBX", "15.0.16.81", "pbx"},
    {"3cx", "3CX Phone System", "18.0.7.312", "pbx"},
    {"kamailio", "Kamailio", "5.6.3", "proxy"},
    {"opensips", "OpenSIPS", "3.4.3", "proxy"},
    {"freeswitch", "FreeSWITCH", "1.10.9", "pbx"},
    {"grandstream-ht801", "Grandstream HT ATA", "1.0.0.85", "ata"},
    {"yealink-t46s", "Yealink IP phone", "66.85.0.5", "phone"},
    {"cisco-spa504g", "Cisco SPA", "7.6.2c", "phone"},
    {"polycom-vvx410", "Polycom phone", "5.9.0.9373", "phone"},
    {"fritzbox", "FRITZ!Box", "29.04.88", "router"},
    {"bt-homehub5", "BT Home Hub", "4.7.5.1.83.8.204", "router"},
    {"open-registrar", "Asterisk", "11.7.0", "pbx"},
    {"hidden-asterisk", "Asterisk", NULL, "pbx"},
    {"nat-pbx", "FreePBX", "16.0.33", "pbx"},
};

START_TEST(test_classify_fingerprints_every_persona)
{
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        sp__svc *svc = classify(expected[i].persona, "OPTIONS,REGISTER", NULL);
        ck_assert_msg(svc->pub.fingerprint != NULL, "%s: no fingerprint", expected[i].persona);
        ck_assert_str_eq(svc->pub.fingerprint->product, expected[i].product);
        ck_assert_str_eq(svc->pub.fingerprint->type, expected[i].type);
        if (expected[i].version)
            ck_assert_str_eq(svc->pub.fingerprint->version, expected[i].version);
        else
            ck_assert_ptr_null(svc->pub.fingerprint->version);
        ck_assert(has_finding(svc, "sip-service-exposed"));
        ck_assert_int_eq(has_finding(svc, "version-disclosure"), expected[i].version != NULL);
        ck_assert_uint_eq(svc->pub.n_replies, 2);
        ck_assert_str_eq(svc->pub.replies[0].method, "OPTIONS");
        sp__svc_free(svc);
    }
}
END_TEST

START_TEST(test_classify_reply_fields)
{
    sp__svc *svc = classify("asterisk", "OPTIONS,REGISTER", NULL);
    ck_assert_int_eq(svc->pub.replies[0].status, 200);
    ck_assert_str_eq(svc->pub.replies[0].reason, "OK");
    ck_assert_int_eq(svc->pub.replies[1].status, 401);
    ck_assert_int_eq(svc->pub.replies[1].challenged, 1);
    ck_assert_str_eq(svc->pub.replies[1].realm, "asterisk");
    ck_assert_str_eq(svc->pub.replies[1].algorithm, "md5");
    ck_assert_str_eq(svc->pub.replies[1].qop, "auth");
    ck_assert_str_eq(svc->pub.server, "Asterisk PBX 18.10.0");
    ck_assert_ptr_null(svc->pub.user_agent);
    ck_assert_uint_eq(svc->pub.n_allow, 13);
    ck_assert_str_eq(svc->pub.allow[0], "OPTIONS");
    ck_assert_uint_eq(svc->pub.n_supported, 4);
    ck_assert_str_eq(svc->pub.fingerprint->cpe, "cpe:2.3:a:digium:asterisk:18.10.0:*:*:*:*:*:*:*");
    ck_assert(!has_finding(svc, "register-without-auth"));
    ck_assert(!has_finding(svc, "responder-mismatch"));
    ck_assert_int_eq(svc->pub.max_severity, SP_SEV_LOW);
    sp__svc_free(svc);
}
END_TEST

START_TEST(test_classify_register_without_auth)
{
    sp__svc *svc = classify("open-registrar", "OPTIONS,REGISTER", NULL);
    ck_assert(has_finding(svc, "register-without-auth"));
    ck_assert_int_eq(svc->pub.max_severity, SP_SEV_CRITICAL);
    sp__svc_free(svc);
    /* A 3CX 407 challenge is auth required, not an open registrar. */
    svc = classify("3cx", "REGISTER", NULL);
    ck_assert(!has_finding(svc, "register-without-auth"));
    ck_assert_int_eq(svc->pub.replies[0].challenged, 1);
    ck_assert_str_eq(svc->pub.replies[0].realm, "3CXPhoneSystem");
    sp__svc_free(svc);
    /* 405 to REGISTER (a phone) is neither. */
    svc = classify("yealink-t46s", "REGISTER", NULL);
    ck_assert(!has_finding(svc, "register-without-auth"));
    ck_assert_int_eq(svc->pub.replies[0].challenged, 0);
    sp__svc_free(svc);
}
END_TEST

START_TEST(test_classify_responder_mismatch)
{
    sp__svc *svc = classify("nat-pbx", "OPTIONS", "203.0.113.254");
    ck_assert(has_finding(svc, "responder-mismatch"));
    ck_assert_int_eq(svc->pub.responder_differs, 1);
    ck_assert_str_eq(svc->pub.responder, "203.0.113.254:5060");
    sp__svc_free(svc);
}
END_TEST

START_TEST(test_classify_provisional_then_final)
{
    const char *trying =
        "SIP/2.0 100 Trying\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKx\r\n"
        "From: <sip:100@x>;tag=1\r\nTo: <sip:100@y>\r\nCall-ID: c\r\n"
        "CSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n";
    sp__addr host = addr4("203.0.113.10");
    sp__svc *svc = sp__svc_new(&host, 5060, 0);
    sp__parsed msg;
    ck_assert_int_eq(sp__sipmsg_parse(trying, strlen(trying), &msg), 0);
    ck_assert_int_eq(sp__classify_reply(svc, 1, "REGISTER", &msg, 1, 10, 10), 1);
    ck_assert_uint_eq(svc->final_mask, 0);
    sp__parsed_free(&msg);
    size_t len;
    char *raw = read_fixture("replies/asterisk.REGISTER.sip", &len);
    ck_assert_int_eq(sp__sipmsg_parse(raw, len, &msg), 0);
    ck_assert_int_eq(sp__classify_reply(svc, 1, "REGISTER", &msg, 2, len, 10), 1);
    ck_assert_uint_eq(svc->n_replies, 1);
    ck_assert_int_eq(svc->replies[0].status, 401);
    ck_assert_uint_eq(svc->final_mask, 2);
    sp__parsed_free(&msg);
    free(raw);
    sp__svc_free(svc);
}
END_TEST

START_TEST(test_classify_user_rules_take_precedence)
{
    const char *rules =
        "{\"rules\":[{\"id\":\"custom\",\"product\":\"Custom PBX\",\"type\":\"pbx\","
        "\"regex\":\"^Asterisk PBX (?<version>18\\\\.[\\\\d.]+)\"}]}";
    ck_assert_int_eq(sp__fpdb_load(&db, rules, strlen(rules), "test", 1, err, sizeof(err)), 0);
    sp__svc *svc = classify("asterisk", "OPTIONS", NULL);
    ck_assert_str_eq(svc->pub.fingerprint->product, "Custom PBX");
    ck_assert_str_eq(svc->pub.fingerprint->version, "18.10.0");
    sp__svc_free(svc);
}
END_TEST

START_TEST(test_classify_bad_rules_are_reported)
{
    static const char *const bad[] = {
        "not json",
        "{}",
        "{\"rules\":[{\"id\":\"x\"}]}",
        "{\"rules\":[{\"id\":\"x\",\"product\":\"p\",\"regex\":\"(unclosed\"}]}",
        "{\"rules\":[{\"id\":\"x\",\"product\":\"p\",\"regex\":\"a\",\"field\":\"nope\"}]}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        ck_assert_int_eq(
            sp__fpdb_load(&db, bad[i], strlen(bad[i]), "user.json", 0, err, sizeof(err)), SP_EDATA);
        ck_assert_ptr_nonnull(strstr(err, "user.json"));
    }
}
END_TEST

/* Every prefix of every fixture, and every fixture with one byte flipped:
 * parsing and classifying must never crash or leak (CI runs this under
 * ASan and UBSan), and whatever parses must classify consistently. */
START_TEST(test_classify_damaged_replies)
{
    static const char *const names[] = {"asterisk.OPTIONS", "3cx.REGISTER", "bt-homehub5.OPTIONS",
                                        "nat-pbx.OPTIONS", "hidden-asterisk.REGISTER"};
    for (size_t f = 0; f < sizeof(names) / sizeof(names[0]); f++) {
        char path[128];
        size_t len;
        snprintf(path, sizeof(path), "replies/%s.sip", names[f]);
        char *raw = read_fixture(path, &len);
        ck_assert_ptr_nonnull(raw);
        char *copy = malloc(len + 1);
        for (size_t cut = 0; cut <= len; cut++) {
            for (int flip = 0; flip < 2; flip++) {
                memcpy(copy, raw, len + 1);
                size_t n = cut;
                if (flip) {
                    n = len;
                    copy[cut % len] ^= (char)0x5a;
                }
                sp__parsed msg;
                if (sp__sipmsg_parse(copy, n, &msg) == 0) {
                    sp__addr host = addr4("203.0.113.10");
                    sp__svc *svc = sp__svc_new(&host, 5060, 0);
                    sp__svc_set_responder(svc, &host, 5060);
                    sp__classify_reply(svc, 0, "OPTIONS", &msg, 1, n, 400);
                    sp__classify_finish(svc, &db, NULL);
                    ck_assert_uint_le(svc->pub.n_replies, 1);
                    sp__svc_free(svc);
                }
                sp__parsed_free(&msg);
            }
        }
        free(copy);
        free(raw);
    }
}
END_TEST

/* Inputs the fuzzers once crashed on (fixtures/fuzz/<target>/) are replayed
 * through the same code on every test run. */
START_TEST(test_classify_fuzz_regressions)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/fixtures/fuzz/fingerprints", SP_SOURCE_DIR);
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *ent;
    int files = 0;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        char path[1200];
        size_t len;
        snprintf(path, sizeof(path), "fuzz/fingerprints/%s", ent->d_name);
        char *raw = read_fixture(path, &len);
        ck_assert_ptr_nonnull(raw);
        sp__fpdb fp;
        sp__fpdb_init(&fp);
        if (sp__fpdb_load(&fp, raw, len, path, 0, err, sizeof(err)) == 0) {
            sp__fp_input in;
            memset(&in, 0, sizeof(in));
            const char *headers[] = {"X-Serialnumber: 1"};
            in.headers = headers;
            in.n_headers = 1;
            in.field[SP__FIELD_SERVER] = "x";
            sp__fp_match m;
            if (sp__fpdb_match(&fp, &in, &m))
                sp__fp_match_free(&m);
        }
        sp__fpdb_free(&fp);
        free(raw);
        files++;
    }
    closedir(d);
    ck_assert_int_ge(files, 1);
}
END_TEST

Suite *classify_suite(void)
{
    Suite *s = suite_create("classify");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60); /* the damaged-reply sweep is slow under sanitizers */
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_classify_fingerprints_every_persona);
    tcase_add_test(tc, test_classify_reply_fields);
    tcase_add_test(tc, test_classify_register_without_auth);
    tcase_add_test(tc, test_classify_responder_mismatch);
    tcase_add_test(tc, test_classify_provisional_then_final);
    tcase_add_test(tc, test_classify_user_rules_take_precedence);
    tcase_add_test(tc, test_classify_bad_rules_are_reported);
    tcase_add_test(tc, test_classify_damaged_replies);
    tcase_add_test(tc, test_classify_fuzz_regressions);
    suite_add_tcase(s, tc);
    return s;
}
