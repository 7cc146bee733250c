#include "linewriter.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE_LINES 1024 /* about 2.5 MB of typical lines at most */
#define BATCH 64

static void *run(void *arg)
{
    sp__linewriter *lw = arg;
    sp__line_slot batch[BATCH];
    pthread_mutex_lock(&lw->mu);
    for (;;) {
        while (lw->n == 0 && !lw->stop) {
            struct timespec until;
            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_nsec += 50000000;
            if (until.tv_nsec >= 1000000000) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000;
            }
            lw->idle_wait = 1;
            int rc = pthread_cond_timedwait(&lw->more, &lw->mu, &until);
            lw->idle_wait = 0;
            if (rc == ETIMEDOUT && lw->n == 0) {
                pthread_mutex_unlock(&lw->mu);
                lw->idle(lw->ctx);
                pthread_mutex_lock(&lw->mu);
            }
        }
        if (lw->n == 0)
            break; /* stopping, and everything is written */
        size_t k = 0;
        while (lw->n && k < BATCH) {
            batch[k++] = lw->ring[lw->head];
            lw->head = (lw->head + 1) % lw->cap;
            lw->n--;
        }
        if (lw->full_wait)
            pthread_cond_signal(&lw->room);
        pthread_mutex_unlock(&lw->mu);
        for (size_t i = 0; i < k; i++) {
            lw->write(lw->ctx, batch[i].line, batch[i].journal);
            free(batch[i].line);
        }
        pthread_mutex_lock(&lw->mu);
    }
    pthread_mutex_unlock(&lw->mu);
    lw->idle(lw->ctx);
    return NULL;
}

int sp__linewriter_start(sp__linewriter *lw, void (*write)(void *, const char *, int),
                         void (*idle)(void *), void *ctx)
{
    memset(lw, 0, sizeof(*lw));
    lw->write = write;
    lw->idle = idle;
    lw->ctx = ctx;
    lw->cap = QUEUE_LINES;
    lw->ring = calloc(lw->cap, sizeof(*lw->ring));
    if (!lw->ring)
        return -1;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&lw->mu, NULL);
    pthread_cond_init(&lw->more, &ca);
    pthread_cond_init(&lw->room, NULL);
    pthread_condattr_destroy(&ca);
    /* The thread takes no signals: SIGINT must reach the scan thread and
     * interrupt its waits. It inherits the mask in force here. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&lw->thread, NULL, run, lw);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_mutex_destroy(&lw->mu);
        pthread_cond_destroy(&lw->more);
        pthread_cond_destroy(&lw->room);
        free(lw->ring);
        lw->ring = NULL;
        return -1;
    }
    lw->running = 1;
    return 0;
}

void sp__linewriter_push(sp__linewriter *lw, char *line, int journal)
{
    pthread_mutex_lock(&lw->mu);
    while (lw->n == lw->cap) {
        lw->full_wait = 1;
        pthread_cond_wait(&lw->room, &lw->mu);
        lw->full_wait = 0;
    }
    lw->ring[(lw->head + lw->n) % lw->cap] = (sp__line_slot){line, journal};
    lw->n++;
    /* The writer wakes by itself every 50 ms and takes whatever queued up
     * in one go; it is woken early only when the queue fills up, so that
     * a busy scan costs a few wake-ups a second, not one per line. */
    if (lw->idle_wait && lw->n >= lw->cap / 4)
        pthread_cond_signal(&lw->more);
    pthread_mutex_unlock(&lw->mu);
}

void sp__linewriter_stop(sp__linewriter *lw)
{
    if (!lw->running)
        return;
    pthread_mutex_lock(&lw->mu);
    lw->stop = 1;
    pthread_cond_signal(&lw->more);
    pthread_mutex_unlock(&lw->mu);
    pthread_join(lw->thread, NULL);
    pthread_mutex_destroy(&lw->mu);
    pthread_cond_destroy(&lw->more);
    pthread_cond_destroy(&lw->room);
    free(lw->ring);
    memset(lw, 0, sizeof(*lw));
}
