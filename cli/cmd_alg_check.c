/* sipprobe alg-check: one exchange per transport with a sipprobe reflector
 * outside, to see whether the path rewrites SIP (SP_MODE_ALG_CHECK). */
#include "commands.h"
#include "common.h"
#include "run.h"

int cmd_alg_check(const struct cli_options *o)
{
    /* The verdict "no ALG on this path" is worth saying even without -v. */
    struct cli_run_how how = {NULL, 1, 0};
    return cli_run_mode(o, SP_MODE_ALG_CHECK, &how);
}
