/* What an output writer is: a table of callbacks (sp__writer_type) and
 * the open output it writes to (sp__writer), given what writers know about
 * the scan (sp__scan_meta). Writers include this and output/report.h; the
 * registry (output/output.h) lists them. */
#ifndef SP_WRITER_H
#define SP_WRITER_H

#include "sipprobe/sipprobe.h"
#include "common/util.h"
#include "output/outfile.h"

#include <stdint.h>
#include <stdio.h>

/* What writers know about the scan itself. */
typedef struct sp__scan_meta {
    const char *version;
    const sp__strv *targets;
    const sp__strv *excludes;
    const char *ports;
    const char *transports; /* "udp,tcp,tls" */
    const char *methods;
    uint32_t rate;
    unsigned retries;
    unsigned wait_ms;
    uint64_t seed;
    unsigned shard_index, shard_count;
    const char *user_agent;
    const char *started;       /* ISO 8601 UTC */
    const char *finished;      /* ISO 8601 UTC; NULL in begin() */
    const sp_summary *summary; /* NULL in begin() */
    const sp__strv *fixed; /* with a baseline: "host:port/udp finding-id" gone since; else NULL */
    const sp__strv *not_seen;   /* with a baseline: findings of services that did not answer */
    const char *baseline_since; /* with a baseline: when its scan started, or "" */
    int fixed_unknown;          /* with a baseline: the scan did not run to the end, so what was
                                 * fixed is not determined (fixed is empty) */
    sp_severity fail_on;        /* SP_SEV_NONE: nothing fails */
    int color;                  /* the caller asked for ANSI colours (text on a terminal) */
    unsigned columns;           /* text: fit lines to this width (0: no limit) */
    int verbose;                /* text: list info findings too */
    const char *scan_id;        /* random per run (sp_observation) */
    const char *vantage;
    const char *targets_id;   /* digest of targets, excludes, ports, transports, methods */
    const sp__strv *results;  /* a report: the results it merged; else NULL */
    const sp__strv *warnings; /* a report: shard checks and unreadable input; else NULL */
    sp_mode mode;
    uint64_t endpoints; /* a scan: (address, port, transport) endpoints it probed */
    char source[80];    /* a scan: the chosen source address, or "" */
    int enumerated;     /* extension enumeration ran */
    int audited;        /* the password audit ran */
    int invite_checked; /* the INVITE check ran */
} sp__scan_meta;

typedef struct sp__writer sp__writer;

/* Callbacks a writer has no use for may be NULL. */
typedef struct sp__writer_type {
    const char *name;
    const char *description;
    int streaming;
    int (*begin)(sp__writer *w, const sp__scan_meta *meta);
    int (*service)(sp__writer *w, const sp_service *svc); /* streaming writers */
    /* Optional: the same, given the service's compact JSON line (made once
     * per service and shared with the resume journal). */
    int (*service_line)(sp__writer *w, const char *line);
    int (*end)(sp__writer *w, const sp__scan_meta *meta, const sp_service *const *all, size_t n);
} sp__writer_type;

struct sp__writer {
    const sp__writer_type *type;
    FILE *fp;        /* out.fp, or a stream of the caller's (publish.c) */
    sp__outfile out; /* the file: path, temporary file, first write error */
    int failed;
    uint64_t flushed_ns; /* streaming writers: when lines last went out */
};

#endif
