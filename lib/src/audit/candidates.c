#include "audit/candidates.h"

#include "sipprobe/sipprobe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What installers and users leave on extensions: the PINs and words that
 * head every published list of leaked VoIP and device passwords, and the
 * defaults of PBX setup guides ("1234", "0000", the extension itself). */
static const char *const common[] = {
    "1234",   "0000",  "123456", "12345",  "1111", "12345678", "123",        "4321",
    "111111", "00000", "9999",   "654321", "1212", "password", "1234567890",
};

static const char kind_common[] = "built-in list of common PINs and passwords";

void sp__passlist_init(sp__passlist *l)
{
    memset(l, 0, sizeof(*l));
}

void sp__passlist_free(sp__passlist *l)
{
    sp__strv_free(&l->words);
    free(l->lines);
    free(l->path);
    sp__passlist_init(l);
}

int sp__passlist_load(sp__passlist *l, const char *path, char *err, size_t errlen)
{
    FILE *fp = path && *path ? fopen(path, "r") : NULL;
    if (!fp) {
        snprintf(err, errlen, "cannot read passwords file '%s': %s", path ? path : "",
                 path && *path ? strerror(errno) : "no file name given");
        return SP_EIO;
    }
    char line[SP__PASSWORD_MAX + 4];
    uint32_t lineno = 0;
    int rc = SP_OK;
    size_t cap = 0;
    while (fgets(line, sizeof(line), fp)) {
        lineno++;
        size_t n = strlen(line);
        if (n == sizeof(line) - 1 && line[n - 1] != '\n' && !feof(fp)) {
            snprintf(err, errlen, "%s:%u: password longer than %d characters", path, lineno,
                     SP__PASSWORD_MAX);
            rc = SP_EINVAL;
            break;
        }
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        const char *p = line;
        if (lineno == 1 && !memcmp(p, "\xEF\xBB\xBF", 3)) /* a byte-order mark is not text */
            p += 3, n -= 3;
        /* Spaces are kept: they can be part of a password. */
        if (n == 0 || p[0] == '#')
            continue;
        if (l->words.n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            uint32_t *v = realloc(l->lines, ncap * sizeof(*v));
            if (!v) {
                rc = SP_ENOMEM;
                break;
            }
            l->lines = v;
            cap = ncap;
        }
        if (sp__strv_push(&l->words, p, n) != 0) {
            rc = SP_ENOMEM;
            break;
        }
        l->lines[l->words.n - 1] = lineno;
    }
    if (!rc && ferror(fp)) {
        snprintf(err, errlen, "cannot read passwords file '%s': %s", path, strerror(errno));
        rc = SP_EIO;
    }
    fclose(fp);
    if (rc == SP_ENOMEM)
        snprintf(err, errlen, "out of memory reading '%s'", path);
    if (!rc && !(l->path = strdup(path)))
        rc = SP_ENOMEM;
    return rc;
}

static void add_builtin(sp__candidates *c, const char *pw, const char *kind)
{
    if (!pw[0] || strlen(pw) >= SP__PASSWORD_MAX || c->n_builtin == SP__BUILTIN_CANDIDATES)
        return;
    for (size_t i = 0; i < c->n_builtin; i++)
        if (!strcmp(c->builtin[i], pw))
            return;
    snprintf(c->builtin[c->n_builtin], SP__PASSWORD_MAX, "%s", pw);
    c->builtin_kind[c->n_builtin++] = kind;
}

void sp__candidates_init(sp__candidates *c, const char *ext, const sp__passlist *file)
{
    memset(c, 0, sizeof(*c));
    c->file = file;
    char buf[2 * SP__PASSWORD_MAX];
    size_t n = strlen(ext);
    add_builtin(c, ext, "same as the extension");
    if (n < SP__PASSWORD_MAX) {
        for (size_t i = 0; i < n; i++)
            buf[i] = ext[n - 1 - i];
        buf[n] = '\0';
        add_builtin(c, buf, "the extension reversed");
    }
    snprintf(buf, sizeof(buf), "%s%s", ext, ext);
    add_builtin(c, buf, "the extension twice");
    snprintf(buf, sizeof(buf), "%s1", ext);
    add_builtin(c, buf, "the extension followed by 1");
    snprintf(buf, sizeof(buf), "%s123", ext);
    add_builtin(c, buf, "the extension followed by 123");
    for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
        add_builtin(c, common[i], kind_common);
}

static int is_builtin(const sp__candidates *c, const char *pw)
{
    for (size_t i = 0; i < c->n_builtin; i++)
        if (!strcmp(c->builtin[i], pw))
            return 1;
    return 0;
}

size_t sp__candidates_count(const sp__candidates *c)
{
    size_t n = c->n_builtin;
    for (size_t i = 0; c->file && i < c->file->words.n; i++)
        n += !is_builtin(c, c->file->words.v[i]);
    return n;
}

int sp__candidates_next(const sp__candidates *c, size_t *pos, char *password, size_t cap,
                        char *kind, size_t kindcap)
{
    while (*pos < c->n_builtin + (c->file ? c->file->words.n : 0)) {
        size_t i = (*pos)++;
        if (i < c->n_builtin) {
            snprintf(password, cap, "%s", c->builtin[i]);
            snprintf(kind, kindcap, "%s", c->builtin_kind[i]);
            return 1;
        }
        i -= c->n_builtin;
        const char *w = c->file->words.v[i];
        if (is_builtin(c, w))
            continue; /* tried already, and named by its built-in kind */
        snprintf(password, cap, "%s", w);
        snprintf(kind, kindcap, "passwords file line %u", c->file->lines[i]);
        return 1;
    }
    return 0;
}
