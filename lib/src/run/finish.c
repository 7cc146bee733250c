#include "run/finish.h"

#include "api/scan.h"
#include "output/publish.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

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

/* FNV-1a, 64 bits: a digest that tells target sets apart, not a secret. */
static uint64_t fnv(uint64_t h, const char *str)
{
    for (const unsigned char *p = (const unsigned char *)(str ? str : ""); *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return (h ^ 0xff) * 0x100000001b3ULL; /* a separator, so "a","b" differs from "ab" */
}

/* Who this run is: what every service it reports carries (sp_observation)
 * and what a report needs to put shards of one scan back together. */
static void identify(sp_scan *s, const sp__scan_meta *meta, const char *started)
{
    sp__ident *id = &s->ident;
    uint64_t r;
    if (getrandom(&r, sizeof(r), 0) != sizeof(r))
        r = sp__now_ns() ^ ((uint64_t)getpid() << 32);
    snprintf(id->scan_id, sizeof(id->scan_id), "%016llx", (unsigned long long)r);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; meta->targets && i < meta->targets->n; i++)
        h = fnv(h, meta->targets->v[i]);
    h = fnv(h, "excludes");
    for (size_t i = 0; meta->excludes && i < meta->excludes->n; i++)
        h = fnv(h, meta->excludes->v[i]);
    h = fnv(fnv(fnv(h, meta->ports), meta->transports), meta->methods);
    snprintf(id->targets_id, sizeof(id->targets_id), "%016llx", (unsigned long long)h);
    snprintf(id->shard, sizeof(id->shard), "%u/%u", meta->shard_index, meta->shard_count);
    snprintf(id->started, sizeof(id->started), "%s", started);
    if (s->set.vantage) {
        snprintf(id->vantage, sizeof(id->vantage), "%s", s->set.vantage);
    } else if (gethostname(id->vantage, sizeof(id->vantage) - 1) != 0 || !id->vantage[0]) {
        snprintf(id->vantage, sizeof(id->vantage), "unknown");
    }
    id->vantage[sizeof(id->vantage) - 1] = '\0';
    id->seed = meta->seed;
    id->ready = 1;
}

void sp__observe(sp_scan *s, sp__svc *svc)
{
    if (svc->n_obs || !s->ident.ready)
        return;
    char seen[32], answer[256];
    iso_now(seen, sizeof(seen));
    sp__svc_answer(svc, answer, sizeof(answer));
    const sp__ident *id = &s->ident;
    sp_observation o = {id->scan_id, id->vantage,    seen,       id->started, id->shard,
                        id->seed,    id->targets_id, SP_VERSION, answer};
    if (sp__svc_add_observation(svc, &o) == 0)
        sp__svc_publish(svc);
}

void sp__begin(sp_scan *s, sp__scan_meta *meta, char *started, size_t len)
{
    iso_now(started, len);
    if (!meta->excludes)
        meta->excludes = &s->set.exclude_specs;
    identify(s, meta, started);
    meta->scan_id = s->ident.scan_id;
    meta->vantage = s->ident.vantage;
    meta->targets_id = s->ident.targets_id;
    meta->version = SP_VERSION;
    meta->started = started;
    meta->fail_on = s->set.fail_on;
    meta->color = s->set.color;
    meta->columns = s->set.columns;
    meta->verbose = s->set.verbose;
    meta->mode = s->mode;
    if (s->mode == SP_MODE_SCAN) {
        meta->endpoints = s->set.targets.pairs / (s->set.shard_count ? s->set.shard_count : 1);
        if (s->set.source.has_addr)
            sp__addr_format(&s->set.source.addr, meta->source, sizeof(meta->source));
        meta->enumerated = s->set.exts.count > 0;
        meta->audited = s->set.audit_passwords && meta->enumerated;
        meta->invite_checked = s->set.check_invite;
    } else if (s->mode == SP_MODE_CAPTURE) {
        meta->audited = s->set.audit_passwords;
    }
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

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A finding gone is fixed only where its service answered this time; where
 * the service stayed silent it is "not seen" (down, moved, or blocked). */
static void split_fixed(sp_scan *s, const sp__strv *gone)
{
    if (s->answered.n > 1)
        qsort(s->answered.v, s->answered.n, sizeof(char *), str_cmp);
    for (size_t i = 0; i < gone->n; i++) {
        const char *k = gone->v[i], *sp = strchr(k, ' ');
        char endpoint[200];
        snprintf(endpoint, sizeof(endpoint), "%.*s", sp ? (int)(sp - k) : (int)strlen(k), k);
        const char *key = endpoint;
        int answered =
            s->answered.n && bsearch(&key, s->answered.v, s->answered.n, sizeof(char *), str_cmp);
        sp__strv_push(answered ? &s->fixed : &s->not_seen, k, strlen(k));
    }
}

int sp__finish(sp_scan *s, sp__scan_meta *meta, int rc, const sp__targets *covered, int may_fix)
{
    sp__accepts_expired(&s->accepts, s->accept_now, &s->expired);
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
            sp__strv gone = {0};
            sp__baseline_fixed(&s->baseline, &cov, &gone);
            split_fixed(s, &gone);
            sp__strv_free(&gone);
        }
        meta->fixed = &s->fixed;
        meta->not_seen = &s->not_seen;
        meta->baseline_since = s->baseline.since;
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
