/* The scan handle: creation with defaults, freeing, and the small calls
 * that only store a callback or read a result. Settings are set in
 * api/settings.c; a run starts in run/run.c. */
#include "api/scan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

uint64_t sp__now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void sp__log(sp_scan *s, int level, const char *fmt, ...)
{
    if (!s->hooks.log_fn)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    s->hooks.log_fn(level, msg, s->hooks.log_data);
}

sp_code sp__fail(sp_scan *s, sp_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof(s->err), fmt, ap);
    va_end(ap);
    return code;
}

const char *sp__mode_name(sp_mode m)
{
    return m == SP_MODE_SCAN        ? "a network scan"
           : m == SP_MODE_CAPTURE   ? "a capture inventory"
           : m == SP_MODE_ALG_CHECK ? "an ALG check"
                                    : "a report";
}

sp_code sp__need_mode(sp_scan *s, unsigned modes, const char *what)
{
    if (s->running || s->ran)
        return sp__fail(s, SP_ESTATE, "the scan has already run");
    if (!(modes & (1u << s->mode)))
        return sp__fail(s, SP_ESTATE, "%s does not apply to %s", what, sp__mode_name(s->mode));
    return SP_OK;
}

sp_scan *sp_scan_new_mode(sp_mode mode)
{
    if (mode != SP_MODE_SCAN && mode != SP_MODE_CAPTURE && mode != SP_MODE_ALG_CHECK &&
        mode != SP_MODE_REPORT)
        return NULL;
    sp_scan *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->mode = mode;
    sp__settings *set = &s->set;
    sp__targets_init(&set->targets);
    set->targets.dns.enabled = 1; /* domain targets go through RFC 3263 discovery */
    sp__fpdb_init(&s->fpdb);
    sp__vulndb_init(&s->vulns);
    sp__baseline_init(&s->baseline);
    set->fail_on = SP_SEV_NONE;
    set->rate = 500;
    set->retries = 1;
    set->wait_ms = 2000;
    set->connect_timeout_ms = 3000;
    set->transports = 1u << SP_TRANSPORT_UDP;
    snprintf(set->transports_spec, sizeof(set->transports_spec), "udp");
    set->shard_count = 1;
    set->user_agent = strdup("sipprobe/" SP_VERSION);
    set->from_user = strdup("100");
    set->to_user = strdup("100");
    set->audit_rate = 2;
    set->methods[0] = sp__probe_find("OPTIONS");
    set->n_methods = 1;
    set->method_mask = 1u << set->methods[0];
    snprintf(set->methods_spec, sizeof(set->methods_spec), "OPTIONS");
    if (getrandom(&set->seed, sizeof(set->seed), 0) != sizeof(set->seed))
        set->seed = (uint64_t)time(NULL) ^ sp__now_ns();
    if (!set->user_agent || !set->from_user || !set->to_user) {
        sp_scan_free(s);
        return NULL;
    }
    return s;
}

sp_scan *sp_scan_new(void)
{
    return sp_scan_new_mode(SP_MODE_SCAN);
}

sp_mode sp_scan_mode(const sp_scan *s)
{
    return s->mode;
}

static void settings_free(sp__settings *set)
{
    sp__targets_free(&set->targets);
    sp__extlist_free(&set->exts);
    sp__passlist_free(&set->passwords);
    free(set->invite_to);
    sp__strv_free(&set->target_specs);
    sp__strv_free(&set->exclude_specs);
    free(set->ports);
    free(set->ports_spec);
    free(set->user_agent);
    free(set->from_user);
    free(set->to_user);
    free(set->upload_url);
    sp__strv_free(&set->upload_headers);
    sp__strv_free(&set->captures);
    free(set->live_iface);
    free(set->live_filter);
    free(set->write_pcap);
    free(set->alg_host);
    free(set->alg_token);
    free(set->resume_path);
    sp__resume_free(&set->resume);
    free(set->vantage);
    sp__strv_free(&set->results);
}

void sp_scan_free(sp_scan *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_writers; i++)
        sp__writer_abort(s->writers[i]);
    sp__engine_free(s);
    for (size_t i = 0; i < s->n_kept; i++)
        sp__svc_free(s->kept[i]);
    free(s->kept);
    sp__fpdb_free(&s->fpdb); /* after services: they point into it */
    sp__vulndb_free(&s->vulns);
    sp__baseline_free(&s->baseline);
    sp__journal_close(&s->journal, 1);
    sp__strv_free(&s->fixed);
    sp__strv_free(&s->not_seen);
    sp__strv_free(&s->answered);
    sp__strv_free(&s->failures);
    sp__strv_free(&s->expired);
    sp__accepts_free(&s->accepts);
    sp__strv_free(&s->warnings);
    sp__strv_free(&s->excludes_shown);
    settings_free(&s->set);
    free(s);
}

const char *sp_scan_errmsg(const sp_scan *s)
{
    return s->err;
}

void sp_scan_set_color(sp_scan *s, int on)
{
    s->set.color = on;
}

void sp_scan_set_log(sp_scan *s, sp_log_fn fn, void *data)
{
    s->hooks.log_fn = fn;
    s->hooks.log_data = data;
}

void sp_scan_set_service_callback(sp_scan *s, sp_service_fn fn, void *data)
{
    s->hooks.service_fn = fn;
    s->hooks.service_data = data;
}

void sp_scan_set_progress(sp_scan *s, sp_progress_fn fn, void *data)
{
    s->hooks.progress_fn = fn;
    s->hooks.progress_data = data;
}

/* Only a network scan has probes to show; sp_scan_run refuses a dry run
 * in another mode (this call cannot return an error). */
void sp_scan_set_dry_run(sp_scan *s, sp_probe_fn fn, void *data)
{
    s->set.dry_run = 1;
    s->hooks.dry_fn = fn;
    s->hooks.dry_data = data;
}

void sp_scan_stop(sp_scan *s)
{
    if (s->stop < 2)
        s->stop++;
}

void sp_scan_summary(const sp_scan *s, sp_summary *out)
{
    *out = s->summary;
}

const char *sp_probe_name(size_t i)
{
    const sp__probe_type *t = sp__probe_get(i);
    return t ? t->name : NULL;
}

const char *sp_probe_description(size_t i)
{
    const sp__probe_type *t = sp__probe_get(i);
    return t ? t->description : NULL;
}
