/* TCP, TLS, WebSocket (ws) and secure WebSocket (wss) probes: non-blocking
 * connects in an epoll loop, a cap on open connections, connect and reply
 * deadlines, Content-Length framing (or one SIP message per WebSocket
 * message, after the HTTP upgrade of transport/ws.c), and a bounded buffer
 * per connection. One connection carries one probe. Knows no SIP beyond
 * framing and the status line; the scan gets the messages. */
#ifndef SP_STREAM_H
#define SP_STREAM_H

#include "match/token.h"
#include "transport/source.h"

#include <stddef.h>
#include <stdint.h>

#define SP__STREAM_MAX_MESSAGE 65536 /* a peer sending more without a message is cut off */

/* How a connection ended. */
typedef enum {
    SP__CONN_ANSWERED, /* a final reply arrived */
    SP__CONN_REFUSED,  /* RST or unreachable: a closed port */
    SP__CONN_FILTERED, /* no answer to the connect before the deadline */
    SP__CONN_NO_REPLY, /* connected, but no final reply before the deadline or close */
    SP__CONN_TLS_FAILED,
    SP__CONN_NO_UPGRADE, /* ws, wss: no path was upgraded to a SIP WebSocket */
} sp__conn_end;

typedef struct sp_tls_info sp_tls_info;
typedef struct sp_websocket_info sp_websocket_info;

typedef struct sp__stream_ops {
    /* Writes the probe for id, given our local "ip:port"; returns its length (0: none). */
    size_t (*build)(void *ctx, const sp__probe_id *id, const char *local, char *out, size_t cap);
    /* The probe was written to the connection from our local address. */
    void (*wrote)(void *ctx, const sp__probe_id *id, const char *buf, size_t len,
                  const sp__addr *local, uint16_t local_port);
    /* A framed reply (it starts "SIP/2.0 ") to local; tls is NULL over TCP
     * and ws, ws (the upgrade that carried it) NULL but over ws and wss. */
    void (*message)(void *ctx, const sp__probe_id *id, const char *buf, size_t len,
                    const sp__addr *from, uint16_t from_port, const sp__addr *local,
                    uint16_t local_port, const sp_tls_info *tls, const sp_websocket_info *ws);
    void (*ended)(void *ctx, const sp__probe_id *id, sp__conn_end how);
    /* The path a ws/wss target named, or NULL: try sp__ws_default_paths. */
    const char *(*ws_path)(void *ctx, const sp__probe_id *id);
} sp__stream_ops;

typedef struct sp__conn sp__conn;

typedef struct sp__streams {
    int epfd;
    sp__conn *conns;
    unsigned cap, active;
    unsigned *free_slots;
    unsigned n_free;
    uint64_t connect_ns, reply_ns;
    uint64_t next_sweep;
    void *tls_ctx; /* SSL_CTX, made on the first TLS probe */
    const sp__stream_ops *ops;
    void *ctx;
    const sp__source *src; /* NULL: the kernel chooses; its port is UDP's only */
} sp__streams;

/* Sets up for at most max_conns connections (lowered to what the file
 * descriptor limit allows). Returns 0 or an sp_code with err set. */
int sp__streams_open(sp__streams *st, unsigned max_conns, uint64_t connect_ns, uint64_t reply_ns,
                     const sp__stream_ops *ops, void *ctx, char *err, size_t errlen);
void sp__streams_close(sp__streams *st);
/* Starts a connection for the probe. Returns 0 (started, or ended at once
 * through ops->ended), 1 when no slot is free (poll, then try again), or
 * an sp_code with err set for a local failure. */
int sp__streams_start(sp__streams *st, const sp__probe_id *id, uint64_t now, char *err,
                      size_t errlen);
/* Handles what is ready and what has timed out, without blocking. Returns
 * the number of events handled. */
int sp__streams_poll(sp__streams *st, uint64_t now);
/* The epoll descriptor to wait on (-1 before open). */
int sp__streams_fd(const sp__streams *st);
unsigned sp__streams_active(const sp__streams *st);
int sp__streams_full(const sp__streams *st);

#endif
