#include "sipprobe/sipprobe.h"

#include <string.h>

static const char *const messages[] = {
#define SP__TEXT(code, text) text,
    SP_ERROR_LIST(SP__TEXT)
#undef SP__TEXT
};

const char *sp_strerror(sp_code code)
{
    if ((int)code < 0 || code >= SP__ERROR_COUNT)
        return "unknown error";
    return messages[code];
}

static const char *const sev_names[] = {"info", "low", "medium", "high", "critical"};

const char *sp_severity_name(sp_severity sev)
{
    if (sev < SP_SEV_INFO || sev > SP_SEV_CRITICAL)
        return "none";
    return sev_names[sev];
}

sp_code sp_severity_parse(const char *name, sp_severity *out)
{
    if (!name)
        return SP_EINVAL;
    if (!strcmp(name, "never") || !strcmp(name, "none")) {
        *out = SP_SEV_NONE;
        return SP_OK;
    }
    for (int i = 0; i <= SP_SEV_CRITICAL; i++)
        if (!strcmp(name, sev_names[i])) {
            *out = (sp_severity)i;
            return SP_OK;
        }
    return SP_EINVAL;
}

const char *sp_transport_name(sp_transport t)
{
    return t == SP_TRANSPORT_UDP   ? "udp"
           : t == SP_TRANSPORT_TCP ? "tcp"
           : t == SP_TRANSPORT_TLS ? "tls"
           : t == SP_TRANSPORT_WS  ? "ws"
           : t == SP_TRANSPORT_WSS ? "wss"
                                   : "?";
}
