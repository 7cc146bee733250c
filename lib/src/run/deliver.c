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

void sp__deliver_classify(sp_scan *s, sp__svc *svc)
{
    sp__dns_lookup(&s->set.targets.dns, &svc->host, svc->port, svc->transport, &svc->dns,
                   &svc->dns_leaks);
    sp__classify_finish(svc, &s->fpdb, &s->vulns);
}

/* A classified service's marks and counts: observation, baseline, accepted
 * findings, what fails --fail-on; then the caller's callback. */
static void account(sp_scan *s, sp__svc *svc)
{
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
}

/* The service's JSON line to the journal (journal: unless it came from
 * there) and the streaming writers. */
static void write_line(sp_scan *s, const char *line, int journal)
{
    if (journal)
        sp__journal_service(&s->journal, line);
    for (size_t i = 0; i < s->n_writers; i++) {
        sp__writer *w = s->writers[i];
        if (w->type->streaming)
            w->type->service_line(w, line);
    }
}

/* Hands a classified service to everyone: its marks and counts, the
 * callback, the journal and the streaming writers (one JSON line for all),
 * and the list the document writers get at the end. Runs on one thread at
 * a time: the record thread during discovery, else the output thread when
 * there is one (never with a service callback), else the scan thread. With
 * `to`, the line is written there (the output thread), not here. */
void sp__deliver_hand_out(sp_scan *s, sp__svc *svc, int from_journal, sp__outthread *to)
{
    account(s, svc);
    int streaming = 0;
    for (size_t i = 0; i < s->n_writers; i++)
        streaming |= s->writers[i]->type->streaming;
    int journal = s->journal.fp && !from_journal;
    char *line = journal || streaming ? sp__service_line(&svc->pub) : NULL;
    if (line && to)
        sp__outthread_push_copy(to, journal ? SP__ITEM_LINE_JOURNALED : SP__ITEM_LINE, line,
                                strlen(line) + 1, NULL, 0);
    else if (line)
        write_line(s, line, journal);
    else if (streaming || journal) /* out of memory: the writers make their own */
        for (size_t i = 0; i < s->n_writers; i++)
            if (s->writers[i]->type->streaming)
                s->writers[i]->type->service(s->writers[i], &svc->pub);
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
    if (sp__records_work(s, item, flag, NULL)) /* replies, with one core */
        return;
    switch (flag) {
    case SP__ITEM_JOURNAL_LINE:
        write_journal_line(s, item);
        break;
    case SP__ITEM_LINE:
    case SP__ITEM_LINE_JOURNALED:
        write_line(s, item, flag == SP__ITEM_LINE_JOURNALED);
        break;
    case SP__ITEM_SERVICE:
        sp__deliver_classify(s, item);
        sp__deliver_hand_out(s, item, 0, NULL);
        break;
    default: /* SP__ITEM_CLASSIFIED: read back from the journal */
        sp__deliver_hand_out(s, item, 1, NULL);
    }
}

void sp__deliver_journal_line(sp_scan *s, char *line)
{
    sp__outthread *q = sp__records_queue(s);
    if (q)
        sp__outthread_push(q, line, SP__ITEM_JOURNAL_LINE);
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
    sp__outthread *q = sp__records_queue(s);
    if (q) {
        sp__outthread_push(q, svc, classified ? SP__ITEM_CLASSIFIED : SP__ITEM_SERVICE);
        return;
    }
    if (!classified)
        sp__deliver_classify(s, svc);
    sp__deliver_hand_out(s, svc, classified, NULL);
}

void sp__deliver_entry(sp_scan *s, sp__entry *e, int classified)
{
    sp__svc *svc = e->svc;
    e->svc = NULL;
    sp__deliver(s, svc, classified);
}
