#include "classify/findings.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A version is visible when a banner holds digits separated by a dot. */
static int has_version_number(const char *s)
{
    for (; s && *s; s++)
        if (isdigit((unsigned char)s[0]) && s[1] == '.' && isdigit((unsigned char)s[2]))
            return 1;
    return 0;
}

/* RFC 1918, CGNAT, link-local, loopback; ULA and link-local IPv6. */
static int is_private(const char *text)
{
    sp__addr a;
    if (strchr(text, '%') || sp__addr_parse(text, &a) != 0)
        return 0; /* a peer's zone names none of our interfaces */
    return sp__addr_is_private(&a);
}

/* Finds an address literal in a header value (after "@", or the host of a
 * "sip:" URI or of a Via sent-by) that is private; copies it to out. */
static int private_in(const char *value, char *out, size_t cap)
{
    const char *p = value;
    while (p && *p) {
        size_t skip = strcspn(p, "0123456789[");
        p += skip;
        if (!*p)
            break;
        char tok[64];
        size_t n;
        if (*p == '[') {
            n = strcspn(p + 1, "]");
            if (n >= sizeof(tok))
                return 0;
            memcpy(tok, p + 1, n);
            tok[n] = '\0';
            p += n + 1;
        } else {
            n = strspn(p, "0123456789.");
            if (n >= sizeof(tok))
                n = sizeof(tok) - 1;
            memcpy(tok, p, n);
            tok[n] = '\0';
            p += n;
        }
        if (is_private(tok)) {
            snprintf(out, cap, "%s", tok);
            return 1;
        }
    }
    return 0;
}

static void leak_check(const sp__strv *values, const char *label, size_t first, const char **ev,
                       char (*lines)[256], size_t *n)
{
    for (size_t i = first; i < values->n && *n < 4; i++) {
        char addr[64];
        if (private_in(values->v[i], addr, sizeof(addr))) {
            snprintf(lines[*n], 256, "%s: %s (private address %s)", label, values->v[i], addr);
            ev[*n] = lines[*n];
            (*n)++;
        }
    }
}

/* What the handshake showed: weak protocol, expiry, self-signature. */
static void tls_findings(sp__svc *svc, const sp_tls_info *t)
{
    char line[2][512];
    if (t->version && (!strcmp(t->version, "TLSv1") || !strcmp(t->version, "TLSv1.1") ||
                       !strncmp(t->version, "SSL", 3))) {
        snprintf(line[0], sizeof(line[0]), "negotiated %s (cipher %s)", t->version,
                 t->cipher ? t->cipher : "?");
        const char *ev[] = {line[0]};
        sp__svc_add_finding(svc, "tls-weak-protocol", ev, 1);
    }
    if (t->expired) {
        snprintf(line[0], sizeof(line[0]), "valid from %s to %s",
                 t->not_before ? t->not_before : "?", t->not_after ? t->not_after : "?");
        snprintf(line[1], sizeof(line[1]), "subject %s", t->subject ? t->subject : "?");
        const char *ev[] = {line[0], line[1]};
        sp__svc_add_finding(svc, "tls-certificate-expired", ev, 2);
    }
    if (t->self_signed) {
        snprintf(line[0], sizeof(line[0]), "subject = issuer = %s", t->subject ? t->subject : "?");
        snprintf(line[1], sizeof(line[1]), "SHA-256 %s", t->sha256 ? t->sha256 : "?");
        const char *ev[] = {line[0], line[1]};
        sp__svc_add_finding(svc, "tls-self-signed", ev, 2);
    }
}

/* Appends s to line (capacity cap, *used bytes so far), cutting it at cap - 1
 * bytes as snprintf would; line stays NUL-terminated. */
static void append_cut(char *line, size_t cap, size_t *used, const char *s)
{
    size_t n = strlen(s);
    if (n > cap - 1 - *used)
        n = cap - 1 - *used;
    memcpy(line + *used, s, n);
    *used += n;
    line[*used] = '\0';
}

/* Adds finding id with one evidence line. */
static void add_one(sp__svc *svc, const char *id, const char *line)
{
    const char *ev[] = {line};
    sp__svc_add_finding(svc, id, ev, 1);
}

/* Every service that answered at all is exposed; say with which reply. */
static void exposed_rule(sp__svc *svc)
{
    char line[512];
    if (svc->n_replies > 0) {
        const sp_reply *r = &svc->replies[0];
        snprintf(line, sizeof(line), "%s -> %d %s from %s", r->method, r->status,
                 r->reason ? r->reason : "", svc->responder_s);
        add_one(svc, "sip-service-exposed", line);
    }
}

static void version_rule(sp__svc *svc)
{
    char line[2][512];
    const char *ev[2];
    size_t n = 0;
    int visible = svc->has_fp && svc->fp.version;
    if (svc->server && (visible || has_version_number(svc->server))) {
        snprintf(line[0], sizeof(line[0]), "Server: %s", svc->server);
        ev[n++] = line[0];
    }
    if (svc->user_agent && (visible || has_version_number(svc->user_agent))) {
        snprintf(line[1], sizeof(line[1]), "User-Agent: %s", svc->user_agent);
        ev[n++] = line[1];
    }
    if (n)
        sp__svc_add_finding(svc, "version-disclosure", ev, n);
}

/* The advisories that apply to one service, as evidence lines. */
typedef struct vuln_lines {
    sp__strv lines;
    double worst_cvss; /* among matches that are more than "possible" */
    int definite;      /* matches that are more than "possible" */
    char upgrade[64];  /* the highest fixed release on the service's branch */
    int eol;           /* that branch is end of life */
    char branch[64];
    const char *product; /* the product whose branch the upgrade advice is about */
} vuln_lines;

static void add_vuln(const sp__vuln_match *m, void *data)
{
    vuln_lines *l = data;
    char line[1024], cvss[32] = "";
    if (m->cvss > 0)
        snprintf(cvss, sizeof(cvss), "%sCVSS %.1f", *m->cves ? ", " : "", m->cvss);
    int n = snprintf(line, sizeof(line), "%s%s%s%s%s: %s", m->id, *m->cves || *cvss ? " (" : "",
                     m->cves, cvss, *m->cves || *cvss ? ")" : "", m->title ? m->title : "");
    if (m->confidence == SP__VCONF_POSSIBLE)
        n += snprintf(line + n, sizeof(line) - (size_t)n,
                      "; possible: check module %s (fixed in %s on the %s branch)",
                      m->module ? m->module : "?", m->fixed, m->branch);
    else
        n += snprintf(line + n, sizeof(line) - (size_t)n, "; fixed in %s on branch %s%s", m->fixed,
                      m->branch, m->eol ? " (end of life)" : "");
    if (m->condition && n > 0 && (size_t)n < sizeof(line))
        n += snprintf(line + n, sizeof(line) - (size_t)n, "; applies only if %s", m->condition);
    if (n > 0 && (size_t)n < sizeof(line))
        n += snprintf(line + n, sizeof(line) - (size_t)n, "; confidence: %s; %s",
                      sp__vconf_name(m->confidence), m->source);
    sp__strv_push(&l->lines, line, strlen(line));
    if (m->confidence == SP__VCONF_POSSIBLE)
        return;
    l->definite++;
    if (m->cvss > l->worst_cvss)
        l->worst_cvss = m->cvss;
    if (strcmp(m->product, l->product))
        return; /* with FPBX-x(y): the upgrade advice is about Asterisk y */
    if (!l->upgrade[0] || sp__version_cmp(m->fixed, l->upgrade) > 0) {
        snprintf(l->upgrade, sizeof(l->upgrade), "%s", m->fixed);
        snprintf(l->branch, sizeof(l->branch), "%s", m->branch);
        l->eol = m->eol;
    }
}

/* CVSS v3 qualitative ratings; without any score the catalogue's severity. */
static sp_severity severity_of(const vuln_lines *l, sp_severity dflt)
{
    if (!l->definite)
        return SP_SEV_LOW; /* only "possible" matches */
    if (l->worst_cvss >= 9.0)
        return SP_SEV_CRITICAL;
    if (l->worst_cvss >= 7.0)
        return SP_SEV_HIGH;
    if (l->worst_cvss >= 4.0)
        return SP_SEV_MEDIUM;
    if (l->worst_cvss > 0)
        return SP_SEV_LOW;
    return dflt;
}

/* The finding from a verdict (worked out now or remembered). */
static void add_vuln_finding(sp__svc *svc, const sp__vuln_verdict *v)
{
    sp__svc_add_finding(svc, "known-vulnerable-version", (const char *const *)v->lines, v->n_lines);
    for (size_t i = 0; i < svc->n_findings; i++)
        if (!strcmp(svc->findings[i].id, "known-vulnerable-version"))
            svc->findings[i].severity = (sp_severity)v->severity;
}

static void cve_rule(sp__svc *svc, const sp__vulndb *vulns)
{
    if (!vulns || !svc->has_fp)
        return;
    const char *banner = svc->server ? svc->server : svc->user_agent;
    /* Devices of one model answer alike: the verdict for a banner is
     * worked out once (matching every range and formatting every
     * advisory is most of a reply's cost). */
    char key[1024];
    snprintf(key, sizeof(key), "%s\x1f%s\x1f%s", svc->fp.product ? svc->fp.product : "",
             svc->fp.version ? svc->fp.version : "", banner ? banner : "");
    sp__vuln_verdict known;
    if (sp__vuln_memo_get(vulns, key, &known)) {
        /* The memo's copy becomes the finding's evidence (no second copy). */
        sp__strv lines = {known.lines, known.n_lines, known.n_lines};
        sp_finding *f =
            known.found ? sp__svc_add_finding_take(svc, "known-vulnerable-version", &lines) : NULL;
        if (f) {
            f->severity = (sp_severity)known.severity;
            known.lines = NULL;
            known.n_lines = 0;
        } else if (known.found) {
            add_vuln_finding(svc, &known); /* already there: the severity is the verdict's */
        }
        sp__vuln_verdict_free(&known);
        return;
    }
    sp__vuln_verdict none = {0, 0, NULL, 0};
    sp__banner_version bv;
    if (!sp__banner_version_parse(svc->fp.product, svc->fp.version, banner, &bv)) {
        sp__vuln_memo_put(vulns, key, &none);
        return;
    }
    vuln_lines l;
    memset(&l, 0, sizeof(l));
    l.product = bv.product;
    sp__vulndb_match_banner(vulns, &bv, add_vuln, &l);
    if (!l.lines.n) {
        sp__strv_free(&l.lines);
        sp__vuln_memo_put(vulns, key, &none);
        return;
    }
    char head[1024];
    int n;
    if (bv.framework[0] && strcmp(bv.product, "FreePBX"))
        n = snprintf(head, sizeof(head), "FreePBX %s with %s %s", bv.framework, bv.product,
                     bv.version);
    else
        n = snprintf(head, sizeof(head), "%s %s", bv.product, bv.version);
    n += snprintf(head + n, sizeof(head) - (size_t)n, " (from %s%s): %zu advisor%s", banner,
                  bv.distro ? ", a distribution build: fixes may be backported" : "", l.lines.n,
                  l.lines.n == 1 ? "y" : "ies");
    if (l.upgrade[0] && n > 0 && (size_t)n < sizeof(head))
        n += snprintf(head + n, sizeof(head) - (size_t)n, "; upgrade to %s or later%s%s%s",
                      l.upgrade, l.eol ? "; " : "", l.eol ? l.branch : "",
                      l.eol ? " is end of life: move to a supported branch" : "");
    char **ev = calloc(l.lines.n + 1, sizeof(*ev));
    if (ev) {
        ev[0] = head;
        for (size_t i = 0; i < l.lines.n; i++)
            ev[i + 1] = l.lines.v[i];
        sp__vuln_verdict v = {1, (int)severity_of(&l, SP_SEV_HIGH), ev, l.lines.n + 1};
        add_vuln_finding(svc, &v);
        sp__vuln_memo_put(vulns, key, &v);
        free(ev);
    }
    sp__strv_free(&l.lines);
}

static void register_rule(sp__svc *svc)
{
    char line[512];
    for (size_t i = 0; i < svc->n_replies; i++) {
        const sp_reply *r = &svc->replies[i];
        if (!strcmp(r->method, "REGISTER") && r->status >= 200 && r->status < 300 &&
            !r->challenged) {
            snprintf(line, sizeof(line), "REGISTER -> %d %s with no authentication challenge",
                     r->status, r->reason ? r->reason : "");
            add_one(svc, "register-without-auth", line);
        }
    }
}

static void responder_rule(sp__svc *svc)
{
    if (!svc->responder_s[0] || sp__addr_equal(&svc->host, &svc->responder))
        return;
    char probed[80], line[512];
    sp__addr_format_port(&svc->host, svc->port, probed, sizeof(probed));
    snprintf(line, sizeof(line), "probed %s, reply came from %s", probed, svc->responder_s);
    add_one(svc, "responder-mismatch", line);
}

/* Up to four lines of private addresses in the reply's Contact,
 * Record-Route, Via (but the first, our own) and SDP c= lines. */
static void collect_leaks(const sp__svc *svc, const char **ev, char (*lines)[256], size_t *n)
{
    leak_check(&svc->contacts, "Contact", 0, ev, lines, n);
    leak_check(&svc->record_routes, "Record-Route", 0, ev, lines, n);
    leak_check(&svc->vias, "Via", 1, ev, lines, n);
    leak_check(&svc->sdp_addrs, "SDP c=", 0, ev, lines, n);
}

/* Private addresses only matter in replies from a public address. */
static int from_public_address(const sp__svc *svc)
{
    char responder_ip[64];
    sp__addr_format(&svc->responder, responder_ip, sizeof(responder_ip));
    return svc->responder_s[0] && !is_private(responder_ip);
}

static void leak_rule(sp__svc *svc)
{
    const char *ev[4];
    char lines[4][256];
    size_t n = 0;
    collect_leaks(svc, ev, lines, &n);
    if (n)
        sp__svc_add_finding(svc, "private-address-leak", ev, n);
}

/* A device (not the router itself) answering on a public address, with its
 * LAN addressing leaking out or a SIP ALG rewriting its replies: the router
 * forwards SIP to it. */
static void nat_rule(sp__svc *svc)
{
    if (svc->has_fp && svc->fp.type && !strcmp(svc->fp.type, "router"))
        return;
    const char *ev[6];
    char lines[6][256];
    size_t n = 0;
    collect_leaks(svc, ev, lines, &n);
    if (svc->alg_evidence) {
        snprintf(lines[n], sizeof(lines[0]), "%.200s (a router's SIP helper in front)",
                 svc->alg_evidence);
        ev[n] = lines[n];
        n++;
    }
    if (!n)
        return;
    snprintf(lines[n], sizeof(lines[0]), "%s%s%s answers on the public address %s",
             svc->has_fp ? svc->fp.product : "a SIP device", svc->has_fp && svc->fp.type ? " " : "",
             svc->has_fp && svc->fp.type ? svc->fp.type : "", svc->responder_s);
    ev[n] = lines[n];
    n++;
    sp__svc_add_finding(svc, "sip-exposed-through-nat", ev, n);
}

static void amplification_rule(sp__svc *svc)
{
    char line[512];
    for (size_t i = 0; i < svc->n_replies && svc->transport == SP_TRANSPORT_UDP; i++) {
        const sp_reply *r = &svc->replies[i];
        if (r->request_bytes && r->bytes >= 3 * r->request_bytes) {
            snprintf(line, sizeof(line), "%s: %zu-byte request, %zu-byte reply (%.1fx)", r->method,
                     r->request_bytes, r->bytes, (double)r->bytes / (double)r->request_bytes);
            add_one(svc, "udp-amplification", line);
            return;
        }
    }
}

static void scanner_rule(sp__svc *svc)
{
    char line[512];
    if (svc->has_fp && svc->fp.type && !strcmp(svc->fp.type, "scanner")) {
        snprintf(line, sizeof(line), "%s: %s", svc->user_agent ? "User-Agent" : "Server",
                 svc->user_agent ? svc->user_agent
                 : svc->server   ? svc->server
                                 : "");
        add_one(svc, "scanner-user-agent-seen", line);
    }
}

static void options_rule(sp__svc *svc)
{
    char line[512];
    for (size_t i = 0; i < svc->n_replies; i++)
        if (!strcmp(svc->replies[i].method, "OPTIONS") && svc->replies[i].status / 100 == 2 &&
            svc->allow.n) {
            /* "Allow: A, B, ..." cut at 511 bytes, by memcpy (a snprintf
             * per method was most of the cost of the findings). */
            size_t used = 0;
            append_cut(line, sizeof(line), &used, "Allow: ");
            for (size_t k = 0; k < svc->allow.n; k++) {
                if (k)
                    append_cut(line, sizeof(line), &used, ", ");
                append_cut(line, sizeof(line), &used, svc->allow.v[k]);
            }
            add_one(svc, "options-reveals-methods", line);
            return;
        }
}

static void enumeration_rule(sp__svc *svc)
{
    if (!svc->has_enum || !svc->en_pub.possible || !svc->en_found.n)
        return;
    const sp__enum *e = svc->en;
    const char *ev[14];
    char lines[14][160];
    size_t n = 0;
    snprintf(lines[n], sizeof(lines[0]), "baseline user '%s' -> %d %s", e->baseline_user,
             (int)(e->baseline >> 32), e->baseline_reason);
    ev[n] = lines[n];
    n++;
    size_t shown = 0;
    for (uint32_t i = 0; i < e->n && shown < 10; i++) {
        int status = (int)(e->answer[i] >> 32);
        if (!e->answer[i] || e->answer[i] == e->baseline || status == 408 || status == 429 ||
            status >= 500)
            continue; /* the same test as sp__enum_evaluate */
        /* en_found holds the same extensions in the same order. */
        snprintf(lines[n], sizeof(lines[0]), "%s -> %d", svc->en_found.v[shown],
                 (int)(e->answer[i] >> 32));
        ev[n] = lines[n];
        n++;
        shown++;
    }
    snprintf(lines[n], sizeof(lines[0]), "%zu of %u extensions exist", svc->en_found.n, e->n);
    ev[n] = lines[n];
    n++;
    sp__svc_add_finding(svc, "extension-enumeration", ev, n);
}

/* The opt-in active checks: what the audit and the INVITE check saw. */
static void audit_rule(sp__svc *svc)
{
    const sp__svc_audit *a = svc->audit;
    if (!a)
        return;
    char line[400];
    for (size_t i = 0; i < a->n_weak; i++) {
        const sp_weak_password *w = &a->weak[i];
        const char *tr = sp_transport_name((sp_transport)svc->transport);
        const char *shown = w->password ? w->password : "";
        if (a->offline) /* algorithm also says which answer of the capture it was */
            snprintf(line, sizeof(line),
                     "capture: the accepted digest answer of '%s' to %s:%u/%s (%s) was "
                     "cracked offline (%s)%s%s",
                     w->extension, svc->host_s, svc->port, tr, w->algorithm, w->kind,
                     w->password ? "; password: " : "", shown);
        else
            snprintf(line, sizeof(line),
                     "extension %s on %s:%u/%s: password guessed (%s; %s digest accepted)%s%s",
                     w->extension, svc->host_s, svc->port, tr, w->kind, w->algorithm,
                     w->password ? "; password: " : "", shown);
        if (i == 0)
            add_one(svc, "weak-password", line);
        else
            sp__svc_add_evidence(svc, "weak-password", line);
    }
    if (a->pub.passwords_audited && a->pub.protection) {
        snprintf(line, sizeof(line), "%s", a->protection_note);
        add_one(svc, "brute-force-protection-seen", line);
    } else if (a->unprotected[0]) {
        add_one(svc, "no-brute-force-protection", a->unprotected);
    }
    if (a->pub.invite_checked && a->invite_note[0]) {
        if (!strcmp(a->invite_result, "routed"))
            add_one(svc, "unauthenticated-call-routed", a->invite_note);
        else if (!strcmp(a->invite_result, "accepted"))
            add_one(svc, "unauthenticated-invite-accepted", a->invite_note);
    }
}

/* SIP answers over a WebSocket: the upgrade is the evidence. */
static void websocket_rule(sp__svc *svc)
{
    if (!svc->has_ws)
        return;
    char line[400];
    snprintf(line, sizeof(line), "GET %s with Sec-WebSocket-Protocol: sip -> HTTP %d%s%s%s",
             svc->ws_path, svc->ws_pub.status, svc->ws_server[0] ? " (Server: " : "",
             svc->ws_server, svc->ws_server[0] ? ")" : "");
    add_one(svc, "sip-websocket-exposed", line);
}

/* The zone of a domain target names servers in private space. */
static void dns_rule(sp__svc *svc)
{
    if (svc->dns_leaks.n)
        sp__svc_add_finding(svc, "dns-private-address", (const char *const *)svc->dns_leaks.v,
                            svc->dns_leaks.n);
}

/* The rules in the order their findings are listed. */
void sp__findings_evaluate(sp__svc *svc, const sp__vulndb *vulns)
{
    exposed_rule(svc);
    version_rule(svc);
    cve_rule(svc, vulns);
    register_rule(svc);
    responder_rule(svc);
    int public = from_public_address(svc);
    if (public)
        leak_rule(svc);
    dns_rule(svc);
    websocket_rule(svc);
    if (svc->alg_evidence)
        add_one(svc, "sip-alg-detected", svc->alg_evidence);
    if (public)
        nat_rule(svc);
    if (svc->tls)
        tls_findings(svc, &svc->tls->pub);
    amplification_rule(svc);
    scanner_rule(svc);
    options_rule(svc);
    enumeration_rule(svc);
    audit_rule(svc);
}
