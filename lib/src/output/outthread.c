#include "output/outthread.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE_ITEMS 1024      /* services of a few KB each: a few MB at most */
#define RING_BYTES (1u << 20) /* copies of replies or lines: about a thousand replies */
#define BATCH 64
#define SP__OUTTHREAD_NICE 19 /* the lowest priority a thread can lower itself to */
#define SYNC_FLAG (-1)        /* an item that only marks a point in the queue */

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A producer that found the queue full is woken only once it is half
 * empty: it then queues a long run at once, and this thread works one off
 * without a switch every batch (wake-ups cost more than the work here). */
static int low_water(const sp__outthread *ot)
{
    return ot->n <= ot->cap / 2 && ot->bytes_used <= ot->bytes_cap / 2;
}

static void *run(void *arg)
{
    sp__outthread *ot = arg;
    sp__out_item batch[BATCH];
    /* Below the thread that sends and receives, which must never wait on
     * this one: where they share a core (two cores and a busy machine),
     * sending goes on at full speed and this thread catches up in the
     * gaps. Nothing is lost meanwhile: a full queue stops that thread, and
     * with it sending, until there is room. */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), SP__OUTTHREAD_NICE);
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
        if (ot->full_wait && low_water(ot))
            pthread_cond_signal(&ot->room);
        pthread_mutex_unlock(&ot->mu);
        size_t span = 0;
        for (size_t i = 0; i < k; i++) {
            if (batch[i].flag == SYNC_FLAG) {
                pthread_mutex_lock(&ot->mu);
                ot->syncs_done++;
                pthread_cond_broadcast(&ot->room);
                pthread_mutex_unlock(&ot->mu);
                continue;
            }
            ot->work(ot->ctx, batch[i].item, batch[i].flag);
            span += batch[i].span;
        }
        pthread_mutex_lock(&ot->mu);
        /* Copies are released in the order they were made. */
        ot->bytes_used -= span;
        if (span && ot->full_wait && low_water(ot))
            pthread_cond_signal(&ot->room);
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
    ot->bytes_cap = RING_BYTES;
    ot->bytes = malloc(ot->bytes_cap);
    if (!ot->ring || !ot->bytes) {
        free(ot->ring);
        free(ot->bytes);
        return -1;
    }
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
        free(ot->bytes);
        ot->ring = NULL;
        ot->bytes = NULL;
        return -1;
    }
    ot->running = 1;
    return 0;
}

static int has_room(const sp__outthread *ot, size_t span)
{
    return ot->n < ot->cap && ot->bytes_used + span <= ot->bytes_cap;
}

/* Back-pressure (the lock is held): waits until the queue has room for an
 * item holding span bytes of the ring; each wait is counted and timed. */
static void wait_for_room(sp__outthread *ot, size_t span)
{
    if (has_room(ot, span))
        return;
    uint64_t t0 = mono_ns();
    ot->full_waits++;
    while (!has_room(ot, span)) {
        ot->full_wait = 1;
        if (ot->idle_wait)
            pthread_cond_signal(&ot->more);
        pthread_cond_wait(&ot->room, &ot->mu);
        ot->full_wait = 0;
    }
    ot->full_wait_ns += mono_ns() - t0;
}

/* Appends an item (the lock is held, there is room). The writer wakes by
 * itself every 50 ms and takes whatever queued up in one go; it is woken
 * early only when a quarter of the queue or of the ring is used, so that a
 * busy scan costs a few wake-ups a second, not one per item. */
static void append(sp__outthread *ot, void *item, int flag, size_t span)
{
    ot->ring[(ot->head + ot->n) % ot->cap] = (sp__out_item){item, flag, span};
    ot->n++;
    if (ot->idle_wait && (ot->n >= ot->cap / 4 || ot->bytes_used >= ot->bytes_cap / 4))
        pthread_cond_signal(&ot->more);
}

void sp__outthread_push(sp__outthread *ot, void *item, int flag)
{
    pthread_mutex_lock(&ot->mu);
    wait_for_room(ot, 0);
    append(ot, item, flag, 0);
    pthread_mutex_unlock(&ot->mu);
}

void sp__outthread_push_copy(sp__outthread *ot, int flag, const void *head, size_t head_len,
                             const void *body, size_t body_len)
{
    size_t len = (head_len + body_len + 15) & ~(size_t)15;
    pthread_mutex_lock(&ot->mu);
    /* A copy is contiguous: one that does not fit before the end of the
     * ring starts at its beginning, and holds the bytes skipped too. */
    size_t at = ot->bytes_tail, span = len;
    if (at + len > ot->bytes_cap) {
        span += ot->bytes_cap - at;
        at = 0;
    }
    wait_for_room(ot, span);
    char *dst = ot->bytes + at;
    memcpy(dst, head, head_len);
    if (body_len)
        memcpy(dst + head_len, body, body_len);
    ot->bytes_tail = (at + len) % ot->bytes_cap;
    ot->bytes_used += span;
    append(ot, dst, flag, span);
    pthread_mutex_unlock(&ot->mu);
}

void sp__outthread_sync(sp__outthread *ot)
{
    if (!ot->running)
        return;
    pthread_mutex_lock(&ot->mu);
    wait_for_room(ot, 0);
    uint64_t mine = ++ot->syncs_asked;
    append(ot, NULL, SYNC_FLAG, 0);
    pthread_cond_signal(&ot->more);
    while (ot->syncs_done < mine)
        pthread_cond_wait(&ot->room, &ot->mu);
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
    free(ot->bytes);
    uint64_t waits = ot->full_waits, wait_ns = ot->full_wait_ns;
    memset(ot, 0, sizeof(*ot));
    ot->full_waits = waits; /* for the caller's report */
    ot->full_wait_ns = wait_ns;
}
