/* HTTP digest authentication as SIP uses it (RFC 2617, RFC 7616, RFC 8760):
 * reading a challenge (WWW-Authenticate / Proxy-Authenticate), computing a
 * response with OpenSSL's digests (MD5, SHA-256, SHA-512/256, each also as
 * "-sess"), building the Authorization value for an audit attempt, and
 * reading a captured Authorization back to test candidates offline. Pure
 * code: no sockets, clocks or randomness (the caller gives the cnonce). */
#ifndef SP_AUDIT_DIGEST_H
#define SP_AUDIT_DIGEST_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    SP__DIGEST_MD5 = 0,
    SP__DIGEST_SHA256 = 1,
    SP__DIGEST_SHA512_256 = 2,
} sp__digest_alg;

/* A challenge the server sent. Values longer than the fields make the
 * challenge unusable (parse fails) rather than silently cut. */
typedef struct sp__challenge {
    char realm[128];
    char nonce[256];
    char opaque[256];
    char algorithm[24]; /* as the server wrote it; "" when absent (MD5) */
    sp__digest_alg alg;
    int sess;         /* an "-sess" algorithm */
    int qop_auth;     /* qop="auth" offered */
    int qop_auth_int; /* qop="auth-int" offered */
    int stale;        /* stale=true: the nonce expired, the credentials were fine */
    int proxy;        /* a Proxy-Authenticate (407) rather than WWW-Authenticate */
} sp__challenge;

/* Reads one challenge value ("Digest realm=..., nonce=..."). Returns 0, or
 * -1 when it is not a digest challenge this code can answer (another
 * scheme, an unknown algorithm, a missing nonce, an over-long value). */
int sp__challenge_parse(const char *value, size_t len, sp__challenge *c);

/* The challenge of a raw 401/407 response: of its WWW-Authenticate (or
 * Proxy-Authenticate) headers the strongest one we can answer
 * (SHA-512-256, then SHA-256, then MD5), as RFC 8760 lets a client choose.
 * Returns 0, or -1 when there is none. */
int sp__challenge_from_response(const char *msg, size_t len, sp__challenge *c);

/* "realm/algorithm/qop": what stays the same while nonces change, used to
 * tell "the same kind of challenge" apart from a changed one. */
void sp__challenge_kind(const sp__challenge *c, char *out, size_t cap);

/* The response (lower-case hex) for the given fields. qop is "auth",
 * "auth-int" or "" (RFC 2069 style, no cnonce/nc). body is the request's
 * body for auth-int ("" for none). Returns its length, or 0 on failure. */
size_t sp__digest_response(sp__digest_alg alg, int sess, const char *user, const char *realm,
                           const char *password, const char *method, const char *uri,
                           const char *nonce, const char *cnonce, const char *nc, const char *qop,
                           const char *body, char *out, size_t cap);

/* The Authorization (or Proxy-Authorization) value for an attempt: qop
 * "auth" when offered (else "auth-int", else none), nc as 8 hex digits.
 * Returns its length, or 0 when it does not fit in cap. */
size_t sp__authorization_build(const sp__challenge *c, const char *user, const char *password,
                               const char *method, const char *uri, const char *cnonce, uint32_t nc,
                               char *out, size_t cap);

/* A digest answer read from a captured request, with its request method. */
typedef struct sp__credentials {
    char user[128];
    char realm[128];
    char nonce[256];
    char uri[256];
    char response[132];
    char cnonce[128];
    char nc[16];
    char qop[16];
    char algorithm[24];
    sp__digest_alg alg;
    int sess;
    char method[32];
} sp__credentials;

/* Reads an Authorization value ("Digest username=..., response=..."). Returns
 * 0, or -1 when it is not a digest answer we can check. */
int sp__credentials_parse(const char *value, size_t len, const char *method, sp__credentials *cr);

/* 1 when password gives the captured response. */
int sp__credentials_match(const sp__credentials *cr, const char *password);

#endif
