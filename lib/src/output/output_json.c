/* JSON writers: "ndjson" streams one object per service as it is found;
 * "json" writes one document {"scan", "services", "summary"} at the end.
 * All strings go through jansson after UTF-8 repair, never by hand. */
#include "output/output.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

json_t *sp__json_str(const char *s)
{
    if (!s)
        return json_null();
    if (sp__utf8_valid(s))
        return json_stringn_nocheck(s, strlen(s)); /* validated just now */
    sp__buf b;
    sp__buf_init(&b);
    sp__buf_utf8(&b, s);
    json_t *j = json_string(sp__buf_cstr(&b));
    sp__buf_free(&b);
    return j ? j : json_string("");
}

static json_t *jstr_array(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, sp__json_str(v[i]));
    return a;
}

json_t *sp__service_json(const sp_service *svc)
{
    json_t *o = json_object();
    json_object_set_new(o, "host", sp__json_str(svc->host));
    json_object_set_new(o, "port", json_integer(svc->port));
    json_object_set_new(o, "transport", json_string(sp_transport_name(svc->transport)));
    json_object_set_new(o, "responder", sp__json_str(svc->responder));
    json_object_set_new(o, "responder_differs", json_boolean(svc->responder_differs));
    json_object_set_new(o, "role", sp__json_str(svc->role));

    json_t *replies = json_array();
    for (size_t i = 0; i < svc->n_replies; i++) {
        const sp_reply *r = &svc->replies[i];
        json_t *jr = json_object();
        json_object_set_new(jr, "method", sp__json_str(r->method));
        json_object_set_new(jr, "status", json_integer(r->status));
        json_object_set_new(jr, "reason", sp__json_str(r->reason));
        json_object_set_new(jr, "rtt_ms", json_real(round(r->rtt_ms * 10) / 10));
        json_object_set_new(jr, "bytes", json_integer((json_int_t)r->bytes));
        json_object_set_new(jr, "request_bytes", json_integer((json_int_t)r->request_bytes));
        json_object_set_new(jr, "challenged", json_boolean(r->challenged));
        json_object_set_new(jr, "realm", sp__json_str(r->realm));
        json_object_set_new(jr, "algorithm", sp__json_str(r->algorithm));
        json_object_set_new(jr, "qop", sp__json_str(r->qop));
        json_array_append_new(replies, jr);
    }
    json_object_set_new(o, "replies", replies);
    json_object_set_new(o, "server", sp__json_str(svc->server));
    json_object_set_new(o, "user_agent", sp__json_str(svc->user_agent));
    json_object_set_new(o, "allow", jstr_array(svc->allow, svc->n_allow));
    json_object_set_new(o, "supported", jstr_array(svc->supported, svc->n_supported));
    json_object_set_new(o, "contacts", jstr_array(svc->contacts, svc->n_contacts));
    json_object_set_new(o, "vias", jstr_array(svc->vias, svc->n_vias));

    if (svc->tls) {
        const sp_tls_info *t = svc->tls;
        json_t *jt = json_object();
        json_object_set_new(jt, "version", sp__json_str(t->version));
        json_object_set_new(jt, "cipher", sp__json_str(t->cipher));
        json_object_set_new(jt, "subject", sp__json_str(t->subject));
        json_object_set_new(jt, "issuer", sp__json_str(t->issuer));
        json_object_set_new(jt, "sans", jstr_array(t->sans, t->n_sans));
        json_object_set_new(jt, "not_before", sp__json_str(t->not_before));
        json_object_set_new(jt, "not_after", sp__json_str(t->not_after));
        json_object_set_new(jt, "expired", json_boolean(t->expired));
        json_object_set_new(jt, "self_signed", json_boolean(t->self_signed));
        json_object_set_new(jt, "key_type", sp__json_str(t->key_type));
        json_object_set_new(jt, "key_bits", json_integer(t->key_bits));
        json_object_set_new(jt, "sha256", sp__json_str(t->sha256));
        json_object_set_new(o, "tls", jt);
    } else {
        json_object_set_new(o, "tls", json_null());
    }

    if (svc->fingerprint) {
        const sp_fingerprint *f = svc->fingerprint;
        json_t *jf = json_object();
        json_object_set_new(jf, "vendor", sp__json_str(f->vendor));
        json_object_set_new(jf, "product", sp__json_str(f->product));
        json_object_set_new(jf, "version", sp__json_str(f->version));
        json_object_set_new(jf, "type", sp__json_str(f->type));
        json_object_set_new(jf, "cpe", sp__json_str(f->cpe));
        json_object_set_new(jf, "rule", sp__json_str(f->rule));
        json_object_set_new(o, "fingerprint", jf);
    } else {
        json_object_set_new(o, "fingerprint", json_null());
    }

    if (svc->enumeration) {
        const sp_enumeration *en = svc->enumeration;
        json_t *je = json_object();
        json_object_set_new(je, "baseline_user", sp__json_str(en->baseline_user));
        json_object_set_new(je, "baseline_status",
                            en->baseline_status ? json_integer(en->baseline_status) : json_null());
        json_object_set_new(je, "baseline_reason",
                            en->baseline_status ? sp__json_str(en->baseline_reason) : json_null());
        json_object_set_new(je, "tried", json_integer(en->total));
        json_object_set_new(je, "answered", json_integer(en->answered));
        json_object_set_new(je, "possible", json_boolean(en->possible));
        json_object_set_new(je, "extensions", jstr_array(en->extensions, en->n_extensions));
        json_object_set_new(je, "note", sp__json_str(en->note));
        json_object_set_new(o, "enumeration", je);
    } else {
        json_object_set_new(o, "enumeration", json_null());
    }

    json_t *findings = json_array();
    for (size_t i = 0; i < svc->n_findings; i++) {
        const sp_finding *f = &svc->findings[i];
        json_t *jf = json_object();
        json_object_set_new(jf, "id", sp__json_str(f->id));
        json_object_set_new(jf, "severity", json_string(sp_severity_name(f->severity)));
        json_object_set_new(jf, "title", sp__json_str(f->title));
        json_object_set_new(jf, "evidence", jstr_array(f->evidence, f->n_evidence));
        json_object_set_new(jf, "remediation", sp__json_str(f->remediation));
        if (f->is_new >= 0)
            json_object_set_new(jf, "new", json_boolean(f->is_new));
        json_array_append_new(findings, jf);
    }
    json_object_set_new(o, "findings", findings);
    json_object_set_new(o, "max_severity",
                        svc->max_severity == SP_SEV_NONE
                            ? json_null()
                            : json_string(sp_severity_name(svc->max_severity)));
    return o;
}

static int ndjson_line(sp__writer *w, const char *line)
{
    /* Lines go out at least every 50 ms (engine/wait.c flushes idle writers too)
     * and at the end: a reader of the stream sees each service promptly,
     * without one system call per service when thousands answer each
     * second. */
    if (fputs(line, w->fp) == EOF || fputc('\n', w->fp) == EOF) {
        w->failed = 1;
        return -1;
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    if (now - w->flushed_ns >= 50000000ull) {
        w->flushed_ns = now;
        if (fflush(w->fp) != 0) {
            w->failed = 1;
            return -1;
        }
    }
    return 0;
}

static int ndjson_service(sp__writer *w, const sp_service *svc)
{
    char *line = sp__service_line(svc);
    int rc = line ? ndjson_line(w, line) : -1;
    free(line);
    return rc;
}

const sp__writer_type sp__writer_ndjson = {
    .name = "ndjson",
    .description = "one JSON object per service and line, written as services are found",
    .streaming = 1,
    .service = ndjson_service,
    .service_line = ndjson_line,
};

static json_t *scan_json(const sp__scan_meta *m)
{
    json_t *s = json_object();
    json_object_set_new(s, "tool", json_string("sipprobe"));
    json_object_set_new(s, "version", json_string(m->version));
    json_object_set_new(s, "targets",
                        jstr_array((const char *const *)m->targets->v, m->targets->n));
    json_object_set_new(s, "excludes",
                        jstr_array((const char *const *)m->excludes->v, m->excludes->n));
    json_object_set_new(s, "ports", sp__json_str(m->ports));
    json_object_set_new(s, "transports", sp__json_str(m->transports));
    json_object_set_new(s, "methods", sp__json_str(m->methods));
    json_object_set_new(s, "rate", json_integer(m->rate));
    json_object_set_new(s, "retries", json_integer(m->retries));
    json_object_set_new(s, "wait_ms", json_integer(m->wait_ms));
    json_object_set_new(s, "seed", json_integer((json_int_t)(m->seed & 0x7fffffffffffffffULL)));
    char shard[32];
    snprintf(shard, sizeof(shard), "%u/%u", m->shard_index, m->shard_count);
    json_object_set_new(s, "shard", json_string(shard));
    json_object_set_new(s, "user_agent", sp__json_str(m->user_agent));
    json_object_set_new(s, "started", sp__json_str(m->started));
    json_object_set_new(s, "finished", sp__json_str(m->finished));
    return s;
}

static json_t *summary_json(const sp_summary *sum)
{
    json_t *s = json_object();
    json_object_set_new(s, "probes_sent", json_integer((json_int_t)sum->probes_sent));
    json_object_set_new(s, "replies", json_integer((json_int_t)sum->replies));
    json_object_set_new(s, "unmatched_datagrams", json_integer((json_int_t)sum->bad_replies));
    json_object_set_new(s, "services", json_integer((json_int_t)sum->services));
    json_t *c = json_object();
    json_object_set_new(c, "attempts", json_integer((json_int_t)sum->connections));
    json_object_set_new(c, "refused", json_integer((json_int_t)sum->conn_refused));
    json_object_set_new(c, "filtered", json_integer((json_int_t)sum->conn_filtered));
    json_object_set_new(c, "no_reply", json_integer((json_int_t)sum->conn_no_reply));
    json_object_set_new(c, "tls_failed", json_integer((json_int_t)sum->tls_failed));
    json_object_set_new(s, "connections", c);
    json_t *by = json_object();
    for (int i = SP_SEV_INFO; i <= SP_SEV_CRITICAL; i++)
        json_object_set_new(by, sp_severity_name((sp_severity)i),
                            json_integer((json_int_t)sum->findings_by_severity[i]));
    json_object_set_new(s, "findings_by_severity", by);
    json_object_set_new(s, "max_severity",
                        sum->max_severity == SP_SEV_NONE
                            ? json_null()
                            : json_string(sp_severity_name(sum->max_severity)));
    json_object_set_new(s, "elapsed_s", json_real(round(sum->elapsed_s * 1000) / 1000));
    json_object_set_new(s, "interrupted", json_boolean(sum->interrupted));
    return s;
}

/* The document is written piece by piece, one service at a time, so a
 * large scan never holds a whole JSON tree in memory. */
static int json_end(sp__writer *w, const sp__scan_meta *meta, const sp_service *const *all,
                    size_t n)
{
    const size_t flags = JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(10);
    FILE *fp = w->fp;
    int rc = 0;
    json_t *scan = scan_json(meta);
    fputs("{\n\"scan\": ", fp);
    rc |= json_dumpf(scan, fp, flags);
    json_decref(scan);
    fputs(",\n\"services\": [", fp);
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *j = sp__service_json(all[i]);
        fputs(i ? ",\n" : "\n", fp);
        rc |= json_dumpf(j, fp, flags);
        json_decref(j);
    }
    fputs(n ? "\n],\n\"summary\": " : "],\n\"summary\": ", fp);
    json_t *sum = summary_json(meta->summary);
    if (meta->fixed) {
        json_object_set_new(sum, "new_findings",
                            json_integer((json_int_t)meta->summary->new_findings));
        json_object_set_new(sum, "fixed",
                            jstr_array((const char *const *)meta->fixed->v, meta->fixed->n));
    }
    rc |= json_dumpf(sum, fp, flags);
    json_decref(sum);
    fputs("\n}\n", fp);
    if (rc != 0 || ferror(fp)) {
        w->failed = 1;
        return -1;
    }
    return 0;
}

const sp__writer_type sp__writer_json = {
    .name = "json",
    .description = "one JSON document {scan, services, summary}, written at the end",
    .streaming = 0,
    .end = json_end,
};
