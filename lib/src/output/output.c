#include "output/output.h"

#include "common/sigpipe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
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

/* ---- Output files (output/outfile.h) ---- */

/* The real path of the directory p lies in; NULL with errno. */
static char *dir_real(const char *p)
{
    const char *slash = strrchr(p, '/');
    if (!slash)
        return realpath(".", NULL);
    if (slash == p)
        return strdup("/");
    char *d = strndup(p, (size_t)(slash - p));
    char *r = d ? realpath(d, NULL) : NULL;
    free(d);
    return r;
}

/* Follows the symlinks of path to the file they name (which need not
 * exist). *proc: a link of the chain lives in /proc, so path names an open
 * descriptor (/dev/stdout, /dev/fd/1), written in place. NULL with errno. */
static char *follow_links(const char *path, int *proc)
{
    char *cur = strdup(path);
    for (int hops = 0; cur; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur;
        char *dir = hops < 40 ? dir_real(cur) : NULL;
        char target[PATH_MAX];
        ssize_t n = dir ? readlink(cur, target, sizeof(target) - 1) : -1;
        int e = hops < 40 ? errno : ELOOP;
        free(cur);
        cur = NULL;
        if (n < 0) {
            free(dir);
            errno = e;
            return NULL;
        }
        target[n] = '\0';
        *proc |= !strncmp(dir, "/proc/", 6);
        if (target[0] == '/')
            cur = strdup(target);
        else if ((cur = malloc(strlen(dir) + (size_t)n + 2)) != NULL)
            sprintf(cur, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", target);
        free(dir);
    }
    errno = ENOMEM;
    return NULL;
}

/* Where a temporary file can go for final: its directory is there and
 * writable. 0, or -1 with errno. */
static int dir_writable(const char *final)
{
    const char *slash = strrchr(final, '/');
    if (!slash)
        return faccessat(AT_FDCWD, ".", W_OK | X_OK, AT_EACCESS);
    char *d = slash == final ? strdup("/") : strndup(final, (size_t)(slash - final));
    if (!d)
        return -1;
    int rc = faccessat(AT_FDCWD, d, W_OK | X_OK, AT_EACCESS);
    free(d);
    return rc;
}

int sp__outfile_check(const char *path, char *why, size_t whylen)
{
    if (!path || !strcmp(path, "-"))
        return 0;
    if (!*path) {
        snprintf(why, whylen, "the file name is empty");
        return -1;
    }
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (!exists && errno != ENOENT) {
        snprintf(why, whylen, "%s", strerror(errno));
        return -1;
    }
    if (exists && S_ISDIR(st.st_mode)) {
        snprintf(why, whylen, "it is a directory");
        return -1;
    }
    int proc = 0, rc;
    char *final = exists && !S_ISREG(st.st_mode) ? NULL : follow_links(path, &proc);
    if (exists && (!S_ISREG(st.st_mode) || proc))
        rc = faccessat(AT_FDCWD, path, W_OK, AT_EACCESS); /* written in place */
    else
        rc = final ? dir_writable(final) : -1; /* a temporary file beside it */
    if (rc)
        snprintf(why, whylen, "%s", strerror(errno));
    free(final);
    return rc ? -1 : 0;
}

/* What an output path writes into: the file that is there (*st, returns 1),
 * or the name it gets (*name, returns 0; NULL when out of memory). */
static int identity(const char *path, struct stat *st, char **name)
{
    *name = NULL;
    if (!strcmp(path, "-"))
        return fstat(STDOUT_FILENO, st) == 0 ? 1 : (*name = strdup("-"), 0);
    if (stat(path, st) == 0)
        return 1;
    int proc = 0;
    char *final = follow_links(path, &proc);
    char *dir = final ? dir_real(final) : NULL;
    if (dir) {
        const char *slash = strrchr(final, '/');
        const char *base = slash ? slash + 1 : final;
        if ((*name = malloc(strlen(dir) + strlen(base) + 2)) != NULL)
            sprintf(*name, "%s/%s", dir, base);
        free(final);
    } else {
        *name = final;
    }
    free(dir);
    return 0;
}

int sp__outfile_clash(const char *a, const char *b)
{
    struct stat sa, sb;
    char *na, *nb;
    int ea = identity(a ? a : "-", &sa, &na), eb = identity(b ? b : "-", &sb, &nb);
    int same = 0;
    if (ea && eb)
        same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino && !S_ISCHR(sa.st_mode);
    else if (!ea && !eb && na && nb)
        same = !strcmp(na, nb);
    free(na);
    free(nb);
    return same;
}

/* Every byte an output writes passes here: whole buffers, retried after
 * EINTR and (for a non-blocking descriptor) EAGAIN; the first error is
 * kept and everything after it is dropped. SIGPIPE is blocked around writes
 * to pipes and sockets, and one the write raised is taken back. */
static ssize_t out_write(void *cookie, const char *buf, size_t len)
{
    sp__outfile *f = cookie;
    if (f->err) {
        errno = f->err;
        return 0;
    }
    sp__sigpipe guard;
    if (f->pipe)
        sp__sigpipe_hold(&guard);
    size_t done = 0;
    int e = 0;
    while (done < len) {
        ssize_t n = write(f->fd, buf + done, len - done);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = {.fd = f->fd, .events = POLLOUT};
            if (poll(&p, 1, -1) >= 0 || errno == EINTR)
                continue;
        }
        e = n < 0 ? errno : EIO;
        break;
    }
    if (f->pipe)
        sp__sigpipe_release(&guard, e == EPIPE);
    if (e) {
        f->err = e;
        if (e == EPIPE) {
            f->gone = 1;
            if (f->stop && !*f->stop)
                *f->stop = 1;
        }
        errno = e;
    }
    return (ssize_t)done;
}

static int out_close(void *cookie)
{
    sp__outfile *f = cookie;
    f->closed = 1;
    int rc = 0;
    if (f->own_fd && f->fd >= 0 && close(f->fd) != 0) {
        if (!f->err)
            f->err = errno;
        rc = -1;
    }
    f->fd = -1;
    return rc;
}

static void out_free(sp__outfile *f)
{
    free(f->path);
    free(f->final);
    free(f->tmp);
    free(f->buf);
    f->path = f->final = f->tmp = f->buf = NULL;
}

/* Opens f->path: in place, or a new temporary file beside the file its
 * symlinks name. 0, or an errno value (with *why for what errno lacks). */
static int open_path(sp__outfile *f, int atomic, const char **why)
{
    struct stat st;
    int exists = stat(f->path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        *why = "it is a directory";
        return EISDIR;
    }
    int proc = 0, in_place = !atomic || (exists && !S_ISREG(st.st_mode));
    if (!in_place) {
        f->final = follow_links(f->path, &proc);
        if (!f->final)
            return errno;
        in_place = proc;
    }
    if (in_place) {
        free(f->final);
        f->final = NULL;
        f->fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        f->own_fd = f->fd >= 0;
        return f->fd >= 0 ? 0 : errno;
    }
    size_t n = strlen(f->final) + 48;
    if (!(f->tmp = malloc(n)))
        return ENOMEM;
    for (int i = 0; i < 100; i++) {
        if (i == 0)
            snprintf(f->tmp, n, "%s.tmp.%ld", f->final, (long)getpid());
        else
            snprintf(f->tmp, n, "%s.tmp.%ld.%d", f->final, (long)getpid(), i);
        f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (f->fd >= 0 || errno != EEXIST)
            break;
    }
    if (f->fd < 0) {
        int e = errno;
        free(f->tmp);
        f->tmp = NULL;
        return e;
    }
    f->own_fd = 1;
    if (exists) /* a private file stays private */
        (void)fchmod(f->fd, st.st_mode & 07777);
    return 0;
}

int sp__outfile_open(sp__outfile *f, const char *path, int atomic, const char *what, char *err,
                     size_t errlen)
{
    memset(f, 0, sizeof(*f));
    f->fd = -1;
    const char *why = NULL;
    int e = 0;
    if (!path || !strcmp(path, "-")) {
        fflush(stdout); /* what the application wrote there goes first */
        f->fd = STDOUT_FILENO;
    } else if (!*path) {
        why = "the file name is empty";
    } else if (!(f->path = strdup(path))) {
        e = ENOMEM;
    } else {
        e = open_path(f, atomic, &why);
    }
    if (!e && !why) {
        struct stat st;
        int known = fstat(f->fd, &st) == 0;
        f->pipe = known && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
        cookie_io_functions_t io = {.write = out_write, .close = out_close};
        if (!(f->fp = fopencookie(f, "w", io)))
            e = errno ? errno : ENOMEM;
        /* Into a file, large writes: each write of a few KB at an odd
         * offset made the kernel zero the rest of a new page first, a third
         * of the output thread's time when every target answered. */
        else if (known && S_ISREG(st.st_mode) && (f->buf = malloc(SP__FILE_BUFFER)))
            setvbuf(f->fp, f->buf, _IOFBF, SP__FILE_BUFFER); /* glibc ignores a size alone */
    }
    if (!e && !why)
        return 0;
    snprintf(err, errlen, "cannot write %s'%s': %s", what, path, why ? why : strerror(e));
    if (f->own_fd)
        close(f->fd);
    if (f->tmp)
        unlink(f->tmp);
    out_free(f);
    return -1;
}

int sp__outfile_sync(sp__outfile *f)
{
    if (f->fp && !f->closed) {
        if (fflush(f->fp) != 0 && !f->err)
            f->err = errno ? errno : EIO;
        if (f->tmp && !f->err && fsync(f->fd) != 0)
            f->err = errno;
    }
    return f->err ? -1 : 0;
}

int sp__outfile_close(sp__outfile *f, const char *what, char *err, size_t errlen)
{
    const char *name = f->path ? f->path : "standard output";
    sp__outfile_sync(f);
    if (f->fp && !f->closed)
        fclose(f->fp);
    f->fp = NULL;
    int rc = 0;
    if (f->gone) {
        rc = SP__OUT_GONE;
    } else if (f->err) {
        snprintf(err, errlen, "cannot write %s'%s': %s", what, name, strerror(f->err));
        rc = -1;
    }
    if (f->tmp && rc) {
        unlink(f->tmp); /* incomplete: not a result */
    } else if (f->tmp && rename(f->tmp, f->final) != 0) {
        /* Complete but not in place: kept where it is, and said. */
        snprintf(err, errlen,
                 "cannot write %s'%s': results kept in '%s' because the rename failed: %s", what,
                 name, f->tmp, strerror(errno));
        rc = -1;
    }
    out_free(f);
    return rc;
}

void sp__outfile_abort(sp__outfile *f)
{
    if (f->fp && !f->closed)
        fclose(f->fp);
    f->fp = NULL;
    if (f->tmp)
        unlink(f->tmp);
    out_free(f);
}

/* ---- Writers ---- */

sp__writer *sp__writer_open(const sp__writer_type *type, const char *path, char *err, size_t errlen)
{
    sp__writer *w = calloc(1, sizeof(*w));
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->type = type;
    if (sp__outfile_open(&w->out, path, !type->streaming, "output ", err, errlen) != 0) {
        free(w);
        return NULL;
    }
    w->fp = w->out.fp;
    return w;
}

int sp__writer_close(sp__writer *w, char *err, size_t errlen)
{
    /* A writer fails by itself only when memory runs out; writes that
     * failed left their error in w->out. */
    if (w->failed && !w->out.err)
        w->out.err = ENOMEM;
    int rc = sp__outfile_close(&w->out, "output ", err, errlen);
    free(w);
    return rc == SP__OUT_GONE ? SP__OUT_GONE : rc ? SP_EIO : 0;
}

void sp__writer_abort(sp__writer *w)
{
    if (!w)
        return;
    sp__outfile_abort(&w->out);
    free(w);
}
