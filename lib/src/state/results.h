/* Reading stored results for a report: a json document or an ndjson file
 * of a scan or capture inventory becomes service records and what the file
 * says about the scan that made it. A damaged file costs only its damaged
 * part: each problem is one line naming the file and line, and every
 * service before (and, in ndjson, after) it is still read. */
#ifndef SP_RESULTS_H
#define SP_RESULTS_H

#include "model/service.h"

#include <stddef.h>
#include <stdint.h>

/* What one result file says about the scan that made it. */
typedef struct sp__result_info {
    const char *path;
    int known;           /* a json scan block or an observation said who made it */
    char scan_id[20];    /* "" when not known */
    char targets_id[20]; /* digest of the target set ("" when not known) */
    char vantage[128];
    uint64_t seed;
    unsigned shard_index; /* 1-based */
    unsigned shard_count; /* 1: not sharded */
    size_t services;
    uint64_t probes_sent, replies; /* from a json document's summary */
} sp__result_info;

/* Called for each service read; the callee takes the record. */
typedef void (*sp__result_service_fn)(void *ctx, sp__svc *svc);
/* Called with each problem: "FILE line N: what is wrong". */
typedef void (*sp__result_problem_fn)(void *ctx, const char *message);

/* Reads path into services (each stamped with an observation when it has
 * none: old results, or records written by hand). Returns how many
 * problems were found (0: the whole file was read). */
int sp__results_read(const char *path, sp__result_info *info, sp__result_service_fn on_service,
                     sp__result_problem_fn on_problem, void *ctx);

#endif
