#include "run/deliver.h"

#include "api/scan.h"
#include "classify/classify.h"
#include "engine/record.h"
#include "output/report.h"
#include "output/service_json.h"
#include "run/finish.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Finishes a service and hands it to everyone: fingerprint and findings,
 * baseline marks and counts, the callback, the journal and the streaming
 * writers (one JSON line for all), and the list the document writers get at
 * the end. A service read back from a journal is classified and journaled
 * already. Runs on the output thread when there is one (never with a
 * service callback), else on the scan thread. */
static void finish_service(sp_scan *s, sp__svc *svc, int from_journal)
{
    if (!from_journal) {
        sp__dns_lookup(&s->set.targets.dns, &svc->host, svc->port, svc->transport, &svc->dns,
                       &svc->dns_leaks);
        sp__classify_finish(svc, &s->fpdb, &s->vulns);
    }
    sp__observe(s, svc);
    char where[160];
    sp__service_address(&svc->pub, where, sizeof(where));
    if (s->baseline.loaded) /* a finding gone counts as fixed only where the service answered */
        sp__strv_push(&s->answered, where, strlen(where));
    for (size_t i = 0; i < svc->n_findings; i++) {
        sp_finding *f = &svc->findings[i];
        /* Against a baseline, each finding is new or known. */
        f->is_new = -1;
        if (s->baseline.loaded) {
            char key[256];
            snprintf(key, sizeof(key), "%s %s", where, f->id);
            f->is_new = !sp__baseline_check(&s->baseline, key);
            if (f->is_new) {
                s->summary.new_findings++;
                if ((int)f->severity > (int)s->summary.max_new_severity)
                    s->summary.max_new_severity = f->severity;
            }
        }
        const sp__accept_entry *acc =
            s->accepts.n ? sp__accepts_match(&s->accepts, f->id, where, svc->host_s, s->accept_now)
                         : NULL;
        f->accepted = acc ? acc->note : NULL;
        s->summary.accepted += acc != NULL;
        sp_severity sev = f->severity;
        s->summary.findings_by_severity[sev]++;
        if ((int)sev > (int)s->summary.max_severity)
            s->summary.max_severity = sev;
        /* What fails --fail-on: at or above it, new against a baseline, not accepted. */
        if (s->set.fail_on != SP_SEV_NONE && (int)sev >= (int)s->set.fail_on && f->is_new != 0 &&
            !acc) {
            char line[320];
            snprintf(line, sizeof(line), "%s %s %s%s", sp_severity_name(sev), f->id, where,
                     f->is_new == 1 ? " new" : "");
            s->summary.failing++;
            sp__strv_push(&s->failures, line, strlen(line));
        }
    }
    if (s->hooks.service_fn)
        s->hooks.service_fn(&svc->pub, s->hooks.service_data);
    int streaming = 0;
    for (size_t i = 0; i < s->n_writers; i++)
        streaming |= s->writers[i]->type->streaming;
    int journal = s->journal.fp && !from_journal;
    char *line = journal || streaming ? sp__service_line(&svc->pub) : NULL;
    if (journal)
        sp__journal_service(&s->journal, line);
    for (size_t i = 0; i < s->n_writers; i++) {
        sp__writer *w = s->writers[i];
        if (!w->type->streaming)
            continue;
        if (line && w->type->service_line)
            w->type->service_line(w, line);
        else
            w->type->service(w, &svc->pub);
    }
    free(line);
    if (s->keep_services) {
        if (s->n_kept == s->cap_kept) {
            size_t cap = s->cap_kept ? s->cap_kept * 2 : 64;
            sp__svc **k = realloc(s->kept, cap * sizeof(*k));
            if (!k) {
                s->kept_lost++; /* said after the scan, from the scan thread */
                sp__svc_free(svc);
                return;
            }
            s->kept = k;
            s->cap_kept = cap;
        }
        s->kept[s->n_kept++] = svc;
    } else {
        sp__svc_free(svc);
    }
}

static void write_journal_line(sp_scan *s, char *line)
{
    sp__journal_raw(&s->journal, line);
    free(line);
}

static void out_work(void *ctx, void *item, int flag)
{
    sp_scan *s = ctx;
    switch (flag) {
    case SP__ITEM_JOURNAL_LINE:
        write_journal_line(s, item);
        break;
    case SP__ITEM_REPLY:
        sp__records_on_reply(s, item);
        break;
    case SP__ITEM_DELIVER_SLOT: {
        sp__svc *svc = sp__records_take(s, (uint32_t)(uintptr_t)item);
        if (svc)
            finish_service(s, svc, 0);
        break;
    }
    case SP__ITEM_JOURNAL_SLOT: {
        char *line = sp__records_journal_line(s, (uint32_t)(uintptr_t)item);
        if (line)
            write_journal_line(s, line);
        break;
    }
    default:
        finish_service(s, item, flag);
    }
}

void sp__deliver_journal_line(sp_scan *s, char *line)
{
    if (s->out.running)
        sp__outthread_push(&s->out, line, SP__ITEM_JOURNAL_LINE);
    else
        write_journal_line(s, line);
}

/* While idle, the output thread pushes out what the streams have buffered. */
static void flush_streams(void *ctx)
{
    sp_scan *s = ctx;
    for (size_t i = 0; i < s->n_writers; i++)
        if (s->writers[i]->type->streaming)
            fflush(s->writers[i]->fp);
}

int sp__deliver_start_thread(sp_scan *s)
{
    if (s->hooks.service_fn)
        return -1;
    return sp__outthread_start(&s->out, out_work, flush_streams, s);
}

void sp__deliver(sp_scan *s, sp__svc *svc, int classified)
{
    svc->emitted = 1;
    s->summary.services++;
    if (s->out.running)
        sp__outthread_push(&s->out, svc, classified);
    else
        finish_service(s, svc, classified);
}

void sp__deliver_entry(sp_scan *s, sp__entry *e, int classified)
{
    sp__svc *svc = e->svc;
    e->svc = NULL;
    sp__deliver(s, svc, classified);
}
