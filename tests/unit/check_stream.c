/* SIP over streams: Content-Length framing, and the certificate evidence
 * read from an X509 (certificates made here, in memory). */
#include "suites.h"
#include "sip/framing.h"
#include "transport/tls.h"
#include "transport/udp.h"
#include "common/util.h"

#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char reply[] =
    "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP x\r\nContent-Length: 5\r\n\r\nhello";

START_TEST(test_frame_split_reads)
{
    size_t start, len, n = strlen(reply);
    /* Every prefix is incomplete; the whole is one message. */
    for (size_t cut = 0; cut < n; cut++)
        ck_assert_int_eq(sp__frame(reply, cut, 65536, &start, &len), SP__FRAME_MORE);
    ck_assert_int_eq(sp__frame(reply, n, 65536, &start, &len), SP__FRAME_OK);
    ck_assert_uint_eq(start, 0);
    ck_assert_uint_eq(len, n);
}
END_TEST

START_TEST(test_frame_several_in_one_read)
{
    char buf[512];
    const char second[] = "SIP/2.0 100 Trying\r\nl: 0\r\n\r\n";
    snprintf(buf, sizeof(buf), "%s%s%s", second, reply, "SIP/2.0 180 Ri");
    size_t start, len, off = 0, total = strlen(buf);
    ck_assert_int_eq(sp__frame(buf, total, 65536, &start, &len), SP__FRAME_OK);
    ck_assert_uint_eq(len, strlen(second)); /* compact "l:" form */
    off += start + len;
    ck_assert_int_eq(sp__frame(buf + off, total - off, 65536, &start, &len), SP__FRAME_OK);
    ck_assert_uint_eq(len, strlen(reply));
    ck_assert_int_eq(memcmp(buf + off + start + len - 5, "hello", 5), 0);
    off += start + len;
    ck_assert_int_eq(sp__frame(buf + off, total - off, 65536, &start, &len), SP__FRAME_MORE);
}
END_TEST

START_TEST(test_frame_missing_content_length)
{
    /* No Content-Length: the message ends with its headers (bare LF too). */
    const char m[] = "SIP/2.0 404 Not Found\nCall-ID: x\n\nSIP/2.0 200 OK\r\n";
    size_t start, len;
    ck_assert_int_eq(sp__frame(m, strlen(m), 65536, &start, &len), SP__FRAME_OK);
    ck_assert_uint_eq(len, strlen("SIP/2.0 404 Not Found\nCall-ID: x\n\n"));
}
END_TEST

START_TEST(test_frame_keepalives_and_limits)
{
    size_t start, len;
    char buf[256];
    snprintf(buf, sizeof(buf), "\r\n\r\n%s", reply);
    ck_assert_int_eq(sp__frame(buf, strlen(buf), 65536, &start, &len), SP__FRAME_OK);
    ck_assert_uint_eq(start, 4); /* RFC 5626 keep-alives are skipped */
    ck_assert_uint_eq(len, strlen(reply));
    /* A Content-Length that is not a number, or past the limit, is invalid. */
    const char bad[] = "SIP/2.0 200 OK\r\nContent-Length: 12x\r\n\r\n";
    ck_assert_int_eq(sp__frame(bad, strlen(bad), 65536, &start, &len), SP__FRAME_INVALID);
    const char huge[] = "SIP/2.0 200 OK\r\nContent-Length: 99999999999999\r\n\r\n";
    ck_assert_int_eq(sp__frame(huge, strlen(huge), 65536, &start, &len), SP__FRAME_INVALID);
    const char big[] = "SIP/2.0 200 OK\r\nContent-Length: 70000\r\n\r\n";
    ck_assert_int_eq(sp__frame(big, strlen(big), 65536, &start, &len), SP__FRAME_INVALID);
    /* Headers that never end stop at the limit instead of growing forever. */
    char flood[300];
    memset(flood, 'A', sizeof(flood));
    ck_assert_int_eq(sp__frame(flood, sizeof(flood), 256, &start, &len), SP__FRAME_INVALID);
    ck_assert_int_eq(sp__frame(flood, 200, 256, &start, &len), SP__FRAME_MORE);
}
END_TEST

/* A certificate for `key`, signed by signer_key under signer's name (or
 * itself), valid from..until days around now, with SANs. */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *signer, EVP_PKEY *signer_key,
                       long from_days, long until_days, const char *sans)
{
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 42);
    X509_gmtime_adj(X509_getm_notBefore(x), from_days * 86400);
    X509_gmtime_adj(X509_getm_notAfter(x), until_days * 86400);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"Lab", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, signer ? X509_get_subject_name(signer) : name);
    X509_set_pubkey(x, key);
    if (sans) {
        X509V3_CTX ctx;
        X509V3_set_ctx(&ctx, signer ? signer : x, x, NULL, NULL, 0);
        X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, sans);
        ck_assert_ptr_nonnull(ext);
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    ck_assert_int_gt(X509_sign(x, signer_key ? signer_key : key, EVP_sha256()), 0);
    return x;
}

START_TEST(test_cert_self_signed_rsa)
{
    EVP_PKEY *key = EVP_RSA_gen(2048);
    X509 *x = make_cert(key, "pbx.example", NULL, NULL, -1, 30,
                        "DNS:pbx.example,IP:192.0.2.10,IP:2001:db8::5,URI:sip:pbx.example");
    sp__tls_cert *c = sp__tls_cert_from_x509(x, "TLSv1.3", "TLS_AES_128_GCM_SHA256", time(NULL));
    ck_assert_ptr_nonnull(c);
    const sp_tls_info *t = &c->pub;
    ck_assert_str_eq(t->subject, "CN=pbx.example,O=Lab");
    ck_assert_str_eq(t->issuer, "CN=pbx.example,O=Lab");
    ck_assert_int_eq(t->self_signed, 1);
    ck_assert_int_eq(t->expired, 0);
    ck_assert_str_eq(t->key_type, "RSA");
    ck_assert_int_eq(t->key_bits, 2048);
    ck_assert_str_eq(t->version, "TLSv1.3");
    ck_assert_uint_eq(t->n_sans, 4);
    ck_assert_str_eq(t->sans[0], "DNS:pbx.example");
    ck_assert_str_eq(t->sans[1], "IP:192.0.2.10");
    ck_assert_str_eq(t->sans[2], "IP:2001:db8::5");
    ck_assert_str_eq(t->sans[3], "URI:sip:pbx.example");
    ck_assert_uint_eq(strlen(t->sha256), 32 * 3 - 1);
    /* The fingerprint is the SHA-256 of the DER certificate. */
    unsigned char md[32];
    unsigned int n;
    X509_digest(x, EVP_sha256(), md, &n);
    char first[4];
    snprintf(first, sizeof(first), "%02X:", md[0]);
    ck_assert_int_eq(strncmp(t->sha256, first, 3), 0);
    ck_assert_uint_eq(strlen(t->not_before), 20); /* 2026-11-24T11:40:24Z */
    ck_assert_int_eq(t->not_after[19], 'Z');
    sp__tls_cert_free(c);
    X509_free(x);
    EVP_PKEY_free(key);
}
END_TEST

START_TEST(test_cert_ca_signed_and_expired)
{
    EVP_PKEY *ca_key = EVP_EC_gen("P-256");
    X509 *ca = make_cert(ca_key, "Lab CA", NULL, NULL, -100, 1000, NULL);
    EVP_PKEY *key = EVP_EC_gen("P-384");
    /* Signed by the CA: not self-signed; expired since yesterday. */
    X509 *x = make_cert(key, "old.example", ca, ca_key, -60, -1, NULL);
    sp__tls_cert *c = sp__tls_cert_from_x509(x, "TLSv1", NULL, time(NULL));
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->pub.self_signed, 0);
    ck_assert_int_eq(c->pub.expired, 1);
    ck_assert_str_eq(c->pub.issuer, "CN=Lab CA,O=Lab");
    ck_assert_str_eq(c->pub.key_type, "EC");
    ck_assert_int_eq(c->pub.key_bits, 384);
    ck_assert_uint_eq(c->pub.n_sans, 0);
    ck_assert_ptr_null(c->pub.cipher);
    /* Not yet valid counts as expired too; and a copy is deep. */
    sp__tls_cert *future = sp__tls_cert_from_x509(x, NULL, NULL, time(NULL) - 90 * 86400);
    ck_assert_int_eq(future->pub.expired, 1);
    sp__tls_cert *copy = sp__tls_cert_new(&c->pub);
    sp__tls_cert_free(c);
    ck_assert_str_eq(copy->pub.subject, "CN=old.example,O=Lab");
    sp__tls_cert_free(copy);
    sp__tls_cert_free(future);
    X509_free(x);
    X509_free(ca);
    EVP_PKEY_free(key);
    EVP_PKEY_free(ca_key);
}
END_TEST

START_TEST(test_iso_time)
{
    char buf[32];
    sp__iso_time(0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "1970-01-01T00:00:00Z");
    sp__iso_time(1700000000, buf, sizeof(buf));
    ck_assert_str_eq(buf, "2023-11-14T22:13:20Z");
    sp__iso_time(1700000000, buf, 5); /* too small: "?", never a cut date */
    ck_assert_str_eq(buf, "?");
}
END_TEST

START_TEST(test_cert_none)
{
    /* A handshake without a certificate (anonymous ciphers) still gives evidence. */
    sp__tls_cert *c = sp__tls_cert_from_x509(NULL, "TLSv1.2", "ADH-AES256-GCM-SHA384", 0);
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_null(c->pub.subject);
    ck_assert_str_eq(c->pub.cipher, "ADH-AES256-GCM-SHA384");
    sp__tls_cert_free(c);
}
END_TEST

/* The receive buffer grows with the rate (a huge rate once overflowed the
 * size to the 1 MB floor), and what the kernel drops when it is full is
 * counted. Loopback only: datagrams to our own socket on 127.0.0.1. */
START_TEST(test_udp_buffer_and_drops)
{
    sp__udp fast, slow;
    char err[128];
    sp__udp_init(&fast);
    sp__udp_init(&slow);
    ck_assert_int_eq(sp__udp_open(&fast, 4, 10000000, err, sizeof(err)), 0);
    ck_assert_int_eq(sp__udp_open(&slow, 4, 1, err, sizeof(err)), 0);
    int big = 0, small = 0;
    socklen_t l = sizeof(int);
    getsockopt(fast.fd[0], SOL_SOCKET, SO_RCVBUF, &big, &l);
    getsockopt(slow.fd[0], SOL_SOCKET, SO_RCVBUF, &small, &l);
    if (geteuid() == 0) /* only root may pass net.core.rmem_max */
        ck_assert_int_ge(big, 256 << 20);
    ck_assert_int_ge(small, 1 << 20);
    /* IPv4 datagrams carry Don't Fragment (a smaller path MTU turns it off:
     * test_lab_scan). */
    int pmtu = 0;
    l = sizeof(pmtu);
    getsockopt(fast.fd[0], IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, &l);
    ck_assert_int_eq(pmtu, IP_PMTUDISC_DO);
    ck_assert_int_eq(fast.df, 1);

    /* 4,000 datagrams of 1 KB into a 1 MB buffer nobody reads. */
    int tx = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(slow.port[0])};
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char payload[1024] = {0};
    for (int i = 0; i < 4000; i++)
        sendto(tx, payload, sizeof(payload), 0, (struct sockaddr *)&to, sizeof(to));
    sp__udp_rx rx;
    ck_assert_int_eq(sp__udp_rx_init(&rx), 0);
    int got = 0, n;
    while ((n = sp__udp_recv(&slow, 4, &rx)) > 0)
        got += n;
    ck_assert_int_lt(got, 4000);
    /* The kernel tells the count with the next datagram it queues. */
    sendto(tx, payload, sizeof(payload), 0, (struct sockaddr *)&to, sizeof(to));
    close(tx);
    ck_assert_int_eq(sp__udp_recv(&slow, 4, &rx), 1);
    ck_assert_uint_eq(slow.dropped[0], 4000 - got);
    sp__udp_rx_free(&rx);
    sp__udp_close(&fast);
    sp__udp_close(&slow);
}
END_TEST

Suite *stream_suite(void)
{
    Suite *s = suite_create("stream");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_frame_split_reads);
    tcase_add_test(tc, test_frame_several_in_one_read);
    tcase_add_test(tc, test_frame_missing_content_length);
    tcase_add_test(tc, test_frame_keepalives_and_limits);
    tcase_add_test(tc, test_cert_self_signed_rsa);
    tcase_add_test(tc, test_cert_ca_signed_and_expired);
    tcase_add_test(tc, test_cert_none);
    tcase_add_test(tc, test_iso_time);
    tcase_add_test(tc, test_udp_buffer_and_drops);
    suite_add_tcase(s, tc);
    return s;
}
