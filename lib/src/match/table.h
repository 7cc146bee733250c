/* The service table: one small row per responding (address, port,
 * transport), kept for the whole run so that retransmissions and retries
 * are recognised after a service is finished. Open addressing, keyed by
 * SipHash under the scan's key so that a hostile network cannot aim
 * collisions at it. */
#ifndef SP_MATCH_TABLE_H
#define SP_MATCH_TABLE_H

#include "model/service.h"
#include "targets/targets.h"

#include <stddef.h>
#include <stdint.h>

typedef struct sp__entry {
    uint8_t used;
    uint8_t family;
    uint8_t transport;
    uint16_t port;
    uint32_t seen_mask;  /* probes that got any reply */
    uint32_t final_mask; /* probes that got a final (>= 200) reply */
    uint8_t dirty;       /* got a reply since its record was last journaled */
    uint8_t addr[16];
    uint32_t slot; /* the record is on the output thread under this number (engine/record.h) */
    sp__svc *svc;  /* the full record while it is not yet finished, on the scan thread */
} sp__entry;

typedef struct sp__table {
    sp__entry *v;
    size_t cap, used;
    uint8_t key[16];
} sp__table;

void sp__table_init(sp__table *t, const uint8_t key[16]);
/* Frees the rows and the records still in them. */
void sp__table_free(sp__table *t);
/* The row of (a, port, transport); with add, a new empty row when there is
 * none. NULL when absent (or out of memory with add). */
sp__entry *sp__table_find(sp__table *t, const sp__addr *a, uint16_t port, uint8_t transport,
                          int add);

#endif
