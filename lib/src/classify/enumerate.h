/* Extension enumeration: the list of extensions to try (numeric ranges and
 * names, never expanded in memory), the per-service record of what each
 * one got, and the pure decision whether the server tells existing users
 * from non-existing ones. */
#ifndef SP_ENUMERATE_H
#define SP_ENUMERATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sp__extitem {
    char *name;      /* a single name, or NULL for a numeric range */
    uint64_t lo, hi; /* inclusive */
    int width;       /* zero-padded width of the range ("0100-0199": 4) */
} sp__extitem;

typedef struct sp__extlist {
    sp__extitem *items;
    size_t n, cap;
    uint64_t count;
} sp__extlist;

#define SP__MAX_EXTENSIONS 1000000

void sp__extlist_init(sp__extlist *l);
void sp__extlist_free(sp__extlist *l);
/* "100-199,1000,alice": comma-separated numbers, ranges and names (SIP user
 * characters only). Returns 0 or an sp_code with err naming the bad item. */
int sp__extlist_add(sp__extlist *l, const char *spec, char *err, size_t errlen);
/* The i-th extension (0 <= i < count) as text; returns its length. */
size_t sp__extlist_get(const sp__extlist *l, uint64_t i, char *out, size_t cap);

/* What one service answered during enumeration. */
typedef struct sp__enum {
    uint32_t n;        /* extensions in the list */
    uint64_t *answer;  /* per extension: 0 no reply, else (status << 32 | hash of reason) */
    uint64_t baseline; /* the same for the surely non-existent user; 0 if silent */
    char baseline_user[32];
    char baseline_reason[64];
    uint32_t sent, replies;
    uint32_t refusals_in_row; /* 429/503 replies in a row */
    uint64_t last_reply_ns;
    int stopped;
    char note[192];
} sp__enum;

/* The signature of a reply: status and reason phrase (case-insensitive). */
uint64_t sp__enum_signature(int status, const char *reason);

sp__enum *sp__enum_new(uint32_t n);
void sp__enum_free(sp__enum *e);

/* Records a reply; returns 1 if it was new. index is SP__EXT_BASELINE or the extension index. */
int sp__enum_record(sp__enum *e, uint32_t index, int status, const char *reason);

/* Decides whether the server tells users apart. An extension exists when
 * its answer differs from the baseline and is not a 408/429/5xx (overload is
 * no evidence). Fills found (names) and a note; returns 1 when possible. */
struct sp__strv;
int sp__enum_evaluate(const sp__enum *e, const sp__extlist *l, struct sp__strv *found, char *note,
                      size_t notelen);

#endif
