/* TLS with OpenSSL: the client context the scanner handshakes with, and the
 * certificate evidence read from a handshake. */
#ifndef SP_TLS_H
#define SP_TLS_H

#include "model/tlscert.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <time.h>

/* A client context that does not verify (a scanner must see self-signed
 * devices) and accepts every protocol version down to TLS 1.0, so that a
 * weak server is seen, not refused. NULL with err set on failure. */
SSL_CTX *sp__tls_client_ctx(char *err, size_t errlen);

/* Evidence from a certificate as of `now`; version and cipher come from the
 * handshake (may be NULL). NULL when out of memory. */
sp__tls_cert *sp__tls_cert_from_x509(X509 *cert, const char *version, const char *cipher,
                                     time_t now);

/* Evidence from a finished handshake: the peer certificate (if any), the
 * protocol version and the cipher. */
sp__tls_cert *sp__tls_cert_from_ssl(SSL *ssl, time_t now);

#endif
