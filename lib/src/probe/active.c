#include "probe/active.h"

#include "sip/sipmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

size_t sp__active_build(const sp__active_req *r, char *out, size_t cap)
{
    char via[256], from[256], to[256], cseq[64], contact[256], auth[2048], sdp[512];
    const char *extra[2];
    char route[1024];
    /* The local address without its port, for the SDP. */
    char ip[80];
    snprintf(ip, sizeof(ip), "%s", r->local);
    char *colon = strrchr(ip, ':');
    if (colon && (ip[0] != '[' || colon > strchr(ip, ']')))
        *colon = '\0';
    int v6 = ip[0] == '[';
    if (v6) {
        memmove(ip, ip + 1, strlen(ip));
        ip[strcspn(ip, "]")] = '\0';
    }
    snprintf(via, sizeof(via), "SIP/2.0/%s %s;branch=%s;rport", r->transport, r->local, r->branch);
    snprintf(from, sizeof(from), "<sip:%s@%s>;tag=%s", r->from_user, r->host, r->from_tag);
    if (r->to_tag)
        snprintf(to, sizeof(to), "<sip:%s@%s>;tag=%s", r->to_user, r->host, r->to_tag);
    else
        snprintf(to, sizeof(to), "<sip:%s@%s>", r->to_user, r->host);
    snprintf(cseq, sizeof(cseq), "%u %s", r->cseq, r->cseq_method ? r->cseq_method : r->method);
    snprintf(contact, sizeof(contact), "<sip:%s@%s>", r->from_user, r->local);
    sp__request_spec spec;
    memset(&spec, 0, sizeof(spec));
    spec.method = r->method;
    spec.request_uri = r->request_uri;
    spec.via = via;
    spec.from = from;
    spec.to = to;
    spec.call_id = r->call_id;
    spec.cseq = cseq;
    spec.contact = r->contact ? contact : NULL;
    spec.user_agent = r->user_agent;
    spec.expires = r->expires;
    if (r->auth_name && r->auth_value) {
        if ((size_t)snprintf(auth, sizeof(auth), "%s: %s", r->auth_name, r->auth_value) >=
            sizeof(auth))
            return 0;
        extra[spec.n_extra++] = auth;
    }
    if (r->route) {
        if ((size_t)snprintf(route, sizeof(route), "Route: %s", r->route) >= sizeof(route))
            return 0;
        extra[spec.n_extra++] = route;
    }
    spec.extra = extra;
    if (r->sdp) {
        snprintf(sdp, sizeof(sdp),
                 "v=0\r\no=- 0 0 IN IP%c %s\r\ns=-\r\nc=IN IP%c %s\r\nt=0 0\r\n"
                 "m=audio 0 RTP/AVP 0\r\n",
                 v6 ? '6' : '4', ip, v6 ? '6' : '4', ip);
        spec.content_type = "application/sdp";
        spec.body = sdp;
    }
    char *text = NULL;
    size_t n = 0;
    if (sp__sipmsg_build(&spec, &text, &n) != 0)
        return 0;
    if (n + 1 > cap) {
        free(text);
        return 0;
    }
    memcpy(out, text, n + 1);
    free(text);
    return n;
}

size_t sp__active_redact(const char *msg, size_t len, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    size_t n = len < cap - 1 ? len : cap - 1;
    memcpy(out, msg, n);
    out[n] = '\0';
    for (char *p = out; (p = strcasestr(p, "response=\"")) != NULL;) {
        p += 10;
        for (; p < out + n && *p != '"' && *p != '\r' && *p != '\n'; p++)
            *p = '0';
    }
    return n;
}
