/* sipprobe-lab: a loopback SIP lab for tests, benchmarks and the demo.
 *
 * It binds UDP PORT on all IPv4 addresses (and ::1) and answers each
 * request as the device configured for the 127.x.y.z address that was hit,
 * replying from that address (IP_PKTINFO), using reply templates recorded in
 * fixtures/personas/<persona>/<METHOD>.sip. It only ever answers loopback
 * sources and exits by itself after --max-seconds.
 *
 * With --tcp-port and --tls-port it also answers over TCP and TLS
 * (lab_stream.c; without --tls-cert the certificate is an expired one), where
 * stream=stall|trickle|flood makes an address a hostile stream peer.
 *
 * Config lines:  ADDRESS|CIDR|RANGE  PERSONA|silent  [reply-from=ADDR | max-answers=N |
 *                every=N | flood=N | garbage=N | stream=stall|trickle|flood]
 * (every=N: only the IPv4 addresses whose number N divides answer, a sparse network.)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"

#define MAX_PERSONAS 64
#define MAX_METHODS 4

typedef struct persona {
    char name[64];
    char method[MAX_METHODS][16];
    char *tmpl[MAX_METHODS];
    int n;
} persona;

static persona personas[MAX_PERSONAS];
static int n_personas;
static rule rules[MAX_RULES];
static int n_rules;
static volatile sig_atomic_t stop;
/* --allow-from: also answer this IPv4 network. Only for labs inside network
 * namespaces a test creates, where such addresses cannot leave the sandbox. */
uint32_t allow_net, allow_mask;
int allow_set;
unsigned long answered, ignored;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

void die(const char *what, const char *arg)
{
    fprintf(stderr, "sipprobe-lab: %s: %s\n", what, arg);
    exit(2);
}

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    static char chunk[65536];
    size_t n = fread(chunk, 1, sizeof(chunk) - 1, fp);
    fclose(fp);
    char *s = malloc(n + 1);
    memcpy(s, chunk, n);
    s[n] = '\0';
    return s;
}

static int load_persona(const char *dir, const char *name)
{
    for (int i = 0; i < n_personas; i++)
        if (!strcmp(personas[i].name, name))
            return i;
    if (n_personas == MAX_PERSONAS)
        die("too many personas at", name);
    persona *p = &personas[n_personas];
    snprintf(p->name, sizeof(p->name), "%s", name);
    static const char *const methods[] = {"OPTIONS", "REGISTER", "INVITE", "SUBSCRIBE"};
    for (int m = 0; m < MAX_METHODS; m++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s/%s.sip", dir, name, methods[m]);
        char *t = read_file(path);
        if (t) {
            snprintf(p->method[p->n], sizeof(p->method[0]), "%s", methods[m]);
            p->tmpl[p->n++] = t;
        }
    }
    if (p->n == 0)
        die("persona has no reply templates", name);
    return n_personas++;
}

static int parse_addr(const char *s, int *family, uint8_t out[16])
{
    memset(out, 0, 16);
    if (inet_pton(AF_INET, s, out) == 1) {
        *family = 4;
        return 0;
    }
    if (inet_pton(AF_INET6, s, out) == 1) {
        *family = 6;
        return 0;
    }
    return -1;
}

static void parse_range(const char *spec, rule *r)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", spec);
    char *slash = strchr(buf, '/'), *dash = strchr(buf, '-');
    if (slash) {
        *slash = '\0';
        int bits = atoi(slash + 1);
        if (parse_addr(buf, &r->family, r->lo))
            die("bad address in", spec);
        int total = r->family == 4 ? 32 : 128;
        memcpy(r->hi, r->lo, 16);
        for (int b = bits; b < total; b++) {
            r->lo[b / 8] &= (uint8_t) ~(0x80 >> (b % 8));
            r->hi[b / 8] |= (uint8_t)(0x80 >> (b % 8));
        }
    } else if (dash) {
        *dash = '\0';
        int f2;
        if (parse_addr(buf, &r->family, r->lo) || parse_addr(dash + 1, &f2, r->hi) ||
            f2 != r->family)
            die("bad range", spec);
    } else {
        if (parse_addr(buf, &r->family, r->lo))
            die("bad address", spec);
        memcpy(r->hi, r->lo, 16);
    }
}

static void load_config(const char *path, const char *dir)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        die("cannot read config", path);
    char line[512];
    while (fgets(line, sizeof(line), fp)) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char addr[128], name[64], opt[128] = "";
        int n = sscanf(line, "%127s %63s %127s", addr, name, opt);
        if (n < 2)
            continue;
        if (n_rules == MAX_RULES)
            die("too many rules in", path);
        rule *r = &rules[n_rules++];
        memset(r, 0, sizeof(*r));
        parse_range(addr, r);
        r->persona = strcmp(name, "silent") ? load_persona(dir, name) : -1;
        if (!strncmp(opt, "max-answers=", 12)) {
            r->max_answers = atol(opt + 12);
        } else if (!strncmp(opt, "every=", 6)) {
            r->every = (unsigned)atoi(opt + 6);
        } else if (!strncmp(opt, "flood=", 6)) {
            r->flood = atoi(opt + 6);
        } else if (!strncmp(opt, "garbage=", 8)) {
            r->garbage = atoi(opt + 8);
        } else if (!strncmp(opt, "stream=", 7)) {
            r->stream = !strcmp(opt + 7, "stall")     ? STREAM_STALL
                        : !strcmp(opt + 7, "trickle") ? STREAM_TRICKLE
                        : !strcmp(opt + 7, "flood")   ? STREAM_FLOOD
                                                      : -1;
            if (r->stream < 0)
                die("bad stream= (stall, trickle or flood) in", opt);
        } else if (!strncmp(opt, "reply-from=", 11)) {
            int fam;
            if (parse_addr(opt + 11, &fam, r->from) || fam != r->family)
                die("bad reply-from in", opt);
            r->has_from = 1;
        }
    }
    fclose(fp);
}

rule *find_rule(int family, const uint8_t *addr)
{
    int len = family == 4 ? 4 : 16;
    for (int i = 0; i < n_rules; i++)
        if (rules[i].family == family && memcmp(addr, rules[i].lo, (size_t)len) >= 0 &&
            memcmp(addr, rules[i].hi, (size_t)len) <= 0)
            return &rules[i];
    return NULL;
}

/* Calls fn(value, length, data) for each header of the request named `name`
 * or its compact form, in order; stops when fn returns nonzero. */
static void each_header(const char *req, const char *name, char compact,
                        int (*fn)(const char *v, size_t vl, void *data), void *data)
{
    const char *p = strstr(req, "\n");
    size_t nlen = strlen(name);
    while (p && p[1] && !(p[1] == '\r' || p[1] == '\n')) {
        const char *line = p + 1;
        const char *eol = strchr(line, '\n');
        if (!eol)
            eol = line + strlen(line);
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        if (colon) {
            size_t l = (size_t)(colon - line);
            while (l && line[l - 1] == ' ')
                l--;
            if ((l == nlen && !strncasecmp(line, name, nlen)) ||
                (l == 1 && compact && tolower((unsigned char)line[0]) == compact)) {
                const char *v = colon + 1;
                while (*v == ' ' || *v == '\t')
                    v++;
                size_t vl = (size_t)(eol - v);
                while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
                    vl--;
                if (fn(v, vl, data))
                    return;
            }
        }
        p = eol;
    }
}

typedef struct text_out {
    char *out;
    size_t cap, n;
} text_out;

static int copy_first(const char *v, size_t vl, void *data)
{
    text_out *t = data;
    if (vl >= t->cap)
        vl = t->cap - 1;
    memcpy(t->out, v, vl);
    t->out[vl] = '\0';
    return 1;
}

static int append_via(const char *v, size_t vl, void *data)
{
    text_out *t = data;
    if (t->n + vl + 8 < t->cap)
        t->n += (size_t)snprintf(t->out + t->n, t->cap - t->n, "Via: %.*s\r\n", (int)vl, v);
    return 0;
}

/* Copies the value of the first header named `name` (or its compact form). */
static void header(const char *req, const char *name, char compact, char *out, size_t cap)
{
    text_out t = {out, cap, 0};
    out[0] = '\0';
    each_header(req, name, compact, copy_first, &t);
}

/* Every Via header line of the request, as "Via: value\r\n". */
static void via_lines(const char *req, char *out, size_t cap)
{
    text_out t = {out, cap, 0};
    out[0] = '\0';
    each_header(req, "via", 'v', append_via, &t);
}

const char *persona_template(const rule *r, const char *method)
{
    if (r->persona < 0)
        return NULL;
    const persona *p = &personas[r->persona];
    for (int m = 0; m < p->n; m++)
        if (!strcmp(p->method[m], method))
            return p->tmpl[m];
    return NULL;
}

int source_allowed(const struct sockaddr_storage *src)
{
    if (src->ss_family == AF_INET) {
        uint32_t a = ntohl(((const struct sockaddr_in *)src)->sin_addr.s_addr);
        return (a >> 24) == 127 || (allow_set && (a & allow_mask) == allow_net);
    }
    return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)src)->sin6_addr);
}

size_t render(const char *tmpl, const char *req, const char *local, char *out, size_t cap)
{
    char from[512] = "", to[512] = "", callid[256] = "", cseq[128] = "", vias[2048] = "";
    header(req, "from", 'f', from, sizeof(from));
    header(req, "to", 't', to, sizeof(to));
    header(req, "call-id", 'i', callid, sizeof(callid));
    header(req, "cseq", 0, cseq, sizeof(cseq));
    via_lines(req, vias, sizeof(vias));
    unsigned long h = 5381;
    for (const char *c = callid; *c; c++)
        h = h * 33 + (unsigned char)*c;
    char tag[32];
    snprintf(tag, sizeof(tag), "%08lx", h & 0xffffffffUL);

    size_t n = 0;
    for (const char *p = tmpl; *p && n + 1 < cap;) {
        const char *val = NULL;
        size_t skip = 0;
        static const char *const keys[] = {"{{via-lines}}", "{{from}}", "{{to}}",   "{{call-id}}",
                                           "{{cseq}}",      "{{tag}}",  "{{local}}"};
        const char *vals[] = {vias, from, to, callid, cseq, tag, local};
        if (*p == '{')
            for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
                if (!strncmp(p, keys[k], strlen(keys[k]))) {
                    val = vals[k];
                    skip = strlen(keys[k]);
                    break;
                }
        if (val) {
            size_t vl = strlen(val);
            if (n + vl >= cap)
                break;
            memcpy(out + n, val, vl);
            n += vl;
            p += skip;
        } else {
            out[n++] = *p++;
        }
    }
    return n;
}

static int open_socket(int family, int port)
{
    int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    /* Best effort: receive only on the loopback interface (not in a namespace lab). */
    if (!allow_set)
        setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3);
    int big = 128 << 20; /* a burst of 65,536 probes at 100k/s must not overflow it */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    if (family == 4) {
        setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        sin.sin_addr.s_addr = htonl(INADDR_ANY);
        if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
            close(fd);
            return -1;
        }
    } else {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
        struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
        sin6.sin6_addr = in6addr_loopback;
        if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

/* A hostile network for the scanner: replies whose token was forged (the
 * MAC is flipped) sent from other loopback addresses, and random datagrams. */
static void hostile_extras(int fd, const rule *r, struct msghdr *sm, char *reply, size_t len)
{
    static unsigned seed = 12345;
    struct cmsghdr *c = CMSG_FIRSTHDR(sm);
    struct in_pktinfo pi;
    memcpy(&pi, CMSG_DATA(c), sizeof(pi));
    char *cid = strstr(reply, "Call-ID: ");
    char *dot = cid ? memchr(cid, '.', (size_t)(reply + len - cid)) : NULL;
    for (int i = 0; i < r->flood && dot; i++) {
        dot[1] = "0123456789abcdef"[rand_r(&seed) % 16]; /* almost surely a wrong MAC now */
        dot[2] = "0123456789abcdef"[rand_r(&seed) % 16];
        uint32_t from = htonl(0x7f000000u | (rand_r(&seed) & 0xffffff) | 1);
        memcpy(&pi.ipi_spec_dst, &from, 4);
        memcpy(CMSG_DATA(c), &pi, sizeof(pi));
        struct iovec iov = {.iov_base = reply, .iov_len = len};
        sm->msg_iov = &iov;
        sendmsg(fd, sm, 0);
    }
    for (int i = 0; i < r->garbage; i++) {
        char junk[512];
        size_t n = 1 + (size_t)rand_r(&seed) % sizeof(junk);
        for (size_t k = 0; k < n; k++)
            junk[k] = (char)(rand_r(&seed) & 0xff);
        if (i % 2 == 0 && n > 8)
            memcpy(junk, "SIP/2.0 ", 8); /* half of them look like SIP at first */
        struct iovec iov = {.iov_base = junk, .iov_len = n};
        sm->msg_iov = &iov;
        sendmsg(fd, sm, 0);
    }
}

static int serve_one(int fd, int family)
{
    static char req[65536], reply[65536];
    struct sockaddr_storage src;
    char cbuf[256];
    struct iovec iov = {.iov_base = req, .iov_len = sizeof(req) - 1};
    struct msghdr mh = {.msg_name = &src,
                        .msg_namelen = sizeof(src),
                        .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = cbuf,
                        .msg_controllen = sizeof(cbuf)};
    ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
    if (n <= 0)
        return 0;
    req[n] = '\0';

    uint8_t dst[16] = {0};
    int have_dst = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo pi;
            memcpy(&pi, CMSG_DATA(c), sizeof(pi));
            memcpy(dst, &pi.ipi_addr, 4);
            have_dst = 1;
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            struct in6_pktinfo pi6;
            memcpy(&pi6, CMSG_DATA(c), sizeof(pi6));
            memcpy(dst, &pi6.ipi6_addr, 16);
            have_dst = 1;
        }
    }
    /* Loopback only: never answer anything else, whatever the bug elsewhere. */
    if (!have_dst || !source_allowed(&src)) {
        ignored++;
        return 1;
    }
    rule *r = find_rule(family, dst);
    uint32_t v4 = (uint32_t)dst[0] << 24 | (uint32_t)dst[1] << 16 | (uint32_t)dst[2] << 8 | dst[3];
    if (!r || r->persona < 0 || (r->max_answers && r->answers >= r->max_answers) ||
        (r->every && family == 4 && v4 % r->every)) {
        ignored++;
        return 1;
    }
    char method[32] = "";
    sscanf(req, "%31s", method);
    const char *tmpl = persona_template(r, method);
    if (!tmpl) {
        ignored++;
        return 1;
    }
    char local[64];
    inet_ntop(family == 4 ? AF_INET : AF_INET6, dst, local, sizeof(local));
    size_t len = render(tmpl, req, local, reply, sizeof(reply));

    const uint8_t *from = r->has_from ? r->from : dst;
    char sbuf[256];
    memset(sbuf, 0, sizeof(sbuf));
    struct iovec siov = {.iov_base = reply, .iov_len = len};
    struct msghdr sm = {.msg_name = &src,
                        .msg_namelen = mh.msg_namelen,
                        .msg_iov = &siov,
                        .msg_iovlen = 1,
                        .msg_control = sbuf};
    struct cmsghdr *c;
    if (family == 4) {
        sm.msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo));
        c = CMSG_FIRSTHDR(&sm);
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
        struct in_pktinfo pi;
        memset(&pi, 0, sizeof(pi));
        memcpy(&pi.ipi_spec_dst, from, 4);
        memcpy(CMSG_DATA(c), &pi, sizeof(pi));
    } else {
        sm.msg_controllen = CMSG_SPACE(sizeof(struct in6_pktinfo));
        c = CMSG_FIRSTHDR(&sm);
        c->cmsg_level = IPPROTO_IPV6;
        c->cmsg_type = IPV6_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
        struct in6_pktinfo pi6;
        memset(&pi6, 0, sizeof(pi6));
        memcpy(&pi6.ipi6_addr, from, 16);
        memcpy(CMSG_DATA(c), &pi6, sizeof(pi6));
    }
    if (sendmsg(fd, &sm, 0) >= 0) {
        answered++;
        r->answers++;
    }
    if (family == 4)
        hostile_extras(fd, r, &sm, reply, len);
    return 1;
}

int main(int argc, char **argv)
{
    const char *config = NULL, *dir = "fixtures/personas", *ready = NULL;
    const char *tls_cert = NULL, *tls_key = NULL, *tls_max = NULL;
    int port = 5060, tcp_port = 0, tls_port = 0, max_seconds = 300, opt;
    static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                             {"personas", required_argument, NULL, 'd'},
                                             {"port", required_argument, NULL, 'p'},
                                             {"max-seconds", required_argument, NULL, 't'},
                                             {"ready-file", required_argument, NULL, 'r'},
                                             {"allow-from", required_argument, NULL, 'a'},
                                             {"tcp-port", required_argument, NULL, 'T'},
                                             {"tls-port", required_argument, NULL, 'S'},
                                             {"tls-cert", required_argument, NULL, 'C'},
                                             {"tls-key", required_argument, NULL, 'K'},
                                             {"tls-max-version", required_argument, NULL, 'M'},
                                             {NULL, 0, NULL, 0}};
    while ((opt = getopt_long(argc, argv, "c:d:p:t:r:a:", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            config = optarg;
            break;
        case 'd':
            dir = optarg;
            break;
        case 'p':
            port = atoi(optarg);
            break;
        case 't':
            max_seconds = atoi(optarg);
            break;
        case 'r':
            ready = optarg;
            break;
        case 'T':
            tcp_port = atoi(optarg);
            break;
        case 'S':
            tls_port = atoi(optarg);
            break;
        case 'C':
            tls_cert = optarg;
            break;
        case 'K':
            tls_key = optarg;
            break;
        case 'M':
            tls_max = optarg;
            break;
        case 'a': {
            char net[64];
            int bits = 32;
            struct in_addr in;
            if (sscanf(optarg, "%63[0-9.]/%d", net, &bits) < 1 ||
                inet_pton(AF_INET, net, &in) != 1 || bits < 8 || bits > 32)
                die("bad --allow-from (an IPv4 CIDR of /8 or longer)", optarg);
            allow_mask = bits == 32 ? 0xffffffffu : ~((1u << (32 - bits)) - 1);
            allow_net = ntohl(in.s_addr) & allow_mask;
            allow_set = 1;
            break;
        }
        default:
            fprintf(stderr, "usage: sipprobe-lab --config FILE [--personas DIR] [--port N] "
                            "[--max-seconds N] [--ready-file F] [--allow-from CIDR]\n"
                            "       [--tcp-port N] [--tls-port N [--tls-cert PEM --tls-key PEM]\n"
                            "       [--tls-max-version 1.0|1.1|1.2|1.3]]\n");
            return 2;
        }
    }
    if (!config)
        die("missing option", "--config is required");
    if (max_seconds < 1 || max_seconds > 3600)
        die("bad option", "--max-seconds must be 1-3600");
    load_config(config, dir);

    int fd4 = open_socket(4, port), fd6 = open_socket(6, port);
    if (fd4 < 0)
        die("cannot bind UDP port", strerror(errno));
    int listeners[4], n_listeners = 0, listener_tls[4];
    for (int t = 0; t < 2; t++) {
        int lp = t ? tls_port : tcp_port;
        if (!lp)
            continue;
        if (t)
            stream_tls_setup(tls_cert, tls_key, tls_max);
        for (int fam = 4; fam <= 6; fam += 2) {
            int lfd = stream_listen(fam, lp);
            if (lfd < 0 && fam == 4)
                die(t ? "cannot listen on the TLS port" : "cannot listen on the TCP port",
                    strerror(errno));
            if (lfd >= 0) {
                listener_tls[n_listeners] = t;
                listeners[n_listeners++] = lfd;
            }
        }
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (ready) {
        FILE *fp = fopen(ready, "w");
        if (fp) {
            fprintf(fp, "%ld\n", (long)getpid());
            fclose(fp);
        }
    }
    time_t deadline = time(NULL) + max_seconds;
    while (!stop && time(NULL) < deadline) {
        struct pollfd p[2 + 4 + MAX_STREAMS];
        p[0] = (struct pollfd){.fd = fd4, .events = POLLIN};
        p[1] = (struct pollfd){.fd = fd6, .events = POLLIN};
        for (int i = 0; i < n_listeners; i++)
            p[2 + i] = (struct pollfd){.fd = listeners[i], .events = POLLIN};
        int n_streams = stream_pollfds(p + 2 + n_listeners, MAX_STREAMS);
        int n = poll(p, (nfds_t)(2 + n_listeners + n_streams), n_streams ? 50 : 200);
        stream_service(p + 2 + n_listeners, n_streams);
        for (int i = 0; i < n_listeners; i++)
            if (p[2 + i].revents & POLLIN)
                stream_accept(listeners[i], listener_tls[i]);
        if (n <= 0)
            continue;
        for (int burst = 0; burst < 256; burst++) {
            int got = 0;
            if (p[0].revents & POLLIN)
                got += serve_one(fd4, 4);
            if (fd6 >= 0 && (p[1].revents & POLLIN))
                got += serve_one(fd6, 6);
            if (!got)
                break;
        }
    }
    fprintf(stderr, "sipprobe-lab: answered %lu, ignored %lu\n", answered, ignored);
    return 0;
}
