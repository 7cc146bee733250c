/* The default command with --read or --read-live: an inventory of the SIP
 * endpoints captured traffic shows (SP_MODE_CAPTURE); nothing is sent. */
#include "apply.h"
#include "commands.h"
#include "common.h"
#include "run.h"

int cmd_capture(const struct cli_options *o)
{
    sp_scan *scan = cli_scan_new(SP_MODE_CAPTURE);
    if (!scan)
        return EXIT_RUNTIME;
    struct cli_applied a;
    int status = cli_apply(scan, o, &a);
    if (status == EXIT_DONE)
        status = cli_apply_outputs(scan, o);
    if (status == EXIT_DONE) {
        /* A capture that is missing, truncated or not a capture is bad input
         * (what it held before the damage was still reported). */
        struct cli_run_how how = {NULL, 0, 1};
        status = cli_run(scan, o, &how);
    }
    sp_scan_free(scan);
    return status;
}
