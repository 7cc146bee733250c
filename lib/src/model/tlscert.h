/* TLS certificate evidence as the result model holds it: an owned copy of
 * an sp_tls_info. Pure data, no OpenSSL (transport/tls.c fills it from a handshake). */
#ifndef SP_TLSCERT_H
#define SP_TLSCERT_H

#include "sipprobe/sipprobe.h"

typedef struct sp__tls_cert {
    sp_tls_info pub; /* every string points into the record */
    char *strings[9];
    char **sans;
} sp__tls_cert;

/* A deep copy of src (which may point anywhere); NULL when out of memory. */
sp__tls_cert *sp__tls_cert_new(const sp_tls_info *src);
void sp__tls_cert_free(sp__tls_cert *c);

#endif
