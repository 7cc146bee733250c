/* The extension enumeration phase, after discovery: a REGISTER for a
 * surely non-existent user to every service, then one per extension,
 * interleaved across services and paced by the rate, with an early stop
 * per service that goes silent or refuses. What the answers mean is
 * decided in classify/enumerate.c. */
#include "api/scan.h"

#include "classify/classify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per-service early stop: a server that goes silent or refuses everything
 * (as rate limits and IPSs do) is left alone, with a note why. */
static int enum_should_stop(sp__enum *en, uint64_t now, uint64_t started)
{
    uint64_t last = en->last_reply_ns ? en->last_reply_ns : started;
    if (en->refusals_in_row >= 16) {
        snprintf(en->note, sizeof(en->note),
                 "stopped after %u probes: the server answered 429/503 %u times in a row "
                 "(rate limiting or an IPS?)",
                 en->sent, en->refusals_in_row);
        return 1;
    }
    if (en->sent >= 20 && en->replies + 16 <= en->sent && now - last > 2000000000ull) {
        snprintf(en->note, sizeof(en->note),
                 "stopped after %u probes: the server stopped answering "
                 "(rate limiting or an IPS?)",
                 en->sent);
        return 1;
    }
    return 0;
}

/* After discovery: a baseline REGISTER for a surely non-existent user to
 * every service, then one per extension, interleaved across services and
 * paced by the rate; silent ones are retried. */
/* The enumeration REGISTER of one extension (or the baseline user) to a service. */
static sp__probe_id register_for(const sp__svc *svc, int probe, unsigned attempt, uint32_t ext)
{
    sp__probe_id id;
    memset(&id, 0, sizeof(id));
    id.addr = svc->host;
    id.port = svc->port;
    id.transport = svc->transport;
    id.probe = (uint8_t)probe;
    id.attempt = (uint8_t)attempt;
    id.ext = ext;
    return id;
}

int sp__engine_enumerate(sp_scan *s)
{
    sp__sender *snd = s->run.snd;
    size_t n = 0;
    /* Service records, not table entries: a late reply to discovery may still
     * grow (and move) the table during this phase. */
    sp__svc **list = malloc((s->run.table.used ? s->run.table.used : 1) * sizeof(*list));
    if (!list)
        return sp__fail(s, SP_ENOMEM, "out of memory");
    for (size_t i = 0; i < s->run.table.cap; i++) {
        sp__entry *e = &s->run.table.v[i];
        if (!e->svc || e->svc->en)
            continue;
        e->svc->en = sp__enum_new((uint32_t)s->set.exts.count);
        if (!e->svc->en)
            continue;
        snprintf(e->svc->en->baseline_user, sizeof(e->svc->en->baseline_user), "%s",
                 s->run.baseline_user);
        list[n++] = e->svc;
    }
    if (n == 0) {
        free(list);
        return SP_OK;
    }
    sp__log(s, 1, "enumerating %llu extensions on %zu service(s)",
            (unsigned long long)s->set.exts.count, n);
    s->run.enumerating = 1;
    s->run.enum_done = 0;
    s->run.enum_expected = n;
    sp_code rc = SP_OK;
    int probe = sp__probe_find("REGISTER");
    uint64_t started = sp__now_ns();
    sp__sender_init(s, snd);

    for (size_t j = 0; j < n && !rc && !s->stop; j++) {
        sp__probe_id id = register_for(list[j], probe, 0, SP__EXT_BASELINE);
        rc = sp__sender_push(s, snd, &id, NULL);
    }
    if (!rc && sp__sender_flush(s, snd) < 0)
        rc = SP_ESOCKET;
    if (!rc)
        sp__engine_wait(s, 0, 1);

    s->run.enum_expected += n * s->set.exts.count;
    for (unsigned round = 0; round <= s->set.retries && !rc && !s->stop; round++) {
        if (round > 0)
            sp__engine_wait(s, 0, 1);
        if (sp__engine_all_answered(s))
            break;
        for (uint64_t i = 0; i < s->set.exts.count && !rc && !s->stop; i++) {
            for (size_t j = 0; j < n && !rc && !s->stop; j++) {
                sp__enum *en = list[j]->en;
                if (en->stopped || en->answer[i])
                    continue;
                if (enum_should_stop(en, sp__now_ns(), started)) {
                    en->stopped = 1;
                    /* What it will never answer is no longer expected. */
                    uint32_t answered = en->replies - (en->baseline ? 1 : 0);
                    s->run.enum_expected -= en->n - answered;
                    continue;
                }
                sp__probe_id id = register_for(list[j], probe, round, (uint32_t)i + 1);
                en->sent++;
                rc = sp__sender_push(s, snd, &id, NULL);
            }
        }
        if (!rc && sp__sender_flush(s, snd) < 0)
            rc = SP_ESOCKET;
    }
    if (!rc)
        sp__engine_wait(s, 1, 2);
    for (size_t j = 0; j < n; j++)
        sp__svc_finish_enumeration(list[j], &s->set.exts);
    s->run.enumerating = 0;
    free(list);
    return rc;
}
