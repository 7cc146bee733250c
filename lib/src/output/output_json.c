/* JSON writers: "ndjson" streams one object per service as it is found;
 * "json" writes one document {"scan", "services", "summary"} at the end.
 * A service's JSON form is service_json.c's; these only place it. */
#include "output/writer.h"
#include "output/service_json.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    json_object_set_new(s, "format", json_integer(SP__RESULT_FORMAT));
    json_object_set_new(s, "id", sp__json_str(m->scan_id));
    json_object_set_new(s, "vantage", sp__json_str(m->vantage));
    json_object_set_new(s, "targets_id", sp__json_str(m->targets_id));
    json_object_set_new(s, "targets",
                        sp__json_strs((const char *const *)m->targets->v, m->targets->n));
    json_object_set_new(s, "excludes",
                        sp__json_strs((const char *const *)m->excludes->v, m->excludes->n));
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
    if (m->results) /* a report: what it merged, and what did not fit */
        json_object_set_new(s, "results",
                            sp__json_strs((const char *const *)m->results->v, m->results->n));
    if (m->warnings)
        json_object_set_new(s, "warnings",
                            sp__json_strs((const char *const *)m->warnings->v, m->warnings->n));
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
    if (sum->ws_no_upgrade)
        json_object_set_new(c, "no_websocket_upgrade",
                            json_integer((json_int_t)sum->ws_no_upgrade));
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
    if (meta->summary->accepted)
        json_object_set_new(sum, "accepted", json_integer((json_int_t)meta->summary->accepted));
    if (meta->fail_on != SP_SEV_NONE)
        json_object_set_new(sum, "failing", json_integer((json_int_t)meta->summary->failing));
    if (meta->fixed) {
        json_object_set_new(sum, "new_findings",
                            json_integer((json_int_t)meta->summary->new_findings));
        json_object_set_new(sum, "fixed",
                            sp__json_strs((const char *const *)meta->fixed->v, meta->fixed->n));
        if (meta->fixed_unknown) /* an empty list would read as "nothing was fixed" */
            json_object_set_new(sum, "fixed_determined", json_false());
        if (meta->not_seen)
            json_object_set_new(
                sum, "not_seen",
                sp__json_strs((const char *const *)meta->not_seen->v, meta->not_seen->n));
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
