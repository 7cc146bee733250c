#include "audit/audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void next_extension(sp__audit_host *h);

int sp__audit_host_init(sp__audit_host *h, const sp__strv *exts, const sp__passlist *file,
                        unsigned max_attempts)
{
    memset(h, 0, sizeof(*h));
    for (size_t i = 0; i < exts->n; i++)
        if (sp__strv_push(&h->exts, exts->v[i], strlen(exts->v[i])) != 0)
            return -1;
    h->file = file;
    h->max_attempts = max_attempts;
    h->cur_ext = (size_t)-1;
    h->next = SP__AUDIT_SEND_PLAIN;
    next_extension(h); /* the first one (or done at once without any) */
    return 0;
}

void sp__audit_host_free(sp__audit_host *h)
{
    sp__strv_free(&h->exts);
    free(h->found);
    memset(h, 0, sizeof(*h));
}

const char *sp__audit_ext(const sp__audit_host *h)
{
    return h->cur_ext < h->exts.n ? h->exts.v[h->cur_ext] : "";
}

/* The next candidate of the current extension, within --max-attempts. */
static int load_candidate(sp__audit_host *h)
{
    if (h->max_attempts && h->ext_attempts >= h->max_attempts)
        return 0;
    h->stale_retries = 0;
    return sp__candidates_next(&h->cand, &h->pos, h->password, sizeof(h->password), h->kind,
                               sizeof(h->kind));
}

/* On to the next extension with a fresh challenge (a nonce may be bound to
 * the user it was given for). */
static void next_extension(sp__audit_host *h)
{
    for (;;) {
        h->cur_ext++;
        if (h->cur_ext >= h->exts.n) {
            h->next = SP__AUDIT_DONE;
            return;
        }
        sp__candidates_init(&h->cand, h->exts.v[h->cur_ext], h->file);
        h->pos = 0;
        h->ext_attempts = 0;
        h->have_ch = 0;
        h->next = SP__AUDIT_SEND_PLAIN;
        if (load_candidate(h))
            return;
        h->exts_done++; /* no candidates at all (--max-attempts 0 is refused earlier) */
    }
}

static void end_extension(sp__audit_host *h)
{
    h->exts_done++;
    next_extension(h);
}

/* Ends the host's audit: it refused (protection) or cannot be audited. */
static void stop_host(sp__audit_host *h, int protection, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void stop_host(sp__audit_host *h, int protection, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (protection) {
        h->protection = 1;
        vsnprintf(h->protection_how, sizeof(h->protection_how), fmt, ap);
    } else {
        vsnprintf(h->note, sizeof(h->note), fmt, ap);
    }
    va_end(ap);
    h->next = SP__AUDIT_DONE;
}

static void record_found(sp__audit_host *h)
{
    sp__audit_found *v = realloc(h->found, (h->n_found + 1) * sizeof(*v));
    if (!v)
        return;
    h->found = v;
    sp__audit_found *f = &v[h->n_found++];
    memset(f, 0, sizeof(*f));
    snprintf(f->ext, sizeof(f->ext), "%s", sp__audit_ext(h));
    snprintf(f->kind, sizeof(f->kind), "%s", h->kind);
    snprintf(f->password, sizeof(f->password), "%s", h->password);
    snprintf(f->algorithm, sizeof(f->algorithm), "%s",
             h->ch.algorithm[0] ? h->ch.algorithm : "MD5");
}

/* A wrong password: note how it was answered, then the next candidate. */
static void wrong_attempt(sp__audit_host *h, const sp__challenge *ch, double rtt_ms)
{
    h->wrong++;
    if (ch) {
        char kind[200];
        sp__challenge_kind(ch, kind, sizeof(kind));
        if (!h->first_kind[0])
            snprintf(h->first_kind, sizeof(h->first_kind), "%s", kind);
        else if (strcmp(kind, h->first_kind) != 0)
            h->kind_changed = 1;
    }
    if (h->n_rtt < 5)
        h->rtt_first[h->n_rtt] = rtt_ms;
    h->rtt_last[h->n_rtt % 5] = rtt_ms;
    h->n_rtt++;
    if (!load_candidate(h)) {
        end_extension(h);
        return;
    }
    h->next = h->have_ch && !h->wrong_is_403 ? SP__AUDIT_SEND_AUTH : SP__AUDIT_SEND_PLAIN;
}

static void take_challenge(sp__audit_host *h, const sp__challenge *ch)
{
    if (!h->have_ch || strcmp(ch->nonce, h->ch.nonce) != 0)
        h->nc = 0; /* nc counts uses of one nonce */
    h->ch = *ch;
    h->have_ch = 1;
}

static void answer_plain(sp__audit_host *h, int status, const sp__challenge *ch)
{
    if ((status == 401 || status == 407) && ch) {
        take_challenge(h, ch);
        h->next = SP__AUDIT_SEND_AUTH;
    } else if (status == 401 || status == 407) {
        stop_host(h, 0, "its %d challenge uses a scheme or algorithm sipprobe cannot answer",
                  status);
    } else if (status >= 200 && status < 300) {
        h->exts_open++; /* no password needed: register-without-auth says so */
        end_extension(h);
    } else if (status == 429 || status == 503 || (status == 403 && h->wrong > 0)) {
        stop_host(h, 1, "it answered %d to a REGISTER without credentials after %u wrong attempts",
                  status, h->wrong);
    } else if (status == 404) {
        h->exts_unknown++;
        end_extension(h);
    } else {
        end_extension(h); /* 403 for this user, 405, ...: nothing to guess here */
    }
}

static void answer_auth(sp__audit_host *h, int status, const sp__challenge *ch, double rtt_ms)
{
    h->attempts++;
    h->ext_attempts++;
    if (status >= 200 && status < 300) {
        record_found(h);
        end_extension(h);
    } else if ((status == 401 || status == 407) && ch) {
        if (ch->stale && h->stale_retries < 2) {
            /* The nonce expired, not the password: the same one again. */
            h->attempts--;
            h->ext_attempts--;
            h->stale_retries++;
            take_challenge(h, ch);
            h->next = SP__AUDIT_SEND_AUTH;
            return;
        }
        take_challenge(h, ch);
        h->wrong_seen_401 = 1;
        wrong_attempt(h, ch, rtt_ms);
    } else if (status == 401 || status == 407) {
        stop_host(h, 0, "its %d challenge changed to one sipprobe cannot answer", status);
    } else if (status == 403 && !h->wrong_seen_401) {
        /* Some servers (Asterisk's chan_sip among them) answer every wrong
         * password with 403; each attempt then needs a new challenge. */
        h->wrong_is_403 = 1;
        wrong_attempt(h, NULL, rtt_ms);
    } else if (status == 403 || status == 429 || status == 503) {
        h->attempts--;
        stop_host(h, 1, "it answered %d after %u wrong attempts", status, h->wrong);
    } else if (status == 404) {
        h->exts_unknown++;
        end_extension(h);
    } else {
        end_extension(h);
    }
}

void sp__audit_answer(sp__audit_host *h, int status, const sp__challenge *ch, double rtt_ms)
{
    if (status < 200 || h->next == SP__AUDIT_DONE)
        return;
    if (h->last_auth)
        answer_auth(h, status, ch, rtt_ms);
    else
        answer_plain(h, status, ch);
}

void sp__audit_silence(sp__audit_host *h)
{
    if (h->wrong > 0)
        stop_host(h, 1, "it stopped answering after %u wrong attempts", h->wrong);
    else
        stop_host(h, 0, "it did not answer a REGISTER for extension %s", sp__audit_ext(h));
}

void sp__audit_abort(sp__audit_host *h, const char *why)
{
    if (h->next != SP__AUDIT_DONE)
        snprintf(h->note, sizeof(h->note), "%s", why);
    h->next = SP__AUDIT_DONE;
}

static double median5(const double *v, uint32_t n)
{
    double s[5];
    uint32_t k = n < 5 ? n : 5;
    memcpy(s, v, k * sizeof(double));
    for (uint32_t i = 1; i < k; i++)
        for (uint32_t j = i; j > 0 && s[j - 1] > s[j]; j--) {
            double t = s[j];
            s[j] = s[j - 1];
            s[j - 1] = t;
        }
    return k ? s[k / 2] : 0;
}

int sp__audit_unprotected(const sp__audit_host *h, char *evidence, size_t cap)
{
    if (h->protection || h->wrong < SP__AUDIT_NO_PROTECTION_MIN || h->kind_changed)
        return 0;
    double first = median5(h->rtt_first, h->n_rtt), last = median5(h->rtt_last, h->n_rtt);
    /* A server that tarpits guessers answers ever later. */
    if (last > 3 * first + 100)
        return 0;
    snprintf(evidence, cap,
             "%u wrong passwords were answered %s with the same challenge (%s); median answer "
             "time %.1f ms for the first five, %.1f ms for the last five",
             h->wrong, h->wrong_is_403 ? "with 403" : "with 401/407",
             h->first_kind[0] ? h->first_kind : "none", first, last);
    return 1;
}
