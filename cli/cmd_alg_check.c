/* sipprobe alg-check: one exchange per transport with a sipprobe reflector
 * outside, to see whether the path rewrites SIP (SP_MODE_ALG_CHECK). */
#include "apply.h"
#include "commands.h"
#include "common.h"
#include "run.h"

int cmd_alg_check(const struct cli_options *o)
{
    sp_scan *scan = cli_scan_new(SP_MODE_ALG_CHECK);
    if (!scan)
        return EXIT_RUNTIME;
    struct cli_applied a;
    int status = cli_apply(scan, o, &a);
    if (status == EXIT_DONE)
        status = cli_apply_outputs(scan, o);
    if (status == EXIT_DONE) {
        /* The verdict "no ALG on this path" is worth saying even without -v. */
        struct cli_run_how how = {NULL, 1, 0};
        status = cli_run(scan, o, &how);
    }
    sp_scan_free(scan);
    return status;
}
