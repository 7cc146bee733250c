/* REGISTER: tests whether the registrar demands authentication. The request
 * carries Expires: 0, so even a registrar that accepts it without a
 * challenge only removes a binding for our own (non-existent) contact: the
 * probe proves the weakness without hijacking the extension. */
#include "probe/probe.h"

#include <stdio.h>

static void register_fill(const sp__probe_params *params, sp__request_spec *spec,
                          char scratch[4][256])
{
    snprintf(scratch[0], 256, "sip:%s", SP__MARK_TARGET);
    (void)params;
    snprintf(scratch[1], 256, "<sip:%s@%s>", SP__MARK_USER, SP__MARK_HOST);
    snprintf(scratch[2], 256, "<sip:%s@%s>;tag=%s", SP__MARK_USER, SP__MARK_HOST, SP__MARK_MAC);
    spec->method = "REGISTER";
    spec->request_uri = scratch[0];
    spec->to = scratch[1];
    spec->from = scratch[2];
    spec->expires = "0";
}

const sp__probe_type sp__probe_register = {
    .name = "REGISTER",
    .description = "registration without credentials (Expires: 0): tests whether auth is required",
    .fill = register_fill,
};
