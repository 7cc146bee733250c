/* Baselines: the findings of an earlier scan (its json or ndjson output),
 * so that CI can fail only on what is new and reports can say what was
 * fixed. */
#ifndef SP_BASELINE_H
#define SP_BASELINE_H

#include "targets/targets.h"
#include "common/util.h"

typedef struct sp__baseline {
    sp__strv keys; /* "host:port/transport finding-id", sorted */
    uint8_t *seen; /* set when this scan has the finding too */
    int loaded;
} sp__baseline;

void sp__baseline_init(sp__baseline *b);
void sp__baseline_free(sp__baseline *b);
/* Reads a json document or ndjson file. Returns 0 or an sp_code with err set. */
int sp__baseline_load(sp__baseline *b, const char *path, char *err, size_t errlen);
/* Marks key as present in this scan; returns 1 if the baseline had it. */
int sp__baseline_check(sp__baseline *b, const char *key);
/* Keys of the baseline not seen in this scan, on hosts within targets. */
/* Baseline findings not seen again on hosts of the target set (every host
 * when targets is NULL: a capture has no target set). */
void sp__baseline_fixed(const sp__baseline *b, const sp__targets *targets, sp__strv *out);

#endif
