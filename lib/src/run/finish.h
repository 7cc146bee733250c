/* What every mode does before and after its own work: the knowledge
 * loaded once, and one finishing step that sorts the services, marks
 * baseline findings fixed, ends and closes every writer (even after a
 * failure, so nothing gathered is lost), uploads, and ends the run. */
#ifndef SP_RUN_FINISH_H
#define SP_RUN_FINISH_H

#include "model/service.h"
#include "output/output.h"
#include "targets/targets.h"

struct sp_scan;

/* The built-in fingerprints and advisories, loaded once per handle. */
int sp__load_knowledge(struct sp_scan *s);
/* Fills meta's common fields and the start time; writers get begin(). */
void sp__begin(struct sp_scan *s, sp__scan_meta *meta, char *started, size_t len);
/* Stamps a service with this run's sighting (scan, vantage, time, answer)
 * unless it has one already (read back from a journal or a result). */
void sp__observe(struct sp_scan *s, sp__svc *svc);
/* Ends the run with rc (the first error wins). With may_fix, baseline
 * findings gone from covered (NULL: every address) are reported fixed. */
int sp__finish(struct sp_scan *s, sp__scan_meta *meta, int rc, const sp__targets *covered,
               int may_fix);

#endif
