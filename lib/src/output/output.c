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
