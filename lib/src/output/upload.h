/* Upload of results over HTTP(S): the only module that includes
 * <curl/curl.h>. */
#ifndef SP_UPLOAD_H
#define SP_UPLOAD_H

#include "common/util.h"

#include <stddef.h>

typedef struct sp__upload_result {
    long http_status; /* last HTTP status, 0 if none */
    int attempts;
} sp__upload_result;

/* POSTs body (content type given) to url with the extra headers. Retries
 * with back-off (0.5 s, 1 s, 2 s) on connection errors, timeouts and 5xx;
 * a 4xx is final. Returns 0 on a 2xx, else an sp_code with err set. */
int sp__upload(const char *url, const sp__strv *headers, const char *content_type, const char *body,
               size_t len, sp__upload_result *res, char *err, size_t errlen);

#endif
