#include "output/client_report.h"

#include "output/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sp__severity_rationale(const char *id, sp_severity sev)
{
    if (!strcmp(id, "known-vulnerable-version"))
        return "Follows the worst CVSS v3 score among the advisories that apply (critical from "
               "9.0, high from 7.0, medium from 4.0); high when no score is published, low when "
               "every match is only possible.";
    switch (sev) {
    case SP_SEV_CRITICAL:
        return "Critical: an attacker on the network can take over extensions or place calls "
               "billed to you with no further step.";
    case SP_SEV_HIGH:
        return "High: a known way in that takes little effort, or an exposure that gives one.";
    case SP_SEV_MEDIUM:
        return "Medium: it helps an attacker (names users, allows fast guessing, weakens "
               "encryption) without being a way in by itself.";
    case SP_SEV_LOW:
        return "Low: information that makes attacks easier to aim.";
    default:
        return "Info: recorded for completeness; no action unless it is unexpected.";
    }
}

/* The distinct hosts among a finding's services: "a, b and 3 more". */
static size_t hosts_of(const sp__finding_hit *hits, size_t n, char *out, size_t len)
{
    size_t distinct = 0, used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = !strcmp(hits[k].svc->host, hits[i].svc->host);
        if (seen)
            continue;
        distinct++;
        if (distinct <= 8 && used < len)
            used += (size_t)snprintf(out + used, len - used, "%s%s", distinct > 1 ? ", " : "",
                                     hits[i].svc->host);
    }
    if (distinct > 8 && used < len)
        snprintf(out + used, len - used, " and %zu more", distinct - 8);
    return distinct;
}

/* The worst severity a finding has among its services (it can vary:
 * known-vulnerable-version follows CVSS). */
static sp_severity worst_of(const sp__finding_hit *hits, size_t n)
{
    sp_severity w = SP_SEV_INFO;
    for (size_t i = 0; i < n; i++)
        if ((int)hits[i].f->severity > (int)w)
            w = hits[i].f->severity;
    return w;
}

typedef struct doc {
    const sp__doc_ops *ops;
    void *ctx;
    size_t count;
} doc;

static void risk_item(const sp_finding_info *info, const sp__finding_hit *hits, size_t n,
                      void *data)
{
    doc *d = data;
    char hosts[600], line[900];
    size_t h = hosts_of(hits, n, hosts, sizeof(hosts));
    snprintf(line, sizeof(line), "%s: %zu host%s (%s)", info->title, h, h == 1 ? "" : "s", hosts);
    d->ops->item(d->ctx, sp_severity_name(worst_of(hits, n)), line);
    d->count++;
}

void sp__report_summary(const sp__doc_ops *ops, void *ctx, const sp__scan_meta *meta,
                        const sp_service *const *all, size_t n)
{
    const sp_summary *s = meta->summary;
    char line[600];
    size_t hosts = 0;
    for (size_t i = 0; i < n; i++)
        hosts += i == 0 || strcmp(all[i]->host, all[i - 1]->host) != 0;
    snprintf(line, sizeof(line),
             "%llu SIP service%s on %zu host%s answered%s. Risks found, each named once with the "
             "hosts it affects (most severe first):",
             (unsigned long long)s->services, s->services == 1 ? "" : "s", hosts,
             hosts == 1 ? "" : "s", s->interrupted ? " (the scan was interrupted: partial)" : "");
    ops->para(ctx, line);
    doc d = {ops, ctx, 0};
    ops->list(ctx, 0, 1);
    sp__each_finding_group(all, n, SP_SEV_LOW, risk_item, &d);
    if (!d.count)
        ops->item(ctx, NULL, "No finding above informational.");
    ops->list(ctx, 0, 0);
    snprintf(line, sizeof(line),
             "Informational findings (%llu) are listed per host in the appendix; they need no "
             "action unless unexpected.",
             (unsigned long long)s->findings_by_severity[SP_SEV_INFO]);
    ops->para(ctx, line);
}

static void plan_item(const sp_finding_info *info, const sp__finding_hit *hits, size_t n,
                      void *data)
{
    doc *d = data;
    char hosts[600], line[1600];
    size_t h = hosts_of(hits, n, hosts, sizeof(hosts));
    snprintf(line, sizeof(line), "%s (%s on %zu host%s: %s)", info->remediation, info->id, h,
             h == 1 ? "" : "s", hosts);
    d->ops->item(d->ctx, sp_severity_name(worst_of(hits, n)), line);
    d->count++;
}

static void scope(const sp__doc_ops *ops, void *ctx, const sp__scan_meta *meta)
{
    char v[512];
    ops->section(ctx, "scope", "Scope");
    size_t used = 0;
    v[0] = '\0';
    for (size_t i = 0; meta->targets && i < meta->targets->n && used < sizeof(v); i++)
        used += (size_t)snprintf(v + used, sizeof(v) - used, "%s%s", i ? ", " : "",
                                 meta->targets->v[i]);
    ops->pair(ctx, meta->mode == SP_MODE_SCAN ? "Targets" : "Inputs", v[0] ? v : "-");
    used = 0;
    v[0] = '\0';
    for (size_t i = 0; meta->excludes && i < meta->excludes->n && used < sizeof(v); i++)
        used += (size_t)snprintf(v + used, sizeof(v) - used, "%s%s", i ? ", " : "",
                                 meta->excludes->v[i]);
    ops->pair(ctx, "Excluded", v[0] ? v : "none");
    ops->pair(ctx, "Ports", meta->ports ? meta->ports : "-");
    ops->pair(ctx, "Transports", meta->transports ? meta->transports : "-");
    ops->pair(ctx, "Requests", meta->methods ? meta->methods : "-");
    snprintf(v, sizeof(v), "%s%s%s", meta->vantage ? meta->vantage : "this host",
             meta->source[0] ? ", source address " : "", meta->source);
    ops->pair(ctx, "Scanned from", v);
    if (meta->mode == SP_MODE_SCAN) {
        snprintf(v, sizeof(v), "%llu endpoint%s (address, port, transport)",
                 (unsigned long long)meta->endpoints, meta->endpoints == 1 ? "" : "s");
        ops->pair(ctx, "Probed", v);
    }
    snprintf(v, sizeof(v), "%llu service%s", (unsigned long long)meta->summary->services,
             meta->summary->services == 1 ? "" : "s");
    ops->pair(ctx, "Answering", v);
    ops->pair(ctx, "When", meta->started ? meta->started : "-");
}

void sp__report_scope_and_plan(const sp__doc_ops *ops, void *ctx, const sp__scan_meta *meta,
                               const sp_service *const *all, size_t n)
{
    scope(ops, ctx, meta);
    ops->section(ctx, "plan", "Remediation plan");
    ops->para(ctx, "What to do, most urgent first; each step is one fix and names every host "
                   "it applies to.");
    doc d = {ops, ctx, 0};
    ops->list(ctx, 1, 1);
    sp__each_finding_group(all, n, SP_SEV_LOW, plan_item, &d);
    if (!d.count)
        ops->item(ctx, NULL, "Nothing to fix above informational.");
    ops->list(ctx, 1, 0);
}

/* What ran and what it found, also when it found nothing. */
static void tested(const sp__doc_ops *ops, void *ctx, const sp__scan_meta *meta,
                   const sp_service *const *all, size_t n)
{
    ops->section(ctx, "tested", "What was tested");
    char line[700];
    int any_register = meta->methods && strstr(meta->methods, "REGISTER");
    ops->list(ctx, 0, 1);
    snprintf(line, sizeof(line), "Discovery (%s): %llu service%s answered.",
             meta->methods ? meta->methods : "-", (unsigned long long)meta->summary->services,
             meta->summary->services == 1 ? "" : "s");
    ops->item(ctx, NULL, line);
    ops->item(ctx, NULL,
              any_register ? "Registration without a password: tested on every service "
                             "(REGISTER with Expires: 0)."
                           : "Registration without a password: not tested (REGISTER was not "
                             "among the requests).");
    size_t enum_tested = 0, enum_found = 0, aud = 0, weak = 0, inv = 0, inv_bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (all[i]->enumeration) {
            enum_tested++;
            enum_found += all[i]->enumeration->possible;
        }
        if (all[i]->audit && all[i]->audit->passwords_audited) {
            aud++;
            weak += all[i]->audit->n_weak;
        }
        if (all[i]->audit && all[i]->audit->invite_checked) {
            inv++;
            inv_bad +=
                all[i]->audit->invite_result && (!strcmp(all[i]->audit->invite_result, "routed") ||
                                                 !strcmp(all[i]->audit->invite_result, "accepted"));
        }
    }
    if (meta->enumerated)
        snprintf(line, sizeof(line),
                 "Extension enumeration: tested on %zu service%s; %zu let users be told apart%s.",
                 enum_tested, enum_tested == 1 ? "" : "s", enum_found,
                 enum_found ? "" : " (tested, not enumerable)");
    else
        snprintf(line, sizeof(line), "Extension enumeration: not run (opt-in).");
    ops->item(ctx, NULL, line);
    if (meta->audited)
        snprintf(line, sizeof(line),
                 "Password audit: %zu service%s audited; %zu weak password%s found%s.", aud,
                 aud == 1 ? "" : "s", weak, weak == 1 ? "" : "s",
                 weak ? "" : " (tested, none guessed)");
    else
        snprintf(line, sizeof(line), "Password audit: not run (opt-in).");
    ops->item(ctx, NULL, line);
    if (meta->invite_checked)
        snprintf(line, sizeof(line),
                 "Calls from an unauthenticated caller: %zu service%s tested; %zu processed or "
                 "routed the call%s.",
                 inv, inv == 1 ? "" : "s", inv_bad, inv_bad ? "" : " (tested, all refused it)");
    else
        snprintf(line, sizeof(line), "Calls from an unauthenticated caller: not run (opt-in).");
    ops->item(ctx, NULL, line);
    ops->list(ctx, 0, 0);
}

static void host_block(const sp__doc_ops *ops, void *ctx, const sp_service *const *all, size_t i,
                       size_t j)
{
    char line[1200];
    ops->heading(ctx, all[i]->host);
    for (size_t k = i; k < j; k++) {
        const sp_service *v = all[k];
        char where[96], prod[300];
        sp__service_address(v, where, sizeof(where));
        size_t used = (size_t)snprintf(line, sizeof(line), "%s:", where);
        for (size_t r = 0; r < v->n_replies && used < sizeof(line); r++)
            used += (size_t)snprintf(line + used, sizeof(line) - used, " %s %d %s%s",
                                     v->replies[r].method, v->replies[r].status,
                                     v->replies[r].reason ? v->replies[r].reason : "",
                                     r + 1 < v->n_replies ? ";" : "");
        if (v->responder_differs && used < sizeof(line))
            used += (size_t)snprintf(line + used, sizeof(line) - used, " (answered from %s)",
                                     v->responder);
        ops->pair(ctx, "Service", line);
        if (v->server || v->user_agent)
            ops->pair(ctx, "Banner", v->server ? v->server : v->user_agent);
        for (size_t d = 0; d < v->n_dns; d++)
            ops->pair(ctx, "Found through DNS", v->dns[d]);
        if (v->websocket) {
            snprintf(line, sizeof(line), "path %s, upgrade answered %d%s%s",
                     v->websocket->path ? v->websocket->path : "?", v->websocket->status,
                     v->websocket->server ? ", Server: " : "",
                     v->websocket->server ? v->websocket->server : "");
            ops->pair(ctx, "WebSocket", line);
        }
        if (v->fingerprint) {
            const sp_fingerprint *fp = v->fingerprint;
            snprintf(prod, sizeof(prod), "%s %s%s%s (%s)%s%s", fp->vendor ? fp->vendor : "",
                     fp->product ? fp->product : "", fp->version ? " " : "",
                     fp->version ? fp->version : "", fp->type ? fp->type : "?", fp->cpe ? ", " : "",
                     fp->cpe ? fp->cpe : "");
            ops->pair(ctx, "Fingerprint", prod);
        }
        if (v->tls) {
            snprintf(line, sizeof(line),
                     "%s, %s; subject %s; issuer %s%s; valid %s to %s%s; %s %d bits; SHA-256 %s",
                     v->tls->version ? v->tls->version : "?", v->tls->cipher ? v->tls->cipher : "?",
                     v->tls->subject ? v->tls->subject : "?", v->tls->issuer ? v->tls->issuer : "?",
                     v->tls->self_signed ? " (self-signed)" : "",
                     v->tls->not_before ? v->tls->not_before : "?",
                     v->tls->not_after ? v->tls->not_after : "?",
                     v->tls->expired ? " (expired)" : "", v->tls->key_type ? v->tls->key_type : "?",
                     v->tls->key_bits, v->tls->sha256 ? v->tls->sha256 : "?");
            ops->pair(ctx, "TLS", line);
        }
        if (v->enumeration) {
            snprintf(line, sizeof(line), "%s (%u tried)%s%s",
                     v->enumeration->possible ? "possible" : "not possible (tested)",
                     v->enumeration->total, v->enumeration->note ? ": " : "",
                     v->enumeration->note ? v->enumeration->note : "");
            ops->pair(ctx, "Enumeration", line);
        }
        if (v->audit && v->audit->passwords_audited) {
            snprintf(line, sizeof(line), "%u extension%s, %u attempts, %zu weak%s%s",
                     v->audit->extensions, v->audit->extensions == 1 ? "" : "s", v->audit->attempts,
                     v->audit->n_weak,
                     v->audit->protection ? "; brute-force protection seen: " : "",
                     v->audit->protection_note ? v->audit->protection_note : "");
            ops->pair(ctx, "Password audit", line);
        }
        if (v->audit && v->audit->invite_checked)
            ops->pair(ctx, "INVITE check",
                      v->audit->invite_note ? v->audit->invite_note : "no answer");
        used = 0;
        line[0] = '\0';
        for (size_t f = 0; f < v->n_findings && used < sizeof(line); f++)
            used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s (%s)%s", f ? ", " : "",
                                     v->findings[f].id, sp_severity_name(v->findings[f].severity),
                                     v->findings[f].accepted ? " accepted" : "");
        ops->pair(ctx, "Findings", line[0] ? line : "none");
    }
}

void sp__report_appendix(const sp__doc_ops *ops, void *ctx, const sp__scan_meta *meta,
                         const sp_service *const *all, size_t n)
{
    tested(ops, ctx, meta, all, n);
    ops->section(ctx, "hosts", "Appendix: every host");
    if (!n)
        ops->para(ctx, "No SIP service answered.");
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && !strcmp(all[j]->host, all[i]->host))
            j++;
        host_block(ops, ctx, all, i, j);
        i = j;
    }
    ops->section(ctx, "method", "Methodology and limitations");
    ops->para(ctx, "sipprobe sent standard SIP requests (RFC 3261) to each target: OPTIONS, which "
                   "every SIP element must answer and which has no side effect, and, where chosen, "
                   "REGISTER with Expires: 0, which tests whether registration needs a password "
                   "without ever creating a registration. Each request carried a keyed token, so "
                   "only genuine answers to it were counted. Products and versions come from the "
                   "Server and User-Agent banners, matched against a fingerprint database; known "
                   "vulnerabilities from the published advisories' version ranges.");
    if (meta->audited || meta->invite_checked || meta->enumerated)
        ops->para(ctx, "The opt-in active checks ran as listed under What was tested. Password "
                       "guesses used REGISTER with Expires: 0 and were paced per host; found "
                       "passwords are not written in this report. An INVITE check offers no "
                       "media and ends every call at once (CANCEL, or ACK and BYE).");
    ops->list(ctx, 0, 1);
    ops->item(ctx, NULL,
              "No answer over UDP is not proof that nothing listens: a firewall may drop "
              "requests from this vantage, or a device may ignore unknown callers.");
    ops->item(ctx, NULL,
              "Only the listed ports and transports were probed; SIP on other ports "
              "(or over WebSocket) was not looked for.");
    ops->item(ctx, NULL,
              "The result is a snapshot of when the scan ran, seen from where it ran; "
              "another vantage (inside or outside the office) may see more or less.");
    ops->item(ctx, NULL,
              "Banners can be changed or hidden by administrators; version matches "
              "on distribution builds may already carry backported fixes.");
    ops->list(ctx, 0, 0);
}
