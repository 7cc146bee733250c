/* Findings: the rules that turn a service's replies into findings with
 * evidence, each finding described by the catalogue (classify/catalogue.h). */
#ifndef SP_FINDINGS_H
#define SP_FINDINGS_H

#include "classify/catalogue.h"
#include "classify/vulns.h"
#include "model/service.h"

/* Applies every rule to a classified service (replies and fingerprint in place). */
void sp__findings_evaluate(sp__svc *svc, const sp__vulndb *vulns);

#endif
