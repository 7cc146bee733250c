/* Small helpers shared by library modules: growable buffers and string lists. */
#ifndef SP_UTIL_H
#define SP_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <time.h>

/* In test builds, file-local functions become visible so Check suites can reach them. */
#ifdef SP_TESTING
#define SP_STATIC
#else
#define SP_STATIC static
#endif

/* A growable byte buffer; always NUL-terminated when len > 0 or after sp__buf_cstr. */
typedef struct sp__buf {
    char *data;
    size_t len;
    size_t cap;
    int failed; /* set once an allocation failed; later appends are no-ops */
} sp__buf;

void sp__buf_init(sp__buf *b);
void sp__buf_free(sp__buf *b);
void sp__buf_reset(sp__buf *b);
void sp__buf_append(sp__buf *b, const void *p, size_t n);
/* Writes the decimal digits of v at out (at most 20, no NUL); returns how
 * many. For hot paths where printf is too slow. */
size_t sp__decimal(char *out, unsigned long long v);
/* Makes room for n more bytes up front (a buffer whose final size is about known). */
void sp__buf_reserve(sp__buf *b, size_t n);
void sp__buf_puts(sp__buf *b, const char *s);
void sp__buf_printf(sp__buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *sp__buf_cstr(sp__buf *b);

/* A list of owned strings. */
typedef struct sp__strv {
    char **v;
    size_t n;
    size_t cap;
} sp__strv;

int sp__strv_push(sp__strv *s, const char *str, size_t len); /* 0 ok, -1 ENOMEM */
void sp__strv_free(sp__strv *s);
int sp__strv_contains(const sp__strv *s, const char *str);

char *sp__strndup(const char *s, size_t n);
/* Case-insensitive prefix test for header names. */
int sp__strncaseeq(const char *a, const char *b, size_t n);
/* Trims ASCII spaces and tabs in place; returns the new start and sets *len. */
const char *sp__trim(const char *s, size_t *len);

/* ISO 8601 UTC: "2024-05-01T12:00:00Z" ("?" if t cannot be shown). */
void sp__iso_time(time_t t, char *buf, size_t len);

#endif

/* 1 if s is entirely valid UTF-8 (the common case: no copy needed). */
int sp__utf8_valid(const char *s);
/* Copies s into b replacing invalid UTF-8 sequences with U+FFFD, so that
 * hostile bytes never make a JSON document invalid. */
void sp__buf_utf8(sp__buf *b, const char *s);
/* For terminals: like sp__buf_utf8, and C0/C1 controls and DEL become '?',
 * so a hostile banner cannot move the cursor or change colours. */
void sp__buf_printable(sp__buf *b, const char *s);
