/* What targets.c (sets) and parse.c (one token) share: addresses as
 * 128-bit numbers, and the message of a malformed target. Private to the
 * targets stage. */
#ifndef SP_TARGETS_INTERNAL_H
#define SP_TARGETS_INTERNAL_H

#include "targets/targets.h"

#include <string.h>

#define SP__TARGET_TOKEN_MAX 512

static inline sp__u128 sp__u128_from_addr(const uint8_t *bytes, int family)
{
    sp__u128 v = 0;
    int n = family == 4 ? 4 : 16;
    for (int i = 0; i < n; i++)
        v = (v << 8) | bytes[i];
    return v;
}

static inline void sp__u128_to_addr(sp__u128 v, int family, sp__addr *a)
{
    memset(a, 0, sizeof(*a));
    a->family = (uint8_t)family;
    int n = family == 4 ? 4 : 16;
    for (int i = n - 1; i >= 0; i--) {
        a->bytes[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

/* The special-purpose blocks a target leaves out (special.c): appends to
 * out (room for SP__N_SPECIAL) those it covers without lying wholly inside
 * one, sets their bits in *left_out, returns how many. */
size_t sp__special_blocks(const sp__range *target, sp__range *out, unsigned *left_out);

/* "malformed target 'TOKEN': WHY" in err; returns code. */
int sp__target_fail(char *err, size_t errlen, int code, const char *token, const char *why);

/* qsort/bsearch order of uint16_t ports (ports.c). */
int sp__port_cmp(const void *a, const void *b);

#endif
