/* The output thread of a scan: it finishes the services the scan thread
 * hands over (fingerprints, findings, the JSON line) and writes them to the
 * resume journal and the ndjson outputs, and during discovery it also
 * parses and classifies the replies the scan thread only matched
 * (engine/record.c), so that receiving never waits on that work. Items
 * keep their order: pointers, or copies of bytes (a reply) held in a
 * bounded ring until their work is done. */
#ifndef SP_OUTTHREAD_H
#define SP_OUTTHREAD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sp__out_item {
    void *item;
    int flag;
    size_t span; /* bytes of the ring the item holds (a copy), 0 for a pointer */
} sp__out_item;

typedef struct sp__outthread {
    /* Called on the output thread: one item (which the callback then owns),
     * and at least every 50 ms while idle, to flush. */
    void (*work)(void *ctx, void *item, int flag);
    void (*idle)(void *ctx);
    void *ctx;

    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t more, room;
    sp__out_item *ring;
    size_t cap, head, n;
    char *bytes; /* copies: a circular buffer of bytes_cap, bytes_used of it */
    size_t bytes_cap, bytes_tail, bytes_used;
    int running, stop, idle_wait, full_wait;
    uint64_t syncs_asked, syncs_done;
    uint64_t full_waits, full_wait_ns; /* back-pressure: how often and how long push waited */
} sp__outthread;

/* Starts the thread (with every signal blocked); -1 if it cannot, and then
 * the caller does the work inline. */
int sp__outthread_start(sp__outthread *ot, void (*work)(void *, void *, int), void (*idle)(void *),
                        void *ctx);
/* Queues an item for work(); waits while the queue is full, so memory
 * stays bounded (each wait is counted). */
void sp__outthread_push(sp__outthread *ot, void *item, int flag);
/* Queues a copy of head then body (body may be NULL): work() gets a
 * pointer to the copy, aligned for any type, valid until it returns.
 * Waits, counted, while the ring lacks room. */
void sp__outthread_push_copy(sp__outthread *ot, int flag, const void *head, size_t head_len,
                             const void *body, size_t body_len);
/* Returns once work() has run for every item queued before. */
void sp__outthread_sync(sp__outthread *ot);
/* Works off everything queued, calls idle once more, and ends the thread.
 * Harmless when it is not running. */
void sp__outthread_stop(sp__outthread *ot);

#endif
