/* The lab over TCP and TLS: the same personas as over UDP, framed by
 * Content-Length, plus hostile peers for the scanner's sake: one that
 * accepts and never answers (stall), one that sends its reply a byte at a
 * time (trickle) and one that sends an endless header (flood). Loopback
 * only, like the rest of the lab; every connection is closed after 30 s. */
#include "lab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct lconn {
    int fd; /* -1: free */
    SSL *ssl;
    int handshaking;
    int family;
    uint8_t local[16];
    rule *r;
    char in[8192];
    size_t in_len;
    char *out; /* OUT_CAP bytes, while answering */
    size_t out_len, out_off;
    double opened, next_trickle;
    unsigned long long flooded;
} lconn;

#define OUT_CAP 65536 /* the largest persona reply fits */

static lconn conns[MAX_STREAMS];
static int conns_ready;
static SSL_CTX *tls_ctx;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A throw-away self-signed certificate that expired yesterday (EC P-256),
 * made in memory: the openssl command line cannot date one in the past. */
static void use_expired_cert(SSL_CTX *ctx)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    if (!key || !x)
        die("cannot make the expired certificate", "");
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_gmtime_adj(X509_getm_notBefore(x), -30L * 86400);
    X509_gmtime_adj(X509_getm_notAfter(x), -86400L);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"expired.lab", -1,
                               -1, 0);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, key);
    if (!X509_sign(x, key, EVP_sha256()) || SSL_CTX_use_certificate(ctx, x) != 1 ||
        SSL_CTX_use_PrivateKey(ctx, key) != 1)
        die("cannot use the expired certificate", "");
    X509_free(x);
    EVP_PKEY_free(key);
}

void stream_tls_setup(const char *cert, const char *key, const char *max_version)
{
    if (!cert && !key) {
        tls_ctx = SSL_CTX_new(TLS_server_method());
        if (!tls_ctx)
            die("cannot create a TLS context", "");
        use_expired_cert(tls_ctx);
        cert = key = NULL;
    } else if (!cert || !key) {
        die("TLS needs", "--tls-cert and --tls-key (or neither, for an expired certificate)");
    }
    if (!tls_ctx)
        tls_ctx = SSL_CTX_new(TLS_server_method());
    if (!tls_ctx)
        die("cannot create a TLS context", "");
    /* Weak servers are part of the lab: allow every version and cipher. */
    SSL_CTX_set_security_level(tls_ctx, 0);
    SSL_CTX_set_min_proto_version(tls_ctx, TLS1_VERSION);
    SSL_CTX_set_cipher_list(tls_ctx, "ALL:@SECLEVEL=0");
    if (max_version) {
        int v = !strcmp(max_version, "1.0")   ? TLS1_VERSION
                : !strcmp(max_version, "1.1") ? TLS1_1_VERSION
                : !strcmp(max_version, "1.2") ? TLS1_2_VERSION
                : !strcmp(max_version, "1.3") ? TLS1_3_VERSION
                                              : 0;
        if (!v)
            die("bad --tls-max-version (1.0, 1.1, 1.2 or 1.3)", max_version);
        SSL_CTX_set_max_proto_version(tls_ctx, v);
    }
    if (cert && SSL_CTX_use_certificate_chain_file(tls_ctx, cert) != 1)
        die("cannot load the TLS certificate", cert);
    if (key && SSL_CTX_use_PrivateKey_file(tls_ctx, key, SSL_FILETYPE_PEM) != 1)
        die("cannot load the TLS key", key);
}

int stream_listen(int family, int port)
{
    int fd =
        socket(family == 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (!allow_set)
        setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3);
    int rc;
    if (family == 4) {
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        sin.sin_addr.s_addr = htonl(INADDR_ANY);
        rc = bind(fd, (struct sockaddr *)&sin, sizeof(sin));
    } else {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
        sin6.sin6_addr = in6addr_loopback;
        rc = bind(fd, (struct sockaddr *)&sin6, sizeof(sin6));
    }
    if (rc < 0 || listen(fd, 1024) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void conn_close(lconn *c)
{
    if (c->ssl)
        SSL_free(c->ssl);
    close(c->fd);
    free(c->out);
    c->out = NULL;
    c->fd = -1;
    c->ssl = NULL;
}

void stream_accept(int listen_fd, int tls)
{
    if (!conns_ready) {
        for (int i = 0; i < MAX_STREAMS; i++)
            conns[i].fd = -1;
        conns_ready = 1;
    }
    for (int burst = 0; burst < 256; burst++) {
        struct sockaddr_storage src;
        socklen_t sl = sizeof(src);
        int fd = accept4(listen_fd, (struct sockaddr *)&src, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        struct sockaddr_storage loc;
        socklen_t ll = sizeof(loc);
        lconn *c = NULL;
        for (int i = 0; i < MAX_STREAMS && !c; i++)
            if (conns[i].fd < 0)
                c = &conns[i];
        if (!c || !source_allowed(&src) || getsockname(fd, (struct sockaddr *)&loc, &ll) < 0) {
            ignored++;
            close(fd);
            continue;
        }
        memset(c, 0, sizeof(*c));
        c->fd = fd;
        if (loc.ss_family == AF_INET) {
            c->family = 4;
            memcpy(c->local, &((struct sockaddr_in *)&loc)->sin_addr, 4);
        } else {
            c->family = 6;
            memcpy(c->local, &((struct sockaddr_in6 *)&loc)->sin6_addr, 16);
        }
        c->r = find_rule(c->family, c->local);
        if (!c->r || c->r->persona < 0) {
            ignored++; /* a silent address: accept and close, as nothing is there */
            conn_close(c);
            continue;
        }
        c->opened = now_s();
        if (tls) {
            c->ssl = SSL_new(tls_ctx);
            SSL_set_fd(c->ssl, fd);
            SSL_set_accept_state(c->ssl);
            c->handshaking = 1;
        }
    }
}

int stream_pollfds(struct pollfd *p, int max)
{
    int n = 0;
    for (int i = 0; conns_ready && i < MAX_STREAMS && n < max; i++) {
        lconn *c = &conns[i];
        if (c->fd < 0)
            continue;
        short ev = POLLIN;
        if (c->out_off < c->out_len || (c->r->stream == STREAM_FLOOD && c->out_len))
            ev |= POLLOUT;
        p[n++] = (struct pollfd){.fd = c->fd, .events = ev};
    }
    return n;
}

static lconn *by_fd(int fd)
{
    for (int i = 0; i < MAX_STREAMS; i++)
        if (conns[i].fd == fd)
            return &conns[i];
    return NULL;
}

/* Writes as much as the socket takes; returns -1 when the peer is gone. */
static int put(lconn *c, const char *buf, size_t len, size_t *written)
{
    ssize_t n;
    if (c->ssl) {
        int r = SSL_write(c->ssl, buf, (int)len);
        if (r <= 0) {
            int e = SSL_get_error(c->ssl, r);
            return e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ ? 0 : -1;
        }
        n = r;
    } else {
        n = send(c->fd, buf, len, MSG_NOSIGNAL);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
    }
    *written = (size_t)n;
    return 0;
}

/* A complete request in c->in: prepare the answer its persona gives. */
static void answer(lconn *c, size_t req_len)
{
    char req[sizeof(c->in) + 1];
    memcpy(req, c->in, req_len);
    req[req_len] = '\0';
    char method[32] = "";
    sscanf(req, "%31s", method);
    const char *tmpl = persona_template(c->r, method);
    if (!tmpl) {
        ignored++;
        return;
    }
    char local[64];
    inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->local, local, sizeof(local));
    if (!c->out && !(c->out = malloc(OUT_CAP)))
        return;
    c->out_len = render(tmpl, req, local, c->out, OUT_CAP);
    c->out_off = 0;
    c->next_trickle = now_s();
    answered++;
    c->r->answers++;
    if (c->r->stream == STREAM_FLOOD) {
        /* An endless header: the reply never ends. */
        char *eol = strstr(c->out, "\r\n");
        size_t keep = eol ? (size_t)(eol - c->out) + 2 : 0;
        memcpy(c->out + keep, "X-Flood: ", 9);
        memset(c->out + keep + 9, 'A', OUT_CAP - keep - 9);
        c->out_len = OUT_CAP;
    }
}

/* Content-Length framing, enough for our requests. */
static size_t request_length(const char *buf, size_t len)
{
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    if (!end)
        return 0;
    size_t hdr = (size_t)(end - buf) + 4;
    long cl = 0;
    const char *h = memmem(buf, hdr, "\r\nContent-Length:", 17);
    if (!h)
        h = memmem(buf, hdr, "\r\nl:", 4);
    if (h)
        cl = strtol(strchr(h + 2, ':') + 1, NULL, 10);
    if (cl < 0 || hdr + (size_t)cl > len)
        return 0;
    return hdr + (size_t)cl;
}

static void serve(lconn *c, short revents)
{
    double t = now_s();
    if (t - c->opened > 30) {
        conn_close(c);
        return;
    }
    if (c->handshaking) {
        int r = SSL_do_handshake(c->ssl);
        if (r == 1) {
            c->handshaking = 0;
        } else {
            int e = SSL_get_error(c->ssl, r);
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                conn_close(c);
            return;
        }
    }
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n;
        if (c->ssl) {
            int r = SSL_read(c->ssl, c->in + c->in_len, (int)(sizeof(c->in) - 1 - c->in_len));
            int e = r > 0 ? 0 : SSL_get_error(c->ssl, r);
            n = r > 0 ? r : (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) ? -2 : 0;
        } else {
            n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len, 0);
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                n = -2;
        }
        if (n == 0 || n == -1) {
            conn_close(c);
            return;
        }
        if (n > 0) {
            c->in_len += (size_t)n;
            size_t req;
            while ((req = request_length(c->in, c->in_len)) > 0) {
                if (c->r->stream != STREAM_STALL && c->out_off >= c->out_len)
                    answer(c, req);
                memmove(c->in, c->in + req, c->in_len - req);
                c->in_len -= req;
            }
            if (c->in_len >= sizeof(c->in) - 1) {
                conn_close(c);
                return;
            }
        }
    }
    if (c->out_off < c->out_len) {
        size_t want = c->out_len - c->out_off, written = 0;
        if (c->r->stream == STREAM_TRICKLE) {
            if (t < c->next_trickle)
                return;
            want = 1;
            c->next_trickle = t + 0.2;
        }
        if (put(c, c->out + c->out_off, want, &written) < 0) {
            conn_close(c);
            return;
        }
        c->out_off += written;
        if (c->r->stream == STREAM_FLOOD && c->out_off == c->out_len) {
            /* Keep going with the same header, up to 1 GiB. */
            c->flooded += c->out_len;
            c->out_off = c->out_len / 2;
            if (c->flooded > (1ull << 30))
                conn_close(c);
        }
    }
}

void stream_service(struct pollfd *p, int n)
{
    for (int i = 0; i < n; i++) {
        lconn *c = by_fd(p[i].fd);
        if (!c)
            continue;
        if (p[i].revents || c->r->stream == STREAM_TRICKLE || now_s() - c->opened > 30)
            serve(c, p[i].revents);
    }
}
