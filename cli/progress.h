/* Messages on standard error while a scan runs: the library's log lines
 * and, at a terminal, one progress line that log lines clear first. */
#ifndef SIPPROBE_CLI_PROGRESS_H
#define SIPPROBE_CLI_PROGRESS_H
#include "sipprobe/sipprobe.h"

/* Quiet shows nothing; otherwise log lines up to level verbose. */
void cli_log_level(int quiet, int verbose);
/* An sp_log_fn: "sipprobe: [warning: ]MESSAGE". */
void cli_on_log(int level, const char *msg, void *data);
/* An sp_progress_fn: rewrites the progress line in place. */
void cli_on_progress(const sp_progress *p, void *data);
/* Erases the progress line, if one is shown. */
void cli_progress_clear(void);
#endif
