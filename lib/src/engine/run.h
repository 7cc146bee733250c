/* The engine of a network scan: its per-run state and the steps that walk
 * the permutation, pace and send probes, receive and match replies, and
 * wait for late ones. The mode driver (run/scan_mode.c) calls them in
 * order; everything here works on one handle and keeps no global state. */
#ifndef SP_ENGINE_RUN_H
#define SP_ENGINE_RUN_H

#include "capture/capture.h"
#include "engine/ratelimit.h"
#include "engine/record.h"
#include "match/reply.h"
#include "match/table.h"
#include "probe/probe.h"
#include "targets/permute.h"
#include "transport/stream.h"
#include "transport/udp.h"

#include <stddef.h>
#include <stdint.h>

/* The datagram transport the engine sends and receives through: the UDP
 * sockets (engine/io.c), or a unit test's fake that answers without any
 * socket. ctx is the transport's own. */
typedef struct sp__dgram_ops {
    /* Opens for the family (4 or 6); 0 or an sp_code with err set. */
    int (*open)(void *ctx, int family, uint32_t rate, char *err, size_t errlen);
    /* Our "ip:port" toward dst, as probes carry it; -1 when unroutable. */
    int (*local_for)(void *ctx, const sp__addr *dst, uint16_t port, char *out, size_t len);
    /* As sp__udp_send. */
    int (*send)(void *ctx, int family, const sp__udp_out *msgs, unsigned n, unsigned *dropped);
    /* What is waiting, without blocking; *pkts valid until the next call. */
    int (*recv)(void *ctx, int family, sp__udp_in **pkts);
    /* Sleeps until something may be readable (or extra_fd is) or timeout_ns. */
    void (*wait)(void *ctx, int extra_fd, uint64_t timeout_ns);
    void (*close)(void *ctx);
} sp__dgram_ops;

/* A paced sender: probes go out in batches through one token bucket. */
typedef struct sp__sender {
    char bufs[SP__UDP_BATCH][SP__PROBE_MAX];
    sp__udp_out out[SP__UDP_BATCH];
    unsigned n;
    int family;
    sp__bucket bucket;
    double burst;
    unsigned tokens;
} sp__sender;

/* The UDP sockets behind the default datagram ops. */
typedef struct sp__udp_io {
    sp__udp udp;
    sp__udp_rx rx;
} sp__udp_io;

typedef struct sp__run {
    uint8_t key[16];                                     /* the scan's token key */
    sp__template tmpl[SP__MAX_PROBES][SP__N_TRANSPORTS]; /* per probe and transport */
    char baseline_user[32]; /* enumeration: random, surely non-existent */
    char local[2][80];      /* our "ip:port" per family, as probes carry it */
    sp__addr local_addr[2]; /* the same as values, for --write-pcap */
    uint16_t local_port[2];
    sp__match_scope scope;
    sp__table table;
    sp__records rec; /* replies handed to the output thread, during discovery */
    uint64_t start_ns;
    uint64_t expected;       /* probes in the first round */
    uint64_t planned;        /* probes the first round will send (for progress) */
    uint64_t resumed_before; /* first-round probes sent before an interrupt (resumed run) */
    double max_rtt_ms;       /* slowest round trip seen so far */
    uint64_t finals;         /* UDP (target, probe) pairs with a final reply */
    uint64_t streams_ended;  /* TCP/TLS probes whose connection is over */
    int use_streams;         /* some target is scanned over TCP or TLS */
    int enumerating;         /* the enumeration phase is running */
    uint64_t enum_expected, enum_done;
    unsigned pos_round; /* where sending is: the round and the walk index */
    uint64_t pos_j;
    struct {
        uint64_t ns;
        unsigned round;
        uint64_t j;
    } snaps[64]; /* where sending was, lately: checkpoints lag behind it */
    unsigned n_snaps, next_snap;
    uint64_t last_snap_ns;
    unsigned ck_round; /* the last checkpoint written */
    uint64_t ck_j;
    sp__pcap_writer *pcap_out;
    struct sp__audit_run *audit;            /* the password audit, while it runs */
    struct sp__invite_run *invite;          /* the INVITE check, while it runs */
    uint64_t offline_answers, offline_weak; /* capture mode: the password audit's counts */

    int opened; /* sp__engine_open ran: there is something to close */
    const sp__dgram_ops *dgram;
    void *dgram_ctx;
    sp__udp_io udp; /* dgram_ctx of the default ops */
    sp__streams streams;
    sp__sender *snd;
    uint64_t last_send_ns;
    uint64_t last_progress_ns;
    uint64_t sent_at_last_progress;
    double recent_rate;
} sp__run;

struct sp_scan;

/* engine/prepare.c: targets finalized, databases loaded, key drawn and
 * probe templates built. */
int sp__engine_prepare_targets(struct sp_scan *s);
int sp__engine_prepare(struct sp_scan *s);
/* Frees what a run built (templates, table, transport state). */
void sp__engine_free(struct sp_scan *s);

/* engine/io.c: the datagram transport (default: UDP sockets) and the
 * TCP/TLS streams, opened for the target set. */
int sp__engine_open(struct sp_scan *s);
void sp__engine_close(struct sp_scan *s);
/* Warns when the kernel dropped datagrams for want of receive buffer. */
void sp__engine_report_drops(struct sp_scan *s);
/* Installs a datagram transport instead of the UDP sockets (unit tests). */
void sp__scan_set_dgram(struct sp_scan *s, const sp__dgram_ops *ops, void *ctx);

/* engine/send.c */
/* Time since the run started in 0.1 ms, as tokens carry send times. */
uint32_t sp__engine_now_units(const struct sp_scan *s);
size_t sp__engine_build_probe(const struct sp_scan *s, const sp__probe_id *id, const char *local,
                              char *out, size_t cap);
void sp__sender_init(struct sp_scan *s, sp__sender *snd);
int sp__sender_flush(struct sp_scan *s, sp__sender *snd);
/* Sends one probe when the rate allows, receiving meanwhile. *queued (if
 * not NULL) says whether it went out; a stop request returns SP_OK unsent. */
int sp__sender_push(struct sp_scan *s, sp__sender *snd, sp__probe_id *id, int *queued);
/* One pass over this shard's permutation from walk index start_j. Round 0
 * sends everything; later rounds re-probe only pairs that got no reply. */
int sp__engine_send_round(struct sp_scan *s, const sp__perm *perm, unsigned round,
                          uint64_t start_j);

/* engine/receive.c */
extern const sp__stream_ops sp__engine_stream_ops;
/* Processes waiting replies, at most `rounds` receive batches per family. */
int sp__engine_drain(struct sp_scan *s, int rounds);

/* engine/wait.c */
/* Tells the caller how far the run is: at most every 200 ms, at once with
 * force 1, and for the last time with force 2. */
void sp__engine_progress(struct sp_scan *s, int force);
int sp__engine_all_answered(const struct sp_scan *s);
void sp__engine_io_wait(struct sp_scan *s, uint64_t timeout_ns);
/* Receives until the wait after the last send is over, everything is
 * answered, or a stop request of at least stop_level. */
void sp__engine_wait(struct sp_scan *s, int final, int stop_level);

/* engine/checkpoint.c: position checkpoints in the resume journal, so that
 * a killed scan resumes near where it was. */
void sp__engine_checkpoint(struct sp_scan *s, uint64_t now);

/* engine/enumerate.c: the extension enumeration phase after discovery. */
int sp__engine_enumerate(struct sp_scan *s);

/* engine/active.c: what the active phases share. The largest request they
 * build (an INVITE with its SDP, a REGISTER with credentials). */
#define SP__ACTIVE_MAX 4096
/* The active phases keep service records, not table entries: late replies
 * to discovery may still grow (and move) the table while they run.
 * A token for request seq of item index (a host of the phase) to the
 * service: its Call-ID, Via branch and From tag. */
void sp__active_token(struct sp_scan *s, const struct sp__svc *svc, int probe, uint32_t index,
                      uint8_t seq, char *call_id, size_t cap, char branch[32], char tag[17]);
/* The service's "sip:host:port" and host ("[v6]" bracketed). */
void sp__active_target(const struct sp__svc *svc, char *uri, size_t ucap, char *host, size_t hcap);
/* Sends one datagram to the entry's service (and records it, redacted). */
int sp__active_send(struct sp_scan *s, const struct sp__svc *svc, const char *buf, size_t len);

/* Between two steps of an active phase: replies handled, else a sleep
 * until wake (or something arrives). */
void sp__active_idle(struct sp_scan *s, uint64_t wake);

/* engine/audit.c: the password audit phase, after enumeration. */
int sp__engine_audit(struct sp_scan *s);
/* engine/invite.c: the INVITE check phase, last. */
int sp__engine_invite(struct sp_scan *s);
/* Answers to their requests, already matched by their tokens. */
void sp__engine_audit_reply(struct sp_scan *s, const sp__udp_in *in, const sp__probe_id *id);
void sp__engine_invite_reply(struct sp_scan *s, const sp__udp_in *in, const sp__probe_id *id);

#endif
