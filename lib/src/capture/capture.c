#include "capture/capture.h"

#include "sip/framing.h"
#include "sipprobe/sipprobe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int supported_link(int dlt)
{
    return dlt == DLT_EN10MB || dlt == DLT_NULL || dlt == DLT_LOOP || dlt == DLT_RAW ||
           dlt == DLT_IPV4 || dlt == DLT_IPV6 || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2;
}

/* A classic pcap file (any byte order, micro or nanoseconds): each record
 * is a 16-byte header and the bytes captured, so the offset after a packet
 * can be counted instead of asked of the kernel (ftell is an lseek, a tenth
 * of the time of a read). pcapng and other variants ask ftell. */
static int classic_pcap(FILE *fp)
{
    uint8_t m[4];
    if (pread(fileno(fp), m, 4, 0) != 4)
        return 0;
    uint32_t v = rd32(m);
    return v == 0xa1b2c3d4 || v == 0xd4c3b2a1 || v == 0xa1b23c4d || v == 0x4d3cb2a1;
}

int sp__capture_open_file(sp__capture *c, const char *path, sp__wire_fn fn, void *ctx, char *err,
                          size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        memset(c, 0, sizeof(*c));
        snprintf(err, errlen, "cannot read capture '%s': %s", path, strerror(errno));
        return SP_EIO;
    }
    /* libpcap reads record by record through stdio: a buffer of our own
     * (glibc ignores a size without one) makes that one read() per MiB
     * instead of one per 4 KiB. */
    char *iobuf = malloc(1 << 20);
    if (iobuf)
        setvbuf(fp, iobuf, _IOFBF, 1 << 20);
    int rc = sp__capture_open_fp(c, fp, path, fn, ctx, err, errlen);
    if (rc) /* the stream is closed already */
        free(iobuf);
    else
        c->iobuf = iobuf; /* freed after the stream, by sp__capture_close */
    return rc;
}

int sp__capture_open_fp(sp__capture *c, FILE *fp, const char *path, sp__wire_fn fn, void *ctx,
                        char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    memset(c, 0, sizeof(*c));
    snprintf(c->name, sizeof(c->name), "%s", path);
    c->fn = fn;
    c->ctx = ctx;
    c->fp = fp;
    c->pcap = pcap_fopen_offline_with_tstamp_precision(c->fp, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
    if (!c->pcap) {
        fclose(c->fp);
        c->fp = NULL;
        snprintf(err, errlen, "'%s' at byte 0: not a pcap or pcapng capture (%s)", path, ebuf);
        return SP_EDATA;
    }
    c->linktype = pcap_datalink(c->pcap);
    if (!supported_link(c->linktype)) {
        const char *name = pcap_datalink_val_to_name(c->linktype);
        snprintf(err, errlen,
                 "'%s': link type %s (%d) is not supported (Ethernet, Linux cooked SLL/SLL2, "
                 "raw IP, null/loop)",
                 path, name ? name : "?", c->linktype);
        sp__capture_close(c);
        return SP_EDATA;
    }
    sp__frags_init(&c->frags);
    if (sp__tcp_flows_init(&c->flows)) {
        sp__capture_close(c);
        return SP_ENOMEM;
    }
    c->last_good = ftell(c->fp);
    c->count_offset = classic_pcap(c->fp);
    return 0;
}

int sp__capture_open_live(sp__capture *c, const char *iface, const char *filter, sp__wire_fn fn,
                          void *ctx, char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    memset(c, 0, sizeof(*c));
    snprintf(c->name, sizeof(c->name), "%s", iface);
    c->fn = fn;
    c->ctx = ctx;
    pcap_t *p = pcap_create(iface, ebuf);
    if (!p) {
        snprintf(err, errlen, "cannot capture on '%s': %s", iface, ebuf);
        return SP_EIO;
    }
    c->pcap = p;
    pcap_set_snaplen(p, 65535);
    pcap_set_promisc(p, 0);
    pcap_set_timeout(p, 100);
    pcap_set_immediate_mode(p, 1);
    int rc = pcap_activate(p);
    if (rc < 0) {
        if (rc == PCAP_ERROR_PERM_DENIED)
            snprintf(err, errlen,
                     "cannot capture on '%s': permission denied (live capture needs root or "
                     "CAP_NET_RAW)",
                     iface);
        else if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
            snprintf(err, errlen, "cannot capture on '%s': no such interface", iface);
        else
            snprintf(err, errlen, "cannot capture on '%s': %s", iface, pcap_geterr(p));
        sp__capture_close(c);
        return SP_EIO;
    }
    /* Non-blocking, with our own poll: the read timeout alone does not
     * bring control back when nothing arrives in immediate mode. */
    if (pcap_setnonblock(p, 1, ebuf) < 0 || pcap_get_selectable_fd(p) < 0) {
        snprintf(err, errlen, "cannot capture on '%s': %s", iface, ebuf);
        sp__capture_close(c);
        return SP_EIO;
    }
    c->linktype = pcap_datalink(p);
    if (!supported_link(c->linktype)) {
        snprintf(err, errlen, "cannot capture on '%s': link type %d is not supported", iface,
                 c->linktype);
        sp__capture_close(c);
        return SP_EIO;
    }
    if (filter && *filter) {
        struct bpf_program prog;
        if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
            pcap_setfilter(p, &prog) < 0) {
            snprintf(err, errlen, "bad capture filter '%s': %s", filter, pcap_geterr(p));
            sp__capture_close(c);
            return SP_EINVAL;
        }
        pcap_freecode(&prog);
    }
    sp__frags_init(&c->frags);
    if (sp__tcp_flows_init(&c->flows)) {
        sp__capture_close(c);
        return SP_ENOMEM;
    }
    return 0;
}

void sp__capture_close(sp__capture *c)
{
    if (c->pcap)
        pcap_close(c->pcap); /* closes c->fp too */
    else if (c->fp)
        fclose(c->fp);
    c->pcap = NULL;
    c->fp = NULL;
    free(c->iobuf);
    c->iobuf = NULL;
    sp__frags_free(&c->frags);
    sp__tcp_flows_free(&c->flows);
}

/* A request line "METHOD uri SIP/2.0" or a status line "SIP/2.0 200 ...". */
static int looks_like_sip(const uint8_t *d, size_t n)
{
    if (n < 12)
        return 0;
    if (!memcmp(d, "SIP/2.0 ", 8))
        return 1;
    size_t i = 0;
    while (i < n && i < 32 && ((d[i] >= 'A' && d[i] <= 'Z') || d[i] == '-' || d[i] == '_'))
        i++;
    if (i == 0 || i >= n || d[i] != ' ')
        return 0;
    const uint8_t *eol = memchr(d, '\n', n < 2048 ? n : 2048);
    if (!eol)
        return 0;
    size_t len = (size_t)(eol - d);
    if (len && d[len - 1] == '\r')
        len--;
    return len >= 8 && !memcmp(d + len - 8, " SIP/2.0", 8);
}

static void deliver(sp__capture *c, double ts, const sp__addr *src, uint16_t sport,
                    const sp__addr *dst, uint16_t dport, uint8_t transport, const uint8_t *d,
                    size_t n)
{
    if (!looks_like_sip(d, n))
        return;
    sp__wire_msg m = {ts, *src, *dst, sport, dport, transport, (const char *)d, n, n};
    c->sip++;
    c->fn(c->ctx, &m);
}

static int is_sip_port(uint16_t p)
{
    return (p >= 5060 && p <= 5069) || (p >= 5080 && p <= 5090);
}

/* The packet being decoded was cut by the snap length and carried (part
 * of) a SIP message, or would have: counted once. */
static void note_cut(sp__capture *c)
{
    if (c->cut != 1)
        return;
    c->cut = 2;
    c->truncated++;
    if (c->caplen > c->cut_at)
        c->cut_at = (unsigned)c->caplen;
}

/* The length of the header section (through the empty line), 0 when the
 * data ends before it. */
static size_t header_len(const uint8_t *d, size_t n)
{
    for (const uint8_t *p = d; (p = memchr(p, '\n', n - (size_t)(p - d))) != NULL; p++) {
        size_t i = (size_t)(p - d) + 1;
        if (i < n && d[i] == '\n')
            return i + 1;
        if (i + 1 < n && d[i] == '\r' && d[i + 1] == '\n')
            return i + 2;
    }
    return 0;
}

/* The value of a Content-Length (or compact l) header line, or -1. */
static long content_length(const uint8_t *line, size_t n, size_t *colon)
{
    size_t name = 0;
    while (name < n && line[name] != ':' && line[name] != ' ' && line[name] != '\t')
        name++;
    size_t k = name;
    while (k < n && (line[k] == ' ' || line[k] == '\t'))
        k++;
    if (k >= n || line[k] != ':' ||
        !((name == 14 && !strncasecmp((const char *)line, "Content-Length", 14)) ||
          (name == 1 && (line[0] | 0x20) == 'l')))
        return -1;
    *colon = k;
    long v = 0;
    for (k++; k < n && (line[k] == ' ' || line[k] == '\t'); k++)
        ;
    for (; k < n && line[k] >= '0' && line[k] <= '9' && v < 100000000; k++)
        v = v * 10 + (line[k] - '0');
    return v;
}

/* A SIP message the snap length cut (n bytes of it captured; wire is the
 * best guess of its whole length). With its header section whole it is
 * handed on as that section alone, Content-Length made 0, so that a parser
 * takes it as it stands; cut inside its headers it is lost. */
static void deliver_cut(sp__capture *c, double ts, const sp__addr *src, uint16_t sport,
                        const sp__addr *dst, uint16_t dport, uint8_t transport, const uint8_t *d,
                        size_t n, size_t wire)
{
    if (!looks_like_sip(d, n))
        return;
    size_t hlen = header_len(d, n);
    char *buf = hlen ? malloc(hlen * 2 + 8) : NULL;
    if (!buf) {
        c->cut_lost++;
        return;
    }
    size_t o = 0;
    for (size_t i = 0; i < hlen;) {
        const uint8_t *eol = memchr(d + i, '\n', hlen - i);
        size_t end = eol ? (size_t)(eol - d) + 1 : hlen, colon;
        long cl = i ? content_length(d + i, end - i, &colon) : -1;
        if (cl >= 0) {
            size_t eolen = end - i >= 2 && d[end - 2] == '\r' ? 2 : 1;
            memcpy(buf + o, d + i, colon + 1);
            o += colon + 1;
            memcpy(buf + o, " 0", 2);
            o += 2;
            memcpy(buf + o, d + end - eolen, eolen);
            o += eolen;
            if (hlen + (size_t)cl > wire)
                wire = hlen + (size_t)cl;
        } else {
            memcpy(buf + o, d + i, end - i);
            o += end - i;
        }
        i = end;
    }
    sp__wire_msg m = {ts, *src, *dst, sport, dport, transport, buf, o, wire > n ? wire : n};
    c->sip++;
    c->cut_kept++;
    c->fn(c->ctx, &m);
    free(buf);
}

static void tcp_segment(sp__capture *c, double ts, const sp__addr *src, const sp__addr *dst,
                        const uint8_t *p, size_t n)
{
    if (n < 20 || (size_t)(p[12] >> 4) * 4 > n || (p[12] >> 4) < 5) {
        c->undecodable++;
        return;
    }
    uint16_t sport = rd16(p), dport = rd16(p + 2);
    size_t off = (size_t)(p[12] >> 4) * 4;
    int syn = p[13] & 0x02, fin_rst = p[13] & 0x05;
    const uint8_t *data = p + off;
    size_t len = n - off;
    /* Only connections that look like SIP are followed: a SYN on a SIP port,
     * or data that starts like SIP; the table finds the rest. */
    int interesting = (syn && (is_sip_port(sport) || is_sip_port(dport))) ||
                      (len && looks_like_sip(data, len)) || fin_rst;
    uint32_t seq = rd32(p + 4);
    sp__tcp_flow *f = sp__tcp_add(&c->flows, src, sport, dst, dport, seq, syn, fin_rst,
                                  interesting || len ? data : NULL, len, ts);
    if (f && !interesting && f->len == len && !looks_like_sip(f->buf, f->len)) {
        /* A new flow of something else: let it go. */
        sp__tcp_forget(f);
        f = NULL;
    }
    if (c->missing && (f || is_sip_port(sport) || is_sip_port(dport)))
        note_cut(c);
    if (!f)
        return;
    for (;;) {
        size_t start, mlen;
        sp__frame_rc rc = sp__frame((const char *)f->buf, f->len, SP__TCP_BUFFER, &start, &mlen);
        if (rc == SP__FRAME_MORE)
            break;
        if (rc == SP__FRAME_INVALID) {
            sp__tcp_consume(f, f->len);
            break;
        }
        deliver(c, ts, src, sport, dst, dport, SP_TRANSPORT_TCP, f->buf + start, mlen);
        sp__tcp_consume(f, start + mlen);
    }
    if (c->missing && f->next_seq == seq + (uint32_t)len) {
        /* The snap length cut this segment, taken in order: the message it
         * ends in is all there will be of it, and the stream goes on after
         * the bytes the capture lacks. */
        if (f->len)
            deliver_cut(c, ts, src, sport, dst, dport, SP_TRANSPORT_TCP, f->buf, f->len,
                        f->len + c->missing);
        sp__tcp_skip(&c->flows, f, (uint32_t)c->missing);
    }
    if (fin_rst)
        sp__tcp_forget(f);
}

static void ip_packet(sp__capture *c, double ts, const uint8_t *p, size_t n, int depth);
static void ipv6_payload(sp__capture *c, double ts, const sp__addr *src, const sp__addr *dst,
                         uint8_t nh, const uint8_t *p, size_t n, int depth, int reassembled);

/* Fragments the snap length cut cannot be put back together. A first one
 * still holds the transport header and the start of the message, and is
 * read as a cut datagram; a later one counts when the first one of its
 * datagram was SIP (and came before it). */
static int cut_frag_known(sp__capture *c, uint8_t family, const uint8_t *src, const uint8_t *dst,
                          uint32_t id)
{
    size_t alen = family == 4 ? 4 : 16;
    unsigned n = c->n_cut_frags < 8 ? c->n_cut_frags : 8;
    for (unsigned i = 0; i < n; i++)
        if (c->cut_frags[i].family == family && c->cut_frags[i].id == id &&
            !memcmp(c->cut_frags[i].src, src, alen) && !memcmp(c->cut_frags[i].dst, dst, alen))
            return 1;
    return 0;
}

static void cut_frag_remember(sp__capture *c, uint8_t family, const uint8_t *src,
                              const uint8_t *dst, uint32_t id)
{
    size_t alen = family == 4 ? 4 : 16;
    unsigned i = c->n_cut_frags++ % 8;
    c->cut_frags[i].family = family;
    c->cut_frags[i].id = id;
    memcpy(c->cut_frags[i].src, src, alen);
    memcpy(c->cut_frags[i].dst, dst, alen);
}

static void transport(sp__capture *c, double ts, const sp__addr *src, const sp__addr *dst,
                      uint8_t proto, const uint8_t *p, size_t n, int depth)
{
    if (proto == 17) {
        if (n < 8) {
            c->undecodable++;
            return;
        }
        size_t ulen = rd16(p + 4);
        size_t len = ulen >= 8 && ulen - 8 <= n - 8 ? ulen - 8 : n - 8;
        uint16_t sport = rd16(p), dport = rd16(p + 2);
        if (c->missing && !(ulen >= 8 && ulen <= n)) { /* cut by the snap length */
            if (is_sip_port(sport) || is_sip_port(dport) || looks_like_sip(p + 8, len))
                note_cut(c);
            deliver_cut(c, ts, src, sport, dst, dport, SP_TRANSPORT_UDP, p + 8, len,
                        ulen >= 8 ? ulen - 8 : len + c->missing);
            return;
        }
        deliver(c, ts, src, sport, dst, dport, SP_TRANSPORT_UDP, p + 8, len);
    } else if (proto == 6) {
        tcp_segment(c, ts, src, dst, p, n);
    } else if ((proto == 4 || proto == 41) && depth < 3) {
        ip_packet(c, ts, p, n, depth + 1); /* IP in IP */
    }
}

static void ipv4(sp__capture *c, double ts, const uint8_t *p, size_t n, int depth)
{
    size_t ihl = (size_t)(p[0] & 15) * 4;
    if (n < 20 || ihl < 20 || ihl > n) {
        c->undecodable++;
        return;
    }
    size_t tot = rd16(p + 2), missing = 0;
    if (tot < ihl || tot > n) {
        if (c->cut && tot > n)
            missing = tot - n; /* cut by the snap length */
        tot = n;               /* or offloaded (0) */
    }
    sp__addr src = {.family = 4}, dst = {.family = 4};
    memcpy(src.bytes, p + 12, 4);
    memcpy(dst.bytes, p + 16, 4);
    uint16_t fl = rd16(p + 6);
    const uint8_t *pay = p + ihl;
    size_t plen = tot - ihl;
    c->missing = missing;
    if ((fl & 0x3fff) && missing) {
        if (fl & 0x1fff) {
            if (cut_frag_known(c, 4, src.bytes, dst.bytes, rd16(p + 4)))
                note_cut(c);
            return;
        }
        transport(c, ts, &src, &dst, p[9], pay, plen, depth);
        if (c->cut == 2)
            cut_frag_remember(c, 4, src.bytes, dst.bytes, rd16(p + 4));
        return;
    }
    if (fl & 0x3fff) { /* more fragments, or an offset */
        const uint8_t *whole;
        long r =
            sp__frags_add(&c->frags, 4, src.bytes, dst.bytes, rd16(p + 4), p[9],
                          (size_t)(fl & 0x1fff) * 8, (fl & 0x2000) != 0, pay, plen, ts, &whole);
        if (r < 0)
            c->undecodable++;
        if (r <= 0)
            return;
        pay = whole;
        plen = (size_t)r;
    }
    transport(c, ts, &src, &dst, p[9], pay, plen, depth);
}

/* Walks IPv6 extension headers from next header nh over p. */
static void ipv6_payload(sp__capture *c, double ts, const sp__addr *src, const sp__addr *dst,
                         uint8_t nh, const uint8_t *p, size_t n, int depth, int reassembled)
{
    for (int hops = 0; hops < 8; hops++) {
        if (nh == 0 || nh == 43 || nh == 60 || nh == 51) {
            if (n < 8)
                break;
            size_t len = nh == 51 ? ((size_t)p[1] + 2) * 4 : ((size_t)p[1] + 1) * 8;
            if (len > n)
                break;
            nh = p[0];
            p += len;
            n -= len;
        } else if (nh == 44) {
            if (n < 8 || reassembled)
                break;
            uint16_t off = rd16(p + 2);
            if (c->missing) {
                if (off & 0xfff8) {
                    if (cut_frag_known(c, 6, src->bytes, dst->bytes, rd32(p + 4)))
                        note_cut(c);
                    return;
                }
                ipv6_payload(c, ts, src, dst, p[0], p + 8, n - 8, depth, 1);
                if (c->cut == 2)
                    cut_frag_remember(c, 6, src->bytes, dst->bytes, rd32(p + 4));
                return;
            }
            const uint8_t *whole;
            long r = sp__frags_add(&c->frags, 6, src->bytes, dst->bytes, rd32(p + 4), p[0],
                                   off & 0xfff8, off & 1, p + 8, n - 8, ts, &whole);
            if (r < 0)
                c->undecodable++;
            if (r <= 0)
                return;
            ipv6_payload(c, ts, src, dst, p[0], whole, (size_t)r, depth, 1);
            return;
        } else {
            transport(c, ts, src, dst, nh, p, n, depth);
            return;
        }
    }
    c->undecodable++;
}

static void ipv6(sp__capture *c, double ts, const uint8_t *p, size_t n, int depth)
{
    if (n < 40) {
        c->undecodable++;
        return;
    }
    size_t plen = rd16(p + 4);
    c->missing = c->cut && plen > n - 40 ? plen - (n - 40) : 0;
    if (plen == 0 || plen > n - 40)
        plen = n - 40;
    sp__addr src = {.family = 6}, dst = {.family = 6};
    memcpy(src.bytes, p + 8, 16);
    memcpy(dst.bytes, p + 24, 16);
    ipv6_payload(c, ts, &src, &dst, p[6], p + 40, plen, depth, 0);
}

static void ip_packet(sp__capture *c, double ts, const uint8_t *p, size_t n, int depth)
{
    if (n < 1)
        return;
    if (p[0] >> 4 == 4)
        ipv4(c, ts, p, n, depth);
    else if (p[0] >> 4 == 6)
        ipv6(c, ts, p, n, depth);
    else
        c->undecodable++;
}

/* An ethertype's payload: IPv4, IPv6, or nothing of ours. */
static void ether_payload(sp__capture *c, double ts, uint16_t et, const uint8_t *p, size_t n)
{
    while ((et == 0x8100 || et == 0x88a8 || et == 0x9100) && n >= 4) { /* VLAN tags */
        et = rd16(p + 2);
        p += 4;
        n -= 4;
    }
    if (et == 0x8864 && n >= 8) { /* PPPoE session: PPP protocol after 6 bytes */
        uint16_t ppp = rd16(p + 6);
        et = ppp == 0x0021 ? 0x0800 : ppp == 0x0057 ? 0x86dd : 0;
        p += 8;
        n -= 8;
    }
    if (et == 0x0800 || et == 0x86dd)
        ip_packet(c, ts, p, n, 0);
}

static void link_frame(sp__capture *c, double ts, const uint8_t *p, size_t n)
{
    switch (c->linktype) {
    case DLT_EN10MB:
        if (n >= 14)
            ether_payload(c, ts, rd16(p + 12), p + 14, n - 14);
        else
            c->undecodable++;
        break;
    case DLT_LINUX_SLL:
        if (n >= 16)
            ether_payload(c, ts, rd16(p + 14), p + 16, n - 16);
        else
            c->undecodable++;
        break;
    case DLT_LINUX_SLL2:
        if (n >= 20)
            ether_payload(c, ts, rd16(p), p + 20, n - 20);
        else
            c->undecodable++;
        break;
    case DLT_NULL:
    case DLT_LOOP:
        /* A 4-byte address family: host order of the capturing machine for
         * NULL, network order for LOOP; IPv6 is 24, 28 or 30 on BSDs. */
        if (n >= 4)
            ip_packet(c, ts, p + 4, n - 4, 0);
        else
            c->undecodable++;
        break;
    default: /* raw IP */
        ip_packet(c, ts, p, n, 0);
        break;
    }
}

/* One frame, n bytes of it captured of len on the wire. */
static void frame(sp__capture *c, double ts, const uint8_t *p, size_t n, size_t len)
{
    c->cut = n < len;
    c->caplen = n;
    c->missing = 0;
    link_frame(c, ts, p, n);
}

void sp__capture_packet(sp__capture *c, double ts, const uint8_t *p, size_t n)
{
    frame(c, ts, p, n, n);
}

/* A link type as people know it: libpcap's description, else its name. */
static void link_name(unsigned dlt, char *out, size_t len)
{
    const char *desc = pcap_datalink_val_to_description((int)dlt);
    const char *name = pcap_datalink_val_to_name((int)dlt);
    if (desc)
        snprintf(out, len, "%s", desc);
    else if (name)
        snprintf(out, len, "%s", name);
    else
        snprintf(out, len, "link type %u", dlt);
}

/* editcap's name (-T) for a link type we read. */
static const char *editcap_encap(unsigned dlt)
{
    switch (dlt) {
    case DLT_EN10MB:
        return "ether";
    case DLT_LINUX_SLL:
        return "linux-sll";
    case DLT_LINUX_SLL2:
        return "linux-sll2";
    case DLT_RAW:
        return "rawip";
    case DLT_IPV4:
        return "rawip4";
    case DLT_IPV6:
        return "rawip6";
    case DLT_NULL:
        return "null";
    case DLT_LOOP:
        return "loop";
    default:
        return NULL;
    }
}

/* libpcap reads a pcapng file as one link type and one snap length: an
 * interface that differs from the first ends the read. Says so, and how
 * to make files it can read; 0 when the error is another. */
static int mixed_interfaces(sp__capture *c, const char *perr, char *err, size_t errlen)
{
    static const char type_msg[] = "an interface has a type ";
    static const char snap_msg[] = "an interface has a snapshot length ";
    unsigned v;
    char where[96];
    snprintf(where, sizeof(where), "read stopped after %llu packet%s, at byte %ld",
             (unsigned long long)c->packets, c->packets == 1 ? "" : "s", c->last_good);
    if (!strncmp(perr, type_msg, sizeof(type_msg) - 1) &&
        strstr(perr, "different from the type of the first interface") &&
        sscanf(perr + sizeof(type_msg) - 1, "%u", &v) == 1) {
        char first[64], later[64], other[96] = "";
        link_name((unsigned)c->linktype, first, sizeof(first));
        link_name(v, later, sizeof(later));
        const char *e0 = editcap_encap((unsigned)c->linktype), *e1 = editcap_encap(v);
        if (e1)
            snprintf(other, sizeof(other), " (-T %s for the %s one)", e1, later);
        snprintf(err, errlen,
                 "'%s' mixes link types (interface 0 is %s, a later one %s), which libpcap "
                 "cannot read in one file; %s. Split it per interface N: tshark -r '%s' -Y "
                 "frame.interface_id==N -w N.pcapng, then editcap -F pcap -T %s N.pcapng N.pcap%s",
                 c->name, first, later, where, c->name, e0 ? e0 : "?", other);
        return 1;
    }
    if (!strncmp(perr, snap_msg, sizeof(snap_msg) - 1) &&
        strstr(perr, "different from the snapshot length of the first interface") &&
        sscanf(perr + sizeof(snap_msg) - 1, "%u", &v) == 1) {
        snprintf(
            err, errlen,
            "'%s' mixes snap lengths (interface 0 has %d bytes, a later one %u), which "
            "libpcap cannot read in one file; %s. Convert it to one pcap: editcap -F pcap '%s' "
            "out.pcap",
            c->name, pcap_snapshot(c->pcap), v, where, c->name);
        return 1;
    }
    return 0;
}

int sp__capture_run(sp__capture *c, volatile int *stop, uint64_t until_ns, char *err, size_t errlen)
{
    for (;;) {
        if (stop && *stop)
            return 0;
        if (until_ns) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if ((uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec >= until_ns)
                return 0;
        }
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = pcap_next_ex(c->pcap, &h, &data);
        if (rc == 1) {
            c->packets++;
            frame(c, (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6, data, h->caplen, h->len);
            /* A record longer than the snap length is cut by libpcap
             * (caplen then equals it): ask where it ended. */
            if (c->fp && c->count_offset && h->caplen < (bpf_u_int32)pcap_snapshot(c->pcap))
                c->last_good += 16 + (long)h->caplen;
            else if (c->fp)
                c->last_good = ftell(c->fp);
        } else if (rc == 0) {
            /* live: nothing waiting; sleep until a packet or 100 ms */
            struct pollfd pfd = {.fd = pcap_get_selectable_fd(c->pcap), .events = POLLIN};
            poll(&pfd, 1, 100);
        } else if (rc == PCAP_ERROR_BREAK) {
            return 0; /* end of file */
        } else {
            if (c->fp && mixed_interfaces(c, pcap_geterr(c->pcap), err, errlen))
                return SP_EDATA;
            if (c->fp)
                snprintf(
                    err, errlen, "'%s' is truncated or corrupt at byte %ld, after %llu packets: %s",
                    c->name, c->last_good, (unsigned long long)c->packets, pcap_geterr(c->pcap));
            else
                snprintf(err, errlen, "capture on '%s' failed: %s", c->name, pcap_geterr(c->pcap));
            return SP_EDATA;
        }
    }
}

int sp__capture_warning(const sp__capture *c, char *buf, size_t len)
{
    if (!c->truncated)
        return 0;
    char what[128] = "";
    if (c->cut_kept && c->cut_lost)
        snprintf(what, sizeof(what),
                 " (%llu read from their headers alone, %llu cut inside their headers, not read)",
                 (unsigned long long)c->cut_kept, (unsigned long long)c->cut_lost);
    else if (c->cut_kept)
        snprintf(what, sizeof(what), " (read from their headers alone)");
    else if (c->cut_lost)
        snprintf(what, sizeof(what), " (%llu cut inside their headers, not read)",
                 (unsigned long long)c->cut_lost);
    snprintf(buf, len,
             "%s: %llu packet%s cut by the capture's snap length (%u bytes); SIP messages in them "
             "are incomplete%s.%s",
             c->name, (unsigned long long)c->truncated, c->truncated == 1 ? " was" : "s were",
             c->cut_at, what, c->fp ? " Capture with -s 0" : "");
    return 1;
}
