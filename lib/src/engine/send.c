/* Sending: probes filled in from their templates, paced by one token
 * bucket, batched per family through the datagram transport, or handed to
 * a TCP/TLS connection as soon as a slot is free. */
#include "api/scan.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

uint32_t sp__engine_now_units(const sp_scan *s)
{
    return (uint32_t)((sp__now_ns() - s->run.start_ns) / 100000); /* 0.1 ms */
}

/* Appends ":port" and, off UDP, the transport parameter to a target. */
static size_t put_target_tail(char *p, const sp__probe_id *id)
{
    char *start = p;
    *p++ = ':';
    p += sp__decimal(p, id->port);
    if (id->transport != SP_TRANSPORT_UDP) {
        /* RFC 7118: transport=ws over plain and secure WebSocket alike. */
        const char *name = id->transport == SP_TRANSPORT_WSS
                               ? "ws"
                               : sp_transport_name((sp_transport)id->transport);
        size_t nl = strlen(name);
        memcpy(p, ";transport=", 11);
        memcpy(p + 11, name, nl);
        p += 11 + nl;
    }
    return (size_t)(p - start);
}

/* The probe for id; local is our "ip:port" (NULL: the UDP socket's). Runs
 * once per probe sent, so each field is formatted once, with its length. */
size_t sp__engine_build_probe(const sp_scan *s, const sp__probe_id *id, const char *local,
                              char *out, size_t cap)
{
    char target[128], callid[SP__TOKEN_MAX];
    sp__probe_fields f;
    uint64_t mac;
    sp__addr plain = id->addr;
    plain.scope = 0; /* a zone is local to us: it never goes into a URI */
    /* The host, "[v6]" bracketed; the target is the host and its port. */
    size_t hl;
    if (plain.family == 6) {
        target[0] = '[';
        hl = 1 + sp__addr_format(&plain, target + 1, 80);
        target[hl++] = ']';
    } else {
        hl = sp__addr_format(&plain, target, 80);
    }
    f.host = (sp__field){target, hl};
    f.target = (sp__field){target, hl + put_target_tail(target + hl, id)};
    size_t cl = sp__token_encode(s->run.key, id, callid, sizeof(callid), &mac);
    if (!cl)
        return 0;
    f.call_id = (sp__field){callid, cl};
    f.mac = (sp__field){callid + cl - 16, 16}; /* the token ends in the MAC's 16 hex digits */
    char user[80];
    const char *fixed = id->ext == 0                  ? s->set.to_user
                        : id->ext == SP__EXT_BASELINE ? s->run.baseline_user
                                                      : NULL;
    if (fixed)
        f.user = (sp__field){fixed, strnlen(fixed, sizeof(user) - 1)};
    else
        f.user = (sp__field){user, sp__extlist_get(&s->set.exts, id->ext - 1, user, sizeof(user))};
    local = local ? local : s->run.local[id->addr.family == 6];
    f.local = (sp__field){local, strlen(local)};
    return sp__template_fill(
        &s->run.tmpl[id->probe][id->transport < SP__N_TRANSPORTS ? id->transport : 0], &f, out,
        cap);
}

static int send_batch(sp_scan *s, int family, sp__udp_out *out, unsigned n)
{
    unsigned dropped = 0;
    if (n == 0)
        return 0;
    if (s->run.dgram->send(s->run.dgram_ctx, family, out, n, &dropped) < 0) {
        sp__fail(s, SP_ESOCKET, "sending failed: %s", strerror(errno));
        return -1;
    }
    if (dropped)
        sp__log(s, 1, "%u probe(s) refused by the local network stack", dropped);
    for (unsigned i = 0; s->run.pcap_out && i < n; i++)
        sp__pcap_write(s->run.pcap_out, SP_TRANSPORT_UDP, &s->run.local_addr[family == 6],
                       s->run.local_port[family == 6], &out[i].dst, out[i].port, out[i].buf,
                       out[i].len);
    s->summary.probes_sent += n - dropped;
    s->run.last_send_ns = sp__now_ns();
    return 0;
}

void sp__sender_init(sp_scan *s, sp__sender *snd)
{
    snd->n = 0;
    snd->family = 0;
    snd->tokens = 0;
    snd->burst = s->set.rate / 100.0;
    if (snd->burst > 4096)
        snd->burst = 4096;
    sp__bucket_init(&snd->bucket, s->set.rate, snd->burst, sp__now_ns());
}

int sp__sender_flush(sp_scan *s, sp__sender *snd)
{
    int rc = snd->n ? send_batch(s, snd->family, snd->out, snd->n) : 0;
    snd->n = 0;
    return rc;
}

/* A TCP/TLS probe: a connection as soon as one of the --max-connections
 * slots is free. The rate token is taken already. */
static sp_code stream_push(sp_scan *s, sp__sender *snd, sp__probe_id *id, int *queued)
{
    if (sp__sender_flush(s, snd) < 0) /* keep the order of UDP probes before this one */
        return SP_ESOCKET;
    for (;;) {
        id->sent_ms = sp__engine_now_units(s);
        int r = sp__streams_start(&s->run.streams, id, sp__now_ns(), s->err, sizeof(s->err));
        if (r == 0)
            break;
        if (r != 1)
            return (sp_code)r;
        if (s->stop)
            return SP_OK;
        /* Every slot is busy: serve connections until one ends (each is
         * bounded by its deadline). */
        if (sp__engine_drain(s, 4) == 0)
            sp__engine_io_wait(s, 5000000ull);
        sp__engine_progress(s, 0);
    }
    s->summary.connections++;
    s->run.last_send_ns = sp__now_ns();
    snd->tokens--;
    if (queued)
        *queued = 1;
    sp__engine_progress(s, 0);
    return SP_OK;
}

/* Sends one probe when the rate allows, processing replies meanwhile.
 * Returns SP_OK, or an error; a stop request makes it return SP_OK unsent. */
int sp__sender_push(sp_scan *s, sp__sender *snd, sp__probe_id *id, int *queued)
{
    if (queued)
        *queued = 0;
    while (snd->tokens == 0 && !s->set.dry_run) {
        unsigned want = snd->burst < SP__UDP_BATCH ? (unsigned)(snd->burst < 1 ? 1 : snd->burst)
                                                   : SP__UDP_BATCH;
        snd->tokens = sp__bucket_take(&snd->bucket, sp__now_ns(), want);
        if (snd->tokens || s->stop)
            break;
        if (sp__sender_flush(s, snd) < 0)
            return SP_ESOCKET;
        /* Use the time until the next tokens for replies, no longer. */
        uint64_t due = sp__now_ns() + sp__bucket_wait_ns(&snd->bucket, sp__now_ns(), want);
        while (sp__now_ns() < due && sp__engine_drain(s, 1) > 0)
            ;
        sp__engine_progress(s, 0);
        uint64_t w = sp__bucket_wait_ns(&snd->bucket, sp__now_ns(), want);
        if (w)
            sp__engine_io_wait(s, w > 20000000ull ? 20000000ull : w);
    }
    if (s->stop)
        return SP_OK;
    if (id->transport != SP_TRANSPORT_UDP && !s->set.dry_run)
        return stream_push(s, snd, id, queued);
    if (snd->n && (snd->n == SP__UDP_BATCH || snd->family != id->addr.family)) {
        if (sp__sender_flush(s, snd) < 0)
            return SP_ESOCKET;
        sp__engine_drain(s, 16);
    }
    id->sent_ms = sp__engine_now_units(s);
    char *buf = snd->bufs[snd->n];
    size_t len = sp__engine_build_probe(s, id, NULL, buf, SP__PROBE_MAX);
    if (!len)
        return sp__fail(s, SP_EINVAL, "a probe did not fit in %d bytes", SP__PROBE_MAX);
    if (s->set.dry_run) {
        char dest[96];
        sp__addr_format_port(&id->addr, id->port, dest, sizeof(dest) - 8);
        strcat(dest, "/");
        strcat(dest, sp_transport_name((sp_transport)id->transport));
        if (s->hooks.dry_fn)
            s->hooks.dry_fn(dest, buf, len, s->hooks.dry_data);
        s->summary.probes_sent++;
        if (queued)
            *queued = 1;
        return SP_OK;
    }
    snd->out[snd->n].dst = id->addr;
    snd->out[snd->n].port = id->port;
    snd->out[snd->n].buf = buf;
    snd->out[snd->n].len = len;
    snd->family = id->addr.family;
    snd->n++;
    snd->tokens--;
    if (queued)
        *queued = 1;
    /* Sending comes first: replies wait in the socket buffer (sized for the
     * rate) and are processed while the bucket refills and after the last send. */
    if ((snd->tokens == 0 || snd->n == SP__UDP_BATCH) && sp__sender_flush(s, snd) < 0)
        return SP_ESOCKET;
    if (snd->n == 0) /* once a batch, not a clock read per probe */
        sp__engine_progress(s, 0);
    return SP_OK;
}

/* One pass over this shard's permutation. Round 0 sends everything; later
 * rounds only re-probe (target, probe) pairs that got no reply at all. */
int sp__engine_send_round(sp_scan *s, const sp__perm *perm, unsigned round, uint64_t start_j)
{
    sp__sender *snd = s->run.snd;
    sp__walk walk;
    uint64_t p;
    sp__sender_init(s, snd);
    sp__walk_init(&walk, perm, s->set.shard_index, s->set.shard_count);
    if (start_j > walk.next_j)
        walk.next_j = start_j; /* resuming: start_j lies on this shard's stride */
    s->run.pos_round = round;
    s->run.pos_j = walk.next_j;
    for (;;) {
        if (s->stop)
            break;
        uint64_t j_before = walk.next_j;
        if (!sp__walk_next(&walk, &p))
            break;
        sp__probe_id id;
        memset(&id, 0, sizeof(id));
        id.probe = (uint8_t)s->set.methods[p % s->set.n_methods];
        sp__targets_get(&s->set.targets, p / s->set.n_methods, &id.addr, &id.port, &id.transport);
        id.attempt = (uint8_t)round;
        if (round == 0)
            s->run.expected++;
        if (round > 0 && id.transport != SP_TRANSPORT_UDP)
            continue; /* TCP retransmits by itself; a retry would not see more */
        /* Retries, and a resumed scan, skip what has its answer already
         * (the journal may hold answers past its last position). */
        if (round > 0 || s->set.resuming) {
            sp__entry *e = sp__table_find(&s->run.table, &id.addr, id.port, id.transport, 0);
            if (e && (e->seen_mask & (1u << id.probe)))
                continue;
        }
        int queued;
        sp_code rc = sp__sender_push(s, snd, &id, &queued);
        if (rc)
            return rc;
        /* A probe a stop request kept back is sent again on resume. */
        s->run.pos_j = queued ? walk.next_j : j_before;
    }
    if (!s->stop) {
        s->run.pos_round = round + 1;
        s->run.pos_j = 0;
    }
    return sp__sender_flush(s, snd) < 0 ? SP_ESOCKET : SP_OK;
}
