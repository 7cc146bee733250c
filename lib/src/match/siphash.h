/* SipHash-2-4 (Aumasson & Bernstein): a fast keyed hash, used for reply tokens. */
#ifndef SP_SIPHASH_H
#define SP_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t sp__siphash24(const uint8_t key[16], const void *data, size_t len);

#endif
