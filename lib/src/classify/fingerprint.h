/* The fingerprint database: rules read from JSON (the built-in file and any
 * --fingerprints files), each a PCRE2 pattern (JIT-compiled once) over one
 * field of a service's replies. First matching rule wins. */
#ifndef SP_FINGERPRINT_H
#define SP_FINGERPRINT_H

#include <stddef.h>

typedef enum {
    SP__FIELD_BANNER, /* Server, then User-Agent */
    SP__FIELD_SERVER,
    SP__FIELD_USER_AGENT,
    SP__FIELD_TO_TAG,
    SP__FIELD_REALM,
    SP__FIELD_ALLOW, /* the Allow list joined with ", " */
    SP__FIELD_WARNING,
    SP__FIELD_HEADER_ORDER, /* header names in order, joined with "," */
    SP__FIELD_HEADER,       /* header:NAME: the value of that header */
    SP__FIELD_COUNT
} sp__fp_field;

typedef struct sp__fprule sp__fprule;

typedef struct sp__fpdb {
    sp__fprule *rules;
    size_t n, cap;
} sp__fpdb;

/* Inputs a rule can look at; NULL for absent fields. */
typedef struct sp__fp_input {
    const char *field[SP__FIELD_COUNT];
    const char *const *headers; /* "Name: value" of every header, for header:NAME */
    size_t n_headers;
} sp__fp_input;

typedef struct sp__fp_match {
    const char *id, *vendor, *product, *type; /* owned by the database */
    char *version;                            /* malloc'd, or NULL */
    char *cpe; /* malloc'd ({version} filled in, "*" when unknown), or NULL */
} sp__fp_match;

void sp__fpdb_init(sp__fpdb *db);
void sp__fpdb_free(sp__fpdb *db);
/* Parses a JSON document and appends (or, with prepend, inserts before the
 * existing) rules. origin names the source in errors. Returns 0 or an sp_code. */
int sp__fpdb_load(sp__fpdb *db, const char *json, size_t len, const char *origin, int prepend,
                  char *err, size_t errlen);
/* Loads the built-in database. */
int sp__fpdb_load_builtin(sp__fpdb *db, char *err, size_t errlen);
/* Returns 1 and fills *m on a match (free with sp__fp_match_free), else 0. */
int sp__fpdb_match(const sp__fpdb *db, const sp__fp_input *in, sp__fp_match *m);
void sp__fp_match_free(sp__fp_match *m);

#endif
