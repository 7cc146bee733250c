/* A second thread for the output of a scan: it writes the finished JSON
 * lines of services (to the resume journal and the ndjson outputs) while
 * the scan thread goes on receiving and classifying. When every target
 * answers, writing is a fifth of the work per service; on a machine with a
 * core to spare it no longer holds up the replies. Lines keep their order. */
#ifndef SP_LINEWRITER_H
#define SP_LINEWRITER_H

#include <pthread.h>
#include <stddef.h>

typedef struct sp__line_slot {
    char *line;
    int journal; /* also to the journal */
} sp__line_slot;

typedef struct sp__linewriter {
    /* Called on the writer thread: one line (valid for the call only), and
     * at least every 50 ms while idle, to flush. */
    void (*write)(void *ctx, const char *line, int journal);
    void (*idle)(void *ctx);
    void *ctx;

    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t more, room;
    sp__line_slot *ring;
    size_t cap, head, n;
    int running, stop, idle_wait, full_wait;
} sp__linewriter;

/* Starts the thread; -1 if it cannot (then the caller writes inline). */
int sp__linewriter_start(sp__linewriter *lw, void (*write)(void *, const char *, int),
                         void (*idle)(void *), void *ctx);
/* Queues a malloc'd line, which the writer frees; waits while the queue
 * is full, so memory stays bounded. */
void sp__linewriter_push(sp__linewriter *lw, char *line, int journal);
/* Writes everything queued, calls idle once more, and ends the thread. */
void sp__linewriter_stop(sp__linewriter *lw);

#endif
