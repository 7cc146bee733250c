#include "output/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const sp__writer_type *const registry[] = {
    &sp__writer_text, &sp__writer_ndjson,   &sp__writer_json,  &sp__writer_csv,
    &sp__writer_html, &sp__writer_markdown, &sp__writer_junit,
};

#define N_WRITERS (sizeof(registry) / sizeof(registry[0]))

const char *sp_output_name(size_t index)
{
    return index < N_WRITERS ? registry[index]->name : NULL;
}

const char *sp_output_description(size_t index)
{
    return index < N_WRITERS ? registry[index]->description : NULL;
}

const sp__writer_type *sp__writer_find(const char *name)
{
    for (size_t i = 0; i < N_WRITERS; i++)
        if (!strcasecmp(registry[i]->name, name))
            return registry[i];
    return NULL;
}

sp__writer *sp__writer_open(const sp__writer_type *type, const char *path, char *err, size_t errlen)
{
    sp__writer *w = calloc(1, sizeof(*w));
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->type = type;
    if (!path || !strcmp(path, "-")) {
        w->fp = stdout;
        return w;
    }
    w->path = strdup(path);
    const char *target = path;
    if (!type->streaming) {
        size_t n = strlen(path) + 32;
        w->tmp_path = malloc(n);
        if (w->tmp_path)
            snprintf(w->tmp_path, n, "%s.tmp.%ld", path, (long)getpid());
        target = w->tmp_path;
    }
    if (!w->path || !target) {
        snprintf(err, errlen, "out of memory");
        sp__writer_abort(w);
        return NULL;
    }
    w->fp = fopen(target, "w");
    if (!w->fp) {
        snprintf(err, errlen, "cannot write output '%s': %s", path, strerror(errno));
        free(w->path);
        free(w->tmp_path);
        free(w);
        return NULL;
    }
    return w;
}

int sp__writer_close(sp__writer *w, char *err, size_t errlen)
{
    int rc = 0;
    const char *name = w->path ? w->path : "standard output";
    if (fflush(w->fp) != 0 || ferror(w->fp) || w->failed) {
        snprintf(err, errlen, "cannot write output '%s': %s", name,
                 errno ? strerror(errno) : "write error");
        rc = SP_EIO;
    }
    if (w->fp != stdout && fclose(w->fp) != 0 && !rc) {
        snprintf(err, errlen, "cannot write output '%s': %s", name, strerror(errno));
        rc = SP_EIO;
    }
    if (w->tmp_path) {
        if (!rc && rename(w->tmp_path, w->path) != 0) {
            snprintf(err, errlen, "cannot rename into '%s': %s", name, strerror(errno));
            rc = SP_EIO;
        }
        if (rc)
            unlink(w->tmp_path);
    }
    free(w->path);
    free(w->tmp_path);
    free(w);
    return rc;
}

void sp__writer_abort(sp__writer *w)
{
    if (!w)
        return;
    if (w->fp && w->fp != stdout)
        fclose(w->fp);
    if (w->tmp_path)
        unlink(w->tmp_path);
    free(w->path);
    free(w->tmp_path);
    free(w);
}

void sp__service_address(const sp_service *svc, char *out, size_t len)
{
    if (strchr(svc->host, ':'))
        snprintf(out, len, "[%s]:%u/%s", svc->host, svc->port, sp_transport_name(svc->transport));
    else
        snprintf(out, len, "%s:%u/%s", svc->host, svc->port, sp_transport_name(svc->transport));
}

void sp__each_finding_group(const sp_service *const *all, size_t n, sp_severity min_sev,
                            void (*fn)(const sp_finding_info *info, const sp__finding_hit *hits,
                                       size_t n_hits, void *data),
                            void *data)
{
    sp__finding_hit *hits = malloc((n ? n : 1) * sizeof(*hits));
    if (!hits)
        return;
    for (int sev = SP_SEV_CRITICAL; sev >= (int)min_sev; sev--)
        for (size_t c = 0; sp_finding_catalogue(c); c++) {
            const sp_finding_info *info = sp_finding_catalogue(c);
            if ((int)info->severity != sev)
                continue;
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < all[i]->n_findings; j++)
                    if (!strcmp(all[i]->findings[j].id, info->id)) {
                        hits[k].svc = all[i];
                        hits[k].f = &all[i]->findings[j];
                        k++;
                    }
            if (k)
                fn(info, hits, k, data);
        }
    free(hits);
}

void sp__fput_markup(FILE *fp, const char *raw)
{
    sp__buf b;
    sp__buf_init(&b);
    sp__buf_printable(&b, raw ? raw : "");
    for (const char *p = sp__buf_cstr(&b); *p; p++) {
        switch (*p) {
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '&':
            fputs("&amp;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        case '\'':
            fputs("&#39;", fp);
            break;
        default:
            fputc(*p, fp);
        }
    }
    sp__buf_free(&b);
}

void sp__service_product(const sp_service *svc, char *out, size_t len)
{
    const sp_fingerprint *f = svc->fingerprint;
    if (f)
        snprintf(out, len, "%s%s%s", f->product, f->version ? " " : "",
                 f->version ? f->version : "");
    else
        snprintf(out, len, "%s",
                 svc->server       ? svc->server
                 : svc->user_agent ? svc->user_agent
                                   : "");
}
