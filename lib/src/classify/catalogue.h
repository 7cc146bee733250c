/* The findings catalogue: one place for ids, severities, titles and
 * remediation advice. It feeds the results (sp__svc_add_finding), the
 * public sp_finding_catalogue (--list-findings), the man page and the
 * README. It depends on nothing but the public types: the rules that
 * decide which findings a service has are in classify/findings.c. */
#ifndef SP_CATALOGUE_H
#define SP_CATALOGUE_H

#include "sipprobe/sipprobe.h"

/* The catalogue entry of a finding id, or NULL. */
const sp_finding_info *sp__finding_lookup(const char *id);
/* The first finding whose id matches the glob pattern (fnmatch), or NULL. */
const sp_finding_info *sp__finding_lookup_glob(const char *pattern);

#endif
