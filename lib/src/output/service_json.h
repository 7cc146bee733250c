/* The JSON form of one service, in both directions, in one module: the
 * jansson tree (json document, uploads), the compact line (ndjson and the
 * resume journal; the same bytes as the tree's dump, made faster), and the
 * reader that rebuilds a service record from either (resume). A field added
 * to the record is added here, three times, next to itself. */
#ifndef SP_SERVICE_JSON_H
#define SP_SERVICE_JSON_H

#include "model/service.h"
#include "sipprobe/sipprobe.h"

#include <jansson.h>

/* How a line is dumped: sp__service_line gives the bytes of
 * json_dumps(sp__service_json(svc), SP__LINE_FLAGS). */
#define SP__LINE_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(10))

/* The version of the result format this build writes (in each observation
 * and the json document's scan): a reader refuses results of a newer one. */
#define SP__RESULT_FORMAT 1

/* A JSON string for s (a new reference): NULL becomes null, invalid UTF-8
 * becomes U+FFFD. */
json_t *sp__json_str(const char *s);
/* A JSON array of the n strings of v (a new reference), each as sp__json_str. */
json_t *sp__json_strs(const char *const *v, size_t n);

/* The JSON form of a service (a new reference), for the json document
 * writer, uploads and the unit tests of the line below. */
json_t *sp__service_json(const sp_service *svc);

/* The compact one-line JSON of a service (malloc'd; free()), or NULL: the
 * bytes of json_dumps(sp__service_json(svc), SP__LINE_FLAGS), made faster. */
char *sp__service_line(const sp_service *svc);

/* Rebuilds a service record from its JSON form (as the two writers above
 * make it). Returns NULL when the object is not a service. */
sp__svc *sp__service_from_json(json_t *o);
/* The newest result format among a service object's observations (0: none). */
int sp__result_format(json_t *o);

#endif
