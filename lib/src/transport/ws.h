/* SIP over WebSocket (RFC 7118) on a stream: the HTTP upgrade asked and
 * read (pure functions), and a framing session over wslay, an I/O-free
 * framing library, whose reads and writes go through the caller's stream.
 * wslay is included here only. */
#ifndef SP_WS_H
#define SP_WS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SP__WS_MAX_HEAD 8192     /* an upgrade answer's head; more is not HTTP */
#define SP__WS_MAX_MESSAGE 65536 /* a message (all its fragments together) */
#define SP__WS_MAX_CONTROL 32    /* pings and pongs a peer may send per connection */
#define SP__WS_N_PATHS 4

/* The paths tried, in order, when a target names none: Asterisk's and 3CX's
 * "/ws", Kamailio's and FreeSWITCH's usual "/", then two others seen. */
extern const char *const sp__ws_default_paths[SP__WS_N_PATHS];

/* Writes the upgrade request for path at host (the "Host" header value)
 * into out, with a fresh Sec-WebSocket-Key whose expected accept value goes
 * to accept (29 bytes). Returns its length, or 0 when it does not fit. */
size_t sp__ws_request(const char *host, const char *path, const char *user_agent, char *out,
                      size_t cap, char accept[29]);

/* What an upgrade answer said. */
typedef struct sp__ws_answer {
    int status;       /* HTTP status */
    int upgraded;     /* 101 with Upgrade: websocket and the expected accept */
    int sip;          /* Sec-WebSocket-Protocol: sip */
    char server[128]; /* Server header, or "" */
} sp__ws_answer;

/* Reads an answer's head from buf: 1 with *head_len set once the blank line
 * came, 0 when more is needed, -1 when it is not HTTP or longer than
 * SP__WS_MAX_HEAD. accept is what sp__ws_request expected. */
int sp__ws_answer_parse(const char *buf, size_t len, const char *accept, sp__ws_answer *out,
                        size_t *head_len);

/* The stream under a session: recv and send return the bytes moved, 0
 * when the stream would block, -1 when it is closed or failed. */
typedef struct sp__ws_io {
    ssize_t (*recv)(void *io, uint8_t *buf, size_t len);
    ssize_t (*send)(void *io, const uint8_t *buf, size_t len);
    void (*message)(void *io, const char *buf, size_t len); /* a whole text or binary message */
} sp__ws_io;

typedef struct sp__ws_session sp__ws_session;

/* A client session (frames masked). NULL when out of memory. */
sp__ws_session *sp__ws_session_new(const sp__ws_io *ops, void *io);
void sp__ws_session_free(sp__ws_session *ws);
/* Queues one text message. Returns 0 or -1. */
int sp__ws_session_queue_text(sp__ws_session *ws, const char *buf, size_t len);
/* Reads what the stream has (messages go to ops->message) and writes what
 * is queued (the message, pongs, a close). Returns 0 to go on, 1 when the
 * session is over (closed, failed, a message too big, a ping flood). */
int sp__ws_session_pump(sp__ws_session *ws);
/* 1 while queued frames wait for the stream to take them. */
int sp__ws_session_want_write(const sp__ws_session *ws);

#endif
