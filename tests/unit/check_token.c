#include "suites.h"
#include "match/token.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static sp__probe_id make_id(const char *ip, uint16_t port)
{
    sp__probe_id id;
    memset(&id, 0, sizeof(id));
    if (strchr(ip, ':')) {
        id.addr.family = 6;
        inet_pton(AF_INET6, ip, id.addr.bytes);
    } else {
        id.addr.family = 4;
        inet_pton(AF_INET, ip, id.addr.bytes);
    }
    id.port = port;
    id.probe = 1;
    id.attempt = 2;
    id.sent_ms = 0x01020304;
    id.ext = 0xa0b0c0d0;
    return id;
}

START_TEST(test_token_roundtrip)
{
    static const char *const ips[] = {"127.0.0.1", "192.0.2.200", "::1", "fd00::abcd"};
    for (size_t i = 0; i < 4; i++) {
        sp__probe_id id = make_id(ips[i], 5061), back;
        char s[SP__TOKEN_MAX];
        uint64_t mac, mac2;
        size_t n = sp__token_encode(key, &id, s, sizeof(s), &mac);
        ck_assert_uint_gt(n, 0);
        ck_assert_uint_eq(strlen(s), n);
        ck_assert_int_eq(sp__token_decode(key, s, n, &back, &mac2), 1);
        ck_assert_uint_eq(mac, mac2);
        ck_assert_int_eq(back.addr.family, id.addr.family);
        ck_assert_mem_eq(back.addr.bytes, id.addr.bytes, 16);
        ck_assert_uint_eq(back.port, 5061);
        ck_assert_uint_eq(back.probe, 1);
        ck_assert_uint_eq(back.attempt, 2);
        ck_assert_uint_eq(back.sent_ms, 0x01020304);
        ck_assert_uint_eq(back.ext, 0xa0b0c0d0);
    }
}
END_TEST

START_TEST(test_token_rejects_tampering)
{
    sp__probe_id id = make_id("127.0.0.9", 5060), back;
    char s[SP__TOKEN_MAX];
    size_t n = sp__token_encode(key, &id, s, sizeof(s), NULL);
    /* Flip each character in turn: every change must be rejected. */
    for (size_t i = 0; i < n; i++) {
        char t[SP__TOKEN_MAX];
        memcpy(t, s, n + 1);
        t[i] = t[i] == '0' ? '1' : '0';
        if (t[i] == s[i])
            continue;
        ck_assert_msg(!sp__token_decode(key, t, n, &back, NULL), "tampered byte %zu accepted", i);
    }
    uint8_t other[16] = {0};
    ck_assert(!sp__token_decode(other, s, n, &back, NULL));
    ck_assert(!sp__token_decode(key, s, n - 1, &back, NULL));
    ck_assert(!sp__token_decode(key, "", 0, &back, NULL));
    ck_assert(!sp__token_decode(key, "1702306211@127.0.0.1", 20, &back, NULL));
    /* Trailing text after the MAC (such as "@host") is tolerated. */
    char with_host[SP__TOKEN_MAX + 16];
    snprintf(with_host, sizeof(with_host), "%s@example", s);
    ck_assert(sp__token_decode(key, with_host, strlen(with_host), &back, NULL));
}
END_TEST

Suite *token_suite(void)
{
    Suite *s = suite_create("token");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_token_roundtrip);
    tcase_add_test(tc, test_token_rejects_tampering);
    suite_add_tcase(s, tc);
    return s;
}
