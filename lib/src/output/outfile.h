/* The files outputs write into: document and streaming outputs and the
 * pcap of a scan (implemented in output/output.c).
 *
 * Where the bytes go:
 * - a regular file, or a name that does not exist yet, is written to a
 *   temporary file beside it (NAME.tmp.PID) that is renamed into place when
 *   complete (atomic), or in place (streams, which are read as they grow);
 * - a symlink is followed: the file it names is replaced, the link stays;
 * - a device, a FIFO, a socket, or a descriptor (/dev/stdout, /dev/fd/N) is
 *   written in place, never replaced;
 * - "-" is standard output.
 * Every write goes through one function that keeps the error of the first
 * write that failed, and that never lets SIGPIPE kill the process (the
 * signal disposition is the application's; it is blocked around the write
 * and a SIGPIPE the write raised is taken back): a reader that went away
 * is EPIPE, remembered as gone, and asks the scan to stop. */
#ifndef SP_OUTFILE_H
#define SP_OUTFILE_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

typedef struct sp__outfile {
    FILE *fp;
    char *path;  /* as given; NULL for standard output */
    char *final; /* the file the temporary replaces (symlinks followed) */
    char *tmp;   /* the temporary file; NULL when written in place */
    int fd, own_fd;
    int pipe;   /* a pipe, FIFO or socket: a write may raise SIGPIPE */
    int err;    /* errno of the first write (or close) that failed; 0: none */
    int gone;   /* that error was EPIPE: the reader went away */
    int closed; /* fp was closed (by us or by whoever took it over) */
    char *buf;  /* fp's buffer, when we gave it one */
    /* When not NULL, set to 1 (if 0) as the reader goes away: a scan's
     * stop flag, read by the scan thread. */
    volatile sig_atomic_t *stop;
} sp__outfile;

/* sp__outfile_close: the reader went away; nothing to report. */
#define SP__OUT_GONE (-2)

/* Before anything is written: can path be written? 0, or -1 with why
 * ("it is a directory", "the file name is empty", an errno text). */
int sp__outfile_check(const char *path, char *why, size_t whylen);
/* Would outputs to a and b ("-" is standard output) write into one file?
 * Character devices (/dev/null, a terminal) may take several. */
int sp__outfile_clash(const char *a, const char *b);

/* Opens path ("-" or NULL: standard output) as said above; atomic: through
 * a temporary file when it is a regular file. 0, or -1 with err set to
 * "cannot write <what>'<path>': <why>". */
int sp__outfile_open(sp__outfile *f, const char *path, int atomic, const char *what, char *err,
                     size_t errlen);
/* Pushes out what fp holds (and syncs a temporary file to disk); call
 * before closing fp by other means than sp__outfile_close. 0 or -1. */
int sp__outfile_sync(sp__outfile *f);
/* Closes fp (unless already closed: then set f->closed) and, for a
 * temporary file, renames it into place. A temporary file that could not
 * be written completely is removed; one that could not be renamed is kept,
 * and err says where. Returns 0, SP__OUT_GONE (the reader went away), or
 * -1 with err set. Frees what f holds. */
int sp__outfile_close(sp__outfile *f, const char *what, char *err, size_t errlen);
/* Closes fp and removes a temporary file unpublished. Frees what f holds. */
void sp__outfile_abort(sp__outfile *f);

#endif
