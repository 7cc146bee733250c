/* A token bucket for pacing probes: pure arithmetic on caller-supplied time,
 * so it can be tested without clocks. */
#ifndef SP_RATELIMIT_H
#define SP_RATELIMIT_H

#include <stdint.h>

typedef struct sp__bucket {
    double rate;  /* tokens per second */
    double burst; /* most tokens held at once */
    double tokens;
    uint64_t last_ns;
} sp__bucket;

/* Starts with one token so the first probe leaves at once. */
void sp__bucket_init(sp__bucket *b, double rate, double burst, uint64_t now_ns);
/* Takes up to `want` tokens; returns how many were granted. */
unsigned sp__bucket_take(sp__bucket *b, uint64_t now_ns, unsigned want);
/* Nanoseconds from now until at least `want` tokens (capped at burst) are available. */
uint64_t sp__bucket_wait_ns(const sp__bucket *b, uint64_t now_ns, unsigned want);

#endif
