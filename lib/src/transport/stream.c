#include "transport/stream.h"

#include "common/sigpipe.h"

#include "probe/probe.h"
#include "sip/framing.h"
#include "sipprobe/sipprobe.h"
#include "transport/tls.h"
#include "transport/ws.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef enum {
    ST_FREE,
    ST_CONNECTING,
    ST_HANDSHAKE,
    ST_WRITING,
    ST_READING,
    ST_UPGRADE, /* ws, wss: the upgrade request written, its answer read */
    ST_WS       /* ws, wss: upgraded; frames through the session */
} conn_state;

struct sp__conn {
    int fd;
    uint8_t state;
    uint8_t answered; /* a reply (provisional or final) was delivered */
    sp__probe_id id;
    sp__addr local; /* our end */
    uint16_t local_port;
    uint64_t deadline;
    SSL *ssl;
    sp__tls_cert *cert;
    char *out;
    size_t out_len, out_off;
    char *in;
    size_t in_len, in_cap;
    uint32_t events; /* what epoll waits for */
    /* ws and wss only: */
    sp__streams *owner;
    uint8_t path_idx;     /* the default path being tried */
    uint8_t ws_final;     /* a final reply came in a message */
    const char *ws_fixed; /* the target's own path, or NULL */
    char accept[29];      /* the Sec-WebSocket-Accept the upgrade must carry */
    char local_s[80];     /* our "ip:port", for the SIP probe built after the upgrade */
    size_t budget;        /* bytes one pump may still read */
    sp__ws_session *ws;
    sp_websocket_info ws_info;
    char ws_path[SP__WS_PATH_MAX];
    char ws_server[128];
};

static int is_ws(uint8_t transport)
{
    return transport == SP_TRANSPORT_WS || transport == SP_TRANSPORT_WSS;
}

static int is_tls(uint8_t transport)
{
    return transport == SP_TRANSPORT_TLS || transport == SP_TRANSPORT_WSS;
}

int sp__streams_open(sp__streams *st, unsigned max_conns, uint64_t connect_ns, uint64_t reply_ns,
                     const sp__stream_ops *ops, void *ctx, char *err, size_t errlen)
{
    memset(st, 0, sizeof(*st));
    st->epfd = -1;
    /* Every connection is a descriptor: stay inside the limit, raising the
     * soft limit toward the hard one when that is enough. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rlim_t want = (rlim_t)max_conns + 64;
        if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
            rlim_t hard = rl.rlim_max;
            rl.rlim_cur = hard == RLIM_INFINITY || hard > want ? want : hard;
            setrlimit(RLIMIT_NOFILE, &rl);
            getrlimit(RLIMIT_NOFILE, &rl);
            if (rl.rlim_cur < want)
                max_conns = rl.rlim_cur > 96 ? (unsigned)(rl.rlim_cur - 64) : 32;
        }
    }
    if (max_conns == 0)
        max_conns = 1;
    st->epfd = epoll_create1(EPOLL_CLOEXEC);
    st->conns = calloc(max_conns, sizeof(*st->conns));
    st->free_slots = calloc(max_conns, sizeof(*st->free_slots));
    if (st->epfd < 0 || !st->conns || !st->free_slots) {
        snprintf(err, errlen, "cannot set up TCP connections: %s", strerror(errno));
        sp__streams_close(st);
        return SP_ESOCKET;
    }
    st->cap = max_conns;
    for (unsigned i = 0; i < max_conns; i++) {
        st->conns[i].fd = -1;
        st->free_slots[st->n_free++] = max_conns - 1 - i;
    }
    st->connect_ns = connect_ns;
    st->reply_ns = reply_ns;
    st->ops = ops;
    st->ctx = ctx;
    return 0;
}

static void conn_release(sp__streams *st, sp__conn *c)
{
    if (c->ssl)
        SSL_free(c->ssl);
    if (c->fd >= 0) {
        /* Reset rather than close gracefully: no TIME_WAIT piling up on our
         * side while thousands of probes go out. */
        struct linger lg = {1, 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        close(c->fd);
    }
    sp__tls_cert_free(c->cert);
    sp__ws_session_free(c->ws);
    free(c->out);
    free(c->in);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
    c->state = ST_FREE;
    st->free_slots[st->n_free++] = (unsigned)(c - st->conns);
    st->active--;
}

static void conn_end(sp__streams *st, sp__conn *c, sp__conn_end how)
{
    sp__probe_id id = c->id;
    if (how == SP__CONN_NO_REPLY && c->answered)
        how = SP__CONN_ANSWERED; /* a provisional reply still shows the service */
    conn_release(st, c);
    st->ops->ended(st->ctx, &id, how);
}

void sp__streams_close(sp__streams *st)
{
    for (unsigned i = 0; st->conns && i < st->cap; i++)
        if (st->conns[i].state != ST_FREE)
            conn_release(st, &st->conns[i]);
    if (st->epfd >= 0)
        close(st->epfd);
    free(st->conns);
    free(st->free_slots);
    if (st->tls_ctx)
        SSL_CTX_free(st->tls_ctx);
    memset(st, 0, sizeof(*st));
    st->epfd = -1;
}

int sp__streams_fd(const sp__streams *st)
{
    return st->epfd;
}

unsigned sp__streams_active(const sp__streams *st)
{
    return st->active;
}

int sp__streams_full(const sp__streams *st)
{
    return st->n_free == 0;
}

static void set_events(sp__streams *st, sp__conn *c, uint32_t events)
{
    if (c->events == events)
        return;
    struct epoll_event ev = {.events = events, .data.u32 = (uint32_t)(c - st->conns)};
    epoll_ctl(st->epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->events = events;
}

/* The upgrade request for the path the connection tries now. */
static size_t ws_request(sp__conn *c, char *out, size_t cap)
{
    const char *path = c->ws_fixed ? c->ws_fixed : sp__ws_default_paths[c->path_idx];
    snprintf(c->ws_path, sizeof(c->ws_path), "%s", path);
    char host[80];
    sp__addr plain = c->id.addr;
    plain.scope = 0;
    sp__addr_format_port(&plain, c->id.port, host, sizeof(host));
    return sp__ws_request(host, path, NULL, out, cap, c->accept);
}

static int start_conn(sp__streams *st, const sp__probe_id *id, uint64_t now, unsigned path_idx,
                      char *err, size_t errlen);

int sp__streams_start(sp__streams *st, const sp__probe_id *id, uint64_t now, char *err,
                      size_t errlen)
{
    return start_conn(st, id, now, 0, err, errlen);
}

static int start_conn(sp__streams *st, const sp__probe_id *id, uint64_t now, unsigned path_idx,
                      char *err, size_t errlen)
{
    if (st->n_free == 0)
        return 1;
    if (is_tls(id->transport) && !st->tls_ctx) {
        st->tls_ctx = sp__tls_client_ctx(err, errlen);
        if (!st->tls_ctx)
            return SP_ESOCKET;
    }
    int fd = socket(id->addr.family == 4 ? AF_INET : AF_INET6,
                    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
            return 1; /* wait for connections to end */
        snprintf(err, errlen, "cannot open a TCP socket: %s", strerror(errno));
        return SP_ESOCKET;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (st->src && sp__source_bind(st->src, fd, id->addr.family, 0) < 0) {
        snprintf(err, errlen, "cannot bind a TCP socket to the chosen source: %s", strerror(errno));
        close(fd);
        return SP_ESOCKET;
    }
    unsigned slot = st->free_slots[--st->n_free];
    sp__conn *c = &st->conns[slot];
    memset(c, 0, sizeof(*c));
    c->fd = fd;
    c->id = *id;
    c->state = ST_CONNECTING;
    c->deadline = now + st->connect_ns;
    c->owner = st;
    c->path_idx = (uint8_t)path_idx;
    st->active++;

    struct sockaddr_storage ss;
    socklen_t sl;
    sp__addr_to_sockaddr(&id->addr, id->port, &ss, &sl);
    int rc = connect(fd, (struct sockaddr *)&ss, sl);
    if (rc < 0 && errno != EINPROGRESS) {
        if (errno == EADDRNOTAVAIL || errno == EAGAIN) {
            /* Out of local ports for now: not the target's doing. */
            conn_release(st, c);
            return 1;
        }
        conn_end(st, c, SP__CONN_REFUSED);
        return 0;
    }
    /* The probe names our address and port, known once connect() ran. */
    char local[80] = "0.0.0.0:0", ip[64];
    struct sockaddr_storage ls;
    socklen_t ll = sizeof(ls);
    if (getsockname(fd, (struct sockaddr *)&ls, &ll) == 0) {
        sp__addr_from_sockaddr(&ls, &c->local, &c->local_port);
        if (ls.ss_family == AF_INET) {
            const struct sockaddr_in *sin = (const void *)&ls;
            inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
            snprintf(local, sizeof(local), "%s:%u", ip, ntohs(sin->sin_port));
        } else {
            const struct sockaddr_in6 *sin6 = (const void *)&ls;
            inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
            snprintf(local, sizeof(local), "[%s]:%u", ip, ntohs(sin6->sin6_port));
        }
    }
    c->out = malloc(SP__PROBE_MAX);
    snprintf(c->local_s, sizeof(c->local_s), "%s", local);
    if (is_ws(id->transport)) { /* the upgrade first; the SIP probe once upgraded */
        c->ws_fixed = st->ops->ws_path ? st->ops->ws_path(st->ctx, id) : NULL;
        if (c->out)
            c->out_len = ws_request(c, c->out, SP__PROBE_MAX);
    } else if (c->out) {
        c->out_len = st->ops->build(st->ctx, id, local, c->out, SP__PROBE_MAX);
    }
    if (!c->out || !c->out_len) {
        conn_release(st, c);
        snprintf(err, errlen, "a probe did not fit in %d bytes", SP__PROBE_MAX);
        return SP_EINVAL;
    }
    struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = slot};
    c->events = EPOLLOUT;
    if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        conn_release(st, c);
        snprintf(err, errlen, "epoll: %s", strerror(errno));
        return SP_ESOCKET;
    }
    return 0;
}

/* Status code of a reply, or 0 for anything else (a request from the peer). */
static int status_of(const char *m, size_t len)
{
    if (len < 12 || memcmp(m, "SIP/2.0 ", 8) != 0)
        return 0;
    int code = 0;
    for (int i = 8; i < 11; i++) {
        if (m[i] < '0' || m[i] > '9')
            return 0;
        code = code * 10 + (m[i] - '0');
    }
    return code;
}

static void peer_of(const sp__conn *c, sp__addr *a, uint16_t *port)
{
    *a = c->id.addr;
    *port = c->id.port;
}

/* Delivers every complete message in the buffer. Returns 1 when the
 * connection is finished (a final reply, or a peer we stop listening to). */
static int deliver(sp__streams *st, sp__conn *c)
{
    size_t used = 0;
    for (;;) {
        size_t start, len;
        sp__frame_rc rc =
            sp__frame(c->in + used, c->in_len - used, SP__STREAM_MAX_MESSAGE, &start, &len);
        if (rc == SP__FRAME_INVALID) {
            conn_end(st, c, SP__CONN_NO_REPLY);
            return 1;
        }
        if (rc == SP__FRAME_MORE) {
            if (used == 0 && start == 0)
                break;
            used += start;
            break;
        }
        const char *m = c->in + used + start;
        used += start + len;
        int status = status_of(m, len);
        if (status >= 100 && status <= 699) {
            sp__addr from;
            uint16_t port;
            peer_of(c, &from, &port);
            c->answered = 1;
            st->ops->message(st->ctx, &c->id, m, len, &from, port, &c->local, c->local_port,
                             c->cert ? &c->cert->pub : NULL, NULL);
            if (status >= 200) {
                conn_end(st, c, SP__CONN_ANSWERED);
                return 1;
            }
        }
    }
    if (used) {
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
    }
    return 0;
}

/* Raw reads and writes over TCP or TLS: the bytes moved, 0 when the
 * stream would block (events adjusted), -1 when it is closed or failed. */
static ssize_t conn_recv(sp__streams *st, sp__conn *c, void *buf, size_t cap)
{
    if (c->ssl) {
        ERR_clear_error();
        int r = SSL_read(c->ssl, buf, (int)cap);
        if (r > 0)
            return r;
        int e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_WANT_READ)
            return 0;
        if (e == SSL_ERROR_WANT_WRITE) {
            set_events(st, c, EPOLLIN | EPOLLOUT);
            return 0;
        }
        return -1;
    }
    ssize_t n = recv(c->fd, buf, cap, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    return n > 0 ? n : -1;
}

static ssize_t conn_send(sp__streams *st, sp__conn *c, const void *buf, size_t len)
{
    if (c->ssl) {
        ERR_clear_error();
        sp__sigpipe guard; /* OpenSSL writes with write(): a reset peer raises SIGPIPE */
        sp__sigpipe_hold(&guard);
        int r = SSL_write(c->ssl, buf, (int)len);
        sp__sigpipe_release(&guard, r <= 0 && errno == EPIPE);
        if (r > 0)
            return r;
        int e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
            set_events(st, c, EPOLLIN | EPOLLOUT);
            return 0;
        }
        return -1;
    }
    ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        set_events(st, c, EPOLLIN | EPOLLOUT);
        return 0;
    }
    return n > 0 ? n : -1;
}

/* ---- WebSocket (ws, wss) ---- */

/* The session reads what the upgrade answer left in the buffer first, then
 * the stream, at most 64 KiB a pump: a flood cannot hold the loop. */
static ssize_t ws_io_recv(void *io, uint8_t *buf, size_t len)
{
    sp__conn *c = io;
    if (c->in_len) {
        size_t k = len < c->in_len ? len : c->in_len;
        memcpy(buf, c->in, k);
        memmove(c->in, c->in + k, c->in_len - k);
        c->in_len -= k;
        return (ssize_t)k;
    }
    if (c->budget == 0)
        return 0;
    ssize_t n = conn_recv(c->owner, c, buf, len < c->budget ? len : c->budget);
    if (n > 0)
        c->budget -= (size_t)n;
    return n;
}

static ssize_t ws_io_send(void *io, const uint8_t *buf, size_t len)
{
    sp__conn *c = io;
    return conn_send(c->owner, c, buf, len);
}

/* One SIP message per WebSocket message (RFC 7118 section 5). */
static void ws_io_message(void *io, const char *buf, size_t len)
{
    sp__conn *c = io;
    sp__streams *st = c->owner;
    int status = status_of(buf, len);
    if (c->ws_final || status < 100 || status > 699)
        return;
    sp__addr from;
    uint16_t port;
    peer_of(c, &from, &port);
    c->answered = 1;
    st->ops->message(st->ctx, &c->id, buf, len, &from, port, &c->local, c->local_port,
                     c->cert ? &c->cert->pub : NULL, &c->ws_info);
    if (status >= 200)
        c->ws_final = 1; /* ended after the pump: the session is still running */
}

static const sp__ws_io ws_io = {ws_io_recv, ws_io_send, ws_io_message};

/* Reads and writes through the session; returns 1 when the connection ended. */
static int ws_pump(sp__streams *st, sp__conn *c)
{
    c->budget = 65536;
    int over = sp__ws_session_pump(c->ws);
    if (c->ws_final) {
        conn_end(st, c, SP__CONN_ANSWERED);
        return 1;
    }
    if (over) {
        conn_end(st, c, SP__CONN_NO_REPLY);
        return 1;
    }
    set_events(st, c, EPOLLIN | (sp__ws_session_want_write(c->ws) ? EPOLLOUT : 0));
    return 0;
}

/* Upgraded: the SIP probe goes out in one text message. */
static int ws_upgraded(sp__streams *st, sp__conn *c, uint64_t now)
{
    char *sip = malloc(SP__PROBE_MAX);
    size_t len = sip ? st->ops->build(st->ctx, &c->id, c->local_s, sip, SP__PROBE_MAX) : 0;
    c->ws = len ? sp__ws_session_new(&ws_io, c) : NULL;
    if (!c->ws || sp__ws_session_queue_text(c->ws, sip, len) != 0) {
        free(sip);
        conn_end(st, c, SP__CONN_NO_REPLY);
        return 1;
    }
    st->ops->wrote(st->ctx, &c->id, sip, len, &c->local, c->local_port);
    free(sip);
    c->state = ST_WS;
    c->deadline = now + st->reply_ns;
    return ws_pump(st, c);
}

/* The next default path, on a new connection; the last one tried ends it. */
static int ws_next_path(sp__streams *st, sp__conn *c, uint64_t now)
{
    unsigned next = (unsigned)c->path_idx + 1;
    if (c->ws_fixed || next >= SP__WS_N_PATHS) {
        conn_end(st, c, SP__CONN_NO_UPGRADE);
        return 1;
    }
    sp__probe_id id = c->id;
    conn_release(st, c);
    char err[160];
    if (start_conn(st, &id, now, next, err, sizeof(err)) != 0)
        st->ops->ended(st->ctx, &id, SP__CONN_NO_UPGRADE);
    return 1;
}

/* The upgrade answer: its head read into the buffer (at most 8 KiB). */
static int ws_on_answer(sp__streams *st, sp__conn *c, uint64_t now)
{
    set_events(st, c, EPOLLIN); /* a write SSL_read wanted is done: no busy EPOLLOUT */
    for (int rounds = 0; rounds < 4; rounds++) {
        if (!c->in && !(c->in = malloc(SP__WS_MAX_HEAD + 1))) {
            conn_end(st, c, SP__CONN_NO_REPLY);
            return 1;
        }
        c->in_cap = SP__WS_MAX_HEAD + 1;
        ssize_t n = conn_recv(st, c, c->in + c->in_len, c->in_cap - c->in_len);
        if (n == 0)
            return 0;
        if (n < 0)
            return ws_next_path(st, c, now);
        c->in_len += (size_t)n;
        sp__ws_answer a;
        size_t head = 0;
        int rc = sp__ws_answer_parse(c->in, c->in_len, c->accept, &a, &head);
        if (rc == 0)
            continue;
        if (rc < 0) { /* not HTTP: nothing on this port upgrades */
            conn_end(st, c, SP__CONN_NO_UPGRADE);
            return 1;
        }
        if (!a.upgraded)
            return ws_next_path(st, c, now);
        snprintf(c->ws_server, sizeof(c->ws_server), "%s", a.server);
        c->ws_info.path = c->ws_path;
        c->ws_info.status = a.status;
        c->ws_info.server = c->ws_server[0] ? c->ws_server : NULL;
        memmove(c->in, c->in + head, c->in_len - head); /* frames that came along */
        c->in_len -= head;
        return ws_upgraded(st, c, now);
    }
    return 0;
}

/* Reads what is there (bounded); returns 1 when the connection ended. */
static int on_readable(sp__streams *st, sp__conn *c)
{
    for (int rounds = 0; rounds < 16; rounds++) {
        if (c->in_len == c->in_cap) {
            if (c->in_cap >= SP__STREAM_MAX_MESSAGE + 1024) {
                /* Bytes without a message end: a flood, or not SIP. */
                conn_end(st, c, SP__CONN_NO_REPLY);
                return 1;
            }
            size_t cap = c->in_cap ? c->in_cap * 2 : 4096;
            char *p = realloc(c->in, cap);
            if (!p) {
                conn_end(st, c, SP__CONN_NO_REPLY);
                return 1;
            }
            c->in = p;
            c->in_cap = cap;
        }
        ssize_t n;
        if (c->ssl) {
            ERR_clear_error();
            int r = SSL_read(c->ssl, c->in + c->in_len, (int)(c->in_cap - c->in_len));
            if (r <= 0) {
                int e = SSL_get_error(c->ssl, r);
                if (e == SSL_ERROR_WANT_READ)
                    return 0;
                if (e == SSL_ERROR_WANT_WRITE) {
                    set_events(st, c, EPOLLIN | EPOLLOUT);
                    return 0;
                }
                conn_end(st, c, SP__CONN_NO_REPLY);
                return 1;
            }
            n = r;
        } else {
            n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
            if (n <= 0) {
                conn_end(st, c, SP__CONN_NO_REPLY);
                return 1;
            }
        }
        c->in_len += (size_t)n;
        if (deliver(st, c))
            return 1;
    }
    return 0;
}

/* Writes the rest of the probe; returns 1 when the connection ended. */
static int on_writable(sp__streams *st, sp__conn *c, uint64_t now)
{
    while (c->out_off < c->out_len) {
        ssize_t n;
        if (c->ssl) {
            ERR_clear_error();
            sp__sigpipe guard; /* OpenSSL writes with write(): a reset peer raises SIGPIPE */
            sp__sigpipe_hold(&guard);
            int r = SSL_write(c->ssl, c->out + c->out_off, (int)(c->out_len - c->out_off));
            sp__sigpipe_release(&guard, r <= 0 && errno == EPIPE);
            if (r <= 0) {
                int e = SSL_get_error(c->ssl, r);
                if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
                    set_events(st, c, e == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN);
                    return 0;
                }
                conn_end(st, c, SP__CONN_NO_REPLY);
                return 1;
            }
            n = r;
        } else {
            n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                set_events(st, c, EPOLLOUT);
                return 0;
            }
            if (n <= 0) {
                conn_end(st, c, SP__CONN_NO_REPLY);
                return 1;
            }
        }
        c->out_off += (size_t)n;
    }
    if (is_ws(c->id.transport)) { /* the upgrade request went out */
        free(c->out);
        c->out = NULL;
        c->state = ST_UPGRADE;
        c->deadline = now + st->reply_ns;
        set_events(st, c, EPOLLIN);
        return 0;
    }
    st->ops->wrote(st->ctx, &c->id, c->out, c->out_len, &c->local, c->local_port);
    free(c->out);
    c->out = NULL;
    c->state = ST_READING;
    c->deadline = now + st->reply_ns;
    set_events(st, c, EPOLLIN);
    return 0;
}

static int handshake(sp__streams *st, sp__conn *c, uint64_t now)
{
    ERR_clear_error();
    sp__sigpipe guard;
    sp__sigpipe_hold(&guard);
    int r = SSL_do_handshake(c->ssl);
    sp__sigpipe_release(&guard, r <= 0 && errno == EPIPE);
    if (r == 1) {
        c->cert = sp__tls_cert_from_ssl(c->ssl, time(NULL));
        c->state = ST_WRITING;
        return on_writable(st, c, now);
    }
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        set_events(st, c, e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
        return 0;
    }
    conn_end(st, c, SP__CONN_TLS_FAILED);
    return 1;
}

static void on_event(sp__streams *st, sp__conn *c, uint32_t events, uint64_t now)
{
    if (c->state == ST_CONNECTING) {
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
            soerr = errno;
        if (soerr) {
            conn_end(st, c, SP__CONN_REFUSED);
            return;
        }
        if (!(events & EPOLLOUT))
            return;
        if (is_tls(c->id.transport)) {
            c->ssl = SSL_new(st->tls_ctx);
            if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
                conn_end(st, c, SP__CONN_TLS_FAILED);
                return;
            }
            SSL_set_connect_state(c->ssl);
            c->state = ST_HANDSHAKE;
            handshake(st, c, now);
            return;
        }
        c->state = ST_WRITING;
        on_writable(st, c, now);
        return;
    }
    if (c->state == ST_HANDSHAKE) {
        handshake(st, c, now);
        return;
    }
    if (c->state == ST_WRITING) {
        on_writable(st, c, now);
        return;
    }
    if (c->state == ST_UPGRADE) {
        if (!ws_on_answer(st, c, now) && (events & (EPOLLHUP | EPOLLERR)))
            ws_next_path(st, c, now);
        return;
    }
    if (c->state == ST_WS) {
        if (!ws_pump(st, c) && (events & (EPOLLHUP | EPOLLERR)))
            conn_end(st, c, SP__CONN_NO_REPLY);
        return;
    }
    if (c->state == ST_READING) {
        if (c->ssl && (events & EPOLLOUT) && !(events & EPOLLIN))
            set_events(st, c, EPOLLIN); /* the write SSL_read wanted is possible now */
        if (on_readable(st, c))
            return;
        if (events & (EPOLLHUP | EPOLLERR))
            conn_end(st, c, SP__CONN_NO_REPLY);
    }
}

/* Connections past their deadline end: each costs its timeout, no more. */
static void sweep(sp__streams *st, uint64_t now)
{
    for (unsigned i = 0; i < st->cap && st->active; i++) {
        sp__conn *c = &st->conns[i];
        if (c->state == ST_FREE || now < c->deadline)
            continue;
        conn_end(st, c,
                 c->state == ST_CONNECTING  ? SP__CONN_FILTERED
                 : c->state == ST_HANDSHAKE ? SP__CONN_TLS_FAILED
                 : c->state == ST_UPGRADE   ? SP__CONN_NO_UPGRADE
                                            : SP__CONN_NO_REPLY);
    }
}

int sp__streams_poll(sp__streams *st, uint64_t now)
{
    if (st->epfd < 0 || !st->active)
        return 0;
    struct epoll_event evs[64];
    int total = 0;
    for (int round = 0; round < 8; round++) {
        int n = epoll_wait(st->epfd, evs, 64, 0);
        if (n <= 0)
            break;
        for (int i = 0; i < n; i++) {
            sp__conn *c = &st->conns[evs[i].data.u32];
            if (c->state != ST_FREE)
                on_event(st, c, evs[i].events, now);
        }
        total += n;
        if (n < 64)
            break;
    }
    if (now >= st->next_sweep) {
        sweep(st, now);
        st->next_sweep = now + 5000000ull; /* 5 ms */
    }
    return total;
}
