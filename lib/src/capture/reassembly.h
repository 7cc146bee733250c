/* Putting packets back together for the capture reader: IPv4/IPv6
 * fragments into datagrams, and TCP segments into an ordered byte stream
 * per direction. Pure code with bounded memory: tables have a fixed number
 * of slots and old entries give way to new ones. */
#ifndef SP_REASSEMBLY_H
#define SP_REASSEMBLY_H

#include "targets/targets.h"

#include <stddef.h>
#include <stdint.h>

#define SP__FRAG_SLOTS 64
#define SP__FRAG_MAX 65535

typedef struct sp__frag_slot {
    int used;
    uint8_t family, proto;
    uint8_t src[16], dst[16];
    uint32_t id;
    double last_ts;
    size_t total;  /* payload length, known once the last fragment came; 0 before */
    uint8_t *data; /* SP__FRAG_MAX bytes */
    uint8_t *have; /* one bit per 8-byte unit */
} sp__frag_slot;

typedef struct sp__frags {
    sp__frag_slot slot[SP__FRAG_SLOTS];
} sp__frags;

void sp__frags_init(sp__frags *f);
void sp__frags_free(sp__frags *f);
/* Adds a fragment: payload bytes at byte offset `off` of the datagram, `more`
 * if more fragments follow. Returns the length of the complete datagram
 * (its bytes in *out, valid until the next call) or 0 while incomplete,
 * -1 for a fragment that cannot be right (past 64 KiB). */
long sp__frags_add(sp__frags *f, uint8_t family, const uint8_t *src, const uint8_t *dst,
                   uint32_t id, uint8_t proto, size_t off, int more, const uint8_t *payload,
                   size_t len, double ts, const uint8_t **out);

/* One direction of a TCP connection. */
#define SP__TCP_FLOWS 4096
#define SP__TCP_BUFFER 131072 /* at most this much held per direction */
#define SP__TCP_PENDING 32    /* out-of-order segments held per direction */

typedef struct sp__tcp_seg {
    uint32_t seq;
    size_t len;
    uint8_t *data;
} sp__tcp_seg;

typedef struct sp__tcp_flow {
    int used;
    sp__addr src, dst;
    uint16_t sport, dport;
    int synced; /* next_seq is known */
    uint32_t next_seq;
    double last_ts;
    uint8_t *buf;
    size_t len, cap;      /* buf grows up to SP__TCP_BUFFER */
    sp__tcp_seg *pending; /* SP__TCP_PENDING slots, allocated with the first gap */
    size_t n_pending;
} sp__tcp_flow;

typedef struct sp__tcp_flows {
    sp__tcp_flow *flow;     /* SP__TCP_FLOWS slots, hashed; allocated with the first segment */
    uint64_t dropped_bytes; /* gaps that never filled, overflow */
} sp__tcp_flows;

int sp__tcp_flows_init(sp__tcp_flows *t);
void sp__tcp_flows_free(sp__tcp_flows *t);
/* Adds a segment; returns the flow whose buf now holds the in-order bytes
 * (the caller consumes from the front with sp__tcp_consume), or NULL. A SYN
 * sets the sequence; FIN or RST ends the flow after its data. */
sp__tcp_flow *sp__tcp_add(sp__tcp_flows *t, const sp__addr *src, uint16_t sport,
                          const sp__addr *dst, uint16_t dport, uint32_t seq, int syn, int fin_rst,
                          const uint8_t *data, size_t len, double ts);
void sp__tcp_consume(sp__tcp_flow *f, size_t n);
/* The capture lacks the next n bytes of the stream (the snap length cut
 * the segment): the bytes held are dropped and the stream goes on after
 * the gap, so the next segment is in order again. */
void sp__tcp_skip(sp__tcp_flows *t, sp__tcp_flow *f, uint32_t n);
/* Forgets a flow (after FIN/RST, once its bytes were consumed). */
void sp__tcp_forget(sp__tcp_flow *f);

#endif
