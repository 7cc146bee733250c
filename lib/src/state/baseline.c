#include "state/baseline.h"

#include "sipprobe/sipprobe.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void sp__baseline_init(sp__baseline *b)
{
    memset(b, 0, sizeof(*b));
}

void sp__baseline_free(sp__baseline *b)
{
    sp__strv_free(&b->keys);
    free(b->seen);
    sp__baseline_init(b);
}

/* The earliest scan start a result names: "first seen" for known findings. */
static void note_started(sp__baseline *b, const char *started)
{
    if (started && strlen(started) < sizeof(b->since) &&
        (!b->since[0] || strcmp(started, b->since) < 0))
        snprintf(b->since, sizeof(b->since), "%s", started);
}

static void add_service(sp__baseline *b, json_t *svc)
{
    note_started(b, json_string_value(json_object_get(
                        json_array_get(json_object_get(svc, "observations"), 0), "started")));
    const char *host = json_string_value(json_object_get(svc, "host"));
    const char *transport = json_string_value(json_object_get(svc, "transport"));
    json_int_t port = json_integer_value(json_object_get(svc, "port"));
    json_t *findings = json_object_get(svc, "findings");
    if (!host || !transport || !json_is_array(findings))
        return;
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f)
    {
        const char *id = json_string_value(json_object_get(f, "id"));
        if (!id)
            continue;
        char key[512];
        int n = snprintf(key, sizeof(key), strchr(host, ':') ? "[%s]:%lld/%s %s" : "%s:%lld/%s %s",
                         host, (long long)port, transport, id);
        if (n > 0 && (size_t)n < sizeof(key)) {
            sp__strv_push(&b->keys, key, (size_t)n);
        }
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int sp__baseline_load(sp__baseline *b, const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "cannot read baseline '%s': %s", path, strerror(errno));
        return SP_EIO;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        snprintf(err, errlen, "cannot read baseline '%s': it is a directory", path);
        return SP_EIO;
    }
    sp__buf text;
    sp__buf_init(&text);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        sp__buf_append(&text, chunk, n);
    int read_errno = ferror(fp) ? errno : 0;
    fclose(fp);
    if (read_errno) {
        sp__buf_free(&text);
        snprintf(err, errlen, "cannot read baseline '%s': %s", path, strerror(read_errno));
        return SP_EIO;
    }
    if (text.failed) {
        sp__buf_free(&text);
        return SP_ENOMEM;
    }
    /* An empty baseline would make every finding new: refused, not guessed. */
    size_t blank = 0;
    while (blank < text.len && strchr(" \t\r\n", text.data[blank]) && text.data[blank])
        blank++;
    if (blank == text.len) {
        sp__buf_free(&text);
        snprintf(err, errlen, "baseline '%s' is empty: not a sipprobe json or ndjson result", path);
        return SP_EDATA;
    }
    json_error_t je;
    json_t *doc = json_loadb(sp__buf_cstr(&text), text.len, 0, &je);
    int rc = 0;
    if (doc && json_is_array(json_object_get(doc, "services"))) {
        note_started(b,
                     json_string_value(json_object_get(json_object_get(doc, "scan"), "started")));
        size_t i;
        json_t *svc;
        json_array_foreach(json_object_get(doc, "services"), i, svc) add_service(b, svc);
    } else {
        /* ndjson: one service object per line. */
        const char *p = sp__buf_cstr(&text);
        unsigned line = 0;
        while (*p && !rc) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            line++;
            size_t k = 0;
            while (k < len && (p[k] == ' ' || p[k] == '\r' || p[k] == '\t'))
                k++;
            if (k < len) {
                json_t *o = json_loadb(p, len, 0, &je);
                if (!json_is_object(o) || !json_object_get(o, "host")) {
                    snprintf(err, errlen,
                             "baseline '%s' line %u: not a sipprobe json or ndjson result", path,
                             line);
                    rc = SP_EDATA;
                } else {
                    add_service(b, o);
                }
                json_decref(o);
            }
            p = nl ? nl + 1 : p + len;
        }
    }
    json_decref(doc);
    sp__buf_free(&text);
    if (rc)
        return rc;
    /* Sorted for binary search. */
    if (b->keys.n > 1)
        qsort(b->keys.v, b->keys.n, sizeof(char *), cmp_str);
    b->seen = calloc(b->keys.n ? b->keys.n : 1, 1);
    if (!b->seen)
        return SP_ENOMEM;
    b->loaded = 1;
    return 0;
}

int sp__baseline_check(sp__baseline *b, const char *key)
{
    size_t lo = 0, hi = b->keys.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(b->keys.v[mid], key);
        if (c == 0) {
            b->seen[mid] = 1;
            return 1;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

void sp__coverage_perm(const sp__coverage *c, sp__perm *perm)
{
    uint64_t n = c->targets ? c->targets->pairs * (c->n_methods ? c->n_methods : 1) : 0;
    sp__perm_init(perm, n, c->seed);
}

int sp__coverage_has(const sp__coverage *c, const sp__perm *perm, const sp__addr *a, uint16_t port,
                     uint8_t transport)
{
    if (!c->targets)
        return 1;
    uint64_t pair;
    if (!sp__targets_index(c->targets, a, port, transport, &pair))
        return 0;
    if (c->shard_count <= 1)
        return 1;
    uint64_t m = c->n_methods ? c->n_methods : 1;
    for (uint64_t i = 0; i < m; i++)
        if (!sp__walk_has(perm, pair * m + i, c->shard_index, c->shard_count))
            return 0;
    return 1;
}

/* Reads the endpoint a key begins with: "host:port/transport " ("[v6]:port/"
 * for IPv6). Returns 0 or -1. */
static int key_endpoint(const char *k, sp__addr *a, uint16_t *port, uint8_t *transport)
{
    char hostport[100];
    size_t n = strcspn(k, "/");
    if (n >= sizeof(hostport) || k[n] != '/')
        return -1;
    memcpy(hostport, k, n);
    hostport[n] = '\0';
    if (sp__addr_parse_port(hostport, a, port) != 0)
        return -1;
    const char *tr = k + n + 1;
    size_t tl = strcspn(tr, " ");
    for (int t = SP_TRANSPORT_UDP; t <= SP_TRANSPORT_WSS; t++) {
        const char *name = sp_transport_name((sp_transport)t);
        if (strlen(name) == tl && !strncmp(tr, name, tl)) {
            *transport = (uint8_t)t;
            return 0;
        }
    }
    return -1;
}

void sp__baseline_fixed(const sp__baseline *b, const sp__coverage *c, sp__strv *out)
{
    sp__perm perm;
    sp__coverage_perm(c, &perm);
    for (size_t i = 0; i < b->keys.n; i++) {
        if (b->seen[i])
            continue;
        const char *k = b->keys.v[i];
        sp__addr a;
        uint16_t port;
        uint8_t transport;
        if (key_endpoint(k, &a, &port, &transport) != 0)
            continue;
        if (sp__coverage_has(c, &perm, &a, port, transport))
            sp__strv_push(out, k, strlen(k));
    }
}
