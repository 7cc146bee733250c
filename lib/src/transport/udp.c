#include "transport/udp.h"

#include "sipprobe/sipprobe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void sp__udp_init(sp__udp *u)
{
    u->fd[0] = u->fd[1] = -1;
    u->port[0] = u->port[1] = 0;
    u->dropped[0] = u->dropped[1] = 0;
    u->src = NULL;
    u->df = 0;
}

static int fam_index(int family)
{
    return family == 6 ? 1 : 0;
}

/* Buffers sized for about two seconds of traffic at the rate: when every
 * target answers, replies arrive faster than they are classified while we
 * send, and each one dropped here costs a retry round. The kernel takes
 * memory only for what is queued. Root may exceed rmem_max. */
static void size_buffers(int fd, uint32_t rate)
{
    uint64_t bytes = (uint64_t)rate * 2048; /* clamped before it becomes an int */
    int want = bytes < (1u << 20) ? 1 << 20 : bytes > (256u << 20) ? 256 << 20 : (int)bytes;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
    int snd = want / 4 < (1 << 20) ? (1 << 20) : want / 4;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) < 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
    /* Arrival times from the kernel: a reply that waits in our buffer while
     * others are classified must not count that wait as network delay. */
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
    /* And how many datagrams it dropped for want of room: counted, not lost silently. */
    setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
}

int sp__udp_open(sp__udp *u, int family, uint32_t rate, char *err, size_t errlen)
{
    int i = fam_index(family);
    if (u->fd[i] >= 0)
        return 0;
    int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open IPv%d UDP socket: %s", family, strerror(errno));
        return SP_ESOCKET;
    }
    if (family == 6) {
        int one = 1;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    }
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    sp__addr any;
    memset(&any, 0, sizeof(any));
    any.family = (uint8_t)family;
    int bound = u->src && (u->src->port || u->src->iface[0] ||
                           (u->src->has_addr && u->src->addr.family == family));
    if (bound ? sp__source_bind(u->src, fd, family, u->src->port) < 0
              : (sp__addr_to_sockaddr(&any, 0, &ss, &len),
                 bind(fd, (struct sockaddr *)&ss, len) < 0)) {
        snprintf(err, errlen, "cannot bind IPv%d UDP socket%s%s: %s", family,
                 u->src && u->src->iface[0] ? " to interface " : "",
                 u->src && u->src->iface[0] ? u->src->iface : "", strerror(errno));
        close(fd);
        return SP_ESOCKET;
    }
    len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        snprintf(err, errlen, "cannot bind IPv%d UDP socket: %s", family, strerror(errno));
        close(fd);
        return SP_ESOCKET;
    }
    size_buffers(fd, rate);
    if (family == 4) {
        /* Don't Fragment: the kernel then gives each datagram IP ID 0
         * instead of hashing a fresh one into a table every socket shares
         * (a twentieth of the sending thread), and our ~400-byte probes fit
         * any path. A datagram larger than the path MTU the kernel knows
         * (the interface's, or one a router reported) is refused, and that
         * turns fragmenting back on. */
        int dont = IP_PMTUDISC_DO;
        u->df = setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &dont, sizeof(dont)) == 0;
    }
    sp__addr dummy;
    sp__addr_from_sockaddr(&ss, &dummy, &u->port[i]);
    u->fd[i] = fd;
    return 0;
}

void sp__udp_close(sp__udp *u)
{
    for (int i = 0; i < 2; i++)
        if (u->fd[i] >= 0)
            close(u->fd[i]);
    sp__udp_init(u);
}

int sp__udp_local_for(const sp__udp *u, const sp__addr *dst, uint16_t dport, char *out, size_t len)
{
    /* connect() on a UDP socket only picks a route and source address. */
    int fd = socket(dst->family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (u->src && sp__source_bind(u->src, fd, dst->family, 0) < 0) {
        close(fd);
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl;
    sp__addr_to_sockaddr(dst, dport, &ss, &sl);
    if (connect(fd, (struct sockaddr *)&ss, sl) < 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
        close(fd);
        return -1;
    }
    close(fd);
    sp__addr local;
    uint16_t ignored;
    sp__addr_from_sockaddr(&ss, &local, &ignored);
    sp__addr_format_port(&local, u->port[fam_index(dst->family)], out, len);
    return 0;
}

int sp__udp_send(sp__udp *u, int family, const sp__udp_out *msgs, unsigned n, unsigned *dropped)
{
    struct mmsghdr hdr[SP__UDP_BATCH];
    struct iovec iov[SP__UDP_BATCH];
    struct sockaddr_storage addr[SP__UDP_BATCH];
    int fd = u->fd[fam_index(family)];
    unsigned done = 0;

    if (n > SP__UDP_BATCH)
        n = SP__UDP_BATCH;
    memset(hdr, 0, n * sizeof(hdr[0]));
    for (unsigned i = 0; i < n; i++) {
        socklen_t sl;
        sp__addr_to_sockaddr(&msgs[i].dst, msgs[i].port, &addr[i], &sl);
        iov[i].iov_base = (void *)msgs[i].buf;
        iov[i].iov_len = msgs[i].len;
        hdr[i].msg_hdr.msg_name = &addr[i];
        hdr[i].msg_hdr.msg_namelen = sl;
        hdr[i].msg_hdr.msg_iov = &iov[i];
        hdr[i].msg_hdr.msg_iovlen = 1;
    }
    for (int spins = 0; done < n && spins < 1000; spins++) {
        int rc = sendmmsg(fd, hdr + done, n - done, 0);
        if (rc > 0) {
            done += (unsigned)rc;
            continue;
        }
        if (rc < 0 && errno == EMSGSIZE && family == 4 && u->df) {
            int want = IP_PMTUDISC_WANT;
            setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &want, sizeof(want));
            u->df = 0;
            continue;
        }
        if (rc < 0 && (errno == EAGAIN || errno == ENOBUFS || errno == EINTR)) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            poll(&p, 1, 5);
            continue;
        }
        if (rc < 0 && (errno == EPERM || errno == EACCES || errno == ENETUNREACH ||
                       errno == EHOSTUNREACH || errno == EINVAL || errno == ECONNREFUSED)) {
            /* This destination is refused; skip it, keep scanning. */
            (*dropped)++;
            done++;
            continue;
        }
        return -1;
    }
    return (int)done;
}

int sp__udp_rx_init(sp__udp_rx *rx)
{
    rx->storage = malloc((size_t)SP__UDP_RX_BATCH * SP__UDP_RX_SIZE);
    return rx->storage ? 0 : -1;
}

void sp__udp_rx_free(sp__udp_rx *rx)
{
    free(rx->storage);
    rx->storage = NULL;
}

int sp__udp_recv(sp__udp *u, int family, sp__udp_rx *rx)
{
    struct mmsghdr hdr[SP__UDP_RX_BATCH];
    struct iovec iov[SP__UDP_RX_BATCH];
    struct sockaddr_storage addr[SP__UDP_RX_BATCH];
    union {
        char buf[CMSG_SPACE(sizeof(struct timespec)) + CMSG_SPACE(sizeof(uint32_t))];
        struct cmsghdr align;
    } ctl[SP__UDP_RX_BATCH];
    int fd = u->fd[fam_index(family)];
    if (fd < 0)
        return 0;
    memset(hdr, 0, sizeof(hdr));
    for (int i = 0; i < SP__UDP_RX_BATCH; i++) {
        iov[i].iov_base = rx->storage + (size_t)i * SP__UDP_RX_SIZE;
        iov[i].iov_len = SP__UDP_RX_SIZE - 1; /* room for a NUL */
        hdr[i].msg_hdr.msg_name = &addr[i];
        hdr[i].msg_hdr.msg_namelen = sizeof(addr[i]);
        hdr[i].msg_hdr.msg_iov = &iov[i];
        hdr[i].msg_hdr.msg_iovlen = 1;
        hdr[i].msg_hdr.msg_control = ctl[i].buf;
        hdr[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
    }
    int rc = recvmmsg(fd, hdr, SP__UDP_RX_BATCH, MSG_DONTWAIT, NULL);
    if (rc <= 0)
        return 0;
    /* Kernel stamps are wall-clock time; our clock is monotonic. */
    struct timespec mono, real;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_REALTIME, &real);
    uint64_t mono_ns = (uint64_t)mono.tv_sec * 1000000000ull + (uint64_t)mono.tv_nsec;
    int64_t real_to_mono = (int64_t)mono_ns - ((int64_t)real.tv_sec * 1000000000 + real.tv_nsec);
    for (int i = 0; i < rc; i++) {
        sp__udp_in *in = &rx->pkt[i];
        in->buf = iov[i].iov_base;
        in->len = hdr[i].msg_len;
        in->truncated = (hdr[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
        in->buf[in->len] = '\0';
        sp__addr_from_sockaddr(&addr[i], &in->from, &in->from_port);
        in->rx_ns = mono_ns;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&hdr[i].msg_hdr); c;
             c = CMSG_NXTHDR(&hdr[i].msg_hdr, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
                uint32_t drops;
                memcpy(&drops, CMSG_DATA(c), sizeof(drops));
                u->dropped[fam_index(family)] = drops;
            } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                struct timespec ts;
                memcpy(&ts, CMSG_DATA(c), sizeof(ts));
                int64_t t = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + real_to_mono;
                if (t > 0 && (uint64_t)t <= mono_ns)
                    in->rx_ns = (uint64_t)t;
            }
    }
    return rc;
}

void sp__udp_wait(const sp__udp *u, int extra_fd, uint64_t timeout_ns)
{
    struct pollfd p[3];
    nfds_t n = 0;
    if (extra_fd >= 0) {
        p[n].fd = extra_fd;
        p[n].events = POLLIN;
        n++;
    }
    for (int i = 0; i < 2; i++)
        if (u->fd[i] >= 0) {
            p[n].fd = u->fd[i];
            p[n].events = POLLIN;
            n++;
        }
    struct timespec ts = {.tv_sec = (time_t)(timeout_ns / 1000000000ull),
                          .tv_nsec = (long)(timeout_ns % 1000000000ull)};
    if (n == 0) {
        nanosleep(&ts, NULL);
        return;
    }
    ppoll(p, n, &ts, NULL);
}
