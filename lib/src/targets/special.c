/* Special-purpose blocks (IANA registries for IPv4 and IPv6) that no
 * unicast host can hold. A target that covers one without lying wholly
 * inside it leaves it out, as zmap's default blocklist does: a scan of
 * 0.0.0.0/0 should not send to multicast groups or the broadcast address.
 * A target wholly inside a block (an address someone typed on purpose, a
 * multicast range) is probed as asked. */
#include "targets/internal.h"

#include <stdio.h>
#include <string.h>

static const struct {
    uint8_t family;
    unsigned prefix;
    uint8_t net[16];
    const char *text, *what;
} blocks[SP__N_SPECIAL] = {
    {4, 8, {0}, "0.0.0.0/8", "this network"},
    {4, 4, {224}, "224.0.0.0/4", "multicast"},
    {4, 4, {240}, "240.0.0.0/4", "reserved"},
    {4, 32, {255, 255, 255, 255}, "255.255.255.255", "broadcast"},
    {6, 128, {0}, "::", "unspecified"},
    {6, 8, {0xff}, "ff00::/8", "multicast"},
};

static void block_range(size_t i, sp__u128 *lo, sp__u128 *hi)
{
    unsigned bits = blocks[i].family == 4 ? 32 : 128;
    sp__u128 host = blocks[i].prefix == bits ? 0 : ((sp__u128)1 << (bits - blocks[i].prefix)) - 1;
    *lo = sp__u128_from_addr(blocks[i].net, blocks[i].family);
    *hi = *lo | host;
}

size_t sp__special_blocks(const sp__range *target, sp__range *out, unsigned *left_out)
{
    size_t n = 0;
    for (size_t i = 0; i < SP__N_SPECIAL; i++) {
        sp__u128 lo, hi;
        block_range(i, &lo, &hi);
        if (blocks[i].family != target->family || hi < target->lo || lo > target->hi)
            continue; /* apart */
        if (target->lo >= lo && target->hi <= hi)
            continue; /* wholly inside: asked for on purpose */
        memset(&out[n], 0, sizeof(out[n]));
        out[n].family = blocks[i].family;
        out[n].lo = lo;
        out[n].hi = hi;
        out[n].port = -1;
        out[n].transport = -1;
        out[n].scope = 0; /* as excludes: an address of any zone */
        n++;
        *left_out |= 1u << i;
    }
    return n;
}

void sp__special_describe(unsigned left_out, sp__strv *out)
{
    for (size_t i = 0; i < SP__N_SPECIAL; i++) {
        if (!(left_out & (1u << i)))
            continue;
        char line[64];
        int n = snprintf(line, sizeof(line), "%s (%s)", blocks[i].text, blocks[i].what);
        sp__strv_push(out, line, (size_t)n);
    }
}
