/* Accepted risks: findings a team has decided to live with until a date
 * (--accept FILE). One entry per line, '#' comments:
 *   FINDING-ID SERVICE EXPIRY REASON...
 *   register-without-auth 10.20.0.13:5060/udp 2027-06-30 lab phone, isolated VLAN
 * SERVICE is a glob (fnmatch) matched against "host:port/transport" and
 * against the host alone ("10.20.0.*"); FINDING-ID may be a glob too. An
 * accepted finding is reported as accepted and does not fail --fail-on
 * until the end of its EXPIRY day (UTC); an expired entry fails the run. */
#ifndef SP_STATE_ACCEPT_H
#define SP_STATE_ACCEPT_H

#include "common/util.h"

#include <stddef.h>
#include <time.h>

typedef struct sp__accept_entry {
    char *finding, *service, *reason;
    char expiry[11]; /* YYYY-MM-DD */
    time_t until;    /* the end of that day, UTC */
    unsigned line;
    char *note; /* "accepted until 2027-06-30: lab phone" */
} sp__accept_entry;

typedef struct sp__accepts {
    sp__accept_entry *v;
    size_t n;
    char *path;
} sp__accepts;

void sp__accepts_free(sp__accepts *a);
/* Reads path. Returns 0, or an sp_code with a one-line err naming the
 * file and line of the first bad entry. */
int sp__accepts_load(sp__accepts *a, const char *path, char *err, size_t errlen);
/* The entry that accepts finding id on service ("host:port/transport",
 * host alone in host), valid at now; NULL when none. */
const sp__accept_entry *sp__accepts_match(const sp__accepts *a, const char *id, const char *service,
                                          const char *host, time_t now);
/* Expired entries at now, one line each ("file:line: ... expired on ..."),
 * appended to out. */
void sp__accepts_expired(const sp__accepts *a, time_t now, sp__strv *out);

#endif
