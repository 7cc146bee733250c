/* The output thread of a scan: it finishes the services the scan thread
 * hands over (fingerprints, findings, the JSON line) and writes them to the
 * resume journal and the ndjson outputs, while the scan thread goes on
 * receiving. When every target answers, that is a third of the work per
 * service, and a second core takes it. Items keep their order. */
#ifndef SP_OUTTHREAD_H
#define SP_OUTTHREAD_H

#include <pthread.h>
#include <stddef.h>

typedef struct sp__out_item {
    void *item;
    int flag;
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
    int running, stop, idle_wait, full_wait;
} sp__outthread;

/* Starts the thread (with every signal blocked); -1 if it cannot, and then
 * the caller does the work inline. */
int sp__outthread_start(sp__outthread *ot, void (*work)(void *, void *, int), void (*idle)(void *),
                        void *ctx);
/* Queues an item for work(); waits while the queue is full, so memory
 * stays bounded. */
void sp__outthread_push(sp__outthread *ot, void *item, int flag);
/* Works off everything queued, calls idle once more, and ends the thread.
 * Harmless when it is not running. */
void sp__outthread_stop(sp__outthread *ot);

#endif
