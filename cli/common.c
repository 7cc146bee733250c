#include "common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "sipprobe: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'sipprobe --help' for more information.\n");
    exit(EXIT_USAGE);
}

void cli_lib_error(const sp_scan *scan, sp_code code)
{
    const char *msg = scan ? sp_scan_errmsg(scan) : NULL;
    fprintf(stderr, "sipprobe: %s\n", msg && *msg ? msg : sp_strerror(code));
}

unsigned long cli_parse_number(const char *s, const char *what, unsigned long min,
                               unsigned long max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || errno || v < min || v > max || s[0] == '-')
        cli_usage_error("invalid %s '%s' (%lu-%lu)", what, s, min, max);
    return (unsigned long)v;
}

/* A decimal number with an optional fraction and a suffix; 0 on success. */
static int number_with_suffix(const char *s, double *v, const char **suffix)
{
    char *end;
    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    errno = 0;
    *v = strtod(s, &end);
    if (errno || end == s || *v < 0 || *v > 1e12)
        return -1;
    *suffix = end;
    return 0;
}

unsigned long cli_parse_duration_ms(const char *s, const char *what, unsigned long unit_ms,
                                    unsigned long min_ms, unsigned long max_ms)
{
    double v;
    const char *u;
    double scale = -1;
    if (number_with_suffix(s, &v, &u) == 0) {
        if (!*u)
            scale = (double)unit_ms;
        else if (!strcmp(u, "ms"))
            scale = 1;
        else if (!strcmp(u, "s"))
            scale = 1000;
        else if (!strcmp(u, "m") || !strcmp(u, "min"))
            scale = 60000;
        else if (!strcmp(u, "h"))
            scale = 3600000;
    }
    double ms = v * scale;
    if (scale < 0 || ms < (double)min_ms || ms > (double)max_ms)
        cli_usage_error("invalid %s '%s' (%s%lu ms to %lu s; units ms, s, m, h)", what, s,
                        unit_ms == 1 ? "a number of ms, or " : "", min_ms, max_ms / 1000);
    return (unsigned long)(ms + 0.5);
}

unsigned long cli_parse_rate(const char *s, const char *what, unsigned long min, unsigned long max)
{
    double v;
    const char *u;
    double scale = -1;
    if (number_with_suffix(s, &v, &u) == 0)
        scale = !*u ? 1 : !strcasecmp(u, "k") ? 1e3 : !strcmp(u, "M") ? 1e6 : -1;
    double r = v * scale;
    if (scale < 0 || r < (double)min || r > (double)max || (!*u && r != (double)(unsigned long)r))
        cli_usage_error("invalid %s '%s' (%lu-%lu; 10k and 1.5M are accepted)", what, s, min, max);
    return (unsigned long)(r + 0.5);
}
