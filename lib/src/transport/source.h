/* Where a scan's packets come from, when the user chooses: a source
 * address (one family), a UDP source port and an interface. Applied to
 * every socket before it sends, so the kernel never picks another. */
#ifndef SP_TRANSPORT_SOURCE_H
#define SP_TRANSPORT_SOURCE_H

#include "targets/targets.h"

#include <stdint.h>

typedef struct sp__source {
    sp__addr addr;
    int has_addr;
    uint16_t port; /* UDP only; 0: any */
    char iface[16];
} sp__source;

/* Binds fd (of family 4 or 6) to the interface, then to the address when
 * it is of that family (else the wildcard) with port (0: ephemeral).
 * Returns 0, or -1 with errno set. */
int sp__source_bind(const sp__source *src, int fd, int family, uint16_t port);

/* 0 when addr is an address of this host (a socket can bind to it),
 * else -1 with errno set. Sends nothing. */
int sp__source_check(const sp__addr *addr);

#endif
