/* The content of a client report, written once for both report formats
 * (HTML and Markdown) through a small set of document operations, so the
 * two carry the same words: the risks named once each with the hosts they
 * affect, the scope, a prioritised remediation plan, why each severity,
 * what was tested (also when it found nothing), a per-host appendix, and
 * the methodology and its limitations. */
#ifndef SP_OUTPUT_CLIENT_REPORT_H
#define SP_OUTPUT_CLIENT_REPORT_H

#include "output/writer.h"

/* What a format provides. Text arguments are raw (the format escapes). */
typedef struct sp__doc_ops {
    void (*section)(void *ctx, const char *id, const char *title); /* ends the one before */
    void (*heading)(void *ctx, const char *text);                  /* a sub-heading */
    void (*para)(void *ctx, const char *text);
    void (*list)(void *ctx, int ordered, int open); /* open 1 begins a list, 0 ends it */
    void (*item)(void *ctx, const char *severity, const char *text); /* severity may be NULL */
    void (*pair)(void *ctx, const char *key, const char *value);     /* a key: value line */
    void (*end)(void *ctx);                                          /* ends the last section */
} sp__doc_ops;

/* "Executive summary": counts, then each distinct risk above info once
 * with the hosts it affects. */
void sp__report_summary(const sp__doc_ops *ops, void *ctx, const sp__scan_meta *meta,
                        const sp_service *const *all, size_t n);
/* "Scope", "Remediation plan", "What was tested", "Hosts" (appendix) and
 * "Methodology and limitations", in that order. */
void sp__report_scope_and_plan(const sp__doc_ops *ops, void *ctx, const sp__scan_meta *meta,
                               const sp_service *const *all, size_t n);
void sp__report_appendix(const sp__doc_ops *ops, void *ctx, const sp__scan_meta *meta,
                         const sp_service *const *all, size_t n);
/* Why a finding has its severity, one sentence. */
const char *sp__severity_rationale(const char *finding_id, sp_severity severity);

#endif
