/* Reading captures with libpcap: pcap and pcapng files, or a live
 * interface. Decodes the link layer (Ethernet with 802.1Q/QinQ VLANs and
 * PPPoE, Linux cooked SLL and SLL2, raw IP, BSD null/loop), IPv4 and IPv6
 * (fragments reassembled, IP-in-IP followed), then UDP and TCP (segments
 * reassembled, messages framed by Content-Length), and hands every payload
 * that looks like SIP to a callback. Knows no SIP beyond that, but for a
 * message the capture's snap length cut: with its headers whole it is handed
 * on without its body (Content-Length 0), else it is lost and counted. */
#ifndef SP_CAPTURE_H
#define SP_CAPTURE_H

#include "capture/reassembly.h"
#include "targets/targets.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct sp__wire_msg {
    double ts; /* seconds since the epoch */
    sp__addr src, dst;
    uint16_t sport, dport;
    uint8_t transport; /* SP_TRANSPORT_UDP or SP_TRANSPORT_TCP */
    const char *data;
    size_t len;
    size_t wire_len; /* its length on the wire: more than len when the snap length cut it */
} sp__wire_msg;

typedef void (*sp__wire_fn)(void *ctx, const sp__wire_msg *m);

typedef struct sp__capture {
    void *pcap;  /* pcap_t */
    FILE *fp;    /* offline: our handle, so that ftell() gives the offset */
    char *iobuf; /* its stdio buffer (a file opened by sp__capture_open_file) */
    int linktype;
    char name[256];
    sp__frags frags;
    sp__tcp_flows flows;
    sp__wire_fn fn;
    void *ctx;
    uint64_t packets;     /* read */
    uint64_t sip;         /* SIP messages handed on */
    uint64_t undecodable; /* packets we could not take apart (other protocols are not counted) */
    long last_good;       /* file offset after the last complete packet */
    int count_offset;     /* classic pcap: last_good counted, not asked (ftell) */
    /* The snap length: packets that carried (part of) a SIP message, or
     * would have (a SIP port, a followed TCP connection), and were captured
     * shorter than they were. */
    uint64_t truncated;
    uint64_t cut_kept; /* SIP messages among them handed on without their body */
    uint64_t cut_lost; /* SIP messages among them cut inside their headers */
    unsigned cut_at;   /* the longest of those packets as captured: the snap length */
    /* The packet being decoded. */
    int cut;        /* 1: captured short, not counted yet; 2: counted */
    size_t caplen;  /* as captured */
    size_t missing; /* bytes of the innermost IP payload the capture lacks */
    struct {        /* first fragments of SIP datagrams the snap length cut */
        uint8_t family;
        uint32_t id;
        uint8_t src[16], dst[16];
    } cut_frags[8];
    unsigned n_cut_frags;
} sp__capture;

/* Opens a capture file. Returns 0 or an sp_code with a one-line message
 * naming the file in err. */
int sp__capture_open_file(sp__capture *c, const char *path, sp__wire_fn fn, void *ctx, char *err,
                          size_t errlen);
/* The same from an open stream (taken over: closed by sp__capture_close,
 * or here on failure); name is for messages. */
int sp__capture_open_fp(sp__capture *c, FILE *fp, const char *name, sp__wire_fn fn, void *ctx,
                        char *err, size_t errlen);
/* Opens an interface for live capture with an optional BPF filter. */
int sp__capture_open_live(sp__capture *c, const char *iface, const char *filter, sp__wire_fn fn,
                          void *ctx, char *err, size_t errlen);
/* Reads packets until the end of the file, *stop becomes non-zero, or (live)
 * until_ns on the monotonic clock passes. Returns 0, or an sp_code with err
 * saying where a truncated or corrupt file broke off (or that a pcapng file
 * mixes link types or snap lengths, which libpcap cannot read, and how to
 * split it); what was read before has been handed on either way. */
int sp__capture_run(sp__capture *c, volatile int *stop, uint64_t until_ns, char *err,
                    size_t errlen);
void sp__capture_close(sp__capture *c);
/* After a run: 1 and a one-line warning naming the capture in buf when the
 * snap length cut SIP messages (c->truncated packets), else 0. */
int sp__capture_warning(const sp__capture *c, char *buf, size_t len);

/* Decodes one link-layer frame (exposed for the fuzz target and tests). */
void sp__capture_packet(sp__capture *c, double ts, const uint8_t *pkt, size_t caplen);

/* Writing the packets of a scan: each probe and reply as raw IP (UDP, or
 * TCP segments with running sequence numbers) into a pcap file. */
typedef struct sp__pcap_writer sp__pcap_writer;
sp__pcap_writer *sp__pcap_writer_open(const char *path, char *err, size_t errlen);
void sp__pcap_write(sp__pcap_writer *w, uint8_t transport, const sp__addr *src, uint16_t sport,
                    const sp__addr *dst, uint16_t dport, const void *data, size_t len);
/* Returns 0, or -1 when the file could not be written completely. */
int sp__pcap_writer_close(sp__pcap_writer *w);

#endif
