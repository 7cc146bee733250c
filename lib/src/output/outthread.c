#include "output/outthread.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE_ITEMS 1024 /* services of a few KB each: a few MB at most */
#define BATCH 64

static void *run(void *arg)
{
    sp__outthread *ot = arg;
    sp__out_item batch[BATCH];
    pthread_mutex_lock(&ot->mu);
    for (;;) {
        while (ot->n == 0 && !ot->stop) {
            struct timespec until;
            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_nsec += 50000000;
            if (until.tv_nsec >= 1000000000) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000;
            }
            ot->idle_wait = 1;
            int rc = pthread_cond_timedwait(&ot->more, &ot->mu, &until);
            ot->idle_wait = 0;
            if (rc == ETIMEDOUT && ot->n == 0) {
                pthread_mutex_unlock(&ot->mu);
                ot->idle(ot->ctx);
                pthread_mutex_lock(&ot->mu);
            }
        }
        if (ot->n == 0)
            break; /* stopping, and everything is written */
        size_t k = 0;
        while (ot->n && k < BATCH) {
            batch[k++] = ot->ring[ot->head];
            ot->head = (ot->head + 1) % ot->cap;
            ot->n--;
        }
        if (ot->full_wait)
            pthread_cond_signal(&ot->room);
        pthread_mutex_unlock(&ot->mu);
        for (size_t i = 0; i < k; i++) {
            ot->work(ot->ctx, batch[i].item, batch[i].flag);
        }
        pthread_mutex_lock(&ot->mu);
    }
    pthread_mutex_unlock(&ot->mu);
    ot->idle(ot->ctx);
    return NULL;
}

int sp__outthread_start(sp__outthread *ot, void (*work)(void *, void *, int), void (*idle)(void *),
                        void *ctx)
{
    memset(ot, 0, sizeof(*ot));
    ot->work = work;
    ot->idle = idle;
    ot->ctx = ctx;
    ot->cap = QUEUE_ITEMS;
    ot->ring = calloc(ot->cap, sizeof(*ot->ring));
    if (!ot->ring)
        return -1;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&ot->mu, NULL);
    pthread_cond_init(&ot->more, &ca);
    pthread_cond_init(&ot->room, NULL);
    pthread_condattr_destroy(&ca);
    /* The thread takes no signals: SIGINT must reach the scan thread and
     * interrupt its waits. It inherits the mask in force here. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&ot->thread, NULL, run, ot);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_mutex_destroy(&ot->mu);
        pthread_cond_destroy(&ot->more);
        pthread_cond_destroy(&ot->room);
        free(ot->ring);
        ot->ring = NULL;
        return -1;
    }
    ot->running = 1;
    return 0;
}

void sp__outthread_push(sp__outthread *ot, void *item, int flag)
{
    pthread_mutex_lock(&ot->mu);
    while (ot->n == ot->cap) {
        ot->full_wait = 1;
        pthread_cond_wait(&ot->room, &ot->mu);
        ot->full_wait = 0;
    }
    ot->ring[(ot->head + ot->n) % ot->cap] = (sp__out_item){item, flag};
    ot->n++;
    /* The writer wakes by itself every 50 ms and takes whatever queued up
     * in one go; it is woken early only when the queue fills up, so that
     * a busy scan costs a few wake-ups a second, not one per service. */
    if (ot->idle_wait && ot->n >= ot->cap / 4)
        pthread_cond_signal(&ot->more);
    pthread_mutex_unlock(&ot->mu);
}

void sp__outthread_stop(sp__outthread *ot)
{
    if (!ot->running)
        return;
    pthread_mutex_lock(&ot->mu);
    ot->stop = 1;
    pthread_cond_signal(&ot->more);
    pthread_mutex_unlock(&ot->mu);
    pthread_join(ot->thread, NULL);
    pthread_mutex_destroy(&ot->mu);
    pthread_cond_destroy(&ot->more);
    pthread_cond_destroy(&ot->room);
    free(ot->ring);
    memset(ot, 0, sizeof(*ot));
}
