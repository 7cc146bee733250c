/* The default command with --read or --read-live: an inventory of the SIP
 * endpoints captured traffic shows (SP_MODE_CAPTURE); nothing is sent. */
#include "commands.h"
#include "common.h"
#include "run.h"

int cmd_capture(const struct cli_options *o)
{
    /* A capture that is missing, truncated or not a capture is bad input
     * (what it held before the damage was still reported). */
    struct cli_run_how how = {NULL, 0, 1};
    return cli_run_mode(o, SP_MODE_CAPTURE, &how);
}
