#include "state/accept.h"

#include "sipprobe/sipprobe.h"

#include "classify/catalogue.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sp__accepts_free(sp__accepts *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].finding);
        free(a->v[i].service);
        free(a->v[i].reason);
        free(a->v[i].note);
    }
    free(a->v);
    free(a->path);
    memset(a, 0, sizeof(*a));
}

/* "2027-06-30" as the first second after that day, UTC; -1 if not a date. */
static time_t day_end(const char *s)
{
    int y, m, d;
    char extra;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12 ||
        d < 1 || d > 31 || y < 1970)
        return -1;
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d + 1;
    time_t t = timegm(&tm);
    /* timegm normalises 2027-02-30 into March: such a date is refused. */
    struct tm back;
    time_t start = t - 86400;
    gmtime_r(&start, &back);
    if (back.tm_mday != d || back.tm_mon != m - 1)
        return -1;
    return t;
}

static char *next_word(char **p)
{
    while (**p && isspace((unsigned char)**p))
        (*p)++;
    if (!**p)
        return NULL;
    char *w = *p;
    while (**p && !isspace((unsigned char)**p))
        (*p)++;
    if (**p)
        *(*p)++ = '\0';
    return w;
}

int sp__accepts_load(sp__accepts *a, const char *path, char *err, size_t errlen)
{
    FILE *fp = path && *path ? fopen(path, "r") : NULL;
    if (!fp) {
        snprintf(err, errlen, "cannot read accept file '%s': %s", path ? path : "",
                 path && *path ? strerror(errno) : "no file name given");
        return SP_EIO;
    }
    char line[2048];
    unsigned lineno = 0;
    int rc = SP_OK;
    while (!rc && fgets(line, sizeof(line), fp)) {
        lineno++;
        char *p = line;
        if (lineno == 1 && !memcmp(p, "\xEF\xBB\xBF", 3))
            p += 3;
        p[strcspn(p, "\r\n")] = '\0';
        char *hash = strchr(p, '#');
        if (hash)
            *hash = '\0';
        char *id = next_word(&p), *svc = id ? next_word(&p) : NULL,
             *exp = svc ? next_word(&p) : NULL;
        if (!id)
            continue;
        while (*p && isspace((unsigned char)*p))
            p++;
        size_t rl = strlen(p);
        while (rl && isspace((unsigned char)p[rl - 1]))
            p[--rl] = '\0';
        time_t until = exp ? day_end(exp) : -1;
        if (!svc || !exp || until < 0 || !*p) {
            snprintf(err, errlen, "%s:%u: expected 'FINDING-ID SERVICE YYYY-MM-DD REASON...' (%s)",
                     path, lineno,
                     !svc || !exp ? "too few fields"
                     : until < 0  ? "the expiry is not a date"
                                  : "a reason is required");
            rc = SP_EINVAL;
            break;
        }
        if (!sp__finding_lookup_glob(id)) {
            snprintf(err, errlen, "%s:%u: no finding matches '%.64s' (see --list-findings)", path,
                     lineno, id);
            rc = SP_EINVAL;
            break;
        }
        sp__accept_entry *v = realloc(a->v, (a->n + 1) * sizeof(*v));
        if (!v) {
            rc = SP_ENOMEM;
            break;
        }
        a->v = v;
        sp__accept_entry *e = &v[a->n];
        memset(e, 0, sizeof(*e));
        e->finding = strdup(id);
        e->service = strdup(svc);
        e->reason = strdup(p);
        snprintf(e->expiry, sizeof(e->expiry), "%s", exp);
        e->until = until;
        e->line = lineno;
        size_t nl = strlen(exp) + strlen(p) + 32;
        e->note = malloc(nl);
        if (!e->finding || !e->service || !e->reason || !e->note) {
            a->n++;
            rc = SP_ENOMEM;
            break;
        }
        snprintf(e->note, nl, "accepted until %s: %s", exp, p);
        a->n++;
    }
    fclose(fp);
    if (rc == SP_ENOMEM)
        snprintf(err, errlen, "out of memory reading '%s'", path);
    if (!rc && !(a->path = strdup(path)))
        rc = SP_ENOMEM;
    return rc;
}

const sp__accept_entry *sp__accepts_match(const sp__accepts *a, const char *id, const char *service,
                                          const char *host, time_t now)
{
    for (size_t i = 0; i < a->n; i++) {
        const sp__accept_entry *e = &a->v[i];
        if (now >= e->until || fnmatch(e->finding, id, 0) != 0)
            continue;
        /* "10.20.0.*" names hosts, "10.20.0.13:5060/udp" a service. */
        if (fnmatch(e->service, service, 0) == 0 || fnmatch(e->service, host, 0) == 0)
            return e;
    }
    return NULL;
}

void sp__accepts_expired(const sp__accepts *a, time_t now, sp__strv *out)
{
    for (size_t i = 0; i < a->n; i++) {
        const sp__accept_entry *e = &a->v[i];
        if (now < e->until)
            continue;
        char line[512];
        snprintf(line, sizeof(line), "%s:%u: accepted risk expired on %s: %s %s (%s)", a->path,
                 e->line, e->expiry, e->finding, e->service, e->reason);
        sp__strv_push(out, line, strlen(line));
    }
}
