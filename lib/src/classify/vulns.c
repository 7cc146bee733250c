#include "classify/vulns.h"

#include "sipprobe/sipprobe.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char sp__builtin_cves[];
extern const size_t sp__builtin_cves_len;

typedef struct range {
    char *from;   /* NULL: no lower bound */
    char *before; /* NULL: no upper bound */
} range;

struct sp__vuln {
    char *product, *cve, *summary;
    range *ranges;
    size_t n_ranges;
};

void sp__vulndb_init(sp__vulndb *db)
{
    memset(db, 0, sizeof(*db));
}

void sp__vulndb_free(sp__vulndb *db)
{
    for (size_t i = 0; i < db->n; i++) {
        sp__vuln *v = &db->v[i];
        free(v->product);
        free(v->cve);
        free(v->summary);
        for (size_t r = 0; r < v->n_ranges; r++) {
            free(v->ranges[r].from);
            free(v->ranges[r].before);
        }
        free(v->ranges);
    }
    free(db->v);
    sp__vulndb_init(db);
}

static char *opt_dup(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? strdup(s) : NULL;
}

int sp__vulndb_load(sp__vulndb *db, const char *json, size_t len, const char *origin, char *err,
                    size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loadb(json, len, 0, &jerr);
    if (!root) {
        snprintf(err, errlen, "%s:%d:%d: %s", origin, jerr.line, jerr.column, jerr.text);
        return SP_EDATA;
    }
    json_t *entries = json_object_get(root, "entries");
    size_t n = json_array_size(entries);
    sp__vuln *v = calloc(n ? n : 1, sizeof(*v));
    if (!json_is_array(entries) || !v) {
        snprintf(err, errlen, "%s: expected an object with an \"entries\" array", origin);
        json_decref(root);
        free(v);
        return SP_EDATA;
    }
    db->v = v;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(entries, i);
        json_t *aff = json_object_get(e, "affected");
        v[i].product = opt_dup(e, "product");
        v[i].cve = opt_dup(e, "cve");
        v[i].summary = opt_dup(e, "summary");
        db->n = i + 1;
        if (!v[i].product || !v[i].cve || !json_is_array(aff)) {
            snprintf(err, errlen, "%s: entry %zu needs product, cve and affected", origin, i);
            json_decref(root);
            sp__vulndb_free(db);
            return SP_EDATA;
        }
        v[i].n_ranges = json_array_size(aff);
        v[i].ranges = calloc(v[i].n_ranges ? v[i].n_ranges : 1, sizeof(range));
        for (size_t r = 0; v[i].ranges && r < v[i].n_ranges; r++) {
            v[i].ranges[r].from = opt_dup(json_array_get(aff, r), "from");
            v[i].ranges[r].before = opt_dup(json_array_get(aff, r), "before");
        }
    }
    json_decref(root);
    return 0;
}

int sp__vulndb_load_builtin(sp__vulndb *db, char *err, size_t errlen)
{
    return sp__vulndb_load(db, sp__builtin_cves, sp__builtin_cves_len, "built-in CVE table", err,
                           errlen);
}

int sp__version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        unsigned long x = 0, y = 0;
        while (isdigit((unsigned char)*a))
            x = x * 10 + (unsigned long)(*a++ - '0');
        while (isdigit((unsigned char)*b))
            y = y * 10 + (unsigned long)(*b++ - '0');
        if (x != y)
            return x < y ? -1 : 1;
        /* Skip the rest of this component ("2c", "1-release") up to the next dot. */
        while (*a && *a != '.')
            a++;
        while (*b && *b != '.')
            b++;
        if (*a == '.')
            a++;
        if (*b == '.')
            b++;
    }
    return 0;
}

size_t sp__vulndb_match(const sp__vulndb *db, const char *product, const char *version,
                        void (*fn)(const char *cve, const char *summary, void *data), void *data)
{
    size_t count = 0;
    if (!product || !version || !isdigit((unsigned char)version[0]))
        return 0;
    for (size_t i = 0; i < db->n; i++) {
        const sp__vuln *v = &db->v[i];
        if (strcmp(v->product, product))
            continue;
        for (size_t r = 0; r < v->n_ranges; r++) {
            const range *g = &v->ranges[r];
            if ((!g->from || sp__version_cmp(version, g->from) >= 0) &&
                (!g->before || sp__version_cmp(version, g->before) < 0)) {
                fn(v->cve, v->summary ? v->summary : "", data);
                count++;
                break;
            }
        }
    }
    return count;
}
