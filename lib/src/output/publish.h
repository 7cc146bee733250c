/* Publishing results over HTTP(S) once every local output is written: the
 * json document in one POST, or ndjson in batches, each line exactly as
 * the ndjson writer puts it in a file. */
#ifndef SP_OUTPUT_PUBLISH_H
#define SP_OUTPUT_PUBLISH_H

#include "output/output.h"

/* POSTs to url with the extra headers; batch 0: one json document, else
 * ndjson with at most batch services per POST. Returns 0 with a line for
 * the log in done, or an sp_code with err set. */
int sp__publish(const char *url, const sp__strv *headers, unsigned batch, const sp__scan_meta *meta,
                const sp_service *const *views, size_t n, char *done, size_t donelen, char *err,
                size_t errlen);

#endif
