/* Password candidates for one extension: a short built-in list of what
 * people really set on PBX extensions (the extension itself and simple
 * variations, common PINs and words; at most 20), then the lines of the
 * user's --passwords file. Each candidate says what kind it is, which is
 * what findings show: the password itself is not written anywhere unless
 * the user asks for it. Pure code apart from reading the file. */
#ifndef SP_AUDIT_CANDIDATES_H
#define SP_AUDIT_CANDIDATES_H

#include "common/util.h"

#include <stddef.h>
#include <stdint.h>

#define SP__BUILTIN_CANDIDATES 20
#define SP__PASSWORD_MAX 128

/* The lines of a passwords file, with their line numbers. */
typedef struct sp__passlist {
    sp__strv words;
    uint32_t *lines;
    char *path;
} sp__passlist;

void sp__passlist_init(sp__passlist *l);
void sp__passlist_free(sp__passlist *l);
/* Reads path: one password per line, CR LF or LF, lines starting with '#'
 * and empty lines skipped. Returns 0, or an sp_code with a one-line err
 * naming the file (and line, for a NUL byte or an over-long line). */
int sp__passlist_load(sp__passlist *l, const char *path, char *err, size_t errlen);

/* The candidates for one extension. */
typedef struct sp__candidates {
    char builtin[SP__BUILTIN_CANDIDATES][SP__PASSWORD_MAX];
    const char *builtin_kind[SP__BUILTIN_CANDIDATES];
    size_t n_builtin;
    const sp__passlist *file; /* may be NULL */
} sp__candidates;

/* The built-in ones for ext (duplicates removed), then file's lines. */
void sp__candidates_init(sp__candidates *c, const char *ext, const sp__passlist *file);

/* How many there are in all (file lines equal to a built-in one are not
 * counted twice). */
size_t sp__candidates_count(const sp__candidates *c);

/* The candidate at or after *pos: 1 with the password and what kind it is
 * ("same as the extension", "passwords file line 12") and *pos moved past
 * it; 0 at the end. */
int sp__candidates_next(const sp__candidates *c, size_t *pos, char *password, size_t cap,
                        char *kind, size_t kindcap);

#endif
