#include "common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
