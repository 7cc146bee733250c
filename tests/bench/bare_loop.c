/* The yardstick for the reply path (not a test): a bare sendmmsg/recvmmsg
 * loop that sends one fixed OPTIONS to each of N consecutive loopback
 * addresses as fast as the kernel takes them, receives whatever comes back
 * meanwhile and for a wait afterwards, and counts the addresses that
 * answered. No parsing, no matching beyond the source address: what a
 * scanner could do at best on this machine, in the same run as sipprobe.
 * Loopback only: the first address must be in 127.0.0.0/8.
 * Usage: bare_loop FIRST_ADDRESS COUNT PORT [WAIT_MS]
 * Prints: "bare: SENT sent, ANSWERED answered in SECONDS s (RATE addresses/s)"
 * and "bare send: SENT in SECONDS s (RATE addresses/s)", the sending alone
 * (receiving what came meanwhile), to set beside a scanner's send phase. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char request[] = "OPTIONS sip:100@127.0.0.1 SIP/2.0\r\n"
                              "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKbare;rport\r\n"
                              "Max-Forwards: 70\r\n"
                              "From: <sip:bare@127.0.0.1>;tag=bare\r\n"
                              "To: <sip:100@127.0.0.1>\r\n"
                              "Call-ID: bare-loop@127.0.0.1\r\n"
                              "CSeq: 1 OPTIONS\r\n"
                              "Contact: <sip:bare@127.0.0.1:5999>\r\n"
                              "Content-Length: 0\r\n\r\n";

/* Receives what is waiting; marks each answering address. */
static unsigned drain(int fd, uint32_t first, uint32_t count, uint8_t *seen)
{
    static char bufs[BATCH][2048];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_in from[BATCH];
    unsigned fresh = 0;
    for (;;) {
        memset(msgs, 0, sizeof(msgs));
        for (int i = 0; i < BATCH; i++) {
            iov[i].iov_base = bufs[i];
            iov[i].iov_len = sizeof(bufs[i]);
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
        }
        int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0)
            return fresh;
        for (int i = 0; i < n; i++) {
            uint32_t a = ntohl(from[i].sin_addr.s_addr) - first;
            if (a < count && !seen[a]) {
                seen[a] = 1;
                fresh++;
            }
        }
    }
}

int main(int argc, char **argv)
{
    struct in_addr base;
    if (argc < 4 || inet_pton(AF_INET, argv[1], &base) != 1) {
        fprintf(stderr, "usage: bare_loop FIRST_ADDRESS COUNT PORT [WAIT_MS]\n");
        return 2;
    }
    uint32_t first = ntohl(base.s_addr), count = (uint32_t)strtoul(argv[2], NULL, 10);
    uint16_t port = (uint16_t)atoi(argv[3]);
    double wait = argc > 4 ? atof(argv[4]) / 1000.0 : 2.0;
    if ((first >> 24) != 127 || ((first + count - 1) >> 24) != 127 || count == 0 ||
        count > (1u << 24)) {
        fprintf(stderr, "bare_loop: loopback only (127.0.0.0/8)\n");
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int big = 64 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
    uint8_t *seen = calloc(count, 1);
    if (fd < 0 || !seen)
        return 3;
    double t0 = now_s();
    unsigned answered = 0;
    uint32_t sent = 0;
    struct sockaddr_in to[BATCH];
    struct mmsghdr msgs[BATCH];
    struct iovec iov = {(void *)request, sizeof(request) - 1};
    while (sent < count) {
        unsigned n = count - sent < BATCH ? count - sent : BATCH;
        memset(msgs, 0, sizeof(msgs));
        for (unsigned i = 0; i < n; i++) {
            memset(&to[i], 0, sizeof(to[i]));
            to[i].sin_family = AF_INET;
            to[i].sin_port = htons(port);
            to[i].sin_addr.s_addr = htonl(first + sent + i);
            msgs[i].msg_hdr.msg_name = &to[i];
            msgs[i].msg_hdr.msg_namelen = sizeof(to[i]);
            msgs[i].msg_hdr.msg_iov = &iov;
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int k = sendmmsg(fd, msgs, n, 0);
        if (k > 0)
            sent += (uint32_t)k;
        answered += drain(fd, first, count, seen);
    }
    double sent_s = now_s() - t0;
    /* Late replies, until all came or the wait passed. */
    double until = now_s() + wait;
    while (answered < count && now_s() < until) {
        struct pollfd p = {fd, POLLIN, 0};
        poll(&p, 1, 20);
        answered += drain(fd, first, count, seen);
    }
    double dt = now_s() - t0;
    printf("bare: %u sent, %u answered in %.2f s (%.0f addresses/s)\n", sent, answered, dt,
           dt > 0 ? (double)answered / dt : 0.0);
    printf("bare send: %u in %.3f s (%.0f addresses/s)\n", sent, sent_s,
           sent_s > 0 ? (double)sent / sent_s : 0.0);
    free(seen);
    close(fd);
    return 0;
}
