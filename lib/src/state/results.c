#include "state/results.h"

#include "output/service_json.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct reader {
    const char *path;
    sp__result_info *info;
    sp__result_service_fn on_service;
    sp__result_problem_fn on_problem;
    void *ctx;
    int problems;
    const char *text;
    size_t len;
    sp_observation fallback; /* for services that carry no observation */
    char fallback_seen[32], fallback_started[32], fallback_version[32], fallback_shard[24];
} reader;

/* line 0: the file as a whole. */
static void problem(reader *r, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(reader *r, size_t line, const char *fmt, ...)
{
    char what[400], msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (line)
        snprintf(msg, sizeof(msg), "%s line %zu: %s", r->path, line, what);
    else
        snprintf(msg, sizeof(msg), "%s: %s", r->path, what);
    r->problems++;
    r->on_problem(r->ctx, msg);
}

static size_t line_at(const reader *r, size_t off)
{
    size_t line = 1;
    for (size_t i = 0; i < off && i < r->len; i++)
        line += r->text[i] == '\n';
    return line;
}

static void parse_shard(const char *s, unsigned *index, unsigned *count)
{
    unsigned i = 1, n = 1;
    if (!s || sscanf(s, "%u/%u", &i, &n) != 2 || n == 0 || i == 0 || i > n)
        i = n = 1;
    *index = i;
    *count = n;
}

static void copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src ? src : "");
}

/* In ndjson the first observation tells which scan (and shard) made the file. */
static void learn_from_observation(reader *r, const sp__svc *svc)
{
    sp__result_info *in = r->info;
    if (in->known || !svc->n_obs)
        return;
    const sp_observation *o = &svc->obs[0];
    copy(in->scan_id, sizeof(in->scan_id), o->scan_id);
    copy(in->targets_id, sizeof(in->targets_id), o->targets_id);
    copy(in->vantage, sizeof(in->vantage), o->vantage);
    in->seed = o->seed;
    parse_shard(o->shard, &in->shard_index, &in->shard_count);
    in->known = 1;
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A json document's scan block; returns -1 when its format is too new. */
static int learn_from_scan(reader *r, json_t *scan, size_t line)
{
    json_int_t format = json_integer_value(json_object_get(scan, "format"));
    if (format > SP__RESULT_FORMAT) {
        problem(r, line,
                "result format %lld is newer than this sipprobe reads (%d); upgrade sipprobe",
                (long long)format, SP__RESULT_FORMAT);
        return -1;
    }
    sp__result_info *in = r->info;
    copy(in->scan_id, sizeof(in->scan_id), jstr(scan, "id"));
    copy(in->targets_id, sizeof(in->targets_id), jstr(scan, "targets_id"));
    copy(in->vantage, sizeof(in->vantage), jstr(scan, "vantage"));
    in->seed = (uint64_t)json_integer_value(json_object_get(scan, "seed"));
    parse_shard(jstr(scan, "shard"), &in->shard_index, &in->shard_count);
    in->known = 1;
    /* What an older result without observations is stamped with. */
    sp_observation *f = &r->fallback;
    copy(r->fallback_started, sizeof(r->fallback_started), jstr(scan, "started"));
    copy(r->fallback_seen, sizeof(r->fallback_seen),
         jstr(scan, "finished") ? jstr(scan, "finished") : jstr(scan, "started"));
    copy(r->fallback_version, sizeof(r->fallback_version), jstr(scan, "version"));
    f->scan_id = in->scan_id[0] ? in->scan_id : r->path;
    f->vantage = in->vantage[0] ? in->vantage : "unknown";
    f->started = r->fallback_started;
    f->seen = r->fallback_seen;
    f->version = r->fallback_version;
    f->targets_id = in->targets_id;
    f->seed = in->seed;
    snprintf(r->fallback_shard, sizeof(r->fallback_shard), "%u/%u", in->shard_index,
             in->shard_count);
    f->shard = r->fallback_shard; /* the scan block is freed before its services are read */
    return 0;
}

static void take_service(reader *r, json_t *o, size_t line)
{
    int format = sp__result_format(o);
    if (format > SP__RESULT_FORMAT) {
        problem(r, line,
                "result format %d is newer than this sipprobe reads (%d); upgrade sipprobe", format,
                SP__RESULT_FORMAT);
        return;
    }
    sp__svc *svc = json_is_object(o) ? sp__service_from_json(o) : NULL;
    if (!svc) {
        problem(r, line, "not a sipprobe result (a service has a host, port and transport)");
        return;
    }
    if (!svc->n_obs) {
        char answer[256];
        sp_observation ob = r->fallback;
        sp__svc_answer(svc, answer, sizeof(answer));
        ob.answer = answer;
        sp__svc_add_observation(svc, &ob);
        sp__svc_publish(svc);
    }
    learn_from_observation(r, svc);
    r->info->services++;
    r->on_service(r->ctx, svc);
}

static size_t skip_ws(const reader *r, size_t p)
{
    while (p < r->len && strchr(" \t\r\n", r->text[p]) && r->text[p])
        p++;
    return p;
}

/* The next JSON value at *p, which then points past it; NULL at damage. */
static json_t *value_at(const reader *r, size_t *p)
{
    json_error_t je;
    size_t at = skip_ws(r, *p);
    json_t *v = json_loadb(r->text + at, r->len - at, JSON_DISABLE_EOF_CHECK, &je);
    if (v)
        *p = at + (size_t)je.position;
    return v;
}

/* 1 if the literal lit comes next (after white space); *p then points past it. */
static int literal(const reader *r, size_t *p, const char *lit)
{
    size_t at = skip_ws(r, *p), n = strlen(lit);
    if (at + n > r->len || memcmp(r->text + at, lit, n) != 0)
        return 0;
    *p = at + n;
    return 1;
}

/* A document that does not parse as a whole (cut off by a full disk or a
 * killed job): its scan block and every whole service before the damage
 * are still read, in the order the json writer puts them. */
static void salvage_document(reader *r, const json_error_t *whole)
{
    problem(r, (size_t)whole->line,
            "not a complete json document (%s); what comes before is reported", whole->text);
    size_t p = 0;
    if (!literal(r, &p, "{") || !literal(r, &p, "\"scan\"") || !literal(r, &p, ":"))
        return;
    size_t scan_line = line_at(r, p);
    json_t *scan = value_at(r, &p);
    int newer = scan ? learn_from_scan(r, scan, scan_line) : -1;
    json_decref(scan);
    if (newer || !literal(r, &p, ",") || !literal(r, &p, "\"services\"") || !literal(r, &p, ":") ||
        !literal(r, &p, "["))
        return;
    for (int first = 1;; first = 0) {
        if (literal(r, &p, "]") || (!first && !literal(r, &p, ",")))
            return;
        size_t line = line_at(r, skip_ws(r, p));
        json_t *o = value_at(r, &p);
        if (!o)
            return;
        take_service(r, o, line);
        json_decref(o);
    }
}

static void read_document(reader *r, json_t *doc)
{
    if (learn_from_scan(r, json_object_get(doc, "scan"), 2) != 0)
        return;
    json_t *sum = json_object_get(doc, "summary");
    r->info->probes_sent = (uint64_t)json_integer_value(json_object_get(sum, "probes_sent"));
    r->info->replies = (uint64_t)json_integer_value(json_object_get(sum, "replies"));
    size_t i;
    json_t *svc;
    json_array_foreach(json_object_get(doc, "services"), i, svc)
    {
        /* A whole document has no line per service: the writer's layout is
         * not the reader's business. The service's index says which. */
        if (json_is_object(svc) && json_object_get(svc, "host")) {
            take_service(r, svc, 0);
        } else {
            problem(r, 0, "service %zu is not a sipprobe service", i + 1);
        }
    }
}

static void read_ndjson(reader *r)
{
    size_t p = 0, line = 0;
    while (p < r->len) {
        const char *s = r->text + p;
        const char *nl = memchr(s, '\n', r->len - p);
        size_t n = nl ? (size_t)(nl - s) : r->len - p;
        line++;
        p += n + (nl != NULL);
        size_t k = 0;
        while (k < n && strchr(" \t\r", s[k]) && s[k])
            k++;
        if (k == n)
            continue;
        json_error_t je;
        json_t *o = json_loadb(s, n, 0, &je);
        if (!o && !nl)
            problem(r, line, "truncated: the file ends in the middle of a line");
        else if (!o)
            problem(r, line, "not JSON (%s)", je.text);
        else if (!json_is_object(o) || !json_object_get(o, "host"))
            problem(r, line, "not a sipprobe result (a service has a host, port and transport)");
        else
            take_service(r, o, line);
        json_decref(o);
    }
}

/* The whole file in memory (results are read once, services kept anyway). */
static char *slurp(reader *r, size_t *len)
{
    FILE *fp = fopen(r->path, "rb");
    if (!fp) {
        problem(r, 0, "cannot read: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        problem(r, 0, "cannot read: it is a directory");
        return NULL;
    }
    sp__buf b;
    sp__buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        sp__buf_append(&b, chunk, n);
    int err = ferror(fp) ? errno : 0;
    fclose(fp);
    if (err || b.failed) {
        problem(r, 0, "cannot read: %s", err ? strerror(err) : "out of memory");
        sp__buf_free(&b);
        return NULL;
    }
    sp__buf_cstr(&b);
    *len = b.len;
    return b.data ? b.data : strdup("");
}

int sp__results_read(const char *path, sp__result_info *info, sp__result_service_fn on_service,
                     sp__result_problem_fn on_problem, void *ctx)
{
    memset(info, 0, sizeof(*info));
    info->path = path;
    info->shard_index = info->shard_count = 1;
    reader r = {
        .path = path, .info = info, .on_service = on_service, .on_problem = on_problem, .ctx = ctx};
    r.fallback = (sp_observation){.scan_id = path, .vantage = "unknown", .shard = "1/1"};
    size_t len = 0;
    char *text = slurp(&r, &len);
    if (!text)
        return r.problems;
    r.text = text;
    r.len = len;
    size_t p = skip_ws(&r, 0);
    if (p == len) {
        problem(&r, 0, "empty: not a sipprobe json or ndjson result");
    } else {
        /* A document begins with its scan block; an ndjson line with a host. */
        size_t q = p;
        int document = literal(&r, &q, "{") && literal(&r, &q, "\"scan\"");
        json_error_t je;
        json_t *doc = document ? json_loadb(text, len, 0, &je) : NULL;
        if (doc)
            read_document(&r, doc);
        else if (document)
            salvage_document(&r, &je);
        else
            read_ndjson(&r);
        json_decref(doc);
    }
    free(text);
    return r.problems;
}
