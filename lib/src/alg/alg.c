#include "alg/alg.h"

#include "sip/header.h"
#include "sip/sipmsg.h"
#include "sipprobe/sipprobe.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *const subset_headers[] = {"via",     "from",         "to",
                                             "contact", "record-route", "max-forwards"};

static int in_subset(const sp__sip_header *h)
{
    for (size_t i = 0; i < sizeof(subset_headers) / sizeof(subset_headers[0]); i++)
        if (sp__sip_header_name_is(h->name, h->name_len, subset_headers[i]))
            return 1;
    return 0;
}

void sp__alg_subset(const char *msg, size_t len, sp__buf *out)
{
    size_t s = 0, pos = 0, body;
    while (s < len && (msg[s] == '\r' || msg[s] == '\n'))
        s++;
    const char *eol = memchr(msg + s, '\n', len - s);
    size_t n = eol ? (size_t)(eol - msg) - s : len - s;
    sp__buf_append(out, msg + s, n && msg[s + n - 1] == '\r' ? n - 1 : n); /* the start line */
    sp__buf_puts(out, "\n");
    sp__sip_header h;
    while (sp__sip_header_next(msg, len, &pos, &h))
        if (in_subset(&h)) {
            sp__buf_append(out, h.line, h.line_len);
            sp__buf_puts(out, "\n");
        }
    if (!sp__sip_body_start(msg, len, &body))
        body = len;
    for (const char *p = msg + body, *end = msg + len; p < end;) { /* SDP: c=, o=, m= */
        eol = memchr(p, '\n', (size_t)(end - p));
        n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        size_t m = n && p[n - 1] == '\r' ? n - 1 : n;
        if (m > 2 && (p[0] == 'c' || p[0] == 'o' || p[0] == 'm') && p[1] == '=') {
            sp__buf_append(out, p, m);
            sp__buf_puts(out, "\n");
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    sp__buf_cstr(out);
}

/* Copies every header called name (full or compact form) of req to out. */
static void copy_headers(const char *req, size_t len, const char *name, sp__buf *out)
{
    size_t pos = 0;
    sp__sip_header h;
    while (sp__sip_header_next(req, len, &pos, &h))
        if (sp__sip_header_name_is(h.name, h.name_len, name)) {
            sp__buf_append(out, h.line, h.line_len);
            sp__buf_puts(out, "\r\n");
        }
}

int sp__alg_reply(const char *req, size_t len, const char *token, sp__buf *reply)
{
    size_t tl;
    const char *t;
    if (!sp__sip_header_find(req, len, "x-sipprobe-token", &t, &tl) || !token ||
        tl != strlen(token) || memcmp(t, token, tl))
        return -1;
    sp__buf subset;
    sp__buf_init(&subset);
    sp__alg_subset(req, len, &subset);
    int invite = !strncmp(req, "INVITE ", 7);
    sp__buf_reset(reply);
    sp__buf_puts(reply, invite ? "SIP/2.0 603 Decline\r\n" : "SIP/2.0 200 OK\r\n");
    static const char *const echoed[] = {"via", "from", "to", "call-id", "cseq"};
    for (size_t i = 0; i < sizeof(echoed) / sizeof(echoed[0]); i++)
        copy_headers(req, len, echoed[i], reply);
    sp__buf_printf(reply,
                   "Server: sipprobe-reflector/" SP_VERSION "\r\n"
                   "Content-Type: application/x-sipprobe-echo\r\nContent-Length: %zu\r\n\r\n",
                   subset.len * 2);
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < subset.len; i++) {
        char pair[2] = {hex[(unsigned char)subset.data[i] >> 4],
                        hex[(unsigned char)subset.data[i] & 15]};
        sp__buf_append(reply, pair, 2);
    }
    sp__buf_free(&subset);
    if (reply->failed || reply->len > len)
        return -1; /* never send more than was received */
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int sp__alg_decode(const char *reply, size_t len, sp__buf *out)
{
    size_t at;
    if (!sp__sip_body_start(reply, len, &at))
        return -1;
    const char *body = reply + at;
    size_t n = len - at;
    while (n && (body[n - 1] == '\r' || body[n - 1] == '\n'))
        n--;
    if (n % 2)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval(body[i]), lo = hexval(body[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        char c = (char)(hi << 4 | lo);
        sp__buf_append(out, &c, 1);
    }
    sp__buf_cstr(out);
    return 0;
}

/* Splits a subset into lines. */
static void lines_of(const char *text, sp__strv *out)
{
    const char *p = text;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        sp__strv_push(out, p, n);
        p = nl ? nl + 1 : NULL;
    }
}

/* The header name of a line ("c" for c=, the request line as "request"). */
static void key_of(const char *line, size_t index, char *key, size_t cap)
{
    if (index == 0) {
        snprintf(key, cap, "request line");
        return;
    }
    size_t n = strcspn(line, ":=");
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; i++)
        key[i] = (char)tolower((unsigned char)line[i]);
    key[n] = '\0';
}

size_t sp__alg_diff(const char *sent, const char *received, const char *transport,
                    sp__strv *evidence)
{
    sp__strv a = {0}, b = {0};
    lines_of(sent, &a);
    lines_of(received, &b);
    size_t diffs = 0;
    uint8_t *used = calloc(b.n ? b.n : 1, 1);
    /* Pair lines in order by header name: same name, same occurrence. */
    for (size_t i = 0; i < a.n; i++) {
        char ka[64], kb[64];
        key_of(a.v[i], i, ka, sizeof(ka));
        size_t match = b.n;
        for (size_t j = 0; j < b.n && match == b.n; j++) {
            if (used[j])
                continue;
            key_of(b.v[j], j, kb, sizeof(kb));
            if (!strcmp(ka, kb))
                match = j;
        }
        char line[600];
        if (match == b.n) {
            snprintf(line, sizeof(line), "%s: removed in transit: %.250s", transport, a.v[i]);
            sp__strv_push(evidence, line, strlen(line));
            diffs++;
            continue;
        }
        used[match] = 1;
        if (strcmp(a.v[i], b.v[match])) {
            snprintf(line, sizeof(line), "%s: sent '%.250s', reflector received '%.250s'",
                     transport, a.v[i], b.v[match]);
            sp__strv_push(evidence, line, strlen(line));
            diffs++;
        }
    }
    for (size_t j = 0; j < b.n; j++)
        if (!used[j]) {
            char line[600];
            snprintf(line, sizeof(line), "%s: added in transit: %.250s", transport, b.v[j]);
            sp__strv_push(evidence, line, strlen(line));
            diffs++;
        }
    free(used);
    sp__strv_free(&a);
    sp__strv_free(&b);
    return diffs;
}

/* ---- The client ---- */

/* Builds one request with libosip2, padded so that the reflector's answer
 * can echo it without ever being larger. */
static int build_request(const char *method, const char *local, int tcp, const char *host,
                         uint16_t port, const char *token, const char *ua, sp__buf *out)
{
    char ruri[160], via[200], from[200], to[200], callid[64], cseq[40], contact[200], sdp[400],
        pad[1100];
    uint8_t rnd[8];
    if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
        return -1;
    const char *bracket = strchr(host, ':') ? "[" : "", *close = strchr(host, ':') ? "]" : "";
    snprintf(ruri, sizeof(ruri), "sip:%s%s%s%s:%u", strcmp(method, "REGISTER") ? "100@" : "",
             bracket, host, close, port);
    snprintf(via, sizeof(via), "SIP/2.0/%s %s;branch=z9hG4bK%02x%02x%02x%02x%02x%02x;rport",
             tcp ? "TCP" : "UDP", local, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
    snprintf(from, sizeof(from), "<sip:100@%s>;tag=%02x%02x%02x%02x", local, rnd[4], rnd[5], rnd[6],
             rnd[7]);
    snprintf(to, sizeof(to), "<sip:100@%s%s%s>", bracket, host, close);
    snprintf(callid, sizeof(callid), "alg%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
             rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    snprintf(cseq, sizeof(cseq), "1 %s", method);
    snprintf(contact, sizeof(contact), "<sip:100@%s>", local);
    /* The local address without port, for SDP. */
    char addr[80];
    snprintf(addr, sizeof(addr), "%s", local[0] == '[' ? local + 1 : local);
    char *cut = local[0] == '[' ? strchr(addr, ']') : strrchr(addr, ':');
    if (cut)
        *cut = '\0';
    const char *ipv = strchr(addr, ':') ? "IP6" : "IP4";
    snprintf(sdp, sizeof(sdp),
             "v=0\r\no=sipprobe 1 1 IN %s %s\r\ns=alg-check\r\nc=IN %s %s\r\nt=0 0\r\n"
             "m=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
             ipv, addr, ipv, addr);
    memset(pad, 'x', sizeof(pad) - 1);
    pad[sizeof(pad) - 1] = '\0';
    char token_h[200], pad_h[1200];
    snprintf(token_h, sizeof(token_h), "X-Sipprobe-Token: %s", token);
    snprintf(pad_h, sizeof(pad_h), "X-Sipprobe-Pad: %s", pad);
    const char *extra[] = {token_h, pad_h};
    sp__request_spec spec = {
        .method = method,
        .request_uri = ruri,
        .via = via,
        .from = from,
        .to = to,
        .call_id = callid,
        .cseq = cseq,
        .contact = contact,
        .user_agent = ua,
        .expires = strcmp(method, "REGISTER") ? NULL : "0",
        .extra = extra,
        .n_extra = 2,
        .content_type = strcmp(method, "INVITE") ? NULL : "application/sdp",
        .body = strcmp(method, "INVITE") ? NULL : sdp,
    };
    char *text = NULL;
    size_t len = 0;
    if (sp__sipmsg_build(&spec, &text, &len) != 0)
        return -1;
    sp__buf_append(out, text, len);
    free(text);
    return out->failed ? -1 : 0;
}

/* One exchange: send req, read one reply (framed by Content-Length on TCP). */
static int exchange(int fd, int tcp, const sp__buf *req, unsigned timeout_ms, sp__buf *reply)
{
    if (send(fd, req->data, req->len, MSG_NOSIGNAL) != (ssize_t)req->len)
        return -1;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    char buf[8192];
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (elapsed >= (long)timeout_ms)
            return -1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)(timeout_ms - (unsigned)elapsed)) <= 0)
            return -1;
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0)
            return -1;
        sp__buf_append(reply, buf, (size_t)n);
        if (!tcp)
            return 0;
        size_t at, whole;
        sp__frame_rc rc = sp__frame(reply->data, reply->len, 65536, &at, &whole);
        if (rc != SP__FRAME_MORE)
            return rc == SP__FRAME_OK ? 0 : -1;
    }
}

int sp__alg_check(const char *host, uint16_t port, int tcp, const char *token,
                  const char *user_agent, unsigned timeout_ms, sp__svc **out, char *err,
                  size_t errlen)
{
    static const char *const methods[] = {"INVITE", "REGISTER"};
    const char *tname = tcp ? "tcp" : "udp";
    struct sockaddr_storage ss;
    unsigned sl;
    sp__addr a;
    *out = NULL;
    if (sp__addr_parse(host, &a) != 0) {
        snprintf(err, errlen, "alg-check: '%s' is not an IP address", host);
        return SP_ETARGET;
    }
    sp__addr_to_sockaddr(&a, port, &ss, &sl);
    sp__svc *svc = sp__svc_new(&a, port, (uint8_t)(tcp ? SP_TRANSPORT_TCP : SP_TRANSPORT_UDP));
    if (!svc)
        return SP_ENOMEM;
    sp__strv evidence = {0};
    int rc = 0;
    for (size_t m = 0; m < 2 && !rc; m++) {
        int fd = socket(ss.ss_family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0) {
            snprintf(err, errlen, "alg-check: cannot reach %s over %s: %s", host, tname,
                     strerror(errno));
            if (fd >= 0)
                close(fd);
            rc = SP_ESOCKET;
            break;
        }
        struct sockaddr_storage local;
        socklen_t ll = sizeof(local);
        getsockname(fd, (struct sockaddr *)&local, &ll);
        char ip[64], localtxt[80];
        uint16_t lport;
        if (local.ss_family == AF_INET) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)&local)->sin_addr, ip, sizeof(ip));
            lport = ntohs(((struct sockaddr_in *)&local)->sin_port);
            snprintf(localtxt, sizeof(localtxt), "%s:%u", ip, lport);
        } else {
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&local)->sin6_addr, ip, sizeof(ip));
            lport = ntohs(((struct sockaddr_in6 *)&local)->sin6_port);
            snprintf(localtxt, sizeof(localtxt), "[%s]:%u", ip, lport);
        }
        sp__buf req, reply, sent, got;
        sp__buf_init(&req);
        sp__buf_init(&reply);
        sp__buf_init(&sent);
        sp__buf_init(&got);
        if (build_request(methods[m], localtxt, tcp, host, port, token, user_agent, &req) < 0) {
            snprintf(err, errlen, "alg-check: cannot build the %s request", methods[m]);
            rc = SP_EINVAL;
        } else if (exchange(fd, tcp, &req, timeout_ms, &reply) < 0) {
            snprintf(err, errlen,
                     "alg-check: no answer from the reflector at %s over %s (is "
                     "'sipprobe reflect' running there, with the same --token?)",
                     host, tname);
            rc = SP_ESOCKET;
        } else if (sp__alg_decode(reply.data, reply.len, &got) < 0) {
            snprintf(err, errlen, "alg-check: %s over %s did not answer like a sipprobe reflector",
                     host, tname);
            rc = SP_EDATA;
        } else {
            sp__alg_subset(req.data, req.len, &sent);
            sp__alg_diff(sp__buf_cstr(&sent), sp__buf_cstr(&got), methods[m], &evidence);
            sp__parsed msg;
            if (sp__sipmsg_parse(reply.data, reply.len, &msg) == 0) {
                sp__svc_set_responder(svc, &a, port);
                if (!svc->server && msg.server)
                    svc->server = strdup(msg.server);
            }
            sp__parsed_free(&msg);
        }
        sp__buf_free(&req);
        sp__buf_free(&reply);
        sp__buf_free(&sent);
        sp__buf_free(&got);
        close(fd);
    }
    if (!rc) {
        if (evidence.n)
            sp__svc_add_finding(svc, "sip-alg-detected", (const char *const *)evidence.v,
                                evidence.n);
        sp__svc_publish(svc);
        *out = svc;
    } else {
        sp__svc_free(svc);
    }
    sp__strv_free(&evidence);
    return rc;
}
