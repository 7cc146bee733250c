/* The report mode (`sipprobe report`): stored results of one or more scans
 * (shards, vantages, days) become one set of services, through the same
 * delivery and finishing step as a scan, so every output, the baseline,
 * --fail-on and the upload work as they do there. Sends nothing. */
#include "api/scan.h"

#include "run/deliver.h"
#include "run/finish.h"
#include "run/modes.h"
#include "state/merge.h"
#include "state/results.h"

#include <stdlib.h>
#include <string.h>

typedef struct report_ctx {
    sp_scan *s;
    sp__svc **v;
    size_t n, cap;
    int lost; /* out of memory */
} report_ctx;

static void on_service(void *ctx, sp__svc *svc)
{
    report_ctx *rc = ctx;
    if (rc->n == rc->cap) {
        size_t cap = rc->cap ? rc->cap * 2 : 256;
        sp__svc **v = realloc(rc->v, cap * sizeof(*v));
        if (!v) {
            sp__svc_free(svc);
            rc->lost = 1;
            return;
        }
        rc->v = v;
        rc->cap = cap;
    }
    rc->v[rc->n++] = svc;
}

/* Problems go to the log (stderr) and into the reports. */
static void on_problem(void *ctx, const char *message)
{
    report_ctx *rc = ctx;
    sp__log(rc->s, 0, "%s", message);
    sp__strv_push(&rc->s->warnings, message, strlen(message));
}

/* --strict: nothing is written, and the run fails. */
static int refuse(sp_scan *s, report_ctx *rc, const char *why)
{
    for (size_t i = 0; i < rc->n; i++)
        sp__svc_free(rc->v[i]);
    free(rc->v);
    rc->v = NULL;
    rc->n = 0;
    for (size_t i = 0; i < s->n_writers; i++)
        sp__writer_abort(s->writers[i]);
    s->n_writers = 0;
    s->running = 0;
    s->ran = 1;
    return sp__fail(s, SP_EDATA, "%s (--strict: no report written)", why);
}

int sp__mode_report(sp_scan *s)
{
    report_ctx rc = {.s = s};
    size_t n_files = s->set.results.n;
    sp__result_info *infos = calloc(n_files ? n_files : 1, sizeof(*infos));
    if (!infos) {
        s->running = 0;
        s->ran = 1;
        return sp__fail(s, SP_ENOMEM, "out of memory");
    }
    uint64_t start_ns = sp__now_ns();
    int bad_files = 0;
    for (size_t i = 0; i < n_files && !s->stop; i++) {
        if (sp__results_read(s->set.results.v[i], &infos[i], on_service, on_problem, &rc) > 0)
            bad_files++;
        s->summary.probes_sent += infos[i].probes_sent;
        s->summary.replies += infos[i].replies;
    }
    int shard_problems = sp__check_shards(infos, n_files, on_problem, &rc);
    free(infos);
    if (rc.lost)
        on_problem(&rc, "out of memory: some services were left out");
    if (s->set.strict && (bad_files || shard_problems || rc.lost))
        return refuse(s, &rc, bad_files ? "results with unreadable parts" : "shards do not fit");
    rc.n = sp__merge_services(rc.v, rc.n);
    for (size_t i = 0; i < rc.n; i++)
        sp__merge_vantages(rc.v[i]);

    char started[32];
    sp__scan_meta meta = {.targets = &s->set.results,
                          .ports = "as in the results",
                          .transports = "as in the results",
                          .methods = "none sent (report)",
                          .shard_index = 1,
                          .shard_count = 1,
                          .user_agent = "",
                          .results = &s->set.results,
                          .warnings = &s->warnings};
    sp__begin(s, &meta, started, sizeof(started));
    for (size_t i = 0; i < rc.n; i++)
        sp__deliver(s, rc.v[i], 1); /* classified already, and observed */
    free(rc.v);
    s->summary.elapsed_s = (double)(sp__now_ns() - start_ns) / 1e9;
    s->summary.interrupted = s->stop > 0;
    int rcode = SP_OK;
    if (bad_files)
        rcode = sp__fail(s, SP_EDATA,
                         "%d result%s could not be read whole (see above); what could be read is "
                         "reported",
                         bad_files, bad_files == 1 ? "" : "s");
    /* A finding is fixed only if the results covered every shard whole. */
    return sp__finish(s, &meta, rcode, NULL, !bad_files && !shard_problems);
}
