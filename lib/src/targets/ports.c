/* Port lists ("5060,5080,5060-5070") into a sorted list without duplicates. */
#include "targets/internal.h"

#include "sipprobe/sipprobe.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sp__port_cmp(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

int sp__ports_parse(const char *list, uint16_t **out, size_t *n, char *err, size_t errlen)
{
    /* A bitmap of 65536 ports keeps duplicates and overlaps out cheaply. */
    uint8_t *seen = calloc(65536 / 8, 1);
    if (!seen)
        return SP_ENOMEM;
    const char *p = list;
    size_t count = 0;
    int any = 0, lowest = 65536, highest = 0;
    while (*p) {
        const char *s = p;
        while (*p && *p != ',')
            p++;
        char tok[32];
        size_t len = (size_t)(p - s);
        if (*p == ',')
            p++;
        if (len == 0 || len >= sizeof(tok)) {
            free(seen);
            snprintf(err, errlen, "malformed port list '%s': empty or overlong item", list);
            return SP_EPORT;
        }
        memcpy(tok, s, len);
        tok[len] = '\0';
        int a, b;
        char *dash = strchr(tok, '-');
        if (dash) {
            *dash = '\0';
            if (sp__port_parse(tok, &a) || sp__port_parse(dash + 1, &b) || b < a) {
                free(seen);
                *dash = '-';
                snprintf(err, errlen, "malformed port list '%s': bad range '%s'", list, tok);
                return SP_EPORT;
            }
        } else if (sp__port_parse(tok, &a)) {
            free(seen);
            snprintf(err, errlen, "malformed port list '%s': bad port '%s' (1-65535)", list, tok);
            return SP_EPORT;
        } else {
            b = a;
        }
        if (a < lowest)
            lowest = a;
        if (b > highest)
            highest = b;
        for (int v = a; v <= b; v++)
            if (!(seen[v / 8] & (1u << (v % 8)))) {
                seen[v / 8] |= (uint8_t)(1u << (v % 8));
                count++;
            }
        any = 1;
    }
    if (!any) {
        free(seen);
        snprintf(err, errlen, "malformed port list '%s': empty", list);
        return SP_EPORT;
    }
    uint16_t *ports = malloc(count * sizeof(*ports));
    if (!ports) {
        free(seen);
        return SP_ENOMEM;
    }
    size_t k = 0;
    for (int v = lowest; v <= highest; v++)
        if (seen[v / 8] & (1u << (v % 8)))
            ports[k++] = (uint16_t)v;
    free(seen);
    qsort(ports, k, sizeof(*ports), sp__port_cmp);
    *out = ports;
    *n = k;
    return 0;
}
