/* Classification: pure functions from reply bytes to the result model.
 * No sockets, clocks or globals, so live scans and capture files share it
 * and tests drive it from fixtures alone. */
#ifndef SP_CLASSIFY_H
#define SP_CLASSIFY_H

#include "classify/fingerprint.h"
#include "model/service.h"
#include "sip/sipmsg.h"
#include "classify/vulns.h"

/* Merges one parsed reply to probe `probe_name` into svc. Retransmissions
 * and a second final reply to the same probe are ignored; a provisional
 * reply is replaced by the final one. Returns 1 if the reply was new. */
int sp__classify_reply(sp__svc *svc, int probe_index, const char *probe_name, const sp__parsed *msg,
                       double rtt_ms, size_t bytes, size_t req_bytes);

/* Merges what any message from the service shows about it (banners,
 * Allow, Contact, ...) without recording a reply: for captures, where it
 * answers requests that are not probes, or sends requests itself. */
void sp__classify_headers(sp__svc *svc, const sp__parsed *msg);

/* Compares the To URI of a reply with the one sent (RFC 3261 says the server
 * copies To verbatim, tag aside): a difference means a SIP ALG on the path
 * rewrote it, which svc records as evidence. */
void sp__classify_echo(sp__svc *svc, const char *sent_to_uri, const sp__parsed *msg);

/* Fingerprints the service and evaluates findings (vulns may be NULL);
 * then publishes the view. */
void sp__classify_finish(sp__svc *svc, const sp__fpdb *db, const sp__vulndb *vulns);

#endif
