/* Baselines: the findings of an earlier scan (its json or ndjson output),
 * so that CI can fail only on what is new and reports can say what was
 * fixed. */
#ifndef SP_BASELINE_H
#define SP_BASELINE_H

#include "targets/permute.h"
#include "targets/targets.h"
#include "common/util.h"

typedef struct sp__baseline {
    sp__strv keys; /* "host:port/transport finding-id", sorted */
    uint8_t *seen; /* set when this scan has the finding too */
    int loaded;
    char since[32]; /* when the baseline's scan started (ISO 8601), or "" */
} sp__baseline;

void sp__baseline_init(sp__baseline *b);
void sp__baseline_free(sp__baseline *b);
/* Reads a json document or ndjson file. Returns 0 or an sp_code with err
 * set: SP_EIO for a file that cannot be read or a directory, SP_EDATA for
 * an empty file or one that is not a sipprobe result. */
int sp__baseline_load(sp__baseline *b, const char *path, char *err, size_t errlen);
/* Marks key as present in this scan; returns 1 if the baseline had it. */
int sp__baseline_check(sp__baseline *b, const char *key);
/* What a scan probed to the end, so that a finding missing from it may
 * count as fixed. */
typedef struct sp__coverage {
    const sp__targets *targets; /* finalized; NULL: every endpoint (a capture has no targets) */
    uint64_t seed;              /* of the permutation over probe indices */
    uint64_t n_methods;         /* probe index = pair index * n_methods + method */
    unsigned shard_index;       /* 0-based */
    unsigned shard_count;       /* <= 1: the whole target set */
} sp__coverage;

/* 1 if the scan covered (a, port, transport): the target set holds it and,
 * with a shard, every probe of it (one per method) is this shard's. perm
 * is the scan's permutation (sp__coverage_perm), unused without a shard. */
int sp__coverage_has(const sp__coverage *c, const sp__perm *perm, const sp__addr *a, uint16_t port,
                     uint8_t transport);
/* The permutation a scan with this coverage walked. */
void sp__coverage_perm(const sp__coverage *c, sp__perm *perm);

/* Baseline findings this scan did not see again, on the endpoints it
 * covered. An endpoint it did not probe (another shard's, another port)
 * proves nothing: its findings are not listed. */
void sp__baseline_fixed(const sp__baseline *b, const sp__coverage *c, sp__strv *out);

#endif
