/* sp_scan_run: checks that the handle has what its mode needs, loads the
 * knowledge every mode classifies with, and runs the mode's driver. */
#include "api/scan.h"

#include "run/finish.h"
#include "run/modes.h"

#include <string.h>
#include <time.h>

static sp_code ready(sp_scan *s)
{
    if (s->set.dry_run && s->mode != SP_MODE_SCAN)
        return sp__fail(s, SP_ESTATE, "a dry run does not apply to %s", sp__mode_name(s->mode));
    if (s->mode == SP_MODE_ALG_CHECK && !s->set.alg_host)
        return sp__fail(s, SP_ESTATE, "an ALG check needs its reflector (sp_scan_set_alg_check)");
    if (s->mode == SP_MODE_REPORT && !s->set.results.n)
        return sp__fail(s, SP_ESTATE, "a report needs a result file (sp_scan_add_result_file)");
    if (s->mode == SP_MODE_CAPTURE && !s->set.captures.n && !s->set.live_iface)
        return sp__fail(s, SP_ESTATE, "a capture inventory needs a capture file or interface");
    return SP_OK;
}

sp_code sp_scan_run(sp_scan *s)
{
    if (s->running || s->ran)
        return sp__fail(s, SP_ESTATE, "the scan has already run");
    s->err[0] = '\0';
    sp_code rc = ready(s);
    if (rc)
        return rc;
    s->running = 1;
    memset(&s->summary, 0, sizeof(s->summary));
    s->summary.max_severity = SP_SEV_NONE;
    s->summary.max_new_severity = SP_SEV_NONE;
    s->accept_now = time(NULL);
    rc = (sp_code)sp__load_knowledge(s);
    if (rc) {
        s->running = 0;
        s->ran = 1;
        return rc;
    }
    switch (s->mode) {
    case SP_MODE_CAPTURE:
        return (sp_code)sp__mode_capture(s);
    case SP_MODE_ALG_CHECK:
        return (sp_code)sp__mode_alg_check(s);
    case SP_MODE_REPORT:
        return (sp_code)sp__mode_report(s);
    default:
        return (sp_code)sp__mode_scan(s);
    }
}
