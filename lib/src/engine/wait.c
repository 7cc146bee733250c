/* Waiting: how long to listen for replies after the last send, the
 * progress the caller sees meanwhile, and the loop that receives until
 * every probe has its answer, the wait is over or the caller stops. */
#include "api/scan.h"

void sp__engine_progress(sp_scan *s, int force)
{
    uint64_t t = sp__now_ns();
    sp__engine_checkpoint(s, t);
    if (__atomic_load_n(&s->run.rec.n_notes, __ATOMIC_RELAXED))
        sp__records_flush_notes(s);
    /* Streamed lines wait in their buffer at most 50 ms, even when no new
     * service comes to push them out (the output thread, when it runs,
     * sees to that itself). */
    for (size_t i = 0; i < s->n_writers && !s->out.running; i++) {
        sp__writer *w = s->writers[i];
        if (w->type->streaming && t - w->flushed_ns >= 50000000ull) {
            w->flushed_ns = t;
            fflush(w->fp);
        }
    }
    if (!s->hooks.progress_fn)
        return;
    if (!force && t - s->run.last_progress_ns < 200000000ull)
        return;
    double dt = (double)(t - s->run.last_progress_ns) / 1e9;
    if (s->run.last_progress_ns && dt > 0)
        s->run.recent_rate = (double)(s->summary.probes_sent - s->run.sent_at_last_progress) / dt;
    s->run.last_progress_ns = t;
    s->run.sent_at_last_progress = s->summary.probes_sent;
    sp_progress p = {
        .probes_total = s->run.planned,
        .probes_sent = s->summary.probes_sent,
        .replies = s->summary.replies,
        .services = s->summary.services + 0,
        .bad_replies = s->summary.bad_replies,
        .elapsed_s = (double)(t - s->run.start_ns) / 1e9,
        .rate_pps = s->run.recent_rate,
        .round = s->run.pos_round,
        .rounds = s->set.retries + 1,
        .probes_resumed = s->run.resumed_before,
        .phase = s->run.audit         ? "password audit"
                 : s->run.invite      ? "INVITE check"
                 : s->run.enumerating ? "enumeration"
                                      : "discovery",
        .final = force == 2,
    };
    s->hooks.progress_fn(&p, s->hooks.progress_data);
}

int sp__engine_all_answered(const sp_scan *s)
{
    if (s->run.enumerating)
        return s->run.enum_done >= s->run.enum_expected;
    return s->run.expected > 0 && s->run.finals + s->run.streams_ended >= s->run.expected;
}

/* Sleeps until a UDP socket or a TCP/TLS connection has something, or timeout_ns. */
void sp__engine_io_wait(sp_scan *s, uint64_t timeout_ns)
{
    int fd = s->run.streams.active ? sp__streams_fd(&s->run.streams) : -1;
    s->run.dgram->wait(s->run.dgram_ctx, fd, timeout_ns);
}

/* How long to listen after the last send. Before a retry round: --wait,
 * but at most 1 s, and once replies have shown how far away services are,
 * 8 times the slowest round trip seen (at least 500 ms): a late answer is
 * not lost there, it still counts when it comes during the next round. The
 * final wait is --wait itself: only every probe having its answer ends it
 * sooner, so no answer that --wait would catch is ever lost to an estimate
 * taught by faster hosts. */
static uint64_t wait_ns(const sp_scan *s, int final)
{
    uint64_t ms = s->set.wait_ms;
    if (final)
        return ms * 1000000ull;
    if (ms > 1000)
        ms = 1000;
    if (s->run.max_rtt_ms > 0) {
        double adaptive = 8 * s->run.max_rtt_ms;
        if (adaptive < 500)
            adaptive = 500;
        if (adaptive < (double)ms)
            ms = (uint64_t)adaptive;
    }
    return ms * 1000000ull;
}

/* After a stop request, replies already on their way get this long. */
#define STOP_GRACE_NS 500000000ull

/* Receives until the wait after the last send is over, everything is
 * answered, or a stop request: at stop_level at once, below it after a
 * short grace for replies in flight. Replies already waiting in the socket
 * buffer are processed even past the deadline (they arrived in time),
 * within a bound against floods. */
void sp__engine_wait(sp_scan *s, int final, int stop_level)
{
    uint64_t start = sp__now_ns(), last_new = start, replies = s->summary.replies;
    uint64_t stop_seen = 0;
    for (;;) {
        int got = sp__engine_drain(s, 16);
        sp__engine_progress(s, 0);
        uint64_t t = sp__now_ns();
        if (s->summary.replies != replies) {
            replies = s->summary.replies;
            last_new = t;
        }
        uint64_t until = s->run.last_send_ns + wait_ns(s, final);
        /* Open connections end by their own deadlines, at the latest. */
        uint64_t cap = wait_ns(s, 1) + s->set.connect_timeout_ms * 1000000ull + 10000000000ull;
        int open = s->run.streams.active > 0;
        /* Nothing sent (an empty shard) is nothing to wait for. */
        int nothing = !s->run.enumerating && s->run.expected == 0;
        if (((sp__engine_all_answered(s) || nothing) && !open) || s->stop >= stop_level ||
            t >= start + cap)
            return;
        if (s->stop && !stop_seen)
            stop_seen = t;
        if (stop_seen && t - stop_seen >= STOP_GRACE_NS)
            return;
        /* Past the deadline, replies that still come in (from a loaded
         * responder) keep the wait going until they pause for 100 ms:
         * otherwise their targets would be probed again. Forged or stray
         * datagrams are not replies and do not count; cap bounds it all. */
        if (t >= until && !got && !open && t - last_new >= 100000000ull)
            return;
        if (got)
            continue;
        uint64_t left = until > t ? until - t : 1000000ull;
        if (open && left > 5000000ull)
            left = 5000000ull; /* deadlines are swept every few ms */
        sp__engine_io_wait(s, left < 50000000ull ? left : 50000000ull);
    }
}
