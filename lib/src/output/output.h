/* Output writers: plug-ins behind a table of callbacks, listed in one
 * registry. Every writer receives the same result model. Streaming writers
 * (ndjson) write each service as it is found; document writers (json, text,
 * csv) write once at the end, to a temporary file renamed into place. */
#ifndef SP_OUTPUT_H
#define SP_OUTPUT_H

#include "sipprobe/sipprobe.h"
#include "common/util.h"

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
    sp_severity fail_on;   /* SP_SEV_NONE: nothing fails */
    int color;             /* the caller asked for ANSI colours (text on a terminal) */
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
    FILE *fp;
    char *path;     /* NULL for stdout */
    char *tmp_path; /* document writers to a file */
    int failed;
    uint64_t flushed_ns; /* streaming writers: when lines last went out */
};

extern const sp__writer_type sp__writer_text;
extern const sp__writer_type sp__writer_ndjson;
extern const sp__writer_type sp__writer_json;
extern const sp__writer_type sp__writer_csv;

const sp__writer_type *sp__writer_find(const char *name);

/* Opens a writer on path ("-" = stdout). Returns NULL with err set. */
sp__writer *sp__writer_open(const sp__writer_type *type, const char *path, char *err,
                            size_t errlen);
/* Flushes, closes and (for document files) renames into place. Frees w.
 * Returns 0 or SP_EIO with err set. */
int sp__writer_close(sp__writer *w, char *err, size_t errlen);
/* Removes a writer's temporary file without publishing it. Frees w. */
void sp__writer_abort(sp__writer *w);

extern const sp__writer_type sp__writer_html;
extern const sp__writer_type sp__writer_markdown;
extern const sp__writer_type sp__writer_junit;

/* Writes network text into HTML or XML: invalid UTF-8 repaired, control
 * characters (not allowed in XML 1.0, dangerous on terminals) made '?', and
 * & < > " ' escaped. */
void sp__fput_markup(FILE *fp, const char *raw);

/* What answers, for tables: "Product version" from the fingerprint, else
 * the Server or User-Agent banner as received, else "". Raw text: escape it. */
void sp__service_product(const sp_service *svc, char *out, size_t len);

/* "host:port/udp", with brackets around IPv6 hosts. */
void sp__service_address(const sp_service *svc, char *out, size_t len);

/* One service that has a given finding. */
typedef struct sp__finding_hit {
    const sp_service *svc;
    const sp_finding *f;
} sp__finding_hit;

/* Calls fn once per finding id present in the services, most severe first
 * (catalogue order within a severity), with every service that has it, so
 * that reports give each piece of advice once. Findings below min_sev are
 * left out. */
void sp__each_finding_group(const sp_service *const *all, size_t n, sp_severity min_sev,
                            void (*fn)(const sp_finding_info *info, const sp__finding_hit *hits,
                                       size_t n_hits, void *data),
                            void *data);

/* The compact one-line JSON of a service (malloc'd; free()), or NULL: the
 * bytes of json_dumps(sp__service_json(svc), SP__LINE_FLAGS), made faster
 * (output_jsonline.c). */
char *sp__service_line(const sp_service *svc);
#define SP__LINE_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(10))

/* The JSON form of a service (a new reference), shared by the json
 * document writer, uploads and the line above. */
struct json_t;
struct json_t *sp__service_json(const sp_service *svc);

/* A JSON string for s (a new reference): NULL becomes null, invalid UTF-8
 * becomes U+FFFD. */
struct json_t *sp__json_str(const char *s);

#endif
