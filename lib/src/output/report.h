/* Helpers for the writers of reports (text, csv, html, markdown, junit):
 * escaping, the names a table shows, and findings grouped so that a report
 * gives each piece of advice once. Writers depend on these, never the other
 * way round; they depend on the public types and the findings catalogue
 * only. */
#ifndef SP_REPORT_H
#define SP_REPORT_H

#include "sipprobe/sipprobe.h"

#include <stdio.h>

/* Writes network text into HTML or XML: invalid UTF-8 repaired, control
 * characters (not allowed in XML 1.0, dangerous on terminals) made '?', and
 * & < > " ' escaped. */
void sp__fput_markup(FILE *fp, const char *raw);

/* What answers, for tables: "Product version" from the fingerprint, else
 * the Server or User-Agent banner as received, else "". Raw text: escape it. */
/* The comparison with a baseline, one clause without a full stop: "2 new
 * findings, 1 fixed", or that what was fixed is not determined (the scan did
 * not run to the end). Only with meta->fixed set. */
struct sp__scan_meta;
void sp__baseline_sentence(const struct sp__scan_meta *meta, char *out, size_t len);
void sp__service_product(const sp_service *svc, char *out, size_t len);

/* The vantages that saw a service, each once, in the order of its
 * observations: "lan, wan" ("" when it has no observation). */
void sp__service_vantages(const sp_service *svc, char *out, size_t len);

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

#endif
