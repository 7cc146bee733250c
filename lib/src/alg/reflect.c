/* The ALG-check reflector's server: UDP and TCP on one address, answering
 * only token-carrying requests (sp__alg_reply decides), rate-limited per
 * source, with bounded connections, buffers and time. */
#include "alg/alg.h"
#include "sipprobe/sipprobe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 32
#define CONN_BUF 16384
#define CONN_TIMEOUT_S 10
#define RATE_SLOTS 256
#define RATE_PER_S 10

typedef struct conn {
    int fd;
    time_t since;
    size_t len;
    char buf[CONN_BUF];
} conn;

/* Per-source rate limit: a small hashed table of (address, second, count). */
typedef struct slot {
    uint8_t addr[16];
    time_t second;
    unsigned count;
} slot;

/* Everything one reflector owns: no state is shared between reflectors. */
struct sp_reflector {
    volatile sig_atomic_t stop;
    slot slots[RATE_SLOTS];
    conn conns[MAX_CONNS];
};

sp_reflector *sp_reflector_new(void)
{
    return calloc(1, sizeof(sp_reflector));
}

void sp_reflector_free(sp_reflector *r)
{
    free(r);
}

void sp_reflector_stop(sp_reflector *r)
{
    r->stop = 1;
}

static int allowed(slot *slots, const struct sockaddr_storage *src)
{
    uint8_t a[16] = {0};
    if (src->ss_family == AF_INET)
        memcpy(a, &((const struct sockaddr_in *)src)->sin_addr, 4);
    else
        memcpy(a, &((const struct sockaddr_in6 *)src)->sin6_addr, 16);
    unsigned h = 2166136261u;
    for (int i = 0; i < 16; i++)
        h = (h ^ a[i]) * 16777619u;
    slot *s = &slots[h % RATE_SLOTS];
    time_t now = time(NULL);
    if (memcmp(s->addr, a, 16) || s->second != now) {
        memcpy(s->addr, a, 16);
        s->second = now;
        s->count = 0;
    }
    return ++s->count <= RATE_PER_S;
}

static void logm(sp_log_fn log, void *data, int level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void logm(sp_log_fn log, void *data, int level, const char *fmt, ...)
{
    if (!log)
        return;
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log(level, msg, data);
}

sp__frame_rc sp__alg_frame(const char *buf, size_t len, size_t *start, size_t *msg_len)
{
    return sp__frame(buf, len, CONN_BUF - 1, start, msg_len);
}

/* One run: its sockets, token, counters and reply buffer. */
typedef struct run {
    sp_reflector *r;
    int ufd, tfd;
    const char *token;
    unsigned long answered, refused;
    sp__buf reply;
} run;

static void close_conn(conn *c)
{
    close(c->fd);
    c->fd = -1;
}

/* Binds UDP and TCP on the address. Returns 0, or SP_ESOCKET with err set. */
static int open_sockets(run *x, const char *addr, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    unsigned sl;
    sp__addr a;
    uint16_t port = 0;
    if (sp__addr_parse_port(addr, &a, &port) != 0 || !port) {
        snprintf(err, errlen, "reflect: bad listen address '%s' (ADDR:PORT)", addr);
        return SP_EINVAL;
    }
    sp__addr_to_sockaddr(&a, port, &ss, &sl);
    int one = 1;
    x->ufd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    x->tfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (x->ufd >= 0)
        setsockopt(x->ufd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (x->tfd >= 0)
        setsockopt(x->tfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (x->ufd < 0 || x->tfd < 0 || bind(x->ufd, (struct sockaddr *)&ss, sl) < 0 ||
        bind(x->tfd, (struct sockaddr *)&ss, sl) < 0 || listen(x->tfd, 16) < 0) {
        snprintf(err, errlen, "reflect: cannot listen on %s: %s", addr, strerror(errno));
        if (x->ufd >= 0)
            close(x->ufd);
        if (x->tfd >= 0)
            close(x->tfd);
        return SP_ESOCKET;
    }
    return 0;
}

static void on_datagram(run *x)
{
    char buf[8192];
    struct sockaddr_storage src;
    socklen_t srclen = sizeof(src);
    ssize_t got = recvfrom(x->ufd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&src, &srclen);
    if (got <= 0)
        return;
    buf[got] = '\0';
    if (allowed(x->r->slots, &src) && sp__alg_reply(buf, (size_t)got, x->token, &x->reply) == 0) {
        sendto(x->ufd, x->reply.data, x->reply.len, 0, (struct sockaddr *)&src, srclen);
        x->answered++;
    } else {
        x->refused++;
    }
}

static void on_accept(run *x)
{
    struct sockaddr_storage src;
    socklen_t srclen = sizeof(src);
    int fd = accept4(x->tfd, (struct sockaddr *)&src, &srclen, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    conn *c = NULL;
    for (int i = 0; i < MAX_CONNS && !c; i++)
        if (x->r->conns[i].fd < 0)
            c = &x->r->conns[i];
    if (!c || !allowed(x->r->slots, &src)) {
        close(fd);
        x->refused++;
        return;
    }
    c->fd = fd;
    c->since = time(NULL);
    c->len = 0;
}

/* Reads from a connection and answers the first whole message in it. */
static void on_stream(run *x, conn *c)
{
    ssize_t got = recv(c->fd, c->buf + c->len, CONN_BUF - 1 - c->len, 0);
    if (got <= 0) {
        close_conn(c);
        return;
    }
    c->len += (size_t)got;
    c->buf[c->len] = '\0';
    size_t start, whole;
    sp__frame_rc fr = sp__alg_frame(c->buf, c->len, &start, &whole);
    if (fr == SP__FRAME_OK) {
        char *msg = c->buf + start;
        char save = msg[whole];
        msg[whole] = '\0';
        if (sp__alg_reply(msg, whole, x->token, &x->reply) == 0) {
            send(c->fd, x->reply.data, x->reply.len, MSG_NOSIGNAL);
            x->answered++;
        } else {
            x->refused++;
        }
        msg[whole] = save;
        memmove(c->buf, msg + whole, c->len - start - whole);
        c->len -= start + whole;
    } else if (fr == SP__FRAME_INVALID || c->len >= CONN_BUF - 1) {
        close_conn(c); /* a flood, not a request */
        x->refused++;
    }
}

/* The poll set: both listening sockets, then every connection not yet
 * timed out (idx: -1 UDP, -2 TCP listener, else the connection). */
static nfds_t poll_set(run *x, struct pollfd *p, int *idx)
{
    nfds_t n = 0;
    p[n] = (struct pollfd){.fd = x->ufd, .events = POLLIN};
    idx[n++] = -1;
    p[n] = (struct pollfd){.fd = x->tfd, .events = POLLIN};
    idx[n++] = -2;
    time_t now = time(NULL);
    for (int i = 0; i < MAX_CONNS; i++) {
        conn *c = &x->r->conns[i];
        if (c->fd < 0)
            continue;
        if (now - c->since > CONN_TIMEOUT_S) { /* slow or silent: gone */
            close_conn(c);
            continue;
        }
        p[n] = (struct pollfd){.fd = c->fd, .events = POLLIN};
        idx[n++] = i;
    }
    return n;
}

sp_code sp_reflector_run(sp_reflector *r, const char *addr, const char *token, unsigned max_seconds,
                         sp_log_fn log, void *data, char *err, size_t errlen)
{
    if (!token || strlen(token) < 8) {
        snprintf(err, errlen, "reflect: a --token of at least 8 characters is required");
        return SP_EINVAL;
    }
    run x = {.r = r, .token = token};
    int rc = open_sockets(&x, addr ? addr : "", err, errlen);
    if (rc)
        return rc;
    logm(log, data, 1, "reflecting on %s (udp and tcp)", addr);
    memset(r->slots, 0, sizeof(r->slots));
    for (int i = 0; i < MAX_CONNS; i++)
        r->conns[i].fd = -1;
    time_t deadline = max_seconds ? time(NULL) + max_seconds : 0;
    sp__buf_init(&x.reply);
    while (!r->stop && (!deadline || time(NULL) < deadline)) {
        struct pollfd p[2 + MAX_CONNS];
        int idx[2 + MAX_CONNS];
        nfds_t n = poll_set(&x, p, idx);
        if (poll(p, n, 200) <= 0)
            continue;
        for (nfds_t k = 0; k < n; k++) {
            if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (idx[k] == -1)
                on_datagram(&x);
            else if (idx[k] == -2)
                on_accept(&x);
            else if (r->conns[idx[k]].fd >= 0)
                on_stream(&x, &r->conns[idx[k]]);
        }
    }
    for (int i = 0; i < MAX_CONNS; i++)
        if (r->conns[i].fd >= 0)
            close_conn(&r->conns[i]);
    close(x.ufd);
    close(x.tfd);
    sp__buf_free(&x.reply);
    logm(log, data, 1, "reflector stopped: %lu answered, %lu refused", x.answered, x.refused);
    return SP_OK;
}
