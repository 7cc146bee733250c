/* Output writers: plug-ins behind a table of callbacks (output/writer.h),
 * listed in one registry. Every writer receives the same result model.
 * Streaming writers (ndjson) write each service as it is found; document
 * writers (json, text, csv) write once at the end, to a temporary file
 * renamed into place (output/outfile.h says where the bytes go: devices,
 * FIFOs and descriptors in place, symlinks followed). The registry depends
 * on the writers; they depend on output/report.h and output/service_json.h,
 * never on the registry. */
#ifndef SP_OUTPUT_H
#define SP_OUTPUT_H

#include "output/writer.h"

/* The writers, each in its own file. */
extern const sp__writer_type sp__writer_text;
extern const sp__writer_type sp__writer_ndjson;
extern const sp__writer_type sp__writer_json;
extern const sp__writer_type sp__writer_csv;
extern const sp__writer_type sp__writer_html;
extern const sp__writer_type sp__writer_markdown;
extern const sp__writer_type sp__writer_junit;

/* A writer by (case-insensitive) name, or NULL. */
const sp__writer_type *sp__writer_find(const char *name);

/* Opens a writer on path ("-" = stdout). Returns NULL with err set. */
sp__writer *sp__writer_open(const sp__writer_type *type, const char *path, char *err,
                            size_t errlen);
/* Flushes, closes and (for document files) renames into place. Frees w.
 * Returns 0, SP__OUT_GONE when its reader went away (a closed pipe: nothing
 * to report, the output ends there), or SP_EIO with err set. */
int sp__writer_close(sp__writer *w, char *err, size_t errlen);
/* Removes a writer's temporary file without publishing it. Frees w. */
void sp__writer_abort(sp__writer *w);

#endif
