/* UDP transport: owns the sockets, sends and receives in batches
 * (sendmmsg/recvmmsg). Knows nothing about SIP. */
#ifndef SP_UDP_H
#define SP_UDP_H

#include "targets/targets.h"
#include "transport/source.h"

#include <stddef.h>
#include <stdint.h>

#define SP__UDP_BATCH 64
#define SP__UDP_RX_BATCH 32
#define SP__UDP_RX_SIZE 65536 /* the largest UDP payload fits: an oversized reply is not cut */

typedef struct sp__udp {
    int fd[2]; /* [0] IPv4, [1] IPv6; -1 when not open */
    uint16_t port[2];
    uint32_t dropped[2];   /* datagrams the kernel dropped, its receive buffer full */
    const sp__source *src; /* NULL: the kernel chooses */
    int df;                /* IPv4 datagrams go out with Don't Fragment */
} sp__udp;

typedef struct sp__udp_out {
    sp__addr dst;
    uint16_t port;
    const char *buf;
    size_t len;
} sp__udp_out;

typedef struct sp__udp_in {
    char *buf;
    size_t len;
    int truncated;
    sp__addr from;
    uint16_t from_port;
    uint64_t rx_ns; /* when it arrived (CLOCK_MONOTONIC ns); 0: just now */
} sp__udp_in;

typedef struct sp__udp_rx {
    sp__udp_in pkt[SP__UDP_RX_BATCH];
    char *storage; /* SP__UDP_RX_BATCH * SP__UDP_RX_SIZE bytes */
} sp__udp_rx;

void sp__udp_init(sp__udp *u);
/* Opens an unconnected socket for the family (4 or 6) on an ephemeral port
 * with buffers sized for the rate. Returns 0 or an sp_code with err set. */
int sp__udp_open(sp__udp *u, int family, uint32_t rate, char *err, size_t errlen);
void sp__udp_close(sp__udp *u);
/* The local address the kernel would use to reach dst, as "ip:port"/"[ip]:port"
 * with our bound port. No packet is sent. */
int sp__udp_local_for(const sp__udp *u, const sp__addr *dst, uint16_t dport, char *out, size_t len);
/* Sends up to n datagrams of one family; returns how many left, or -1 on a
 * hard error (errno set). Datagrams the kernel refuses (e.g. EPERM from a
 * firewall) are skipped and counted in *dropped. */
int sp__udp_send(sp__udp *u, int family, const sp__udp_out *msgs, unsigned n, unsigned *dropped);
int sp__udp_rx_init(sp__udp_rx *rx);
void sp__udp_rx_free(sp__udp_rx *rx);
/* Receives what is waiting on the family's socket without blocking;
 * returns the count (0 when nothing waits). */
int sp__udp_recv(sp__udp *u, int family, sp__udp_rx *rx);
/* Waits until a socket (or extra_fd, if not -1) is readable or timeout_ns passes. */
void sp__udp_wait(const sp__udp *u, int extra_fd, uint64_t timeout_ns);

#endif
