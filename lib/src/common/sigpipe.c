#include "common/sigpipe.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

void sp__sigpipe_hold(sp__sigpipe *h)
{
    sigemptyset(&h->set);
    sigaddset(&h->set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &h->set, &h->old);
    sigset_t now;
    h->pending = sigpending(&now) != 0 || sigismember(&now, SIGPIPE);
}

void sp__sigpipe_release(sp__sigpipe *h, int raised)
{
    if (raised && !h->pending) {
        const struct timespec zero = {0, 0};
        while (sigtimedwait(&h->set, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &h->old, NULL);
}
