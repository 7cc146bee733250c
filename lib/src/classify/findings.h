/* Findings: one catalogue (id, severity, title, remediation) that feeds the
 * results, --list-findings, the man page and the README, and the rules that
 * turn a service's replies into findings with evidence. */
#ifndef SP_FINDINGS_H
#define SP_FINDINGS_H

#include "model/service.h"
#include "classify/vulns.h"

const sp_finding_info *sp__finding_lookup(const char *id);

/* Applies every rule to a classified service (replies and fingerprint in place). */
void sp__findings_evaluate(sp__svc *svc, const sp__vulndb *vulns);

#endif
