/* Receiving: datagrams and framed stream messages go through the one
 * token check (match/reply.c), then the service table drops duplicates,
 * and what is new goes to the service's record: parsed and classified on
 * the output thread during discovery (engine/record.h), else here. A
 * service with all its answers is delivered (run/deliver.c). */
#include "api/scan.h"

#include "classify/classify.h"
#include "engine/record.h"
#include "run/deliver.h"
#include "probe/active.h"
#include "sip/sipmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A reply to an enumeration REGISTER: only its status and reason count. */
static void on_enum_reply(sp_scan *s, const sp__udp_in *in, const sp__probe_id *id)
{
    sp__entry *e = sp__table_find(&s->run.table, &id->addr, id->port, id->transport, 0);
    if (!e || !e->svc || !e->svc->en)
        return; /* a late reply after the phase ended */
    sp__parsed msg;
    if (sp__sipmsg_parse(in->buf, in->len, &msg) == 0) {
        sp__enum *en = e->svc->en;
        uint32_t index = id->ext == SP__EXT_BASELINE ? SP__EXT_BASELINE : id->ext - 1;
        if (sp__enum_record(en, index, msg.status, msg.reason)) {
            en->last_reply_ns = sp__now_ns();
            s->run.enum_done++;
            s->summary.replies++;
        }
    } else {
        s->summary.bad_replies++;
    }
    sp__parsed_free(&msg);
}

/* Adds a reply to a record the scan thread holds (outside discovery, a
 * service read back from the journal, or no output thread): parsed here. */
static int record_here(sp_scan *s, sp__entry *e, const sp__reply_rec *r, const sp__udp_in *in,
                       const sp_tls_info *tls)
{
    if (!e->svc) {
        e->svc = sp__svc_new(&r->id.addr, r->id.port, r->id.transport);
        if (!e->svc)
            return 0;
    }
    int added = sp__record_reply(s, e->svc, r, in->buf);
    if (added < 0) {
        char from[80];
        sp__addr_format_port(&in->from, in->from_port, from, sizeof(from));
        sp__log(s, 1, "unparseable SIP reply from %s (%zu bytes) ignored", from, in->len);
        s->summary.bad_replies++;
        if (!e->svc->n_replies) {
            sp__svc_free(e->svc);
            e->svc = NULL;
        }
        return 0;
    }
    if (tls && !e->svc->tls)
        e->svc->tls = sp__tls_cert_new(tls);
    return added;
}

/* The reply's round trip, to its arrival in our socket (not to this
 * moment: replies may wait there while others are worked). */
static double round_trip(sp_scan *s, const sp__udp_in *in, const sp__probe_id *id)
{
    uint32_t got = in->rx_ns > s->run.start_ns ? (uint32_t)((in->rx_ns - s->run.start_ns) / 100000)
                                               : sp__engine_now_units(s);
    if (got < id->sent_ms)
        got = id->sent_ms; /* stamps a hair apart across two clocks */
    double rtt = (double)(got - id->sent_ms) / 10.0;
    if (rtt > s->run.max_rtt_ms && rtt < 60000)
        s->run.max_rtt_ms = rtt;
    return rtt;
}

/* A reply to a discovery probe, matched by its token. Only what decides
 * the scan happens here: duplicates, the status code from the raw status
 * line, the counts. During discovery the parse and the record happen on
 * the output thread (engine/record.h). */
static void on_discovery_reply(sp_scan *s, const sp__udp_in *in, sp__probe_id *id,
                               const sp_tls_info *tls, const sp_websocket_info *ws)
{
    sp__entry *e = sp__table_find(&s->run.table, &id->addr, id->port, id->transport, 1);
    if (!e) {
        sp__log(s, 0, "out of memory: reply from %s dropped", "a responder");
        return;
    }
    uint32_t bit = 1u << id->probe;
    if (e->final_mask & bit)
        return; /* a retransmission */
    if (!e->svc && !e->slot && e->seen_mask)
        return; /* emitted already: nothing to add */
    int status = sp__reply_status(in->buf, in->len);
    if (!status) {
        char from[80];
        sp__addr_format_port(&in->from, in->from_port, from, sizeof(from));
        sp__log(s, 1, "unparseable SIP reply from %s (%zu bytes) ignored", from, in->len);
        s->summary.bad_replies++;
        return;
    }
    if ((e->seen_mask & bit) && status < 200)
        return; /* a second provisional reply adds nothing */
    sp__reply_rec r = {
        .id = *id,
        .from = in->from,
        .from_port = in->from_port,
        .transport = id->transport,
        .rtt_ms = round_trip(s, in, id),
        .len = in->len,
        .ws_status = ws ? ws->status : 0,
    };
    if (s->run.rec.on && !e->svc) {
        if (tls && !e->slot)
            r.tls = sp__tls_cert_new(tls);
        if (ws && !e->slot) {
            r.ws_path = strdup(ws->path ? ws->path : "");
            r.ws_server = ws->server ? strdup(ws->server) : NULL;
        }
        sp__records_push(s, e, &r, in->buf);
    } else {
        if (ws) {
            r.ws_path = (char *)(ws->path ? ws->path : "");
            r.ws_server = (char *)ws->server;
        }
        if (record_here(s, e, &r, in, tls) <= 0)
            return;
    }
    s->summary.replies++;
    e->seen_mask |= bit;
    e->dirty = 1;
    if (status >= 200) {
        e->final_mask |= bit;
        if (id->transport == SP_TRANSPORT_UDP)
            s->run.finals++; /* a stream probe counts when its connection ends */
    }
    /* With a phase ahead, services are emitted once it is done. */
    if ((e->final_mask & s->set.method_mask) != s->set.method_mask || s->set.exts.count ||
        s->set.audit_passwords || s->set.check_invite)
        return;
    if (e->slot)
        sp__records_deliver(s, e);
    else
        sp__deliver_entry(s, e, 0);
}

/* A reply, from a datagram or framed from a TCP/TLS connection (with the
 * handshake's evidence in tls). Matched by its token either way. */
static void on_reply(sp_scan *s, const sp__udp_in *in, uint8_t transport, const sp_tls_info *tls,
                     const sp_websocket_info *ws)
{
    sp__probe_id id;
    if (!sp__match_reply(s->run.key, &s->run.scope, in->buf, in->len, transport, &id)) {
        s->summary.bad_replies++;
        return;
    }
    if (sp__addr_equal(&id.addr, &in->from))
        id.addr.scope = in->from.scope; /* the token does not carry the zone */
    if (id.probe == SP__PROBE_AUDIT)
        sp__engine_audit_reply(s, in, &id);
    else if (id.probe == SP__PROBE_INVITE)
        sp__engine_invite_reply(s, in, &id);
    else if (id.ext)
        on_enum_reply(s, in, &id);
    else
        on_discovery_reply(s, in, &id, tls, ws);
}

static void on_datagram(sp_scan *s, const sp__udp_in *in)
{
    if (s->run.pcap_out) {
        int f = in->from.family == 6;
        sp__pcap_write(s->run.pcap_out, SP_TRANSPORT_UDP, &in->from, in->from_port,
                       &s->run.local_addr[f], s->run.local_port[f], in->buf, in->len);
    }
    on_reply(s, in, SP_TRANSPORT_UDP, NULL, NULL);
}

/* ---- TCP and TLS connections (transport/stream.c) call back here ---- */

static size_t stream_build(void *ctx, const sp__probe_id *id, const char *local, char *out,
                           size_t cap)
{
    return sp__engine_build_probe(ctx, id, local, out, cap);
}

static void stream_wrote(void *ctx, const sp__probe_id *id, const char *buf, size_t len,
                         const sp__addr *local, uint16_t local_port)
{
    sp_scan *s = ctx;
    s->summary.probes_sent++;
    /* Over TLS the pcap holds what went inside the encryption. */
    if (s->run.pcap_out)
        sp__pcap_write(s->run.pcap_out, SP_TRANSPORT_TCP, local, local_port, &id->addr, id->port,
                       buf, len);
}

static void stream_message(void *ctx, const sp__probe_id *id, const char *buf, size_t len,
                           const sp__addr *from, uint16_t from_port, const sp__addr *local,
                           uint16_t local_port, const sp_tls_info *tls, const sp_websocket_info *ws)
{
    sp_scan *s = ctx;
    if (s->run.pcap_out)
        sp__pcap_write(s->run.pcap_out, SP_TRANSPORT_TCP, from, from_port, local, local_port, buf,
                       len);
    sp__udp_in in = {.buf = (char *)buf, .len = len, .from = *from, .from_port = from_port};
    on_reply(ctx, &in, id->transport, tls, ws);
}

static void stream_ended(void *ctx, const sp__probe_id *id, sp__conn_end how)
{
    sp_scan *s = ctx;
    if (!id->ext)
        s->run.streams_ended++;
    switch (how) {
    case SP__CONN_REFUSED:
        s->summary.conn_refused++;
        break;
    case SP__CONN_FILTERED:
        s->summary.conn_filtered++;
        break;
    case SP__CONN_NO_REPLY:
        s->summary.conn_no_reply++;
        break;
    case SP__CONN_NO_UPGRADE:
        s->summary.ws_no_upgrade++;
        break;
    case SP__CONN_TLS_FAILED:
        s->summary.tls_failed++;
        break;
    default:
        break;
    }
}

static const char *stream_ws_path(void *ctx, const sp__probe_id *id)
{
    const sp_scan *s = ctx;
    return sp__targets_ws_path(&s->set.targets, &id->addr, id->port, id->transport);
}

const sp__stream_ops sp__engine_stream_ops = {stream_build, stream_wrote, stream_message,
                                              stream_ended, stream_ws_path};

/* Processes waiting replies, at most `rounds` receive batches per family:
 * bounded so that a flood of datagrams cannot starve sending. */
int sp__engine_drain(sp_scan *s, int rounds)
{
    int total = 0;
    for (int round = 0; round < rounds; round++) {
        int got = sp__streams_poll(&s->run.streams, sp__now_ns());
        for (int fam = 4; fam <= 6; fam += 2) {
            sp__udp_in *pkts = NULL;
            int n = s->run.dgram->recv(s->run.dgram_ctx, fam, &pkts);
            for (int i = 0; i < n; i++)
                on_datagram(s, &pkts[i]);
            got += n;
        }
        total += got;
        if (got == 0)
            break;
    }
    return total;
}
