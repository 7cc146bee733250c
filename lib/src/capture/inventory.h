/* Inventory from captures: SIP messages seen on the wire (capture/capture.c) turned
 * into the same service records a live scan makes, classified by the same
 * code. Requests and responses are paired by Call-ID and CSeq, which gives
 * the evidence a capture holds: a REGISTER without credentials that got 2xx,
 * a source whose credentials keep being refused, a scanner's User-Agent. */
#ifndef SP_INVENTORY_H
#define SP_INVENTORY_H

#include "capture/capture.h"
#include "classify/fingerprint.h"
#include "model/service.h"
#include "classify/vulns.h"

/* Failed REGISTER authentications from one source before it is brute force. */
#define SP__BRUTE_FORCE_MIN 10

typedef struct sp__inventory sp__inventory;

sp__inventory *sp__inventory_new(void);
/* Tests the digest answers the capture shows accepted against the audit's
 * candidates (file may be NULL); passwords are kept only when show is set. */
struct sp__passlist;
void sp__inventory_audit(sp__inventory *inv, const struct sp__passlist *file, unsigned max_attempts,
                         int show);
void sp__inventory_free(sp__inventory *inv);
/* Takes one message off the wire. Returns 0, or -1 when it is not SIP that
 * libosip2 can read (counted, skipped). */
int sp__inventory_add(sp__inventory *inv, const sp__wire_msg *m);
/* Classifies every endpoint and hands each to fn, which takes ownership
 * (free with sp__svc_free). Endpoints come in address order. */
void sp__inventory_finish(sp__inventory *inv, const sp__fpdb *db, const sp__vulndb *vulns,
                          void (*fn)(void *ctx, sp__svc *svc), void *ctx);

#endif
