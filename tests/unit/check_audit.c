/* The password audit's pure parts: digest responses against the RFCs'
 * own examples, challenges and answers read back (hostile ones refused),
 * and the candidate list (built-ins, passwords file, kinds, duplicates). */
#include "suites.h"
#include "audit/audit.h"
#include "audit/candidates.h"
#include "audit/digest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* RFC 2617 section 3.5 and RFC 7616 section 3.9.1: the published answers. */
START_TEST(test_digest_rfc_examples)
{
    char out[132];
    ck_assert_uint_gt(sp__digest_response(SP__DIGEST_MD5, 0, "Mufasa", "testrealm@host.com",
                                          "Circle Of Life", "GET", "/dir/index.html",
                                          "dcd98b7102dd2f0e8b11d0f600bfb0c093", "0a4f113b",
                                          "00000001", "auth", "", out, sizeof(out)),
                      0);
    ck_assert_str_eq(out, "6629fae49393a05397450978507c4ef1");
    const char *nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    const char *cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    sp__digest_response(SP__DIGEST_MD5, 0, "Mufasa", "http-auth@example.org", "Circle of Life",
                        "GET", "/dir/index.html", nonce, cnonce, "00000001", "auth", "", out,
                        sizeof(out));
    ck_assert_str_eq(out, "8ca523f5e9506fed4657c9700eebdbec");
    sp__digest_response(SP__DIGEST_SHA256, 0, "Mufasa", "http-auth@example.org", "Circle of Life",
                        "GET", "/dir/index.html", nonce, cnonce, "00000001", "auth", "", out,
                        sizeof(out));
    ck_assert_str_eq(out, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
    /* SHA-512/256 gives 64 hex digits too, and differs from SHA-256. */
    ck_assert_uint_eq(sp__digest_response(SP__DIGEST_SHA512_256, 0, "Mufasa",
                                          "http-auth@example.org", "Circle of Life", "GET",
                                          "/dir/index.html", nonce, cnonce, "00000001", "auth", "",
                                          out, sizeof(out)),
                      64);
    ck_assert_str_ne(out, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
    /* Too small an output buffer is a failure, not a cut answer. */
    ck_assert_uint_eq(sp__digest_response(SP__DIGEST_MD5, 0, "a", "b", "c", "GET", "/", "n", "", "",
                                          "", "", out, 16),
                      0);
}
END_TEST

START_TEST(test_challenge_parse)
{
    sp__challenge c;
    const char *v = "Digest realm=\"asterisk\", nonce=\"1f2e\\\"x\", opaque=\"op\","
                    " algorithm=SHA-256, qop=\"auth,auth-int\", stale=TRUE";
    ck_assert_int_eq(sp__challenge_parse(v, strlen(v), &c), 0);
    ck_assert_str_eq(c.realm, "asterisk");
    ck_assert_str_eq(c.nonce, "1f2e\"x");
    ck_assert_str_eq(c.opaque, "op");
    ck_assert_int_eq(c.alg, SP__DIGEST_SHA256);
    ck_assert_int_eq(c.qop_auth, 1);
    ck_assert_int_eq(c.qop_auth_int, 1);
    ck_assert_int_eq(c.stale, 1);
    char kind[160];
    sp__challenge_kind(&c, kind, sizeof(kind));
    ck_assert_str_eq(kind, "asterisk/SHA-256/auth+auth-int");
    /* Refused: another scheme, no nonce, an unknown algorithm, unterminated
     * quotes, an over-long nonce. */
    const char *bad[] = {"Basic realm=\"x\"", "Digest realm=\"x\"",
                         "Digest nonce=\"n\", algorithm=SHA-1", "Digest nonce=\"n", "Digest"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_int_eq(sp__challenge_parse(bad[i], strlen(bad[i]), &c), -1);
    char huge[2000] = "Digest nonce=\"";
    memset(huge + strlen(huge), 'a', 1500);
    strcat(huge, "\"");
    ck_assert_int_eq(sp__challenge_parse(huge, strlen(huge), &c), -1);
}
END_TEST

/* Of several challenges the strongest one we can answer, 407 marked. */
START_TEST(test_challenge_from_response)
{
    const char *m = "SIP/2.0 407 Proxy Authentication Required\r\n"
                    "Proxy-Authenticate: Digest realm=\"r\", nonce=\"a\", algorithm=MD5\r\n"
                    "Proxy-Authenticate: Digest realm=\"r\", nonce=\"b\", algorithm=SHA-256, "
                    "qop=\"auth\"\r\n"
                    "Proxy-Authenticate: Digest realm=\"r\", nonce=\"c\", algorithm=SHA-1\r\n"
                    "Content-Length: 0\r\n\r\n";
    sp__challenge c;
    ck_assert_int_eq(sp__challenge_from_response(m, strlen(m), &c), 0);
    ck_assert_str_eq(c.nonce, "b");
    ck_assert_int_eq(c.proxy, 1);
    const char *none = "SIP/2.0 401 Unauthorized\r\nContent-Length: 0\r\n\r\n";
    ck_assert_int_eq(sp__challenge_from_response(none, strlen(none), &c), -1);
}
END_TEST

/* What we send can be checked the way a server (or an offline audit of a
 * capture) checks it: the right password matches, another does not. */
START_TEST(test_authorization_round_trip)
{
    const char *algs[] = {"", "MD5-sess", "SHA-256", "SHA-512-256"};
    for (size_t i = 0; i < 4; i++) {
        char v[256];
        snprintf(v, sizeof(v), "Digest realm=\"lab\", nonce=\"n%zu\", opaque=\"o\"%s%s%s", i,
                 algs[i][0] ? ", algorithm=" : "", algs[i], i % 2 ? "" : ", qop=\"auth\"");
        sp__challenge c;
        ck_assert_int_eq(sp__challenge_parse(v, strlen(v), &c), 0);
        char auth[1024];
        ck_assert_uint_gt(sp__authorization_build(&c, "100", "1234", "REGISTER",
                                                  "sip:127.0.0.1:5060", "cn0", 3, auth,
                                                  sizeof(auth)),
                          0);
        if (i % 2 == 0)
            ck_assert_ptr_nonnull(strstr(auth, "nc=00000003"));
        sp__credentials cr;
        ck_assert_int_eq(sp__credentials_parse(auth, strlen(auth), "REGISTER", &cr), 0);
        ck_assert_str_eq(cr.user, "100");
        ck_assert_int_eq(sp__credentials_match(&cr, "1234"), 1);
        ck_assert_int_eq(sp__credentials_match(&cr, "12345"), 0);
        ck_assert_uint_eq(sp__authorization_build(&c, "100", "1234", "REGISTER",
                                                  "sip:127.0.0.1:5060", "cn0", 3, auth, 40),
                          0);
    }
    sp__credentials cr;
    const char *noresp = "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\"";
    ck_assert_int_eq(sp__credentials_parse(noresp, strlen(noresp), "REGISTER", &cr), -1);
}
END_TEST

START_TEST(test_candidates_builtin)
{
    sp__candidates c;
    sp__candidates_init(&c, "201", NULL);
    ck_assert_uint_le(c.n_builtin, SP__BUILTIN_CANDIDATES);
    size_t pos = 0, n = 0;
    char pw[SP__PASSWORD_MAX], kind[80];
    ck_assert_int_eq(sp__candidates_next(&c, &pos, pw, sizeof(pw), kind, sizeof(kind)), 1);
    ck_assert_str_eq(pw, "201");
    ck_assert_str_eq(kind, "same as the extension");
    ck_assert_int_eq(sp__candidates_next(&c, &pos, pw, sizeof(pw), kind, sizeof(kind)), 1);
    ck_assert_str_eq(pw, "102");
    int saw_1234 = 0, saw_doubled = 0;
    pos = 0;
    while (sp__candidates_next(&c, &pos, pw, sizeof(pw), kind, sizeof(kind))) {
        n++;
        saw_1234 |= !strcmp(pw, "1234");
        saw_doubled |= !strcmp(pw, "201201");
    }
    ck_assert(saw_1234 && saw_doubled);
    ck_assert_uint_eq(n, sp__candidates_count(&c));
    /* "1111" reversed is itself: no candidate twice. */
    sp__candidates_init(&c, "1111", NULL);
    ck_assert_uint_eq(sp__candidates_count(&c), c.n_builtin);
    for (size_t i = 0; i < c.n_builtin; i++)
        for (size_t j = i + 1; j < c.n_builtin; j++)
            ck_assert_str_ne(c.builtin[i], c.builtin[j]);
}
END_TEST

START_TEST(test_candidates_file)
{
    char path[] = "/tmp/sp-passwords-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *text = "\xEF\xBB\xBF# team passwords\r\nsummer2024\r\n\r\n1234\r\n two words\n"
                       "#not this\nlast";
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    sp__passlist l;
    sp__passlist_init(&l);
    char err[256];
    ck_assert_int_eq(sp__passlist_load(&l, path, err, sizeof(err)), 0);
    ck_assert_uint_eq(l.words.n, 4);
    sp__candidates c;
    sp__candidates_init(&c, "100", &l);
    /* "1234" is a built-in one: counted and tried once, named by its kind. */
    ck_assert_uint_eq(sp__candidates_count(&c), c.n_builtin + 3);
    size_t pos = c.n_builtin;
    char pw[SP__PASSWORD_MAX], kind[80];
    ck_assert_int_eq(sp__candidates_next(&c, &pos, pw, sizeof(pw), kind, sizeof(kind)), 1);
    ck_assert_str_eq(pw, "summer2024");
    ck_assert_str_eq(kind, "passwords file line 2");
    ck_assert_int_eq(sp__candidates_next(&c, &pos, pw, sizeof(pw), kind, sizeof(kind)), 1);
    ck_assert_str_eq(pw, " two words");
    ck_assert_str_eq(kind, "passwords file line 5");
    ck_assert_int_eq(sp__candidates_next(&c, &pos, pw, sizeof(pw), kind, sizeof(kind)), 1);
    ck_assert_str_eq(kind, "passwords file line 7");
    ck_assert_int_eq(sp__candidates_next(&c, &pos, pw, sizeof(pw), kind, sizeof(kind)), 0);
    sp__passlist_free(&l);
    unlink(path);
    /* A missing file is one line naming it. */
    ck_assert_int_ne(sp__passlist_load(&l, "/nonexistent/pw.txt", err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/pw.txt"));
    ck_assert_ptr_null(strchr(err, '\n'));
    sp__passlist_free(&l);
}
END_TEST

/* ---- The per-host state machine (audit/audit.c), driven by answers ---- */

static sp__challenge challenge(const char *nonce, const char *realm, int stale)
{
    sp__challenge c;
    char v[256];
    snprintf(v, sizeof(v), "Digest realm=\"%s\", nonce=\"%s\", qop=\"auth\"%s", realm, nonce,
             stale ? ", stale=true" : "");
    ck_assert_int_eq(sp__challenge_parse(v, strlen(v), &c), 0);
    return c;
}

static void host_init(sp__audit_host *h, const char *const *exts, size_t n, unsigned max)
{
    sp__strv v = {0};
    for (size_t i = 0; i < n; i++)
        sp__strv_push(&v, exts[i], strlen(exts[i]));
    ck_assert_int_eq(sp__audit_host_init(h, &v, NULL, max), 0);
    sp__strv_free(&v);
}

/* Sends what the host wants next, as the engine would, and answers it. */
static void answer(sp__audit_host *h, int status, const sp__challenge *c)
{
    ck_assert_int_ne(h->next, SP__AUDIT_DONE);
    h->last_auth = h->next == SP__AUDIT_SEND_AUTH;
    sp__audit_answer(h, status, c, 1.0);
}

START_TEST(test_audit_finds_and_moves_on)
{
    const char *exts[] = {"100", "101"};
    sp__audit_host h;
    host_init(&h, exts, 2, 0);
    sp__challenge c = challenge("n1", "pbx", 0);
    ck_assert_int_eq(h.next, SP__AUDIT_SEND_PLAIN);
    answer(&h, 401, &c);
    ck_assert_int_eq(h.next, SP__AUDIT_SEND_AUTH);
    ck_assert_str_eq(h.password, "100");
    answer(&h, 401, &c); /* wrong: the next candidate with the new nonce */
    ck_assert_int_eq(h.next, SP__AUDIT_SEND_AUTH);
    ck_assert_str_eq(h.password, "001"); /* the extension reversed */
    ck_assert_str_eq(h.kind, "the extension reversed");
    answer(&h, 200, NULL); /* found: on to 101, with a fresh challenge */
    ck_assert_uint_eq(h.n_found, 1);
    ck_assert_str_eq(h.found[0].ext, "100");
    ck_assert_str_eq(sp__audit_ext(&h), "101");
    ck_assert_int_eq(h.next, SP__AUDIT_SEND_PLAIN);
    answer(&h, 404, NULL); /* no such user: done */
    ck_assert_int_eq(h.next, SP__AUDIT_DONE);
    ck_assert_uint_eq(h.exts_unknown, 1);
    ck_assert_int_eq(h.protection, 0);
    sp__audit_host_free(&h);
}
END_TEST

/* stale=true is the nonce's fault: the same candidate again, not counted. */
START_TEST(test_audit_stale_nonce)
{
    const char *exts[] = {"100"};
    sp__audit_host h;
    host_init(&h, exts, 1, 0);
    sp__challenge c = challenge("n1", "pbx", 0), st = challenge("n2", "pbx", 1);
    answer(&h, 401, &c);
    char first[SP__PASSWORD_MAX];
    snprintf(first, sizeof(first), "%s", h.password);
    answer(&h, 401, &st);
    ck_assert_str_eq(h.password, first);
    ck_assert_uint_eq(h.wrong, 0);
    ck_assert_str_eq(h.ch.nonce, "n2");
    answer(&h, 401, &c);
    ck_assert_uint_eq(h.wrong, 1);
    ck_assert_str_ne(h.password, first);
    sp__audit_host_free(&h);
}
END_TEST

/* 403 after a run of 401s is a ban; 403 from the first wrong answer on is
 * how this server says "wrong password" (each attempt then needs a new
 * challenge). */
START_TEST(test_audit_403_meanings)
{
    const char *exts[] = {"100", "200"};
    sp__audit_host h;
    host_init(&h, exts, 2, 0);
    sp__challenge c = challenge("n1", "pbx", 0);
    answer(&h, 401, &c);
    answer(&h, 401, &c);
    answer(&h, 401, &c);
    answer(&h, 403, NULL);
    ck_assert_int_eq(h.next, SP__AUDIT_DONE);
    ck_assert_int_eq(h.protection, 1);
    ck_assert_str_eq(h.protection_how, "it answered 403 after 2 wrong attempts");
    sp__audit_host_free(&h);

    host_init(&h, exts, 1, 3);
    answer(&h, 401, &c);
    answer(&h, 403, NULL);
    ck_assert_int_eq(h.wrong_is_403, 1);
    ck_assert_int_eq(h.next, SP__AUDIT_SEND_PLAIN);
    answer(&h, 401, &c);
    answer(&h, 403, NULL);
    answer(&h, 401, &c);
    answer(&h, 403, NULL); /* --max-attempts 3 reached */
    ck_assert_int_eq(h.next, SP__AUDIT_DONE);
    ck_assert_int_eq(h.protection, 0);
    ck_assert_uint_eq(h.wrong, 3);
    sp__audit_host_free(&h);
}
END_TEST

/* Silence after wrong attempts is a ban; silence before any is no audit. */
START_TEST(test_audit_silence_and_429)
{
    const char *exts[] = {"100"};
    sp__audit_host h;
    host_init(&h, exts, 1, 0);
    sp__audit_silence(&h);
    ck_assert_int_eq(h.protection, 0);
    ck_assert_ptr_nonnull(strstr(h.note, "did not answer"));
    sp__audit_host_free(&h);

    sp__challenge c = challenge("n1", "pbx", 0);
    host_init(&h, exts, 1, 0);
    answer(&h, 401, &c);
    answer(&h, 401, &c);
    h.last_auth = 1;
    sp__audit_silence(&h);
    ck_assert_int_eq(h.protection, 1);
    ck_assert_str_eq(h.protection_how, "it stopped answering after 1 wrong attempts");
    sp__audit_host_free(&h);

    host_init(&h, exts, 1, 0);
    answer(&h, 401, &c);
    answer(&h, 429, NULL);
    ck_assert_int_eq(h.protection, 1);
    sp__audit_host_free(&h);
}
END_TEST

/* "No protection" needs 20 wrong answers alike and no slowdown. */
START_TEST(test_audit_unprotected)
{
    const char *exts[] = {"100", "101", "102"};
    char ev[400];
    sp__audit_host h;
    host_init(&h, exts, 3, 0);
    sp__challenge c = challenge("n1", "pbx", 0);
    while (h.next != SP__AUDIT_DONE && h.wrong < 25)
        answer(&h, 401, &c);
    ck_assert_uint_ge(h.wrong, 20);
    ck_assert_int_eq(sp__audit_unprotected(&h, ev, sizeof(ev)), 1);
    ck_assert_ptr_nonnull(strstr(ev, "same challenge (pbx/MD5/auth)"));
    sp__audit_host_free(&h);

    /* The realm changed half-way: not "the same kind of challenge". */
    host_init(&h, exts, 3, 0);
    sp__challenge other = challenge("n9", "elsewhere", 0);
    for (int i = 0; h.next != SP__AUDIT_DONE && h.wrong < 25; i++)
        answer(&h, 401, i == 10 ? &other : &c);
    ck_assert_int_eq(sp__audit_unprotected(&h, ev, sizeof(ev)), 0);
    sp__audit_host_free(&h);

    /* Answers ever later (a tarpit) are a slowdown. */
    host_init(&h, exts, 3, 0);
    answer(&h, 401, &c);
    for (int i = 0; h.next != SP__AUDIT_DONE && h.wrong < 25; i++) {
        h.last_auth = 1;
        sp__audit_answer(&h, 401, &c, i < 10 ? 1.0 : 2000.0);
    }
    ck_assert_int_eq(sp__audit_unprotected(&h, ev, sizeof(ev)), 0);
    sp__audit_host_free(&h);
}
END_TEST

Suite *audit_suite(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_digest_rfc_examples);
    tcase_add_test(tc, test_challenge_parse);
    tcase_add_test(tc, test_challenge_from_response);
    tcase_add_test(tc, test_authorization_round_trip);
    tcase_add_test(tc, test_candidates_builtin);
    tcase_add_test(tc, test_candidates_file);
    tcase_add_test(tc, test_audit_finds_and_moves_on);
    tcase_add_test(tc, test_audit_stale_nonce);
    tcase_add_test(tc, test_audit_403_meanings);
    tcase_add_test(tc, test_audit_silence_and_429);
    tcase_add_test(tc, test_audit_unprotected);
    suite_add_tcase(s, tc);
    return s;
}
