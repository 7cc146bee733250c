/* Putting results back together (sipprobe report): records of one service
 * merged with every observation and without doubled findings, damaged
 * results read up to the damage with one problem per line, shard checks;
 * and --shard auto's reading of job runners' environments. */
#include "suites.h"

#include "../../cli/shard_env.h"
#include "output/service_json.h"
#include "state/merge.h"
#include "state/results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sp__svc *svc_from(const char *text)
{
    json_t *o = json_loads(text, 0, NULL);
    ck_assert_ptr_nonnull(o);
    sp__svc *svc = sp__service_from_json(o);
    json_decref(o);
    ck_assert_ptr_nonnull(svc);
    return svc;
}

#define SVC(host, findings, obs)                                                                   \
    "{\"host\":\"" host "\",\"port\":5060,\"transport\":\"udp\",\"replies\":[{\"method\":"         \
    "\"OPTIONS\",\"status\":200,\"reason\":\"OK\"}],\"findings\":[" findings                       \
    "],\"observations\":[" obs "]}"
#define OBS(scan, vantage, seen)                                                                   \
    "{\"scan\":\"" scan "\",\"vantage\":\"" vantage "\",\"seen\":\"" seen                          \
    "\",\"shard\":\"1/1\",\"seed\":1,\"targets\":\"t\",\"version\":\"0.1.0\",\"format\":1,"        \
    "\"answer\":\"OPTIONS 200\"}"
#define EXPOSED(ev) "{\"id\":\"sip-service-exposed\",\"evidence\":[\"" ev "\"]}"
#define DISCLOSED "{\"id\":\"version-disclosure\",\"evidence\":[\"Server: X 1.0\"]}"

static const sp_finding *finding(const sp__svc *svc, const char *id, size_t *evidence)
{
    for (size_t i = 0; i < svc->pub.n_findings; i++)
        if (!strcmp(svc->pub.findings[i].id, id)) {
            *evidence = svc->pub.findings[i].n_evidence;
            return &svc->pub.findings[i];
        }
    return NULL;
}

START_TEST(test_merge_services_keeps_every_observation)
{
    sp__svc *v[4];
    v[0] = svc_from(SVC("127.0.0.2", EXPOSED("a"), OBS("s2", "wan", "2026-01-02T00:00:00Z")));
    v[1] = svc_from(SVC("127.0.0.1", EXPOSED("a"), OBS("s1", "lan", "2026-01-01T00:00:00Z")));
    v[2] = svc_from(
        SVC("127.0.0.1", EXPOSED("b") "," DISCLOSED, OBS("s2", "wan", "2026-01-02T00:00:00Z")));
    /* The same result twice adds nothing. */
    v[3] = svc_from(SVC("127.0.0.1", EXPOSED("a"), OBS("s1", "lan", "2026-01-01T00:00:00Z")));
    size_t n = sp__merge_services(v, 4);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(v[0]->pub.host, "127.0.0.1");
    ck_assert_str_eq(v[1]->pub.host, "127.0.0.2");
    ck_assert_uint_eq(v[0]->pub.n_observations, 2);
    ck_assert_str_eq(v[0]->pub.observations[0].vantage, "lan"); /* read order kept */
    ck_assert_str_eq(v[0]->pub.observations[1].vantage, "wan");
    ck_assert_str_eq(v[0]->pub.observations[1].scan_id, "s2");
    ck_assert_uint_eq(v[0]->pub.n_findings, 2); /* merged, not doubled */
    size_t ev = 0;
    ck_assert_ptr_nonnull(finding(v[0], "sip-service-exposed", &ev));
    ck_assert_uint_eq(ev, 2); /* "a" once, and "b" */
    ck_assert_ptr_nonnull(finding(v[0], "version-disclosure", &ev));
    ck_assert_int_eq(v[0]->pub.max_severity, SP_SEV_LOW);

    /* Seen from lan and wan: the exposure a report exists to find. */
    ck_assert_uint_eq(sp__merge_vantages(v[0]), 2);
    const sp_finding *f = finding(v[0], "seen-from-several-vantages", &ev);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(ev, 2);
    ck_assert_ptr_nonnull(strstr(f->evidence[0], "seen from lan at 2026-01-01T00:00:00Z"));
    ck_assert_ptr_nonnull(strstr(f->evidence[1], "seen from wan"));
    ck_assert_int_eq(v[0]->pub.max_severity, SP_SEV_MEDIUM);
    /* One vantage is no exposure finding. */
    ck_assert_uint_eq(sp__merge_vantages(v[1]), 1);
    ck_assert_ptr_null(finding(v[1], "seen-from-several-vantages", &ev));
    for (size_t i = 0; i < n; i++)
        sp__svc_free(v[i]);
}
END_TEST

typedef struct got {
    size_t services;
    char problems[8][600];
    size_t n_problems;
    sp__svc *last;
} got;

static void on_service(void *ctx, sp__svc *svc)
{
    got *g = ctx;
    g->services++;
    sp__svc_free(g->last);
    g->last = svc;
}

static void on_problem(void *ctx, const char *msg)
{
    got *g = ctx;
    if (g->n_problems < 8)
        snprintf(g->problems[g->n_problems++], sizeof(g->problems[0]), "%s", msg);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
}

#define NEWER                                                                                      \
    "{\"host\":\"127.0.0.3\",\"port\":5060,\"transport\":\"udp\",\"observations\":[{"              \
    "\"format\":99}]}"
#define DAMAGED_NDJSON                                                                             \
    SVC("127.0.0.1", EXPOSED("a"), OBS("s1", "lan", "t"))                                          \
    "\ngarbage\n{\"a\":1}\n" NEWER "\n" SVC("127.0.0.4", "", OBS("s1", "lan", "t")) "\n{\"ho"

START_TEST(test_merge_results_read_up_to_damage)
{
    char path[] = "/tmp/check_merge_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    /* ndjson: a good line, a line that is no JSON, one that is no result,
     * one from a newer sipprobe, a good one, and a line cut off. */
    write_file(path, DAMAGED_NDJSON);
    got g = {0};
    sp__result_info info;
    ck_assert_int_eq(sp__results_read(path, &info, on_service, on_problem, &g), 4);
    ck_assert_uint_eq(g.services, 2);
    ck_assert_uint_eq(info.services, 2);
    ck_assert_str_eq(g.last->pub.host, "127.0.0.4"); /* what follows the damage is read */
    ck_assert_ptr_nonnull(strstr(g.problems[0], " line 2: not JSON"));
    ck_assert_ptr_eq(strstr(g.problems[0], path), g.problems[0]);
    ck_assert_ptr_nonnull(strstr(g.problems[1], " line 3: not a sipprobe result"));
    ck_assert_ptr_nonnull(strstr(g.problems[2], " line 4: result format 99 is newer"));
    ck_assert_ptr_nonnull(strstr(g.problems[3], " line 6: truncated"));
    ck_assert_str_eq(info.scan_id, "s1");
    ck_assert_str_eq(info.vantage, "lan");

    /* A json document cut off in its second service: its scan and first service are read. */
    write_file(path, "{\n\"scan\": {\"id\": \"d1\", \"shard\": \"2/4\", \"seed\": 9, "
                     "\"targets_id\": \"tt\", \"vantage\": \"wan\", \"started\": \"t0\"},\n"
                     "\"services\": [\n" SVC("127.0.0.5", EXPOSED("a"), ) ",\n{\"host\": \"127.");
    sp__svc_free(g.last);
    memset(&g, 0, sizeof(g));
    ck_assert_int_eq(sp__results_read(path, &info, on_service, on_problem, &g), 1);
    ck_assert_uint_eq(g.services, 1);
    ck_assert_ptr_nonnull(strstr(g.problems[0], " line 5: not a complete json document"));
    ck_assert_uint_eq(info.shard_index, 2);
    ck_assert_uint_eq(info.shard_count, 4);
    ck_assert_uint_eq(info.seed, 9);
    ck_assert_str_eq(info.targets_id, "tt");
    /* A service without observations (an older result) is stamped from the scan block. */
    ck_assert_uint_eq(g.last->pub.n_observations, 1);
    ck_assert_str_eq(g.last->pub.observations[0].scan_id, "d1");
    ck_assert_str_eq(g.last->pub.observations[0].vantage, "wan");
    ck_assert_str_eq(g.last->pub.observations[0].shard, "2/4");

    /* A newer document is refused whole; an empty file is not a result. */
    write_file(path, "{\"scan\": {\"format\": 2}, \"services\": [], \"summary\": {}}");
    sp__svc_free(g.last);
    memset(&g, 0, sizeof(g));
    ck_assert_int_eq(sp__results_read(path, &info, on_service, on_problem, &g), 1);
    ck_assert_uint_eq(g.services, 0);
    ck_assert_ptr_nonnull(strstr(g.problems[0], "result format 2 is newer"));
    write_file(path, " \n");
    ck_assert_int_eq(sp__results_read(path, &info, on_service, on_problem, &g), 1);
    ck_assert_ptr_nonnull(strstr(g.problems[1], "empty"));
    unlink(path);
    ck_assert_int_eq(sp__results_read(path, &info, on_service, on_problem, &g), 1);
    ck_assert_ptr_nonnull(strstr(g.problems[2], "cannot read"));
    sp__svc_free(g.last);
}
END_TEST

static void collect(void *ctx, const char *msg)
{
    on_problem(ctx, msg);
}

static sp__result_info shard(const char *path, unsigned i, unsigned n, uint64_t seed,
                             const char *targets)
{
    sp__result_info r = {
        .path = path, .known = 1, .seed = seed, .shard_index = i, .shard_count = n};
    snprintf(r.targets_id, sizeof(r.targets_id), "%s", targets);
    return r;
}

START_TEST(test_merge_shard_checks)
{
    got g = {0};
    sp__result_info all[4] = {shard("a", 1, 4, 7, "t"), shard("b", 2, 4, 7, "t"),
                              shard("c", 3, 4, 7, "t"), shard("d", 4, 4, 7, "t")};
    ck_assert_int_eq(sp__check_shards(all, 4, collect, &g), 0);

    sp__result_info gap[4] = {shard("a", 1, 4, 7, "t"), shard("b", 2, 4, 7, "t"),
                              shard("b2", 2, 4, 7, "t"), shard("d", 4, 4, 7, "t")};
    ck_assert_int_eq(sp__check_shards(gap, 4, collect, &g), 2);
    ck_assert_str_eq(g.problems[0], "shard 2/4 appears in 2 results (b, b2): results overlap");
    ck_assert_str_eq(g.problems[1], "shard 3/4 missing: results cover 3 of 4 shards");

    memset(&g, 0, sizeof(g));
    sp__result_info seeds[2] = {shard("a", 1, 2, 7, "t"), shard("b", 2, 2, 8, "t")};
    ck_assert_int_eq(sp__check_shards(seeds, 2, collect, &g), 1);
    ck_assert_ptr_nonnull(strstr(g.problems[0], "different seeds (7 in a, 8 in b)"));

    memset(&g, 0, sizeof(g));
    sp__result_info targets[2] = {shard("a", 1, 2, 7, "t"), shard("b", 2, 2, 7, "u")};
    ck_assert_int_ge(sp__check_shards(targets, 2, collect, &g), 1);
    int named = 0;
    for (size_t i = 0; i < g.n_problems; i++)
        named |= strstr(g.problems[i], "seed 7 have different target sets (a, b)") != NULL;
    ck_assert(named);

    /* Unsharded results, and results that say nothing, are not checked. */
    memset(&g, 0, sizeof(g));
    sp__result_info plain[2] = {shard("a", 1, 1, 7, "t"), {.path = "b", .shard_count = 4}};
    ck_assert_int_eq(sp__check_shards(plain, 2, collect, &g), 0);
}
END_TEST

/* A fake environment: NULL-terminated name, value pairs. */
static const char *fake_env(const char *name, void *data)
{
    for (const char *const *p = data; *p; p += 2)
        if (!strcmp(p[0], name))
            return p[1];
    return NULL;
}

static int decode(const char *const *env, unsigned count_opt, unsigned *i, unsigned *n, char *msg)
{
    *i = *n = 0;
    return cli_shard_auto(fake_env, (void *)env, count_opt, i, n, msg, 512);
}

START_TEST(test_merge_shard_auto_environments)
{
    unsigned i, n;
    char msg[512];
    const char *k8s[] = {"JOB_COMPLETION_INDEX", "0", NULL};
    ck_assert_int_eq(decode(k8s, 4, &i, &n, msg), 0);
    ck_assert_uint_eq(i, 1);
    ck_assert_uint_eq(n, 4);
    ck_assert_ptr_nonnull(strstr(msg, "JOB_COMPLETION_INDEX=0 (Kubernetes"));
    ck_assert_int_eq(decode(k8s, 0, &i, &n, msg), -1); /* the count is the Job's, not in env */
    ck_assert_ptr_nonnull(strstr(msg, "--shard-count"));
    const char *k8s_big[] = {"JOB_COMPLETION_INDEX", "4", NULL};
    ck_assert_int_eq(decode(k8s_big, 4, &i, &n, msg), -1);

    /* Slurm: --array=4-7 gives ids 4..7, MIN 4, COUNT 4. */
    const char *slurm[] = {"SLURM_ARRAY_TASK_ID",
                           "6",
                           "SLURM_ARRAY_TASK_COUNT",
                           "4",
                           "SLURM_ARRAY_TASK_MIN",
                           "4",
                           NULL};
    ck_assert_int_eq(decode(slurm, 0, &i, &n, msg), 0);
    ck_assert_uint_eq(i, 3);
    ck_assert_uint_eq(n, 4);
    ck_assert_ptr_nonnull(strstr(msg, "SLURM_ARRAY_TASK_ID=6"));
    ck_assert_int_eq(decode(slurm, 5, &i, &n, msg), -1); /* --shard-count disagrees */
    const char *slurm_step[] = {"SLURM_ARRAY_TASK_ID",
                                "8",
                                "SLURM_ARRAY_TASK_COUNT",
                                "4",
                                "SLURM_ARRAY_TASK_MIN",
                                "0",
                                "SLURM_ARRAY_TASK_STEP",
                                "4",
                                NULL};
    ck_assert_int_eq(decode(slurm_step, 0, &i, &n, msg), 0);
    ck_assert_uint_eq(i, 3);

    /* GitLab: 1-based already. */
    const char *gitlab[] = {"CI_NODE_INDEX", "2", "CI_NODE_TOTAL", "3", NULL};
    ck_assert_int_eq(decode(gitlab, 0, &i, &n, msg), 0);
    ck_assert_uint_eq(i, 2);
    ck_assert_uint_eq(n, 3);
    const char *gitlab_bad[] = {"CI_NODE_INDEX", "0", "CI_NODE_TOTAL", "3", NULL};
    ck_assert_int_eq(decode(gitlab_bad, 0, &i, &n, msg), -1);

    const char *aws[] = {"AWS_BATCH_JOB_ARRAY_INDEX", "9", NULL};
    ck_assert_int_eq(decode(aws, 10, &i, &n, msg), 0);
    ck_assert_uint_eq(i, 10);
    ck_assert_uint_eq(n, 10);
    const char *aws_text[] = {"AWS_BATCH_JOB_ARRAY_INDEX", "x", NULL};
    ck_assert_int_eq(decode(aws_text, 10, &i, &n, msg), -1);

    /* None set: what it looked for. */
    const char *none[] = {NULL};
    ck_assert_int_eq(decode(none, 4, &i, &n, msg), -1);
    ck_assert_ptr_nonnull(strstr(msg, "JOB_COMPLETION_INDEX"));
    ck_assert_ptr_nonnull(strstr(msg, "SLURM_ARRAY_TASK_ID"));
    ck_assert_ptr_nonnull(strstr(msg, "CI_NODE_INDEX"));
    ck_assert_ptr_nonnull(strstr(msg, "AWS_BATCH_JOB_ARRAY_INDEX"));
}
END_TEST

Suite *merge_suite(void)
{
    Suite *s = suite_create("merge");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_merge_services_keeps_every_observation);
    tcase_add_test(tc, test_merge_results_read_up_to_damage);
    tcase_add_test(tc, test_merge_shard_checks);
    tcase_add_test(tc, test_merge_shard_auto_environments);
    suite_add_tcase(s, tc);
    return s;
}
