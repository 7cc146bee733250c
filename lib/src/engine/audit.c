/* The password audit phase, after enumeration: for each UDP service, the
 * extensions to audit (those enumeration found there, else every one given)
 * get REGISTERs with Expires: 0 (no binding is ever made) and digest
 * credentials for each candidate, paced per host by --audit-rate. Each host
 * has one request in flight at a time, retransmitted on RFC 3261's timer A
 * schedule (0.5, 1, 2 s) before it counts as silence. What the answers
 * mean is decided in audit/audit.c; here are sockets, clocks and records. */
#include "api/scan.h"

#include "audit/audit.h"
#include "probe/active.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Extensions one host is audited on, at most. */
#define MAX_AUDIT_EXTENSIONS 10000

typedef struct audit_host {
    sp__svc *svc;
    sp__audit_host a;
    int waiting;
    uint8_t seq;
    unsigned tries;
    uint64_t sent_ns, deadline_ns, next_attempt_ns;
    uint32_t cseq;
    char req[SP__ACTIVE_MAX];
    size_t req_len;
} audit_host;

typedef struct sp__audit_run {
    audit_host *hosts;
    size_t n;
} sp__audit_run;

static const uint64_t T1_NS = 500000000ull;

/* The extensions to audit on a service. */
static int audit_extensions(sp_scan *s, const sp__svc *svc, sp__strv *out)
{
    if (svc->has_enum && svc->en_pub.possible && svc->en_found.n) {
        for (size_t i = 0; i < svc->en_found.n; i++)
            if (sp__strv_push(out, svc->en_found.v[i], strlen(svc->en_found.v[i])) != 0)
                return -1;
        return 0;
    }
    uint64_t n = s->set.exts.count;
    if (n > MAX_AUDIT_EXTENSIONS) {
        sp__log(s, 0,
                "password audit: %s:%u gives no sign which of %llu extensions exist; "
                "auditing the first %d",
                svc->host_s, svc->port, (unsigned long long)n, MAX_AUDIT_EXTENSIONS);
        n = MAX_AUDIT_EXTENSIONS;
    }
    for (uint64_t i = 0; i < n; i++) {
        char ext[80];
        sp__extlist_get(&s->set.exts, i, ext, sizeof(ext));
        if (sp__strv_push(out, ext, strlen(ext)) != 0)
            return -1;
    }
    return 0;
}

/* Builds and sends the host's next request. */
static int send_next(sp_scan *s, audit_host *h, size_t index, uint64_t now)
{
    const char *ext = sp__audit_ext(&h->a);
    int auth = h->a.next == SP__AUDIT_SEND_AUTH;
    char call_id[SP__TOKEN_MAX], branch[32], tag[17], uri[128], host[80], value[2048];
    h->seq++;
    sp__active_token(s, h->svc, SP__PROBE_AUDIT, (uint32_t)index, h->seq, call_id, sizeof(call_id),
                     branch, tag);
    sp__active_target(h->svc, uri, sizeof(uri), host, sizeof(host));
    sp__active_req r = {
        .method = "REGISTER",
        .request_uri = uri,
        .transport = "UDP",
        .local = s->run.local[h->svc->host.family == 6],
        .branch = branch,
        .from_user = ext,
        .from_tag = tag,
        .to_user = ext,
        .host = host,
        .call_id = call_id,
        .cseq = ++h->cseq,
        .contact = 1,
        .expires = "0",
        .user_agent = s->set.user_agent,
    };
    if (auth) {
        /* A cnonce of our own per attempt; it only has to differ. */
        char cnonce[17];
        memcpy(cnonce, tag, sizeof(cnonce));
        if (!sp__authorization_build(&h->a.ch, ext, h->a.password, "REGISTER", uri, cnonce,
                                     ++h->a.nc, value, sizeof(value))) {
            sp__audit_abort(&h->a, "a credential did not fit in a request");
            return SP_OK;
        }
        r.auth_name = h->a.ch.proxy ? "Proxy-Authorization" : "Authorization";
        r.auth_value = value;
    }
    h->req_len = sp__active_build(&r, h->req, sizeof(h->req));
    if (!h->req_len) {
        sp__audit_abort(&h->a, "libosip2 refused the request for this extension");
        return SP_OK;
    }
    h->a.last_auth = auth;
    h->waiting = 1;
    h->tries = 0;
    h->sent_ns = now;
    h->deadline_ns = now + T1_NS;
    if (auth)
        h->next_attempt_ns = now + 1000000000ull / s->set.audit_rate;
    return sp__active_send(s, h->svc, h->req, h->req_len);
}

/* A request unanswered at its deadline: sent again, or silence. */
static int on_deadline(sp_scan *s, audit_host *h, uint64_t now)
{
    if (h->tries < 2) {
        h->tries++;
        h->deadline_ns = now + (T1_NS << h->tries);
        return sp__active_send(s, h->svc, h->req, h->req_len);
    }
    h->waiting = 0;
    sp__audit_silence(&h->a);
    return SP_OK;
}

void sp__engine_audit_reply(sp_scan *s, const sp__udp_in *in, const sp__probe_id *id)
{
    sp__audit_run *run = s->run.audit;
    if (!run || id->ext == 0 || id->ext > run->n)
        return; /* late: the phase is over */
    audit_host *h = &run->hosts[id->ext - 1];
    if (!h->waiting || id->attempt != h->seq)
        return; /* an answer to an earlier request, or a retransmitted answer */
    int status = 0;
    if (in->len >= 12)
        status = atoi(in->buf + 8);
    if (status < 100 || status > 699) {
        s->summary.bad_replies++;
        return;
    }
    s->summary.replies++;
    uint64_t now = sp__now_ns();
    if (status < 200) {
        /* Alive and working on it: no more retransmissions, a longer wait. */
        h->tries = 2;
        h->deadline_ns = now + 4 * T1_NS;
        return;
    }
    sp__challenge ch;
    int have =
        (status == 401 || status == 407) && sp__challenge_from_response(in->buf, in->len, &ch) == 0;
    h->waiting = 0;
    sp__audit_answer(&h->a, status, have ? &ch : NULL, (double)(now - h->sent_ns) / 1e6);
}

/* The hosts' verdicts into their service records. */
static void record_results(sp_scan *s, sp__audit_run *run)
{
    for (size_t i = 0; i < run->n; i++) {
        audit_host *h = &run->hosts[i];
        sp__svc *svc = h->svc;
        sp__svc_audit *a = sp__svc_audit_get(svc);
        if (!a)
            continue;
        a->pub.passwords_audited = 1;
        a->pub.extensions = (uint32_t)h->a.exts.n;
        a->pub.attempts = h->a.attempts;
        a->pub.protection = h->a.protection;
        for (size_t k = 0; k < h->a.n_found; k++) {
            const sp__audit_found *f = &h->a.found[k];
            sp__svc_audit_add_weak(svc, f->ext, f->kind, f->algorithm,
                                   s->set.show_passwords ? f->password : NULL);
        }
        if (h->a.protection)
            snprintf(a->protection_note, sizeof(a->protection_note), "%s", h->a.protection_how);
        if (!sp__audit_unprotected(&h->a, a->unprotected, sizeof(a->unprotected)))
            a->unprotected[0] = '\0';
        snprintf(a->note, sizeof(a->note), "%s", h->a.note);
        /* The found passwords leave the audit state now; none stays in memory
         * longer than needed. */
        if (h->a.found)
            memset(h->a.found, 0, h->a.n_found * sizeof(*h->a.found));
        memset(h->a.password, 0, sizeof(h->a.password));
    }
}

int sp__engine_audit(sp_scan *s)
{
    sp__audit_run run = {NULL, 0};
    run.hosts = calloc(s->run.table.used ? s->run.table.used : 1, sizeof(*run.hosts));
    if (!run.hosts)
        return sp__fail(s, SP_ENOMEM, "out of memory");
    size_t skipped = 0, exts = 0;
    for (size_t i = 0; i < s->run.table.cap; i++) {
        sp__entry *e = &s->run.table.v[i];
        if (!e->svc)
            continue;
        if (e->transport != SP_TRANSPORT_UDP) {
            skipped++;
            continue;
        }
        sp__strv list = {0};
        audit_host *h = &run.hosts[run.n];
        if (audit_extensions(s, e->svc, &list) != 0 ||
            sp__audit_host_init(&h->a, &list, &s->set.passwords, s->set.max_attempts) != 0) {
            sp__strv_free(&list);
            sp__audit_host_free(&h->a);
            free(run.hosts);
            return sp__fail(s, SP_ENOMEM, "out of memory");
        }
        exts += list.n;
        sp__strv_free(&list);
        h->svc = e->svc;
        run.n++;
    }
    if (skipped)
        sp__log(s, 0,
                "password audit: %zu TCP/TLS service(s) not audited (the audit runs over "
                "UDP)",
                skipped);
    if (run.n == 0) {
        free(run.hosts);
        return SP_OK;
    }
    size_t per_ext = sp__candidates_count(&run.hosts[0].a.cand);
    if (s->set.max_attempts && per_ext > s->set.max_attempts)
        per_ext = s->set.max_attempts;
    sp__log(s, 0,
            "password audit: up to %zu passwords on each of %zu extension(s) of %zu host(s), %u "
            "attempts/s per host; only for systems you are authorised to test",
            per_ext, exts, run.n, s->set.audit_rate);
    s->run.audit = &run;
    sp_code rc = SP_OK;
    while (!rc && !s->stop) {
        uint64_t now = sp__now_ns(), wake = now + 50000000ull;
        size_t active = 0;
        for (size_t i = 0; i < run.n && !rc; i++) {
            audit_host *h = &run.hosts[i];
            if (h->waiting) {
                active++;
                if (now >= h->deadline_ns)
                    rc = on_deadline(s, h, now);
                else if (h->deadline_ns < wake)
                    wake = h->deadline_ns;
                continue;
            }
            if (h->a.next == SP__AUDIT_DONE)
                continue;
            active++;
            if (h->a.next == SP__AUDIT_SEND_AUTH && now < h->next_attempt_ns) {
                if (h->next_attempt_ns < wake)
                    wake = h->next_attempt_ns;
                continue;
            }
            rc = send_next(s, h, i, now);
        }
        if (!active)
            break;
        sp__active_idle(s, wake);
    }
    for (size_t i = 0; i < run.n; i++)
        if (run.hosts[i].a.next != SP__AUDIT_DONE || run.hosts[i].waiting)
            sp__audit_abort(&run.hosts[i].a, s->stop ? "interrupted" : "the scan failed");
    s->run.audit = NULL;
    record_results(s, &run);
    for (size_t i = 0; i < run.n; i++)
        sp__audit_host_free(&run.hosts[i].a);
    free(run.hosts);
    return rc;
}
