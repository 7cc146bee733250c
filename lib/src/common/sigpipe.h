/* Writing to a pipe or socket whose reader is gone raises SIGPIPE, which
 * kills a process that did not ask to ignore it. A library must not change
 * the process's disposition, so it blocks SIGPIPE on the writing thread
 * around such a write, and takes back a SIGPIPE that the write raised
 * (one that was already pending stays pending). */
#ifndef SP_COMMON_SIGPIPE_H
#define SP_COMMON_SIGPIPE_H

#include <signal.h>

typedef struct sp__sigpipe {
    sigset_t set, old;
    int pending; /* SIGPIPE was pending before: not ours to take back */
} sp__sigpipe;

void sp__sigpipe_hold(sp__sigpipe *h);
/* raised: the write failed with EPIPE (so it raised a SIGPIPE). */
void sp__sigpipe_release(sp__sigpipe *h, int raised);

#endif
