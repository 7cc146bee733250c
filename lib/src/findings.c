#include "findings.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const sp_finding_info catalogue[] = {
    {"sip-service-exposed", SP_SEV_INFO, "SIP service answers on this address",
     "Make sure this service is meant to be reachable from where the scan ran. Restrict it "
     "with a firewall to the networks and SIP trunks that need it."},
    {"version-disclosure", SP_SEV_LOW, "Product and version disclosed in Server/User-Agent",
     "Remove or genericise the Server/User-Agent header (e.g. Asterisk: useragent= and "
     "sdpowner= in pjsip.conf/sip.conf; Kamailio: server_header/user_agent_header) so that "
     "attackers cannot match the version against known vulnerabilities."},
    {"register-without-auth", SP_SEV_CRITICAL, "Registrar accepts REGISTER without authentication",
     "Require digest authentication for every REGISTER (e.g. Asterisk: auth= on every "
     "endpoint; Kamailio: www_authorize before save). An attacker can register as any "
     "extension, take its calls and place calls billed to you."},
    {"responder-mismatch", SP_SEV_INFO, "Reply came from a different address than the one probed",
     "A NAT, SIP ALG, load balancer or multi-homed server answered for this address. Check "
     "which device really answers and whether a router forwards SIP to a host behind it."},
};

#define N_FINDINGS (sizeof(catalogue) / sizeof(catalogue[0]))

const sp_finding_info *sp_finding_catalogue(size_t index)
{
    return index < N_FINDINGS ? &catalogue[index] : NULL;
}

const sp_finding_info *sp__finding_lookup(const char *id)
{
    for (size_t i = 0; i < N_FINDINGS; i++)
        if (!strcmp(catalogue[i].id, id))
            return &catalogue[i];
    return NULL;
}

/* A version is visible when a banner holds digits separated by a dot. */
static int has_version_number(const char *s)
{
    for (; s && *s; s++)
        if (isdigit((unsigned char)s[0]) && s[1] == '.' && isdigit((unsigned char)s[2]))
            return 1;
    return 0;
}

void sp__findings_evaluate(sp__svc *svc)
{
    char line[3][512];

    /* Every service that answered at all is exposed; say with which reply. */
    if (svc->n_replies > 0) {
        const sp_reply *r = &svc->replies[0];
        snprintf(line[0], sizeof(line[0]), "%s -> %d %s from %s", r->method, r->status,
                 r->reason ? r->reason : "", svc->responder_s);
        const char *ev[] = {line[0]};
        sp__svc_add_finding(svc, "sip-service-exposed", ev, 1);
    }

    {
        const char *ev[2];
        size_t n = 0;
        int visible = svc->has_fp && svc->fp.version;
        if (svc->server && (visible || has_version_number(svc->server))) {
            snprintf(line[0], sizeof(line[0]), "Server: %s", svc->server);
            ev[n++] = line[0];
        }
        if (svc->user_agent && (visible || has_version_number(svc->user_agent))) {
            snprintf(line[1], sizeof(line[1]), "User-Agent: %s", svc->user_agent);
            ev[n++] = line[1];
        }
        if (n)
            sp__svc_add_finding(svc, "version-disclosure", ev, n);
    }

    for (size_t i = 0; i < svc->n_replies; i++) {
        const sp_reply *r = &svc->replies[i];
        if (!strcmp(r->method, "REGISTER") && r->status >= 200 && r->status < 300 &&
            !r->challenged) {
            snprintf(line[0], sizeof(line[0]), "REGISTER -> %d %s with no authentication challenge",
                     r->status, r->reason ? r->reason : "");
            const char *ev[] = {line[0]};
            sp__svc_add_finding(svc, "register-without-auth", ev, 1);
        }
    }

    if (svc->responder_s[0] && !sp__addr_equal(&svc->host, &svc->responder)) {
        char probed[80];
        sp__addr_format_port(&svc->host, svc->port, probed, sizeof(probed));
        snprintf(line[0], sizeof(line[0]), "probed %s, reply came from %s", probed,
                 svc->responder_s);
        const char *ev[] = {line[0]};
        sp__svc_add_finding(svc, "responder-mismatch", ev, 1);
    }
}
