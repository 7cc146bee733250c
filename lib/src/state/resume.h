/* Interrupt and resume: a journal of the scan on disk (ndjson). The first
 * line holds the settings, each following line a service as it is found,
 * checkpoints of a position safe to resume from as the scan goes, and on an
 * interrupt a last line holds where sending stopped. Memory stays
 * flat: the journal, not the process, keeps what was found. A scan that
 * completes removes its journal. */
#ifndef SP_RESUME_H
#define SP_RESUME_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

typedef struct sp__journal {
    FILE *fp;
    char *buf; /* fp's buffer */
    char *path;
    int failed; /* a write failed (a full disk): the journal is incomplete */
    int err;    /* errno of the first failed write */
} sp__journal;

/* Starts a journal: writes settings as the first line, or with append
 * (resuming) opens it for more lines after its first keep bytes (the end
 * of its last whole line: a torn line is cut off, so appending starts on a
 * fresh line). Returns 0 or an sp_code. */
int sp__journal_open(sp__journal *j, const char *path, const json_t *settings, int append,
                     long keep, char *err, size_t errlen);
/* Appends a service given as its compact JSON line (sp__service_line). */
void sp__journal_service(sp__journal *j, const char *line);
void sp__journal_position(sp__journal *j, unsigned round, uint64_t next_j);
/* Appends a line made by the two below (NULL is ignored). */
void sp__journal_raw(sp__journal *j, const char *line);
/* The journal line of a service's JSON line, or of a position (malloc'd). */
char *sp__journal_service_text(const char *service_line);
char *sp__journal_position_text(unsigned round, uint64_t next_j);
/* Closes the journal; keep = 0 removes the file (the scan completed).
 * Returns 0, or -1 when some write failed (the file is incomplete). */
int sp__journal_close(sp__journal *j, int keep);

typedef struct sp__resume_state {
    json_t *settings;
    json_t *services; /* array of service objects */
    unsigned round;
    uint64_t next_j;
    int has_position;
    long good_bytes; /* where the last whole line ends */
    int torn;        /* the last line was cut off (the process was killed) */
} sp__resume_state;

/* Reads a journal. Later lines for a service supersede earlier ones. A
 * journal without a position line (the process was killed) resumes from
 * the start, skipping what it had found; a torn last line is dropped and
 * flagged in st->torn. */
int sp__resume_load(const char *path, sp__resume_state *st, char *err, size_t errlen);
void sp__resume_free(sp__resume_state *st);

#endif
