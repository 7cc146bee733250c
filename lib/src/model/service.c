#include "model/service.h"

#include "classify/catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sp__svc *sp__svc_new(const sp__addr *host, uint16_t port, uint8_t transport)
{
    sp__svc *svc = calloc(1, sizeof(*svc));
    if (!svc)
        return NULL;
    svc->host = *host;
    svc->port = port;
    svc->transport = transport;
    sp__addr_format(host, svc->host_s, sizeof(svc->host_s));
    return svc;
}

void sp__svc_free(sp__svc *svc)
{
    if (!svc)
        return;
    for (size_t i = 0; i < svc->n_replies; i++) {
        free((char *)svc->replies[i].reason);
        free((char *)svc->replies[i].realm);
        free((char *)svc->replies[i].algorithm);
        free((char *)svc->replies[i].qop);
    }
    free(svc->server);
    free(svc->user_agent);
    free(svc->to_tag);
    sp__strv_free(&svc->allow);
    sp__strv_free(&svc->supported);
    sp__strv_free(&svc->contacts);
    sp__strv_free(&svc->vias);
    sp__strv_free(&svc->warnings);
    sp__strv_free(&svc->record_routes);
    sp__strv_free(&svc->sdp_addrs);
    sp__strv_free(&svc->headers);
    sp__strv_free(&svc->dns);
    sp__strv_free(&svc->dns_leaks);
    sp__strv_free(&svc->owned);
    free(svc->header_order);
    free(svc->alg_evidence);
    free(svc->fp_version);
    free(svc->fp_cpe);
    for (size_t i = 0; i < svc->n_findings; i++)
        sp__strv_free(&svc->evidence[i]);
    free(svc->findings);
    free(svc->evidence);
    sp__enum_free(svc->en);
    if (svc->audit) {
        free(svc->audit->weak);
        sp__strv_free(&svc->audit->strs);
        free(svc->audit);
    }
    sp__strv_free(&svc->en_found);
    sp__tls_cert_free(svc->tls);
    free(svc->obs);
    free(svc);
}

int sp__svc_order(const sp__svc *x, const sp__svc *y)
{
    if (x->host.family != y->host.family)
        return x->host.family < y->host.family ? -1 : 1;
    int c = memcmp(x->host.bytes, y->host.bytes, 16);
    if (c)
        return c;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    return (int)x->transport - (int)y->transport;
}

void sp__svc_set_responder(sp__svc *svc, const sp__addr *from, uint16_t from_port)
{
    if (svc->responder_s[0])
        return;
    svc->responder = *from;
    svc->responder_port = from_port;
    sp__addr_format_port(from, from_port, svc->responder_s, sizeof(svc->responder_s));
}

/* A new finding slot for id with empty evidence; NULL when the service has
 * it already (*dup set), for an unknown id, or when out of memory. */
static sp_finding *new_finding(sp__svc *svc, const char *id, int *dup)
{
    const sp_finding_info *info = sp__finding_lookup(id);
    *dup = 0;
    if (!info)
        return NULL;
    for (size_t i = 0; i < svc->n_findings; i++)
        if (!strcmp(svc->findings[i].id, id)) {
            *dup = 1;
            return NULL;
        }
    if (svc->n_findings == svc->cap_findings) {
        size_t cap = svc->cap_findings ? svc->cap_findings * 2 : 4;
        sp_finding *f = realloc(svc->findings, cap * sizeof(*f));
        if (!f)
            return NULL;
        svc->findings = f;
        sp__strv *e = realloc(svc->evidence, cap * sizeof(*e));
        if (!e)
            return NULL;
        svc->evidence = e;
        svc->cap_findings = cap;
    }
    size_t k = svc->n_findings++;
    memset(&svc->evidence[k], 0, sizeof(svc->evidence[k]));
    svc->findings[k].id = info->id;
    svc->findings[k].severity = info->severity;
    svc->findings[k].title = info->title;
    svc->findings[k].remediation = info->remediation;
    svc->findings[k].is_new = -1;
    svc->findings[k].accepted = NULL;
    return &svc->findings[k];
}

int sp__svc_add_finding(sp__svc *svc, const char *id, const char *const *evidence, size_t n)
{
    int dup;
    sp_finding *f = new_finding(svc, id, &dup);
    if (!f)
        return dup ? 0 : -1;
    sp__strv *ev = &svc->evidence[f - svc->findings];
    for (size_t i = 0; i < n; i++)
        if (evidence[i])
            sp__strv_push(ev, evidence[i], strlen(evidence[i]));
    return 0;
}

sp_finding *sp__svc_add_finding_take(sp__svc *svc, const char *id, sp__strv *evidence)
{
    int dup;
    sp_finding *f = new_finding(svc, id, &dup);
    if (f) {
        svc->evidence[f - svc->findings] = *evidence;
        memset(evidence, 0, sizeof(*evidence));
    }
    return f;
}

void sp__svc_add_evidence(sp__svc *svc, const char *id, const char *line)
{
    for (size_t i = 0; i < svc->n_findings; i++)
        if (!strcmp(svc->findings[i].id, id) && svc->evidence[i].n < 16)
            sp__strv_push(&svc->evidence[i], line, strlen(line));
}

void sp__svc_finish_enumeration(sp__svc *svc, const sp__extlist *list)
{
    const sp__enum *e = svc->en;
    if (!e)
        return;
    svc->has_enum = 1;
    sp_enumeration *p = &svc->en_pub;
    p->possible = sp__enum_evaluate(e, list, &svc->en_found, svc->en_note, sizeof(svc->en_note));
    p->baseline_user = e->baseline_user;
    p->baseline_status = (int)(e->baseline >> 32);
    p->baseline_reason = e->baseline_reason;
    p->total = e->n;
    p->answered = 0;
    for (uint32_t i = 0; i < e->n; i++)
        p->answered += e->answer[i] != 0;
    p->note = svc->en_note;
}

sp__svc_audit *sp__svc_audit_get(sp__svc *svc)
{
    if (!svc->audit)
        svc->audit = calloc(1, sizeof(*svc->audit));
    return svc->audit;
}

/* A copy owned by the audit record, or NULL. */
static const char *audit_str(sp__svc_audit *a, const char *v)
{
    if (!v || sp__strv_push(&a->strs, v, strlen(v)) != 0)
        return NULL;
    return a->strs.v[a->strs.n - 1];
}

void sp__svc_audit_add_weak(sp__svc *svc, const char *ext, const char *kind, const char *alg,
                            const char *password)
{
    sp__svc_audit *a = sp__svc_audit_get(svc);
    sp_weak_password *v = a ? realloc(a->weak, (a->n_weak + 1) * sizeof(*v)) : NULL;
    if (!v)
        return;
    a->weak = v;
    sp_weak_password *w = &v[a->n_weak++];
    w->extension = audit_str(a, ext);
    w->kind = audit_str(a, kind);
    w->algorithm = audit_str(a, alg);
    w->password = audit_str(a, password);
}

static void publish_audit(sp__svc_audit *a)
{
    sp_audit *p = &a->pub;
    p->weak = a->weak;
    p->n_weak = a->n_weak;
    p->protection_note = a->protection_note[0] ? a->protection_note : NULL;
    p->note = a->note[0] ? a->note : NULL;
    p->invite_result = a->invite_result[0] ? a->invite_result : NULL;
    p->invite_note = a->invite_note[0] ? a->invite_note : NULL;
}

void sp__svc_publish(sp__svc *svc)
{
    sp_service *p = &svc->pub;
    p->host = svc->host_s;
    p->port = svc->port;
    p->transport = (sp_transport)svc->transport;
    p->responder = svc->responder_s;
    p->responder_differs = svc->responder_s[0] && !sp__addr_equal(&svc->host, &svc->responder);
    p->replies = svc->replies;
    p->n_replies = svc->n_replies;
    p->server = svc->server;
    p->user_agent = svc->user_agent;
    p->allow = (const char *const *)svc->allow.v;
    p->n_allow = svc->allow.n;
    p->supported = (const char *const *)svc->supported.v;
    p->n_supported = svc->supported.n;
    p->contacts = (const char *const *)svc->contacts.v;
    p->n_contacts = svc->contacts.n;
    p->vias = (const char *const *)svc->vias.v;
    p->n_vias = svc->vias.n;
    p->fingerprint = svc->has_fp ? &svc->fp : NULL;
    p->max_severity = SP_SEV_NONE;
    for (size_t i = 0; i < svc->n_findings; i++) {
        svc->findings[i].evidence = (const char *const *)svc->evidence[i].v;
        svc->findings[i].n_evidence = svc->evidence[i].n;
        if ((int)svc->findings[i].severity > (int)p->max_severity)
            p->max_severity = svc->findings[i].severity;
    }
    if (svc->has_enum) {
        svc->en_pub.extensions = (const char *const *)svc->en_found.v;
        svc->en_pub.n_extensions = svc->en_found.n;
        p->enumeration = &svc->en_pub;
    } else {
        p->enumeration = NULL;
    }
    p->findings = svc->findings;
    p->n_findings = svc->n_findings;
    p->tls = svc->tls ? &svc->tls->pub : NULL;
    p->role = svc->role[0] ? svc->role : NULL;
    p->websocket = svc->has_ws ? &svc->ws_pub : NULL;
    p->dns = (const char *const *)svc->dns.v;
    p->n_dns = svc->dns.n;
    if (svc->audit)
        publish_audit(svc->audit);
    p->audit = svc->audit ? &svc->audit->pub : NULL;
    p->observations = svc->obs;
    p->n_observations = svc->n_obs;
}

/* A copy of s that lives as long as the record (NULL stays NULL). */
static const char *own(sp__svc *svc, const char *s, int *failed)
{
    if (!s)
        return NULL;
    if (sp__strv_push(&svc->owned, s, strlen(s))) {
        *failed = 1;
        return NULL;
    }
    return svc->owned.v[svc->owned.n - 1];
}

int sp__svc_add_observation(sp__svc *svc, const sp_observation *o)
{
    if (svc->n_obs == svc->cap_obs) {
        size_t cap = svc->cap_obs ? svc->cap_obs * 2 : 1;
        sp_observation *v = realloc(svc->obs, cap * sizeof(*v));
        if (!v)
            return -1;
        svc->obs = v;
        svc->cap_obs = cap;
    }
    int failed = 0;
    sp_observation c = *o;
    c.scan_id = own(svc, o->scan_id, &failed);
    c.vantage = own(svc, o->vantage, &failed);
    c.seen = own(svc, o->seen, &failed);
    c.started = own(svc, o->started, &failed);
    c.shard = own(svc, o->shard, &failed);
    c.targets_id = own(svc, o->targets_id, &failed);
    c.version = own(svc, o->version, &failed);
    c.answer = own(svc, o->answer, &failed);
    if (failed)
        return -1;
    svc->obs[svc->n_obs++] = c;
    return 0;
}

void sp__svc_answer(const sp__svc *svc, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < svc->n_replies && used < len; i++) {
        int n =
            snprintf(buf + used, len - used, "%s%s %d", i ? ", " : "",
                     svc->replies[i].method ? svc->replies[i].method : "?", svc->replies[i].status);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

void sp__svc_set_websocket(sp__svc *svc, const char *path, int status, const char *server)
{
    snprintf(svc->ws_path, sizeof(svc->ws_path), "%s", path ? path : "");
    snprintf(svc->ws_server, sizeof(svc->ws_server), "%s", server ? server : "");
    svc->ws_pub.path = svc->ws_path;
    svc->ws_pub.status = status;
    svc->ws_pub.server = server ? svc->ws_server : NULL;
    svc->has_ws = 1;
}
