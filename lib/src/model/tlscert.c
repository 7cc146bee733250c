#include "model/tlscert.h"

#include <stdlib.h>
#include <string.h>

static const char *keep(sp__tls_cert *c, int slot, const char *s, int *failed)
{
    if (!s)
        return NULL;
    c->strings[slot] = strdup(s);
    if (!c->strings[slot])
        *failed = 1;
    return c->strings[slot];
}

sp__tls_cert *sp__tls_cert_new(const sp_tls_info *src)
{
    sp__tls_cert *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    int failed = 0;
    c->pub = *src;
    c->pub.version = keep(c, 0, src->version, &failed);
    c->pub.cipher = keep(c, 1, src->cipher, &failed);
    c->pub.subject = keep(c, 2, src->subject, &failed);
    c->pub.issuer = keep(c, 3, src->issuer, &failed);
    c->pub.not_before = keep(c, 4, src->not_before, &failed);
    c->pub.not_after = keep(c, 5, src->not_after, &failed);
    c->pub.key_type = keep(c, 6, src->key_type, &failed);
    c->pub.sha256 = keep(c, 7, src->sha256, &failed);
    c->pub.sans = NULL;
    c->pub.n_sans = 0;
    if (src->n_sans) {
        c->sans = calloc(src->n_sans, sizeof(*c->sans));
        if (!c->sans)
            failed = 1;
        for (size_t i = 0; c->sans && i < src->n_sans; i++) {
            c->sans[i] = strdup(src->sans[i] ? src->sans[i] : "");
            if (!c->sans[i]) {
                failed = 1;
                break;
            }
            c->pub.n_sans++;
        }
        c->pub.sans = (const char *const *)c->sans;
    }
    if (failed) {
        sp__tls_cert_free(c);
        return NULL;
    }
    return c;
}

void sp__tls_cert_free(sp__tls_cert *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < sizeof(c->strings) / sizeof(c->strings[0]); i++)
        free(c->strings[i]);
    for (size_t i = 0; i < c->pub.n_sans; i++)
        free(c->sans[i]);
    free(c->sans);
    free(c);
}
