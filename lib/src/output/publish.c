#include "output/publish.h"

#include "output/service_json.h"
#include "output/upload.h"

#include <stdio.h>
#include <stdlib.h>

static int post_document(const char *url, const sp__strv *headers, const sp__scan_meta *meta,
                         const sp_service *const *views, size_t n, char *done, size_t donelen,
                         char *err, size_t errlen)
{
    char *body = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&body, &len);
    if (!mem) {
        snprintf(err, errlen, "out of memory");
        return SP_ENOMEM;
    }
    sp__writer w = {.type = &sp__writer_json, .fp = mem};
    sp__writer_json.end(&w, meta, views, n);
    fclose(mem);
    sp__upload_result res;
    int rc = sp__upload(url, headers, "application/json", body, len, &res, err, errlen);
    free(body);
    if (!rc)
        snprintf(done, donelen, "uploaded %zu bytes to %s (HTTP %ld)", len, url, res.http_status);
    return rc;
}

int sp__publish(const char *url, const sp__strv *headers, unsigned batch, const sp__scan_meta *meta,
                const sp_service *const *views, size_t n, char *done, size_t donelen, char *err,
                size_t errlen)
{
    if (batch == 0)
        return post_document(url, headers, meta, views, n, done, donelen, err, errlen);
    /* One POST per batch; an empty result still posts once, so the
     * receiver learns that the scan ran. */
    for (size_t first = 0; first < n || (n == 0 && first == 0); first += batch) {
        sp__buf body;
        sp__buf_init(&body);
        for (size_t i = first; i < n && i < first + batch; i++) {
            char *line = sp__service_line(views[i]);
            if (line) {
                sp__buf_puts(&body, line);
                sp__buf_puts(&body, "\n");
                free(line);
            }
        }
        sp__upload_result res;
        int rc = sp__upload(url, headers, "application/x-ndjson", sp__buf_cstr(&body), body.len,
                            &res, err, errlen);
        sp__buf_free(&body);
        if (rc)
            return rc;
        if (n == 0)
            break;
    }
    snprintf(done, donelen, "uploaded %zu services to %s in batches of %u", n, url, batch);
    return 0;
}
