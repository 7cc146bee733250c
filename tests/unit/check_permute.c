#include "suites.h"
#include "targets/permute.h"
#include "state/baseline.h"

#include <stdlib.h>
#include <string.h>

START_TEST(test_permute_is_a_bijection)
{
    static const uint64_t sizes[] = {1, 2, 3, 7, 100, 255, 256, 1000, 65536, 100003};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        uint64_t n = sizes[k];
        sp__perm p;
        sp__perm_init(&p, n, 42 + k);
        unsigned char *seen = calloc(n, 1);
        sp__walk w;
        sp__walk_init(&w, &p, 0, 1);
        uint64_t v, count = 0;
        while (sp__walk_next(&w, &v)) {
            ck_assert_uint_lt(v, n);
            ck_assert_msg(!seen[v], "%llu produced twice (n=%llu)", (unsigned long long)v,
                          (unsigned long long)n);
            seen[v] = 1;
            count++;
        }
        ck_assert_uint_eq(count, n);
        free(seen);
    }
}
END_TEST

START_TEST(test_permute_shards_disjoint_and_complete)
{
    const uint64_t n = 50000;
    for (unsigned shards = 2; shards <= 7; shards += 5) {
        sp__perm p;
        sp__perm_init(&p, n, 7);
        unsigned char *seen = calloc(n, 1);
        uint64_t total = 0;
        for (unsigned s = 0; s < shards; s++) {
            sp__walk w;
            sp__walk_init(&w, &p, s, shards);
            uint64_t v, c = 0;
            while (sp__walk_next(&w, &v)) {
                ck_assert_msg(!seen[v], "shards overlap at %llu", (unsigned long long)v);
                seen[v] = 1;
                c++;
            }
            ck_assert_uint_eq(c, sp__walk_count(&p, s, shards));
            total += c;
        }
        ck_assert_uint_eq(total, n);
        free(seen);
    }
}
END_TEST

START_TEST(test_permute_seed_changes_order)
{
    sp__perm a, b, c;
    sp__perm_init(&a, 1000, 1);
    sp__perm_init(&b, 1000, 1);
    sp__perm_init(&c, 1000, 2);
    sp__walk wa, wb, wc;
    sp__walk_init(&wa, &a, 0, 1);
    sp__walk_init(&wb, &b, 0, 1);
    sp__walk_init(&wc, &c, 0, 1);
    int same_ab = 1, same_ac = 1;
    uint64_t va, vb, vc;
    unsigned in_order = 0, prev = 0;
    for (int i = 0; i < 1000; i++) {
        sp__walk_next(&wa, &va);
        sp__walk_next(&wb, &vb);
        sp__walk_next(&wc, &vc);
        same_ab &= va == vb;
        same_ac &= va == vc;
        in_order += va == prev + 1;
        prev = (unsigned)va;
    }
    ck_assert(same_ab);
    ck_assert(!same_ac);
    ck_assert_uint_lt(in_order, 50); /* not the identity order */
}
END_TEST

/* The inverse: every element's domain index maps back to it, and
 * sp__walk_has says exactly which shard's walk produces it. */
START_TEST(test_permute_inverse_and_shard_membership)
{
    static const uint64_t sizes[] = {1, 2, 5, 16, 17, 1000, 65537};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        uint64_t n = sizes[k];
        sp__perm p;
        sp__perm_init(&p, n, 99 + k);
        for (uint64_t j = 0; j < p.domain; j++) {
            uint64_t v;
            sp__perm_map(&p, j, &v);
            ck_assert_uint_eq(sp__perm_unmap(&p, v), j);
        }
        for (unsigned count = 1; count <= 5; count++) {
            unsigned char *shard_of = malloc(n);
            memset(shard_of, 0xff, n);
            for (unsigned s = 0; s < count; s++) {
                sp__walk w;
                uint64_t v;
                sp__walk_init(&w, &p, s, count);
                while (sp__walk_next(&w, &v))
                    shard_of[v] = (unsigned char)s;
            }
            for (uint64_t v = 0; v < n; v++)
                for (unsigned s = 0; s < count; s++)
                    ck_assert_msg(sp__walk_has(&p, v, s, count) == (shard_of[v] == s),
                                  "n=%llu v=%llu shard %u/%u", (unsigned long long)n,
                                  (unsigned long long)v, s, count);
            free(shard_of);
        }
        ck_assert(!sp__walk_has(&p, n, 0, 1)); /* past the end */
    }
    /* A large index space: spot checks, each against its own walk step. */
    sp__perm big;
    sp__perm_init(&big, (uint64_t)1 << 44, 3);
    sp__walk w;
    uint64_t v;
    sp__walk_init(&w, &big, 2, 7);
    for (int i = 0; i < 1000 && sp__walk_next(&w, &v); i++) {
        ck_assert(sp__walk_has(&big, v, 2, 7));
        ck_assert(!sp__walk_has(&big, v, 3, 7));
        ck_assert_uint_eq(sp__perm_unmap(&big, v), w.next_j - 7);
    }
}
END_TEST

/* A baseline finding may be fixed only on an endpoint the shard probed
 * entirely: sp__coverage_has against the shard's own walk. */
START_TEST(test_permute_shard_coverage)
{
    char err[256];
    sp__targets t;
    sp__targets_init(&t);
    ck_assert_int_eq(
        sp__targets_add(&t, "127.0.0.0/28 127.0.0.3:5080 [::1]:5070", err, sizeof(err)), 0);
    static const uint16_t ports[] = {5060};
    ck_assert_int_eq(sp__targets_finalize(&t, ports, 1, 1, err, sizeof(err)), 0);
    ck_assert_uint_eq(t.pairs, 18);
    for (uint64_t methods = 1; methods <= 3; methods++) {
        for (unsigned count = 1; count <= 4; count++) {
            for (unsigned shard = 0; shard < count; shard++) {
                sp__coverage c = {&t, 1234, methods, shard, count};
                sp__perm perm;
                sp__coverage_perm(&c, &perm);
                unsigned char walked[18] = {0};
                sp__walk w;
                uint64_t v;
                sp__walk_init(&w, &perm, shard, count);
                while (sp__walk_next(&w, &v))
                    walked[v / methods]++;
                for (uint64_t i = 0; i < t.pairs; i++) {
                    sp__addr a;
                    uint16_t port;
                    uint8_t tr;
                    sp__targets_get(&t, i, &a, &port, &tr);
                    ck_assert_int_eq(sp__coverage_has(&c, &perm, &a, port, tr),
                                     walked[i] == methods);
                    ck_assert(!sp__coverage_has(&c, &perm, &a, 5999, tr)); /* not scanned */
                }
            }
        }
    }
    /* Without a target set (a capture) every endpoint counts. */
    sp__coverage all = {NULL, 0, 1, 0, 1};
    sp__perm perm;
    sp__coverage_perm(&all, &perm);
    sp__addr a;
    ck_assert_int_eq(sp__addr_parse("192.0.2.1", &a), 0);
    ck_assert(sp__coverage_has(&all, &perm, &a, 5060, 0));
    sp__targets_free(&t);
}
END_TEST

Suite *permute_suite(void)
{
    Suite *s = suite_create("permute");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_permute_is_a_bijection);
    tcase_add_test(tc, test_permute_shards_disjoint_and_complete);
    tcase_add_test(tc, test_permute_seed_changes_order);
    tcase_add_test(tc, test_permute_inverse_and_shard_membership);
    tcase_add_test(tc, test_permute_shard_coverage);
    suite_add_tcase(s, tc);
    return s;
}
