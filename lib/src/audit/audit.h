/* The password audit of one host, as a pure state machine: what to send
 * next (a REGISTER without credentials to get a challenge, or an attempt
 * with the next candidate), and what each answer means (a wrong password,
 * a stale nonce, a success, an unknown extension, or a host that has begun
 * to refuse: brute-force protection). The engine (engine/audit.c) does the
 * sending, timing and retransmissions; this file never sees a socket or a
 * clock, so every decision is unit-tested from answers alone. */
#ifndef SP_AUDIT_AUDIT_H
#define SP_AUDIT_AUDIT_H

#include "audit/candidates.h"
#include "audit/digest.h"
#include "common/util.h"

#include <stdint.h>

/* The fewest wrong attempts, all answered alike and at full speed, that
 * justify "no brute-force protection". */
#define SP__AUDIT_NO_PROTECTION_MIN 20

typedef enum {
    SP__AUDIT_SEND_PLAIN, /* a REGISTER without credentials: to get a challenge */
    SP__AUDIT_SEND_AUTH,  /* an attempt with the current candidate */
    SP__AUDIT_DONE,
} sp__audit_next;

typedef struct sp__audit_found {
    char ext[80];
    char kind[64];                   /* "same as the extension", "passwords file line 12" */
    char password[SP__PASSWORD_MAX]; /* written out only with --show-passwords */
    char algorithm[24];
} sp__audit_found;

typedef struct sp__audit_host {
    /* What to audit. */
    sp__strv exts;
    const sp__passlist *file;
    unsigned max_attempts; /* per extension; 0: every candidate */

    /* Where it is. */
    size_t cur_ext;
    sp__candidates cand;
    size_t pos;                      /* the next candidate */
    char password[SP__PASSWORD_MAX]; /* the current one */
    char kind[64];
    uint32_t ext_attempts; /* attempts on the current extension */
    unsigned stale_retries;
    sp__challenge ch;
    int have_ch;
    uint32_t nc;
    int wrong_is_403; /* this server answers a wrong password with 403 */
    int wrong_seen_401;
    sp__audit_next next;
    int last_auth; /* the request in flight carries credentials */

    /* What it saw. */
    uint32_t attempts; /* authenticated attempts answered or lost */
    uint32_t wrong;
    uint32_t exts_done, exts_unknown, exts_open;
    char first_kind[200];
    int kind_changed;
    double rtt_first[5], rtt_last[5];
    uint32_t n_rtt;

    /* The verdict. */
    sp__audit_found *found;
    size_t n_found;
    int protection; /* it began to refuse: the audit of this host stopped */
    char protection_how[160];
    char note[240]; /* why the audit of this host ended early, if it did */
} sp__audit_host;

/* exts are copied. Returns 0, or -1 out of memory. */
int sp__audit_host_init(sp__audit_host *h, const sp__strv *exts, const sp__passlist *file,
                        unsigned max_attempts);
void sp__audit_host_free(sp__audit_host *h);

/* The current extension (valid until the next answer). */
const char *sp__audit_ext(const sp__audit_host *h);

/* The answer to the request in flight: its status and, for a 401/407, its
 * challenge (NULL when it has none we can answer). Provisional answers are
 * ignored. */
void sp__audit_answer(sp__audit_host *h, int status, const sp__challenge *ch, double rtt_ms);

/* The request in flight got no answer at all, retransmissions included. */
void sp__audit_silence(sp__audit_host *h);

/* Ends the host's audit early (a stop request). */
void sp__audit_abort(sp__audit_host *h, const char *why);

/* 1 when the answers show no protection: at least
 * SP__AUDIT_NO_PROTECTION_MIN wrong attempts answered with the same kind
 * of challenge and no slowdown. Fills evidence. */
int sp__audit_unprotected(const sp__audit_host *h, char *evidence, size_t cap);

#endif
