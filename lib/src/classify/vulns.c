#include "classify/vulns.h"

#include "sipprobe/sipprobe.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern const char sp__builtin_cves[];
extern const size_t sp__builtin_cves_len;

typedef struct range {
    char *from;   /* lower bound, inclusive */
    char *fixed;  /* upper bound, exclusive: the branch's first fixed release */
    char *branch; /* label ("11", "certified 11.6") */
    int eol;      /* the branch is end of life (from the table's end_of_life list) */
} range;

struct sp__vuln {
    char *id, *product, *cves, *title, *condition, *module, *source;
    double cvss;
    range *ranges;
    size_t n_ranges;
};

struct sp__eol {
    char *product, *branch;
};

/* ---- The memo of verdicts per banner ---- */

#define MEMO_SLOTS 256

struct sp__vuln_memo {
    pthread_mutex_t lock;
    char *key[MEMO_SLOTS];
    sp__vuln_verdict v[MEMO_SLOTS];
    size_t next; /* the slot to reuse when full (oldest first) */
};

static int copy_verdict(sp__vuln_verdict *dst, const sp__vuln_verdict *src)
{
    *dst = *src;
    dst->lines = src->n_lines ? calloc(src->n_lines, sizeof(char *)) : NULL;
    if (src->n_lines && !dst->lines)
        return -1;
    for (size_t i = 0; i < src->n_lines; i++)
        if (!(dst->lines[i] = strdup(src->lines[i]))) {
            dst->n_lines = i;
            sp__vuln_verdict_free(dst);
            return -1;
        }
    return 0;
}

void sp__vuln_verdict_free(sp__vuln_verdict *v)
{
    for (size_t i = 0; v->lines && i < v->n_lines; i++)
        free(v->lines[i]);
    free(v->lines);
    memset(v, 0, sizeof(*v));
}

int sp__vuln_memo_get(const sp__vulndb *db, const char *key, sp__vuln_verdict *out)
{
    sp__vuln_memo *m = db->memo;
    int hit = 0;
    if (!m)
        return 0;
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < MEMO_SLOTS && !hit; i++)
        if (m->key[i] && !strcmp(m->key[i], key))
            hit = copy_verdict(out, &m->v[i]) == 0;
    pthread_mutex_unlock(&m->lock);
    return hit;
}

void sp__vuln_memo_put(const sp__vulndb *db, const char *key, const sp__vuln_verdict *v)
{
    sp__vuln_memo *m = db->memo;
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    size_t i = m->next;
    m->next = (m->next + 1) % MEMO_SLOTS;
    free(m->key[i]);
    sp__vuln_verdict_free(&m->v[i]);
    m->key[i] = strdup(key);
    if (!m->key[i] || copy_verdict(&m->v[i], v) != 0) {
        free(m->key[i]);
        m->key[i] = NULL;
    }
    pthread_mutex_unlock(&m->lock);
}

static void memo_free(sp__vuln_memo *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < MEMO_SLOTS; i++) {
        free(m->key[i]);
        sp__vuln_verdict_free(&m->v[i]);
    }
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void sp__vulndb_init(sp__vulndb *db)
{
    memset(db, 0, sizeof(*db));
    db->memo = calloc(1, sizeof(*db->memo)); /* without one, every banner is worked out anew */
    if (db->memo)
        pthread_mutex_init(&db->memo->lock, NULL);
}

void sp__vulndb_free(sp__vulndb *db)
{
    memo_free(db->memo);
    for (size_t i = 0; i < db->n; i++) {
        sp__vuln *v = &db->v[i];
        free(v->id);
        free(v->product);
        free(v->cves);
        free(v->title);
        free(v->condition);
        free(v->module);
        free(v->source);
        for (size_t r = 0; r < v->n_ranges; r++) {
            free(v->ranges[r].from);
            free(v->ranges[r].fixed);
            free(v->ranges[r].branch);
        }
        free(v->ranges);
    }
    free(db->v);
    for (size_t i = 0; i < db->n_eol; i++) {
        free(db->eol[i].product);
        free(db->eol[i].branch);
    }
    free(db->eol);
    memset(db, 0, sizeof(*db)); /* no memo either: a freed table is not used again */
}

static char *opt_dup(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? strdup(s) : NULL;
}

/* "CVE-a, CVE-b" from a "cves" array, or the older single "cve". */
static char *join_cves(json_t *e)
{
    json_t *a = json_object_get(e, "cves");
    if (!json_is_array(a)) {
        const char *one = json_string_value(json_object_get(e, "cve"));
        return strdup(one ? one : "");
    }
    size_t len = 1;
    for (size_t i = 0; i < json_array_size(a); i++)
        len += strlen(json_string_value(json_array_get(a, i)) ?: "") + 2;
    char *s = calloc(1, len);
    for (size_t i = 0; s && i < json_array_size(a); i++) {
        const char *c = json_string_value(json_array_get(a, i));
        if (!c)
            continue;
        if (*s)
            strcat(s, ", ");
        strcat(s, c);
    }
    return s;
}

static int is_eol(const sp__vulndb *db, const char *product, const char *branch)
{
    for (size_t i = 0; branch && i < db->n_eol; i++)
        if (!strcmp(db->eol[i].product, product) && !strcmp(db->eol[i].branch, branch))
            return 1;
    return 0;
}

static int load_eol(sp__vulndb *db, json_t *list)
{
    size_t total = 0;
    for (size_t i = 0; i < json_array_size(list); i++)
        total += json_array_size(json_object_get(json_array_get(list, i), "branches"));
    if (!total)
        return 0;
    db->eol = calloc(total, sizeof(*db->eol));
    if (!db->eol)
        return -1;
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *o = json_array_get(list, i);
        const char *product = json_string_value(json_object_get(o, "product"));
        json_t *b = json_object_get(o, "branches");
        for (size_t k = 0; product && k < json_array_size(b); k++) {
            const char *name = json_string_value(json_array_get(b, k));
            if (!name)
                continue;
            db->eol[db->n_eol].product = strdup(product);
            db->eol[db->n_eol].branch = strdup(name);
            db->n_eol++;
        }
    }
    return 0;
}

static int load_entry(sp__vulndb *db, sp__vuln *v, json_t *e)
{
    json_t *aff = json_object_get(e, "affected");
    v->product = opt_dup(e, "product");
    v->id = opt_dup(e, "id");
    if (!v->id)
        v->id = opt_dup(e, "cve");
    v->cves = join_cves(e);
    v->title = opt_dup(e, "title");
    if (!v->title)
        v->title = opt_dup(e, "summary");
    v->condition = opt_dup(e, "condition");
    v->module = opt_dup(e, "module");
    v->source = opt_dup(e, "source");
    v->cvss = json_number_value(json_object_get(e, "cvss"));
    if (!v->product || !v->id || !v->source || !json_is_array(aff) || !json_array_size(aff))
        return -1;
    v->n_ranges = json_array_size(aff);
    v->ranges = calloc(v->n_ranges, sizeof(range));
    if (!v->ranges)
        return -1;
    for (size_t r = 0; r < v->n_ranges; r++) {
        json_t *g = json_array_get(aff, r);
        range *rg = &v->ranges[r];
        rg->from = opt_dup(g, "from");
        rg->fixed = opt_dup(g, "fixed");
        if (!rg->fixed)
            rg->fixed = opt_dup(g, "before");
        rg->branch = opt_dup(g, "branch");
        if (!rg->from || !rg->fixed)
            return -1;
        if (!rg->branch)
            rg->branch = strdup(rg->from);
        rg->eol = is_eol(db, v->product, rg->branch);
    }
    return 0;
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
    if (load_eol(db, json_object_get(root, "end_of_life"))) {
        snprintf(err, errlen, "%s: out of memory", origin);
        json_decref(root);
        sp__vulndb_free(db);
        return SP_EDATA;
    }
    for (size_t i = 0; i < n; i++) {
        db->n = i + 1;
        if (load_entry(db, &v[i], json_array_get(entries, i))) {
            snprintf(err, errlen,
                     "%s: entry %zu needs id, product, source and affected ranges, each with "
                     "from and fixed",
                     origin, i);
            json_decref(root);
            sp__vulndb_free(db);
            return SP_EDATA;
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
        /* Skip the rest of this component ("2c", "1-release") up to the next
         * dot; a certified release number ("6-cert16") still counts. */
        unsigned long ca = 0, cb = 0;
        for (; *a && *a != '.'; a++)
            if (!strncmp(a, "-cert", 5))
                ca = strtoul(a + 5, NULL, 10);
        for (; *b && *b != '.'; b++)
            if (!strncmp(b, "-cert", 5))
                cb = strtoul(b + 5, NULL, 10);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        if (*a == '.')
            a++;
        if (*b == '.')
            b++;
    }
    return 0;
}

/* Normalises version text: drops "certified/" or "certified-" and an epoch
 * ("1:"), keeps the dotted number and a "-certN" part, and says whether a
 * distribution suffix ("~dfsg-1ubuntu1", "-1.el9", "+deb11u3") followed.
 * Pre-release suffixes (-rc1, -beta2) are ignored. Returns 1 when a
 * version was found. */
static int normalise(const char *in, char *out, size_t cap, int *distro, int *cert)
{
    *distro = *cert = 0;
    out[0] = '\0';
    if (!in)
        return 0;
    if (!strncasecmp(in, "certified", 9) && (in[9] == '/' || in[9] == '-'))
        in += 10;
    const char *p = in;
    while (isdigit((unsigned char)*p))
        p++;
    if (p > in && *p == ':')
        in = p + 1; /* an epoch */
    if (!isdigit((unsigned char)*in))
        return 0;
    size_t n = strspn(in, "0123456789.");
    while (n && in[n - 1] == '.')
        n--;
    if (n + 1 > cap)
        return 0;
    memcpy(out, in, n);
    out[n] = '\0';
    const char *rest = in + n;
    if (*rest == '.')
        rest++;
    if (!strncasecmp(rest, "-cert", 5) && isdigit((unsigned char)rest[5])) {
        size_t d = strspn(rest + 5, "0123456789");
        if (n + 5 + d + 1 > cap)
            return 0;
        memcpy(out + n, rest, 5 + d);
        out[n + 5 + d] = '\0';
        *cert = 1;
        rest += 5 + d;
    }
    if (*rest == '-' || *rest == '~' || *rest == '_' || *rest == '+') {
        const char *s = rest + 1;
        if (strncasecmp(s, "rc", 2) && strncasecmp(s, "beta", 4) && strncasecmp(s, "alpha", 5))
            *distro = 1;
    }
    return 1;
}

int sp__banner_version_parse(const char *product, const char *fp_version, const char *banner,
                             sp__banner_version *out)
{
    memset(out, 0, sizeof(*out));
    if (!product)
        return 0;
    snprintf(out->product, sizeof(out->product), "%s", product);
    const char *text = fp_version;
    if (!strcmp(product, "FreePBX") && banner && strstr(banner, "FPBX-")) {
        const char *fw = strstr(banner, "FPBX-") + 5;
        int d, c;
        if (!normalise(fw, out->framework, sizeof(out->framework), &d, &c))
            return 0;
        const char *br = strchr(fw, '(');
        size_t n = strcspn(fw, "( \t");
        snprintf(out->raw, sizeof(out->raw), "%.*s", (int)n, fw);
        if (br && normalise(br + 1, out->version, sizeof(out->version), &out->distro, &out->cert)) {
            snprintf(out->product, sizeof(out->product), "Asterisk");
            snprintf(out->raw, sizeof(out->raw), "%.*s", (int)strcspn(fw, ") \t") + 1, fw);
        } else {
            snprintf(out->version, sizeof(out->version), "%s", out->framework);
        }
        return 1;
    }
    if (!strcmp(product, "Asterisk") && banner) {
        const char *a = strstr(banner, "Asterisk");
        if (a) {
            a += 8;
            if (!strncmp(a, " PBX", 4))
                a += 4;
            if (*a == ' ')
                text = a + 1;
        }
    }
    if (!normalise(text, out->version, sizeof(out->version), &out->distro, &out->cert))
        return 0;
    snprintf(out->raw, sizeof(out->raw), "%.*s", (int)strcspn(text, " \t"), text);
    return 1;
}

/* "11.6-cert16" -> base "11.6" (into buf), number 16; -1 when not certified. */
static long cert_split(const char *v, char *buf, size_t cap)
{
    const char *c = strstr(v, "-cert");
    if (!c)
        return -1;
    snprintf(buf, cap, "%.*s", (int)(c - v), v);
    return strtol(c + 5, NULL, 10);
}

static int in_range(const char *version, int cert, const range *g)
{
    char vb[64], fb[64], xb[64];
    long fn = cert_split(g->from, fb, sizeof(fb));
    if ((fn >= 0) != (cert != 0))
        return 0; /* certified versions compare only within certified branches */
    if (cert) {
        long vn = cert_split(version, vb, sizeof(vb));
        long xn = cert_split(g->fixed, xb, sizeof(xb));
        return sp__version_cmp(vb, fb) == 0 && vn >= fn && (xn < 0 || vn < xn);
    }
    return sp__version_cmp(version, g->from) >= 0 && sp__version_cmp(version, g->fixed) < 0;
}

static unsigned long major_of(const char *v)
{
    return strtoul(v, NULL, 10);
}

static size_t match_product(const sp__vulndb *db, const char *product, const char *version,
                            int cert, int distro, sp__vuln_fn fn, void *data)
{
    size_t count = 0;
    for (size_t i = 0; i < db->n; i++) {
        const sp__vuln *v = &db->v[i];
        if (strcmp(v->product, product))
            continue;
        for (size_t r = 0; r < v->n_ranges; r++) {
            const range *g = &v->ranges[r];
            int possible = 0;
            if (v->module) /* a module's version is not in the banner: the branch at most */
                possible = !cert && major_of(version) == major_of(g->from);
            if (!possible && (v->module || !in_range(version, cert, g)))
                continue;
            sp__vuln_match m = {v->id,           v->cves,   v->title,  v->cvss,  v->condition,
                                v->module,       v->source, g->branch, g->fixed, g->eol,
                                SP__VCONF_EXACT, product,   version};
            if (v->condition)
                m.confidence = SP__VCONF_CONDITION;
            if (distro)
                m.confidence = SP__VCONF_DISTRO;
            if (possible)
                m.confidence = SP__VCONF_POSSIBLE;
            fn(&m, data);
            count++;
            break;
        }
    }
    return count;
}

size_t sp__vulndb_match_banner(const sp__vulndb *db, const sp__banner_version *bv, sp__vuln_fn fn,
                               void *data)
{
    if (!bv->version[0])
        return 0;
    size_t count = match_product(db, bv->product, bv->version, bv->cert, bv->distro, fn, data);
    if (bv->framework[0] && strcmp(bv->product, "FreePBX"))
        count += match_product(db, "FreePBX", bv->framework, 0, 0, fn, data);
    return count;
}

size_t sp__vulndb_match(const sp__vulndb *db, const char *product, const char *version,
                        sp__vuln_fn fn, void *data)
{
    sp__banner_version bv;
    if (!product || !version)
        return 0;
    memset(&bv, 0, sizeof(bv));
    snprintf(bv.product, sizeof(bv.product), "%s", product);
    if (!normalise(version, bv.version, sizeof(bv.version), &bv.distro, &bv.cert))
        return 0;
    return sp__vulndb_match_banner(db, &bv, fn, data);
}

const char *sp__vconf_name(sp__vconf c)
{
    switch (c) {
    case SP__VCONF_EXACT:
        return "exact version";
    case SP__VCONF_CONDITION:
        return "version matches, condition not checkable remotely";
    case SP__VCONF_DISTRO:
        return "distribution build: the fix may have been backported";
    case SP__VCONF_POSSIBLE:
        return "possible: the banner does not show the module's version";
    }
    return "?";
}

size_t sp__vulndb_size(const sp__vulndb *db)
{
    return db->n;
}

const char *sp__vulndb_entry(const sp__vulndb *db, size_t i, const char **product,
                             const char **source, size_t *n_ranges)
{
    if (i >= db->n)
        return NULL;
    if (product)
        *product = db->v[i].product;
    if (source)
        *source = db->v[i].source;
    if (n_ranges)
        *n_ranges = db->v[i].n_ranges;
    return db->v[i].id;
}

int sp__vulndb_range(const sp__vulndb *db, size_t i, size_t r, const char **from,
                     const char **fixed)
{
    if (i >= db->n || r >= db->v[i].n_ranges)
        return -1;
    *from = db->v[i].ranges[r].from;
    *fixed = db->v[i].ranges[r].fixed;
    return 0;
}
