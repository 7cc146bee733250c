#include "suites.h"
#include "classify/classify.h"
#include "output/outthread.h"
#include "output/output.h"
#include "output/report.h"
#include "output/service_json.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <stdio.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A reply whose Server header tries script injection, terminal escapes,
 * invalid UTF-8 and spreadsheet formulas all at once. */
static const char hostile[] =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKx\r\n"
    "From: <sip:100@198.51.100.7>;tag=1\r\nTo: <sip:100@203.0.113.9>;tag=2\r\n"
    "Call-ID: c\r\nCSeq: 1 OPTIONS\r\n"
    "Server: =HYPERLINK(\"x\")<script>alert(1)</script>\x1b[31m\"q\" \xff\xfe 1.2\r\n"
    "User-Agent: @SUM(1+1)\r\n"
    "Content-Length: 0\r\n\r\n";

static sp__fpdb db;
static sp__svc *svc;
static sp_summary summary;
static sp__strv targets, excludes;
static sp__scan_meta meta;

static void setup(void)
{
    char err[256];
    sp__fpdb_init(&db);
    ck_assert_int_eq(sp__fpdb_load_builtin(&db, err, sizeof(err)), 0);
    sp__addr a;
    memset(&a, 0, sizeof(a));
    a.family = 4;
    inet_pton(AF_INET, "203.0.113.9", a.bytes);
    svc = sp__svc_new(&a, 5060, 0);
    sp__svc_set_responder(svc, &a, 5060);
    sp__parsed m;
    ck_assert_int_eq(sp__sipmsg_parse(hostile, sizeof(hostile) - 1, &m), 0);
    sp__classify_reply(svc, 0, "OPTIONS", &m, 0.25, sizeof(hostile) - 1, 380);
    sp__parsed_free(&m);
    sp__classify_finish(svc, &db, NULL);
    memset(&summary, 0, sizeof(summary));
    summary.services = 1;
    summary.max_severity = svc->pub.max_severity;
    memset(&targets, 0, sizeof(targets));
    memset(&excludes, 0, sizeof(excludes));
    sp__strv_push(&targets, "203.0.113.0/24", 14);
    memset(&meta, 0, sizeof(meta));
    meta.version = "test";
    meta.targets = &targets;
    meta.excludes = &excludes;
    meta.ports = "5060";
    meta.methods = "OPTIONS";
    meta.shard_index = meta.shard_count = 1;
    meta.user_agent = "ua";
    meta.started = meta.finished = "2026-01-01T00:00:00Z";
    meta.summary = &summary;
}

static void teardown(void)
{
    sp__svc_free(svc);
    sp__fpdb_free(&db);
    sp__strv_free(&targets);
}

/* Runs one writer over the service into a temp file and returns its text. */
static char *render(const char *format)
{
    char path[] = "/tmp/sipprobe-out-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    char err[256];
    sp__writer *w = sp__writer_open(sp__writer_find(format), path, err, sizeof(err));
    ck_assert_ptr_nonnull(w);
    const sp_service *all[] = {&svc->pub};
    if (w->type->begin)
        ck_assert_int_eq(w->type->begin(w, &meta), 0);
    if (w->type->streaming)
        ck_assert_int_eq(w->type->service(w, &svc->pub), 0);
    if (w->type->end)
        ck_assert_int_eq(w->type->end(w, &meta, all, 1), 0);
    ck_assert_int_eq(sp__writer_close(w, err, sizeof(err)), 0);
    FILE *fp = fopen(path, "rb");
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    unlink(path);
    buf[n] = '\0';
    return strdup(buf);
}

START_TEST(test_output_ndjson_is_valid_and_faithful)
{
    char *text = render("ndjson");
    ck_assert_ptr_nonnull(strchr(text, '\n'));
    json_error_t e;
    json_t *o = json_loads(text, 0, &e);
    ck_assert_msg(o != NULL, "invalid JSON: %s", e.text);
    ck_assert_str_eq(json_string_value(json_object_get(o, "host")), "203.0.113.9");
    ck_assert_int_eq(json_integer_value(json_object_get(o, "port")), 5060);
    ck_assert_str_eq(json_string_value(json_object_get(o, "transport")), "udp");
    ck_assert_str_eq(json_string_value(json_object_get(o, "responder")), "203.0.113.9:5060");
    const char *server = json_string_value(json_object_get(o, "server"));
    ck_assert_ptr_nonnull(strstr(server, "<script>alert(1)</script>\x1b[31m\"q\""));
    ck_assert_ptr_nonnull(strstr(server, "\xef\xbf\xbd")); /* invalid bytes became U+FFFD */
    json_t *r = json_array_get(json_object_get(o, "replies"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(r, "method")), "OPTIONS");
    ck_assert_int_eq(json_integer_value(json_object_get(r, "status")), 200);
    ck_assert_str_eq(json_string_value(json_object_get(r, "reason")), "OK");
    ck_assert(json_is_number(json_object_get(r, "rtt_ms")));
    ck_assert(json_is_null(json_object_get(o, "fingerprint")));
    json_t *f = json_object_get(o, "findings");
    ck_assert_uint_ge(json_array_size(f), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(f, 0), "severity")), "info");
    json_decref(o);
    free(text);
}
END_TEST

/* The ndjson/journal line (service_json.c) must be exactly what jansson
 * dumps of the service's tree, for the hostile service, for every reply
 * fixture, and for a service that fills every optional part (TLS,
 * enumeration, baseline marks) with strings that need escaping. */
static void assert_line_is_dump(const sp_service *view, const char *what)
{
    json_t *j = sp__service_json(view);
    char *want = json_dumps(j, SP__LINE_FLAGS);
    char *got = sp__service_line(view);
    ck_assert_ptr_nonnull(want);
    ck_assert_msg(got != NULL, "%s: no line", what);
    if (strcmp(want, got) != 0) {
        /* The whole lines are too long for a Check message. */
        size_t at = 0;
        while (want[at] && want[at] == got[at])
            at++;
        fprintf(stderr, "%s: lines differ at byte %zu\n jansson %s\n line    %s\n", what, at, want,
                got);
    }
    ck_assert_msg(strcmp(want, got) == 0, "%s: the line is not jansson's dump (see stderr)", what);
    free(want);
    free(got);
    json_decref(j);
}

/* Calls check on a classified service for every reply fixture; returns
 * how many there were. */
static int each_fixture_service(void (*check)(const sp_service *view, const char *what))
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/fixtures/replies", SP_SOURCE_DIR);
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *ent; (ent = readdir(d));) {
        if (!strstr(ent->d_name, ".sip"))
            continue;
        char rel[600];
        snprintf(rel, sizeof(rel), "replies/%s", ent->d_name);
        size_t len;
        char *raw = read_fixture(rel, &len);
        sp__parsed m;
        if (raw && sp__sipmsg_parse(raw, len, &m) == 0) {
            sp__addr a = {.family = 6, .bytes = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
            sp__svc *s = sp__svc_new(&a, 5061, SP_TRANSPORT_TLS);
            sp__svc_set_responder(s, &a, 5061);
            sp__classify_echo(s, "sip:100@[2001:db8::1]", &m);
            sp__classify_reply(s, 1, "REGISTER", &m, 1.0 / 3, len, 400);
            sp__classify_finish(s, &db, NULL);
            check(&s->pub, ent->d_name);
            sp__svc_free(s);
            n++;
        }
        sp__parsed_free(&m);
        free(raw);
    }
    closedir(d);
    return n;
}

static void assert_line_reads_back(const sp_service *view, const char *what);

START_TEST(test_output_line_is_the_jansson_dump)
{
    assert_line_is_dump(&svc->pub, "hostile banner");

    ck_assert_int_ge(each_fixture_service(assert_line_is_dump), 20);

    static const char *const sans[] = {"DNS:pbx.example", "URI:sip:\"x\"@\x01\xc3\xa9"};
    sp_tls_info tls = {.version = "TLSv1.1",
                       .cipher = "AES\t128",
                       .subject = "CN=\"</x>\"",
                       .issuer = NULL,
                       .sans = sans,
                       .n_sans = 2,
                       .not_before = "2020-01-01T00:00:00Z",
                       .not_after = "\xff",
                       .expired = 1,
                       .self_signed = 0,
                       .key_type = "EC",
                       .key_bits = 256,
                       .sha256 = "AA:BB"};
    static const char *const exts[] = {"100", "al\\ice", "\xe2\x82\xac"};
    sp_enumeration en = {.baseline_user = "zz\"",
                         .baseline_status = 404,
                         .baseline_reason = "Not Found",
                         .total = 3,
                         .answered = 3,
                         .possible = 1,
                         .extensions = exts,
                         .n_extensions = 3,
                         .note = NULL};
    sp_finding f[2] = {svc->pub.findings[0], svc->pub.findings[0]};
    f[0].is_new = 1;
    f[1].is_new = 0;
    sp_reply r[2] = {svc->pub.replies[0], svc->pub.replies[0]};
    r[1].rtt_ms = 12345.678;
    r[1].reason = "";
    sp_service full = svc->pub;
    full.tls = &tls;
    full.enumeration = &en;
    full.findings = f;
    full.n_findings = 2;
    full.replies = r;
    full.n_replies = 2;
    full.role = "uas,registrar";
    full.max_severity = SP_SEV_NONE;
    sp_weak_password weak[2] = {{"100", "same as the extension", "MD5", NULL},
                                {"al\"ice", "passwords file line 3", "SHA-256", "p\\w"}};
    sp_audit audit = {.passwords_audited = 1,
                      .extensions = 2,
                      .attempts = 41,
                      .weak = weak,
                      .n_weak = 2,
                      .protection = 1,
                      .protection_note = "it answered 403 after 5 wrong attempts",
                      .invite_checked = 1,
                      .invite_status = 487,
                      .invite_result = "routed",
                      .invite_note = "INVITE \"x\""};
    full.audit = &audit;
    assert_line_is_dump(&full, "every optional part with an audit");
    audit.invite_status = 0;
    audit.n_weak = 0;
    assert_line_is_dump(&full, "audit without answers");
    full.audit = NULL;
    sp_observation obs[2] = {{"00ff00ff00ff00ff", "lan \"office\"", "2026-01-01T00:00:00Z",
                              "2026-01-01T00:00:00Z", "2/4", 0xffffffffffffffffULL,
                              "0123456789abcdef", "0.1.0", "OPTIONS 200"},
                             {"1", "wan\xff", NULL, NULL, "1/1", 5, NULL, "9", ""}};
    full.observations = obs;
    full.n_observations = 2;
    assert_line_is_dump(&full, "every optional part");
    sp_service seen = svc->pub; /* observations are read back as they were written */
    seen.observations = obs;
    seen.n_observations = 2;
    assert_line_reads_back(&seen, "observations");
    en.baseline_status = 0;
    full.fingerprint = NULL;
    assert_line_is_dump(&full, "no baseline answer");
}
END_TEST

/* A service read back from its line (resume) writes the same line again:
 * the writers and the reader of service_json.c agree on every field they
 * share. */
static void assert_line_reads_back(const sp_service *view, const char *what)
{
    char *line = sp__service_line(view);
    ck_assert_ptr_nonnull(line);
    json_t *o = json_loads(line, 0, NULL);
    ck_assert_ptr_nonnull(o);
    sp__svc *back = sp__service_from_json(o);
    ck_assert_msg(back != NULL, "%s: not read back", what);
    char *again = sp__service_line(&back->pub);
    ck_assert_ptr_nonnull(again);
    if (strcmp(line, again) != 0)
        fprintf(stderr, "%s:\n written %s\n again   %s\n", what, line, again);
    ck_assert_msg(strcmp(line, again) == 0, "%s: the line read back differs (see stderr)", what);
    free(again);
    sp__svc_free(back);
    json_decref(o);
    free(line);
}

START_TEST(test_output_line_reads_back)
{
    assert_line_reads_back(&svc->pub, "hostile banner");
    ck_assert_int_ge(each_fixture_service(assert_line_reads_back), 20);
    /* The active checks' record, a shown password included. */
    sp__addr a;
    ck_assert_int_eq(sp__addr_parse("127.0.0.2", &a), 0);
    sp__svc *x = sp__svc_new(&a, 5060, SP_TRANSPORT_UDP);
    sp__svc_audit *au = sp__svc_audit_get(x);
    au->pub.passwords_audited = 1;
    au->pub.extensions = 3;
    au->pub.attempts = 44;
    sp__svc_audit_add_weak(x, "100", "same as the extension", "MD5", NULL);
    sp__svc_audit_add_weak(x, "101", "passwords file line 2", "SHA-256", "s3cret");
    snprintf(au->note, sizeof(au->note), "interrupted");
    au->pub.invite_checked = 1;
    au->pub.invite_status = 407;
    snprintf(au->invite_result, sizeof(au->invite_result), "challenged");
    snprintf(au->invite_note, sizeof(au->invite_note), "INVITE -> 407");
    sp__svc_publish(x);
    assert_line_reads_back(&x->pub, "active checks");
    sp__svc_free(x);
}
END_TEST

/* The output thread works off every item, in order, and flushes when it
 * ends; a queue that fills up makes the producer wait. */
typedef struct ot_log {
    long next, bad, flagged, idles;
} ot_log;

static void ot_work(void *ctx, void *item, int flag)
{
    ot_log *l = ctx;
    if (atol(item) != l->next)
        l->bad++;
    l->next++;
    l->flagged += flag;
    free(item);
}

static void ot_idle(void *ctx)
{
    ((ot_log *)ctx)->idles++;
}

START_TEST(test_output_thread_keeps_order)
{
    ot_log log = {0};
    sp__outthread ot;
    ck_assert_int_eq(sp__outthread_start(&ot, ot_work, ot_idle, &log), 0);
    for (long i = 0; i < 20000; i++) { /* far more than the queue holds */
        char *item = malloc(24);
        snprintf(item, 24, "%ld", i);
        sp__outthread_push(&ot, item, i % 2);
    }
    sp__outthread_stop(&ot);
    ck_assert_int_eq(log.next, 20000);
    ck_assert_int_eq(log.bad, 0);
    ck_assert_int_eq(log.flagged, 10000);
    ck_assert_int_ge(log.idles, 1); /* the final flush */
    sp__outthread_stop(&ot);        /* stopping twice is harmless */
}
END_TEST

/* Copies of bytes and pointers share one order; copies of every size
 * wrap around the ring intact; a slow worker makes the producer wait
 * (counted), and a sync returns only once everything before it is done. */
typedef struct ot_copies {
    long next, bad, slow, idles;
} ot_copies;

static void ot_copy_idle(void *ctx)
{
    ((ot_copies *)ctx)->idles++;
}

static void ot_copy_work(void *ctx, void *item, int flag)
{
    ot_copies *l = ctx;
    long n;
    if (flag == 1) { /* a pointer */
        n = atol(item);
        free(item);
    } else { /* a copy: its number, then n % 5000 bytes of (n & 0xff) */
        memcpy(&n, item, sizeof(n));
        const unsigned char *b = (const unsigned char *)item + sizeof(n);
        for (long k = 0; k < n % 5000; k++)
            if (b[k] != (unsigned char)(n & 0xff)) {
                l->bad++;
                break;
            }
    }
    if (n != l->next)
        l->bad++;
    l->next++;
    if (l->slow && n % 256 == 0)
        usleep(2000);
}

START_TEST(test_output_thread_copies_keep_order)
{
    ot_copies log = {.slow = 1};
    sp__outthread ot;
    ck_assert_int_eq(sp__outthread_start(&ot, ot_copy_work, ot_copy_idle, &log), 0);
    unsigned char body[5000];
    for (long i = 0; i < 6000; i++) { /* about 15 MB through a 2 MB ring */
        if (i % 7 == 0) {
            char *item = malloc(24);
            snprintf(item, 24, "%ld", i);
            sp__outthread_push(&ot, item, 1);
        } else {
            memset(body, (int)(i & 0xff), sizeof(body));
            sp__outthread_push_copy(&ot, 0, &i, sizeof(i), body, (size_t)(i % 5000));
        }
        if (i == 3000) {
            sp__outthread_sync(&ot);
            ck_assert_int_eq(log.next, 3001);
        }
    }
    sp__outthread_stop(&ot);
    ck_assert_int_eq(log.next, 6000);
    ck_assert_int_eq(log.bad, 0);
    ck_assert_uint_gt(ot.full_waits, 0); /* the worker was slower: back-pressure, counted */
}
END_TEST

START_TEST(test_output_json_document)
{
    char *text = render("json");
    json_error_t e;
    json_t *o = json_loads(text, 0, &e);
    ck_assert_msg(o != NULL, "invalid JSON: %s", e.text);
    ck_assert(json_is_object(json_object_get(o, "scan")));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "scan"), "ports")),
                     "5060");
    ck_assert_uint_eq(json_array_size(json_object_get(o, "services")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(o, "summary"), "services")),
                     1);
    json_decref(o);
    free(text);
}
END_TEST

START_TEST(test_output_csv_neutralises_formulas)
{
    char *text = render("csv");
    ck_assert_ptr_nonnull(strstr(text, "host,port,transport,"));
    ck_assert_ptr_nonnull(strstr(text, "\"'=HYPERLINK(\"\"x\"\")"));
    ck_assert_ptr_nonnull(strstr(text, "\"'@SUM(1+1)\""));
    ck_assert_ptr_null(strstr(text, ",\"=HYPERLINK"));
    free(text);
}
END_TEST

START_TEST(test_output_text_is_terminal_safe)
{
    char *text = render("text");
    ck_assert_ptr_null(strchr(text, '\x1b'));
    ck_assert_ptr_nonnull(strstr(text, "203.0.113.9:5060/udp"));
    ck_assert_ptr_nonnull(strstr(text, "1 service,"));
    ck_assert_ptr_nonnull(strstr(text, "version-disclosure"));
    free(text);
}
END_TEST

START_TEST(test_output_bad_path_is_an_error)
{
    char err[256];
    sp__writer *w = sp__writer_open(&sp__writer_json, "/nonexistent-dir/x.json", err, sizeof(err));
    ck_assert_ptr_null(w);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/x.json"));
}
END_TEST

Suite *output_suite(void)
{
    Suite *s = suite_create("output");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_output_ndjson_is_valid_and_faithful);
    tcase_add_test(tc, test_output_line_is_the_jansson_dump);
    tcase_add_test(tc, test_output_line_reads_back);
    tcase_add_test(tc, test_output_thread_keeps_order);
    tcase_add_test(tc, test_output_thread_copies_keep_order);
    tcase_add_test(tc, test_output_json_document);
    tcase_add_test(tc, test_output_csv_neutralises_formulas);
    tcase_add_test(tc, test_output_text_is_terminal_safe);
    tcase_add_test(tc, test_output_bad_path_is_an_error);
    suite_add_tcase(s, tc);
    return s;
}
