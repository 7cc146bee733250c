#include "engine/record.h"

#include "api/scan.h"
#include "classify/classify.h"
#include "output/service_json.h"
#include "run/deliver.h"
#include "sip/sipmsg.h"

#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sp__reply_status(const char *buf, size_t len)
{
    if (len < 12 || memcmp(buf, "SIP/2.0 ", 8) != 0)
        return 0;
    int code = 0;
    for (int i = 8; i < 11; i++) {
        if (buf[i] < '0' || buf[i] > '9')
            return 0;
        code = code * 10 + (buf[i] - '0');
    }
    if (buf[11] != ' ' && buf[11] != '\r' && buf[11] != '\n')
        return 0;
    return code >= 100 && code <= 699 ? code : 0;
}

int sp__record_reply(sp_scan *s, sp__svc *svc, const sp__reply_rec *r, const char *buf)
{
    sp__parsed msg;
    if (sp__sipmsg_parse(buf, r->len, &msg) != 0 || msg.status < 100 || msg.status > 699) {
        sp__parsed_free(&msg);
        return -1;
    }
    sp__svc_set_responder(svc, &r->from, r->from_port);
    if (r->ws_path && !svc->has_ws)
        sp__svc_set_websocket(svc, r->ws_path, r->ws_status, r->ws_server);
    /* A To URI the server should echo as sent, for ALG evidence. */
    char sent_to[128], host[64];
    sp__addr_format(&r->id.addr, host, sizeof(host));
    snprintf(sent_to, sizeof(sent_to), r->id.addr.family == 6 ? "sip:%s@[%s]" : "sip:%s@%s",
             s->set.to_user, host);
    sp__classify_echo(svc, sent_to, &msg);
    /* The probe's size matters for amplification, a UDP concern; built
     * again here (the templates and key stay fixed while replies come). */
    char probe[SP__PROBE_MAX];
    size_t req_len = r->transport == SP_TRANSPORT_UDP
                         ? sp__engine_build_probe(s, &r->id, NULL, probe, sizeof(probe))
                         : 0;
    int added = sp__classify_reply(svc, r->id.probe, sp__probe_get(r->id.probe)->name, &msg,
                                   r->rtt_ms, r->len, req_len);
    sp__parsed_free(&msg);
    return added;
}

/* ---- the scan thread ---- */

static void record_work(void *ctx, void *item, int flag);
static void record_idle(void *ctx)
{
    (void)ctx;
}

/* Cores this process may run on. */
static int usable_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

void sp__records_start(sp_scan *s)
{
    sp__records *rc = &s->run.rec;
    sp__records_free(s); /* a handle's earlier scan */
    pthread_mutex_init(&rc->notes_mu, NULL);
    rc->next_slot = 1; /* 0: a row without a record on the output thread */
    /* With a service callback there is no output thread: callbacks stay
     * on the caller's thread, and so does the work. */
    rc->on = s->out.running;
    /* A second core takes the parse and the fingerprints; the output thread
     * keeps the JSON lines and the writing. */
    if (rc->on && usable_cores() > 1 &&
        sp__outthread_start(&rc->thread, record_work, record_idle, s) != 0)
        sp__log(s, 1, "no record thread; replies are parsed on the output thread");
}

sp__outthread *sp__records_queue(sp_scan *s)
{
    if (s->run.rec.thread.running)
        return &s->run.rec.thread;
    return s->out.running ? &s->out : NULL;
}

static uint32_t new_slot(sp__records *rc)
{
    if (rc->n_free)
        return rc->free_slots[--rc->n_free];
    return rc->next_slot++;
}

void sp__records_push(sp_scan *s, sp__entry *e, sp__reply_rec *r, const char *buf)
{
    if (!e->slot)
        e->slot = new_slot(&s->run.rec);
    r->slot = e->slot;
    sp__outthread_push_copy(sp__records_queue(s), SP__ITEM_REPLY, r, sizeof(*r), buf, r->len);
}

void sp__records_deliver(sp_scan *s, sp__entry *e)
{
    sp__records *rc = &s->run.rec;
    sp__outthread_push(sp__records_queue(s), (void *)(uintptr_t)e->slot, SP__ITEM_DELIVER_SLOT);
    s->summary.services++;
    /* The number is free again: items are worked in order, so the next
     * service to get it cannot be mixed up with this one. */
    if (rc->n_free == rc->cap_free) {
        uint32_t cap = rc->cap_free ? rc->cap_free * 2 : 1024;
        uint32_t *v = realloc(rc->free_slots, cap * sizeof(*v));
        if (v) {
            rc->free_slots = v;
            rc->cap_free = cap;
        }
    }
    if (rc->n_free < rc->cap_free)
        rc->free_slots[rc->n_free++] = e->slot;
    e->slot = 0;
}

void sp__records_journal(sp_scan *s, sp__entry *e)
{
    sp__outthread_push(sp__records_queue(s), (void *)(uintptr_t)e->slot, SP__ITEM_JOURNAL_SLOT);
}

void sp__records_flush_notes(sp_scan *s)
{
    sp__records *rc = &s->run.rec;
    char notes[SP__REC_NOTES][160];
    unsigned n, lost;
    pthread_mutex_lock(&rc->notes_mu);
    n = rc->n_notes;
    lost = rc->notes_lost;
    memcpy(notes, rc->notes, sizeof(notes[0]) * n);
    __atomic_store_n(&rc->n_notes, 0, __ATOMIC_RELAXED);
    rc->notes_lost = 0;
    pthread_mutex_unlock(&rc->notes_mu);
    for (unsigned i = 0; i < n; i++)
        sp__log(s, 1, "%s", notes[i]);
    if (lost)
        sp__log(s, 1, "... and %u more such notes", lost);
}

void sp__records_sync(sp_scan *s)
{
    sp__records *rc = &s->run.rec;
    if (!rc->on)
        return;
    rc->on = 0;
    /* The record thread ends once it has worked off its queue (and passed
     * on what it made); without one, the output thread waits idle for the
     * next item. Either way the records are ours now. */
    if (rc->thread.running) {
        sp__outthread_stop(&rc->thread);
        if (rc->thread.full_waits)
            sp__log(
                s, 1, "the record thread fell behind %llu times (receiving waited %.0f ms in all)",
                (unsigned long long)rc->thread.full_waits, (double)rc->thread.full_wait_ns / 1e6);
    } else {
        sp__outthread_sync(&s->out);
    }
    for (size_t i = 0; i < s->run.table.cap; i++) {
        sp__entry *e = &s->run.table.v[i];
        if (!e->slot)
            continue;
        sp__svc *svc = e->slot < rc->cap_slots ? rc->slots[e->slot] : NULL;
        if (svc && !svc->n_replies) {
            sp__svc_free(svc); /* only replies it could not read */
            svc = NULL;
        }
        e->svc = svc;
        e->slot = 0;
    }
    s->summary.replies -= rc->unparsed;
    s->summary.bad_replies += rc->unparsed;
    s->summary.services -= rc->empty;
    free(rc->slots);
    free(rc->free_slots);
    rc->slots = NULL;
    rc->free_slots = NULL;
    rc->cap_slots = rc->n_free = rc->cap_free = 0;
    sp__records_flush_notes(s);
}

void sp__records_free(sp_scan *s)
{
    sp__records *rc = &s->run.rec;
    sp__outthread_stop(&rc->thread);
    for (uint32_t i = 0; i < rc->cap_slots; i++)
        sp__svc_free(rc->slots[i]);
    free(rc->slots);
    free(rc->free_slots);
    if (rc->next_slot)
        pthread_mutex_destroy(&rc->notes_mu);
    memset(rc, 0, sizeof(*rc));
}

/* ---- the record thread, or the output thread ---- */

static void note(sp__records *rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(sp__records *rc, const char *fmt, ...)
{
    pthread_mutex_lock(&rc->notes_mu);
    if (rc->n_notes < SP__REC_NOTES) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(rc->notes[rc->n_notes], sizeof(rc->notes[0]), fmt, ap);
        va_end(ap);
        __atomic_store_n(&rc->n_notes, rc->n_notes + 1, __ATOMIC_RELAXED); /* read unlocked */
    } else {
        rc->notes_lost++;
    }
    pthread_mutex_unlock(&rc->notes_mu);
}

/* The slot's record, made on its first reply. */
static sp__svc *slot_record(sp__records *rc, const sp__reply_rec *r)
{
    if (r->slot >= rc->cap_slots) {
        uint32_t cap = rc->cap_slots ? rc->cap_slots : 1024;
        while (cap <= r->slot)
            cap *= 2;
        sp__svc **v = realloc(rc->slots, cap * sizeof(*v));
        if (!v)
            return NULL;
        memset(v + rc->cap_slots, 0, (cap - rc->cap_slots) * sizeof(*v));
        rc->slots = v;
        rc->cap_slots = cap;
    }
    if (!rc->slots[r->slot])
        rc->slots[r->slot] = sp__svc_new(&r->id.addr, r->id.port, r->id.transport);
    return rc->slots[r->slot];
}

void sp__records_on_reply(sp_scan *s, const sp__reply_rec *r)
{
    sp__records *rc = &s->run.rec;
    sp__tls_cert *tls = r->tls;
    sp__svc *svc = slot_record(rc, r);
    if (!svc) {
        rc->unparsed++;
        note(rc, "out of memory: a reply's record was lost");
    } else if (sp__record_reply(s, svc, r, (const char *)(r + 1)) < 0) {
        char from[80];
        sp__addr_format_port(&r->from, r->from_port, from, sizeof(from));
        rc->unparsed++;
        note(rc, "unparseable SIP reply from %s (%zu bytes) ignored", from, r->len);
    } else if (tls && !svc->tls) {
        svc->tls = tls;
        tls = NULL;
    }
    sp__tls_cert_free(tls);
    free(r->ws_path);
    free(r->ws_server);
}

sp__svc *sp__records_take(sp_scan *s, uint32_t slot)
{
    sp__records *rc = &s->run.rec;
    sp__svc *svc = slot < rc->cap_slots ? rc->slots[slot] : NULL;
    if (svc)
        rc->slots[slot] = NULL;
    if (svc && !svc->n_replies) {
        sp__svc_free(svc);
        svc = NULL;
    }
    if (!svc)
        rc->empty++;
    return svc;
}

char *sp__records_journal_line(sp_scan *s, uint32_t slot)
{
    sp__records *rc = &s->run.rec;
    sp__svc *svc = slot < rc->cap_slots ? rc->slots[slot] : NULL;
    if (!svc || !svc->n_replies)
        return NULL;
    sp__svc_publish(svc); /* classified when it is finished, not here */
    char *line = sp__service_line(&svc->pub);
    char *text = line ? sp__journal_service_text(line) : NULL;
    free(line);
    return text;
}

int sp__records_work(sp_scan *s, void *item, int flag, sp__outthread *to)
{
    switch (flag) {
    case SP__ITEM_REPLY:
        sp__records_on_reply(s, item);
        return 1;
    case SP__ITEM_DELIVER_SLOT: {
        sp__svc *svc = sp__records_take(s, (uint32_t)(uintptr_t)item);
        if (svc) {
            sp__deliver_classify(s, svc);
            sp__deliver_hand_out(s, svc, 0, to);
        }
        return 1;
    }
    case SP__ITEM_JOURNAL_SLOT: {
        char *line = sp__records_journal_line(s, (uint32_t)(uintptr_t)item);
        if (line && to) {
            sp__outthread_push(to, line, SP__ITEM_JOURNAL_LINE);
        } else if (line) {
            sp__journal_raw(&s->journal, line);
            free(line);
        }
        return 1;
    }
    default:
        return 0;
    }
}

/* The record thread's work: the items above, and what the scan thread
 * queued meanwhile (it comes this way so that nothing overtakes a service
 * here): services classified and handed out here, journal lines passed on. */
static void record_work(void *ctx, void *item, int flag)
{
    sp_scan *s = ctx;
    if (sp__records_work(s, item, flag, &s->out))
        return;
    if (flag == SP__ITEM_SERVICE) {
        sp__deliver_classify(s, item);
        sp__deliver_hand_out(s, item, 0, &s->out);
    } else if (flag == SP__ITEM_CLASSIFIED) { /* read back from the journal */
        sp__deliver_hand_out(s, item, 1, &s->out);
    } else {
        sp__outthread_push(&s->out, item, flag);
    }
}
