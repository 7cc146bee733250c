/* Putting results back together: records of the same service from several
 * results become one that keeps every observation, findings merged by id;
 * shards of one scan are checked for gaps, overlaps and mismatches. Pure
 * data: no files, no clocks. */
#ifndef SP_MERGE_H
#define SP_MERGE_H

#include "model/service.h"
#include "state/results.h"

/* Sorts v (in the order services are reported; records of one service keep
 * the order they were read in) and merges the records of each service into
 * its first, freeing the others. Returns how many records are left in v. */
size_t sp__merge_services(sp__svc **v, size_t n);

/* Merges src into dst (the same service): observations not already there,
 * findings by id with their evidence lines, and what dst lacks
 * (answers to other probes, fingerprint, banners, TLS evidence). src is left empty, to be freed. */
void sp__svc_merge(sp__svc *dst, sp__svc *src);

/* A service seen from two or more vantages gets seen-from-several-vantages,
 * with one evidence line per vantage. Returns how many vantages saw it. */
size_t sp__merge_vantages(sp__svc *svc);

/* Checks the shards among the results: for each scan (its target set and
 * shard count), missing shards, a shard in several results, different
 * seeds, and shards of one seed with different target sets. Calls warn once
 * per problem; returns how many there were. */
int sp__check_shards(const sp__result_info *infos, size_t n, void (*warn)(void *ctx, const char *),
                     void *ctx);

#endif
