/* --shard auto: the shard a job runner gave this task, from the variables
 * it sets. The library reads no environment; this is the CLI's job. */
#include "shard_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A decimal number in 0..1000000, or -1. */
static long number(const char *s)
{
    if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 7)
        return -1;
    return strtol(s, NULL, 10);
}

/* The count from the runner (runner_count, or -1 when it gives none) and
 * from --shard-count (0: not given) must agree; one of them must be there. */
static int pick_count(long runner_count, const char *count_var, unsigned count_opt,
                      const char *runner, unsigned *count, char *msg, size_t len)
{
    if (runner_count < 0 && !count_opt) {
        snprintf(msg, len,
                 "--shard auto: %s does not say how many shards there are; give --shard-count N",
                 runner);
        return -1;
    }
    if (runner_count >= 0 && count_opt && (unsigned long)runner_count != count_opt) {
        snprintf(msg, len, "--shard auto: --shard-count %u, but %s is %ld", count_opt, count_var,
                 runner_count);
        return -1;
    }
    *count = runner_count >= 0 ? (unsigned)runner_count : count_opt;
    if (*count == 0) {
        snprintf(msg, len, "--shard auto: %s is 0", count_var ? count_var : "the shard count");
        return -1;
    }
    return 0;
}

static int in_range(long index0, unsigned count, const char *var, const char *value, char *msg,
                    size_t len)
{
    if (index0 < 0 || (unsigned long)index0 >= count) {
        snprintf(msg, len, "--shard auto: %s=%s does not name one of %u shards", var, value, count);
        return -1;
    }
    return 0;
}

int cli_shard_auto(cli_env_fn env, void *data, unsigned count_opt, unsigned *index, unsigned *count,
                   char *msg, size_t len)
{
    const char *v;
    long i0 = -1;
    /* Kubernetes Indexed Job: 0-based, the count is the Job's completions. */
    if ((v = env("JOB_COMPLETION_INDEX", data))) {
        if (pick_count(-1, NULL, count_opt, "JOB_COMPLETION_INDEX (Kubernetes Indexed Job)", count,
                       msg, len) ||
            in_range(i0 = number(v), *count, "JOB_COMPLETION_INDEX", v, msg, len))
            return -1;
        *index = (unsigned)i0 + 1;
        snprintf(msg, len, "shard %u/%u from JOB_COMPLETION_INDEX=%s (Kubernetes Indexed Job)",
                 *index, *count, v);
        return 0;
    }
    /* Slurm job array: task ids run from MIN in steps of STEP (--array=4-7, 0-15:4). */
    if ((v = env("SLURM_ARRAY_TASK_ID", data))) {
        const char *c = env("SLURM_ARRAY_TASK_COUNT", data);
        const char *mn = env("SLURM_ARRAY_TASK_MIN", data);
        const char *st = env("SLURM_ARRAY_TASK_STEP", data);
        long id = number(v), min = mn ? number(mn) : 0, step = st ? number(st) : 1;
        if (id < 0 || min < 0 || step <= 0 || (c && number(c) < 0)) {
            snprintf(msg, len,
                     "--shard auto: SLURM_ARRAY_TASK_ID=%s, SLURM_ARRAY_TASK_MIN=%s, "
                     "SLURM_ARRAY_TASK_STEP=%s, SLURM_ARRAY_TASK_COUNT=%s are not numbers",
                     v, mn ? mn : "", st ? st : "", c ? c : "");
            return -1;
        }
        if (pick_count(c ? number(c) : -1, "SLURM_ARRAY_TASK_COUNT", count_opt,
                       "SLURM_ARRAY_TASK_ID (Slurm job array)", count, msg, len))
            return -1;
        i0 = id >= min && (id - min) % step == 0 ? (id - min) / step : -1;
        if (in_range(i0, *count, "SLURM_ARRAY_TASK_ID", v, msg, len))
            return -1;
        *index = (unsigned)i0 + 1;
        snprintf(msg, len,
                 "shard %u/%u from SLURM_ARRAY_TASK_ID=%s (Slurm job array, "
                 "SLURM_ARRAY_TASK_MIN=%ld, %u tasks)",
                 *index, *count, v, min, *count);
        return 0;
    }
    /* GitLab CI parallel: already 1-based. */
    if ((v = env("CI_NODE_INDEX", data))) {
        const char *t = env("CI_NODE_TOTAL", data);
        if (pick_count(t ? number(t) : -1, "CI_NODE_TOTAL", count_opt,
                       "CI_NODE_INDEX (GitLab CI parallel)", count, msg, len))
            return -1;
        long n = number(v);
        if (n < 0) {
            snprintf(msg, len, "--shard auto: CI_NODE_INDEX=%s is not a number", v);
            return -1;
        }
        if (in_range(i0 = n - 1, *count, "CI_NODE_INDEX", v, msg, len))
            return -1;
        *index = (unsigned)i0 + 1;
        snprintf(msg, len, "shard %u/%u from CI_NODE_INDEX=%s (GitLab CI parallel)", *index, *count,
                 v);
        return 0;
    }
    /* AWS Batch array job: 0-based, the count is the array size. */
    if ((v = env("AWS_BATCH_JOB_ARRAY_INDEX", data))) {
        if (pick_count(-1, NULL, count_opt, "AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job)",
                       count, msg, len) ||
            in_range(i0 = number(v), *count, "AWS_BATCH_JOB_ARRAY_INDEX", v, msg, len))
            return -1;
        *index = (unsigned)i0 + 1;
        snprintf(msg, len, "shard %u/%u from AWS_BATCH_JOB_ARRAY_INDEX=%s (AWS Batch array job)",
                 *index, *count, v);
        return 0;
    }
    snprintf(msg, len,
             "--shard auto: no job runner in the environment (looked for JOB_COMPLETION_INDEX "
             "(Kubernetes), SLURM_ARRAY_TASK_ID (Slurm), CI_NODE_INDEX (GitLab CI), "
             "AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch)); give --shard I/N");
    return -1;
}

const char *cli_getenv(const char *name, void *data)
{
    (void)data;
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}
