/* Writing a capture (--write-pcap): every probe and reply of a live scan
 * as raw IP packets, TCP and TLS as plaintext TCP segments with their own
 * sequence numbers, into a file written as outputs are (output/outfile.h). */
#include "capture/capture.h"

#include "output/outfile.h"
#include "sipprobe/sipprobe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

struct sp__pcap_writer {
    pcap_t *dead;
    pcap_dumper_t *dump;
    sp__outfile out; /* a temporary file renamed at the end, or a device or FIFO */
    struct {
        sp__addr src, dst;
        uint16_t sport, dport;
        uint32_t seq;
    } flows[256];
    unsigned n_flows;
};

sp__pcap_writer *sp__pcap_writer_open(const char *path, char *err, size_t errlen)
{
    sp__pcap_writer *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    if (sp__outfile_open(&w->out, path, 1, "the packets to ", err, errlen) != 0) {
        free(w);
        return NULL;
    }
    w->dead = pcap_open_dead(DLT_RAW, 65535);
    w->dump = w->dead ? pcap_dump_fopen(w->dead, w->out.fp) : NULL;
    if (!w->dump) {
        snprintf(err, errlen, "cannot write the packets to '%s': %s", path,
                 w->dead ? pcap_geterr(w->dead) : "out of memory");
        sp__outfile_abort(&w->out); /* pcap_dump_fopen may have closed it */
        if (w->dead)
            pcap_close(w->dead);
        free(w);
        return NULL;
    }
    return w;
}

static uint16_t ip_checksum(const uint8_t *h, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The next sequence number of a TCP direction (starting at 1). */
static uint32_t next_seq(sp__pcap_writer *w, const sp__addr *src, uint16_t sport,
                         const sp__addr *dst, uint16_t dport, size_t len)
{
    unsigned i;
    for (i = 0; i < w->n_flows; i++)
        if (w->flows[i].sport == sport && w->flows[i].dport == dport &&
            sp__addr_equal(&w->flows[i].src, src) && sp__addr_equal(&w->flows[i].dst, dst))
            break;
    if (i == w->n_flows) {
        i = w->n_flows < 256 ? w->n_flows++ : (unsigned)(sport % 256);
        w->flows[i].src = *src;
        w->flows[i].dst = *dst;
        w->flows[i].sport = sport;
        w->flows[i].dport = dport;
        w->flows[i].seq = 1;
    }
    uint32_t s = w->flows[i].seq;
    w->flows[i].seq += (uint32_t)len;
    return s;
}

void sp__pcap_write(sp__pcap_writer *w, uint8_t transport, const sp__addr *src, uint16_t sport,
                    const sp__addr *dst, uint16_t dport, const void *data, size_t len)
{
    static uint8_t pkt[65535];
    if (!w || len > 65000)
        return;
    size_t iph = src->family == 4 ? 20 : 40, th = transport == SP_TRANSPORT_UDP ? 8 : 20;
    size_t total = iph + th + len;
    memset(pkt, 0, iph + th);
    uint8_t proto = transport == SP_TRANSPORT_UDP ? 17 : 6;
    if (src->family == 4) {
        pkt[0] = 0x45;
        pkt[2] = (uint8_t)(total >> 8);
        pkt[3] = (uint8_t)total;
        pkt[8] = 64;
        pkt[9] = proto;
        memcpy(pkt + 12, src->bytes, 4);
        memcpy(pkt + 16, dst->bytes, 4);
        uint16_t sum = ip_checksum(pkt, 20);
        pkt[10] = (uint8_t)(sum >> 8);
        pkt[11] = (uint8_t)sum;
    } else {
        pkt[0] = 0x60;
        pkt[4] = (uint8_t)((th + len) >> 8);
        pkt[5] = (uint8_t)(th + len);
        pkt[6] = proto;
        pkt[7] = 64;
        memcpy(pkt + 8, src->bytes, 16);
        memcpy(pkt + 24, dst->bytes, 16);
    }
    uint8_t *t = pkt + iph;
    t[0] = (uint8_t)(sport >> 8);
    t[1] = (uint8_t)sport;
    t[2] = (uint8_t)(dport >> 8);
    t[3] = (uint8_t)dport;
    if (transport == SP_TRANSPORT_UDP) {
        t[4] = (uint8_t)((8 + len) >> 8);
        t[5] = (uint8_t)(8 + len);
    } else {
        uint32_t seq = next_seq(w, src, sport, dst, dport, len);
        t[4] = (uint8_t)(seq >> 24);
        t[5] = (uint8_t)(seq >> 16);
        t[6] = (uint8_t)(seq >> 8);
        t[7] = (uint8_t)seq;
        t[12] = 5 << 4;
        t[13] = 0x18; /* PSH, ACK */
        t[14] = 0xff;
        t[15] = 0xff;
    }
    memcpy(pkt + iph + th, data, len);
    struct pcap_pkthdr h;
    gettimeofday(&h.ts, NULL);
    h.caplen = h.len = (bpf_u_int32)total;
    pcap_dump((u_char *)w->dump, &h, pkt);
}

int sp__pcap_writer_close(sp__pcap_writer *w)
{
    if (!w)
        return 0;
    int rc = 0, e = 0;
    if (w->dump) {
        /* pcap_dump() says nothing of failed writes: the file keeps the
         * first error, and the end is checked here. */
        pcap_dump_flush(w->dump);
        sp__outfile_sync(&w->out);
        e = w->out.err;
        pcap_dump_close(w->dump); /* fclose: the descriptor is closed */
        char err[512];
        if (sp__outfile_close(&w->out, "the packets to ", err, sizeof(err)) != 0) {
            rc = -1;
            if (!e)
                e = errno ? errno : EIO;
        }
    }
    if (w->dead)
        pcap_close(w->dead);
    free(w);
    if (rc)
        errno = e;
    return rc;
}
