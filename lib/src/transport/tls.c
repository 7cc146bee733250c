#include "transport/tls.h"

#include "common/util.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

SSL_CTX *sp__tls_client_ctx(char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        snprintf(err, errlen, "cannot create a TLS context: %s",
                 ERR_reason_error_string(ERR_get_error()));
        return NULL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    /* Old devices speak TLS 1.0/1.1 and weak ciphers: connect anyway (and
     * report it as tls-weak-protocol) rather than fail the handshake. */
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_LEGACY_SERVER_CONNECT |
                                 SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return ctx;
}

/* An X509 name as one RFC 2253 line. */
static char *name_line(const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return NULL;
    X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char *data;
    long n = BIO_get_mem_data(b, &data);
    char *s = malloc((size_t)n + 1);
    if (s) {
        memcpy(s, data, (size_t)n);
        s[n] = '\0';
    }
    BIO_free(b);
    return s;
}

static void cert_time(const ASN1_TIME *t, char *out, size_t len)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) {
        snprintf(out, len, "?");
        return;
    }
    sp__iso_time(timegm(&tm), out, len);
}

/* subjectAltName entries: DNS names, IP addresses and URIs, as text. */
static size_t alt_names(X509 *cert, char **out, size_t cap)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    size_t n = 0;
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names) && n < cap; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
        char buf[300];
        if (g->type == GEN_DNS || g->type == GEN_URI) {
            const ASN1_IA5STRING *s =
                g->type == GEN_DNS ? g->d.dNSName : g->d.uniformResourceIdentifier;
            int len = ASN1_STRING_length(s);
            snprintf(buf, sizeof(buf), "%s:%.*s", g->type == GEN_DNS ? "DNS" : "URI",
                     len > 255 ? 255 : len, (const char *)ASN1_STRING_get0_data(s));
        } else if (g->type == GEN_IPADD) {
            const ASN1_OCTET_STRING *ip = g->d.iPAddress;
            char a[64];
            int len = ASN1_STRING_length(ip);
            if ((len != 4 && len != 16) ||
                !inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), a, sizeof(a)))
                continue;
            snprintf(buf, sizeof(buf), "IP:%s", a);
        } else {
            continue;
        }
        out[n++] = strdup(buf);
    }
    GENERAL_NAMES_free(names);
    return n;
}

sp__tls_cert *sp__tls_cert_from_x509(X509 *cert, const char *version, const char *cipher,
                                     time_t now)
{
    sp_tls_info info;
    memset(&info, 0, sizeof(info));
    info.version = version;
    info.cipher = cipher;
    char before[32], after[32], sha[32 * 3 + 1] = "";
    char *subject = NULL, *issuer = NULL, *sans[16];
    size_t n_sans = 0;
    if (cert) {
        subject = name_line(X509_get_subject_name(cert));
        issuer = name_line(X509_get_issuer_name(cert));
        info.subject = subject;
        info.issuer = issuer;
        cert_time(X509_get0_notBefore(cert), before, sizeof(before));
        cert_time(X509_get0_notAfter(cert), after, sizeof(after));
        info.not_before = before;
        info.not_after = after;
        info.expired = X509_cmp_time(X509_get0_notAfter(cert), &now) < 0 ||
                       X509_cmp_time(X509_get0_notBefore(cert), &now) > 0;
        info.self_signed = X509_self_signed(cert, 1) == 1;
        EVP_PKEY *key = X509_get0_pubkey(cert);
        if (key) {
            info.key_type = EVP_PKEY_get0_type_name(key);
            info.key_bits = EVP_PKEY_get_bits(key);
        }
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int md_len = 0;
        if (X509_digest(cert, EVP_sha256(), md, &md_len) == 1 && md_len == 32) {
            static const char hex[] = "0123456789ABCDEF";
            for (unsigned i = 0; i < md_len; i++) {
                sha[3 * i] = hex[md[i] >> 4];
                sha[3 * i + 1] = hex[md[i] & 15];
                sha[3 * i + 2] = ':';
            }
            sha[3 * md_len - 1] = '\0';
            info.sha256 = sha;
        }
        n_sans = alt_names(cert, sans, sizeof(sans) / sizeof(sans[0]));
        info.sans = (const char *const *)sans;
        info.n_sans = n_sans;
    }
    sp__tls_cert *c = sp__tls_cert_new(&info);
    free(subject);
    free(issuer);
    for (size_t i = 0; i < n_sans; i++)
        free(sans[i]);
    return c;
}

sp__tls_cert *sp__tls_cert_from_ssl(SSL *ssl, time_t now)
{
    X509 *cert = SSL_get1_peer_certificate(ssl);
    sp__tls_cert *c = sp__tls_cert_from_x509(cert, SSL_get_version(ssl),
                                             SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)), now);
    X509_free(cert);
    return c;
}
