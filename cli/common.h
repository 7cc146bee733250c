/* What every subcommand shares: exit codes and how usage and library errors
 * are reported. */
#ifndef SIPPROBE_CLI_COMMON_H
#define SIPPROBE_CLI_COMMON_H
#include "sipprobe/sipprobe.h"

enum { EXIT_DONE = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3 };

/* "sipprobe: MESSAGE" and a pointer to --help; exits with EXIT_USAGE. */
void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* "sipprobe: " and the handle's message for code (its generic text if none). */
void cli_lib_error(const sp_scan *scan, sp_code code);
/* A decimal number from min to max, or a usage error naming what and s. */
unsigned long cli_parse_number(const char *s, const char *what, unsigned long min,
                               unsigned long max);
/* A duration in milliseconds: a bare number is in unit_ms ("2000" for
 * --wait, "60" for --duration), or with a unit: "500ms", "2s", "1.5s", "2m".
 * Outside min_ms..max_ms is a usage error naming what and s. */
unsigned long cli_parse_duration_ms(const char *s, const char *what, unsigned long unit_ms,
                                    unsigned long min_ms, unsigned long max_ms);
/* A rate: "500", "10k", "1.5M". */
unsigned long cli_parse_rate(const char *s, const char *what, unsigned long min, unsigned long max);
#endif
