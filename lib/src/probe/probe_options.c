/* OPTIONS: the capability query every SIP element must answer (RFC 3261
 * section 11). It reveals Server/User-Agent and Allow without side effects. */
#include "probe/probe.h"

#include <stdio.h>

static void options_fill(const sp__probe_params *params, sp__request_spec *spec,
                         char scratch[4][256])
{
    (void)params;
    snprintf(scratch[0], 256, "sip:%s@%s", SP__MARK_USER, SP__MARK_TARGET);
    /* To carries the host without port: the server must echo it verbatim, so
     * a SIP ALG that rewrites it (adding ":5060", say) gives itself away. */
    snprintf(scratch[1], 256, "<sip:%s@%s>", SP__MARK_USER, SP__MARK_HOST);
    spec->method = "OPTIONS";
    spec->request_uri = scratch[0];
    spec->to = scratch[1];
    spec->accept = "application/sdp";
}

const sp__probe_type sp__probe_options = {
    .name = "OPTIONS",
    .description = "capability query: reveals Server/User-Agent and Allow, no side effects",
    .fill = options_fill,
};
