/* A large, realistic capture for the benchmark (not a test): long-running
 * traffic where few endpoints exchange many messages. SERVERS registrars on
 * 127.2.0.x:5060; one proxy (127.3.0.1) pings each with OPTIONS, and one
 * phone per server (127.4.0.x) registers with a digest challenge (REGISTER,
 * 401, REGISTER with credentials, 200). Three pings for every registration,
 * over UDP, one message a millisecond. Loopback addresses only, nothing sent.
 * Usage: gen_capture OUT.pcap [SERVERS] [MESSAGES] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;
static uint64_t t_us = 1700000000ull * 1000000;

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4); /* pcap headers are in the writer's byte order */
}

static uint16_t ip_sum(const uint8_t *h)
{
    uint32_t s = 0;
    for (int i = 0; i < 20; i += 2)
        s += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* One UDP datagram as raw IPv4 (link type 101). */
static void packet(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, const char *msg,
                   size_t n)
{
    uint8_t pkt[2048];
    size_t len = 28 + n;
    if (len > sizeof(pkt))
        return;
    memset(pkt, 0, 28);
    pkt[0] = 0x45;
    pkt[2] = (uint8_t)(len >> 8);
    pkt[3] = (uint8_t)len;
    pkt[8] = 64;
    pkt[9] = 17;
    for (int i = 0; i < 4; i++) {
        pkt[12 + i] = (uint8_t)(src >> (24 - 8 * i));
        pkt[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
    }
    uint16_t s = ip_sum(pkt);
    pkt[10] = (uint8_t)(s >> 8);
    pkt[11] = (uint8_t)s;
    pkt[20] = (uint8_t)(sport >> 8);
    pkt[21] = (uint8_t)sport;
    pkt[22] = (uint8_t)(dport >> 8);
    pkt[23] = (uint8_t)dport;
    pkt[24] = (uint8_t)((8 + n) >> 8);
    pkt[25] = (uint8_t)(8 + n);
    memcpy(pkt + 28, msg, n);
    uint8_t rec[16];
    put32(rec, (uint32_t)(t_us / 1000000));
    put32(rec + 4, (uint32_t)(t_us % 1000000));
    put32(rec + 8, (uint32_t)len);
    put32(rec + 12, (uint32_t)len);
    fwrite(rec, 1, 16, out);
    fwrite(pkt, 1, len, out);
    t_us += 1000;
}

static void ip_str(uint32_t a, char *s, size_t n)
{
    snprintf(s, n, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

/* The headers a request and its response share. */
static int dialog(char *b, size_t n, const char *method, uint32_t cseq, const char *via,
                  const char *from, const char *to, const char *to_tag, const char *call_id)
{
    return snprintf(b, n,
                    "Via: SIP/2.0/UDP %s\r\nFrom: %s\r\nTo: %s%s%s\r\nCall-ID: %s\r\n"
                    "CSeq: %u %s\r\n",
                    via, from, to, to_tag ? ";tag=" : "", to_tag ? to_tag : "", call_id, cseq,
                    method);
}

static const char allow[] = "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, SUBSCRIBE, NOTIFY, "
                            "INFO, PUBLISH, MESSAGE\r\nSupported: replaces, timer\r\n";

static void transaction(uint32_t cli, uint32_t srv, int kind, uint64_t seq, unsigned server_no)
{
    char c[16], s[16], via[128], from[128], to[128], call_id[64], tag[32], hdr[1024];
    char req[2048], resp[2048];
    ip_str(cli, c, sizeof(c));
    ip_str(srv, s, sizeof(s));
    uint16_t cport = kind == 0 ? 5060 : (uint16_t)(5062);
    snprintf(tag, sizeof(tag), "%08llx", (unsigned long long)(seq * 2654435761u));
    snprintf(call_id, sizeof(call_id), "%016llx@%s",
             (unsigned long long)(seq * 11400714819323198485ull), c);
    const char *method = kind == 0 ? "OPTIONS" : "REGISTER";
    char user[16];
    snprintf(user, sizeof(user), "%u", 1000 + server_no);
    if (kind == 0) {
        snprintf(from, sizeof(from), "<sip:ping@%s>;tag=%s", c, tag);
        snprintf(to, sizeof(to), "<sip:%s>", s);
    } else {
        snprintf(from, sizeof(from), "<sip:%s@%s>;tag=%s", user, s, tag);
        snprintf(to, sizeof(to), "<sip:%s@%s>", user, s);
    }
    uint32_t cseq = (uint32_t)(seq % 100000) + 1;
    const char *ua = kind == 0 ? "kamailio (5.7.4 (x86_64/linux))" : "Yealink SIP-T46S 66.86.0.15";
    for (int round = 0; round < (kind == 2 ? 2 : 1); round++) {
        char auth[512] = "";
        if (round == 1)
            snprintf(auth, sizeof(auth),
                     "Authorization: Digest username=\"%s\", realm=\"bench\", "
                     "nonce=\"%016llx\", uri=\"sip:%s\", response=\"%032llx\", "
                     "algorithm=MD5\r\n",
                     user, (unsigned long long)seq, s, (unsigned long long)seq * 31);
        /* The second REGISTER is a new transaction: the next CSeq and branch. */
        snprintf(via, sizeof(via), "%s:%u;branch=z9hG4bK%012llx%d;rport", c, cport,
                 (unsigned long long)seq, round);
        dialog(hdr, sizeof(hdr), method, cseq + (uint32_t)round, via, from, to, NULL, call_id);
        int n = snprintf(req, sizeof(req),
                         "%s sip:%s SIP/2.0\r\n%sMax-Forwards: 70\r\nContact: <sip:%s@%s:%u>\r\n"
                         "%sUser-Agent: %s\r\n%sContent-Length: 0\r\n\r\n",
                         method, s, hdr, kind == 0 ? "ping" : user, c, cport,
                         kind == 0 ? "" : "Expires: 3600\r\n", ua, auth);
        packet(cli, cport, srv, 5060, req, (size_t)n);
        dialog(hdr, sizeof(hdr), method, cseq + (uint32_t)round, via, from, to, "as5f3e1a2b",
               call_id);
        const char *status = kind == 2 && round == 0 ? "401 Unauthorized" : "200 OK";
        char extra[512] = "";
        if (kind == 2 && round == 0)
            snprintf(extra, sizeof(extra),
                     "WWW-Authenticate: Digest algorithm=MD5, realm=\"bench\", "
                     "nonce=\"%016llx\"\r\n",
                     (unsigned long long)seq);
        else if (kind == 2)
            snprintf(extra, sizeof(extra), "Contact: <sip:%s@%s:%u>;expires=3600\r\n", user, c,
                     cport);
        n = snprintf(resp, sizeof(resp),
                     "SIP/2.0 %s\r\n%sServer: Asterisk PBX 18.20.0\r\n%s%s"
                     "Content-Length: 0\r\n\r\n",
                     status, hdr, allow, extra);
        packet(srv, 5060, cli, cport, resp, (size_t)n);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: gen_capture OUT.pcap [SERVERS] [MESSAGES]\n");
        return 2;
    }
    unsigned servers = argc > 2 ? (unsigned)atoi(argv[2]) : 100;
    uint64_t messages = argc > 3 ? strtoull(argv[3], NULL, 10) : 1000000;
    if (!servers || servers > 250) {
        fprintf(stderr, "gen_capture: 1 to 250 servers\n");
        return 2;
    }
    out = fopen(argv[1], "wb");
    if (!out) {
        perror(argv[1]);
        return 1;
    }
    uint8_t gh[24];
    put32(gh, 0xa1b2c3d4);
    uint16_t version[2] = {2, 4};
    memcpy(gh + 4, version, 4);
    put32(gh + 8, 0);
    put32(gh + 12, 0);
    put32(gh + 16, 65535);
    put32(gh + 20, 101); /* raw IP */
    fwrite(gh, 1, 24, out);
    /* Per server, cycles of three pings (2 messages each) and one
     * registration (4 messages): 10 messages a cycle. */
    uint64_t seq = 0, written = 0;
    while (written < messages) {
        for (unsigned i = 0; i < servers && written < messages; i++) {
            uint32_t srv = 0x7f020000u + i + 1, phone = 0x7f040000u + i + 1;
            for (int k = 0; k < 3; k++)
                transaction(0x7f030001u, srv, 0, seq++, i);
            transaction(phone, srv, 2, seq++, i);
            written += 10;
        }
    }
    if (fclose(out) != 0) {
        perror(argv[1]);
        return 1;
    }
    printf("%llu messages\n", (unsigned long long)written);
    return 0;
}
