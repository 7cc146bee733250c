/* Where libosip2's allocations go while it parses a message: a per-thread
 * arena, all of it given back at once when the parse ends. A reply's parse
 * makes about a hundred small mallocs and frees, and with three threads
 * allocating, malloc and free were a fifth of the reply path. Outside a
 * parse (building templates, other users of libosip2 in the process) the
 * hooks are plain malloc, realloc and free. */
#ifndef SP_PARSE_ARENA_H
#define SP_PARSE_ARENA_H

/* Routes libosip2's allocator through the arena (once, at parser init). */
void sp__parse_arena_install(void);
/* Between these, libosip2 allocates from this thread's arena. Everything
 * allocated then must be freed before the end (the parse frees its
 * message); a parse larger than the arena spills to malloc. */
void sp__parse_arena_begin(void);
void sp__parse_arena_end(void);

#endif
