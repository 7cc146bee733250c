/* What the opt-in active phases (password audit, INVITE check) share: a
 * token for each request, so that its answers pass the same "is this
 * ours?" check as discovery's, and sending one datagram, recorded in
 * --write-pcap with any digest response blanked unless the user asked to
 * see passwords. */
#include "api/scan.h"

#include "probe/active.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void sp__active_token(sp_scan *s, const sp__svc *svc, int probe, uint32_t index, uint8_t seq,
                      char *call_id, size_t cap, char branch[32], char tag[17])
{
    sp__probe_id id;
    memset(&id, 0, sizeof(id));
    id.addr = svc->host;
    id.port = svc->port;
    id.transport = svc->transport;
    id.probe = (uint8_t)probe;
    id.attempt = seq;
    id.ext = index + 1;
    id.sent_ms = sp__engine_now_units(s);
    uint64_t mac = 0;
    sp__token_encode(s->run.key, &id, call_id, cap, &mac);
    for (int i = 0; i < 16; i++)
        tag[i] = "0123456789abcdef"[(mac >> (60 - 4 * i)) & 15];
    tag[16] = '\0';
    snprintf(branch, 32, "z9hG4bK%s", tag);
}

void sp__active_target(const sp__svc *svc, char *uri, size_t ucap, char *host, size_t hcap)
{
    char a[64];
    sp__addr plain = svc->host;
    plain.scope = 0;
    sp__addr_format(&plain, a, sizeof(a));
    if (plain.family == 6)
        snprintf(host, hcap, "[%s]", a);
    else
        snprintf(host, hcap, "%s", a);
    snprintf(uri, ucap, "sip:%s:%u", host, svc->port);
}

int sp__active_send(sp_scan *s, const sp__svc *svc, const char *buf, size_t len)
{
    const sp__addr *dst = &svc->host;
    sp__udp_out out = {.dst = *dst, .port = svc->port, .buf = buf, .len = len};
    unsigned dropped = 0;
    if (s->run.dgram->send(s->run.dgram_ctx, dst->family, &out, 1, &dropped) < 0)
        return sp__fail(s, SP_ESOCKET, "sending failed: %s", strerror(errno));
    if (dropped)
        return SP_OK;
    s->summary.probes_sent++;
    if (s->run.pcap_out) {
        int f = dst->family == 6;
        char copy[SP__ACTIVE_MAX];
        size_t n = s->set.show_passwords ? len : sp__active_redact(buf, len, copy, sizeof(copy));
        sp__pcap_write(s->run.pcap_out, SP_TRANSPORT_UDP, &s->run.local_addr[f],
                       s->run.local_port[f], dst, svc->port, s->set.show_passwords ? buf : copy, n);
    }
    return SP_OK;
}

void sp__active_idle(sp_scan *s, uint64_t wake)
{
    sp__engine_progress(s, 0);
    if (sp__engine_drain(s, 4) == 0) {
        uint64_t now = sp__now_ns();
        if (wake > now)
            sp__engine_io_wait(s, wake - now);
    }
}
