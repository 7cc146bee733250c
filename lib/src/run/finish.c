#include "run/finish.h"

#include "api/scan.h"
#include "output/publish.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int sp__load_knowledge(sp_scan *s)
{
    if (s->builtin_loaded)
        return SP_OK;
    int rc = sp__fpdb_load_builtin(&s->fpdb, s->err, sizeof(s->err));
    if (!rc)
        rc = sp__vulndb_load_builtin(&s->vulns, s->err, sizeof(s->err));
    s->builtin_loaded = !rc;
    return rc;
}

static void iso_now(char *buf, size_t len)
{
    sp__iso_time(time(NULL), buf, len);
}

void sp__begin(sp_scan *s, sp__scan_meta *meta, char *started, size_t len)
{
    iso_now(started, len);
    meta->version = SP_VERSION;
    meta->started = started;
    meta->fail_on = s->set.fail_on;
    meta->color = s->set.color;
    if (!meta->excludes)
        meta->excludes = &s->set.exclude_specs;
    for (size_t i = 0; i < s->n_writers; i++)
        if (s->writers[i]->type->begin)
            s->writers[i]->type->begin(s->writers[i], meta);
}

static int svc_cmp(const void *a, const void *b)
{
    return sp__svc_order(*(sp__svc *const *)a, *(sp__svc *const *)b);
}

/* Ends and closes every writer; a dry run wrote nothing and keeps nothing. */
static int close_writers(sp_scan *s, const sp__scan_meta *meta, const sp_service **views, int rc)
{
    int dry = s->set.dry_run;
    for (size_t i = 0; i < s->n_writers; i++) {
        sp__writer *w = s->writers[i];
        if (!dry && views && w->type->end)
            w->type->end(w, meta, views, s->n_kept);
        char werr[512];
        int wrc = dry ? (sp__writer_abort(w), 0) : sp__writer_close(w, werr, sizeof(werr));
        if (wrc == SP__OUT_GONE) /* its reader went away: ends as an interrupt does */
            s->summary.interrupted = 1;
        else if (wrc && !rc)
            rc = sp__fail(s, (sp_code)wrc, "%s", werr);
        else if (wrc) /* said too: it may tell where results were kept */
            snprintf(s->err + strlen(s->err), sizeof(s->err) - strlen(s->err), "; %s", werr);
        s->writers[i] = NULL;
    }
    s->n_writers = 0;
    return rc;
}

int sp__finish(sp_scan *s, sp__scan_meta *meta, int rc, const sp__targets *covered, int may_fix)
{
    if (s->kept_lost)
        sp__log(s, 0, "out of memory: %zu services left out of the final report", s->kept_lost);
    if (s->n_kept > 1)
        qsort(s->kept, s->n_kept, sizeof(*s->kept), svc_cmp);
    char finished[32];
    iso_now(finished, sizeof(finished));
    meta->finished = finished;
    meta->summary = &s->summary;
    if (s->baseline.loaded && may_fix) {
        /* Only what this scan probed to the end can be fixed: nothing after
         * an interrupt or a failure; with a shard, only the endpoints whose
         * every probe is this shard's. */
        if (rc || s->stop || s->summary.interrupted) {
            sp__log(s, 0,
                    "baseline: the scan did not run to the end, so no finding counts as "
                    "fixed");
            meta->fixed_unknown = 1;
        } else {
            sp__coverage cov = {covered, s->set.seed, s->set.n_methods, s->set.shard_index,
                                s->set.shard_count};
            sp__baseline_fixed(&s->baseline, &cov, &s->fixed);
        }
        meta->fixed = &s->fixed;
    }
    const sp_service **views = malloc((s->n_kept ? s->n_kept : 1) * sizeof(*views));
    for (size_t i = 0; views && i < s->n_kept; i++)
        views[i] = &s->kept[i]->pub;
    if (!views)
        sp__log(s, 0, "out of memory: the reports get no services");
    /* Writers run even after a failure, so nothing gathered is lost. */
    rc = close_writers(s, meta, views, rc);
    if (s->set.upload_url && !s->set.dry_run && views) {
        char done[512], err[512];
        int urc = sp__publish(s->set.upload_url, &s->set.upload_headers, s->set.upload_batch, meta,
                              views, s->n_kept, done, sizeof(done), err, sizeof(err));
        if (urc && !rc)
            rc = sp__fail(s, (sp_code)urc, "%s", err);
        else if (!urc)
            sp__log(s, 1, "%s", done);
    }
    free(views);
    s->running = 0;
    s->ran = 1;
    return rc;
}
