#include "engine/ratelimit.h"

void sp__bucket_init(sp__bucket *b, double rate, double burst, uint64_t now_ns)
{
    b->rate = rate > 0 ? rate : 1;
    b->burst = burst >= 1 ? burst : 1;
    b->tokens = 1;
    b->last_ns = now_ns;
}

static void refill(sp__bucket *b, uint64_t now_ns)
{
    if (now_ns <= b->last_ns)
        return;
    b->tokens += (double)(now_ns - b->last_ns) * b->rate / 1e9;
    if (b->tokens > b->burst)
        b->tokens = b->burst;
    b->last_ns = now_ns;
}

unsigned sp__bucket_take(sp__bucket *b, uint64_t now_ns, unsigned want)
{
    refill(b, now_ns);
    unsigned got = b->tokens >= want ? want : (unsigned)b->tokens;
    b->tokens -= got;
    return got;
}

uint64_t sp__bucket_wait_ns(const sp__bucket *b, uint64_t now_ns, unsigned want)
{
    double need = want > b->burst ? b->burst : want;
    double have = b->tokens;
    if (now_ns > b->last_ns)
        have += (double)(now_ns - b->last_ns) * b->rate / 1e9;
    if (have >= need)
        return 0;
    return (uint64_t)((need - have) * 1e9 / b->rate) + 1;
}
