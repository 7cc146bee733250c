/* What a service's responses have already shown: a set of hashes of raw
 * header lines whose values (as libosip2 reads them) were merged into the
 * service. A later response made only of such lines, or of lines feeding
 * lists that are full, adds nothing, and is not parsed. A line is its own
 * key: the same bytes always give libosip2 the same values. */
#ifndef SP_CAPTURE_SEEN_H
#define SP_CAPTURE_SEEN_H

#include "capture/glance.h"
#include "model/service.h"
#include "sip/sipmsg.h"

#include <stdint.h>

typedef struct sp__seen {
    uint64_t *slot; /* open addressing, 0 free */
    uint32_t n, cap;
} sp__seen;

void sp__seen_free(sp__seen *s);

/* 1 when sp__classify_headers(svc, parse of msg) would change nothing:
 * every first-wins field it could fill is set, there is no body, and
 * each header line is either known to add nothing, seen, or feeds lists
 * that are full. msg is plain (g read it). */
int sp__seen_covers(const sp__seen *s, const sp__svc *svc, const char *msg, const sp__glance *g);

/* After p (the parse of plain msg) was merged into the service: remembers
 * its lines, unless a per-message cap of the parse left values out. */
void sp__seen_add(sp__seen *s, const char *msg, const sp__glance *g, const sp__parsed *p);

#endif
