#include "suites.h"
#include "classify/classify.h"
#include "classify/findings.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <jansson.h>
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

/* Matches one banner (Server or User-Agent) against the built-in rules. */
static int match_banner(const char *server, const char *user_agent, sp__fp_match *m)
{
    sp__fp_input in;
    memset(&in, 0, sizeof(in));
    in.field[SP__FIELD_SERVER] = server;
    in.field[SP__FIELD_USER_AGENT] = user_agent;
    return sp__fpdb_match(&db, &in, m);
}

/* Banners from public sources other than the fixtures (vendor documents,
 * Greenbone's SIP detection comments, nmap's probe file, public SIP traces):
 * each classifies to the rule, vendor and version it should, with the model
 * filled into the CPE where the rule has one. */
START_TEST(test_classify_banners_beyond_the_fixtures)
{
    static const struct {
        const char *server, *ua, *rule, *vendor, *version, *cpe;
    } cases[] = {
        {"3CX", NULL, "3cx-bare", "3CX", NULL, NULL},
        {NULL, "Cisco ATA 186  v3.1.0 atasip (040211A)", "cisco-ata", "Cisco", "3.1.0",
         "cpe:2.3:h:cisco:ata_186:-:*:*:*:*:*:*:*"},
        {NULL, "Cisco-ATA187/9.2.3", "cisco-ata-19x", "Cisco", "9.2.3",
         "cpe:2.3:h:cisco:ata_187:-:*:*:*:*:*:*:*"},
        {NULL, "Cisco/ATA192-12.0.1(SR3) (88755A000003)", "cisco-ata-19x", "Cisco", "12.0.1(SR3)",
         "cpe:2.3:h:cisco:ata_192:-:*:*:*:*:*:*:*"},
        {"Mitel 6930/6.4.0.132", NULL, "mitel-6900", "Mitel", "6.4.0.132",
         "cpe:2.3:o:mitel:6930_firmware:6.4.0.132:*:*:*:*:*:*:*"},
        {NULL, "Mitel-5330-SIP-Phone 3.1.0 08000F123456", "mitel-phone", "Mitel", "3.1.0", NULL},
        {"Aastra 6731i/3.2.2.3077", NULL, "aastra", "Aastra", "3.2.2.3077", NULL},
        {NULL, "LANCOM 1722 VoIP (Annex B) / 8.84.0289 / 21.12.2015", "lancom", "LANCOM Systems",
         "8.84.0289", NULL},
        {NULL, "LANCOM R884VA (over ISDN) / 9.24.0191 / 02.02.2017", "lancom", "LANCOM Systems",
         "9.24.0191", NULL},
        {NULL, "Auerswald COMpact 5500R sofia-sip/1.12.11", "auerswald-compact", "Auerswald", NULL,
         NULL},
        {NULL, "IceWarp SIP 12.0.3.1", "icewarp", "IceWarp", "12.0.3.1", NULL},
        {NULL, "IceWarp SIP 12.1.1.0 RC24 RHEL7 x64", "icewarp", "IceWarp", "12.1.1.0", NULL},
        {NULL, "Alcatel-Lucent 8460 ACS 12.0.2b0290", "alcatel-acs", "Alcatel-Lucent",
         "12.0.2b0290", NULL},
        {"STARFACE PBX", NULL, "starface", "STARFACE", NULL, NULL},
        {"NetSapiens SiPBx 1-1205c", NULL, "netsapiens", "NetSapiens", "1-1205c", NULL},
        {NULL, "SAGEM / 3202.3 / 2601EC", "sagem", "Sagem", NULL, NULL},
        /* Version text keeps what names the release, not less. */
        {NULL, "X-Lite 4 release 4.0 stamp 58832", "counterpath", "CounterPath", "4.0", NULL},
        {NULL, "X-Lite release 1103m", "counterpath", "CounterPath", "1103m", NULL},
        {"Sip Express Media Server (1.1.1-aefe2 (x86_64/linux))", NULL, "sems", "iptel.org",
         "1.1.1", NULL},
        {"Polycom HDX 8000 HD (Release - 3.0.3-14452)", NULL, "polycom-hdx", "Polycom",
         "3.0.3-14452", "cpe:2.3:h:polycom:hdx_8000:-:*:*:*:*:*:*:*"},
        {NULL, "Polycom/5.4.3.2007 PolycomRealPresenceTrio-Trio_8800-UA/5.4.3.2007", "polycom-trio",
         "Polycom", "5.4.3.2007", "cpe:2.3:h:polycom:realpresence_trio_trio_8800:-:*:*:*:*:*:*:*"},
        {"Epygi Quadro SIP User Agent/v5.3.2 (QUADRO-4Li)", NULL, "epygi-quadro", "Epygi", "5.3.2",
         "cpe:2.3:h:epygi:4li:-:*:*:*:*:*:*:*"},
        {NULL, "Thomson TG585v7 Build 8.2.7.8", "thomson-tg", "Thomson", "8.2.7.8",
         "cpe:2.3:h:thomson:tg585v7:-:*:*:*:*:*:*:*"},
        {NULL, "Cisco-CP-8841-3PCC/11.0 (00562b043615)", "cisco-ip-phone", "Cisco", "11.0",
         "cpe:2.3:h:cisco:ip_phone_8841:-:*:*:*:*:*:*:*"},
        {NULL, "Cisco-CP7960G/8.0", "cisco-ip-phone", "Cisco", "8.0", NULL},
        {NULL, "Yealink SIP VP-T49G 51.80.0.100", "yealink", "Yealink", "51.80.0.100", NULL},
        {NULL, "Yealink W60B 77.83.0.85", "yealink", "Yealink", "77.83.0.85", NULL},
        {NULL, "Jitsi2.11.20200408Linux", "jitsi", "Jitsi", "2.11.20200408", NULL},
        {NULL, "Htek UC V20 V5.22.10.25.245 f26dcc142f0d", "htek", "Htek", "5.22.10.25.245", NULL},
        {"OpenSER (1.3.2-notls (i386/linux))", NULL, "openser", "OpenSER project", "1.3.2-notls",
         NULL},
        {"Sipwise NGCP Proxy 2.X", NULL, "sipwise", "Sipwise", "2.X", NULL},
        {NULL, "FreeSwitch", "freeswitch", "SignalWire", NULL, NULL},
        {"RTCC/5.0.0.0 MSExchangeUM/15.01.2507.017", NULL, "ms-exchange-um", "Microsoft",
         "15.01.2507.017", NULL},
        /* CPEs follow nmap's (the model named) or NVD's form ('!' escaped). */
        {NULL, "Yealink SIP-T46S 66.85.0.5", "yealink", "Yealink", "66.85.0.5",
         "cpe:2.3:h:yealink:sip-t46s:-:*:*:*:*:*:*:*"},
        {NULL, "Grandstream HT801 1.0.0.85", "grandstream-ata", "Grandstream", "1.0.0.85",
         "cpe:2.3:h:grandstream:ht801:-:*:*:*:*:*:*:*"},
        {NULL, "Grandstream GXP1625 1.0.2.25", "grandstream-phone", "Grandstream", "1.0.2.25",
         "cpe:2.3:h:grandstream:gxp1625:-:*:*:*:*:*:*:*"},
        {NULL, "snomPA1/8.7.3.19", "snom", "Snom", "8.7.3.19",
         "cpe:2.3:h:snom:pa1:-:*:*:*:*:*:*:*"},
        {NULL, "Z 3.3.21933 r21903", "zoiper", "Zoiper", "3.3.21933",
         "cpe:2.3:a:securax:zoiper:3.3.21933:*:*:*:*:*:*:*"},
        {"Cisco-SIPGateway/IOS-16.6.2", NULL, "cisco-ios-gw", "Cisco", "16.6.2",
         "cpe:2.3:o:cisco:ios:16.6.2:*:*:*:*:*:*:*"},
        {NULL, "AVM FRITZ!Box Fon WLAN 7170 29.04.88", "fritzbox", "AVM", "29.04.88",
         "cpe:2.3:o:avm:fritz\\!os:29.04.88:*:*:*:*:*:*:*"},
        /* Neighbours of the new rules keep their own rule. */
        {"Asterisk PBX 16.13.0", NULL, "asterisk", "Sangoma", "16.13.0", NULL},
        {NULL, "Asterisk PBX (digium)", "switchvox", "Digium", NULL, NULL},
        {"Sip EXpress router (0.8.12 (i386/linux))", NULL, "ser", "iptel.org", "0.8.12", NULL},
        {"Cisco/SPA504G-7.6.2c", NULL, "cisco-spa", "Cisco", "7.6.2c", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sp__fp_match m;
        const char *banner = cases[i].server ? cases[i].server : cases[i].ua;
        ck_assert_msg(match_banner(cases[i].server, cases[i].ua, &m), "%s: no match", banner);
        ck_assert_msg(!strcmp(m.id, cases[i].rule), "%s: rule %s, expected %s", banner, m.id,
                      cases[i].rule);
        ck_assert_str_eq(m.vendor, cases[i].vendor);
        if (cases[i].version)
            ck_assert_msg(m.version && !strcmp(m.version, cases[i].version),
                          "%s: version %s, expected %s", banner, m.version ? m.version : "none",
                          cases[i].version);
        else
            ck_assert_ptr_null(m.version);
        if (cases[i].cpe)
            ck_assert_str_eq(m.cpe, cases[i].cpe);
        sp__fp_match_free(&m);
    }
}
END_TEST

/* Banners no rule may claim: a near miss must stay unrecognised rather than
 * be given a wrong vendor. */
START_TEST(test_classify_no_wrong_vendor)
{
    static const char *const unknown[] = {
        "Telephone",  "VP",      "SAGEM",     "RTC/7.0", "Blinky 1.0",        "TANDBERG",
        "Cisco",      "Mediant", "Algo 8201", "HiPath",  "Jitsi Meet",        "QIPX 1",
        "3CX Mobile", "Z phone", "iOS/8.1",   "Htek",    "Yeastar S50 extra",
    };
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        sp__fp_match m;
        int hit = match_banner(NULL, unknown[i], &m);
        ck_assert_msg(!hit, "'%s' matched rule %s", unknown[i], hit ? m.id : "");
    }
}
END_TEST

/* The rule table itself: unique ids, a vendor, a product and a known device
 * type on every rule, CPEs in 2.3 form, and the coverage the project
 * promises (at least 130 products). */
START_TEST(test_classify_rule_table)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/lib/data/fingerprints.json", SP_SOURCE_DIR);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    ck_assert_ptr_nonnull(root);
    json_t *rules = json_object_get(root, "rules");
    static const char *const types[] = {"pbx",     "proxy",  "sbc",       "phone",   "ata",
                                        "gateway", "router", "softphone", "scanner", "test-tool"};
    json_t *ids = json_object(), *products = json_object();
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule)
    {
        const char *id = json_string_value(json_object_get(rule, "id"));
        const char *vendor = json_string_value(json_object_get(rule, "vendor"));
        const char *product = json_string_value(json_object_get(rule, "product"));
        const char *type = json_string_value(json_object_get(rule, "type"));
        const char *cpe = json_string_value(json_object_get(rule, "cpe"));
        ck_assert_msg(id && vendor && product && type, "rule %zu lacks id/vendor/product/type", i);
        ck_assert_msg(json_object_get(ids, id) == NULL, "duplicate rule id %s", id);
        json_object_set_new(ids, id, json_true());
        json_object_set_new(products, product, json_true());
        int known = 0;
        for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
            known |= !strcmp(type, types[t]);
        ck_assert_msg(known, "%s: unknown type %s", id, type);
        if (cpe) {
            int colons = 0;
            for (const char *c = cpe; *c; c++)
                colons += *c == ':';
            ck_assert_msg(!strncmp(cpe, "cpe:2.3:", 8) && colons == 12, "%s: bad CPE %s", id, cpe);
        }
    }
    ck_assert_uint_ge(json_object_size(products), 130);
    json_decref(ids);
    json_decref(products);
    json_decref(root);
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
    tcase_add_test(tc, test_classify_banners_beyond_the_fixtures);
    tcase_add_test(tc, test_classify_no_wrong_vendor);
    tcase_add_test(tc, test_classify_rule_table);
    tcase_add_test(tc, test_classify_damaged_replies);
    tcase_add_test(tc, test_classify_fuzz_regressions);
    suite_add_tcase(s, tc);
    return s;
}
