/* The INVITE check, last of the phases: one INVITE without credentials per
 * UDP service, to a user no phone network can route (or --invite-to), with
 * an SDP that offers no usable media (port 0). What comes back says whether
 * the server challenges calls from nobody, routes them (toll fraud), or
 * processes them without asking. A call is never left up: CANCEL on a
 * ringing answer (or when only 100 Trying came for a few seconds), ACK then
 * BYE on a 2xx, ACK on every other final answer; every wait is bounded. */
#include "api/scan.h"

#include "probe/active.h"
#include "sip/header.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

/* How long a call may stay with nothing but 100 Trying before it is
 * cancelled, and how long one service's check may take in all. */
#define RING_WAIT_NS 3000000000ull
#define CHECK_LIMIT_NS 15000000000ull

typedef enum { INV_CALLING, INV_CANCELLING, INV_BYE, INV_DONE } inv_state;

typedef struct invite_host {
    sp__svc *svc;
    inv_state state;
    char call_id[SP__TOKEN_MAX], branch[32], tag[17], uri[128], host[80];
    char to_tag[128], remote_uri[256], route[1024];
    char invite[SP__ACTIVE_MAX], req[SP__ACTIVE_MAX];
    size_t invite_len, req_len;
    unsigned tries;
    uint64_t started_ns, deadline_ns, ring_deadline_ns;
    int got_100, got_ringing, got_2xx;
    int final_status;
    char final_reason[64];
    char result[16];
    char note[400];
} invite_host;

typedef struct sp__invite_run {
    invite_host *hosts;
    size_t n;
    char user[64];
} sp__invite_run;

static const uint64_t T1_NS = 500000000ull;

/* A user that cannot be a phone number: letters only, never dialled out. */
static void random_user(char *out, size_t cap)
{
    unsigned char r[10];
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        memset(r, 7, sizeof(r));
    size_t n = (size_t)snprintf(out, cap, "sipprobe-nobody-");
    for (size_t i = 0; i < sizeof(r) && n + 1 < cap; i++)
        out[n++] = (char)('a' + r[i] % 26);
    out[n] = '\0';
}

/* Copies the value of parameter name ("tag") of a header value. */
static void header_param(const char *v, size_t len, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    size_t nl = strlen(name);
    for (size_t i = 0; i + nl + 1 < len; i++) {
        if (v[i] == ';' && strncasecmp(v + i + 1, name, nl) == 0 && v[i + 1 + nl] == '=') {
            size_t a = i + nl + 2, b = a;
            while (b < len && !strchr(";>, \t", v[b]))
                b++;
            snprintf(out, cap, "%.*s", (int)(b - a), v + a);
            return;
        }
    }
}

static int build_and_send(sp_scan *s, invite_host *h, const char *method, unsigned cseq,
                          const char *branch, int in_dialog, int keep)
{
    sp__invite_run *run = s->run.invite;
    sp__active_req r = {
        .method = method,
        .request_uri = in_dialog && h->remote_uri[0] ? h->remote_uri : h->uri,
        .transport = "UDP",
        .local = s->run.local[h->svc->host.family == 6],
        .branch = branch,
        .from_user = s->set.from_user,
        .from_tag = h->tag,
        .to_user = run->user,
        .to_tag = in_dialog || !strcmp(method, "ACK") ? h->to_tag : NULL,
        .host = h->host,
        .call_id = h->call_id,
        .cseq = cseq,
        .contact = !strcmp(method, "INVITE"),
        .user_agent = s->set.user_agent,
        .route = in_dialog && h->route[0] ? h->route : NULL,
        .sdp = !strcmp(method, "INVITE"),
    };
    if (r.to_tag && !r.to_tag[0])
        r.to_tag = NULL;
    char *buf = keep ? h->req : h->invite;
    char tmp[SP__ACTIVE_MAX];
    if (keep == 2)
        buf = tmp; /* an ACK: sent again only when its answer comes again */
    size_t len = sp__active_build(&r, buf, SP__ACTIVE_MAX);
    if (!len)
        return sp__fail(s, SP_EINVAL, "libosip2 refused the %s of the INVITE check", method);
    if (keep == 1)
        h->req_len = len;
    else if (keep == 0)
        h->invite_len = len;
    return sp__active_send(s, h->svc, buf, len);
}

/* Ends the check with a result, and a note unless one was written. */
static void finish(invite_host *h, const char *result, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void finish(invite_host *h, const char *result, const char *fmt, ...)
{
    if (!h->result[0])
        snprintf(h->result, sizeof(h->result), "%s", result);
    if (!h->note[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(h->note, sizeof(h->note), fmt, ap);
        va_end(ap);
    }
    h->state = INV_DONE;
}

/* The final answer to the INVITE decides what the check shows. */
static void classify_final(invite_host *h)
{
    char seen[240];
    snprintf(seen, sizeof(seen), "INVITE to %s -> %s%s%d %s", h->uri,
             h->got_100 ? "100 Trying, " : "", h->got_ringing ? "ringing, " : "", h->final_status,
             h->final_reason);
    if (h->got_2xx || h->got_ringing) {
        snprintf(h->result, sizeof(h->result), "routed");
        snprintf(h->note, sizeof(h->note), "%s: a call from an unauthenticated caller %s (then %s)",
                 seen, h->got_2xx ? "was answered" : "rang", h->got_2xx ? "ACK and BYE" : "CANCEL");
    } else if (h->final_status == 401 || h->final_status == 407) {
        snprintf(h->result, sizeof(h->result), "challenged");
        snprintf(h->note, sizeof(h->note), "%s: the INVITE was challenged", seen);
    } else if (h->got_100 || (h->final_status >= 300 && h->final_status < 400)) {
        snprintf(h->result, sizeof(h->result), "accepted");
        snprintf(h->note, sizeof(h->note),
                 "%s: the INVITE was processed without credentials (it was %s)", seen,
                 h->final_status < 400 ? "redirected" : "forwarded or looked up, then refused");
    } else {
        snprintf(h->result, sizeof(h->result), "refused");
        snprintf(h->note, sizeof(h->note), "%s: refused without a challenge", seen);
    }
}

void sp__engine_invite_reply(sp_scan *s, const sp__udp_in *in, const sp__probe_id *id)
{
    sp__invite_run *run = s->run.invite;
    if (!run || id->ext == 0 || id->ext > run->n)
        return;
    invite_host *h = &run->hosts[id->ext - 1];
    int status = in->len >= 12 ? atoi(in->buf + 8) : 0;
    const char *cseq, *to;
    size_t cseq_len, to_len;
    if (status < 100 || status > 699 ||
        !sp__sip_header_find(in->buf, in->len, "CSeq", &cseq, &cseq_len)) {
        s->summary.bad_replies++;
        return;
    }
    s->summary.replies++;
    char method[16];
    size_t k = 0;
    while (k < cseq_len && cseq[k] != ' ')
        k++;
    snprintf(method, sizeof(method), "%.*s", (int)(cseq_len > k ? cseq_len - k - 1 : 0),
             cseq + k + 1);
    uint64_t now = sp__now_ns();
    if (!strcasecmp(method, "BYE")) {
        if (status >= 200 && h->state == INV_BYE)
            h->state = INV_DONE;
        return;
    }
    if (strcasecmp(method, "INVITE") != 0)
        return; /* the 200 to our CANCEL: the 487 still follows */
    /* The final answer's tag is the one its ACK (or the dialog) needs. */
    if (sp__sip_header_find(in->buf, in->len, "To", &to, &to_len) &&
        (status >= 200 || !h->to_tag[0]))
        header_param(to, to_len, "tag", h->to_tag, sizeof(h->to_tag));
    if (status < 200) {
        h->got_100 |= status == 100;
        h->tries = 3; /* a provisional answer ends INVITE retransmissions */
        if (h->state == INV_CALLING && (status == 180 || status == 183)) {
            h->got_ringing = 1;
            h->state = INV_CANCELLING;
            h->deadline_ns = now + T1_NS;
            h->tries = 0;
            build_and_send(s, h, "CANCEL", 1, h->branch, 0, 1);
        } else if (h->state == INV_CALLING) {
            if (!h->ring_deadline_ns)
                h->ring_deadline_ns = now + RING_WAIT_NS;
            h->deadline_ns = h->ring_deadline_ns;
        }
        return;
    }
    if (h->final_status && status >= 300) {
        build_and_send(s, h, "ACK", 1, h->branch, 0, 2); /* its final answer came again */
        return;
    }
    if (status < 300) {
        /* Answered: ACK (a new transaction), then hang up at once. */
        const char *v;
        size_t vl;
        if (sp__sip_header_find(in->buf, in->len, "Contact", &v, &vl)) {
            const char *lt = memchr(v, '<', vl),
                       *gt = lt ? memchr(lt, '>', vl - (size_t)(lt - v)) : NULL;
            if (lt && gt && (size_t)(gt - lt - 1) < sizeof(h->remote_uri))
                snprintf(h->remote_uri, sizeof(h->remote_uri), "%.*s", (int)(gt - lt - 1), lt + 1);
        }
        /* The route set: Record-Route in reverse order (RFC 3261 12.1.2). */
        size_t pos = 0;
        sp__sip_header hd;
        char rr[8][256];
        int nrr = 0;
        while (sp__sip_header_next(in->buf, in->len, &pos, &hd) && nrr < 8)
            if (sp__sip_header_name_is(hd.name, hd.name_len, "Record-Route") &&
                hd.value_len < sizeof(rr[0]))
                snprintf(rr[nrr++], sizeof(rr[0]), "%.*s", (int)hd.value_len, hd.value);
        h->route[0] = '\0';
        for (int i = nrr - 1; i >= 0; i--) {
            size_t l = strlen(h->route);
            snprintf(h->route + l, sizeof(h->route) - l, "%s%s", l ? ", " : "", rr[i]);
        }
        int first = !h->got_2xx;
        h->got_2xx = 1;
        char branch[32];
        snprintf(branch, sizeof(branch), "%.20sa%02x", h->branch, (unsigned)(now & 0xff));
        build_and_send(s, h, "ACK", 1, branch, 1, 2);
        if (first) {
            h->final_status = status;
            snprintf(h->final_reason, sizeof(h->final_reason), "answered");
            classify_final(h);
            snprintf(branch, sizeof(branch), "%.20sb%02x", h->branch, (unsigned)(now & 0xff));
            h->state = INV_BYE;
            h->tries = 0;
            h->deadline_ns = now + T1_NS;
            build_and_send(s, h, "BYE", 2, branch, 1, 1);
        }
        return;
    }
    h->final_status = status;
    const char *reason = in->buf + 12;
    size_t rl = 0;
    while (reason + rl < in->buf + in->len && reason[rl] != '\r' && reason[rl] != '\n' && rl < 60)
        rl++;
    snprintf(h->final_reason, sizeof(h->final_reason), "%.*s", (int)rl, reason);
    /* The ACK of a non-2xx final answer belongs to the INVITE's transaction. */
    build_and_send(s, h, "ACK", 1, h->branch, 0, 2);
    classify_final(h);
    h->state = INV_DONE;
}

/* A deadline passed: retransmit, give up, or cancel a call left at 100. */
static int on_deadline(sp_scan *s, invite_host *h, uint64_t now)
{
    if (now - h->started_ns > CHECK_LIMIT_NS) {
        if (h->state == INV_BYE)
            h->state = INV_DONE; /* classified at the 2xx already; the BYE went unanswered */
        else if (h->state == INV_CANCELLING)
            finish(h, h->got_ringing ? "routed" : "accepted",
                   "INVITE to %s: cancelled, but the final answer never came", h->uri);
        else
            finish(h, "no answer", "INVITE to %s: no final answer within the time limit", h->uri);
        return SP_OK;
    }
    switch (h->state) {
    case INV_CALLING:
        if (h->ring_deadline_ns && now >= h->ring_deadline_ns) {
            /* Nothing but 100 Trying for a while: cancel rather than wait. */
            h->state = INV_CANCELLING;
            h->tries = 0;
            h->deadline_ns = now + T1_NS;
            return build_and_send(s, h, "CANCEL", 1, h->branch, 0, 1);
        }
        if (h->tries < 3) {
            h->tries++;
            h->deadline_ns = now + (T1_NS << h->tries);
            return sp__active_send(s, h->svc, h->invite, h->invite_len);
        }
        if (h->ring_deadline_ns) {
            h->deadline_ns = h->ring_deadline_ns;
            return SP_OK;
        }
        finish(h, "no answer", "INVITE to %s: no answer", h->uri);
        return SP_OK;
    case INV_CANCELLING:
    case INV_BYE:
        if (h->tries < 4) {
            h->tries++;
            h->deadline_ns = now + (T1_NS << (h->tries < 3 ? h->tries : 2));
            return sp__active_send(s, h->svc, h->req, h->req_len);
        }
        h->deadline_ns = now + T1_NS; /* the time limit ends it */
        return SP_OK;
    default:
        return SP_OK;
    }
}

int sp__engine_invite(sp_scan *s)
{
    sp__invite_run run;
    memset(&run, 0, sizeof(run));
    if (s->set.invite_to)
        snprintf(run.user, sizeof(run.user), "%s", s->set.invite_to);
    else
        random_user(run.user, sizeof(run.user));
    run.hosts = calloc(s->run.table.used ? s->run.table.used : 1, sizeof(*run.hosts));
    if (!run.hosts)
        return sp__fail(s, SP_ENOMEM, "out of memory");
    for (size_t i = 0; i < s->run.table.cap; i++) {
        sp__entry *e = &s->run.table.v[i];
        if (e->svc && e->transport == SP_TRANSPORT_UDP)
            run.hosts[run.n++].svc = e->svc;
    }
    if (run.n == 0) {
        free(run.hosts);
        return SP_OK;
    }
    sp__log(s, 0,
            "INVITE check: one call without credentials to '%s' on %zu service(s), cancelled "
            "or hung up at once; only for systems you are authorised to test",
            run.user, run.n);
    s->run.invite = &run;
    sp_code rc = SP_OK;
    uint64_t now = sp__now_ns();
    for (size_t i = 0; i < run.n && !rc; i++) {
        invite_host *h = &run.hosts[i];
        sp__active_token(s, h->svc, SP__PROBE_INVITE, (uint32_t)i, 0, h->call_id,
                         sizeof(h->call_id), h->branch, h->tag);
        sp__active_target(h->svc, h->uri, sizeof(h->uri), h->host, sizeof(h->host));
        /* The Request-URI names the user: sip:user@host:port. */
        char uri[128];
        snprintf(uri, sizeof(uri), "sip:%s@%s", run.user, h->uri + 4);
        snprintf(h->uri, sizeof(h->uri), "%s", uri);
        h->started_ns = now;
        h->deadline_ns = now + T1_NS;
        rc = build_and_send(s, h, "INVITE", 1, h->branch, 0, 0);
    }
    while (!rc) {
        size_t active = 0;
        uint64_t wake;
        now = sp__now_ns();
        wake = now + 50000000ull;
        for (size_t i = 0; i < run.n && !rc; i++) {
            invite_host *h = &run.hosts[i];
            if (h->state == INV_DONE)
                continue;
            active++;
            if (s->stop && h->state == INV_CALLING) {
                /* Interrupted: a call in progress is cancelled, not left. */
                if (h->got_100)
                    h->ring_deadline_ns = now;
                else
                    finish(h, "no answer", "INVITE to %s: interrupted before any answer", h->uri);
            }
            if (now >= h->deadline_ns)
                rc = on_deadline(s, h, now);
            else if (h->deadline_ns < wake)
                wake = h->deadline_ns;
        }
        if (!active)
            break;
        /* A stop request still lets calls be cancelled: the time limit
         * bounds it. */
        sp__active_idle(s, wake);
    }
    s->run.invite = NULL;
    for (size_t i = 0; i < run.n; i++) {
        invite_host *h = &run.hosts[i];
        sp__svc_audit *a = sp__svc_audit_get(h->svc);
        if (!a)
            continue;
        if (!h->result[0])
            finish(h, "no answer", "INVITE to %s: the check did not end", h->uri);
        a->pub.invite_checked = 1;
        a->pub.invite_status = h->final_status;
        snprintf(a->invite_result, sizeof(a->invite_result), "%s", h->result);
        snprintf(a->invite_note, sizeof(a->invite_note), "%s", h->note);
    }
    free(run.hosts);
    return rc;
}
