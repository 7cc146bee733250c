#include "sip/parse_arena.h"

#include <osipparser2/osip_port.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define SP__ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SP__ARENA_ASAN 1
#endif
#endif
#ifdef SP__ARENA_ASAN
/* Under ASan the arena is poisoned but for the blocks handed out, so that
 * libosip2 reading a freed or overrun block is still caught. */
#include <sanitizer/asan_interface.h>
#define REDZONE 16
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define REDZONE 0
#endif

#define ARENA_BYTES (64u << 10) /* a large reply's parse; a larger one spills to malloc */
#define HEADER 16               /* the block's size, keeping payloads 16-byte aligned */

/* This thread's arena; active only inside a parse. Initial-exec: read
 * without a call to __tls_get_addr on every allocation and free. */
static __thread __attribute__((tls_model("initial-exec"))) struct {
    char *base;
    size_t used;
    int active;
} arena;

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t key; /* frees a thread's arena when the thread ends */

static void make_key(void)
{
    pthread_key_create(&key, free);
}

static int in_arena(const void *p)
{
    return arena.base && (const char *)p >= arena.base &&
           (const char *)p < arena.base + ARENA_BYTES;
}

static void *arena_malloc(size_t n)
{
    size_t need = HEADER + ((n + 15) & ~(size_t)15) + REDZONE;
    if (!arena.active || n > ARENA_BYTES || arena.used + need > ARENA_BYTES)
        return malloc(n);
    char *block = arena.base + arena.used;
    arena.used += need;
    ASAN_UNPOISON_MEMORY_REGION(block, HEADER + n);
    memcpy(block, &n, sizeof(n));
    return block + HEADER;
}

static void arena_free(void *p)
{
    if (!in_arena(p)) {
        free(p);
        return;
    }
    /* Given back with the whole arena when the parse ends. */
    size_t n;
    memcpy(&n, (char *)p - HEADER, sizeof(n));
    ASAN_POISON_MEMORY_REGION(p, n);
}

static void *arena_realloc(void *p, size_t n)
{
    if (!p)
        return arena_malloc(n);
    if (!in_arena(p))
        return realloc(p, n);
    size_t old;
    memcpy(&old, (char *)p - HEADER, sizeof(old));
    if (n <= old)
        return p;
    void *q = arena_malloc(n);
    if (q) {
        memcpy(q, p, old);
        arena_free(p);
    }
    return q;
}

void sp__parse_arena_install(void)
{
    pthread_once(&key_once, make_key);
    osip_set_allocators(arena_malloc, arena_realloc, arena_free);
}

void sp__parse_arena_begin(void)
{
    if (!arena.base) {
        pthread_once(&key_once, make_key);
        arena.base = malloc(ARENA_BYTES);
        if (!arena.base)
            return; /* the parse uses malloc */
        pthread_setspecific(key, arena.base);
        ASAN_POISON_MEMORY_REGION(arena.base, ARENA_BYTES);
    }
    arena.used = 0;
    arena.active = 1;
}

void sp__parse_arena_end(void)
{
    /* Every block of the parse was freed with its message: poisoned again. */
    if (arena.base)
        ASAN_POISON_MEMORY_REGION(arena.base, arena.used);
    arena.used = 0;
    arena.active = 0;
}
