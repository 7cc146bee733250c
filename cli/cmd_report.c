/* sipprobe report RESULT...: stored results of one or more scans (shards,
 * vantages, days) merged into one report (SP_MODE_REPORT); nothing is sent. */
#include "commands.h"
#include "common.h"
#include "run.h"

int cmd_report(const struct cli_options *o)
{
    /* Unreadable results and, with --strict, shards that do not fit are
     * bad input (exit 2); what could be read is still reported unless strict. */
    struct cli_run_how how = {NULL, 0, 1};
    return cli_run_mode(o, SP_MODE_REPORT, &how);
}
