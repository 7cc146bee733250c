#include "classify/enumerate.h"

#include "sipprobe/sipprobe.h"
#include "match/token.h"
#include "common/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sp__extlist_init(sp__extlist *l)
{
    memset(l, 0, sizeof(*l));
}

void sp__extlist_free(sp__extlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].name);
    free(l->items);
    sp__extlist_init(l);
}

static int all_digits(const char *s, size_t n)
{
    if (n == 0 || n > 18)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int valid_user(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("-_.!~*'()&=+$;?/", s[i]))
            return 0;
    return 1;
}

int sp__extlist_add(sp__extlist *l, const char *spec, char *err, size_t errlen)
{
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && isspace((unsigned char)*p)) {
            p++;
            n--;
        }
        while (n && isspace((unsigned char)p[n - 1]))
            n--;
        sp__extitem item;
        memset(&item, 0, sizeof(item));
        const char *dash = memchr(p, '-', n);
        if (dash && all_digits(p, (size_t)(dash - p)) &&
            all_digits(dash + 1, n - (size_t)(dash - p) - 1)) {
            item.lo = strtoull(p, NULL, 10);
            item.hi = strtoull(dash + 1, NULL, 10);
            item.width = (p[0] == '0' && dash - p > 1) ? (int)(dash - p) : 0;
            if (item.hi < item.lo) {
                snprintf(err, errlen, "bad extension range '%.*s': end below start", (int)n, p);
                return SP_EINVAL;
            }
        } else if (all_digits(p, n) && !(p[0] == '0' && n > 1)) {
            item.lo = item.hi = strtoull(p, NULL, 10);
        } else if (valid_user(p, n)) {
            item.name = malloc(n + 1);
            if (!item.name)
                return SP_ENOMEM;
            memcpy(item.name, p, n);
            item.name[n] = '\0';
        } else {
            snprintf(err, errlen, "bad extension '%.*s': not a number, range or SIP user name",
                     (int)n, p);
            return SP_EINVAL;
        }
        uint64_t count = item.name ? 1 : item.hi - item.lo + 1;
        if (l->count + count > SP__MAX_EXTENSIONS) {
            free(item.name);
            snprintf(err, errlen, "more than %d extensions", SP__MAX_EXTENSIONS);
            return SP_ETOOBIG;
        }
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 8;
            sp__extitem *v = realloc(l->items, cap * sizeof(*v));
            if (!v) {
                free(item.name);
                return SP_ENOMEM;
            }
            l->items = v;
            l->cap = cap;
        }
        l->items[l->n++] = item;
        l->count += count;
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

/* snprintf's count, clamped to what fit. */
static size_t written(int n, size_t cap)
{
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t sp__extlist_get(const sp__extlist *l, uint64_t i, char *out, size_t cap)
{
    for (size_t k = 0; k < l->n; k++) {
        const sp__extitem *it = &l->items[k];
        uint64_t count = it->name ? 1 : it->hi - it->lo + 1;
        if (i < count)
            return it->name ? written(snprintf(out, cap, "%s", it->name), cap)
                            : written(snprintf(out, cap, "%0*llu", it->width,
                                               (unsigned long long)(it->lo + i)),
                                      cap);
        i -= count;
    }
    return written(snprintf(out, cap, "?"), cap);
}

uint64_t sp__enum_signature(int status, const char *reason)
{
    uint32_t h = 2166136261u; /* FNV-1a over the lower-cased reason */
    for (const char *p = reason ? reason : ""; *p; p++) {
        h ^= (uint8_t)tolower((unsigned char)*p);
        h *= 16777619u;
    }
    return ((uint64_t)(uint32_t)status << 32) | h;
}

sp__enum *sp__enum_new(uint32_t n)
{
    sp__enum *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->answer = calloc(n ? n : 1, sizeof(*e->answer));
    if (!e->answer) {
        free(e);
        return NULL;
    }
    e->n = n;
    return e;
}

void sp__enum_free(sp__enum *e)
{
    if (!e)
        return;
    free(e->answer);
    free(e);
}

int sp__enum_record(sp__enum *e, uint32_t index, int status, const char *reason)
{
    uint64_t sig = sp__enum_signature(status, reason);
    if (status < 200)
        return 0; /* provisional: wait for the final answer */
    if (index == SP__EXT_BASELINE) {
        if (e->baseline)
            return 0;
        e->baseline = sig;
        snprintf(e->baseline_reason, sizeof(e->baseline_reason), "%s", reason ? reason : "");
    } else {
        if (index >= e->n || e->answer[index])
            return 0;
        e->answer[index] = sig;
    }
    e->replies++;
    e->refusals_in_row = (status == 503 || status == 429) ? e->refusals_in_row + 1 : 0;
    return 1;
}

static int overload(uint64_t sig)
{
    int status = (int)(sig >> 32);
    return status == 408 || status == 429 || status >= 500;
}

int sp__enum_evaluate(const sp__enum *e, const sp__extlist *l, sp__strv *found, char *note,
                      size_t notelen)
{
    char stop_note[sizeof(e->note)];
    snprintf(stop_note, sizeof(stop_note), "%s", e->note);
    if (!e->baseline) {
        snprintf(note, notelen,
                 "the surely non-existent user '%s' got no answer: "
                 "enumeration is not possible%s%s",
                 e->baseline_user, stop_note[0] ? "; " : "", stop_note);
        return 0;
    }
    uint32_t answered = 0, differ = 0;
    for (uint32_t i = 0; i < e->n; i++) {
        if (!e->answer[i])
            continue;
        answered++;
        if (e->answer[i] != e->baseline && !overload(e->answer[i])) {
            differ++;
            char name[80];
            sp__extlist_get(l, i, name, sizeof(name));
            sp__strv_push(found, name, strlen(name));
        }
    }
    if (differ == 0) {
        snprintf(note, notelen,
                 "every user gets the same answer as the non-existent '%s' (%d %s): "
                 "enumeration is not possible (%u of %u extensions answered)%s%s",
                 e->baseline_user, (int)(e->baseline >> 32), e->baseline_reason, answered, e->n,
                 stop_note[0] ? "; " : "", stop_note);
        return 0;
    }
    snprintf(note, notelen,
             "%u of %u extensions answered differently from the non-existent '%s'%s%s", differ,
             e->n, e->baseline_user, stop_note[0] ? "; " : "", stop_note);
    return 1;
}
