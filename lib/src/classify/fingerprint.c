#define PCRE2_CODE_UNIT_WIDTH 8
#include "classify/fingerprint.h"

#include "sip/header.h"
#include "sipprobe/sipprobe.h"

#include <jansson.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char sp__builtin_fingerprints[];
extern const size_t sp__builtin_fingerprints_len;

struct sp__fprule {
    char *id, *vendor, *product, *type, *cpe;
    sp__fp_field field;
    char *header; /* for SP__FIELD_HEADER */
    pcre2_code *re;
    uint32_t version_group; /* 0: none */
    uint32_t model_group;   /* 0: none; fills {model} in the CPE */
};

static const char *const field_names[SP__FIELD_COUNT] = {
    "banner", "server",  "user-agent",   "to-tag",  "realm",
    "allow",  "warning", "header-order", "header:",
};

/* Banners longer than this are cut before matching: bounds regex cost. */
#define MAX_SUBJECT 1024

void sp__fpdb_init(sp__fpdb *db)
{
    memset(db, 0, sizeof(*db));
}

static void rule_free(sp__fprule *r)
{
    free(r->id);
    free(r->vendor);
    free(r->product);
    free(r->type);
    free(r->cpe);
    free(r->header);
    pcre2_code_free(r->re);
}

void sp__fpdb_free(sp__fpdb *db)
{
    for (size_t i = 0; i < db->n; i++)
        rule_free(&db->rules[i]);
    free(db->rules);
    sp__fpdb_init(db);
}

static char *opt_string(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? strdup(s) : NULL;
}

static int parse_rule(json_t *obj, sp__fprule *r, const char *origin, size_t idx, char *err,
                      size_t errlen)
{
    memset(r, 0, sizeof(*r));
    const char *id = json_string_value(json_object_get(obj, "id"));
    const char *regex = json_string_value(json_object_get(obj, "regex"));
    const char *field = json_string_value(json_object_get(obj, "field"));
    const char *product = json_string_value(json_object_get(obj, "product"));
    if (!json_is_object(obj) || !id || !regex || !product) {
        snprintf(err, errlen, "%s: rule %zu: needs string fields id, product and regex", origin,
                 idx);
        return SP_EDATA;
    }
    r->field = SP__FIELD_BANNER;
    if (field) {
        int found = 0;
        /* "header:" takes a name; it is never a field on its own. */
        for (int f = 0; f < SP__FIELD_COUNT; f++)
            if (f != SP__FIELD_HEADER && !strcmp(field, field_names[f])) {
                r->field = (sp__fp_field)f;
                found = 1;
            }
        if (!strncmp(field, "header:", 7) && field[7]) {
            r->field = SP__FIELD_HEADER;
            r->header = strdup(field + 7);
            found = r->header != NULL;
        }
        if (!found) {
            snprintf(err, errlen, "%s: rule '%s': unknown field '%s'", origin, id, field);
            return SP_EDATA;
        }
    }
    int errcode;
    PCRE2_SIZE erroff;
    const char *flags = json_string_value(json_object_get(obj, "flags"));
    uint32_t opts = (flags && strchr(flags, 'i')) ? PCRE2_CASELESS : 0;
    r->re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, opts, &errcode, &erroff, NULL);
    if (!r->re) {
        PCRE2_UCHAR msg[128];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        snprintf(err, errlen, "%s: rule '%s': bad regex at offset %zu: %s", origin, id,
                 (size_t)erroff, (const char *)msg);
        free(r->header);
        r->header = NULL;
        return SP_EDATA;
    }
    /* JIT is an optimisation: a platform without it still matches. */
    (void)pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
    int group = pcre2_substring_number_from_name(r->re, (PCRE2_SPTR) "version");
    r->version_group = group > 0 ? (uint32_t)group : 0;
    group = pcre2_substring_number_from_name(r->re, (PCRE2_SPTR) "model");
    r->model_group = group > 0 ? (uint32_t)group : 0;
    r->id = strdup(id);
    r->product = strdup(product);
    r->vendor = opt_string(obj, "vendor");
    r->type = opt_string(obj, "type");
    r->cpe = opt_string(obj, "cpe");
    if (!r->id || !r->product) {
        rule_free(r);
        return SP_ENOMEM;
    }
    return 0;
}

int sp__fpdb_load(sp__fpdb *db, const char *json, size_t len, const char *origin, int prepend,
                  char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loadb(json, len, 0, &jerr);
    if (!root) {
        snprintf(err, errlen, "%s:%d:%d: %s", origin, jerr.line, jerr.column, jerr.text);
        return SP_EDATA;
    }
    json_t *rules = json_object_get(root, "rules");
    if (!json_is_array(rules)) {
        snprintf(err, errlen, "%s: expected an object with a \"rules\" array", origin);
        json_decref(root);
        return SP_EDATA;
    }
    size_t count = json_array_size(rules);
    sp__fprule *fresh = calloc(count ? count : 1, sizeof(*fresh));
    if (!fresh) {
        json_decref(root);
        return SP_ENOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        int rc = parse_rule(json_array_get(rules, i), &fresh[i], origin, i, err, errlen);
        if (rc) {
            for (size_t j = 0; j < i; j++)
                rule_free(&fresh[j]);
            free(fresh);
            json_decref(root);
            return rc;
        }
    }
    json_decref(root);

    sp__fprule *all = realloc(db->rules, (db->n + count + 1) * sizeof(*all));
    if (!all) {
        for (size_t j = 0; j < count; j++)
            rule_free(&fresh[j]);
        free(fresh);
        return SP_ENOMEM;
    }
    db->rules = all;
    if (prepend) {
        memmove(all + count, all, db->n * sizeof(*all));
        memcpy(all, fresh, count * sizeof(*all));
    } else {
        memcpy(all + db->n, fresh, count * sizeof(*all));
    }
    db->n += count;
    free(fresh);
    return 0;
}

int sp__fpdb_load_builtin(sp__fpdb *db, char *err, size_t errlen)
{
    return sp__fpdb_load(db, sp__builtin_fingerprints, sp__builtin_fingerprints_len,
                         "built-in fingerprints", 0, err, errlen);
}

/* Appends src to the CPE being built; a model is lowercased and its spaces
 * become underscores, as CPE names are written. */
static void cpe_put(char *out, size_t *o, const char *src, int is_model)
{
    for (; *src; src++) {
        char c = *src;
        if (is_model) {
            if (c == ' ')
                c = '_';
            else if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
        }
        out[(*o)++] = c;
    }
}

/* Fills {version} and {model} ('*' when not captured) into the template. */
static char *fill_cpe(const char *tmpl, const char *version, const char *model)
{
    const char *v = version ? version : "*";
    const char *md = model ? model : "*";
    size_t n = strlen(tmpl) + 1, vlen = strlen(v), mlen = strlen(md);
    for (const char *p = tmpl; (p = strchr(p, '{')) != NULL; p++)
        n += vlen + mlen; /* generous: at most one of them per brace */
    char *out = malloc(n);
    if (!out)
        return NULL;
    size_t o = 0;
    for (const char *p = tmpl; *p;) {
        if (!strncmp(p, "{version}", 9)) {
            cpe_put(out, &o, v, 0);
            p += 9;
        } else if (!strncmp(p, "{model}", 7)) {
            cpe_put(out, &o, md, 1);
            p += 7;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return out;
}

static char *group_text(pcre2_match_data *md, uint32_t group)
{
    char *text = NULL;
    PCRE2_UCHAR *buf = NULL;
    PCRE2_SIZE blen;
    if (group && pcre2_substring_get_bynumber(md, group, &buf, &blen) == 0) {
        if (blen > 0)
            text = strndup((const char *)buf, blen);
        pcre2_substring_free(buf);
    }
    return text;
}

static int try_rule(const sp__fprule *r, const char *subject, sp__fp_match *m)
{
    size_t len = strnlen(subject, MAX_SUBJECT);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(r->re, NULL);
    if (!md)
        return 0;
    int rc = pcre2_match(r->re, (PCRE2_SPTR)subject, len, 0, 0, md, NULL);
    if (rc < 0) {
        pcre2_match_data_free(md);
        return 0;
    }
    memset(m, 0, sizeof(*m));
    m->id = r->id;
    m->vendor = r->vendor;
    m->product = r->product;
    m->type = r->type;
    m->version = group_text(md, r->version_group);
    if (r->cpe) {
        char *model = group_text(md, r->model_group);
        m->cpe = fill_cpe(r->cpe, m->version, model);
        free(model);
    }
    pcre2_match_data_free(md);
    return 1;
}

int sp__fpdb_match(const sp__fpdb *db, const sp__fp_input *in, sp__fp_match *m)
{
    for (size_t i = 0; i < db->n; i++) {
        const sp__fprule *r = &db->rules[i];
        if (r->field == SP__FIELD_BANNER) {
            if (in->field[SP__FIELD_SERVER] && try_rule(r, in->field[SP__FIELD_SERVER], m))
                return 1;
            if (in->field[SP__FIELD_USER_AGENT] && try_rule(r, in->field[SP__FIELD_USER_AGENT], m))
                return 1;
        } else if (r->field == SP__FIELD_HEADER) {
            for (size_t h = 0; h < in->n_headers; h++) {
                const char *line = in->headers[h];
                const char *colon = strchr(line, ':');
                if (colon && sp__sip_header_name_is(line, (size_t)(colon - line), r->header)) {
                    const char *v = colon + 1;
                    while (*v == ' ')
                        v++;
                    if (try_rule(r, v, m))
                        return 1;
                }
            }
        } else if (in->field[r->field] && try_rule(r, in->field[r->field], m)) {
            return 1;
        }
    }
    return 0;
}

void sp__fp_match_free(sp__fp_match *m)
{
    free(m->version);
    free(m->cpe);
    memset(m, 0, sizeof(*m));
}
