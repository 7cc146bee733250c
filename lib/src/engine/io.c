/* The engine's I/O: the datagram transport (the UDP sockets unless a unit
 * test installed its own), opened for the families the targets need, and
 * the TCP/TLS streams. Closing undoes both. */
#include "api/scan.h"

#include "targets/addr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The default datagram ops: sp__udp sockets ---- */

static int udp_open(void *ctx, int family, uint32_t rate, char *err, size_t errlen)
{
    sp__udp_io *io = ctx;
    if (!io->rx.storage && sp__udp_rx_init(&io->rx) < 0) {
        snprintf(err, errlen, "out of memory");
        return SP_ENOMEM;
    }
    return sp__udp_open(&io->udp, family, rate, err, errlen);
}

static int udp_local_for(void *ctx, const sp__addr *dst, uint16_t port, char *out, size_t len)
{
    sp__udp_io *io = ctx;
    if (sp__udp_local_for(&io->udp, dst, port, out, len) == 0)
        return 0;
    /* Unroutable: the wildcard address with our port, for a dry run to show. */
    int f = dst->family == 6;
    snprintf(out, len, f ? "[::]:%u" : "0.0.0.0:%u", io->udp.port[f]);
    return -1;
}

static int udp_send(void *ctx, int family, const sp__udp_out *msgs, unsigned n, unsigned *dropped)
{
    return sp__udp_send(&((sp__udp_io *)ctx)->udp, family, msgs, n, dropped);
}

static int udp_recv(void *ctx, int family, sp__udp_in **pkts)
{
    sp__udp_io *io = ctx;
    *pkts = io->rx.pkt;
    return sp__udp_recv(&io->udp, family, &io->rx);
}

static void udp_wait(void *ctx, int extra_fd, uint64_t timeout_ns)
{
    sp__udp_wait(&((sp__udp_io *)ctx)->udp, extra_fd, timeout_ns);
}

static void udp_close(void *ctx)
{
    sp__udp_io *io = ctx;
    sp__udp_rx_free(&io->rx);
    sp__udp_close(&io->udp);
}

static const sp__dgram_ops udp_ops = {udp_open, udp_local_for, udp_send,
                                      udp_recv, udp_wait,      udp_close};

void sp__scan_set_dgram(sp_scan *s, const sp__dgram_ops *ops, void *ctx)
{
    s->hooks.dgram = ops;
    s->hooks.dgram_ctx = ctx;
}

/* Our address toward the family's first target stands for all of them:
 * probes carry it as text, --write-pcap records it as a value. */
static sp_code open_family(sp_scan *s, int fam, size_t first)
{
    sp__run *run = &s->run;
    int f = fam == 6;
    int rc = run->dgram->open(run->dgram_ctx, fam, s->set.rate, s->err, sizeof(s->err));
    if (rc)
        return (sp_code)rc;
    sp__addr a;
    uint16_t port;
    const sp__targets *t = &s->set.targets;
    sp__targets_get(t, first ? t->cum[first - 1] : 0, &a, &port, NULL);
    if (run->dgram->local_for(run->dgram_ctx, &a, port, run->local[f], sizeof(run->local[f])) < 0) {
        if (s->set.dry_run) /* no route is no reason not to show the probes */
            return SP_OK;
        char text[80];
        sp__addr_format(&a, text, sizeof(text));
        return sp__fail(s, SP_ESOCKET, "no route to %s: %s", text, strerror(errno));
    }
    if (sp__addr_parse_port(run->local[f], &run->local_addr[f], &run->local_port[f]) != 0)
        memset(&run->local_addr[f], 0, sizeof(run->local_addr[f])); /* the pcap shows 0.0.0.0 */
    return SP_OK;
}

int sp__engine_open(sp_scan *s)
{
    sp__run *run = &s->run;
    sp__udp_init(&run->udp.udp);
    run->udp.udp.src = &s->set.source;
    run->streams.epfd = -1;
    run->streams.src = &s->set.source;
    run->opened = 1;
    run->dgram = s->hooks.dgram ? s->hooks.dgram : &udp_ops;
    run->dgram_ctx = s->hooks.dgram ? s->hooks.dgram_ctx : &run->udp;
    if (!run->snd && !(run->snd = calloc(1, sizeof(*run->snd))))
        return sp__fail(s, SP_ENOMEM, "out of memory");
    /* Dry runs open sockets too (binding sends nothing) so that the probes
     * shown carry the real local address and port. */
    const sp__targets *t = &s->set.targets;
    for (int fam = 4; fam <= 6; fam += 2) {
        for (size_t i = 0; i < t->n_ranges; i++) {
            if (t->ranges[i].family != fam)
                continue;
            sp_code rc = open_family(s, fam, i);
            if (rc)
                return rc;
            break;
        }
    }
    if (s->set.write_pcap && !s->set.dry_run) {
        run->pcap_out = sp__pcap_writer_open(s->set.write_pcap, s->err, sizeof(s->err));
        if (!run->pcap_out)
            return s->err[0] ? SP_EIO : sp__fail(s, SP_ENOMEM, "out of memory");
    }
    if (run->use_streams && !s->set.dry_run) {
        unsigned conns = s->set.max_conns;
        if (!conns) /* about a second's worth of connections at the rate */
            conns = s->set.rate < 64 ? 64 : s->set.rate > 1024 ? 1024 : s->set.rate;
        sp_code rc = sp__streams_open(&run->streams, conns, s->set.connect_timeout_ms * 1000000ull,
                                      s->set.wait_ms * 1000000ull, &sp__engine_stream_ops, s,
                                      s->err, sizeof(s->err));
        run->streams.src = &s->set.source;
        return rc;
    }
    return SP_OK;
}

void sp__engine_report_drops(sp_scan *s)
{
    if (s->run.dgram != &udp_ops)
        return;
    uint64_t dropped = (uint64_t)s->run.udp.udp.dropped[0] + s->run.udp.udp.dropped[1];
    if (dropped)
        sp__log(s, 0,
                "the kernel dropped %llu datagrams for us, its receive buffer full: answers may "
                "be missing (a lower --rate keeps them)",
                (unsigned long long)dropped);
}

void sp__engine_close(sp_scan *s)
{
    sp__run *run = &s->run;
    if (!run->opened)
        return;
    run->opened = 0;
    if (run->dgram) {
        run->dgram->close(run->dgram_ctx);
        run->dgram = NULL;
    }
    sp__streams_close(&run->streams);
    run->streams.epfd = -1;
    sp__pcap_writer_close(run->pcap_out); /* after a failure: what it holds is kept */
    run->pcap_out = NULL;
    free(run->snd);
    run->snd = NULL;
}
