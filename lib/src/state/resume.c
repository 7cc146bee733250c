#include "state/resume.h"

#include "sipprobe/sipprobe.h"
#include "common/util.h"

/* 2: endpoints merged however they were written (their order changed). */
#define SP__JOURNAL_FORMAT "sipprobe-resume/2"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sp__journal_open(sp__journal *j, const char *path, const json_t *settings, int append,
                     long keep, char *err, size_t errlen)
{
    memset(j, 0, sizeof(*j));
    /* A journal is a file of ours: never a device, FIFO or directory that
     * truncating, appending or removing would damage. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "resume file '%s' is not a regular file", path);
        return SP_EIO;
    }
    /* A torn last line would glue itself to the first new one. */
    if (append && keep > 0 && truncate(path, keep) != 0) {
        snprintf(err, errlen, "cannot repair resume file '%s': %s", path, strerror(errno));
        return SP_EIO;
    }
    j->fp = fopen(path, append ? "a" : "w");
    if (!j->fp) {
        snprintf(err, errlen, "cannot write resume file '%s': %s", path, strerror(errno));
        return SP_EIO;
    }
    /* Large writes, as outputs (output/output.c); glibc ignores a size alone. */
    if ((j->buf = malloc(SP__FILE_BUFFER)))
        setvbuf(j->fp, j->buf, _IOFBF, SP__FILE_BUFFER);
    j->path = strdup(path);
    if (!append) {
        json_t *head = json_pack("{s:s, s:s, s:O}", "format", SP__JOURNAL_FORMAT, "version",
                                 SP_VERSION, "settings", settings);
        json_dumpf(head, j->fp, JSON_COMPACT);
        fputc('\n', j->fp);
        json_decref(head);
        fflush(j->fp);
    }
    return 0;
}

static void note_failure(sp__journal *j)
{
    if (!j->failed)
        j->err = errno;
    j->failed = 1;
}

void sp__journal_service(sp__journal *j, const char *line)
{
    if (!j->fp || !line)
        return;
    /* Buffered: a killed process loses at most the last lines, which a
     * resumed scan simply probes again. */
    if (fputs("{\"service\":", j->fp) == EOF || fputs(line, j->fp) == EOF ||
        fputs("}\n", j->fp) == EOF) /* not printf: it copies a long string slowly */
        note_failure(j);
}

void sp__journal_raw(sp__journal *j, const char *line)
{
    if (j->fp && line && fputs(line, j->fp) == EOF)
        note_failure(j);
}

char *sp__journal_service_text(const char *service_line)
{
    char *out = NULL;
    if (service_line && asprintf(&out, "{\"service\":%s}\n", service_line) < 0)
        out = NULL;
    return out;
}

char *sp__journal_position_text(unsigned round, uint64_t next_j)
{
    char *out = NULL;
    if (asprintf(&out, "{\"position\":{\"round\":%u,\"next\":%llu}}\n", round,
                 (unsigned long long)next_j) < 0)
        out = NULL;
    return out;
}

void sp__journal_position(sp__journal *j, unsigned round, uint64_t next_j)
{
    if (!j->fp)
        return;
    if (fprintf(j->fp, "{\"position\":{\"round\":%u,\"next\":%llu}}\n", round,
                (unsigned long long)next_j) < 0)
        note_failure(j);
}

int sp__journal_close(sp__journal *j, int keep)
{
    int rc = 0;
    if (j->fp) {
        /* Buffered lines reach the disk only now: check that they did. */
        if (fflush(j->fp) != 0 || ferror(j->fp))
            note_failure(j);
        if (fclose(j->fp) != 0)
            note_failure(j);
        if (!keep && j->path)
            unlink(j->path);
        rc = j->failed ? -1 : 0;
    }
    int saved = j->err;
    free(j->buf);
    free(j->path);
    memset(j, 0, sizeof(*j));
    errno = saved;
    return rc;
}

int sp__resume_load(const char *path, sp__resume_state *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof(*st));
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "cannot read resume file '%s': %s", path, strerror(errno));
        return SP_EIO;
    }
    st->services = json_array();
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    int rc = 0;
    long offset = 0;
    while ((n = getline(&line, &cap, fp)) > 0 && !rc) {
        lineno++;
        json_error_t je;
        int whole = line[n - 1] == '\n';
        json_t *o = json_loadb(line, (size_t)n, 0, &je);
        if (!json_is_object(o) && lineno == 1) {
            snprintf(err, errlen, "'%s' is not a sipprobe resume file", path);
            rc = SP_EDATA;
            json_decref(o);
            break;
        }
        if (!json_is_object(o) || !whole) {
            /* A torn last line (killed while writing) is dropped; a bad
             * line anywhere else means the file is not what we wrote. */
            if (fgetc(fp) != EOF) {
                snprintf(err, errlen, "resume file '%s' line %u: %s", path, lineno,
                         json_is_object(o) ? "no line end" : je.text);
                rc = SP_EDATA;
            } else {
                st->torn = 1;
            }
            json_decref(o);
            break;
        }
        offset += (long)n;
        st->good_bytes = offset;
        if (lineno == 1) {
            const char *format = json_string_value(json_object_get(o, "format"));
            if (format && !strncmp(format, "sipprobe-resume/", 16) &&
                strcmp(format, SP__JOURNAL_FORMAT)) {
                /* Target order and pair indices change between formats: a
                 * position from another one would point elsewhere. */
                snprintf(err, errlen,
                         "'%s' was written by another sipprobe version (%s); it cannot be "
                         "resumed by this one",
                         path, format);
                rc = SP_EDATA;
            } else if (!format || strcmp(format, SP__JOURNAL_FORMAT)) {
                snprintf(err, errlen, "'%s' is not a sipprobe resume file", path);
                rc = SP_EDATA;
            } else {
                st->settings = json_incref(json_object_get(o, "settings"));
            }
        } else if (json_object_get(o, "service")) {
            json_array_append(st->services, json_object_get(o, "service"));
        } else if (json_object_get(o, "position")) {
            json_t *p = json_object_get(o, "position");
            st->round = (unsigned)json_integer_value(json_object_get(p, "round"));
            st->next_j = (uint64_t)json_integer_value(json_object_get(p, "next"));
            st->has_position = 1;
        }
        json_decref(o);
    }
    free(line);
    fclose(fp);
    if (!rc && !st->settings) {
        snprintf(err, errlen, "'%s' is not a sipprobe resume file", path);
        rc = SP_EDATA;
    }
    if (rc)
        sp__resume_free(st);
    return rc;
}

void sp__resume_free(sp__resume_state *st)
{
    json_decref(st->settings);
    json_decref(st->services);
    memset(st, 0, sizeof(*st));
}
