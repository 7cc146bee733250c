/* --shard auto: index and count from a job runner's environment
 * (Kubernetes Indexed Jobs, Slurm job arrays, GitLab CI parallel, AWS Batch
 * array jobs). */
#ifndef SIPPROBE_CLI_SHARD_ENV_H
#define SIPPROBE_CLI_SHARD_ENV_H

#include <stddef.h>

/* Looks a variable up: its value, or NULL when it is unset or empty. */
typedef const char *(*cli_env_fn)(const char *name, void *data);

/* The environment of the process (data unused). */
const char *cli_getenv(const char *name, void *data);

/* Decodes the shard (1-based index, count) from env. count_opt is
 * --shard-count (0: not given), needed where the runner gives no count.
 * Returns 0 with msg saying which variables it used, or -1 with msg saying
 * what is wrong (or what it looked for). */
int cli_shard_auto(cli_env_fn env, void *data, unsigned count_opt, unsigned *index, unsigned *count,
                   char *msg, size_t len);

#endif
